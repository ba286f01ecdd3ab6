"""Public diagnostics: gradient checking and the small-data test."""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import ConvergenceWarning

from ..data.arrays import take_rows
from ..nn.diagnostics import gradient_norms, unit_saturation
from ..nn.gradcheck import check_network_gradients

__all__ = ["check_gradients", "overfit_small", "OverfitReport"]


def check_gradients(estimator, X, y, sample_weight=None, eps=1e-6):
    """Largest relative error between analytic and numerical gradients.

    Builds ``estimator``'s network (its architecture, activation, dropout,
    batch normalization, initialization and loss) in float64 on ``(X, y)``,
    without training it, and compares the gradient of the training objective
    (loss plus L2 penalty) w.r.t. every parameter array with central finite
    differences ``(f(w + eps) - f(w - eps)) / (2 eps)``. Dropout masks are
    drawn once and frozen; batch normalization uses the batch statistics.
    An output layer that starts at zero (the tabular estimators') is drawn
    at random for the check: at zero, every earlier layer's gradient is
    exactly zero and the check would compare rounding noise with zero.

    Parameters
    ----------
    estimator : estimator
        The configuration to check (not modified): an MLP, a tabular
        estimator or an Autoencoder.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Inputs (a few dozen rows suffice: the cost is two network
        evaluations per parameter).
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    eps : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    error : float
        ``max over parameter arrays of ||a - n|| / (||a|| + ||n||)``; below
        1e-6 means the analytic gradients are right.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import MLPClassifier, check_gradients
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((20, 3)), rng.integers(0, 3, 20)
    >>> clf = MLPClassifier(hidden_layer_sizes=(5,), activation="tanh")
    >>> bool(check_gradients(clf, X, y) < 1e-6)
    True
    """
    est = clone(estimator)
    network, X, Y, sw = est._unfitted(X, y, sample_weight)
    weight_sum = X.shape[0] if sw is None else float(sw.sum())
    return check_network_gradients(
        network,
        est._training_loss(),
        X,
        Y,
        sample_weight=sw,
        l2=est.alpha / weight_sum,
        eps=eps,
    )


@dataclass
class OverfitReport:
    """Outcome of :func:`overfit_small`.

    Attributes
    ----------
    n_samples : int
        Size of the subset.
    score : float
        Training accuracy (classifier) or R^2 (regressor) on the subset.
    succeeded : bool
        Whether the subset was learned (accuracy 1.0, or R^2 >= 0.99).
    saturation : list of float
        Per hidden activation layer, at initialization: fraction of
        saturated (logistic, tanh) or dead (rectifiers) units.
    gradient_norms : list of float
        Per layer, at initialization: norm of the weight gradient.
    input_mean_abs_max : float
        Largest absolute column mean of the inputs.
    input_std_range : tuple of float
        Smallest and largest column standard deviation of the inputs.
    loss_curve : list of float
        Training loss per epoch on the subset.
    hints : list of str
        What to suspect when the subset was not learned (empty otherwise).
    """

    n_samples: int
    score: float
    succeeded: bool
    saturation: list
    gradient_norms: list
    input_mean_abs_max: float
    input_std_range: tuple
    loss_curve: list = field(default_factory=list)
    hints: list = field(default_factory=list)

    def __str__(self):
        lines = [
            f"overfit_small: {self.n_samples} samples, training score "
            f"{self.score:.4f} ({'ok' if self.succeeded else 'FAILED'})",
            "saturated/dead units at init: "
            + ", ".join(f"{s:.0%}" for s in self.saturation),
            "weight-gradient norms at init: "
            + ", ".join(f"{g:.3g}" for g in self.gradient_norms),
            f"inputs: max |column mean| {self.input_mean_abs_max:.3g}, column std "
            f"{self.input_std_range[0]:.3g}..{self.input_std_range[1]:.3g}",
        ]
        lines += [f"hint: {h}" for h in self.hints]
        return "\n".join(lines)


def overfit_small(estimator, X, y, n_samples=50, random_state=0):
    """Fit a clone on a small random subset: a sane network must learn it.

    The debugging recipe: a network with enough capacity classifies ~50
    training examples perfectly. When it does not, the report's numbers point
    at the usual suspects: saturated or dead units at initialization,
    vanishing or exploding gradients, unnormalized inputs, or a learning rate
    that is too large (loss rises or diverges) or too small (loss barely
    moves).

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        The configuration to test (not modified; early stopping is turned
        off on the clone).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Inputs.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    n_samples : int, default=50
        Size of the random subset.
    random_state : int, default=0
        Seed of the subset draw.

    Returns
    -------
    report : OverfitReport
        Score, success flag, diagnostics and hints (``print(report)``).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdeep import MLPClassifier, overfit_small
    >>> X, y = load_digits(return_X_y=True)
    >>> report = overfit_small(MLPClassifier(random_state=0), X / 16, y)
    >>> report.succeeded, report.n_samples
    (True, 50)
    """
    n_total = X.shape[0]
    rows = np.random.default_rng(random_state).choice(
        n_total, size=min(n_samples, n_total), replace=False
    )
    X_small, y_small = take_rows(X, rows), take_rows(y, rows)
    probe = clone(estimator)
    network, X_chk, Y_chk, _ = probe._unfitted(X_small, y_small)
    saturation = unit_saturation(network, X_chk)
    norms = gradient_norms(network, probe._training_loss(), X_chk, Y_chk)
    model = clone(estimator).set_params(early_stopping=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_small, y_small)
    score = float(model.score(X_small, y_small))
    succeeded = score == 1.0 if is_classifier(model) else score >= 0.99
    means, stds = _column_moments(X_chk)
    report = OverfitReport(
        n_samples=len(rows),
        score=score,
        succeeded=succeeded,
        saturation=saturation,
        gradient_norms=norms,
        input_mean_abs_max=float(np.abs(means).max()),
        input_std_range=(float(stds.min()), float(stds.max())),
        loss_curve=list(getattr(model, "loss_curve_", [])),
    )
    if not succeeded:
        report.hints = _hints(report, model)
    return report


def _column_moments(X):
    if hasattr(X, "toarray"):
        X = X.toarray()
    return X.mean(axis=0), X.std(axis=0)


def _hints(report, model):
    hints = []
    if any(s > 0.5 for s in report.saturation):
        hints.append(
            "over half the units of a layer are saturated or dead at "
            "initialization: try another weight_init or activation, or "
            "batch_norm=True"
        )
    if report.input_mean_abs_max > 3 or report.input_std_range[1] > 10:
        hints.append("inputs look unnormalized: put a StandardScaler first")
    if min(report.gradient_norms, default=1.0) < 1e-6:
        hints.append("vanishing gradients at initialization")
    curve = report.loss_curve
    if curve and (not np.isfinite(curve[-1]) or curve[-1] > curve[0]):
        hints.append("the loss rose or diverged: lower learning_rate_init")
    elif curve and curve[-1] > 0.5 * curve[0]:
        hints.append("the loss barely decreased: raise learning_rate_init or max_iter")
    if not hints:
        hints.append(
            "no obvious cause: check the gradients with check_gradients "
            "and the capacity (hidden_layer_sizes)"
        )
    return hints
