"""What the tabular estimators share: their parameters' constraints, the
checks of raw tables and targets, the preprocessing fitted on the training
rows, and the plan of a fit built from the tabular recipe
(:mod:`skdeep.recipes.tabular`), with the refit on every row."""

import math
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_array, check_consistent_length
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..backend import get_backend
from ..data.arrays import as_dtype, take_rows
from ..data.columns import is_dataframe
from ..data.rows import FitData
from ..data.weights import check_sample_weight
from ..nn import EnsembleLoss
from ..preprocessing import TabularPreprocessor
from ..recipes import tabular as recipe
from ..recipes.mlp import make_optimizer
from ..train import TrainingPlan
from ._base import NeuralEstimator
from ._params import PARAMETER_CONSTRAINTS, check_hidden_layer_sizes

__all__ = ["TABULAR_CONSTRAINTS", "TabularMLP"]

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
    "refit": ["boolean"],
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


class TabularMLP(NeuralEstimator):
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
        return self._preprocess(X)

    def _preprocess(self, X):
        """``X``, its columns checked by the estimator, preprocessed (the
        preprocessor's own warnings about feature names are the estimator's,
        already given)."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", ".*feature names", UserWarning)
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

    # ---------------------------------------------------------------- fit
    def _fit(self, X, y, sample_weight=None, incremental=False):
        """Train with the validation rows held out; with ``refit``, train
        again on every row for the best epoch's number of epochs."""
        super()._fit(X, y, sample_weight)
        # the selection's budget: it may have stopped before its end
        budget = self.__dict__.pop("_selection_budget", None)
        if not (self.refit and self.validation_fraction > 0):
            return self
        selection = self._train_state
        self._refit_epochs = (selection.best_epoch or self.n_iter_, budget)
        try:
            super()._fit(X, y, sample_weight)
        finally:
            del self._refit_epochs
        # one record: the selection's epochs, then the refit's
        for record in self._train_state.history:
            selection.history.append({**record, "epoch": selection.epoch + 1})
        selection.n_samples_seen += self._train_state.n_samples_seen
        self._train_state = selection
        self.t_ = selection.n_samples_seen
        return self

    # --------------------------------------------------------------- plan
    def _plan(self, data, rng, first_pass, incremental):
        backend = get_backend(self.device)
        refit_epochs = self.__dict__.get("_refit_epochs")
        fraction = self.validation_fraction if self.validation_fraction > 0 else None
        if refit_epochs is not None:
            fraction = None  # every row trains
        rows = self._validation_rows(len(data.Y), data.labels, rng, fraction)
        X = self._fit_preprocessor(data.X, None if rows is None else rows[0])
        network = self._initial_network(data, rng, X.dtype)
        Y = data.Y.astype(network.dtype, copy=False)
        train_data = self._training_data(X, Y, data.labels, data.sample_weight, rows)
        n_samples = train_data.X.shape[0]
        batch_size = min(self.batch_size, n_samples)
        max_epochs = self._epochs(refit_epochs, n_samples, batch_size)
        if refit_epochs is None:
            self._selection_budget = max_epochs
        callbacks = recipe.policies(
            verbose=bool(self.verbose),
            validating=rows is not None,
            schedules=self.schedules,
            budget=max_epochs,
            steps_per_epoch=math.ceil(n_samples / batch_size),
            stop_after=refit_epochs[0] if self._refit_same_schedule() else None,
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
            max_epochs=max_epochs,
            fixed_budget=True,  # no convergence test: the budget is the recipe
            batch_size=batch_size,
            alpha=self.alpha,
            backend=backend,
        )

    def _refit_same_schedule(self):
        return (
            "_refit_epochs" in self.__dict__
            and recipe.RECIPE.refit_schedule == "same"
        )

    def _epochs(self, refit_epochs, n_samples, batch_size):
        """The epochs of the run: the budget, or a refit's."""
        if refit_epochs is None:
            return recipe.epoch_budget(self.max_iter, n_samples, batch_size)
        best, budget = refit_epochs
        return budget if self._refit_same_schedule() else best

    def _validation_rows(self, n_samples, labels, rng, fraction):
        """:meth:`_split_rows`, its errors naming ``validation_fraction``."""
        try:
            return self._split_rows(n_samples, labels, rng, fraction)
        except ValueError as error:
            n_val = int(np.ceil(fraction * n_samples))
            raise ValueError(
                f"validation_fraction={fraction} of n_samples={n_samples} rows "
                f"holds out {n_val} and trains on {n_samples - n_val}, too few "
                f"({error}). Give more rows, change validation_fraction, or set "
                "validation_fraction=0 to train on every row without choosing "
                "the best epoch."
            ) from None

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
        X = as_dtype(self._preprocess(X), np.float64)
        return self._predict_output(X, link=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags
