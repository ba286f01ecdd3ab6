"""Plot the training history of a fitted skdeep estimator.

:class:`TrainingHistoryDisplay` follows scikit-learn's Display API: the
constructor stores the data, :meth:`~TrainingHistoryDisplay.plot` draws it and
:meth:`~TrainingHistoryDisplay.from_estimator` does both for a fitted
estimator. matplotlib is imported only when plotting, so importing this module
(and skdeep) does not import it.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["TrainingHistoryDisplay"]

_MISSING_MATPLOTLIB = (
    "TrainingHistoryDisplay needs matplotlib: pip install 'scikit-deep[plot]'"
)
_REQUIRED_KEYS = ("epoch", "train_loss", "learning_rate")


def _import_pyplot():
    """Import and return ``matplotlib.pyplot``, with a clear error when
    matplotlib is not installed."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(_MISSING_MATPLOTLIB) from exc
    return plt


def _column(history, key):
    """One field of every record as a float array, NaN where it is None."""
    return np.array(
        [np.nan if record.get(key) is None else record[key] for record in history],
        dtype=float,
    )


def _style(defaults, user_kw):
    """Merge user keyword arguments for ``Axes.plot`` over the defaults,
    resolving aliases (``c``, ``ls``, ``lw``, ...) so that the user wins."""
    from matplotlib.cbook import normalize_kwargs
    from matplotlib.lines import Line2D

    return {**defaults, **normalize_kwargs(user_kw or {}, Line2D)}


