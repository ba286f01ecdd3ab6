"""scikit-learn's callbacks (``sklearn.callback``) for skdeep's estimators.

scikit-learn 1.9 added an experimental callback API: ``est.set_callbacks(
ProgressBar(), ScoringMonitor(scoring=...))``. An estimator supports it by
inheriting :class:`sklearn.callback.CallbackSupportMixin`, by tearing the
callbacks down after ``fit`` (:func:`sklearn.callback.with_callbacks`) and by
reporting its work as a tree of tasks: a root task per ``fit`` call, here with
one subtask per epoch. Inside a meta-estimator that supports callbacks
(``GridSearchCV``, ``Pipeline``, ...) the root task of the fit is merged with
the meta-estimator's task that fits it, so that the epochs appear under the
search's tasks.

This module is the seam between that API and skdeep's training loop:

- :data:`CALLBACK_MIXIN`: the mixin, or an empty stand-in;
- :func:`fit_with_callbacks`: the decorator of ``fit``/``partial_fit``;
- :func:`epoch_callback`: a :class:`skdeep.train.Callback` reporting the
  epochs of one training run as tasks;
- :func:`fit_task`: the root task alone, for a solver without epochs
  (L-BFGS).

With a scikit-learn without ``sklearn.callback`` (1.7, 1.8) nothing of it is
imported: the mixin is empty, the decorator returns the method unchanged and
:func:`epoch_callback` returns None.
"""

import contextlib
import copy

from ..train import Callback

try:
    from sklearn.callback import CallbackSupportMixin as _CallbackSupportMixin
    from sklearn.callback import with_callbacks as _with_callbacks
except ImportError:  # scikit-learn < 1.9
    _CallbackSupportMixin = _with_callbacks = None

__all__ = [
    "CALLBACK_ATTRIBUTES",
    "CALLBACK_MIXIN",
    "SKLEARN_CALLBACKS",
    "epoch_callback",
    "fit_task",
    "fit_with_callbacks",
]

#: Whether the installed scikit-learn has the callback API.
SKLEARN_CALLBACKS = _CallbackSupportMixin is not None

#: Attributes that scikit-learn's callback machinery sets on an estimator:
#: the callbacks (``set_callbacks``, or propagated by a meta-estimator), the
#: meta-estimator's task this fit belongs to, and the context of a running fit.
#: They are references to shared objects, not fitted state: a rollback of a
#: failed fit must keep them as they are, not deep-copy them.
CALLBACK_ATTRIBUTES = frozenset(
    {
        "_skl_callbacks",
        "_parent_callback_ctx",
        "_callback_fit_ctx",
        "_skl_callbacks_to_teardown",
    }
)


class _NoCallbackSupport:
    """Stand-in for :class:`sklearn.callback.CallbackSupportMixin` where
    scikit-learn has no callback API: it adds nothing.

    A class, not ``object`` itself, so that it may stand before
    ``BaseEstimator`` among the bases (``object`` there makes the method
    resolution order inconsistent).
    """

    __slots__ = ()


#: Base class giving ``set_callbacks``: :class:`sklearn.callback.CallbackSupportMixin`
#: when scikit-learn has it, else an empty class. List it before
#: ``BaseEstimator`` among the bases, as scikit-learn's estimators do.
CALLBACK_MIXIN = _CallbackSupportMixin if SKLEARN_CALLBACKS else _NoCallbackSupport


def fit_with_callbacks(method):
    """Decorate ``fit``/``partial_fit`` to tear the callbacks down after it.

    The callbacks set up during the call (by :func:`epoch_callback` or
    :func:`fit_task`) are torn down when the method returns or raises. It
    must be the innermost decorator, under ``atomic_fit``: a failed call
    rolls ``__dict__`` back to its state before the call, which drops the
    fit's callback context, and a teardown outside it would then find
    nothing to tear down (a ``ProgressBar`` would keep its display thread
    waiting forever). scikit-learn 1.9's ``_fit_context`` also tears down, but
    from outside ``atomic_fit``: after this decorator it finds nothing left
    to do.

    Parameters
    ----------
    method : callable
        The ``fit`` or ``partial_fit`` method.

    Returns
    -------
    method : callable
        ``sklearn.callback.with_callbacks(method)``, or ``method`` itself
        where scikit-learn has no callback API.
    """
    if _with_callbacks is None:
        return method
    return _with_callbacks(method)


