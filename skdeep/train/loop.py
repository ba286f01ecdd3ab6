"""The mini-batch training loop.

One :class:`Trainer` runs epochs of forward -> loss -> backward -> optimizer
step over shuffled mini-batches, keeps the per-epoch history, and lets
callbacks (early stopping, learning-rate schedules, logging) act at the end of
each epoch. Callbacks stop training by setting ``trainer.stop``; nothing is
signalled with exceptions.

Nothing is lost when training goes wrong: a Ctrl-C during training lets the
current batch finish and then stops (a second Ctrl-C interrupts at once); a
KeyboardInterrupt raised from inside the loop stops it too, restoring the
best parameters so far if it arrived in the middle of an update; a
non-finite loss or parameter stops training with the parameters of the epoch
with the lowest loss restored (the starting parameters if none finished).
"""

import math
import signal
import threading

import numpy as np

__all__ = ["Trainer"]


class Trainer:
    """Mini-batch training of a network with a loss and an optimizer.

    Parameters
    ----------
    net : Sequential
        The network, already initialized.
    loss : Loss
        The loss with its output link.
    optimizer : Optimizer
        The optimizer, its state already created by ``init``.
    rng : numpy.random.Generator
        Source of the shuffling.
    batch_size : int, default=200
        Mini-batch size; clipped to the number of samples.
    shuffle : bool, default=True
        Whether to shuffle the samples before each epoch.
    alpha : float, default=0.0
        L2 penalty: each batch adds ``alpha / 2 * ||W||^2 / sum(w_batch)`` to
        the loss (scikit-learn's scaling).
    callbacks : list of Callback, default=()
        Called at the start, after every epoch and at the end.
    n_samples_seen : int, default=0
        Samples processed by earlier runs.
    loss_curve : list of float, default=None
        History to append to (created if None).
    full_batch : int, default=None
        Rows of a full batch, for the running statistics of normalization
        layers (a shorter batch moves them by its share); None means
        ``batch_size`` clipped to the number of samples.

    Attributes
    ----------
    epoch : int
        Epochs completed in the current :meth:`run`.
    n_samples_seen : int
        Training samples processed so far (all runs).
    loss_curve : list of float
        Mean training loss of every epoch (all runs).
    stop : bool
        Set (by callbacks or the loop) to end training after this epoch.
    diverged : bool
        True if the loss became non-finite in the last run.
    restored_loss : float
        After divergence: the recorded loss of the epoch whose parameters
        were restored.
    interrupted : bool
        True if the last run was ended by KeyboardInterrupt.
    """

    def __init__(
        self,
        net,
        loss,
        optimizer,
        rng,
        *,
        batch_size=200,
        shuffle=True,
        alpha=0.0,
        callbacks=(),
        n_samples_seen=0,
        loss_curve=None,
        full_batch=None,
    ):
        self.net = net
        self.loss = loss
        self.optimizer = optimizer
        self.rng = rng
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.alpha = float(alpha)
        self.callbacks = list(callbacks)
        self.n_samples_seen = n_samples_seen
        self.loss_curve = [] if loss_curve is None else loss_curve
        self.full_batch = full_batch

    def run(self, X, y, sample_weight=None, max_epochs=1):
        """Train for at most ``max_epochs`` epochs on ``(X, y)``.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Training inputs, in the network's dtype.
        y : ndarray of shape (n_samples, n_outputs)
            Targets as the loss expects them.
        sample_weight : ndarray of shape (n_samples,), default=None
            Sample weights.
        max_epochs : int, default=1
            Upper bound on the number of epochs.

        Returns
        -------
        self : Trainer
        """
        self.epoch, self.stop = 0, False
        self.diverged = self.interrupted = False
        self._best = (math.inf, self.net.get_state())
        self._best_pending = self._updating = False
        self.net.set_rng(self.rng)
        full_batch = self.full_batch or min(self.batch_size, X.shape[0])
        self.net.set_batch_rows(full_batch)
        self._notify("on_train_begin")
        try:
            # overflow on the way to divergence is detected and reported
            with np.errstate(over="ignore", invalid="ignore"), _DeferredInterrupt(self):
                while self.epoch < max_epochs and not self.stop:
                    self._run_epoch(X, y, sample_weight)
        except KeyboardInterrupt:
            self.interrupted = self.stop = True
            if self._updating:  # parameters half-updated
                self.net.set_state(self._best[1])
        self.net.set_rng(None)
        self._notify("on_train_end")
        self.net.clear_caches()
        return self

    def _run_epoch(self, X, y, sample_weight):
        if self._best_pending:  # the last epoch's parameters, unchanged since
            self._best = (self.loss_curve[-1], self.net.get_state())
            self._best_pending = False
        n = X.shape[0]
        order = self.rng.permutation(n) if self.shuffle else None
        total, counted = 0.0, 0
        for start in range(0, n, min(self.batch_size, n)):
            rows = slice(start, start + self.batch_size)
            if order is not None:
                rows = order[rows]
            sw = None if sample_weight is None else sample_weight[rows]
            y_batch = y[rows]
            batch_loss = self.train_batch(X[rows], y_batch, sw)
            if batch_loss is not None:  # None: all weights zero, no loss
                if not math.isfinite(batch_loss):
                    self._diverge()
                    return
                total += batch_loss * y_batch.shape[0]
                counted += y_batch.shape[0]
            if self.interrupted:  # Ctrl-C during this batch: stop after it
                self.stop = True
                return
        if not np.isfinite(self.net.params).all():
            self._diverge()
            return
        self.epoch += 1
        self.n_samples_seen += n
        # scikit-learn's epoch loss: batch losses weighted by their rows
        self.loss_curve.append(total / counted if counted else 0.0)
        # snapshotted when the next epoch starts: a last epoch needs no copy
        self._best_pending = self.loss_curve[-1] <= self._best[0]
        self._notify("on_epoch_end")

    def train_batch(self, X, y, sample_weight=None):
        """One forward/backward pass and optimizer step; return the loss
        (None for a batch whose weights are all zero: no loss, no step)."""
        net = self.net
        if sample_weight is not None and not sample_weight.any():
            return None
        Z = net.forward(X, training=True, sample_weight=sample_weight)
        loss = self.loss.forward(Z, y, sample_weight)
        net.backward(self.loss.backward())
        weight_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        coef = self.alpha / weight_sum
        if coef:
            loss += 0.5 * coef * net.l2_penalty()
        if math.isfinite(loss):
            # weight decay is applied in the optimizer's step
            self._updating = True
            self.optimizer.step(net.params, net.grads, coef, net.n_decay)
            self._updating = False
        return loss

    def _diverge(self):
        self.net.set_state(self._best[1])
        self.restored_loss = self._best[0]
        self.diverged = self.stop = True

    def _notify(self, event):
        for callback in self.callbacks:
            getattr(callback, event)(self)


class _DeferredInterrupt:
    """While training in the main thread, turn the first Ctrl-C into a
    request to stop after the current batch (``trainer.interrupted``); a
    second Ctrl-C raises KeyboardInterrupt as usual. Does nothing in other
    threads or when the program has its own SIGINT handler."""

    def __init__(self, trainer):
        self.trainer = trainer
        self.previous = None

    def __enter__(self):
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler
        ):
            self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.trainer.interrupted:
            raise KeyboardInterrupt
        self.trainer.interrupted = True

    def __exit__(self, *exc_info):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False
