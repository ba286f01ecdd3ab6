"""TabularPreprocessor: scaling, missing values, categories, output layout."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    parametrize_with_checks,
)

from skdeep import TabularPreprocessor
from skdeep.data.numeric import smooth_clip as _smooth_clip

pd = pytest.importorskip("pandas")

ESTIMATORS = [
    TabularPreprocessor(),
    TabularPreprocessor(smooth_clip=False, quantile_range=(10.0, 90.0)),
    TabularPreprocessor(missing="impute", max_onehot=0),
    TabularPreprocessor(dtype="float32"),
    TabularPreprocessor(dtype="float64"),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_param_validation():
    check_param_validation("TabularPreprocessor", TabularPreprocessor())


def test_dataframe_column_names_consistency():
    check_dataframe_column_names_consistency(
        "TabularPreprocessor", TabularPreprocessor()
    )


@pytest.mark.parametrize("quantile_range", [(75.0, 25.0), (-1.0, 50.0), (0, 101)])
def test_invalid_quantile_range(quantile_range):
    with pytest.raises(ValueError, match="quantile range"):
        TabularPreprocessor(quantile_range=quantile_range).fit(np.ones((3, 1)))


def mixed_frame():
    return pd.DataFrame(
        {
            "num": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0],
            "count": pd.array([1, 2, 3, 4, 5, 6], dtype="Int64"),
            "color": pd.Categorical(["red", "blue", None, "red", "blue", "red"]),
            "city": pd.Series(["a", "b", "c", "d", "e", None], dtype=object),
            "flag": [True, False, True, True, False, False],
        }
    )


# ---------------------------------------------------------------- numeric
def test_median_iqr_scaling():
    X = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    pre = TabularPreprocessor(smooth_clip=False).fit(X)
    # median 3, 25th percentile 2, 75th percentile 4
    assert_allclose(pre.center_, [3.0])
    assert_allclose(pre.scale_, [2.0])
    assert_allclose(pre.transform(X).ravel(), [-1.0, -0.5, 0.0, 0.5, 48.5])
    assert_allclose(pre.transform([[7.0]]), [[2.0]])  # training statistics

    clipped = TabularPreprocessor().fit(X).transform(X).ravel()
    z = np.array([-1.0, -0.5, 0.0, 0.5, 48.5])
    assert_allclose(clipped, z / np.sqrt(1 + (z / 3) ** 2))


def test_quantile_range_is_used():
    X = np.arange(101, dtype=float).reshape(-1, 1)
    pre = TabularPreprocessor(quantile_range=(10.0, 90.0)).fit(X)
    assert_allclose(pre.scale_, [80.0])
    assert_allclose(pre.center_, [50.0])


def test_smooth_clip_bounds_and_monotonicity():
    z = np.linspace(-1e6, 1e6, 20001)
    f = _smooth_clip(z)
    assert np.all(np.abs(f) < 3.0)
    assert np.all(np.diff(f) > 0)
    assert_allclose(_smooth_clip(np.array([0.0, 0.01])), [0.0, 0.01], rtol=1e-4)
    assert_allclose(_smooth_clip(np.array([3.0])), [3.0 / np.sqrt(2.0)])

    X = np.r_[np.arange(20.0), 1e9, -1e9].reshape(-1, 1)
    Z = TabularPreprocessor().fit_transform(X).ravel()
    assert np.all(np.abs(Z) < 3.0)
    order = np.argsort(X.ravel())
    assert np.all(np.diff(Z[order]) > 0)


def test_scale_fallbacks():
    rare_10 = np.r_[np.zeros(18), np.ones(2)]  # IQR 0, 5-95% spread 1
    rare_2 = np.r_[np.zeros(39), np.ones(1)]  # IQR 0, 5-95% spread 0: std
    constant = np.full(20, 7.0)
    balanced = np.r_[np.zeros(10), np.ones(10)]  # IQR 1
    pre = TabularPreprocessor(smooth_clip=False).fit(rare_10.reshape(-1, 1))
    assert_allclose(pre.scale_, [1.0])

    pre.fit(rare_2.reshape(-1, 1))
    assert_allclose(pre.scale_, [np.sqrt(0.025 * 0.975)])
    assert_allclose(pre.transform([[1.0]]), [[1.0 / np.sqrt(0.025 * 0.975)]])

    pre.fit(constant.reshape(-1, 1))
    assert_allclose(pre.scale_, [1.0])
    assert_array_equal(pre.transform(constant.reshape(-1, 1)), np.zeros((20, 1)))
    assert_allclose(pre.transform([[9.0]]), [[2.0]])

    pre.fit(balanced.reshape(-1, 1))
    assert_allclose(pre.scale_, [1.0])
    assert_allclose(pre.center_, [0.5])


def test_all_missing_numeric_column():
    X = np.column_stack([np.arange(5.0), np.full(5, np.nan)])
    pre = TabularPreprocessor(smooth_clip=False).fit(X)
    Z = pre.transform(X)
    assert_allclose(pre.center_, [2.0, 0.0])
    assert_allclose(pre.scale_, [2.0, 1.0])
    assert_array_equal(Z[:, 1], np.zeros(5))
    assert_array_equal(Z[:, 2], np.ones(5))  # its missing indicator
    assert pre.block_sizes_ == (2, 1, 0)


def test_missing_indicators_only_where_missing_in_fit():
    X = np.array(
        [[1.0, np.nan, 5.0], [2.0, 1.0, np.nan], [3.0, 2.0, 6.0], [4.0, 3.0, 7.0]]
    )
    pre = TabularPreprocessor(smooth_clip=False).fit(X)
    assert pre.block_sizes_ == (3, 2, 0)
    assert_array_equal(
        pre.get_feature_names_out(),
        ["x0", "x1", "x2", "missingindicator_x1", "missingindicator_x2"],
    )
    Z = pre.transform(X)
    assert_array_equal(Z[:, 3:], [[1, 0], [0, 1], [0, 0], [0, 0]])
    # imputed with the training median: 0 after centering
    assert Z[0, 1] == 0.0 and Z[1, 2] == 0.0

    # missing in a column that had none in fit: imputed, no new indicator
    Z = pre.transform([[np.nan, 2.0, 6.0]])
    assert Z.shape == (1, 5)
    assert_array_equal(Z, [[0.0, 0.0, 0.0, 0.0, 0.0]])

    imputed = TabularPreprocessor(missing="impute", smooth_clip=False).fit(X)
    assert imputed.block_sizes_ == (3, 0, 0)
    assert_allclose(imputed.transform(X), pre.transform(X)[:, :3])


def test_infinite_values_raise():
    X = np.array([[1.0], [2.0], [np.inf]])
    with pytest.raises(ValueError, match="infinity"):
        TabularPreprocessor().fit(X)
    pre = TabularPreprocessor().fit(X[:2])
    with pytest.raises(ValueError, match="infinity"):
        pre.transform(X)
    df = pd.DataFrame({"a": [1.0, -np.inf], "b": ["x", "y"]})
    with pytest.raises(ValueError, match="infinity"):
        TabularPreprocessor().fit(df)


# ------------------------------------------------------------ categorical
def test_column_types():
    df = pd.DataFrame(
        {
            "float": [0.5, 1.5, np.nan],
            "int": [1, 2, 3],
            "nullable": pd.array([1, None, 3], dtype="Int64"),
            "category": pd.Categorical(["a", "b", "a"]),
            "object": pd.Series(["a", None, 3], dtype=object),
            "string": pd.array(["a", pd.NA, "b"], dtype="string"),
            "bool": [True, False, True],
            "boolean": pd.array([True, None, False], dtype="boolean"),
        }
    )
    pre = TabularPreprocessor().fit(df)
    assert_array_equal(pre.is_categorical_, [0, 0, 0, 1, 1, 1, 1, 1])
    assert_array_equal(pre.numeric_features_, [0, 1, 2])
    assert_array_equal(pre.onehot_features_, [3, 4, 5, 6, 7])
    assert pre.n_numeric_ == 3
    # indicators of float and nullable; one-hot 2 + 3 + 3 + 2 + 3
    assert pre.block_sizes_ == (3, 2 + 13, 0)
    assert_array_equal(pre.categories_[1][:2], ["3", "a"])
    assert np.isnan(pre.categories_[1][2])
    assert_array_equal(pre.categories_[3], ["False", "True"])
    Z = pre.transform(df)
    assert Z.dtype == np.float64
    assert_allclose(Z[:, 1], [-1 / np.sqrt(1 + 1 / 9), 0, 1 / np.sqrt(1 + 1 / 9)])
    assert_allclose(Z[1, 2], 0.0)  # pd.NA imputed with the median


def test_onehot_versus_code_threshold():
    df = pd.DataFrame(
        {
            # 3 categories + missing = 4: one-hot with max_onehot=4
            "small": ["a", "b", "c", None, "a", "b"],
            # 5 categories: codes
            "large": ["v", "w", "x", "y", "z", "z"],
        },
        dtype=object,
    )
    pre = TabularPreprocessor(max_onehot=4).fit(df)
    assert_array_equal(pre.onehot_features_, [0])
    assert_array_equal(pre.code_features_, [1])
    assert pre.block_sizes_ == (0, 4, 1)
    assert pre.cardinalities_ == [6]
    assert_array_equal(
        pre.get_feature_names_out(),
        ["small_a", "small_b", "small_c", "small_nan", "large"],
    )
    Z = pre.transform(df)
    assert_array_equal(Z[:, :4], np.eye(4)[[0, 1, 2, 3, 0, 1]])
    # sorted training categories get codes 1..5; 0 is the unknown code
    assert_array_equal(Z[:, 4], [1, 2, 3, 4, 5, 5])

    pre = TabularPreprocessor(max_onehot=3).fit(df)
    assert pre.block_sizes_ == (0, 0, 2)
    assert pre.cardinalities_ == [5, 6]
    # the missing category comes after the sorted ones
    assert_array_equal(pre.transform(df)[:, 0], [1, 2, 3, 4, 1, 2])

    pre = TabularPreprocessor(max_onehot=0).fit(df)
    assert pre.block_sizes_ == (0, 0, 2)


def test_unseen_categories_never_raise():
    train = pd.DataFrame(
        {"small": ["a", "b", "a", "b"], "large": ["p", "q", "r", None]}, dtype=object
    )
    pre = TabularPreprocessor(max_onehot=2).fit(train)
    assert pre.cardinalities_ == [5]  # p, q, r, missing, unknown
    test = pd.DataFrame(
        {"small": ["zzz", None, "a"], "large": ["new", None, "q"]}, dtype=object
    )
    Z = pre.transform(test)
    # unseen and missing-unseen-in-fit: all-zero one-hot
    assert_array_equal(Z[:, :2], [[0, 0], [0, 0], [1, 0]])
    # unseen: 0; missing (seen in fit): last code
    assert_array_equal(Z[:, 2], [0, 4, 2])

    pre = TabularPreprocessor(max_onehot=0).fit(train)
    assert pre.cardinalities_ == [3, 5]
    # a missing value where fit saw none is unknown: code 0
    assert_array_equal(pre.transform(test)[:, 0], [0, 0, 1])


def test_missing_kinds_are_one_category():
    df = pd.DataFrame({"c": pd.Series(["a", None, np.nan, pd.NA, "a"], dtype=object)})
    pre = TabularPreprocessor().fit(df)
    assert pre.block_sizes_ == (0, 2, 0)
    assert_array_equal(pre.transform(df), [[1, 0], [0, 1], [0, 1], [0, 1], [1, 0]])


# ----------------------------------------------------------------- output
def test_block_order():
    pre = TabularPreprocessor(max_onehot=3).fit(mixed_frame())
    assert pre.block_sizes_ == (2, 1 + 3 + 2, 1)
    assert pre.cardinalities_ == [7]
    assert_array_equal(
        pre.get_feature_names_out(),
        [
            "num",
            "count",
            "missingindicator_num",
            "color_blue",
            "color_red",
            "color_nan",
            "flag_False",
            "flag_True",
            "city",
        ],
    )
    Z = pre.transform(mixed_frame())
    assert Z.shape == (6, sum(pre.block_sizes_))
    assert set(np.unique(Z[:, 2:8])) <= {0.0, 1.0}
    assert_array_equal(Z[:, 8], [1, 2, 3, 4, 5, 6])


@pytest.mark.parametrize(
    "dtype, param, expected",
    [
        (np.float32, None, np.float32),
        (np.float64, None, np.float64),
        (np.int64, None, np.float64),
        (np.float64, "float32", np.float32),
        (np.float32, "float64", np.float64),
    ],
)
def test_output_dtype_array(dtype, param, expected):
    X = np.arange(12).reshape(6, 2).astype(dtype)
    Z = TabularPreprocessor(dtype=param).fit(X).transform(X)
    assert Z.dtype == expected


def test_output_dtype_frame():
    df = pd.DataFrame(
        {
            "a": np.arange(4, dtype=np.float32),
            "b": np.array([1, np.nan, 2, 3], dtype=np.float32),
            "c": ["x", "y", "x", "y"],
        }
    )
    assert TabularPreprocessor().fit_transform(df).dtype == np.float32
    df["d"] = np.arange(4, dtype=np.float64)
    assert TabularPreprocessor().fit_transform(df).dtype == np.float64
    # no numeric column at all
    assert TabularPreprocessor().fit_transform(df[["c"]]).dtype == np.float64


def test_dataframe_column_names():
    df = mixed_frame()
    pre = TabularPreprocessor().fit(df)
    assert_array_equal(pre.feature_names_in_, df.columns)
    assert pre.n_features_in_ == 5
    with pytest.raises(ValueError, match="feature names"):
        pre.transform(df.rename(columns={"num": "other"}))
    with pytest.raises(ValueError, match="feature names"):
        pre.transform(df[df.columns[::-1]])
    with pytest.warns(UserWarning, match="valid feature names"):
        with pytest.raises(ValueError, match="5 features"):
            pre.transform(df.iloc[:, :4].to_numpy())
    with pytest.raises(ValueError, match="input_features is not equal"):
        pre.get_feature_names_out(["a", "b", "c", "d", "e"])


def test_array_after_dataframe_fit():
    df = mixed_frame().astype({"count": float})
    pre = TabularPreprocessor(max_onehot=3).fit(df)
    with pytest.warns(UserWarning, match="valid feature names"):
        Z = pre.transform(df.to_numpy(dtype=object))
    assert_allclose(Z, pre.transform(df))


def test_empty_inputs_raise():
    with pytest.raises(ValueError, match="0 sample"):
        TabularPreprocessor().fit(mixed_frame().iloc[:0])
    with pytest.raises(ValueError, match="0 sample"):
        TabularPreprocessor().fit(np.zeros((0, 2)))


def test_all_missing_categorical_column():
    df = pd.DataFrame({"c": pd.Series([None, None, None], dtype=object)})
    pre = TabularPreprocessor().fit(df)
    assert pre.block_sizes_ == (0, 1, 0)
    assert_array_equal(pre.transform(df), np.ones((3, 1)))
    assert_array_equal(pre.transform(pd.DataFrame({"c": ["x"]})), [[0.0]])
    pre = TabularPreprocessor(max_onehot=0).fit(df)
    assert pre.cardinalities_ == [2]
    assert_array_equal(pre.transform(df).ravel(), [1, 1, 1])


def test_set_output_pandas():
    df = mixed_frame()
    pre = TabularPreprocessor().set_output(transform="pandas").fit(df)
    out = pre.transform(df)
    assert list(out.columns) == list(pre.get_feature_names_out())
    plain = clone(pre).set_output(transform="default").fit_transform(df)
    assert_allclose(out.to_numpy(), plain)


def test_pickle_and_clone():
    df = mixed_frame()
    pre = TabularPreprocessor(max_onehot=3).fit(df)
    restored = pickle.loads(pickle.dumps(pre))
    assert_array_equal(restored.transform(df), pre.transform(df))
    assert_array_equal(clone(pre).fit_transform(df), pre.transform(df))


def test_pipeline_and_column_transformer():
    rng = np.random.RandomState(0)
    n = 60
    df = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "g": pd.Categorical(rng.choice(["a", "b", "c"], size=n)),
            "ignored": rng.normal(size=n),
        }
    )
    y = ((df["x"] > 0) ^ (df["g"] == "a")).astype(int)
    df.loc[::7, "x"] = np.nan
    model = make_pipeline(TabularPreprocessor(), LogisticRegression()).fit(df, y)
    assert model.score(df, y) > 0.6

    ct = ColumnTransformer(
        [("tab", TabularPreprocessor(), ["x", "g"])], remainder="passthrough"
    ).fit(df)
    assert list(ct.get_feature_names_out()) == [
        "tab__x",
        "tab__missingindicator_x",
        "tab__g_a",
        "tab__g_b",
        "tab__g_c",
        "remainder__ignored",
    ]
    assert ct.transform(df).shape == (n, 6)


def test_columns_neither_numeric_nor_categorical_are_refused():
    X = pd.DataFrame(
        {"x": [1.0, 2.0, 3.0], "when": pd.date_range("2020-01-01", periods=3)}
    )
    with pytest.raises(ValueError, match="Column 'when' has dtype datetime64"):
        TabularPreprocessor().fit(X)
