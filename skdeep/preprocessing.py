"""TabularPreprocessor: a raw table to the float matrix of a tabular network."""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from .data.columns import (
    as_categories,
    categorical_columns,
    check_column_dtypes,
    is_categorical_dtype,
    is_dataframe,
    is_missing,
)
from .data.numeric import quantile_bins, robust_scale, smooth_clip

__all__ = ["TabularPreprocessor"]

_FLOATS = [np.float64, np.float32]


def _columns(cats, chosen):
    """The chosen categorical columns side by side."""
    return np.column_stack([v for v, keep in zip(cats, chosen) if keep])



class TabularPreprocessor(TransformerMixin, BaseEstimator):
    """Turn a raw table into the float matrix of a tabular neural network.

    Accepts a numeric array, an object array, or a pandas DataFrame mixing
    numeric and categorical columns, all with missing values. A column of a
    DataFrame is categorical when its pandas dtype is ``category``,
    ``object``, ``string`` or ``bool`` (``boolean`` included); a column of an
    object array when it holds a value that is not a number (a string, a
    bool); every column of a string array is categorical, every column of a
    numeric array numeric.

    **Numeric columns** have their missing values replaced by the training
    median (also where a column had none in training), are centered on that
    median and divided by the scale ``s``; then, with ``smooth_clip=True``,
    mapped through ``f(x) = x / sqrt(1 + (x / 3) ** 2)``, which is increasing,
    close to the identity near 0 and bounded to (-3, 3). The scale is the
    first positive one of: the spread between the ``quantile_range``
    percentiles; the spread between the wider percentiles
    ``(min(q_min, 5), max(q_max, 95))``; the standard deviation; 1. All four
    are computed on the non-missing training values, so a binary column with
    rare ones falls to the 5-95 spread or the std, and a constant or
    all-missing column becomes a column of zeros. With
    ``missing='indicator'`` each numeric column that had missing values in
    training also gets a 0/1 indicator column (as scikit-learn's
    ``MissingIndicator`` with ``features='missing-only'``; listed in
    ``indicated_``). Infinite values raise a ValueError.

    **Categorical columns** are read by value as strings: numbers in a
    canonical form (``1``, ``1.0`` and ``'1'`` are the category ``'1'``;
    ``2.5`` is ``'2.5'``), bools as ``'True'`` and ``'False'``, anything else
    by its ``str``; their missing values (``None``, ``NaN``, ``pd.NA``) form
    one category of their own. A column with at most ``max_onehot`` categories
    (missing included) is one-hot encoded with one 0/1 column per category,
    binary columns included (nothing is dropped): a category unseen in
    training, or a missing value in a column that had none, is all zeros. A
    column with more categories becomes one float column of integer codes
    for an embedding: 0 for a category unseen in training (and for a missing
    value in a column that had none), 1 to ``k`` for its ``k`` training
    categories in sorted order, the missing category last. Nothing raises on
    unknown categories.

    The output columns come in three blocks, ``[continuous | binary |
    codes]``: the scaled numeric columns in input order; the missing
    indicators then the one-hot columns; the code columns.

    Parameters
    ----------
    max_onehot : int, default=8
        Most categories (missing included) of a one-hot encoded column;
        columns with more are encoded as codes. 0 encodes every categorical
        column as codes.

    smooth_clip : bool, default=True
        Whether to apply the smooth clipping to the scaled numeric columns.

    quantile_range : tuple (q_min, q_max), 0.0 <= q_min < q_max <= 100.0, \
default=(25.0, 75.0)
        Percentiles whose spread scales the numeric columns (the
        interquartile range by default).

    missing : {'indicator', 'impute'}, default='indicator'
        'indicator' imputes and appends an indicator column for every
        numeric column with missing values in training; 'impute' only
        imputes.

    dtype : {None, 'float32', 'float64'}, default=None
        Floating point type of the output. None gives float32 when every
        numeric input column is float32 (and there is at least one), else
        float64.

    n_bins : int or None, default=None
        With an int, ``bins_`` gets, for each numeric column, the edges of
        at most ``n_bins`` quantile bins of its scaled training values
        (missing ones left out), for piecewise-linear embeddings. None: no
        bins.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit (only when X has string column
        names).

    is_categorical_ : ndarray of bool of shape (`n_features_in_`,)
        Whether each input column is categorical.

    numeric_features_ : ndarray of int
        Input indices of the numeric columns, in output order.

    onehot_features_ : ndarray of int
        Input indices of the one-hot encoded categorical columns, in output
        order.

    code_features_ : ndarray of int
        Input indices of the code-encoded categorical columns, in output
        order.

    n_numeric_ : int
        Number of numeric input columns, the width of the continuous block
        (missing indicators not included).

    center_ : ndarray of shape (`n_numeric_`,)
        Training median of each numeric column (0 for an all-missing one):
        the imputed value and the center.

    scale_ : ndarray of shape (`n_numeric_`,)
        Scale of each numeric column (positive).

    indicated_ : ndarray of int
        Indices, among the numeric columns, of those with a missing value in
        training: each gets a 0/1 indicator column with
        ``missing='indicator'`` (empty with ``'impute'``).

    categories_ : list of ndarray
        Training categories of each categorical column in input order: the
        sorted strings, then NaN when the column had missing values.

    onehot_encoder_ : OneHotEncoder or None
        The fitted encoder of the one-hot columns; None without any.

    ordinal_encoder_ : OrdinalEncoder or None
        The fitted encoder of the code columns; None without any.

    block_sizes_ : tuple of int (n_continuous, n_binary, n_codes)
        Widths of the three output blocks: the scaled numeric columns, the
        0/1 columns (missing indicators then one-hot columns), the code
        columns.

    bins_ : list of ndarray or None
        With ``n_bins``: for each numeric column, in output order, the
        increasing edges of its bins on the output scale (the training
        values' quantiles at ``0, 1 / n_bins, ..., 1``, repeats removed;
        two edges around a constant column's value). Else None.

    cardinalities_ : list of int
        Number of codes of each code column, in output order: its training
        categories plus 1 for the unknown code 0. Codes lie in
        ``0 .. cardinality - 1``.

    See Also
    --------
    sklearn.preprocessing.RobustScaler : Scale with the interquartile range.
    sklearn.impute.SimpleImputer : Impute missing values.
    sklearn.preprocessing.OneHotEncoder : One-hot encode categorical columns.
    sklearn.preprocessing.OrdinalEncoder : Integer codes of categories.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import TabularPreprocessor
    >>> X = np.array([[1.0, 10.0], [2.0, np.nan], [3.0, 20.0], [5.0, 30.0]])
    >>> pre = TabularPreprocessor(smooth_clip=False).fit(X)
    >>> pre.center_, pre.scale_
    (array([ 2.5, 20. ]), array([ 1.75, 10.  ]))
    >>> pre.transform(X)
    array([[-0.85714286, -1.        ,  0.        ],
           [-0.28571429,  0.        ,  1.        ],
           [ 0.28571429,  0.        ,  0.        ],
           [ 1.42857143,  1.        ,  0.        ]])
    >>> pre.block_sizes_
    (2, 1, 0)
    """

    _parameter_constraints: dict = {
        "max_onehot": [Interval(Integral, 0, None, closed="left")],
        "smooth_clip": ["boolean"],
        "quantile_range": [tuple],
        "missing": [StrOptions({"indicator", "impute"})],
        "dtype": [StrOptions({"float32", "float64"}), None],
        "n_bins": [Interval(Integral, 1, None, closed="left"), None],
    }

    def __init__(
        self,
        max_onehot=8,
        smooth_clip=True,
        quantile_range=(25.0, 75.0),
        missing="indicator",
        dtype=None,
        n_bins=None,
    ):
        self.max_onehot = max_onehot
        self.smooth_clip = smooth_clip
        self.quantile_range = quantile_range
        self.missing = missing
        self.dtype = dtype
        self.n_bins = n_bins

    # ------------------------------------------------------------ input
    def _split(self, X, reset):
        """Validate X; return its numeric block (float array or None) and
        its categorical columns (list of object arrays)."""
        if is_dataframe(X):
            validate_data(self, X, reset=reset, skip_check_array=True)
            if X.shape[0] < 1:
                raise ValueError(f"Found 0 sample(s) (shape={X.shape}).")
            check_column_dtypes(X)
            if reset:
                self.is_categorical_ = np.array(
                    [is_categorical_dtype(dtype) for dtype in X.dtypes], dtype=bool
                )
            numeric = np.flatnonzero(~self.is_categorical_)
            categorical = np.flatnonzero(self.is_categorical_)
            X_num = None
            if numeric.size:
                X_num = check_array(
                    X.iloc[:, numeric],
                    dtype=_FLOATS,
                    ensure_all_finite="allow-nan",
                    input_name="X",
                )
            return X_num, [as_categories(X.iloc[:, j]) for j in categorical]
        # an array: object columns holding non-numbers are categorical
        X = validate_data(self, X, reset=reset, dtype=None, ensure_all_finite=False)
        if reset:
            self.is_categorical_ = (
                categorical_columns(X)
                if X.dtype.kind == "O"
                else np.full(X.shape[1], X.dtype.kind in "US")
            )
        X_num = None
        if not self.is_categorical_.all():
            X_num = check_array(
                X[:, ~self.is_categorical_],
                dtype=_FLOATS,
                ensure_all_finite="allow-nan",
                estimator=self,
                input_name="X",
            )
        cats = [as_categories(X[:, j]) for j in np.flatnonzero(self.is_categorical_)]
        return X_num, cats

    def _output_dtype(self, X_num):
        if self.dtype is not None:
            return np.dtype(self.dtype)
        float32 = X_num is not None and X_num.dtype == np.float32
        return np.dtype(np.float32 if float32 else np.float64)

    # -------------------------------------------------------------- fit
    def _fit_numeric(self, X):
        self.n_numeric_ = 0 if X is None else X.shape[1]
        self.center_ = np.zeros(self.n_numeric_)
        self.scale_ = np.ones(self.n_numeric_)
        self.indicated_ = np.zeros(0, dtype=np.intp)
        self.bins_ = None if self.n_bins is None else []
        if X is None:
            return 0
        X = X.astype(np.float64)
        missing = np.isnan(X)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
            self.center_ = np.nan_to_num(np.nanmedian(X, axis=0), nan=0.0)
        if self.missing == "indicator":
            self.indicated_ = np.flatnonzero(missing.any(axis=0))
        self.scale_ = robust_scale(X, self.quantile_range)
        if self.n_bins is not None:
            self.bins_ = [quantile_bins(v, self.n_bins) for v in self._scaled(X).T]
        return self.indicated_.size

    def _scaled(self, X):
        """Numeric values on the output scale (NaN stays NaN)."""
        scaled = (X - self.center_) / self.scale_
        return smooth_clip(scaled) if self.smooth_clip else scaled


    def _fit_categorical(self, cats):
        self.categories_ = []
        for values in cats:
            missing = is_missing(values)
            categories = list(np.unique(values[~missing].astype(str)).astype(object))
            self.categories_.append(
                np.array(categories + [np.nan] * int(missing.any()), dtype=object)
            )
        categorical = np.flatnonzero(self.is_categorical_)
        onehot = np.array([len(c) <= self.max_onehot for c in self.categories_])
        self.onehot_features_ = categorical[onehot.astype(bool)]
        self.code_features_ = categorical[~onehot.astype(bool)]
        self.onehot_encoder_ = self.ordinal_encoder_ = None
        self.cardinalities_ = []
        n_onehot = 0
        if self.onehot_features_.size:
            chosen = [c for c, o in zip(self.categories_, onehot) if o]
            self.onehot_encoder_ = OneHotEncoder(
                categories=chosen, handle_unknown="ignore", sparse_output=False
            ).fit(_columns(cats, onehot))
            n_onehot = sum(len(c) for c in chosen)
        if self.code_features_.size:
            chosen = [c for c, o in zip(self.categories_, onehot) if not o]
            self.ordinal_encoder_ = OrdinalEncoder(
                categories=chosen,
                handle_unknown="use_encoded_value",
                unknown_value=-1,
                encoded_missing_value=-2,
            ).fit(_columns(cats, ~onehot))
            self.cardinalities_ = [len(c) + 1 for c in chosen]
        return n_onehot

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the column types, medians, scales and categories of ``X``.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Training table; NaN (or None, pd.NA) marks missing values.

        y : None
            Ignored.

        Returns
        -------
        self : object
            Fitted transformer.
        """
        lo, hi = self.quantile_range
        if not 0 <= lo < hi <= 100:
            raise ValueError(f"Invalid quantile range: {self.quantile_range}")
        X_num, cats = self._split(X, reset=True)
        n_indicators = self._fit_numeric(X_num)
        n_onehot = self._fit_categorical(cats)
        self.numeric_features_ = np.flatnonzero(~self.is_categorical_)
        self.block_sizes_ = (
            self.n_numeric_,
            n_indicators + n_onehot,
            len(self.cardinalities_),
        )
        return self

    # -------------------------------------------------------- transform
    def transform(self, X):
        """Encode ``X`` as ``[continuous | binary | codes]`` float columns.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            Table with the training columns.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_columns)
            The encoded table, float32 or float64 (see ``dtype``).
        """
        check_is_fitted(self)
        X_num, cats = self._split(X, reset=False)
        blocks, binary = [], []
        if X_num is not None:
            values = X_num.astype(np.float64)
            missing = np.isnan(values)
            imputed = np.where(missing, self.center_, values)
            blocks.append(self._scaled(imputed))
            binary.append(missing[:, self.indicated_].astype(np.float64))
        onehot = np.isin(np.flatnonzero(self.is_categorical_), self.onehot_features_)
        if self.onehot_encoder_ is not None:
            binary.append(self.onehot_encoder_.transform(_columns(cats, onehot)))
        blocks.extend(binary)
        if self.ordinal_encoder_ is not None:
            blocks.append(self._codes(_columns(cats, ~onehot)))
        return np.hstack(blocks).astype(self._output_dtype(X_num), copy=False)

    def _codes(self, X):
        codes = self.ordinal_encoder_.transform(X)
        for j, categories in enumerate(self.ordinal_encoder_.categories_):
            had_missing = is_missing(categories[-1:]).any()
            column = codes[:, j]
            missing = column == -2
            column += 1  # unknown -1 -> 0, known 0..m-1 -> 1..m
            column[missing] = len(categories) if had_missing else 0
        return codes

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns, in output order.

        Scaled numeric columns keep their input names; indicators are
        ``missingindicator_<name>``, one-hot columns ``<name>_<category>``
        (``<name>_nan`` for missing), code columns keep their input names.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; None uses ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str
            Output feature names.
        """
        check_is_fitted(self)
        names = np.asarray(_check_feature_names_in(self, input_features), dtype=object)
        out = list(names[self.numeric_features_])
        indicated = names[self.numeric_features_][self.indicated_]
        out += [f"missingindicator_{name}" for name in indicated]
        if self.onehot_encoder_ is not None:
            out += list(
                self.onehot_encoder_.get_feature_names_out(names[self.onehot_features_])
            )
        out += list(names[self.code_features_])
        return np.asarray(out, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.sparse = False
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.transformer_tags.preserves_dtype = (
            ["float64", "float32"] if self.dtype is None else [self.dtype]
        )
        return tags
