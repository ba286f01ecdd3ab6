"""What MLPClassifier and MLPRegressor share: scikit-learn's MLP
parameters (with skdeep's additions), their validation, and the plan of a
fit built from the MLP recipe (:mod:`skdeep.recipes.mlp`)."""

import warnings

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_is_fitted, validate_data

from ..backend import get_backend
from ..data.arrays import as_dtype, plain_rows
from ..data.rows import FitData
from ..data.unlabeled import labeled_rows, mark_unlabeled
from ..data.weights import check_sample_weight
from ..recipes import mlp as recipe
from ..recipes.pretraining import PretrainingSettings, pretrain
from ..train import TrainingData, TrainingPlan
from ._base import NeuralEstimator, resolve_batch_size
from ._params import (
    PARAMETER_CONSTRAINTS,
    check_dropout,
    check_hidden_layer_sizes,
)

__all__ = ["MLP", "optimizer_for", "policies"]

# the hyperparameters of the stochastic optimizers
_OPTIMIZER = (
    "learning_rate_init",
    "momentum",
    "nesterovs_momentum",
    "beta_1",
    "beta_2",
    "epsilon",
    "rho",
)


class MLP(NeuralEstimator):
    """Base class of :class:`MLPClassifier` and :class:`MLPRegressor`.

    Not to be used directly: the subclasses' ``__init__`` list the
    parameters (scikit-learn reads them from its signature).
    """

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS

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

    def _warm_start(self):
        return self.warm_start

    # --------------------------------------------------------------- data
    def _validate_fit(self, X, y, sample_weight, incremental, first_pass):
        y, labeled = mark_unlabeled(y, self.unlabeled, numeric=self._numeric_targets)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=self._numeric_targets,
            dtype=(np.float64, np.float32),
            reset=first_pass,
        )
        if first_pass and self.pretraining is not None:
            self._check_pretraining(X)
        Y, labels = self._encode_targets(y, labeled, incremental, first_pass)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0], X.dtype)
        X_labeled, weights = labeled_rows(X, sample_weight, labeled)
        weights = self._weigh_samples(labels, weights, incremental, X.dtype)
        return FitData(X_labeled, Y, labels, weights, X, sample_weight)

    def _check_pretraining(self, X):
        if self.batch_norm:
            raise ValueError(
                "pretraining='autoencoder' needs batch_norm=False: a pre-trained "
                "layer's codes are not those of a batch-normalized layer."
            )
        if sparse.issparse(X):
            raise TypeError(
                "Sparse data was passed, but pretraining='autoencoder' needs dense "
                "data. Use X.toarray() to convert to a dense numpy array, or "
                "pretraining=None."
            )

    # ------------------------------------------------------------ network
    def _architecture(self, data, dtype):
        sizes = check_hidden_layer_sizes(self)
        return recipe.Architecture(
            units=(data.X.shape[1], *sizes, data.n_outputs),
            activation=self.activation,
            batch_norm=self.batch_norm,
            dropout=check_dropout(self.dropout, len(sizes), self.solver),
            dtype=np.dtype(dtype).name,
            weight_init=self.weight_init,
        )

    def _initial_network(self, data, rng, dtype, for_check=False):
        network = recipe.build_network(self._architecture(data, dtype))
        network.initialize(rng)
        return network

    def _network_for(self, data, rng, first_pass, backend):
        """The network to train: a new one (pre-trained if asked for), or
        the fitted one shaped by the current parameters."""
        if not first_pass:
            dtype = self._network.dtype if self.dtype is None else self.dtype
            return recipe.restructure(self._network, self._architecture(data, dtype))
        dtype = data.X.dtype if self.dtype is None else np.dtype(self.dtype)
        network = self._initial_network(data, rng, dtype)
        self.__dict__.pop("pretraining_loss_curves_", None)
        if self.pretraining is not None:
            X_all = as_dtype(data.X_all, network.dtype)
            settings = self._pretraining_settings(X_all.shape[0], backend)
            self.pretraining_loss_curves_ = pretrain(
                network, X_all, data.sample_weight_all, rng, settings
            )
        return network

    def _pretraining_settings(self, n_samples, backend):
        solver = self.solver if self.solver != "lbfgs" else "adam"
        return PretrainingSettings(
            max_iter=self.pretraining_max_iter,
            corruption=self.pretraining_corruption,
            solver=solver,
            optimizer={name: getattr(self, name) for name in _OPTIMIZER},
            activation=self.activation,
            weight_init=self.weight_init,
            alpha=self.alpha,
            batch_size=resolve_batch_size(self.batch_size, n_samples),
            verbose=bool(self.verbose),
            progress=self._shows_progress(),
            backend=backend,
        )

    # --------------------------------------------------------------- plan
    def _plan(self, data, rng, first_pass, incremental):
        backend = get_backend(self.device)
        network = self._network_for(data, rng, first_pass, backend)
        X = as_dtype(data.X, network.dtype)
        Y = data.Y.astype(network.dtype, copy=False)
        if self.solver == "lbfgs":
            return TrainingPlan(
                network,
                self._make_loss(),
                TrainingData(X, Y, data.sample_weight),
                solver="lbfgs",
                max_epochs=self.max_iter,
                alpha=self.alpha,
                backend=backend,
                population_statistics=recipe.has_batch_norm(network),
                max_fun=self.max_fun,
                tol=self.tol,
                verbose=self.verbose,
            )
        if incremental:
            self._check_incremental(X.shape[0])
        fraction = self.validation_fraction if self.early_stopping else None
        rows = self._split_rows(X.shape[0], data.labels, rng, fraction)
        train_data = self._training_data(X, Y, data.labels, data.sample_weight, rows)
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
            # a partial_fit chunk may be shorter than a batch: it then moves
            # the batch-norm statistics by its share of a configured batch
            full_batch=self.batch_size
            if incremental and self.batch_size != "auto"
            else None,
            min_batch=2 if recipe.has_batch_norm(network) else 1,
            backend=backend,
            population_statistics=self.batch_norm and self.batch_norm_stats == "full",
            keep_work_buffers=incremental,
        )

    def _check_incremental(self, n_samples):
        """Refuse the settings that need the whole training set at once."""
        if self.batch_norm and n_samples == 1:
            warnings.warn(
                "partial_fit got one row: batch normalization maps a batch of one "
                "row to its shift beta, so the layers before it learn nothing from "
                "it (only the running statistics do). Pass several rows per call."
            )
        if self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        if self.batch_norm and self.batch_norm_stats == "full":
            raise ValueError(
                "partial_fit does not support batch_norm_stats='full': the "
                "statistics are computed from one pass over the whole training "
                "set at the end of fit, which partial_fit never sees. Use "
                "batch_norm_stats='running' to train incrementally."
            )

    # ---------------------------------------------------------- fitted
    @property
    def batch_norm_params_(self):
        """Views of each batch-normalized layer's parameters and statistics.

        list of dict: per hidden layer with ``batch_norm=True``, views of
        ``gamma``, ``beta``, ``running_mean`` and ``running_var``.
        """
        network = self._fitted_network()
        if not recipe.has_batch_norm(network):
            raise AttributeError("batch_norm_params_ exists only with batch_norm=True")
        return recipe.batch_norm_params(network)

    def _forward(self, X):
        """Validate ``X`` and return the output of the network's link."""
        rows = plain_rows(self, X) if "_network" in self.__dict__ else None
        if rows is None:  # scikit-learn's validation, its errors and warnings
            check_is_fitted(self)
            rows = validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                dtype=(np.float64, np.float32),
                reset=False,
            )
        return self._predict_output(as_dtype(rows, self._network.dtype), link=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self.pretraining is None  # autoencoders: dense
        return tags


def optimizer_for(estimator, network, incremental):
    """A new optimizer of ``estimator``'s solver, unless ``partial_fit``
    continues the one of the same network (as scikit-learn does)."""
    state = estimator.__dict__.get("_train_state")
    if (
        incremental
        and network is estimator.__dict__.get("_network")
        and state is not None
        and state.optimizer is not None
    ):
        return None
    settings = {name: getattr(estimator, name) for name in _OPTIMIZER}
    return recipe.make_optimizer(estimator.solver, network, **settings)


def policies(estimator, validating):
    """The callbacks of ``estimator``'s schedules and stopping rules, and
    its progress bar."""
    callbacks = recipe.policies(
        solver=estimator.solver,
        learning_rate=estimator.learning_rate,
        learning_rate_init=estimator.learning_rate_init,
        power_t=estimator.power_t,
        tol=estimator.tol,
        n_iter_no_change=estimator.n_iter_no_change,
        plateau_factor=estimator.plateau_factor,
        plateau_patience=estimator.plateau_patience,
        restore_best=validating,
        verbose=bool(estimator.verbose),
    )
    return callbacks + estimator._progress_callbacks()
