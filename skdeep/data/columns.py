"""The columns of a table: which are categorical, and their values as
categories (pandas is imported only for DataFrames)."""

import numbers
import sys

import numpy as np

__all__ = [
    "as_categories",
    "categorical_columns",
    "check_column_dtypes",
    "is_categorical_dtype",
    "is_dataframe",
    "is_missing",
]


def is_dataframe(X):
    return hasattr(X, "iloc") and hasattr(X, "dtypes") and hasattr(X, "columns")


def is_categorical_dtype(dtype):
    import pandas as pd

    return (
        pd.api.types.is_object_dtype(dtype)
        or isinstance(dtype, (pd.CategoricalDtype, pd.StringDtype))
        or pd.api.types.is_bool_dtype(dtype)
    )


def check_column_dtypes(X):
    """Refuse the columns that are neither numbers nor categories (dates,
    durations, intervals...) with a message saying what to do."""
    import pandas as pd

    for name, dtype in X.dtypes.items():
        if is_categorical_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            continue
        raise ValueError(
            f"Column {name!r} has dtype {dtype}, which is neither numeric nor "
            "categorical. Convert it to numbers (for dates, e.g. the year, the "
            "day of the year or a timestamp) or to a category, or drop it."
        )


def as_categories(values):
    """One categorical column as an object array of its values' canonical
    strings, missing values as NaN.

    Categories compare by value: a number reads as its value, so ``1``,
    ``1.0``, ``np.int64(1)`` and ``'1'`` are one category (``'1'``), ``2.5``
    is ``'2.5'``; a bool reads ``'True'`` or ``'False'``; anything else is
    its ``str``. A code column that arrives as floats at prediction time
    finds the categories it had as integers in training.
    """
    categories = getattr(getattr(values, "dtype", None), "categories", None)
    if categories is not None:  # pandas: canonical categories, mapped
        names = _canonical_array(np.asarray(categories, dtype=object))
        names = np.append(names, np.nan)  # code -1: missing
        return names[np.asarray(values.cat.codes)]
    return _canonical_array(np.asarray(values, dtype=object))


def _canonical(value):
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _canonical_array(values):
    """The canonical strings of an object array, missing as NaN."""
    missing = is_missing(values)
    out = np.empty(values.shape, dtype=object)
    seen = {}
    for i, value in enumerate(values):
        if missing[i]:
            out[i] = np.nan
            continue
        try:
            key = (type(value), value)
            text = seen.get(key)
            if text is None:
                text = seen[key] = _canonical(value)
        except TypeError:  # unhashable
            text = _canonical(value)
        out[i] = text
    return out


def is_missing(values):
    """Which entries are missing: None, NaN, and pandas' NA and NaT."""
    values = np.asarray(values, dtype=object)
    pandas = sys.modules.get("pandas")  # its missing values need it loaded
    if pandas is not None:
        return np.asarray(pandas.isna(values), dtype=bool)
    return np.fromiter(
        (v is None or (isinstance(v, float) and v != v) for v in values.ravel()),
        dtype=bool,
        count=values.size,
    ).reshape(values.shape)


def categorical_columns(X):
    """Which columns of an object ndarray are categorical: those with a
    value (not missing) that is not a number; bools count as categories."""
    flags = np.zeros(X.shape[1], dtype=bool)
    for j in range(X.shape[1]):
        column = X[:, j]
        present = column[~is_missing(column)]
        flags[j] = any(
            not isinstance(v, numbers.Real) or isinstance(v, (bool, np.bool_))
            for v in present
        )
    return flags
