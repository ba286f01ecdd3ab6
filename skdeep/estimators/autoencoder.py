"""The unsupervised estimator: Autoencoder, a scikit-learn transformer."""

from numbers import Real

import numpy as np
from sklearn.base import (
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..backend import get_backend
from ..data.arrays import as_dtype
from ..data.rows import FitData
from ..data.weights import check_sample_weight
from ..nn import LOSSES
from ..recipes import autoencoder as recipe
from ..train import TrainingPlan
from ._base import NeuralEstimator, resolve_batch_size
from ._fitted import atomic_fit
from ._mlp import optimizer_for, policies
from ._params import PARAMETER_CONSTRAINTS, STOCHASTIC_SOLVERS, check_hidden_layer_sizes
from ._sklearn_callbacks import fit_with_callbacks

__all__ = ["Autoencoder"]

# the MLPs' parameters that have no meaning for an autoencoder
_NOT_PARAMETERS = {
    "dropout",
    "batch_norm",
    "batch_norm_stats",
    "max_fun",
    "pretraining",
    "pretraining_max_iter",
    "pretraining_corruption",
    "unlabeled",
}


class Autoencoder(ClassNamePrefixFeaturesOutMixin, TransformerMixin, NeuralEstimator):
    """Autoencoder: a network trained to reconstruct its input.

    The encoder maps ``X`` through hidden layers of ``hidden_layer_sizes``
    units to the code (the last of them); the decoder mirrors the encoder
    back to ``n_features_in_`` outputs. ``transform`` returns the code,
    ``inverse_transform`` decodes it. With ``corruption > 0`` the input
    entries are masked (set to 0) at random during training while the target
    stays the clean input: a denoising autoencoder. With
    ``tied_weights=True`` each decoder layer uses the transpose of its
    encoder layer's weights and learns only its bias.

    Training is the MLPs': the same stochastic solvers, schedules, early
    stopping, warm starts, ``partial_fit`` and training history.

    Parameters
    ----------
    hidden_layer_sizes : array-like of shape (n_encoder_layers,), default=(100,)
        Widths of the encoder's layers; the last is the code's. The decoder
        has the same widths in reverse order, then ``n_features_in_``.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', \
'elu', 'gelu', 'silu'}, default='relu'
        Activation of every hidden layer, the code layer included.

    corruption : float, default=0.0
        Fraction of input entries set to 0 at each training presentation
        (masking noise), in [0, 1). 0 trains a plain autoencoder.

    tied_weights : bool, default=False
        Whether the decoder's weights are the transposes of the encoder's.

    loss : {'squared_error', 'cross_entropy'}, default='squared_error'
        Reconstruction loss per sample, summed over the features: half the
        squared error with linear outputs, or binary cross-entropy with
        logistic outputs (for inputs in [0, 1]; other values raise a
        ValueError).

    solver : {'sgd', 'adam', 'adagrad', 'rmsprop'}, default='adam'
        Weight optimizer.

    alpha, batch_size, learning_rate, learning_rate_init, power_t, max_iter, \
shuffle, tol, verbose, warm_start, momentum, nesterovs_momentum, beta_1, \
beta_2, epsilon, n_iter_no_change, weight_init, rho, plateau_factor, \
plateau_patience, progress_bar, device
        As in :class:`MLPRegressor`, with the same defaults.

    random_state : int, RandomState instance or None, default=None
        Seeds the weights, the shuffling, the masking noise and the
        validation split. Pass an int for reproducible results.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows, stop when their
        score (negative reconstruction loss) has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and restore the best epoch's weights.

    validation_fraction : float, default=0.1
        Fraction of the rows held out for early stopping.

    dtype : {None, 'float32', 'float64'}, default=None
        Floating point type of the weights and computations (None follows
        the input: float32 stays float32).

    Attributes
    ----------
    coefs_ : list of ndarray of shape (n_in, n_out)
        Weights of the encoder's then the decoder's layers (views; with tied
        weights the decoder's are transposed views of the encoder's).

    intercepts_ : list of ndarray of shape (n_out,)
        Biases of the same layers (views).

    loss_, best_loss_, loss_curve_, history_, learning_rate_curve_, t_ : \
float, float or None, list of float, list of dict, list of float, int
        Training loss of the last epoch, lowest training loss (None with
        early stopping), loss of every epoch, per-epoch records, learning
        rates, samples seen: as in :class:`MLPRegressor`.

    validation_scores_ : list of float or None
        Negative reconstruction loss on the validation rows of every epoch
        with early stopping, else None.

    best_validation_score_ : float or None
        Best validation score with early stopping, else None.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit (only when X has string column
        names).

    n_iter_ : int
        Number of epochs run by the last fit.

    n_layers_ : int
        Number of layers, input and reconstruction included.

    n_outputs_ : int
        Number of output units (``n_features_in_``).

    out_activation_ : str
        Output link: 'identity' or 'logistic' (cross-entropy).

    See Also
    --------
    MLPRegressor : Multi-layer perceptron regressor.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import Autoencoder
    >>> X = np.random.default_rng(0).random((100, 8))
    >>> ae = Autoencoder((4,), max_iter=5, random_state=0).fit(X)
    >>> ae.transform(X).shape
    (100, 4)
    >>> ae.inverse_transform(ae.transform(X)).shape
    (100, 8)
    """

    _parameter_constraints: dict = {
        **{
            name: rule
            for name, rule in PARAMETER_CONSTRAINTS.items()
            if name not in _NOT_PARAMETERS
        },
        "solver": [StrOptions(set(STOCHASTIC_SOLVERS))],
        "loss": [StrOptions({"squared_error", "cross_entropy"})],
        "corruption": [Interval(Real, 0, 1, closed="left")],
        "tied_weights": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        corruption=0.0,
        tied_weights=False,
        loss="squared_error",
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        weight_init="glorot_uniform",
        rho=0.9,
        plateau_factor=2.0,
        plateau_patience=5,
        progress_bar="auto",
        device=None,
        random_state=None,
        early_stopping=False,
        validation_fraction=0.1,
        dtype=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.corruption = corruption
        self.tied_weights = tied_weights
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
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
        self.weight_init = weight_init
        self.rho = rho
        self.plateau_factor = plateau_factor
        self.plateau_patience = plateau_patience
        self.dtype = dtype
        self.progress_bar = progress_bar
        self.device = device

    def _warm_start(self):
        return self.warm_start

    # --------------------------------------------------------------- data
    def _validate_fit(self, X, y, sample_weight, incremental, first_pass):
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=first_pass)
        self._check_range(X)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        return FitData(X, X, None, sample_weight, X, sample_weight)

    def _check_range(self, X):
        if self.loss == "cross_entropy" and (X.min() < 0 or X.max() > 1):
            raise ValueError(
                "loss='cross_entropy' needs inputs in [0, 1], got values in "
                f"[{X.min():g}, {X.max():g}]. Scale them (MinMaxScaler) or use "
                "loss='squared_error'."
            )

    def _make_loss(self):
        return LOSSES["logistic" if self.loss == "cross_entropy" else "identity"]()

    def _score_output(self, Z, y, sample_weight):
        return -self._mean_loss(Z, y, sample_weight)

    def _mean_loss(self, Z, X, sample_weight=None):
        """Per-sample reconstruction loss (summed over the features) of the
        network outputs ``Z``, averaged over the samples."""
        _, values = self._make_loss().evaluate(Z, X)
        return float(np.average(values.sum(axis=1), weights=sample_weight))

    # ------------------------------------------------------------ network
    def _architecture(self, data, dtype):
        return recipe.AutoencoderArchitecture(
            n_features=data.X.shape[1],
            hidden=tuple(check_hidden_layer_sizes(self, min_layers=1)),
            activation=self.activation,
            weight_init=self.weight_init,
            corruption=self.corruption,
            tied=self.tied_weights,
            dtype=np.dtype(dtype).name,
        )

    def _initial_network(self, data, rng, dtype, for_check=False):
        network = recipe.build_network(self._architecture(data, dtype))
        network.initialize(rng)
        return network

    def _plan(self, data, rng, first_pass, incremental):
        backend = get_backend(self.device)
        if first_pass:
            dtype = data.X.dtype if self.dtype is None else self.dtype
            network = self._initial_network(data, rng, dtype)
        else:
            dtype = self._network.dtype if self.dtype is None else self.dtype
            network = recipe.restructure(self._network, self._architecture(data, dtype))
        X = as_dtype(data.X, network.dtype)
        Y = data.Y.astype(network.dtype, copy=False)
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        fraction = self.validation_fraction if self.early_stopping else None
        rows = self._split_rows(X.shape[0], None, rng, fraction)
        train_data = self._training_data(X, Y, None, data.sample_weight, rows)
        return TrainingPlan(
            network,
            self._make_loss(),
            train_data,
            solver=self.solver,
            optimizer=optimizer_for(self, network, incremental),
            callbacks=policies(self, train_data.validation is not None),
            max_epochs=1 if incremental else self.max_iter,
            batch_size=resolve_batch_size(self.batch_size, train_data.X.shape[0]),
            shuffle=self.shuffle,
            alpha=self.alpha,
            backend=backend,
            keep_work_buffers=incremental,
        )

    @property
    def _n_features_out(self):
        """Number of features of the code (for ``get_feature_names_out``)."""
        return recipe.code_size(self._fitted_network())

    # ------------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    @fit_with_callbacks
    def fit(self, X, y=None, sample_weight=None):
        """Train the autoencoder to reconstruct ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, None, sample_weight=sample_weight, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    @atomic_fit
    @fit_with_callbacks
    def partial_fit(self, X, y=None, sample_weight=None):
        """Update the autoencoder with one epoch over ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, None, sample_weight=sample_weight, incremental=True)

    # ------------------------------------------------------------- inference
    def _validated(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=(np.float64, np.float32), reset=False)
        return as_dtype(X, self._network.dtype)

    def transform(self, X):
        """Encode ``X``: the output of the last encoder layer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to encode.

        Returns
        -------
        codes : ndarray of shape (n_samples, hidden_layer_sizes[-1])
        """
        stop = recipe.encoder_depth(self._network)
        return self._predict_output(self._validated(X), stop=stop)

    def inverse_transform(self, X):
        """Decode codes back to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, hidden_layer_sizes[-1])
            Codes, as returned by :meth:`transform`.

        Returns
        -------
        X_rec : ndarray of shape (n_samples, `n_features_in_`)
            Reconstruction (through the output link).
        """
        check_is_fitted(self)
        X = check_array(X, dtype=(np.float64, np.float32))
        if X.shape[1] != self._n_features_out:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} decodes "
                f"codes of {self._n_features_out} features."
            )
        X = as_dtype(X, self._network.dtype)
        start = recipe.encoder_depth(self._network)
        return self._predict_output(X, start=start, link=True)

    def score(self, X, y=None, sample_weight=None):
        """Negative mean reconstruction loss of ``X`` (higher is better).

        The loss of a sample is that of training, summed over the features
        (without the L2 penalty); the mean is weighted by ``sample_weight``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to reconstruct.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
        """
        X = self._validated(X)
        self._check_range(X)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        return -self._mean_loss(self._predict_output(X), X, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
