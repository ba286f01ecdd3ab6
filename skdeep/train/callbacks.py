"""Callbacks: the policies that act between epochs.

A callback implements any of ``on_train_begin(trainer)``,
``on_epoch_end(trainer)`` and ``on_train_end(trainer)``, and, when it needs
one, ``on_batch_end(trainer)`` (called after every mini-batch). It reads the
training state (``trainer.state``: history, best epoch, patience counters)
and may set ``trainer.stop``, change ``trainer.state.optimizer.learning_rate``
or ask the trainer to restore the best epoch. None of them knows about the
estimators.

The policies count, in ``state.counters[name]``, the epochs whose monitored
value (the validation score, else the training loss) did not improve on the
best by at least ``tol``.
"""

import math

__all__ = [
    "Callback",
    "EarlyStopping",
    "ReduceLROnPlateau",
    "InvScaling",
    "EpochLogger",
    "schedule_callbacks",
]


class Callback:
    """Base class: every hook does nothing."""

    def on_train_begin(self, trainer):
        """Called once before the first epoch."""

    def on_epoch_end(self, trainer):
        """Called after each completed epoch."""

    def on_train_end(self, trainer):
        """Called once after the last epoch (also after an interruption)."""


def _count_stall(state, name, tol):
    """Update and return the patience counter ``name``: reset by an epoch
    that improved on the best by ``tol`` or more, else incremented."""
    improved = state.last_improvement >= tol
    state.counters[name] = 0 if improved else state.counters.get(name, 0) + 1
    return state.counters[name]


def _stall_message(state, tol, patience):
    what = "Validation score" if state.monitor == "valid_score" else "Training loss"
    return "%s did not improve more than tol=%f for %d consecutive epochs." % (
        what,
        tol,
        patience,
    )


class EarlyStopping(Callback):
    """Stop when more than ``patience`` epochs in a row did not improve the
    monitored value by ``tol``; optionally return to the best epoch.

    Parameters
    ----------
    patience : int or inf, default=10
        Non-improving epochs tolerated (``inf``: never stop).
    tol : float, default=1e-4
        Minimum improvement.
    restore_best : bool, default=True
        At the end of training, restore the parameters of the best epoch.
    verbose : bool, default=False
        Print why training stops.
    name : str, default="stopping"
        Key of the patience counter in ``state.counters``.
    """

    def __init__(
        self, patience=10, tol=1e-4, restore_best=True, verbose=False, name="stopping"
    ):
        self.patience = patience
        self.tol = tol
        self.restore_best = restore_best
        self.verbose = verbose
        self.name = name

    def on_epoch_end(self, trainer):
        state = trainer.state
        if _count_stall(state, self.name, self.tol) > self.patience:
            _say(
                self.verbose,
                _stall_message(state, self.tol, self.patience) + " Stopping.",
            )
            trainer.stop = True

    def on_train_end(self, trainer):
        state = trainer.state
        if self.restore_best and state.best_epoch not in (None, state.epoch):
            trainer.restore_best()


class ReduceLROnPlateau(Callback):
    """Divide the learning rate by ``factor`` when more than ``patience``
    epochs in a row did not improve the monitored value by ``tol``.

    The lecture's schedule (halve the rate when validation stalls) is
    ``ReduceLROnPlateau(2, patience)``; scikit-learn's ``'adaptive'`` is
    ``ReduceLROnPlateau(5, n_iter_no_change, min_lr=1e-6,
    stop_at_min_lr=True)``.

    Parameters
    ----------
    factor : float, default=2.0
        Divisor of the rate (> 1).
    patience : int, default=5
        Non-improving epochs tolerated before each reduction.
    min_lr : float, default=0.0
        A plateau with the rate at or below ``min_lr`` does not reduce it.
    stop_at_min_lr : bool, default=False
        Whether such a plateau stops training.
    tol : float, default=1e-4
        Minimum improvement.
    verbose : bool, default=False
        Print each change.
    name : str, default="plateau"
        Key of the patience counter in ``state.counters``.
    """

    def __init__(
        self,
        factor=2.0,
        patience=5,
        min_lr=0.0,
        stop_at_min_lr=False,
        tol=1e-4,
        verbose=False,
        name="plateau",
    ):
        self.factor = factor
        self.patience = patience
        self.min_lr = min_lr
        self.stop_at_min_lr = stop_at_min_lr
        self.tol = tol
        self.verbose = verbose
        self.name = name

    def on_epoch_end(self, trainer):
        state = trainer.state
        if _count_stall(state, self.name, self.tol) <= self.patience:
            return
        message = _stall_message(state, self.tol, self.patience)
        optimizer = state.optimizer
        if optimizer.learning_rate <= self.min_lr:
            if self.stop_at_min_lr:
                _say(self.verbose, message + " Learning rate too small. Stopping.")
                trainer.stop = True
            return
        state.counters[self.name] = 0
        optimizer.learning_rate /= self.factor
        _say(
            self.verbose,
            message + " Setting learning rate to %g" % optimizer.learning_rate,
        )


