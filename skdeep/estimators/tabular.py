"""Estimators tuned for tables: TabularMLPClassifier, TabularMLPRegressor."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_array, check_X_y
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..backend import get_backend
from ..data.arrays import as_dtype
from ..data.rows import FitData
from ..data.weights import check_sample_weight
from ..nn import LOSSES
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
    "numerical_embedding": [StrOptions({"periodic"}), None],
    "n_frequencies": [Interval(Integral, 1, None, closed="left")],
    "frequency_scale": [Interval(Real, 0, None, closed="neither")],
    "embedding_size": [Interval(Integral, 1, None, closed="left")],
    "max_onehot": [Interval(Integral, 1, None, closed="left")],
    "smooth_clip": ["boolean"],
    "schedules": ["boolean"],
}


class _TabularMLP(NeuralEstimator):
    """What the tabular estimators share: the preprocessing of raw tables
    and the plan of a fit built from the tabular recipe
    (:mod:`skdeep.recipes.tabular`). Not to be used directly."""

    _parameter_constraints: dict = TABULAR_CONSTRAINTS

    # --------------------------------------------------------------- data
    def _validate_fit(self, X, y, sample_weight, incremental, first_pass):
        X = self._preprocess(X, reset=first_pass)
        _, y = check_X_y(
            X, y, multi_output=True, y_numeric=self._numeric_targets, dtype=None
        )
        Y, labels = self._encode_targets(y, None, incremental, first_pass)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        weights = self._weigh_samples(labels, sample_weight, incremental, X.dtype)
        return FitData(X, Y, labels, weights, X, sample_weight)

    def _preprocess(self, X, reset):
        """Check the columns of ``X`` (``n_features_in_``, names) and turn it
        into the network's float input, fitting the preprocessor if
        ``reset``."""
        shape = getattr(X, "shape", None)
        if shape is not None and len(shape) == 1:  # scikit-learn's error
            check_array(X, dtype=None, ensure_all_finite=False)
        validate_data(self, X, skip_check_array=True, reset=reset)
        if reset:
            self.preprocessor_ = TabularPreprocessor(
                max_onehot=self.max_onehot,
                smooth_clip=self.smooth_clip,
                missing=recipe.RECIPE.missing,
                dtype=self.dtype,
            ).fit(X)
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
            },
            dtype=dtype,
            # at zero, every earlier layer's gradient is exactly zero
            zero_output=False if for_check else None,
        )
        network.initialize(rng)
        return network

    # --------------------------------------------------------------- plan
    def _plan(self, data, rng, first_pass, incremental):
        backend = get_backend(self.device)
        network = self._initial_network(data, rng, data.X.dtype)
        Y = data.Y.astype(network.dtype, copy=False)
        fraction = self.validation_fraction if self.validation_fraction > 0 else None
        train_data = self._training_data(
            data.X, Y, data.labels, data.sample_weight, rng, fraction
        )
        n_samples = train_data.X.shape[0]
        batch_size = min(self.batch_size, n_samples)
        callbacks = recipe.policies(
            verbose=bool(self.verbose),
            validating=fraction is not None,
            schedules=self.schedules,
        )
        return TrainingPlan(
            network,
            self._make_loss(),
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

    # ---------------------------------------------------------- predict
    def _prediction_dtype(self):
        """Predictions run in float64 whatever the training dtype: a row's
        prediction then does not depend on the other rows of the call (in
        float32, BLAS sums a block of rows in another order than one row)."""
        return np.float64

    def _forward(self, X):
        check_is_fitted(self)
        X = as_dtype(self._preprocess(X, reset=False), np.float64)
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
        embedding_size=8,
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
        embedding_size=8,
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
