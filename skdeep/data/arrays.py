"""Rows and dtypes of the arrays an estimator receives."""

import numpy as np

__all__ = ["as_dtype", "plain_rows", "take_rows"]


def as_dtype(X, dtype):
    """Convert ``X`` (array or sparse matrix) to a model's dtype; values
    beyond its range are an error, not silent infinities."""
    if X.dtype == dtype:
        return X
    with np.errstate(over="ignore"):
        converted = X.astype(dtype)
    values = converted.data if hasattr(converted, "tocsr") else converted
    if not np.isfinite(values).all():
        raise ValueError(
            f"Input X contains values too large for {np.dtype(dtype).name}, the "
            "dtype of the model's computations. Scale the features, or use "
            "dtype='float64'."
        )
    return converted


def take_rows(X, rows):
    """Rows ``rows`` of an array, sparse matrix, DataFrame or list."""
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if hasattr(X, "shape"):
        return X[rows]
    return [X[i] for i in rows]


_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def plain_rows(estimator, X):
    """``X`` itself when scikit-learn's validation of prediction rows would
    return it unchanged, else None (then validate as usual: it raises the
    errors and warnings).

    A cheap test for the common case of predictions, one row or a few at a
    time: a fitted estimator without feature names, and a float ndarray
    (not a subclass) of two dimensions with the fitted number of columns,
    every value finite. It accepts nothing scikit-learn's validation would
    refuse or change, so the results are the same, with little per call.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator (``n_features_in_`` set), or not fitted.
    X : object
        The rows given to ``predict``.

    Returns
    -------
    X : ndarray or None
    """
    state = estimator.__dict__
    if (
        type(X) is not np.ndarray
        or X.ndim != 2
        or X.dtype not in _FLOATS
        or X.shape[0] == 0
        or "feature_names_in_" in state
        or X.shape[1] != state.get("n_features_in_")
    ):
        return None
    # the sum of finite values is finite unless it overflows: then check all
    with np.errstate(over="ignore", invalid="ignore"):
        total = X.sum()
    if not np.isfinite(total) and not np.isfinite(X).all():
        return None
    return X
