"""Schedules over training: the learning rate, the dropout rate and the
weight decay as functions of the fraction of the training budget done.

These are the training-side schedules of the tabular MLP recipe of RealMLP
(Holzmüller et al., 2024): a learning rate following ``"coslog4"`` (or a
plain cosine decay with warmup), and dropout and weight decay following
``"flat_cos"``. Each is a :class:`~skdeep.train.Callback` passed to
:func:`~skdeep.train.train` in its ``callbacks`` list.

Granularity: per batch. The value in effect during a batch is that of the
fraction ``t = j / T`` of the budget done before it, ``j`` the batches done
so far and ``T = epochs * n_batches`` the budget (``epochs`` the run's
``max_epochs`` unless given). The first batch uses ``t = 0``; the last of
the budget uses ``(T - 1) / T``; early stopping ends a run before ``t``
reaches 1. The value is set in ``on_train_begin`` and after every batch
(``on_batch_end``), so nothing changes in the loop itself. The history's
``learning_rate`` is the rate of each epoch's first batch.

The shapes (``kind``), each a function of ``t`` in [0, 1]:

==============  ==========================================================
``"constant"``  1
``"linear"``    ``1 - t``
``"cos"``       ``(1 + cos(pi t)) / 2``: from 1 down to 0
``"flat_cos"``  1 for ``t <= 1/2``, then ``(1 + cos(pi (2t - 1))) / 2``:
                flat for the first half, a cosine down to 0 in the second
                (RealMLP's ``flat_cos``)
``"coslogK"``   ``(1 - cos(2 pi log2(1 + (2^K - 1) t))) / 2`` for an
                integer K >= 1: K cosine cycles (0 -> 1 -> 0) evenly
                spaced in ``log2(1 + (2^K - 1) t)``, so each cycle is about
                twice as long as the one before; 0 at both ends
                (RealMLP's ``coslog4``, K = 4)
callable        ``kind(t)``
==============  ==========================================================
"""

import math

from ..nn.layers.dropout import Dropout
from .callbacks import Callback

__all__ = [
    "SCHEDULE_KINDS",
    "schedule_factor",
    "ParameterSchedule",
    "CosineLearningRate",
    "DropoutSchedule",
    "WeightDecaySchedule",
]

#: tuple of str: the named shapes (plus ``"coslogK"`` for any integer K).
SCHEDULE_KINDS = ("constant", "linear", "cos", "flat_cos", "coslog4")


def _coslog(n_cycles, t):
    cycles = math.log2(1.0 + (2**n_cycles - 1) * t)
    return 0.5 * (1.0 - math.cos(2.0 * math.pi * cycles))


def _cycles(kind):
    """K of ``"coslogK"``, or None."""
    if isinstance(kind, str) and kind.startswith("coslog"):
        digits = kind[len("coslog"):]
        if digits.isdigit() and int(digits) >= 1:
            return int(digits)
    return None


def _unknown(kind):
    return ValueError(
        f"unknown schedule kind {kind!r}: expected one of {SCHEDULE_KINDS}, "
        "'coslogK' with an integer K >= 1, or a callable"
    )


def _check_kind(kind):
    if callable(kind) or kind in SCHEDULE_KINDS or _cycles(kind) is not None:
        return kind
    raise _unknown(kind)


def schedule_factor(kind, t):
    """The shape ``kind`` at the fraction ``t`` of training done.

    Parameters
    ----------
    kind : str or callable
        ``"constant"``, ``"linear"``, ``"cos"``, ``"flat_cos"``,
        ``"coslogK"`` (K an integer >= 1) or a function of ``t``; see the
        module's documentation.
    t : float
        Fraction of the budget done, clipped to [0, 1].

    Returns
    -------
    factor : float
        The multiplier of the base value (in [0, 1] for the named shapes).

    Examples
    --------
    >>> [schedule_factor("cos", t) for t in (0.0, 0.5, 1.0)]
    [1.0, 0.5, 0.0]
    >>> [schedule_factor("flat_cos", t) for t in (0.0, 0.5, 0.75, 1.0)]
    [1.0, 1.0, 0.5, 0.0]
    >>> round(schedule_factor("coslog4", (2**0.5 - 1) / 15), 12)  # first peak
    1.0
    """
    t = min(max(float(t), 0.0), 1.0)
    if callable(kind):
        return float(kind(t))
    if kind == "constant":
        return 1.0
    if kind == "linear":
        return 1.0 - t
    if kind == "cos":
        return _half_cos(t)
    if kind == "flat_cos":
        return 1.0 if t <= 0.5 else _half_cos(2.0 * t - 1.0)
    n_cycles = _cycles(kind)
    if n_cycles is not None:
        return _coslog(n_cycles, t)
    raise _unknown(kind)


