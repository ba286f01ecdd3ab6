"""TrainState: everything training carries from one epoch to the next.

One object holds the optimizer (its moments and current learning rate), the
number of samples seen, the per-epoch history, the best epoch of the
monitored quantity with its parameters, and the patience counters of the
policies. Warm starts and ``partial_fit`` continue it; the estimators'
public attributes (``loss_curve_``, ``validation_scores_``, ``best_loss_``,
...) are read from it.

It snapshots itself cheaply: :meth:`TrainState.checkpoint` copies the
optimizer's arrays and remembers the length of the history (which only
grows), so that a failed call is rolled back at a cost that does not grow
with the number of epochs trained before it.
"""

import copy
import math
from dataclasses import dataclass
from typing import Any

from ..backend import NUMPY

__all__ = ["TrainState", "Checkpoint", "HISTORY_FIELDS"]

#: tuple of str: the fields of each record of ``TrainState.history``.
HISTORY_FIELDS = (
    "epoch",
    "train_loss",
    "valid_loss",
    "valid_score",
    "learning_rate",
    "seconds",
)


# the scalar fields a checkpoint saves as they are
_SCALARS = (
    "n_samples_seen",
    "best_value",
    "best_epoch",
    "last_improvement",
    "validation_key",
    "monitor",
)


@dataclass
class Checkpoint:
    """What :meth:`TrainState.rollback` needs to return to a moment.

    Attributes
    ----------
    optimizer : Optimizer or None
        The optimizer of that moment (a later run may replace it).
    optimizer_state : dict or None
        A copy of its state (:meth:`skdeep.nn.Optimizer.get_state`).
    n_epochs : int
        The length of the history then.
    scalars : dict
        The scalar fields (samples seen, best epoch and value, ...).
    counters : dict
        A copy of the patience counters.
    best_params : tuple of ndarray or None
        The best epoch's snapshot (never written in place: kept by
        reference).
    """

    optimizer: Any
    optimizer_state: Any
    n_epochs: int
    scalars: dict
    counters: dict
    best_params: Any