def _wants_tasks(estimator):
    """Whether a fit of ``estimator`` reports tasks: it has callbacks, or a
    meta-estimator supporting callbacks fits it (its task tree is then linked
    to the meta-estimator's, as scikit-learn's estimators always do)."""
    if not SKLEARN_CALLBACKS or not hasattr(estimator, "_init_callback_context"):
        return False
    return bool(getattr(estimator, "_skl_callbacks", None)) or hasattr(
        estimator, "_parent_callback_ctx"
    )


def epoch_callback(
    estimator, max_epochs, *, X=None, y=None, sample_weight=None, task_name="fit"
):
    """The skdeep callback reporting a training run's epochs to scikit-learn's
    callbacks, or None when there is nothing to report to.

    The run is the root task of the fit (``max_subtasks=max_epochs``), each
    epoch one of its subtasks, named ``"epoch N"`` with ``N`` the epoch's
    number in ``history_``. The hooks of scikit-learn's callbacks receive
    ``X``, ``y``, the sample weights as ``metadata`` and, for those that ask
    for it, ``fitted_estimator``: a copy of the estimator with the weights and
    training history of that moment (the network is copied; the optimizer is
    shared, so the copy is for predicting and scoring, not for training). A
    callback whose ``on_fit_task_end`` returns True at an epoch stops
    training after it, as early stopping does (no ``ConvergenceWarning``).

    It must come last in the trainer's callbacks: it opens the next epoch's
    task when an epoch ends and training goes on, which only the last
    callback knows for sure. An epoch whose task was opened but that did not
    complete (divergence, Ctrl-C, a later callback stopping) is closed at the
    end of training without a ``fitted_estimator``.

    Parameters
    ----------
    estimator : BaseMLP
        The estimator being fitted.
    max_epochs : int
        The bound on the epochs of this run (``max_iter``; 1 for
        ``partial_fit``).
    X : {array-like, sparse matrix} of shape (n_samples, n_features), \
default=None
        The data the fit was given, passed to the hooks (``ScoringMonitor``
        scores the ``fitted_estimator`` on it).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs), \
default=None
        The targets, as the estimator's ``score`` takes them (class labels,
        not their binarized form).
    sample_weight : array-like of shape (n_samples,), default=None
        Passed to the hooks as ``metadata={"sample_weight": sample_weight}``.
    task_name : str, default="fit"
        The name of the root task (``"partial_fit"`` for that method).

    Returns
    -------
    callback : Callback or None
        None when scikit-learn has no callback API, or the estimator has no
        scikit-learn callbacks and no meta-estimator supporting them fits it.
    """
    if not _wants_tasks(estimator):
        return None
    return _EpochTasks(
        estimator,
        max_epochs,
        X=X,
        y=y,
        metadata=_metadata(sample_weight),
        task_name=task_name,
    )


@contextlib.contextmanager
def fit_task(estimator, *, X=None, y=None, sample_weight=None, task_name="fit"):
    """Report a fit without epochs (L-BFGS) as a single task.

    On entry the fit's root task begins, with no subtasks; on a normal exit
    it ends, ``fitted_estimator`` being the estimator as fitted (with a copy
    of its network). An exception skips the end (the teardown of
    :func:`fit_with_callbacks` still runs). Does nothing where
    :func:`epoch_callback` would return None.

    Parameters
    ----------
    estimator : BaseMLP
        The estimator being fitted.
    X, y, sample_weight : as in :func:`epoch_callback`
        Passed to the hooks.
    task_name : str, default="fit"
        The name of the task.

    Yields
    ------
    None
    """
    if not _wants_tasks(estimator):
        yield
        return
    metadata = _metadata(sample_weight)
    ctx = estimator._init_callback_context(task_name=task_name, max_subtasks=0)
    ctx.call_on_fit_task_begin(
        estimator=estimator,
        X=X,
        y=y,
        metadata=metadata,
        reconstruction_attributes=lambda: _network_copy(estimator),
    )
    yield
    ctx.call_on_fit_task_end(
        estimator=estimator,
        X=X,
        y=y,
        metadata=metadata,
        reconstruction_attributes=lambda: _network_copy(estimator),
    )


