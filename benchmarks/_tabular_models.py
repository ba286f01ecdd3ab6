"""The models of ``bench_tabular.py`` and how each is built: scikit-learn's
and skdeep's MLPs (after an imputing/scaling/one-hot step), skdeep's tabular
estimators, pytabkit's RealMLP, and gradient boosting (scikit-learn's
HistGradientBoosting, LightGBM, CatBoost) at their defaults. With
``threads`` given, the boosting libraries get it as their thread count (the
others follow ``threadpoolctl``'s limits, set by the caller)."""

from dataclasses import dataclass

import _tabular_suite as suite
import numpy as np
import pandas as pd


class Unavailable(Exception):
    """The model cannot run here (a missing package or class)."""


# --------------------------------------------------------------- models
def seeded(estimator, seed):
    """``estimator`` with ``random_state=seed`` when it has one."""
    if "random_state" in estimator.get_params(deep=False):
        estimator.set_params(random_state=seed)
    return estimator


def _hgb(task, X, seed, threads=None):
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
    )

    cls = HistGradientBoostingRegressor
    if task != "regression":
        cls = HistGradientBoostingClassifier
    return cls(categorical_features="from_dtype", random_state=seed)


def _in_pipeline(library, task, X, seed):
    """``library``'s MLP after the suite's imputing/scaling/one-hot step."""
    from sklearn.pipeline import make_pipeline

    cls = library.MLPRegressor if task == "regression" else library.MLPClassifier
    return make_pipeline(suite.preprocessor(X), cls(random_state=seed))


def _sk_mlp(task, X, seed, threads=None):
    from sklearn import neural_network

    return _in_pipeline(neural_network, task, X, seed)


def _skdeep_mlp(task, X, seed, threads=None):
    import skdeep

    return _in_pipeline(skdeep, task, X, seed)


def _skdeep_tabular(task, X, seed, threads=None):
    import skdeep

    name = "TabularMLPRegressor" if task == "regression" else "TabularMLPClassifier"
    cls = getattr(skdeep, name, None)
    if cls is None:
        raise Unavailable(f"skdeep.{name} does not exist (yet)")
    return seeded(cls(), seed)


def _realmlp(task, X, seed, threads=None):
    try:
        from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor
    except ImportError as error:
        raise Unavailable(f"pytabkit is not importable ({error})") from None
    cls = RealMLP_TD_Regressor if task == "regression" else RealMLP_TD_Classifier
    model = seeded(cls(), seed)
    if not isinstance(X, pd.DataFrame):
        return model
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    numeric = make_column_selector(dtype_include="number")
    impute = ColumnTransformer(
        [("num", SimpleImputer(strategy="median"), numeric)],
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    return make_pipeline(impute, model)


def _lightgbm(task, X, seed, threads=None):
    try:
        import lightgbm
    except ImportError as error:
        raise Unavailable(f"lightgbm is not importable ({error})") from None
    cls = lightgbm.LGBMRegressor if task == "regression" else lightgbm.LGBMClassifier
    return cls(random_state=seed, n_jobs=threads or -1, verbose=-1)


def _catboost(task, X, seed, threads=None):
    try:
        import catboost
    except ImportError as error:
        raise Unavailable(f"catboost is not importable ({error})") from None
    cls = catboost.CatBoostRegressor
    if task != "regression":
        cls = catboost.CatBoostClassifier
    categorical = [] if not isinstance(X, pd.DataFrame) else list(
        X.select_dtypes(exclude="number").columns
    )
    return cls(
        random_seed=seed,
        thread_count=threads or -1,
        cat_features=categorical,
        verbose=0,
        allow_writing_files=False,
    )


def categories_as_strings(X):
    """``X`` with its categorical columns as strings, missing as "nan"
    (CatBoost's categorical features must be strings or integers)."""
    if not isinstance(X, pd.DataFrame):
        return X
    columns = list(X.select_dtypes(exclude="number").columns)
    if not columns:
        return X
    return X.astype({c: object for c in columns}).fillna(
        {c: "nan" for c in columns}
    ).astype({c: str for c in columns})


@dataclass
class Model:
    build: object  # (task, X_train, seed, threads) -> unfitted estimator
    prepare: object = None  # X -> X, once per dataset, before the splits


MODELS = {
    "hgb": Model(_hgb, suite.objects_as_category),
    "sk-mlp": Model(_sk_mlp),
    "skdeep-mlp": Model(_skdeep_mlp),
    "skdeep-tabular": Model(_skdeep_tabular),
    "realmlp": Model(_realmlp, suite.objects_as_category),
    "lightgbm": Model(_lightgbm, suite.objects_as_category),
    "catboost": Model(_catboost, categories_as_strings),
}


def usable_models(names):
    """``names`` without the models that cannot run here (with a message)."""
    usable = []
    for name in names:
        try:
            MODELS[name].build("binary", np.zeros((4, 2)), 0)
        except (Unavailable, ImportError) as error:
            print(f"{name}: skipped, {error}")
            continue
        if name not in usable:
            usable.append(name)
    return usable
