"""The mini-batch training loop.

``train(net, loss, state, data, callbacks)`` runs epochs of forward -> loss
-> backward -> optimizer step over shuffled mini-batches, continuing a
:class:`~skdeep.train.TrainState`: after each epoch it scores the validation
data (when given), appends the epoch's record to ``state.history``, tracks
the best epoch, and lets the callbacks (early stopping, learning-rate
schedules, logging) act. Callbacks stop training by setting
``trainer.stop``; nothing is signalled with exceptions.

Nothing is lost when training goes wrong: a Ctrl-C during training lets the
current batch finish and then stops (a second Ctrl-C interrupts at once); a
KeyboardInterrupt raised from inside the loop stops it too, restoring the
best parameters so far if it arrived in the middle of an update; a
non-finite loss or parameter stops training with the parameters of the best
epoch restored (the starting parameters if none finished).

The arithmetic is the backend's: ``train(..., backend=ops)`` moves the
network, the optimizer state and the data to ``ops`` for the run (once) and
back at its end. Permutations are drawn on the host, so a seed gives the same
batches on every backend. On a lazy backend (a device) the batch losses are
summed on the device and read once per epoch; a non-finite loss is then seen
at the end of the epoch instead of the batch, with the same outcome.
"""

import copy
import math
import signal
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

from .compiled import compiled_epoch, optimizer_arguments

__all__ = ["Trainer", "TrainingData", "Validation", "train"]


@dataclass
class Validation:
    """Held-out data scored after each epoch.

    Attributes
    ----------
    X : {ndarray, sparse matrix} of shape (n_val, n_features)
        Inputs.
    y : ndarray of shape (n_val, n_outputs)
        Targets as the loss expects them (for the validation loss).
    sample_weight : ndarray of shape (n_val,) or None
        Weights of the rows.
    score : callable
        ``score(Z)``: the validation score (higher is better) of the network's
        output ``Z``.
    key : object, default=None
        Identifies the validation set (scores compare only within one).
    """

    X: Any
    y: Any
    sample_weight: Any
    score: Callable
    key: Any = None


@dataclass
class TrainingData:
    """Training rows (and optional validation data) for :func:`train`."""

    X: Any
    y: Any
    sample_weight: Any = None
    validation: Optional[Validation] = None


def train(
    net, loss, state, data, callbacks=(), *, rng, max_epochs=1, backend=None,
    **options,
):
    """Train ``net`` for at most ``max_epochs`` epochs, continuing ``state``.

    Parameters
    ----------
    net : Sequential
        The network, already initialized.
    loss : Loss
        The loss with its output link.
    state : TrainState
        The state to continue (optimizer, history, best epoch, counters).
    data : TrainingData
        Training rows, in the network's dtype, and validation data.
    callbacks : list of Callback, default=()
        The policies acting between epochs.
    rng : numpy.random.Generator
        Source of the shuffling and of dropout masks.
    max_epochs : int, default=1
        Upper bound on the number of epochs of this call.
    backend : backend, default=None
        Where to train (None: where the network is). The network and the
        optimizer state are moved there for the run and back afterwards,
        whatever happens.
    **options
        ``batch_size``, ``shuffle``, ``alpha``, ``full_batch``: see
        :class:`Trainer`.

    Returns
    -------
    trainer : Trainer
        The finished run: ``epoch`` (epochs of this call), ``stop``,
        ``diverged``, ``interrupted``, ``restored_epoch``; its ``state`` is
        ``state``, updated.
    """
    validation = data.validation
    state.begin(validation is not None, getattr(validation, "key", None))
    home = net.ops
    ops = home if backend is None else backend
    try:
        net.to(ops)
        state.to(ops)
        trainer = Trainer(net, loss, state, rng, callbacks=callbacks, **options)
        return trainer.run(data, max_epochs)
    finally:
        net.to(home)
        state.to(home)


