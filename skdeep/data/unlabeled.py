"""Rows without a target: scikit-learn's semi-supervised convention.

A row whose target is the marker (all its targets, for 2-D targets) is
unlabeled: -1 as in SelfTrainingClassifier, ``np.nan``, or any value the
estimator's ``unlabeled`` parameter names. Such rows serve unsupervised
pre-training only. The marker is found before the usual checks of the
targets (which would refuse NaN), and the rows are dropped after them.
"""

import numpy as np
from scipy import sparse
from sklearn.utils import check_array

from .arrays import take_rows

__all__ = ["drop_marker", "labeled_rows", "mark_unlabeled"]


def mark_unlabeled(y, marker, *, numeric):
    """Targets ready for the usual checks, and which rows are labeled.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        The targets as given.
    marker : object or None
        The target value of unlabeled rows (None: every row is labeled).
    numeric : bool
        Regression targets (the unlabeled rows' targets become 0), else
        class labels (they become a label of a labeled row).

    Returns
    -------
    y : array-like
        ``y`` itself when every row has a target, else a copy whose
        unlabeled rows hold a valid target, so that the usual checks pass
        (the rows are dropped after them). A regression row with some but
        not all targets missing is left as it is, for the usual checks.
    labeled : ndarray of bool or None
        Which rows are labeled; None when all are.

    Raises
    ------
    ValueError
        If every row is unlabeled.
    """
    if marker is None:
        return y, None
    if sparse.issparse(y):
        y = y.toarray()
    if numeric:
        values = check_array(
            y,
            ensure_2d=False,
            dtype="numeric",
            ensure_all_finite="allow-nan",
            input_name="y",
        )
    else:
        values = np.asarray(y)
    unlabeled = _is_marker(values, marker)
    if values.ndim == 2:
        unlabeled = unlabeled.all(axis=1)
    if not unlabeled.any():
        return y, None
    if unlabeled.all():
        raise ValueError(
            f"All {len(values)} samples are unlabeled (unlabeled={marker!r}): "
            "supervised training needs at least one labeled sample."
        )
    if numeric:
        values = values.astype(np.float64)  # a copy: the caller's y is untouched
        values[unlabeled] = 0
    else:
        values = values.copy()
        values[unlabeled] = values[np.flatnonzero(~unlabeled)[0]]
    return values, ~unlabeled


def drop_marker(classes, marker):
    """``classes`` without the marker (which names no class)."""
    if marker is None:
        return classes
    classes = np.asarray(classes)
    return classes[~_is_marker(classes, marker)]


def labeled_rows(X, sample_weight, labeled):
    """The rows of ``X`` and ``sample_weight`` that ``labeled`` marks (all
    of them when it is None)."""
    if labeled is None:
        return X, sample_weight
    X = take_rows(X, labeled)
    return X, None if sample_weight is None else sample_weight[labeled]


def _is_marker(y, marker):
    if isinstance(marker, float) and np.isnan(marker):
        if y.dtype.kind == "f":
            return np.isnan(y)
        return np.array([label != label for label in y.ravel()]).reshape(y.shape)
    if y.dtype.kind in "iufb":
        return y == marker
    return np.array([label == marker for label in y.ravel()], dtype=bool).reshape(
        y.shape
    )
