"""The estimators' parameter constraints, and input checks that
scikit-learn keeps private, written here so that skdeep relies on scikit-learn's
public API for them (their messages are scikit-learn's, so existing code that
matches on them keeps working)."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.multiclass import unique_labels

from .nn import ACTIVATIONS
from .nn.init import INITIALIZERS

STOCHASTIC_SOLVERS = ("sgd", "adam", "adagrad", "rmsprop")

# The constructor parameters of both estimators, for scikit-learn's
# parameter validation (``_fit_context``).

__all__ = [
    "PARAMETER_CONSTRAINTS",
    "STOCHASTIC_SOLVERS",
    "check_sample_weight",
    "class_sample_weight",
    "check_optimize_result",
    "first_partial_fit_call",
    "take_rows",
]

PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": [
        "array-like",
        Interval(Integral, 1, None, closed="left"),
    ],
    "activation": [StrOptions(set(ACTIVATIONS))],
    "solver": [StrOptions({"lbfgs", *STOCHASTIC_SOLVERS})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [
        StrOptions({"auto"}),
        Interval(Integral, 1, None, closed="left"),
    ],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive", "plateau"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [
        Interval(Integral, 1, None, closed="left"),
        Options(Real, {np.inf}),
    ],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
    "batch_norm": ["boolean"],
    "batch_norm_stats": [StrOptions({"running", "full"})],
    "weight_init": [StrOptions(set(INITIALIZERS))],
    "rho": [Interval(Real, 0, 1, closed="left")],
    "plateau_factor": [Interval(Real, 1, None, closed="neither")],
    "plateau_patience": [Interval(Integral, 0, None, closed="left")],
    "dtype": [
        None,
        StrOptions({"float32", "float64"}),
        Options(type, {np.float32, np.float64}),
    ],
    "progress_bar": [StrOptions({"auto"}), "boolean"],
    "device": [None, str],
    "pretraining": [None, StrOptions({"autoencoder"})],
    "pretraining_max_iter": [Interval(Integral, 1, None, closed="left")],
    "pretraining_corruption": [Interval(Real, 0, 1, closed="left")],
    "unlabeled": "no_validation",
}


def check_sample_weight(sample_weight, n_samples, dtype):
    """Validate ``sample_weight`` for ``n_samples`` rows.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or float
        The weights; a number means the same weight for every row.
    n_samples : int
        Number of rows of ``X``.
    dtype : dtype
        dtype of the returned array.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        Finite, non-negative weights, not all zero.

    Raises
    ------
    ValueError
        If the weights are not 1-D, have the wrong length, are not finite, are
        all zero or contain negative values.
    """
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, sample_weight, dtype=dtype)
    sample_weight = check_array(
        sample_weight,
        ensure_2d=False,
        dtype=dtype,
        order="C",
        input_name="sample_weight",
    )
    if sample_weight.ndim != 1:
        raise ValueError(
            "Sample weights must be 1D array or scalar, got "
            f"{sample_weight.ndim}D array. Expected either a scalar value or a 1D "
            f"array of length {n_samples}."
        )
    if sample_weight.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {sample_weight.shape}, expected {(n_samples,)}!"
        )
    if not sample_weight.any():
        raise ValueError("Sample weights must contain at least one non-zero number.")
    if (sample_weight < 0).any():
        raise ValueError("Negative values in data passed to `sample_weight`")
    return sample_weight


def class_sample_weight(class_weight, y, classes, incremental=False):
    """Per-sample weights of ``class_weight``, scikit-learn's semantics.

    Parameters
    ----------
    class_weight : dict, list of dict or 'balanced'
        Weight of each class (missing classes weigh 1); for multilabel
        targets, one dict per label column. 'balanced' weighs class ``c`` by
        ``n_samples / (n_classes * count(c))``; for multilabel targets the
        weights of the columns multiply.
    y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        Class labels, or the label indicator matrix.
    classes : ndarray
        All the classes (``classes_``).
    incremental : bool, default=False
        Whether the weights are for ``partial_fit``, which sees a chunk at a
        time: 'balanced' is refused there (as scikit-learn's SGDClassifier
        does), since one chunk's class counts need not be the data's.

    Returns
    -------
    weights : ndarray of shape (n_samples,)
    """
    if isinstance(class_weight, str) and incremental:
        raise ValueError(
            "class_weight 'balanced' is not supported for partial_fit. In order "
            "to use 'balanced' weights, use compute_class_weight('balanced', "
            "classes=classes, y=y). In place of y you can use a large enough "
            "sample of the full training set target to properly estimate the "
            "class frequency distributions. Pass the resulting weights as the "
            "class_weight parameter."
        )
    if y.ndim == 2 or isinstance(class_weight, str):
        return compute_sample_weight(class_weight, y)
    weights = compute_class_weight(class_weight, classes=classes, y=y)
    return weights[np.searchsorted(classes, y)]


def check_optimize_result(result, max_iter):
    """Return the iterations of an L-BFGS ``result``; warn if it stopped
    before converging (scikit-learn's ConvergenceWarning and wording).

    Parameters
    ----------
    result : scipy.optimize.OptimizeResult
        What ``scipy.optimize.minimize`` returned.
    max_iter : int
        The iteration limit it ran under.

    Returns
    -------
    n_iter : int
    """
    n_iter = min(result.nit, max_iter)
    if result.status != 0:
        message = (
            f"lbfgs failed to converge after {n_iter} iteration(s) "
            f"(status={result.status}):\n{result.message}\n"
        )
        if n_iter == max_iter:
            message += (
                "\nIncrease the number of iterations to improve the convergence "
                f"(max_iter={max_iter})."
            )
        message += (
            "\nYou might also want to scale the data as shown in:\n"
            "    https://scikit-learn.org/stable/modules/preprocessing.html"
        )
        warnings.warn(message, ConvergenceWarning, stacklevel=3)
    return n_iter


def first_partial_fit_call(estimator, classes):
    """Return True on the first ``partial_fit`` call of a classifier, and
    check ``classes`` (required then, unchanged afterwards).

    Sets ``estimator.classes_`` on the first call.
    """
    known = getattr(estimator, "classes_", None)
    if known is None and classes is None:
        raise ValueError("classes must be passed on the first call to partial_fit.")
    if classes is None:
        return False
    if known is not None:
        if not np.array_equal(known, unique_labels(classes)):
            raise ValueError(
                "`classes=%r` is not the same as on last call to partial_fit, was: "
                "%r" % (classes, known)
            )
        return False
    estimator.classes_ = unique_labels(classes)
    return True


def take_rows(X, rows):
    """Rows ``rows`` of an array, sparse matrix, DataFrame or list."""
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if hasattr(X, "shape"):
        return X[rows]
    return [X[i] for i in rows]