class Trainer:
    """Mini-batch training of a network with a loss, continuing a state.

    Parameters
    ----------
    net : Sequential
        The network, already initialized.
    loss : Loss
        The loss with its output link.
    state : TrainState
        Optimizer, history and best epoch, updated in place.
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
    full_batch : int, default=None
        Rows of a full batch, for the running statistics of normalization
        layers (a shorter batch moves them by its share); None means
        ``batch_size`` clipped to the number of samples.
    min_batch : int, default=1
        A trailing batch of fewer rows joins the batch before it (2 for a
        network with batch normalization, which maps a one-row batch to a
        constant and gives the layers before it no gradient).

    Attributes
    ----------
    epoch : int
        Epochs completed in the current :meth:`run`.
    max_epochs : int
        The bound on epochs of the current run.
    n_batches : int
        Batches per epoch of the current run.
    stop : bool
        Set (by callbacks or the loop) to end training after this epoch.
    diverged : bool
        True if the loss became non-finite in the last run.
    interrupted : bool
        True if the last run was ended by KeyboardInterrupt.
    restored_epoch : int or None
        The epoch whose parameters the network holds after a restore
        (divergence, or a policy returning to the best epoch).
    """

    def __init__(
        self,
        net,
        loss,
        state,
        rng,
        *,
        batch_size=200,
        shuffle=True,
        alpha=0.0,
        callbacks=(),
        full_batch=None,
        min_batch=1,
    ):
        self.net = net
        self.ops = net.ops
        self.loss = copy.copy(loss)
        self.loss.ops = net.ops
        self.state = state
        self.rng = rng
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.alpha = float(alpha)
        self.callbacks = list(callbacks)
        self.full_batch = full_batch
        self.min_batch = int(min_batch)
        # only callbacks with a batch hook are called after every batch
        self._batch_callbacks = [
            c for c in self.callbacks if callable(getattr(c, "on_batch_end", None))
        ]

    @property
    def optimizer(self):
        """The state's optimizer."""
        return self.state.optimizer

    def run(self, data, max_epochs=1):
        """Train on ``data`` (a :class:`TrainingData`) for at most
        ``max_epochs`` epochs; return self."""
        self.epoch, self.stop, self.max_epochs = 0, False, max_epochs
        self.n_batches = len(self.batch_bounds(data.X.shape[0]))
        self.diverged = self.interrupted = False
        self.restored_epoch = None
        # the parameters to fall back on when no best epoch is known yet
        self._start = self.net.get_state() if self.state.best_epoch is None else None
        self._updating = False
        self.net.set_rng(self.rng)
        self.net.set_batch_rows(
            self.full_batch or min(self.batch_size, data.X.shape[0])
        )
        self._notify("on_train_begin")
        data = self._on_backend(data)
        self._program = compiled_epoch(self, data, max_epochs)
        try:
            # overflow on the way to divergence is detected and reported
            with self.ops.errstate(), _DeferredInterrupt(self):
                while self.epoch < max_epochs and not self.stop:
                    self._run_epoch(data)
        except KeyboardInterrupt:
            self.interrupted = self.stop = True
            if self._updating:  # parameters half-updated
                self.restore_best()
        self.net.set_rng(None)
        self._notify("on_train_end")
        self.net.clear_caches()
        self._start = None
        return self

    def _on_backend(self, data):
        """``data`` with its arrays on the network's backend (moved once per
        run), plus the host's sample weights for per-batch bookkeeping."""
        ops = self.ops
        self._host_weight = data.sample_weight
        validation = data.validation
        if validation is not None:
            validation = Validation(
                ops.asarray(validation.X),
                ops.asarray(validation.y),
                _optional(ops, validation.sample_weight),
                validation.score,
                validation.key,
            )
        return TrainingData(
            ops.asarray(data.X),
            ops.asarray(data.y),
            _optional(ops, data.sample_weight),
            validation,
        )

    def _run_epoch(self, data):
        state = self.state
        if state.best_epoch == state.epoch and state.best_params is None:
            # the last epoch was the best: keep it before the parameters change
            state.best_params = self.net.get_state()
        started = time.perf_counter()
        learning_rate = self.optimizer.learning_rate
        train_loss = self._run_batches(data.X, data.y, data.sample_weight)
        if train_loss is None:
            return
        self.epoch += 1
        state.n_samples_seen += data.X.shape[0]
        valid_loss, valid_score = self._validate(data.validation)
        state.record(
            train_loss=train_loss,
            valid_loss=valid_loss,
            valid_score=valid_score,
            learning_rate=learning_rate,
            seconds=time.perf_counter() - started,
        )
        self._notify("on_epoch_end")

    def batch_bounds(self, n):
        """The ``(start, stop)`` rows of each batch of an epoch of ``n``
        rows: ``batch_size`` rows each, the last one shorter, or longer by
        the rows of a trailing batch under ``min_batch``."""
        size = min(self.batch_size, n)
        bounds = [(start, min(start + size, n)) for start in range(0, n, size)]
        if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < self.min_batch:
            bounds[-2:] = [(bounds[-2][0], n)]
        return bounds

    def _run_batches(self, X, y, sample_weight):
        """One pass over the batches; return the epoch's loss, or None when
        training must stop (divergence, Ctrl-C)."""
        ops, lazy, host_weight = self.ops, self.ops.lazy, self._host_weight
        n = X.shape[0]
        order = self.rng.permutation(n) if self.shuffle else None
        if self._program is not None:
            return self._run_compiled(X, y, sample_weight, order)
        index = None if order is None else ops.index(order)
        total, counted = 0.0, 0
        for start, stop in self.batch_bounds(n):
            rows = host_rows = slice(start, stop)
            if order is not None:
                host_rows, rows = order[rows], index[rows]
            size = stop - start
            sw, weight_sum = None, size
            if sample_weight is not None:
                sw = sample_weight[rows]
                weight_sum = float(host_weight[host_rows].sum())
            batch_loss = self.train_batch(X[rows], y[rows], sw, weight_sum)
            if batch_loss is not None:  # None: all weights zero, no loss
                if not lazy and not math.isfinite(batch_loss):
                    return self._diverge()
                total += batch_loss * size
                counted += size
            for callback in self._batch_callbacks:
                callback.on_batch_end(self)
            if self.interrupted:  # Ctrl-C during this batch: stop after it
                self.stop = True
                return None
        total = ops.item(total)
        if not math.isfinite(total) or not ops.all_finite(self.net.params):
            return self._diverge()
        # scikit-learn's epoch loss: batch losses weighted by their rows
        return total / counted if counted else 0.0

    def _run_compiled(self, X, y, sample_weight, order):
        """:meth:`_run_batches` in compiled code (see
        :mod:`skdeep.train.compiled`); Ctrl-C stops after a few batches."""
        net, optimizer = self.net, self.optimizer
        total, counted, status, t = self._program.run(
            X, y, sample_weight, self._host_weight, order,
            self.batch_bounds(X.shape[0]), net.params, net.grads, net.n_decay,
            self.alpha, optimizer_arguments(optimizer),
            between=lambda: self.interrupted,
        )
        if hasattr(optimizer, "t"):
            optimizer.t = t
        if status == "diverged":
            return self._diverge()
        if status == "stopped":
            self.stop = True
            return None
        if not math.isfinite(total) or not self.ops.all_finite(net.params):
            return self._diverge()
        return total / counted if counted else 0.0

    def _validate(self, validation):
        """Return the validation loss (without the L2 penalty) and score."""
        if validation is None:
            return None, None
        ops = self.ops
        Z = self.net.predict(validation.X)
        if not ops.all_finite(Z):
            return math.nan, math.nan
        value = self.loss.forward(Z, validation.y, validation.sample_weight)
        value = self.loss.reported(value, Z.shape[1])
        return ops.item(value), float(validation.score(ops.to_numpy(Z)))

    def train_batch(self, X, y, sample_weight=None, weight_sum=None):
        """One forward/backward pass and optimizer step on arrays of the
        network's backend.

        Returns the batch's loss: a float on the NumPy backend, a device
        scalar on a lazy backend (where a non-finite loss is not read per
        batch, so the step is taken regardless). None for a batch whose
        weights are all zero: no loss, no step. ``weight_sum`` (the sum of
        ``sample_weight``, or the number of rows) saves reading it from the
        device.
        """
        if weight_sum is None:
            weight_sum = X.shape[0]
            if sample_weight is not None:
                weight_sum = float(self.ops.to_numpy(sample_weight).sum())
        if not weight_sum > 0:
            return None
        net = self.net
        Z = net.forward(X, training=True, sample_weight=sample_weight)
        loss = self.loss.reported(self.loss.forward(Z, y, sample_weight), Z.shape[1])
        net.backward(self.loss.backward())
        coef = self.alpha / weight_sum
        if coef:
            loss += 0.5 * coef * net.l2_penalty()
        if self.ops.lazy or math.isfinite(loss):
            # weight decay is applied in the optimizer's step
            self._updating = True
            self.optimizer.step(net.params, net.grads, coef, net.n_decay)
            self._updating = False
        return loss

    def restore_best(self):
        """Put the best epoch's parameters back (the run's starting ones if
        no epoch is known); set ``restored_epoch``."""
        state = self.state
        if state.best_params is not None:
            self.net.set_state(state.best_params)
            self.restored_epoch = state.best_epoch
        elif state.best_epoch is not None:
            # not yet copied: the parameters are still the best epoch's
            self.restored_epoch = state.best_epoch
        else:
            self.net.set_state(self._start)
            self.restored_epoch = None

    def _diverge(self):
        self.restore_best()
        self.diverged = self.stop = True
        return None

    def _notify(self, event):
        for callback in self.callbacks:
            getattr(callback, event)(self)


def _optional(ops, array):
    """``array`` on the backend ``ops``, or None."""
    return None if array is None else ops.asarray(array)


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
