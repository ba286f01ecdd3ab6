"""The development suite of ``bench_tabular.py``: tabular datasets built only
from scikit-learn's bundled and generated datasets and the ``mnist1d``
package (generated procedurally, nothing is downloaded).

Every builder has fixed seeds, so the suite is the same on every machine
(given the same library versions). A dataset is a :class:`Dataset`: ``X`` is
a DataFrame when it has categorical columns (pandas ``category`` or
``object`` dtype), else a float ndarray; ``y`` is an integer (classification)
or float (regression) ndarray. The preprocessing that the MLP pipelines of
``bench_tabular.py`` share is here too (:func:`preprocessor`).

Datasets
--------
breast_cancer   binary      load_breast_cancer
wine            multiclass  load_wine (3 classes, 178 rows: the smallest)
digits          multiclass  load_digits (10 classes, 8x8 images)
diabetes        regression  load_diabetes (raw target, 25..346)
clf_noisy       binary      make_classification: 100 features, 8 informative,
                            10 redundant, 10% flipped labels
clf_multi       multiclass  make_classification: 6 classes, 3 clusters each,
                            15 informative of 30, 3% flipped labels
hastie          binary      make_hastie_10_2 (sum of squares vs chi2 median)
reg_linear      regression  make_regression: 40 features, 20 informative,
                            noise 30
friedman1       regression  make_friedman1, noise 1
friedman2       regression  make_friedman2, noise 60 (target in the 100s)
friedman3       regression  make_friedman3, noise 0.1
mixed_clf       binary      synthetic mixed table, 40,000 rows (below)
mixed_reg       regression  synthetic mixed table, 10,000 rows (below)
mnist1d         multiclass  MNIST-1D (40-step signals, 10 classes), the
                            package's default 5000 samples, procedurally
                            generated; its train and test parts are joined
                            and split like every other dataset

The mixed tables have 7 numeric columns (one log-normal, "income") and 4
categorical ones: ``color`` (3 levels, object dtype: strings), ``grade`` (8
levels), ``region`` (40 levels, Zipf-like frequencies) and ``store`` (150
levels, Zipf-like), all but ``color`` of ``category`` dtype. The target's
signal is non-linear: the slope of ``num_0`` depends on ``color``, each
``grade`` scales ``tanh(2 num_1)`` by its own factor, ``region`` and
``store`` add an effect per level (in no order), plus ``sin(2 num_2)``,
``num_3 * num_4``, ``log(income)`` and a step in ``num_5``. About 10% of
``num_1``, ``income`` (missing more often when large) and ``region``, and
5% of ``store`` are NaN; the target is drawn from the values before they
were hidden. ``mixed_clf`` draws a label from a logistic of the signal,
``mixed_reg`` adds Gaussian noise.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

TASKS = ("binary", "multiclass", "regression")


@dataclass
class Dataset:
    name: str
    task: str  # one of TASKS
    X: object  # pandas DataFrame (categoricals) or float ndarray
    y: np.ndarray

    @property
    def is_classification(self):
        return self.task != "regression"

    @property
    def n_categorical(self):
        if not isinstance(self.X, pd.DataFrame):
            return 0
        return sum(
            1
            for dtype in self.X.dtypes
            if not pd.api.types.is_numeric_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        )

    @property
    def missing_fraction(self):
        """The fraction of missing cells in ``X``."""
        if isinstance(self.X, pd.DataFrame):
            return float(self.X.isna().to_numpy().mean())
        return float(np.isnan(self.X).mean())

    def describe(self):
        """``name, task, rows, features, categoricals, missing`` as text."""
        n, d = self.X.shape
        classes = ""
        if self.is_classification:
            classes = f" ({len(np.unique(self.y))} classes)"
        missing = self.missing_fraction
        return (
            f"{self.name:14} {self.task + classes:24} {n:6d} rows {d:4d} features"
            f"  categorical: {self.n_categorical:2d}"
            f"  missing: {100 * missing:4.1f}% of cells"
        )


# ---------------------------------------------------------- scikit-learn
def _sklearn_loader(name, task):
    def build():
        from sklearn import datasets

        X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
        return Dataset(name, task, X.astype(np.float64), y)

    return build


def _clf_noisy():
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=3000,
        n_features=100,
        n_informative=8,
        n_redundant=10,
        flip_y=0.1,
        random_state=1,
    )
    return Dataset("clf_noisy", "binary", X, y)


def _clf_multi():
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=8000,
        n_features=30,
        n_informative=15,
        n_redundant=5,
        n_classes=6,
        n_clusters_per_class=3,
        flip_y=0.03,
        random_state=2,
    )
    return Dataset("clf_multi", "multiclass", X, y)


def _hastie():
    from sklearn.datasets import make_hastie_10_2

    X, y = make_hastie_10_2(n_samples=12000, random_state=3)
    return Dataset("hastie", "binary", X, (y > 0).astype(np.int64))


def _reg_linear():
    from sklearn.datasets import make_regression

    X, y = make_regression(
        n_samples=4000, n_features=40, n_informative=20, noise=30.0, random_state=4
    )
    return Dataset("reg_linear", "regression", X, y)


def _friedman(number, n_samples, noise):
    def build():
        from sklearn import datasets

        make = getattr(datasets, f"make_friedman{number}")
        X, y = make(n_samples=n_samples, noise=noise, random_state=10 + number)
        return Dataset(f"friedman{number}", "regression", X, y)

    return build


# ---------------------------------------------------------------- mixed
def _zipf_codes(rng, n, levels, exponent=1.1):
    """Codes ``0..levels-1`` with Zipf-like frequencies, in shuffled order."""
    weights = 1.0 / np.arange(1, levels + 1) ** exponent
    order = rng.permutation(levels)
    return order[rng.choice(levels, size=n, p=weights / weights.sum())]


def _categorical(codes, prefix, levels, missing):
    codes = np.where(missing, -1, codes)
    names = [f"{prefix}{i}" for i in range(levels)]
    return pd.Categorical.from_codes(codes, categories=names)


def mixed_table(n, seed):
    """The mixed numeric/categorical table: ``(X, signal)``."""
    rng = np.random.default_rng(seed)
    num = rng.standard_normal((n, 6))
    income = rng.lognormal(mean=0.0, sigma=1.0, size=n)
    color = rng.choice(3, size=n, p=[0.5, 0.3, 0.2])
    grade = rng.integers(0, 8, size=n)
    region = _zipf_codes(rng, n, 40)
    store = _zipf_codes(rng, n, 150)
    # per-level effects, in no particular order of the codes
    slope = np.array([1.5, -1.0, 0.2])
    grade_scale = rng.normal(0.0, 1.2, size=8)
    region_effect = rng.normal(0.0, 0.8, size=40)
    store_effect = rng.normal(0.0, 0.6, size=150)
    signal = (
        slope[color] * num[:, 0]
        + grade_scale[grade] * np.tanh(2.0 * num[:, 1])
        + np.sin(2.0 * num[:, 2])
        + 0.5 * num[:, 3] * num[:, 4]
        + 0.5 * np.log(income)
        + 0.8 * (num[:, 5] > 0.5)
        + region_effect[region]
        + store_effect[store]
    )
    # hide values after the signal is drawn: ~10% of num_1, income (more
    # often when large), region; 5% of store
    num_1 = np.where(rng.random(n) < 0.1, np.nan, num[:, 1])
    large = income > np.median(income)
    income = np.where(rng.random(n) < np.where(large, 0.16, 0.04), np.nan, income)
    X = pd.DataFrame(
        {
            "num_0": num[:, 0],
            "num_1": num_1,
            "num_2": num[:, 2],
            "num_3": num[:, 3],
            "num_4": num[:, 4],
            "num_5": num[:, 5],
            "income": income,
            "color": np.array(["red", "green", "blue"], dtype=object)[color],
            "grade": _categorical(grade, "g", 8, np.zeros(n, bool)),
            "region": _categorical(region, "r", 40, rng.random(n) < 0.1),
            "store": _categorical(store, "s", 150, rng.random(n) < 0.05),
        }
    )
    X["color"] = X["color"].astype(object)
    return X, signal, rng


def _mixed_clf():
    X, signal, rng = mixed_table(40000, seed=20)
    logit = 1.5 * (signal - np.median(signal)) / signal.std()
    y = (rng.random(len(signal)) < 1.0 / (1.0 + np.exp(-logit))).astype(np.int64)
    return Dataset("mixed_clf", "binary", X, y)


def _mixed_reg():
    X, signal, rng = mixed_table(10000, seed=21)
    y = signal + rng.normal(0.0, 0.5, size=len(signal))
    return Dataset("mixed_reg", "regression", X, y)


# -------------------------------------------------------------- mnist1d
def mnist1d_available():
    try:
        import mnist1d.data  # noqa: F401
    except ImportError:
        return False
    return True


def _mnist1d():
    """MNIST-1D generated with the package's default arguments (seed 42),
    without the download ``mnist1d.data.get_dataset`` would try first. The
    generator seeds NumPy's global random state: it is restored after."""
    from mnist1d.data import get_dataset_args, make_dataset

    state = np.random.get_state()
    try:
        data = make_dataset(get_dataset_args())
    finally:
        np.random.set_state(state)
    X = np.concatenate([data["x"], data["x_test"]]).astype(np.float64)
    y = np.concatenate([data["y"], data["y_test"]]).astype(np.int64)
    return Dataset("mnist1d", "multiclass", X, y)


