"""Estimators tuned for tables: TabularMLPClassifier, TabularMLPRegressor."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..backend import get_backend
from ..data.arrays import as_dtype, take_rows
from ..data.columns import is_dataframe
from ..data.rows import FitData
from ..data.weights import check_sample_weight
from ..nn import LOSSES, EnsembleLoss
from ..preprocessing import TabularPreprocessor
from ..recipes import tabular as recipe
from ..recipes.mlp import make_optimizer
from ..train import TrainingPlan
from ._base import NeuralEstimator
from ._docs import fill_tabular_doc
from ._fitted import atomic_fit
from ._params import PARAMETER_CONSTRAINTS, check_hidden_layer_sizes
from ._sklearn_callbacks import fit_with_callbacks
from ._targets import ClassifierNet, RegressorNet

__all__ = ["TabularMLPClassifier", "TabularMLPRegressor"]

_OWN = (
    "hidden_layer_sizes",
    "alpha",
    "batch_size",
    "learning_rate_init",
    "random_state",
    "verbose",
    "validation_fraction",
    "beta_1",
    "beta_2",
    "epsilon",
    "dtype",
    "progress_bar",
    "device",
)

TABULAR_CONSTRAINTS = {
    **{name: PARAMETER_CONSTRAINTS[name] for name in _OWN},
    "activation": [StrOptions({"relu", "silu", "gelu", "elu", "tanh", "leaky_relu"})],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "max_iter": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "numerical_embedding": [StrOptions({"periodic", "piecewise_linear"}), None],
    "n_bins": [Interval(Integral, 1, None, closed="left")],
    "n_heads": [Interval(Integral, 1, None, closed="left")],
    "n_frequencies": [Interval(Integral, 1, None, closed="left")],
    "frequency_scale": [Interval(Real, 0, None, closed="neither")],
    "embedding_size": [Interval(Integral, 1, None, closed="left")],
    "max_onehot": [Interval(Integral, 1, None, closed="left")],
    "smooth_clip": ["boolean"],
    "schedules": ["boolean"],
}


def _check_targets(estimator, X, y):
    """``y`` checked as scikit-learn's ``check_X_y`` checks it, and as long
    as ``X``."""
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target "
            "y is None."
        )
    y = check_array(
        y, accept_sparse="csr", ensure_2d=False, dtype=None, input_name="y"
    )
    numeric = estimator._numeric_targets
    if numeric and y.dtype.kind == "O":
        y = y.astype(np.float64)
    check_consistent_length(X, y)
    return y


class _TabularMLP(NeuralEstimator):
    """What the tabular estimators share: the preprocessing of raw tables
    and the plan of a fit built from the tabular recipe
    (:mod:`skdeep.recipes.tabular`). Not to be used directly."""

    _parameter_constraints: dict = TABULAR_CONSTRAINTS

    # --------------------------------------------------------------- data
    def _validate_fit(self, X, y, sample_weight, incremental, first_pass):
        """The raw table's columns and the targets, checked; the table is
        preprocessed by the plan, fitted on the training rows only."""
        X = self._check_columns(X, reset=first_pass)
        y = _check_targets(self, X, y)
        Y, labels = self._encode_targets(y, None, incremental, first_pass)
        dtype = np.dtype(self.dtype)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, len(y), dtype)
        weights = self._weigh_samples(labels, sample_weight, incremental, dtype)
        return FitData(X, Y, labels, weights, X, sample_weight)

    def _check_columns(self, X, reset):
        """Check the columns of ``X`` (``n_features_in_``, names); return a
        DataFrame as it is, anything else as an array (scikit-learn's
        errors for sparse, 1-D, ... input)."""
        if not is_dataframe(X):
            X = check_array(X, dtype=None, ensure_all_finite=False)
        validate_data(self, X, skip_check_array=True, reset=reset)
        return X

    def _fit_preprocessor(self, X, rows=None):
        """Fit the preprocessor on the ``rows`` of ``X`` (all by default);
        return every row preprocessed."""
        self.preprocessor_ = TabularPreprocessor(
            max_onehot=self.max_onehot,
            smooth_clip=self.smooth_clip,
            missing=recipe.RECIPE.missing,
            dtype=self.dtype,
            n_bins=self.n_bins
            if self.numerical_embedding == "piecewise_linear"
            else None,
        ).fit(X if rows is None else take_rows(X, rows))
        return self.preprocessor_.transform(X)

    # ------------------------------------------------------------ network
    def _initial_network(self, data, rng, dtype, for_check=False):
        preprocessor = self.preprocessor_
        network = recipe.build_network(
            preprocessor.block_sizes_,
            preprocessor.cardinalities_,
            data.n_outputs,
            hidden=check_hidden_layer_sizes(self),
            activation=self.activation,
            dropout=self.dropout,
            embedding={
                "kind": self.numerical_embedding,
                "n_frequencies": self.n_frequencies,
                "size": self.embedding_size,
                "scale": self.frequency_scale,
                "bins": preprocessor.bins_,
            },
            dtype=dtype,
            n_heads=self.n_heads,
            link=self._output_link(),
            # at zero, every earlier layer's gradient is exactly zero
            zero_output=False if for_check else None,
        )
        network.initialize(rng)
        return network

    def _unfitted(self, X, y, sample_weight=None):
        data = self._validate_fit(X, y, sample_weight, False, True)
        data.X = self._fit_preprocessor(X).astype(np.float64)
        network, Y, sw = self._unfitted_network(data)
        return network, data.X, Y, sw

    # --------------------------------------------------------------- plan
    def _plan(self, data, rng, first_pass, incremental):
        backend = get_backend(self.device)
        fraction = self.validation_fraction if self.validation_fraction > 0 else None
        rows = self._split_rows(len(data.Y), data.labels, rng, fraction)
        X = self._fit_preprocessor(data.X, None if rows is None else rows[0])
        network = self._initial_network(data, rng, X.dtype)
        Y = data.Y.astype(network.dtype, copy=False)
        train_data = self._training_data(X, Y, data.labels, data.sample_weight, rows)
        n_samples = train_data.X.shape[0]
        batch_size = min(self.batch_size, n_samples)
        callbacks = recipe.policies(
            verbose=bool(self.verbose),
            validating=rows is not None,
            schedules=self.schedules,
        )
        return TrainingPlan(
            network,
            self._training_loss(),
            train_data,
            solver="adam",
            optimizer=make_optimizer(
                "adam",
                network,
                learning_rate_init=self.learning_rate_init,
                beta_1=self.beta_1,
                beta_2=self.beta_2,
                epsilon=self.epsilon,
            ),
            callbacks=callbacks + self._progress_callbacks(),
            max_epochs=recipe.epoch_budget(self.max_iter, n_samples, batch_size),
            fixed_budget=True,  # all the epochs run: that is the recipe
            batch_size=batch_size,
            alpha=self.alpha,
            backend=backend,
        )

    def _training_loss(self):
        """The loss: the members' mean with several heads."""
        loss = self._make_loss()
        return loss if self.n_heads == 1 else EnsembleLoss(loss, self.n_heads)

    # ---------------------------------------------------------- predict
    def _prediction_dtype(self):
        """Predictions run in float64 whatever the training dtype: a row's
        prediction then does not depend on the other rows of the call (in
        float32, BLAS sums a block of rows in another order than one row)."""
        return np.float64

    def _forward(self, X):
        check_is_fitted(self)
        X = self._check_columns(X, reset=False)
        X = as_dtype(self.preprocessor_.transform(X), np.float64)
        return self._predict_output(X, link=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags


@fill_tabular_doc
class TabularMLPClassifier(ClassifierNet, _TabularMLP):
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
    validation split. See the user guide's "Neural networks on tables".

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
class TabularMLPRegressor(RegressorNet, _TabularMLP):
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
