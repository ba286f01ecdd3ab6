"""TabularMLPClassifier and TabularMLPRegressor."""

import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import TabularMLPClassifier, TabularMLPRegressor
from skdeep.data.split import split_indices
from skdeep.recipes import tabular as tabular_recipe
from skdeep.recipes.tabular import epoch_budget

SMALL = dict(hidden_layer_sizes=(32, 32), max_iter=40)


WEIGHTS_REASON = (
    "impossible by construction: the preprocessing's medians and quantiles "
    "count rows, not weights; dropout draws one mask per row (a repeated row "
    "gets two where a row of weight 2 gets one); the validation split draws rows"
)


@parametrize_with_checks(
    [
        TabularMLPClassifier(**SMALL),
        TabularMLPRegressor(**SMALL),
        TabularMLPClassifier(**SMALL, numerical_embedding=None, validation_fraction=0),
    ],
    expected_failed_checks=lambda est: {
        "check_sample_weight_equivalence_on_dense_data": WEIGHTS_REASON
    },
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def mixed_table(n=600, seed=0, regression=False):
    """Numeric, low- and high-cardinality categorical columns, NaNs; the
    target depends non-linearly on all of them."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.exponential(size=n)
    color = rng.choice(["red", "green", "blue"], size=n)
    city = rng.choice([f"city{i}" for i in range(30)], size=n)
    city_effect = dict(zip([f"city{i}" for i in range(30)], rng.normal(size=30)))
    signal = (
        np.sin(2 * x1)
        + np.log1p(x2)
        + (color == "red")
        + np.array([city_effect[c] for c in city])
    )
    X = pd.DataFrame(
        {
            "x1": x1,
            "x2": x2,
            "color": pd.Categorical(color),
            "city": city.astype(object),
        }
    )
    X.loc[rng.random(n) < 0.1, "x2"] = np.nan
    X.loc[rng.random(n) < 0.1, "color"] = np.nan
    y = signal + 0.1 * rng.normal(size=n)
    return X, (y if regression else (y > np.median(y)).astype(int))


def test_dataframe_with_categories_and_missing_values():
    X, y = mixed_table()
    clf = TabularMLPClassifier(random_state=0, max_iter=60, max_onehot=8)
    clf.fit(X[:400], y[:400])
    assert clf.preprocessor_.block_sizes_[2] == 1  # city: an embedding
    accuracy = clf.score(X[400:], y[400:])
    assert accuracy > 0.8
    proba = clf.predict_proba(X[400:])
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert proba.dtype == np.float64  # predictions run in float64
    unseen = X[400:].copy()
    unseen["city"] = "elsewhere"  # unknown categories never raise
    assert clf.predict(unseen).shape == (200,)


def test_regressor_learns_and_predicts_on_the_targets_scale():
    X, y = mixed_table(regression=True)
    y = 100 + 50 * y
    reg = TabularMLPRegressor(random_state=0, max_iter=30).fit(X[:400], y[:400])
    assert reg.score(X[400:], y[400:]) > 0.7
    assert abs(reg.predict(X[400:]).mean() - y[400:].mean()) < 10


def test_reproducible_with_random_state():
    X, y = mixed_table(300)
    a, b = (TabularMLPClassifier(**SMALL, random_state=1).fit(X, y) for _ in range(2))
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = TabularMLPClassifier(**SMALL, random_state=2).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_schedules_and_best_epoch():
    X, y = make_classification(400, 8, random_state=0)
    clf = TabularMLPClassifier(**SMALL, refit=False, random_state=0).fit(X, y)
    assert clf.n_iter_ == 40  # a fixed budget: all epochs run
    rates = clf.learning_rate_curve_
    assert rates[0] < rates[2]  # warmup
    assert rates[-1] < 0.05 * max(rates)  # cosine decay towards 0
    assert len(clf.validation_scores_) == 40
    flat = TabularMLPClassifier(**SMALL, random_state=0, schedules=False)
    flat.fit(X, y)
    assert len(set(flat.learning_rate_curve_)) == 1


def test_the_best_validation_epoch_is_kept():
    # few rows, many noise features: it overfits
    X, y = make_regression(200, 40, n_informative=3, noise=100, random_state=0)
    reg = TabularMLPRegressor(**SMALL, dropout=0.0, refit=False, random_state=0)
    scores = reg.fit(X, y).validation_scores_
    best = int(np.argmax(scores))
    assert scores[-1] < scores[best] - 0.1  # restoring matters
    # the rows the estimator held out (its split is seeded by random_state)
    _, val = split_indices(len(y), reg.validation_fraction, None, 0)
    assert reg.score(X[val], y[val]) == pytest.approx(scores[best], abs=1e-4)


def test_default_budget_depends_on_the_rows():
    # 256-row batches, about 2,000 steps, between 16 and 256 epochs
    assert epoch_budget("auto", 500, 256) == 256
    assert epoch_budget("auto", 30000, 256) == 17  # 118 steps per epoch
    assert epoch_budget("auto", 10**6, 256) == 16
    assert epoch_budget(7, 10**6, 256) == 7


def test_pipeline_search_clone_pickle():
    X, y = make_regression(300, 6, noise=5, random_state=0)
    pipe = make_pipeline(FunctionTransformer(), TabularMLPRegressor(**SMALL))
    search = GridSearchCV(
        pipe, {"tabularmlpregressor__dropout": [0.0, 0.15]}, cv=2
    ).fit(X, y)
    best = search.best_estimator_
    restored = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(restored.predict(X), best.predict(X))
    assert clone(best[-1]).get_params()["dropout"] == best[-1].dropout


def test_no_partial_fit():
    # their schedules span a fixed budget of epochs
    assert not hasattr(TabularMLPClassifier(), "partial_fit")
    assert not hasattr(TabularMLPRegressor(), "partial_fit")


def test_bad_input_leaves_the_model_unchanged():
    X, y = mixed_table(200)
    clf = TabularMLPClassifier(**SMALL, random_state=0).fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError):
        clf.fit(X.assign(x1=np.inf), y)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(X.rename(columns={"x1": "other"}))
    np.testing.assert_array_equal(clf.predict_proba(X), before)


# ---------------------------------------------------- preprocessing in fit
def test_preprocessing_sees_the_training_rows_only():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {"x": rng.normal(size=200), "id": [f"c{i}" for i in range(200)]}
    )
    y = (X["x"] > 0).astype(int).to_numpy()
    clf = TabularMLPClassifier(**SMALL, max_onehot=2, refit=False, random_state=0)
    clf.fit(X, y)
    train, val = split_indices(200, 0.2, y, 0)
    seen = set(clf.preprocessor_.categories_[0])
    assert seen == {f"c{i}" for i in train}  # none of the 40 validation rows
    # their codes are the unseen code 0: its vector is zero and stays zero
    codes = clf.preprocessor_.transform(X.iloc[val])[:, -1]
    assert not codes.any()
    embedding = clf._network.layers[0].blocks[-1][1]
    assert not embedding.tables()[0][0].any()


def test_categories_compare_by_value():
    X, y = mixed_table(300)
    X["grade"] = np.random.default_rng(1).integers(1, 4, 300)  # int codes
    X["grade"] = X["grade"].astype(object)
    clf = TabularMLPClassifier(**SMALL, random_state=0).fit(X, y)
    as_floats = X.assign(grade=X["grade"].astype(float).astype(object))
    np.testing.assert_array_equal(clf.predict_proba(as_floats), clf.predict_proba(X))


def test_object_arrays_of_strings_are_tables():
    X, y = mixed_table(300)
    frame = TabularMLPClassifier(**SMALL, random_state=0).fit(X, y)
    array = TabularMLPClassifier(**SMALL, random_state=0).fit(X.to_numpy(), y)
    np.testing.assert_array_equal(array.preprocessor_.is_categorical_, [0, 0, 1, 1])
    np.testing.assert_allclose(
        array.predict_proba(X.to_numpy()), frame.predict_proba(X), rtol=1e-12
    )


@pytest.mark.parametrize("embedding", ["periodic", "piecewise_linear"])
def test_ensemble_of_heads_learns(embedding):
    X, y = mixed_table()
    clf = TabularMLPClassifier(
        max_iter=30, max_onehot=8, n_heads=4, numerical_embedding=embedding,
        random_state=0,
    ).fit(X[:400], y[:400])
    # half the rows are positive; random_state 0-5 score 0.73-0.87
    assert np.mean(y[400:]) == pytest.approx(0.5, abs=0.06)
    assert clf.score(X[400:], y[400:]) > 0.72
    proba = clf.predict_proba(X[400:])
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-10)
    assert len(clf.coefs_) == 3  # the shared layers; the heads are not listed


def test_messages_name_the_estimator_and_the_parameter():
    X, y = mixed_table(40)
    with pytest.raises(ValueError, match="validation_fraction=0.2 of n_samples=4"):
        TabularMLPClassifier().fit(X[:4], y[:4])
    with pytest.raises(ValueError, match=r"only one class: 0\.0\.$"):
        TabularMLPClassifier().fit(X, np.zeros(40))
    clf = TabularMLPClassifier(**SMALL, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="feature names") as record:
        clf.predict(X.to_numpy())
    names = [str(w.message) for w in record if "feature names" in str(w.message)]
    assert len(names) == 1 and "TabularMLPClassifier" in names[0]
    with pytest.raises(ValueError, match="Input X contains infinity"):
        clf.predict(X.assign(x1=np.inf))
    with pytest.raises(ValueError, match="neither numeric nor categorical"):
        clf.predict(X.assign(x1=pd.Timestamp("2020-01-01")))


def test_refit_trains_on_every_row_up_to_the_best_epoch():
    X, y = make_regression(200, 40, n_informative=3, noise=100, random_state=0)
    selection = TabularMLPRegressor(**SMALL, dropout=0.0, refit=False, random_state=0)
    selection.fit(X, y)
    best = int(np.argmax(selection.validation_scores_)) + 1
    reg = TabularMLPRegressor(**SMALL, dropout=0.0, random_state=0).fit(X, y)
    assert reg.n_iter_ == best < 40  # the best epoch's number of epochs
    # the record: the selection's epochs with their scores, then the refit's
    assert reg.validation_scores_ == selection.validation_scores_
    assert len(reg.history_) == 40 + best
    assert all(r["valid_score"] is None for r in reg.history_[40:])
    assert reg.preprocessor_.n_features_in_ == 40 and reg.t_ == 160 * 40 + 200 * best
    # the schedules follow the selection's budget: the same rates, epoch by epoch
    np.testing.assert_allclose(
        reg.learning_rate_curve_[40:], selection.learning_rate_curve_[:best]
    )


def test_the_selection_stops_when_a_quarter_of_its_budget_brings_nothing(
    monkeypatch,
):
    # overfits at once; 800 training rows in 32-row batches: 25 steps an epoch
    X, y = make_regression(1000, 40, n_informative=3, noise=100, random_state=0)
    params = dict(SMALL, batch_size=32, dropout=0.0, random_state=0)
    stopped = TabularMLPRegressor(**params).fit(X, y)
    scores = stopped.validation_scores_
    best = int(np.argmax(scores)) + 1
    # patience: a quarter of 40 epochs (10) or of 2,000 steps (20 epochs)
    assert len(scores) == best + 21 < 40
    assert stopped.n_iter_ == best  # the refit's epochs
    monkeypatch.setattr(
        tabular_recipe, "RECIPE", replace(tabular_recipe.RECIPE, patience=None)
    )
    whole = TabularMLPRegressor(**params).fit(X, y)
    assert len(whole.validation_scores_) == 40
    assert whole.validation_scores_[: len(scores)] == scores
    # the same best epoch, so the same refit: the stop lost nothing
    np.testing.assert_array_equal(stopped.predict(X), whole.predict(X))
    # the refit's schedules span the best epoch's epochs, stopped or not
    np.testing.assert_array_equal(
        stopped.learning_rate_curve_, whole.learning_rate_curve_[: len(scores)]
        + whole.learning_rate_curve_[40:]
    )


def test_a_refit_along_the_schedule_follows_the_planned_budget(monkeypatch):
    X, y = make_regression(1000, 40, n_informative=3, noise=100, random_state=0)
    monkeypatch.setattr(
        tabular_recipe,
        "RECIPE",
        replace(tabular_recipe.RECIPE, refit_schedule="same"),
    )
    reg = TabularMLPRegressor(**SMALL, batch_size=32, dropout=0.0, random_state=0)
    reg.fit(X, y)
    selected = len(reg.validation_scores_)
    assert reg.n_iter_ < selected < 40  # the selection stopped early
    # the refit's rates: the selection's first epochs, along the 40-epoch budget
    np.testing.assert_allclose(
        reg.learning_rate_curve_[selected:],
        reg.learning_rate_curve_[: reg.n_iter_],
    )