class TrainState:
    """The state of a training run, continued across calls.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer, its state already created by ``init``.
    monitor : {"train_loss", "valid_score"}, default="train_loss"
        The history field that defines the best epoch: the lowest training
        loss, or the highest validation score.

    Attributes
    ----------
    n_samples_seen : int
        Training samples processed, all runs together.
    history : list of dict
        One record per completed epoch, with the keys of
        :data:`HISTORY_FIELDS`: ``epoch`` (counted over all runs),
        ``train_loss`` (mean over the epoch's batches, with the L2 penalty),
        ``valid_loss`` and ``valid_score`` (None without validation data),
        ``learning_rate`` (in effect during the epoch) and ``seconds``.
    best_value : float or None
        Best value of the monitored field so far.
    best_epoch : int or None
        Epoch (as in ``history``) that reached it.
    best_params : tuple of ndarray or None
        The network's state (:meth:`skdeep.nn.Sequential.get_state`) at the end of
        ``best_epoch``, once a later epoch has changed the parameters.
    last_improvement : float
        How much the last epoch improved on the previous best (positive is
        better; ``inf`` for the first epoch, NaN for a NaN value).
    counters : dict of str to int
        Patience counters of the policies, by name.
    validation_key : object
        Identifies the validation set the scores were computed on.
    """

    def __init__(self, optimizer, monitor="train_loss"):
        self.optimizer = optimizer
        self.n_samples_seen = 0
        self.history = []
        self.counters = {}
        self.validation_key = None
        self.set_monitor(monitor)

    @property
    def epoch(self):
        """Number of epochs completed over all runs."""
        return len(self.history)

    @property
    def learning_rate(self):
        """The optimizer's current learning rate."""
        return self.optimizer.learning_rate

    def to(self, ops):
        """Move the optimizer's state and the best epoch's snapshot to the
        backend ``ops``; return self."""
        if self.optimizer is None or ops is self.optimizer.ops:
            return self
        if self.best_params is not None:  # where the optimizer's state is
            here = self.optimizer.ops
            self.best_params = tuple(
                ops.asarray(here.to_numpy(array).copy()) for array in self.best_params
            )
        self.optimizer.to(ops)
        return self

    def checkpoint(self):
        """Return a :class:`Checkpoint` of this moment (the optimizer's
        arrays are copied; nothing that grows with training is)."""
        optimizer = self.optimizer
        return Checkpoint(
            optimizer=optimizer,
            optimizer_state=None if optimizer is None else optimizer.get_state(),
            n_epochs=len(self.history),
            scalars={name: getattr(self, name) for name in _SCALARS},
            counters=dict(self.counters),
            best_params=self.best_params,
        )

    def rollback(self, checkpoint):
        """Return to the moment of ``checkpoint`` (taken from this state, on
        the same backend)."""
        del self.history[checkpoint.n_epochs :]
        self.optimizer = checkpoint.optimizer
        if checkpoint.optimizer is not None:
            checkpoint.optimizer.set_state(checkpoint.optimizer_state)
        for name, value in checkpoint.scalars.items():
            setattr(self, name, value)
        self.counters = dict(checkpoint.counters)
        self.best_params = checkpoint.best_params

    def to_host(self):
        """Return a copy on the host: the optimizer's arrays and the best
        snapshot as NumPy copies, the history and counters in new
        containers. A snapshot of a run on a device pickles and continues
        training anywhere."""
        ops = self._ops()
        clone = copy.copy(self)
        clone.history = list(self.history)
        clone.counters = dict(self.counters)
        if self.optimizer is not None:
            clone.optimizer = self.optimizer.to_host()
        if self.best_params is not None:
            clone.best_params = tuple(
                ops.to_numpy(array).copy() for array in self.best_params
            )
        return clone

    def _ops(self):
        """The backend holding the optimizer's state and the snapshot."""
        return NUMPY if self.optimizer is None else self.optimizer.ops

    def __getstate__(self):
        state = self.__dict__.copy()
        if self.best_params is not None:  # host arrays: loadable anywhere
            ops = self._ops()
            state["best_params"] = tuple(ops.to_numpy(a) for a in self.best_params)
        return state

    def column(self, field):
        """Return the history of one field, as a list."""
        return [record[field] for record in self.history]

    def begin(self, validating, validation_key=None):
        """Start a run: watch the validation score when ``validating``, else
        the training loss. Scores on another validation set do not compare
        with the earlier ones: a new ``validation_key`` (which identifies the
        set) forgets the best epoch and the counters."""
        self.set_monitor("valid_score" if validating else "train_loss")
        if validating and validation_key != self.validation_key:
            self.reset_best()
            self.validation_key = validation_key

    def set_monitor(self, monitor):
        """Watch ``monitor`` from now on; forget the best epoch and the
        patience counters if it changes."""
        if monitor not in ("train_loss", "valid_score"):
            raise ValueError(f"unknown monitored field {monitor!r}")
        if getattr(self, "monitor", None) != monitor:
            self.monitor = monitor
            self.reset_best()

    def reset_best(self):
        """Forget the best epoch and the patience counters (for example when
        the validation set changes: scores on other rows do not compare)."""
        self.best_value = self.best_epoch = self.best_params = None
        self.last_improvement = math.inf
        self.counters = {}

    def improvement(self, value):
        """How much ``value`` improves on the best so far (positive is
        better)."""
        if value is None or value != value:  # missing or NaN: no improvement
            return math.nan
        if self.best_value is None:
            return math.inf
        if self.monitor == "valid_score":
            return value - self.best_value
        return self.best_value - value

    def record(self, **fields):
        """Append one epoch's record and update the best epoch.

        Returns True when this epoch is the new best.
        """
        fields["epoch"] = self.epoch + 1
        self.history.append({name: fields.get(name) for name in HISTORY_FIELDS})
        value = fields[self.monitor]
        self.last_improvement = self.improvement(value)
        if self.last_improvement > 0:
            self.best_value, self.best_epoch = value, fields["epoch"]
            self.best_params = None  # taken when the parameters next change
            return True
        return False
