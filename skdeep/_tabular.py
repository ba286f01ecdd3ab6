"""Estimators tuned for tables: TabularMLPClassifier, TabularMLPRegressor."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_array, check_X_y
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ._mlp import MLPClassifier
from ._mlp_regressor import MLPRegressor
from ._tabular_network import build_tabular_network
from ._validation import PARAMETER_CONSTRAINTS
from .backend import NUMPY
from .nn import LOSSES
from .preprocessing import TabularPreprocessor
from .train import (
    CosineLearningRate,
    DropoutSchedule,
    EarlyStopping,
    EpochLogger,
    WeightDecaySchedule,
)
from .train.progress import ProgressBar

__all__ = ["TabularMLPClassifier", "TabularMLPRegressor"]

_OWN = (
    "hidden_layer_sizes",
    "activation",
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

# what the shared training code reads of the MLPs' other parameters
_FIXED = {
    "solver": "adam",
    "shuffle": True,
    "warm_start": False,
    "momentum": 0.9,
    "nesterovs_momentum": True,
    "rho": 0.9,
    "batch_norm": False,
    "pretraining": None,
    "unlabeled": None,
}


class _TabularMixin:
    """What the tabular estimators change in the MLPs: input handling, the
    network, the training policies."""

    # the recipe's fixed choices, as switches for the ablation benchmark
    # (benchmarks/ablate_tabular.py): not parameters
    _lr_shape = "cos"  # of the learning rate after the warmup
    _warmup = 0.05  # fraction of the budget
    _budget_steps = 2000  # optimizer steps of the 'auto' budget
    _feature_scale = True  # the learned per-input scaling layer
    _parametric = True  # parametric activations (else the base activation)
    _zero_output = True  # the output layer starts at zero
    _missing = "indicator"  # the preprocessor's missing-value handling

    @property
    def early_stopping(self):
        """Whether a validation split picks the best epoch."""
        return self.validation_fraction > 0

    @property
    def partial_fit(self):
        raise AttributeError(
            f"{type(self).__name__} has no partial_fit: its schedules span a "
            "fixed budget of epochs. Use MLPClassifier or MLPRegressor to train "
            "incrementally."
        )

    # ------------------------------------------------------------- input
    def _preprocess(self, X, reset):
        """Check the columns of ``X`` (``n_features_in_``, names) and turn it
        into the network's float input, fitting the preprocessor if
        ``reset``."""
        self._check_2d(X)
        validate_data(self, X, skip_check_array=True, reset=reset)
        if reset:
            self.preprocessor_ = TabularPreprocessor(
                max_onehot=self.max_onehot,
                smooth_clip=self.smooth_clip,
                missing=self._missing,
                dtype=self.dtype,
            ).fit(X)
        return self.preprocessor_.transform(X)

    def _checked_targets(self, X, y):
        _, y = check_X_y(
            X,
            y,
            multi_output=True,
            y_numeric=isinstance(self, MLPRegressor),
            dtype=None,
        )
        return y

    def _forward(self, X):
        """Predictions run in float64 whatever the training dtype: a row's
        prediction then does not depend on the other rows of the call (in
        float32, BLAS sums a block of rows in another order than one row)."""
        check_is_fitted(self)
        network = self._network
        if network.dtype != np.float64:
            network = network.astype(np.float64)
        return self._forward_array(self._preprocess(X, reset=False), network)

    def _check_2d(self, X):
        shape = getattr(X, "shape", None)
        if shape is not None and len(shape) == 1:  # scikit-learn's error
            check_array(X, dtype=None, ensure_all_finite=False)

    # ----------------------------------------------------------- network
    def _build_network(self, units, dtype):
        preprocessor = self.preprocessor_
        return build_tabular_network(
            preprocessor.block_sizes_,
            preprocessor.cardinalities_,
            units[-1],
            hidden=units[1:-1],
            activation=self.activation,
            dropout=self.dropout,
            embedding={
                "kind": self.numerical_embedding,
                "n_frequencies": self.n_frequencies,
                "size": self.embedding_size,
                "scale": self.frequency_scale,
            },
            feature_scale=self._feature_scale,
            parametric=self._parametric,
            zero_output=self._zero_output,
            dtype=dtype,
        )

    def _dropout_rates(self, n_hidden):
        return [float(self.dropout)] * n_hidden

    # ---------------------------------------------------------- training
    def _epoch_budget(self, n_samples):
        """``max_iter``, or with 'auto' enough epochs for about
        ``_budget_steps`` (2,000) optimizer steps, from 16 to 256."""
        if self.max_iter != "auto":
            return self.max_iter
        steps_per_epoch = math.ceil(n_samples / self._batch_size(n_samples))
        return int(min(256, max(16, round(self._budget_steps / steps_per_epoch))))

    def _batch_size(self, n_samples):
        return min(self.batch_size, n_samples)

    def _callbacks(self, validating):
        callbacks = [
            EpochLogger(bool(self.verbose)),
            EarlyStopping(math.inf, 0.0, restore_best=validating),
        ]
        if self.schedules:
            callbacks += [
                CosineLearningRate(warmup=self._warmup, kind=self._lr_shape),
                DropoutSchedule(kind="flat_cos"),
                WeightDecaySchedule(kind="flat_cos"),
            ]
        if self._shows_progress():
            callbacks.append(ProgressBar(type(self).__name__))
        return callbacks

    def _warn_outcome(self, trainer, incremental):
        # a fixed budget of epochs: running all of them is the plan
        if trainer.diverged or trainer.interrupted:
            super()._warn_outcome(trainer, incremental)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags


def _set_fixed(cls):
    for name, value in _FIXED.items():
        setattr(cls, name, value)
    return cls


_COMMON_DOC = """\
hidden_layer_sizes : array-like of shape (n_layers,), default=(256, 256, 256)
        Widths of the hidden layers.

    activation : {'silu', 'relu', 'gelu', 'elu', 'tanh', 'leaky_relu'}, \
