"""Callbacks: the policies that act between epochs.

A callback implements any of ``on_train_begin(trainer)``,
``on_epoch_end(trainer)`` and ``on_train_end(trainer)``. It reads the
trainer's history and may set ``trainer.stop`` or change
``trainer.optimizer.learning_rate``.
"""

import numpy as np

__all__ = [
    "Callback",
    "EpochLogger",
    "ValidationScore",
    "PlateauMonitor",
    "InvScaling",
    "DivideRate",
    "RateRecorder",
]


class Callback:
    """Base class: every hook does nothing."""

    def on_train_begin(self, trainer):
        """Called once before the first epoch."""

    def on_epoch_end(self, trainer):
        """Called after each completed epoch."""

    def on_train_end(self, trainer):
        """Called once after the last epoch (also after an interruption)."""


class EpochLogger(Callback):
    """Print ``Iteration N, loss = ...`` after each epoch when ``verbose``."""

    def __init__(self, verbose=False):
        self.verbose = verbose

    def on_epoch_end(self, trainer):
        if self.verbose:
            print("Iteration %d, loss = %.8f" % (trainer.epoch, trainer.loss_curve[-1]))


class ValidationScore(Callback):
    """Score held-out data after each epoch.

    Parameters
    ----------
    score : callable
        ``score(Z)`` returns the score (higher is better) of the network's
        output ``Z`` on the validation inputs.
    X : {ndarray, sparse matrix} of shape (n_val, n_features)
        Validation inputs.
    scores : list of float, default=None
        History to append to (created if None).
    verbose : bool, default=False
        Print ``Validation score: ...`` after each epoch.
    """

    def __init__(self, score, X, scores=None, verbose=False):
        self.score = score
        self.X = X
        self.scores = [] if scores is None else scores
        self.verbose = verbose

    def on_epoch_end(self, trainer):
        Z = trainer.net.forward(self.X, training=False)
        value = self.score(Z) if np.isfinite(Z).all() else np.nan
        self.scores.append(value)
        if self.verbose:
            print("Validation score: %f" % value)


class PlateauMonitor(Callback):
    """Count epochs without improvement; act when patience runs out.

    With ``scores`` it watches the latest validation score (higher is
    better), keeps a copy of the best epoch's parameters and restores it at
    the end of training; otherwise it watches the training loss. An epoch
    improves when it beats the best value by more than ``tol``. When more
    than ``patience`` consecutive epochs have not improved, ``on_plateau``
    is called: it returns True to stop training, or False to go on with the
    count reset (e.g. after lowering the learning rate).

    Parameters
    ----------
    tol : float
        Minimum improvement.
    patience : int or inf
        Number of non-improving epochs tolerated.
    on_plateau : callable
        ``on_plateau(trainer, message) -> bool``.
    scores : list of float, default=None
        Validation history to watch (from :class:`ValidationScore`).
    best : float, default=None
        Best value so far (None: nothing seen yet).
    count : int, default=0
        Non-improving epochs so far.
    best_state : ndarray, default=None
        Parameters of the best epoch so far (validation mode only).
    keep_best : bool, default=True
        Whether to snapshot the best epoch and restore it at the end
        (validation mode only).
    """

    def __init__(
        self,
        tol,
        patience,
        on_plateau,
        scores=None,
        best=None,
        count=0,
        best_state=None,
        keep_best=True,
    ):
        self.tol = tol
        self.patience = patience
        self.on_plateau = on_plateau
        self.scores = scores
        self.best = best
        self.count = count
        self.best_state = best_state
        self.keep_best = keep_best
        self.best_loss = None
        self.restored = False

    def on_epoch_end(self, trainer):
        if self.scores is not None:
            self._update_score(trainer, self.scores[-1])
        else:
            self._update_loss(trainer.loss_curve[-1])
        if self.count > self.patience:
            what = "Validation score" if self.scores is not None else "Training loss"
            message = (
                "%s did not improve more than tol=%f for %d consecutive epochs."
                % (what, self.tol, self.patience)
            )
            if self.on_plateau(trainer, message):
                trainer.stop = True
            else:
                self.count = 0

    def _update_score(self, trainer, score):
        best = -np.inf if self.best is None else self.best
        self.count = self.count + 1 if not score >= best + self.tol else 0
        if score > best:
            self.best = score
            if self.keep_best:
                self.best_state = trainer.net.get_state()
                self.best_loss = trainer.loss_curve[-1] if trainer.loss_curve else None

    def _update_loss(self, loss):
        best = np.inf if self.best is None else self.best
        self.count = self.count + 1 if not loss <= best - self.tol else 0
        if loss < best:
            self.best = loss

    def on_train_end(self, trainer):
        if self.scores is not None and self.best_state is not None:
            trainer.net.set_state(self.best_state)
            self.restored = True


class InvScaling(Callback):
    """Set ``lr = lr_init / (t + 1) ** power_t`` after each epoch, ``t`` the
    number of samples seen (scikit-learn's ``invscaling``)."""

    def __init__(self, learning_rate_init, power_t):
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t

    def on_epoch_end(self, trainer):
        trainer.optimizer.learning_rate = self.learning_rate_init / (
            (trainer.n_samples_seen + 1) ** self.power_t
        )


class DivideRate:
    """Plateau action: divide the learning rate by ``factor`` and go on.

    Parameters
    ----------
    factor : float
        Divisor (> 1).
    verbose : bool, default=False
        Print the new rate.
    """

    def __init__(self, factor, verbose=False):
        self.factor = factor
        self.verbose = verbose

    def __call__(self, trainer, message):
        trainer.optimizer.learning_rate /= self.factor
        if self.verbose:
            print(
                message
                + " Setting learning rate to %g" % trainer.optimizer.learning_rate
            )
        return False


class RateRecorder(Callback):
    """Append the learning rate used in each epoch to ``rates``."""

    def __init__(self, rates):
        self.rates = rates

    def on_epoch_end(self, trainer):
        self.rates.append(trainer.optimizer.learning_rate)
