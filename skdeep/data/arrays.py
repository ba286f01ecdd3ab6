"""Rows and dtypes of the arrays an estimator receives."""

import numpy as np

__all__ = ["as_dtype", "take_rows"]


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