default='silu'
        Base ``g`` of the parametric activations ``x + a (g(x) - x)``, one
        learned ``a`` per unit (starting at 1: ``g``).

    numerical_embedding : {'periodic'} or None, default='periodic'
        'periodic': each continuous feature enters as itself and
        ``embedding_size`` ReLU units of a learned linear map of
        ``cos(2 pi (c x + b))`` for ``n_frequencies`` learned frequencies
        ``c`` (initialized with standard deviation ``frequency_scale``). None: the
        scaled feature only.

    n_frequencies : int, default=16
        Frequencies per continuous feature.

    frequency_scale : float, default=0.1
        Standard deviation of the initial frequencies, on the scale of the
        preprocessed features (robust-scaled, smoothly clipped to (-3, 3)).

    embedding_size : int, default=8
        Outputs of each continuous feature's periodic embedding.

    max_onehot : int, default=256
        Categorical columns with at most this many categories (missing
        counted as one) are one-hot encoded; others get learned embeddings.

    smooth_clip : bool, default=True
        Bound the robust-scaled numeric features smoothly with
        ``x / sqrt(1 + (x / 3)^2)``.

    dropout : float, default=0.15
        Dropout rate after every hidden layer (at the start of training;
        with ``schedules=True`` it decays to 0 along a cosine).

    alpha : float, default=0.0
        L2 penalty (weight decay) on the weights (at the start of training;
        with ``schedules=True`` it decays like the dropout rate).

    batch_size : int, default=256
        Rows per mini-batch (clipped to the number of rows).

    learning_rate_init : float, default=0.002
        Peak learning rate of Adam.

    max_iter : 'auto' or int, default='auto'
        Number of epochs (all of them run). 'auto': about 2,000 optimizer
        steps, between 16 and 256 epochs.

    schedules : bool, default=True
        Follow the recipe's schedules over the epoch budget: the learning
        rate warms up then decays along a cosine; dropout and weight decay
        decay to 0. False: all three constant.

    validation_fraction : float, default=0.2
        Fraction of the rows held out (stratified for classification) to
        choose the best epoch, whose weights are kept. 0: no validation,
        the last epoch's weights are kept.

    beta_1 : float, default=0.9
        Adam's decay rate of the first moment.

    beta_2 : float, default=0.95
        Adam's decay rate of the second moment (lower than Adam's usual
        0.999: the steps follow the gradients' scale faster).

    epsilon : float, default=1e-8
        Adam's numerical stability constant.

    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the shuffling, the dropout masks and the
        validation split.

    verbose : bool, default=False
        Print one row per epoch.

    dtype : {'float32', 'float64'}, default='float32'
        Floating point type of the preprocessed features and of training.
        Predictions run in float64 (a float64 copy of the weights), so that
        a row's prediction does not depend on the other rows of the call.

    progress_bar : {'auto'} or bool, default='auto'
        As in :class:`MLPClassifier`.

    device : str or None, default=None
        As in :class:`MLPClassifier`."""

_ATTRIBUTES_DOC = """\
preprocessor_ : TabularPreprocessor
        The fitted preprocessing of the columns.

    n_features_in_ : int
        Number of columns seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns seen during fit (only when X has string column
        names).

    n_iter_ : int
        Number of epochs run.

    loss_, loss_curve_, history_, validation_scores_, \
best_validation_score_, learning_rate_curve_, t_ : \
float, list, list, list or None, float or None, list, int
        As in :class:`MLPClassifier`.

    n_layers_ : int
        Number of layers of the MLP part, input and output included.

    n_outputs_ : int
        Number of output units."""


def _fill(cls):
    cls.__doc__ = cls.__doc__.format(parameters=_COMMON_DOC, attributes=_ATTRIBUTES_DOC)
    return _set_fixed(cls)


@_fill
class TabularMLPClassifier(_TabularMixin, MLPClassifier):
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
        "class_weight": MLPClassifier._parameter_constraints["class_weight"],
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

    def _validate_input(self, X, y, incremental, reset):
        X = self._preprocess(X, reset)
        return (X, *self._encode_labels(self._checked_targets(X, y), incremental))

    def _loss_function(self, ops=NUMPY):
        loss = LOSSES[self.out_activation_](label_smoothing=self.label_smoothing)
        loss.ops = ops
        return loss


@_fill
class TabularMLPRegressor(_TabularMixin, MLPRegressor):
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
    loss = "squared_error"

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

    def _validate_input(self, X, y, incremental, reset):
        X = self._preprocess(X, reset)
        Y, labels, labeled = self._encode_targets(self._checked_targets(X, y), None)
        if reset:  # predictions come back in the targets' scale and dtype
            self._target_scaler = StandardScaler().fit(Y)
        return X, self._target_scaler.transform(Y), labels, labeled

    def _forward(self, X):
        out = super()._forward(X).astype(self._target_scaler.mean_.dtype)
        return self._target_scaler.inverse_transform(out)


def _store(estimator, arguments):
    """Set the constructor's arguments as attributes, unchanged."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
