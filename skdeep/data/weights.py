"""Sample weights and class weights, with scikit-learn's checks and
messages."""

import numpy as np
from sklearn.utils import check_array
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

__all__ = ["check_sample_weight", "class_sample_weight"]


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
