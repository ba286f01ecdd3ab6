"""The classifier: MLPClassifier."""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ._docs import fill_doc
from ._fitted import atomic_fit
from ._mlp import MLP
from ._params import STOCHASTIC_SOLVERS
from ._sklearn_callbacks import fit_with_callbacks
from ._targets import ClassifierNet

__all__ = ["MLPClassifier"]


def _partial_fit_available(estimator):
    if estimator.solver not in STOCHASTIC_SOLVERS:
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. "
            "%s is not stochastic." % estimator.solver
        )
    return True


@fill_doc
class MLPClassifier(ClassifierNet, MLP):
    """Multi-layer perceptron classifier.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`
    (same parameters, defaults, attributes and methods), built on skdeep's
    layered NumPy core. It minimizes the cross-entropy of a softmax output
    (multiclass) or of logistic outputs (binary and multilabel), plus an L2
    penalty, with Adam, SGD or L-BFGS.

    Parameters
    ----------
    {parameters}

    class_weight : dict, list of dict or 'balanced', default=None
        Weights of the classes, multiplied into ``sample_weight``
        (scikit-learn's semantics, as in LogisticRegression): ``{{class:
        weight}}`` (missing classes weigh 1), one dict per label column for
        multilabel targets, or 'balanced': ``n_samples / (n_classes *
        count(class))`` (for multilabel targets, the columns' weights
        multiply). With early stopping the validation score is weighted too.
        ``partial_fit`` refuses 'balanced' (one chunk's class counts need not
        be the data's), as scikit-learn's SGDClassifier does: compute the
        weights with ``sklearn.utils.class_weight.compute_class_weight`` on
        enough of the targets and pass them as a dict.

    Attributes
    ----------
    classes_ : ndarray or list of ndarray of shape (n_classes,)
        Class labels.

    {attributes}

    out_activation_ : str
        Output link: 'softmax' (multiclass) or 'logistic'.

    See Also
    --------
    MLPRegressor : Multi-layer perceptron regressor.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skdeep import MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(solver="lbfgs", random_state=0, max_iter=500).fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> bool(clf.score(X, y) > 0.95)
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        batch_norm=False,
        batch_norm_stats="running",
        weight_init="glorot_uniform",
        rho=0.9,
        plateau_factor=2.0,
        plateau_patience=5,
        dtype=None,
        progress_bar="auto",
        device=None,
        pretraining=None,
        pretraining_max_iter=10,
        pretraining_corruption=0.2,
        unlabeled=None,
        class_weight=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            loss="log_loss",
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            batch_norm=batch_norm,
            batch_norm_stats=batch_norm_stats,
            weight_init=weight_init,
            rho=rho,
            plateau_factor=plateau_factor,
            plateau_patience=plateau_patience,
            dtype=dtype,
            progress_bar=progress_bar,
            device=device,
            pretraining=pretraining,
            pretraining_max_iter=pretraining_max_iter,
            pretraining_corruption=pretraining_corruption,
            unlabeled=unlabeled,
        )
        self.class_weight = class_weight

    _parameter_constraints: dict = {
        **MLP._parameter_constraints,
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    @fit_with_callbacks
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix (multilabel).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(_partial_fit_available)
    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    @fit_with_callbacks
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array of shape (n_classes,), default=None
            Classes across all calls to partial_fit; required on the first
            call. ``y`` need not contain all of them.

        Returns
        -------
        self : object
            The updated estimator.
        """
        self._start_partial_fit(y, classes, self.unlabeled)
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)