BUILDERS = {
    "breast_cancer": _sklearn_loader("breast_cancer", "binary"),
    "wine": _sklearn_loader("wine", "multiclass"),
    "digits": _sklearn_loader("digits", "multiclass"),
    "diabetes": _sklearn_loader("diabetes", "regression"),
    "clf_noisy": _clf_noisy,
    "clf_multi": _clf_multi,
    "hastie": _hastie,
    "reg_linear": _reg_linear,
    "friedman1": _friedman(1, 5000, 1.0),
    "friedman2": _friedman(2, 2000, 60.0),
    "friedman3": _friedman(3, 2000, 0.1),
    "mixed_clf": _mixed_clf,
    "mixed_reg": _mixed_reg,
    "mnist1d": _mnist1d,
}


def subsample(dataset, max_rows, seed=0):
    """``dataset`` with at most ``max_rows`` rows (stratified for
    classification), drawn with a fixed seed."""
    n = len(dataset.y)
    if max_rows is None or n <= max_rows:
        return dataset
    from sklearn.model_selection import train_test_split

    rows = np.arange(n)
    keep, _ = train_test_split(
        rows,
        train_size=max_rows,
        random_state=seed,
        stratify=dataset.y if dataset.is_classification else None,
    )
    keep = np.sort(keep)
    return Dataset(dataset.name, dataset.task, take(dataset.X, keep), dataset.y[keep])