def _metadata(sample_weight):
    return None if sample_weight is None else {"sample_weight": sample_weight}


def _network_copy(estimator):
    network = estimator.__dict__.get("_network")
    return {} if network is None else {"_network": copy.deepcopy(network)}


class _EpochTasks(Callback):
    """Report the epochs of a training run as scikit-learn tasks (see
    :func:`epoch_callback`). Holds the estimator and the data only during the
    run; nothing of it is stored on the estimator."""

    def __init__(self, estimator, max_epochs, *, X, y, metadata, task_name):
        self.estimator = estimator
        self.max_epochs = int(max_epochs)
        self.task_name = task_name
        self._data = {"X": X, "y": y, "metadata": metadata}
        self._root = self._epoch = None
        self._opened = 0

    def on_train_begin(self, trainer):
        estimator = self.estimator
        self._root = estimator._init_callback_context(
            task_name=self.task_name, max_subtasks=self.max_epochs
        )
        self._root.call_on_fit_task_begin(
            estimator=estimator,
            reconstruction_attributes=self._fitted(trainer),
            **self._data,
        )
        self._open_epoch(trainer)

    def on_epoch_end(self, trainer):
        if self._epoch is None:  # not opened: more epochs than announced
            return
        stop = self._epoch.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self._fitted(trainer),
            **self._data,
        )
        self._epoch = None
        if stop:
            trainer.stop = True
        self._open_epoch(trainer)

    def on_train_end(self, trainer):
        if self._root is None:
            return
        if self._epoch is not None:  # opened, never completed
            self._epoch.call_on_fit_task_end(estimator=self.estimator, **self._data)
            self._epoch = None
        self._root.call_on_fit_task_end(
            estimator=self.estimator,
            reconstruction_attributes=self._fitted(trainer),
            **self._data,
        )
        # the run is over: keep no reference to the estimator, data or tree
        self.estimator = self._root = self._data = None

    def _open_epoch(self, trainer):
        """Begin the next epoch's task, if the loop will run one."""
        max_epochs = min(
            self.max_epochs, getattr(trainer, "max_epochs", self.max_epochs)
        )
        if trainer.stop or trainer.epoch >= max_epochs or self._opened >= max_epochs:
            return
        self._opened += 1
        self._epoch = self._root.subcontext(
            task_name="epoch %d" % (trainer.state.epoch + 1)
        )
        self._epoch.call_on_fit_task_begin(
            estimator=self.estimator,
            reconstruction_attributes=self._fitted(trainer),
            **self._data,
        )

    def _fitted(self, trainer):
        """A function returning the attributes that make a copy of the
        estimator the model of this moment; called only by the callbacks
        that ask for a ``fitted_estimator``."""
        # the values of this moment, not of when the function is called
        epoch = trainer.epoch

        def attributes():
            state = trainer.state
            # the network's pickled state (on the host: no gradients, caches
            # or Generator) and the training state's host copy, so that the
            # snapshot pickles, predicts and continues training anywhere
            attrs = {
                "_network": copy.deepcopy(trainer.net),
                "_train_state": state.to_host(),
                "n_iter_": epoch,
                "t_": state.n_samples_seen,
            }
            if state.history:
                attrs["loss_"] = state.history[-1]["train_loss"]
            return attrs

        return attributes
