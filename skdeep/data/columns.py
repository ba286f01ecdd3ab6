"""The columns of a table: which are categorical, and their values as
categories (pandas is imported only for DataFrames)."""

import numpy as np

__all__ = [
    "as_categories",
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
    """One categorical column as an object array of str, missing as NaN."""
    values = np.asarray(values, dtype=object)
    out = values.astype(str).astype(object)
    out[is_missing(values)] = np.nan
    return out


def is_missing(values):
    import pandas as pd

    return np.asarray(pd.isna(values), dtype=bool)
