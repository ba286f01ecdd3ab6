"""Mini-batch training of the estimators (the stochastic solvers).

The scikit-learn side of training with 'sgd', 'adam', 'adagrad' and
'rmsprop': optimizer construction, the early-stopping split, callbacks for
schedules and plateaus, and turning the outcome of a run (stopped, diverged,
interrupted, out of iterations) into attributes and warnings. The training
itself is :class:`skdeep.train.Trainer`'s.
"""

import hashlib
import warnings
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from .nn import OPTIMIZERS
from .train import (
    DivideRate,
    EpochLogger,
    InvScaling,
    PlateauMonitor,
    RateRecorder,
    Trainer,
    ValidationScore,
)

NON_FINITE_MESSAGE = (
    "Solver produced non-finite parameter weights. The input data may"
    " contain large values and need to be preprocessed."
)


class StochasticFitMixin:
    """Training with a stochastic solver, for :class:`BaseMLP`."""

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

    def _fit_stochastic(self, X, Y, labels, sample_weight, rng, incremental):
        if incremental:
            self._check_incremental(X.shape[0])
        if not incremental or "_optimizer" not in self.__dict__:
            self._optimizer = self._make_optimizer()
        split = self._validation_split(X, Y, labels, sample_weight, rng)
        X, Y, sample_weight, validation = split
        self._ensure_history(None if validation is None else validation[3])
        monitor = self._make_monitor(validation is not None)
        plateau = self._make_plateau(validation is not None)
        trainer = Trainer(
            self._network,
            self._loss_function(),
            self._optimizer,
            rng,
            batch_size=self._batch_size(X.shape[0]),
            shuffle=self.shuffle,
            alpha=self.alpha,
            n_samples_seen=self.t_,
            loss_curve=self.loss_curve_,
            # a partial_fit chunk may be shorter than a batch: it then moves
            # the batch-norm statistics by its share of a configured batch
            full_batch=self.batch_size
            if incremental and self.batch_size != "auto"
            else None,
            callbacks=self._callbacks(validation, monitor, plateau),
        )
        trainer.run(X, Y, sample_weight, max_epochs=1 if incremental else self.max_iter)
        if not incremental:  # partial_fit loops keep their work buffers
            self._network.release_grads()
            self._optimizer.release_scratch()
        self._store_progress(trainer, monitor, plateau, incremental)
        if self.batch_norm and self.batch_norm_stats == "full":
            self._network.set_population_statistics(X, sample_weight)

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

    def _make_monitor(self, validating):
        best = self.best_validation_score_ if validating else self.best_loss_
        return PlateauMonitor(
            self.tol,
            self.n_iter_no_change,
            self._on_plateau,
            scores=self.validation_scores_ if validating else None,
            best=None if best is None or np.isinf(best) else best,
            count=self._no_improvement_count,
            best_state=self._best_state if validating else None,
        )

    def _callbacks(self, validation, monitor, plateau):
        callbacks = [
            RateRecorder(self.learning_rate_curve_),
            EpochLogger(self.verbose),
        ]
        if validation is not None:
            X_val, y_val, sw_val, _ = validation
            callbacks.append(
                ValidationScore(
                    lambda Z: self._score_output(Z, y_val, sw_val),
                    X_val,
                    scores=self.validation_scores_,
                    verbose=self.verbose,
                )
            )
        if self.solver == "sgd" and self.learning_rate == "invscaling":
            callbacks.append(InvScaling(self.learning_rate_init, self.power_t))
        if plateau is not None:
            callbacks.append(plateau)
        callbacks.append(monitor)
        return callbacks

    def _make_plateau(self, validating):
        """The 'plateau' schedule: divide the rate by ``plateau_factor`` after
        more than ``plateau_patience`` epochs without improvement."""
        if self.learning_rate != "plateau":
            return None
        count, best = self._plateau_state
        return PlateauMonitor(
            self.tol,
            self.plateau_patience,
            DivideRate(self.plateau_factor, self.verbose),
            scores=self.validation_scores_ if validating else None,
            best=best,
            count=count,
            keep_best=False,
        )

    def _on_plateau(self, trainer, message):
        """scikit-learn's policy: 'adaptive' sgd divides the rate by 5."""
        optimizer = trainer.optimizer
        if self.solver != "sgd" or self.learning_rate != "adaptive":
            _say(self.verbose, message + " Stopping.")
            return True
        if optimizer.learning_rate <= 1e-6:
            _say(self.verbose, message + " Learning rate too small. Stopping.")
            return True
        optimizer.learning_rate /= 5.0
        _say(
            self.verbose,
            message + " Setting learning rate to %f" % optimizer.learning_rate,
        )
        return False

    def _store_progress(self, trainer, monitor, plateau, incremental):
        validating = monitor.scores is not None
        if plateau is not None:
            self._plateau_state = (plateau.count, plateau.best)
        self.n_iter_ = trainer.epoch
        self.t_ = trainer.n_samples_seen
        self._no_improvement_count = monitor.count
        if validating:
            self.best_validation_score_ = (
                -np.inf if monitor.best is None else monitor.best
            )
            self._best_state = monitor.best_state
        elif self.best_loss_ is not None:
            self.best_loss_ = np.inf if monitor.best is None else monitor.best
        if self.loss_curve_:
            self.loss_ = self.loss_curve_[-1]
        if trainer.diverged:  # the loss of the weights kept, not the last
            restored = monitor.best_loss if monitor.restored else None
            self.loss_ = trainer.restored_loss if restored is None else restored
        self._warn_outcome(trainer, incremental)

    def _warn_outcome(self, trainer, incremental):
        if trainer.diverged:
            if trainer.epoch == 0:
                # nothing finite in this call: it fails and is rolled back
                raise ValueError(NON_FINITE_MESSAGE)
            warnings.warn(
                "Training diverged: the loss became non-finite after %d epoch(s); "
                "the parameters of the epoch with the lowest training loss were "
                "restored. Consider a lower learning_rate_init (it is %g) or "
                "scaling the input." % (trainer.epoch, self.learning_rate_init),
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
        ``(X_val, y_val, sw_val, key)`` or None; ``key`` identifies the
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
        key = (seed, n_samples, _digest(X_val, y_val, sw[1]))
        return X[train], Y[train], sw[0], (X_val, y_val, sw[1], key)


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


def _say(verbose, message):
    if verbose:
        print(message)
