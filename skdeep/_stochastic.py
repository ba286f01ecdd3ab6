"""Mini-batch training of the estimators (the stochastic solvers).

The scikit-learn side of training with 'sgd', 'adam', 'adagrad' and
'rmsprop': the optimizer from the parameters, the early-stopping split, and
turning the outcome of a run (stopped, diverged, interrupted, out of
iterations) into attributes and warnings. The policies are
:func:`skdeep.train.schedule_callbacks`'s and the training itself is
:func:`skdeep.train.train`'s; all it carries over is one
:class:`skdeep.train.TrainState`.
"""

import hashlib
import multiprocessing
import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from ._sklearn_callbacks import epoch_callback
from .nn import OPTIMIZERS
from .train import TrainingData, TrainState, Validation, schedule_callbacks, train
from .train.progress import ProgressBar, interactive, load_tqdm

NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights. The input data may"
    " contain large values and need to be preprocessed."
)


class StochasticFitMixin:
    """Training with a stochastic solver, for :class:`BaseMLP`.

    The fitted attributes of training (``history_``, ``loss_curve_``,
    ``validation_scores_``, ...) are read from the one training state.
    """

    def _fitted_state(self, name):
        state = self.__dict__.get("_train_state")
        if state is None:
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute '{name}' (it "
                "exists after fitting with a stochastic solver)"
            )
        return state

    @property
    def history_(self):
        """list of dict: one record per epoch of every call: ``epoch``,
        ``train_loss``, ``valid_loss`` and ``valid_score`` (None when not
        validating), ``learning_rate`` and ``seconds``."""
        return [dict(record) for record in self._fitted_state("history_").history]

    @property
    def loss_curve_(self):
        """list of float: training loss of every epoch."""
        return self._fitted_state("loss_curve_").column("train_loss")

    @property
    def learning_rate_curve_(self):
        """list of float: learning rate in effect during each epoch."""
        return self._fitted_state("learning_rate_curve_").column("learning_rate")

    @property
    def validation_scores_(self):
        """list of float or None: validation score of every validated epoch
        (None without early stopping)."""
        state = self._fitted_state("validation_scores_")
        if state.monitor != "valid_score":
            return None
        return [v for v in state.column("valid_score") if v is not None]

    @property
    def best_validation_score_(self):
        """float or None: best validation score (None without early
        stopping)."""
        state = self._fitted_state("best_validation_score_")
        if state.monitor != "valid_score":
            return None
        return -np.inf if state.best_value is None else state.best_value

    @property
    def best_loss_(self):
        """float or None: lowest training loss (None with early stopping)."""
        state = self._fitted_state("best_loss_")
        if state.monitor != "train_loss":
            return None
        return np.inf if state.best_value is None else state.best_value

    def _make_optimizer(self):
        args = {
            "sgd": (self.momentum, self.nesterovs_momentum),
            "adam": (self.beta_1, self.beta_2, self.epsilon),
            "adagrad": (self.epsilon,),
            "rmsprop": (self.rho, self.epsilon),
        }[self.solver]
        optimizer = OPTIMIZERS[self.solver](self.learning_rate_init, *args)
        optimizer.init(self._network.params)
        return optimizer

    def _fit_stochastic(
        self, X, Y, labels, sample_weight, rng, incremental, fit_data=None
    ):
        if incremental:
            self._check_incremental(X.shape[0])
        state = self._continued_state(incremental)
        X, Y, sample_weight, validation = self._validation_split(
            X, Y, labels, sample_weight, rng
        )
        max_epochs = 1 if incremental else self._epoch_budget(X.shape[0])
        callbacks = self._callbacks(validation is not None)
        sklearn_epochs = epoch_callback(
            self,
            max_epochs,
            task_name="partial_fit" if incremental else "fit",
            **(fit_data or {}),
        )
        if sklearn_epochs is not None:  # last: it must see the final trainer.stop
            callbacks.append(sklearn_epochs)
        trainer = train(
            self._network,
            self._loss_function(),
            state,
            TrainingData(X, Y, sample_weight, validation),
            callbacks,
            rng=rng,
            max_epochs=max_epochs,
            backend=self._backend(),
            batch_size=self._batch_size(X.shape[0]),
            shuffle=self.shuffle,
            alpha=self.alpha,
            # a partial_fit chunk may be shorter than a batch: it then moves
            # the batch-norm statistics by its share of a configured batch
            full_batch=self.batch_size
            if incremental and self.batch_size != "auto"
            else None,
        )
        if not incremental:  # partial_fit loops keep their work buffers
            self._network.release_grads()
            state.optimizer.release_scratch()
        self._store_outcome(trainer, incremental)
        if self.batch_norm and self.batch_norm_stats == "full":
            self._network.set_population_statistics(X, sample_weight)

    def _epoch_budget(self, n_samples):
        """The number of epochs of a ``fit`` on ``n_samples`` rows."""
        return self.max_iter

    def _continued_state(self, incremental):
        """The training state to continue; a new optimizer unless
        ``partial_fit`` continues one (as scikit-learn does)."""
        state = self.__dict__.get("_train_state")
        if state is None:
            state = self._train_state = TrainState(None)
        if not incremental or state.optimizer is None:
            state.optimizer = self._make_optimizer()
        return state

    def _callbacks(self, validating):
        callbacks = schedule_callbacks(
            solver=self.solver,
            learning_rate=self.learning_rate,
            learning_rate_init=self.learning_rate_init,
            power_t=self.power_t,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            plateau_factor=self.plateau_factor,
            plateau_patience=self.plateau_patience,
            restore_best=validating,
            verbose=bool(self.verbose),
        )
        if self._shows_progress():
            callbacks.append(ProgressBar(type(self).__name__))
        return callbacks

    def _shows_progress(self):
        if self.progress_bar is True:
            load_tqdm()  # a clear ImportError when tqdm is missing
            return True
        if self.progress_bar != "auto" or not interactive():
            return False
        if "_skl_callbacks" in self.__dict__ or "_parent_callback_ctx" in self.__dict__:
            return False  # scikit-learn's callbacks report the progress
        if multiprocessing.current_process().name != "MainProcess":
            return False  # a search's worker: the parent shows the progress
        try:
            load_tqdm()
        except ImportError:
            return False
        return True

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

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than "
                "sample size. It is going to be clipped"
            )
        return int(np.clip(self.batch_size, 1, n_samples))

    def _store_outcome(self, trainer, incremental):
        state = trainer.state
        self.n_iter_ = trainer.epoch
        self.t_ = state.n_samples_seen
        if state.history:
            self.loss_ = state.history[-1]["train_loss"]
        if trainer.diverged and trainer.restored_epoch:
            # the loss of the weights kept, not of the last epoch
            self.loss_ = state.history[trainer.restored_epoch - 1]["train_loss"]
        self._warn_outcome(trainer, incremental)

    def _warn_outcome(self, trainer, incremental):
        if trainer.diverged:
            if trainer.epoch == 0:
                # nothing finite in this call: it fails and is rolled back
                raise ValueError(NON_FINITE_MESSAGE)
            warnings.warn(
                "Training diverged: the loss became non-finite after %d epoch(s); "
                "the parameters of the best epoch were restored. Consider a lower "
                "learning_rate_init (it is %g) or scaling the input."
                % (trainer.epoch, self.learning_rate_init),
                ConvergenceWarning,
            )
        elif trainer.interrupted:
            warnings.warn(
                "Training interrupted by user after %d complete epoch(s); the "
                "model keeps its parameters so far." % trainer.epoch,
                UserWarning,
            )
        elif not incremental and not trainer.stop and trainer.epoch == self.max_iter:
            warnings.warn(
                "Stochastic Optimizer: Maximum iterations (%d) reached and the "
                "optimization hasn't converged yet." % self.max_iter,
                ConvergenceWarning,
            )

    def _validation_split(self, X, Y, labels, sample_weight, rng):
        """Split off ``validation_fraction`` of the rows when early stopping.

        Returns ``(X, Y, sample_weight, validation)`` where ``validation`` is
        a :class:`skdeep.train.Validation` or None; its ``key`` identifies the
        validation set. With an int ``random_state`` every fit on the same
        data validates on the same rows.
        """
        if not self.early_stopping:
            return X, Y, sample_weight, None
        n_samples = X.shape[0]
        if isinstance(self.random_state, Integral):
            seed = self.random_state
        else:
            seed = int(rng.integers(np.iinfo(np.int32).max))
        train, val = _split_indices(n_samples, self.validation_fraction, labels, seed)
        if val.size < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        sw = (
            (None, None)
            if sample_weight is None
            else (sample_weight[train], sample_weight[val])
        )
        if sw[1] is not None and not sw[1].any():
            sw = (sw[0], None)  # all-zero validation weights: score unweighted
        X_val = X[val]
        y_val = labels[val] if labels is not None else Y[val]
        validation = Validation(
            X_val,
            Y[val],
            sw[1],
            score=lambda Z: self._score_output(Z, y_val, sw[1]),
            key=(seed, n_samples, _digest(X_val, y_val, sw[1])),
        )
        return X[train], Y[train], sw[0], validation