class TrainingHistoryDisplay:
    """Training history visualization: losses, validation score and learning
    rate per epoch.

    It is recommended to use
    :meth:`~skdeep.TrainingHistoryDisplay.from_estimator` to create a
    :class:`TrainingHistoryDisplay`. All parameters are stored as attributes.

    The figure has three panels sharing the epoch axis: the training (and
    validation) loss, the validation score, and the learning rate (log scale)
    with a marker at every epoch where it dropped. The epoch whose parameters
    early stopping restores (the highest validation score, the first one on
    ties) is marked with a vertical dashed line on every panel.

    Parameters
    ----------
    history : list of dict
        One record per epoch, as the ``history_`` attribute of an estimator
        fitted with a stochastic solver: ``epoch``, ``train_loss``,
        ``valid_loss`` and ``valid_score`` (None for epochs without a
        validation set), ``learning_rate`` and ``seconds``. The records are
        copied.

    estimator_name : str, default=None
        Name of the estimator, used as the figure title. If None, the title
        is "Training history".

    Attributes
    ----------
    epochs : ndarray of shape (n_epochs,)
        Epoch numbers, counted over all ``fit``/``partial_fit`` calls.

    train_loss : ndarray of shape (n_epochs,)
        Training loss of every epoch.

    valid_loss : ndarray of shape (n_epochs,)
        Validation loss of every epoch, NaN for epochs without validation.

    valid_score : ndarray of shape (n_epochs,)
        Validation score of every epoch, NaN for epochs without validation.

    learning_rate : ndarray of shape (n_epochs,)
        Learning rate in effect during every epoch.

    best_epoch : int or None
        Epoch with the highest validation score (the first one on ties): the
        one early stopping restores. None when no epoch was validated.

    rate_drops : ndarray of shape (n_drops,)
        Epochs whose learning rate is lower than the previous epoch's.

    ax_ : ndarray of matplotlib Axes of shape (3,)
        The loss, validation score and learning rate axes, top to bottom.

    figure_ : matplotlib Figure
        Figure containing the panels.

    lines_ : dict of str to matplotlib Line2D
        The curves drawn, among ``'train_loss'``, ``'valid_loss'``,
        ``'valid_score'`` and ``'learning_rate'``.

    best_epoch_lines_ : list of matplotlib Line2D
        The vertical lines marking ``best_epoch``, one per panel (empty when
        there is no best epoch or ``mark_best=False``).

    rate_drop_markers_ : matplotlib Line2D or None
        The markers at the learning-rate drops, None when there are none.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Learning curve
        visualization.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skdeep import MLPClassifier, TrainingHistoryDisplay
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = MLPClassifier(early_stopping=True, random_state=0).fit(X, y)
    >>> display = TrainingHistoryDisplay(history=clf.history_)
    >>> int(display.epochs[-1]) == clf.n_iter_
    True
    >>> display = TrainingHistoryDisplay.from_estimator(clf)  # doctest: +SKIP
    >>> display.figure_.savefig("history.png")  # doctest: +SKIP
    """

    def __init__(self, *, history, estimator_name=None):
        history = [dict(record) for record in history]
        for record in history:
            missing = [key for key in _REQUIRED_KEYS if key not in record]
            if missing:
                raise ValueError(
                    f"Every history record needs the keys {list(_REQUIRED_KEYS)}; "
                    f"record {record!r} lacks {missing}."
                )
        self.history = history
        self.estimator_name = estimator_name

        self.epochs = np.array([record["epoch"] for record in history], dtype=int)
        self.train_loss = _column(history, "train_loss")
        self.valid_loss = _column(history, "valid_loss")
        self.valid_score = _column(history, "valid_score")
        self.learning_rate = _column(history, "learning_rate")

        validated = ~np.isnan(self.valid_score)
        if validated.any():
            scores = np.where(validated, self.valid_score, -np.inf)
            self.best_epoch = int(self.epochs[np.argmax(scores)])
        else:
            self.best_epoch = None
        dropped = self.learning_rate[1:] < self.learning_rate[:-1]
        self.rate_drops = self.epochs[1:][dropped]

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **plot_kwargs):
        """Plot the training history of a fitted estimator.

        Parameters
        ----------
        estimator : estimator instance
            A fitted :class:`~skdeep.MLPClassifier` or
            :class:`~skdeep.MLPRegressor` with a stochastic solver (any
            ``solver`` but ``'lbfgs'``), whose ``history_`` is plotted; or a
            fitted Pipeline ending in one, or a fitted search whose
            ``best_estimator_`` is (or ends in) one.

        ax : sequence of 3 matplotlib Axes, default=None
            Axes for the loss, validation score and learning rate panels. If
            None, a new figure with three stacked panels is created.

        **plot_kwargs : dict
            Keyword arguments passed to :meth:`plot` (``loss_kw``,
            ``score_kw``, ``lr_kw``, ``mark_best``).

        Returns
        -------
        display : :class:`~skdeep.TrainingHistoryDisplay`
            Object that stores the computed values and the plot.

        Raises
        ------
        ValueError
            If the estimator has no ``history_`` (it was fitted with the
            ``'lbfgs'`` solver, or is not a skdeep estimator).
        """
        check_is_fitted(estimator)
        estimator = _trained_mlp(estimator)
        name = type(estimator).__name__
        try:
            history = estimator.history_
        except AttributeError:
            solver = getattr(estimator, "solver", None)
            raise ValueError(
                "TrainingHistoryDisplay needs an estimator fitted with a "
                "stochastic solver ('sgd', 'adam', 'adagrad' or 'rmsprop'), "
                f"which records a per-epoch history_; {name} (solver={solver!r}) "
                "has none. The 'lbfgs' solver records no epochs."
            ) from None
        display = cls(history=history, estimator_name=name)
        return display.plot(ax=ax, **plot_kwargs)

    def plot(self, ax=None, *, loss_kw=None, score_kw=None, lr_kw=None, mark_best=True):
        """Plot the history.

        Parameters
        ----------
        ax : sequence of 3 matplotlib Axes, default=None
            Axes for the loss, validation score and learning rate panels, in
            that order. If None, a new figure with three panels stacked
            vertically and sharing the epoch axis is created.

        loss_kw : dict, default=None
            Keyword arguments passed to ``Axes.plot`` for the training and
            the validation loss curves.

        score_kw : dict, default=None
            Keyword arguments passed to ``Axes.plot`` for the validation
            score curve.

        lr_kw : dict, default=None
            Keyword arguments passed to ``Axes.plot`` for the learning rate
            curve.

        mark_best : bool, default=True
            Whether to mark ``best_epoch`` (when there is one) with a
            vertical dashed line on every panel.

        Returns
        -------
        display : :class:`~skdeep.TrainingHistoryDisplay`
            Object that stores the computed values and the plot.
        """
        plt = _import_pyplot()
        from matplotlib.axes import Axes
        from matplotlib.ticker import MaxNLocator

        if ax is None:
            figure, axes = plt.subplots(
                3, 1, sharex=True, figsize=(6.4, 7.2), layout="constrained"
            )
        else:
            axes = np.asarray(ax, dtype=object).ravel()
            if axes.shape != (3,) or not all(isinstance(a, Axes) for a in axes):
                raise ValueError(
                    "ax must be a sequence of 3 matplotlib Axes (loss, validation "
                    f"score, learning rate); got {ax!r}."
                )
            figure = axes[0].figure
        loss_ax, score_ax, lr_ax = axes
        lines = {}
        epochs = self.epochs
        validated = ~np.isnan(self.valid_loss)
        scored = ~np.isnan(self.valid_score)

        (lines["train_loss"],) = loss_ax.plot(
            epochs, self.train_loss, **_style({"label": "training loss"}, loss_kw)
        )
        if validated.any():
            (lines["valid_loss"],) = loss_ax.plot(
                epochs[validated],
                self.valid_loss[validated],
                **_style({"label": "validation loss"}, loss_kw),
            )
        loss_ax.set_ylabel("loss")
        loss_ax.set_title(self.estimator_name or "Training history")

        if scored.any():
            (lines["valid_score"],) = score_ax.plot(
                epochs[scored],
                self.valid_score[scored],
                **_style({"label": "validation score", "color": "C2"}, score_kw),
            )
            score_ax.set_ylabel("validation score")
        else:
            score_ax.text(
                0.5,
                0.5,
                "no validation score recorded\n(fit with early_stopping=True)",
                transform=score_ax.transAxes,
                ha="center",
                va="center",
                color="0.35",
            )
            score_ax.set_yticks([])
            score_ax.set_ylabel("validation score")

        (lines["learning_rate"],) = lr_ax.plot(
            epochs,
            self.learning_rate,
            **_style(
                {"label": "learning rate", "color": "C3", "drawstyle": "steps-post"},
                lr_kw,
            ),
        )
        self.rate_drop_markers_ = None
        if self.rate_drops.size:
            drops = np.isin(epochs, self.rate_drops)
            (self.rate_drop_markers_,) = lr_ax.plot(
                epochs[drops],
                self.learning_rate[drops],
                linestyle="none",
                marker="v",
                markersize=7,
                color="k",
                label="rate drop",
                zorder=3,
            )
        if np.all(self.learning_rate > 0):
            lr_ax.set_yscale("log")
        lr_ax.set_ylabel("learning rate")
        lr_ax.set_xlabel("epoch")

        self.best_epoch_lines_ = []
        if mark_best and self.best_epoch is not None:
            labels = [f"best epoch {self.best_epoch}", "_nolegend_", "_nolegend_"]
            for panel, label in zip(axes, labels):
                line = panel.axvline(
                    self.best_epoch, linestyle="--", color="0.4", linewidth=1
                )
                line.set_label(label)
                self.best_epoch_lines_.append(line)

        for panel in axes:
            panel.xaxis.set_major_locator(MaxNLocator(integer=True))
            panel.grid(True, alpha=0.3)
        loss_ax.legend(loc="best")
        if "valid_score" in lines:
            score_ax.legend(loc="best")
        lr_ax.legend(loc="best")

        self.ax_ = axes
        self.figure_ = figure
        self.lines_ = lines
        return self


def _trained_mlp(estimator):
    """The estimator whose history to plot: the final step of a Pipeline,
    the best estimator of a fitted search (repeatedly)."""
    while True:
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif hasattr(estimator, "_final_estimator") and hasattr(estimator, "steps"):
            estimator = estimator._final_estimator
        else:
            return estimator