class InvScaling(Callback):
    """Set ``lr = lr_init / (t + 1) ** power_t`` after each epoch, ``t`` the
    number of samples seen (scikit-learn's ``invscaling``)."""

    def __init__(self, learning_rate_init, power_t):
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t

    def on_epoch_end(self, trainer):
        trainer.optimizer.learning_rate = self.learning_rate_init / (
            (trainer.state.n_samples_seen + 1) ** self.power_t
        )


class EpochLogger(Callback):
    """Print one aligned row per epoch when ``verbose``.

    Each row starts as scikit-learn's (``Iteration N, loss = ...``, N
    counting the epochs of this call), then gives the validation loss and
    score (when validating), the learning rate and the epoch's seconds; the
    best epoch so far is marked with ``*``.
    """

    def __init__(self, verbose=False):
        self.verbose = verbose

    def on_epoch_end(self, trainer):
        if not self.verbose:
            return
        state = trainer.state
        record = state.history[-1]
        row = "%-36s" % (
            "Iteration %d, loss = %.8f" % (trainer.epoch, record["train_loss"])
        )
        if record["valid_score"] is not None:
            row += " | valid loss %10.6f | valid score %9.6f" % (
                record["valid_loss"],
                record["valid_score"],
            )
        row += " | lr %.3e | %7.3f s" % (record["learning_rate"], record["seconds"])
        if state.best_epoch == state.epoch:
            row += " *"
        print(row)


def schedule_callbacks(
    *,
    solver,
    learning_rate,
    learning_rate_init,
    power_t,
    tol,
    n_iter_no_change,
    plateau_factor,
    plateau_patience,
    restore_best,
    verbose=False,
):
    """The policies of scikit-learn's MLP, and skdeep's 'plateau' schedule.

    Parameters
    ----------
    solver, learning_rate, learning_rate_init, power_t, tol, \
n_iter_no_change, plateau_factor, plateau_patience : as the estimators'
        ``'invscaling'`` and ``'adaptive'`` act on 'sgd' only, as in
        scikit-learn.
    restore_best : bool
        Whether stopping returns to the best epoch (early stopping on a
        validation set).
    verbose : bool, default=False
        Print the per-epoch rows and the policies' decisions.

    Returns
    -------
    callbacks : list of Callback
    """
    callbacks = [EpochLogger(verbose)]
    if solver == "sgd" and learning_rate == "invscaling":
        callbacks.append(InvScaling(learning_rate_init, power_t))
    if learning_rate == "plateau":
        callbacks.append(
            ReduceLROnPlateau(
                plateau_factor, plateau_patience, tol=tol, verbose=verbose
            )
        )
    if solver == "sgd" and learning_rate == "adaptive":
        callbacks.append(
            ReduceLROnPlateau(
                5.0,
                n_iter_no_change,
                min_lr=1e-6,
                stop_at_min_lr=True,
                tol=tol,
                verbose=verbose,
                name="stopping",
            )
        )
        callbacks.append(EarlyStopping(math.inf, tol, restore_best, name="best"))
    else:
        callbacks.append(EarlyStopping(n_iter_no_change, tol, restore_best, verbose))
    return callbacks


def _say(verbose, message):
    if verbose:
        print(message)