def real_builders():
    """The real tables' builders (``_real_tables.py``)."""
    import _real_tables

    return _real_tables.BUILDERS


def available_names(kind="all"):
    """The dataset names of ``kind``: 'generated' (this module's), 'real'
    (the real tables) or 'all'."""
    names = []
    if kind in ("generated", "all"):
        names += list(BUILDERS)
    if kind in ("real", "all"):
        names += list(real_builders())
    return names


def build(names=None, max_rows=None):
    """The datasets ``names`` (default: all, generated and real), each
    subsampled to ``max_rows``; ``mnist1d`` is skipped with a message
    without the package, the real tables without their folder."""
    import _real_tables

    out = []
    for name in names or available_names():
        if name == "mnist1d" and not mnist1d_available():
            print("mnist1d is not importable (pip install mnist1d): skipped.")
            continue
        if name in _real_tables.BUILDERS:
            if not _real_tables.available():
                print(f"{name}: no tables in {_real_tables.tables_dir()}: skipped.")
                continue
            out.append(subsample(_real_tables.BUILDERS[name](), max_rows))
            continue
        out.append(subsample(BUILDERS[name](), max_rows))
    return out


def split_rows(dataset, seed, test_size=0.25):
    """The row indices of one random train/test split, stratified for
    classification: ``train, test``."""
    from sklearn.model_selection import train_test_split

    return train_test_split(
        np.arange(len(dataset.y)),
        test_size=test_size,
        random_state=seed,
        stratify=dataset.y if dataset.is_classification else None,
    )


def take(X, rows):
    """Rows ``rows`` of a DataFrame or an ndarray."""
    return X.iloc[rows] if isinstance(X, pd.DataFrame) else X[rows]


# ------------------------------------------------------- preprocessing
def objects_as_category(X):
    """``X`` with its object/string columns turned to ``category`` dtype
    (the vocabulary of the whole column, known before any split: no target
    information). Estimators reading categoricals from the dtype need it."""
    if not isinstance(X, pd.DataFrame):
        return X
    columns = [
        c
        for c, dtype in X.dtypes.items()
        if not pd.api.types.is_numeric_dtype(dtype)
        and not isinstance(dtype, pd.CategoricalDtype)
    ]
    return X.astype({c: "category" for c in columns}) if columns else X


def has_categoricals(X):
    return isinstance(X, pd.DataFrame) and any(
        not pd.api.types.is_numeric_dtype(dtype) for dtype in X.dtypes
    )


def preprocessor(X):
    """Imputation and scaling for numeric columns, imputation and one-hot
    encoding for categorical ones (a ColumnTransformer when ``X`` has
    categorical columns)."""
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    if not has_categoricals(X):
        return numeric
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="missing"),
        OneHotEncoder(handle_unknown="ignore"),
    )
    return ColumnTransformer(
        [
            ("num", numeric, make_column_selector(dtype_include="number")),
            ("cat", categorical, make_column_selector(dtype_exclude="number")),
        ]
    )


if __name__ == "__main__":
    for dataset in build():
        print(dataset.describe())