def _split_indices(n_samples, fraction, labels, seed):
    """Random train/validation indices, stratified by class.

    Binary targets are always stratified, as scikit-learn does (so a class
    with a single member raises its error); multiclass targets are when
    every class has two members and each part room for every class.
    """
    indices = np.arange(n_samples)
    n_val = int(np.ceil(fraction * n_samples))
    stratify = None
    if labels is not None and labels.ndim == 1:
        _, counts = np.unique(labels, return_counts=True)
        feasible = counts.min() >= 2 and min(n_val, n_samples - n_val) >= counts.size
        if counts.size == 2 or feasible:
            stratify = labels
    train, val = train_test_split(
        indices, test_size=fraction, random_state=seed, stratify=stratify
    )
    return np.sort(train), np.sort(val)


def _digest(*arrays):
    """A fingerprint of the validation data (arrays, sparse matrices, None)."""
    digest = hashlib.blake2b(digest_size=16)
    for array in arrays:
        if array is None:
            digest.update(b"none")
            continue
        parts = (
            (array.data, array.indices, array.indptr)
            if sp.issparse(array)
            else (array,)
        )
        for part in parts:
            part = np.ascontiguousarray(part)
            digest.update(str((part.dtype, part.shape)).encode())
            digest.update(
                part.tobytes() if part.dtype != object else repr(part.tolist()).encode()
            )
    return digest.hexdigest()
