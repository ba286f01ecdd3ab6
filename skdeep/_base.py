"""BaseMLP: the scikit-learn side of both estimators.

Everything scikit-learn lives here and in :mod:`skdeep._stochastic`
(parameter validation, ``validate_data``, random_state, validation split,
warnings); every computation on weights is delegated to :mod:`skdeep.nn` and
:mod:`skdeep.train`.
"""

import copy
import warnings
from abc import ABC, abstractmethod
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._fitted import LayerList, as_dtype, bias_values, no_bias
from ._pretraining import check_pretraining, labeled_rows, pretrain_hidden_layers
from ._sklearn_callbacks import CALLBACK_MIXIN, fit_task
from ._stochastic import NON_FINITE_MESSAGE, StochasticFitMixin
from ._validation import (
    PARAMETER_CONSTRAINTS,
    check_optimize_result,
    check_sample_weight,
)
from .backend import NUMPY, get_backend
from .nn import (
    ACTIVATIONS,
    LOSSES,
    BatchNorm,
    Dense,
    Dropout,
    Sequential,
)
from .train import fit_lbfgs


class BaseMLP(StochasticFitMixin, CALLBACK_MIXIN, BaseEstimator, ABC):
    """Base class of :class:`MLPClassifier` and :class:`MLPRegressor`.

    Not to be used directly.
    """

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes,
        activation,
        solver,
        alpha,
        batch_size,
        learning_rate,
        learning_rate_init,
        power_t,
        max_iter,
        loss,
        shuffle,
        random_state,
        tol,
        verbose,
        warm_start,
        momentum,
        nesterovs_momentum,
        early_stopping,
        validation_fraction,
        beta_1,
        beta_2,
        epsilon,
        n_iter_no_change,
        max_fun,
        dropout,
        batch_norm,
        batch_norm_stats,
        weight_init,
        rho,
        plateau_factor,
        plateau_patience,
        dtype,
        progress_bar,
        device,
        pretraining,
        pretraining_max_iter,
        pretraining_corruption,
        unlabeled,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.loss = loss
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.batch_norm_stats = batch_norm_stats
        self.weight_init = weight_init
        self.rho = rho
        self.plateau_factor = plateau_factor
        self.plateau_patience = plateau_patience
        self.dtype = dtype
        self.progress_bar = progress_bar
        self.device = device
        self.pretraining = pretraining
        self.pretraining_max_iter = pretraining_max_iter
        self.pretraining_corruption = pretraining_corruption
        self.unlabeled = unlabeled

    # ----------------------------------------------------------- fitted views
    @property
    def coefs_(self):
        """list of ndarray: weight matrix of each layer, shape (n_in, n_out).

        Views of the model's weights. Assigning a list of arrays of the same
        shapes (or one item) replaces the weights, e.g. to load weights or
        set a custom initialization before a warm start.
        """
        return LayerList(self, "coefs_")

    @coefs_.setter
    def coefs_(self, values):
        self._set_layer_arrays("coefs_", values)

    @property
    def intercepts_(self):
        """list of ndarray: bias vector of each layer, shape (n_out,).

        Views of the model's biases; assignable like ``coefs_``.
        """
        return LayerList(self, "intercepts_")

    @intercepts_.setter
    def intercepts_(self, values):
        self._set_layer_arrays("intercepts_", values)

    def _layer_arrays(self, attribute):
        """Views of the weights or biases of each layer. A layer followed by
        batch normalization has no bias: a read-only zero vector stands in,
        so that ``coefs_`` and ``intercepts_`` pair up layer by layer."""
        pairs = self._fitted_network().weights_and_biases()
        if attribute == "coefs_":
            return [W for W, _ in pairs]
        return [no_bias(W) if b is None else b for W, b in pairs]

    def _set_layer_arrays(self, attribute, values):
        """Write ``values`` into the network (all or nothing); the weights
        are then the caller's, so no earlier best snapshot may replace them."""
        network = self._fitted_network()
        if isinstance(values, np.ndarray) or not hasattr(values, "__iter__"):
            raise ValueError(
                f"{attribute} must be a list of arrays, got {type(values).__name__}."
            )
        values = list(values)
        try:
            if attribute == "coefs_":
                network.set_layer_params("W", values)
            else:
                network.set_layer_params("b", bias_values(network, values))
        except ValueError as error:
            raise ValueError(f"Cannot set {attribute}: {error}.") from None
        self._forget_best()

    @property
    def batch_norm_params_(self):
        """list of dict: per hidden layer with ``batch_norm=True``, views of
        ``gamma``, ``beta``, ``running_mean`` and ``running_var``."""
        if not self.batch_norm:
            raise AttributeError("batch_norm_params_ exists only with batch_norm=True")
        return [
            {**layer.params, **layer.buffers}
            for layer in self._fitted_network().layers
            if isinstance(layer, BatchNorm)
        ]

    def _fitted_network(self):
        if "_network" not in self.__dict__:
            raise AttributeError(
                f"This {type(self).__name__} instance is not fitted yet: fit it "
                "(max_iter=1 is enough) before reading or assigning its weights."
            )
        return self._network

    # ------------------------------------------------------------ subclasses
    @abstractmethod
    def _validate_input(self, X, y, incremental, reset):
        """Return validated ``X`` (every row), the 2-D training target ``Y``
        and the labels of the labeled rows, and the mask of the labeled rows
        (None when all are)."""

    def _weigh_samples(self, y, sample_weight, incremental, dtype):
        """Return the sample weights training uses (the classifier's
        ``class_weight`` multiplies them in)."""
        return sample_weight

    @abstractmethod
    def _output_activation(self):
        """Return the output link name for the current targets."""

    @abstractmethod
    def _score_output(self, Z, y, sample_weight):
        """Return the validation score of network outputs ``Z``."""

    # ------------------------------------------------------------------- fit
    def _fit(self, X, y, sample_weight=None, incremental=False):
        fit_data = {"X": X, "y": y}  # as given: for scikit-learn's callbacks
        hidden = self._hidden_sizes()
        self._dropout_rates(len(hidden))
        self._backend()  # a device that does not exist fails before any work
        first_pass = "_network" not in self.__dict__ or (
            not self.warm_start and not incremental
        )
        X, Y, labels, labeled = self._validate_input(
            X, y, incremental, reset=first_pass
        )
        if first_pass and self.pretraining is not None:
            check_pretraining(self, X)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        fit_data["sample_weight"] = sample_weight
        X_all, weights_all = X, sample_weight
        X, sample_weight = labeled_rows(X, sample_weight, labeled)
        sample_weight = self._weigh_samples(labels, sample_weight, incremental, X.dtype)
        rng = self._make_rng(0 if first_pass else self.__dict__.get("t_", 0))
        if first_pass:
            dtype = X.dtype if self.dtype is None else np.dtype(self.dtype)
            self._initialize(X.shape[1], hidden, Y.shape[1], dtype, rng)
            if self.pretraining is not None:
                self.pretraining_loss_curves_ = pretrain_hidden_layers(
                    self, as_dtype(X_all, dtype), weights_all, rng
                )
        X = as_dtype(X, self._network.dtype)
        Y = Y.astype(self._network.dtype, copy=False)
        if self.solver == "lbfgs":
            with fit_task(self, **fit_data):
                self._fit_lbfgs(X, Y, sample_weight)
        else:
            self._fit_stochastic(
                X, Y, labels, sample_weight, rng, incremental, fit_data
            )
        if not np.isfinite(self._network.params).all():
            raise ValueError(NON_FINITE_MESSAGE)
        return self

    def _build_unfitted(self, X, y, sample_weight=None, dtype=np.float64):
        """Validate ``(X, y)`` and build the initialized, untrained network in
        ``dtype`` (for diagnostics). Returns ``X``, the 2-D target and the
        sample weights, converted."""
        hidden = self._hidden_sizes()
        self._dropout_rates(len(hidden))
        self._backend()  # a device that does not exist fails before any work
        X, Y, _, labeled = self._validate_input(X, y, incremental=False, reset=True)
        X = X.astype(dtype, copy=False)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0], dtype)
        X, sample_weight = labeled_rows(X, sample_weight, labeled)
        rng = self._make_rng()
        self._initialize(X.shape[1], hidden, Y.shape[1], dtype, rng)
        self._network.set_rng(rng)
        return X, Y.astype(dtype, copy=False), sample_weight

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if any(not isinstance(s, Integral) or s <= 0 for s in sizes):
            raise ValueError("hidden_layer_sizes must be > 0, got %s." % sizes)
        return [int(s) for s in sizes]

    def _dropout_rates(self, n_hidden):
        """Return one dropout rate per hidden layer, validated."""
        rates = self.dropout
        if np.ndim(rates) == 0:
            rates = [rates] * n_hidden
        rates = [float(r) for r in rates]
        if len(rates) != n_hidden or not all(0 <= r < 1 for r in rates):
            raise ValueError(
                "dropout must be a float in [0, 1) or one such value per hidden "
                f"layer ({n_hidden}), got {self.dropout!r}."
            )
        if self.solver == "lbfgs" and any(rates):
            raise ValueError(
                "dropout needs a stochastic solver ('sgd', 'adam', 'adagrad', "
                "'rmsprop'); solver='lbfgs' requires dropout=0."
            )
        return rates

    def _make_rng(self, samples_seen=0):
        """One Generator per call, derived from ``random_state``.

        With an int seed, a call that continues training (``partial_fit``,
        warm start) also mixes in the number of samples seen, so successive
        calls draw new shuffles and dropout masks, reproducibly.
        """
        if isinstance(self.random_state, Integral):
            if samples_seen:
                return np.random.default_rng([self.random_state, samples_seen])
            return np.random.default_rng(self.random_state)
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        return np.random.default_rng(seed)

    def _initialize(self, n_features, hidden, n_outputs, dtype, rng):
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = n_outputs
        self.n_layers_ = len(hidden) + 2
        self.out_activation_ = self._output_activation()
        self._network = self._build_network([n_features, *hidden, n_outputs], dtype)
        self._network.initialize(rng)
        self.__dict__.pop("_train_state", None)
        self.__dict__.pop("pretraining_loss_curves_", None)

    def _forget_best(self):
        """The weights were replaced from outside: no earlier best epoch may
        be restored over them, nor scores compared with theirs."""
        state = self.__dict__.get("_train_state")
        if state is not None:
            state.reset_best()
            state.validation_key = None

    def _build_network(self, units, dtype):
        """Dense -> (BatchNorm) -> activation -> (Dropout) per hidden layer,
        then the output Dense."""
        # scikit-learn's Glorot variant for logistic units
        gain = (
            2.0
            if (self.activation, self.weight_init) == ("logistic", "glorot_uniform")
            else None
        )
        # ... and its biases, drawn from the weights' range (others start at 0)
        bias = "uniform" if self.weight_init == "glorot_uniform" else "zeros"
        layers = []
        rates = self._dropout_rates(len(units) - 2)
        for n_in, n_out, rate in zip(units[:-2], units[1:-1], rates):
            layers.append(
                Dense(
                    n_in,
                    n_out,
                    self.weight_init,
                    gain,
                    use_bias=not self.batch_norm,  # beta shifts instead
                    bias_init=bias,
                )
            )
            if self.batch_norm:
                layers.append(BatchNorm(n_out))
            layers.append(ACTIVATIONS[self.activation]())
            if rate:
                layers.append(Dropout(rate))
        layers.append(
            Dense(units[-2], units[-1], self.weight_init, gain, bias_init=bias)
        )
        return Sequential(layers, dtype=dtype)

    def _loss_function(self, ops=NUMPY):
        loss = LOSSES[self.out_activation_]()
        loss.ops = ops
        return loss

    def _backend(self):
        """The backend of ``device`` (ImportError or ValueError when it
        cannot be had)."""
        return get_backend(self.device)

    def _prediction_backend(self):
        """The fitted device's backend where it is available, else NumPy."""
        try:
            return self._backend()
        except (ImportError, ValueError):
            return NUMPY

    # ---------------------------------------------------------------- lbfgs
    def _fit_lbfgs(self, X, Y, sample_weight):
        result = fit_lbfgs(
            self._network,
            self._loss_function(),
            X,
            Y,
            sample_weight,
            alpha=self.alpha,
            max_iter=self.max_iter,
            max_fun=self.max_fun,
            tol=self.tol,
            verbose=self.verbose,
            backend=self._backend(),
        )
        if result.interrupted:
            self.n_iter_ = result.nit
            warnings.warn(
                "Training interrupted by user after %d L-BFGS iteration(s); the "
                "model keeps the best parameters evaluated so far." % result.nit,
                UserWarning,
            )
        else:
            self.n_iter_ = check_optimize_result(result, self.max_iter)
        self.loss_ = float(result.fun)
        if not np.isfinite(self.loss_):
            raise ValueError(NON_FINITE_MESSAGE)
        # full-batch training: the population statistics are the batch's
        self._network.set_population_statistics(X, sample_weight)

    # --------------------------------------------------------------- predict
    def _forward(self, X):
        """Validate ``X`` and return the output of the network's link."""
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            reset=False,
        )
        return self._forward_array(X)

    def _forward_array(self, X, network=None):
        """The output of the network's link for validated features ``X``
        (through ``network``, by default the fitted one)."""
        network = self._network if network is None else network
        X = as_dtype(X, network.dtype)
        ops = self._prediction_backend()
        if ops is not NUMPY:  # a copy on the device: safe from any thread
            network = copy.deepcopy(network).to(ops)
            X = ops.asarray(X)
        with ops.errstate():
            out = network.predict(X, self._loss_function(ops).output)
        out = ops.to_numpy(out)
        if not np.isfinite(out).all():
            raise ValueError(
                "The network's output is not finite for some samples: the input "
                f"has values too large for {network.dtype} arithmetic. "
                "Scale the features, for example with StandardScaler."
            )
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.pretraining is None  # autoencoders: dense
        return tags