def _half_cos(t):
    """``(1 + cos(pi t)) / 2``, exactly 0 at ``t = 1``."""
    return 0.0 if t >= 1.0 else 0.5 * (1.0 + math.cos(math.pi * t))


class ParameterSchedule(Callback):
    """Base class: set a training hyperparameter before every batch from the
    fraction ``t`` of the training budget done.

    Subclasses say what they set (``_get``, ``_set``) and how a base value
    is scaled by the factor (``_scale``); ``factor(t)`` is the shape.

    Parameters
    ----------
    base : float or None
        The value at factor 1; None: the value found at the start of each
        run.
    kind : str or callable
        The shape; see :func:`schedule_factor`.
    epochs : int or None, default=None
        The budget in epochs. None: the run's ``max_epochs``, counted from
        the run's start. An int: counted over all the epochs of the
        training state (``state.epoch``, all runs), so that runs of one
        epoch each (``partial_fit``) follow one schedule; past it ``t``
        stays 1.
    restore : bool, default=True
        At the end of each run, put back the value found at its start (so
        that the next run with ``base=None`` starts from it again).

    Attributes
    ----------
    t : float
        The fraction of the budget of the value set last.
    value : object
        The value set last.
    """

    def __init__(self, base=None, kind="cos", *, epochs=None, restore=True):
        self.base = base
        self.kind = _check_kind(kind)
        self.epochs = epochs
        self.restore = restore

    def factor(self, t):
        """The shape at ``t``: :func:`schedule_factor` of ``kind``."""
        return schedule_factor(self.kind, t)

    def on_train_begin(self, trainer):
        self._saved = self._get(trainer)
        self._base = self._saved if self.base is None else self.base
        n_batches = trainer.n_batches
        if self.epochs is None:
            self._step, self._total = 0, trainer.max_epochs * n_batches
        else:
            self._step = trainer.state.epoch * n_batches
            self._total = self.epochs * n_batches
        self._apply(trainer)

    def on_batch_end(self, trainer):
        self._step += 1
        self._apply(trainer)

    def on_train_end(self, trainer):
        if self.restore:
            self._set(trainer, self._saved)

    def _apply(self, trainer):
        self.t = min(self._step / self._total, 1.0) if self._total > 0 else 1.0
        self.value = self._scale(self._base, self.factor(self.t))
        self._set(trainer, self.value)

    def _scale(self, base, factor):
        return base * factor

    def _get(self, trainer):
        raise NotImplementedError

    def _set(self, trainer, value):
        raise NotImplementedError


class CosineLearningRate(ParameterSchedule):
    """Learning rate: optional linear warmup, then a cosine decay (or
    another shape) from ``base`` to ``final_fraction * base``.

    The rate at the fraction ``t`` of the budget done is

    - ``base * t / warmup`` for ``t < warmup`` (from 0 up to ``base``),
    - ``base * (final_fraction + (1 - final_fraction) * f(u))`` after, with
      ``u = (t - warmup) / (1 - warmup)`` and ``f`` the shape ``kind``
      (:func:`schedule_factor`; ``"cos"``: ``(1 + cos(pi u)) / 2``).

    With ``kind="coslog4"`` (and no warmup: the shape starts at 0) this is
    RealMLP's learning-rate schedule. Sets
    ``trainer.optimizer.learning_rate`` before every batch.

    Parameters
    ----------
    base : float or None, default=None
        Peak rate; None: the optimizer's learning rate at the start of the
        run.
    warmup : float, default=0.0
        Fraction of the budget, in [0, 1), of the linear warmup.
    final_fraction : float, default=0.0
        The rate at the end relative to ``base`` (the floor of the shape).
    kind : str or callable, default="cos"
        The shape after the warmup.
    epochs : int or None, default=None
        The budget in epochs; see :class:`ParameterSchedule`.
    restore : bool, default=True
        Put the optimizer's rate found at the start back at the end.

    Examples
    --------
    >>> schedule = CosineLearningRate(0.1, warmup=0.2)
    >>> [round(0.1 * schedule.factor(t), 6) for t in (0.0, 0.1, 0.2, 0.6, 1.0)]
    [0.0, 0.05, 0.1, 0.05, 0.0]
    """

    def __init__(
        self, base=None, warmup=0.0, final_fraction=0.0, kind="cos", *,
        epochs=None, restore=True,
    ):
        super().__init__(base, kind, epochs=epochs, restore=restore)
        if not 0.0 <= warmup < 1.0:
            raise ValueError(f"warmup must be in [0, 1), got {warmup!r}")
        self.warmup = float(warmup)
        self.final_fraction = float(final_fraction)

    def factor(self, t):
        """The rate at ``t`` relative to ``base``."""
        t = min(max(float(t), 0.0), 1.0)
        if t < self.warmup:
            return t / self.warmup
        u = (t - self.warmup) / (1.0 - self.warmup)
        final = self.final_fraction
        return final + (1.0 - final) * schedule_factor(self.kind, u)

    def _get(self, trainer):
        return trainer.optimizer.learning_rate

    def _set(self, trainer, value):
        trainer.optimizer.learning_rate = float(value)


