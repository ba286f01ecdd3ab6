"""The regressor: MLPRegressor."""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if

from ._docs import fill_doc
from ._fitted import atomic_fit
from ._mlp import MLP
from ._sklearn_callbacks import fit_with_callbacks
from ._targets import RegressorNet
from .mlp_classifier import _partial_fit_available

__all__ = ["MLPRegressor"]


@fill_doc
class MLPRegressor(RegressorNet, MLP):
    """Multi-layer perceptron regressor.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`,
    built on skdeep's layered NumPy core. It minimizes half the squared error
    (identity output) or half the Poisson deviance (exponential output), plus
    an L2 penalty, with Adam, SGD or L-BFGS; several outputs are supported.

    Parameters
    ----------
    loss : {{'squared_error', 'poisson'}}, default='squared_error'
        Loss to minimize. For several outputs the loss is summed over them.

    {parameters}

    Attributes
    ----------
    {attributes}

    out_activation_ : str
        Output link: 'identity' or 'exp' (Poisson).

    See Also
    --------
    MLPClassifier : Multi-layer perceptron classifier.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import MLPRegressor
    >>> X = np.linspace(-1, 1, 50).reshape(-1, 1)
    >>> reg = MLPRegressor(solver="lbfgs", random_state=0).fit(X, X.ravel() ** 2)
    >>> bool(reg.score(X, X.ravel() ** 2) > 0.95)
    True
    """

    _parameter_constraints: dict = {
        **MLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss="squared_error",
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
            loss=loss,
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

    def _output_link(self):
        return "exp" if self.loss == "poisson" else "identity"

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
            The target values.
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
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)
