"""Estimators tuned for tables: TabularMLPClassifier, TabularMLPRegressor."""

from numbers import Real

from sklearn.base import _fit_context
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import Interval, StrOptions

from ..nn import LOSSES
from ._docs import fill_tabular_doc
from ._fitted import atomic_fit
from ._sklearn_callbacks import fit_with_callbacks
from ._tabular_base import TABULAR_CONSTRAINTS, TabularMLP
from ._targets import ClassifierNet, RegressorNet

__all__ = ["TabularMLPClassifier", "TabularMLPRegressor"]


@fill_tabular_doc
class TabularMLPClassifier(ClassifierNet, TabularMLP):
    """Multi-layer perceptron classifier with defaults tuned for tables.

    Takes a numeric array or a pandas DataFrame with categorical columns
    (category, object, string or bool dtype) and missing values directly:
    :class:`TabularPreprocessor` scales numeric columns robustly (median and
    quantiles, smooth clipping), imputes them with an indicator, one-hot
    encodes small categorical columns and codes large ones for learned
    embeddings. The network embeds each continuous feature periodically,
    scales every input by a learned factor, and stacks dense layers with
    parametric activations and dropout on an output layer that starts at
    zero. Training runs a fixed budget of epochs of Adam (lower
    ``beta_2``) with label smoothing, cosine schedules of the learning rate,
    dropout and weight decay, and keeps the epoch that scored best on a
    validation split (stopping once a quarter of the budget has brought no
    better score), then trains again on every row for that many epochs.
    See the user guide's "Neural networks on tables".

    Parameters
    ----------
    {parameters}

    label_smoothing : float, default=0.1
        Training targets are ``(1 - label_smoothing)`` times the one-hot
        labels plus ``label_smoothing`` spread evenly over the classes.

    class_weight : dict, 'balanced' or None, default=None
        As in :class:`MLPClassifier`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    {attributes}

    See Also
    --------
    TabularMLPRegressor : The regressor.
    MLPClassifier : The plain multi-layer perceptron.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from skdeep import TabularMLPClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = TabularMLPClassifier(max_iter=20, random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.95)
    True
    """

    _parameter_constraints: dict = {
        **TABULAR_CONSTRAINTS,
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256, 256),
        activation="silu",
        *,
        numerical_embedding="periodic",
        n_frequencies=16,
        frequency_scale=0.1,
        n_bins=16,
        embedding_size=8,
        n_heads=1,
        max_onehot=256,
        smooth_clip=True,
        dropout=0.15,
        alpha=0.0,
        batch_size=256,
        learning_rate_init=0.002,
        max_iter="auto",
        schedules=True,
        validation_fraction=0.2,
        refit=True,
        beta_1=0.9,
        beta_2=0.95,
        epsilon=1e-8,
        random_state=None,
        verbose=False,
        dtype="float32",
        progress_bar="auto",
        device=None,
        label_smoothing=0.1,
        class_weight=None,
    ):
        _store(self, locals())

    def _make_loss(self):
        return LOSSES[self._output_link()](label_smoothing=self.label_smoothing)

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    @fit_with_callbacks
    def fit(self, X, y, sample_weight=None):
        """Fit the model to the table ``X`` and the class labels ``y``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table: numeric, categorical and string columns, with
            missing values.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, or a label-indicator matrix (multilabel).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight)


@fill_tabular_doc
class TabularMLPRegressor(RegressorNet, TabularMLP):
    """Multi-layer perceptron regressor with defaults tuned for tables.

    As :class:`TabularMLPClassifier`, for regression: the targets are
    standardized for training (and predictions mapped back), without label
    smoothing.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    TabularMLPClassifier : The classifier.
    MLPRegressor : The plain multi-layer perceptron.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skdeep import TabularMLPRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = TabularMLPRegressor(max_iter=20, random_state=0).fit(X, y)
    >>> bool(reg.score(X, y) > 0.4)
    True
    """

    _parameter_constraints: dict = dict(TABULAR_CONSTRAINTS)

    def __init__(
        self,
        hidden_layer_sizes=(256, 256, 256),
        activation="silu",
        *,
        numerical_embedding="periodic",
        n_frequencies=16,
        frequency_scale=0.1,
        n_bins=16,
        embedding_size=8,
        n_heads=1,
        max_onehot=256,
        smooth_clip=True,
        dropout=0.15,
        alpha=0.0,
        batch_size=256,
        learning_rate_init=0.002,
        max_iter="auto",
        schedules=True,
        validation_fraction=0.2,
        refit=True,
        beta_1=0.9,
        beta_2=0.95,
        epsilon=1e-8,
        random_state=None,
        verbose=False,
        dtype="float32",
        progress_bar="auto",
        device=None,
    ):
        _store(self, locals())

    def _encode_targets(self, y, labeled, incremental, first_pass):
        """The targets, standardized for training."""
        Y, labels = super()._encode_targets(y, labeled, incremental, first_pass)
        if first_pass:  # predictions come back in the targets' scale and dtype
            self._target_scaler = StandardScaler().fit(Y)
        return self._target_scaler.transform(Y), labels

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    @fit_with_callbacks
    def fit(self, X, y, sample_weight=None):
        """Fit the model to the table ``X`` and the targets ``y``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table: numeric, categorical and string columns, with
            missing values.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight)

    def _forward(self, X):
        out = super()._forward(X).astype(self._target_scaler.mean_.dtype)
        return self._target_scaler.inverse_transform(out)


def _store(estimator, arguments):
    """Set the constructor's arguments as attributes, unchanged."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