class DropoutSchedule(ParameterSchedule):
    """Dropout rate of every :class:`~skdeep.nn.Dropout` layer of the
    network: ``base * f(t)``, ``f`` the shape ``kind``.

    The default, RealMLP's ``"flat_cos"``, keeps the rate for the first half
    of the budget and takes it down to 0 along a half cosine in the second.
    Sets the drop probability ``p`` of the network's layers (those in
    ``net.layers``, not inside container layers) before every batch (a layer
    draws its mask with the ``p`` it has at its forward pass); a network
    without dropout layers is left alone.

    Parameters
    ----------
    base : float or None, default=None
        The drop probability at factor 1, in [0, 1), for every dropout
        layer; None: each layer's own ``p`` at the start of the run.
    kind : str or callable, default="flat_cos"
        The shape; see :func:`schedule_factor`.
    epochs : int or None, default=None
        The budget in epochs; see :class:`ParameterSchedule`.
    restore : bool, default=True
        Put each layer's ``p`` found at the start back at the end.

    Attributes
    ----------
    value : tuple of float
        The rates set last, one per dropout layer in network order.
    """

    def __init__(self, base=None, kind="flat_cos", *, epochs=None, restore=True):
        if base is not None and not 0.0 <= base < 1.0:
            raise ValueError(f"a dropout rate must be in [0, 1), got {base!r}")
        super().__init__(base, kind, epochs=epochs, restore=restore)

    def on_train_begin(self, trainer):
        self._layers = [
            layer for layer in trainer.net.layers if isinstance(layer, Dropout)
        ]
        super().on_train_begin(trainer)

    def on_train_end(self, trainer):
        super().on_train_end(trainer)
        self._layers = None

    def _scale(self, base, factor):
        if isinstance(base, tuple):
            return tuple(p * factor for p in base)
        return (base * factor,) * len(self._layers)

    def _get(self, trainer):
        return tuple(layer.p for layer in self._layers)

    def _set(self, trainer, value):
        for layer, p in zip(self._layers, value):
            layer.p = float(p)


class WeightDecaySchedule(ParameterSchedule):
    """L2 coefficient ``alpha`` of the trainer: ``base * f(t)``, ``f`` the
    shape ``kind``.

    The coefficient is the trainer's ``alpha`` (scikit-learn's scaling:
    each batch adds ``alpha / 2 * ||W||^2 / sum(w_batch)`` to its loss, and
    the optimizer's step adds ``alpha / sum(w_batch) * W`` to the gradient
    of the decayed parameters). The default, RealMLP's ``"flat_cos"``,
    keeps it for the first half of the budget and takes it down to 0 along
    a half cosine in the second. Sets ``trainer.alpha`` before every batch.

    Parameters
    ----------
    base : float or None, default=None
        The coefficient at factor 1; None: the trainer's ``alpha`` (the
        ``alpha`` passed to :func:`~skdeep.train.train`).
    kind : str or callable, default="flat_cos"
        The shape; see :func:`schedule_factor`.
    epochs : int or None, default=None
        The budget in epochs; see :class:`ParameterSchedule`.
    restore : bool, default=True
        Put the trainer's ``alpha`` found at the start back at the end.
    """

    def __init__(self, base=None, kind="flat_cos", *, epochs=None, restore=True):
        if base is not None and not base >= 0.0:
            raise ValueError(f"a weight decay must be >= 0, got {base!r}")
        super().__init__(base, kind, epochs=epochs, restore=restore)

    def _get(self, trainer):
        return trainer.alpha

    def _set(self, trainer, value):
        trainer.alpha = float(value)
