"""Tests of skdeep.model_selection: the random-search distributions."""

import pickle
import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    HalvingRandomSearchCV,
    ParameterSampler,
    RandomizedSearchCV,
)
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdeep.model_selection
from skdeep import MLPClassifier, MLPRegressor
from skdeep.model_selection import HiddenLayerSizes, param_distributions

N_DRAWS = 4000
ALL_KEYS = {
    "alpha",
    "batch_size",
    "dropout",
    "hidden_layer_sizes",
    "learning_rate_init",
}

quiet = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning",
    # rounds of HalvingRandomSearchCV smaller than batch_size
    "ignore:Got `batch_size`:UserWarning",
)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300], y[:300]


def draws(distribution, n=N_DRAWS, seed=0):
    if isinstance(distribution, list):
        rng = np.random.RandomState(seed)
        return [distribution[i] for i in rng.randint(len(distribution), size=n)]
    return distribution.rvs(size=n, random_state=seed)


def small_pipe(**params):
    return make_pipeline(
        StandardScaler(),
        MLPClassifier(max_iter=30, early_stopping=True, random_state=0, **params),
    )


# -- the distributions ---------------------------------------------------------


def test_submodule_import():
    assert skdeep.model_selection.param_distributions is param_distributions
    assert set(skdeep.model_selection.__all__) == {
        "HiddenLayerSizes",
        "param_distributions",
    }


def test_default_keys_and_ranges():
    dists = param_distributions()
    assert set(dists) == ALL_KEYS
    lr = np.asarray(draws(dists["learning_rate_init"]))
    assert lr.min() >= 1e-4 and lr.max() <= 1e-1
    alpha = np.asarray(draws(dists["alpha"]))
    assert alpha.min() >= 1e-6 and alpha.max() <= 1e-1
    dropout = np.asarray(draws(dists["dropout"]))
    assert dropout.min() >= 0.0 and dropout.max() <= 0.5
    # uniform: a quarter of the draws in each quarter of [0, 0.5]
    counts = np.histogram(dropout, bins=4, range=(0, 0.5))[0] / N_DRAWS
    assert_allclose(counts, 0.25, atol=0.03)
    assert set(draws(dists["batch_size"])) == {32, 64, 128, 256}
    # the draws fill the ranges
    assert lr.min() < 1.2e-4 and lr.max() > 0.08
    assert alpha.min() < 1.5e-6 and alpha.max() > 0.08


@pytest.mark.parametrize(
    "key, low, high",
    [("learning_rate_init", 1e-4, 1e-1), ("alpha", 1e-6, 1e-1)],
)
def test_log_uniform(key, low, high):
    logs = np.log10(draws(param_distributions()[key]))
    mid = (np.log10(low) + np.log10(high)) / 2
    assert abs(np.median(logs) - mid) < 0.1
    # every decade gets the same share, unlike a uniform distribution, which
    # would put 90 % of the draws in the top decade
    n_decades = round(np.log10(high / low))
    shares = np.histogram(logs, bins=n_decades, range=(np.log10(low), np.log10(high)))
    assert_allclose(shares[0] / N_DRAWS, 1 / n_decades, atol=0.03)


@pytest.mark.parametrize(
    "solver, low, high",
    [
        ("adam", 1e-4, 1e-1),
        ("rmsprop", 1e-4, 1e-1),
        ("sgd", 1e-3, 3e-1),
        ("adagrad", 1e-3, 3e-1),
    ],
)
def test_learning_rate_range_follows_solver(solver, low, high):
    for estimator in (MLPClassifier(solver=solver), MLPRegressor(solver=solver)):
        lr = param_distributions(estimator)["learning_rate_init"]
        assert_allclose(lr.support(), (low, high))
        values = np.asarray(draws(lr, n=1000))
        assert values.min() >= low and values.max() <= high


def test_lbfgs_has_no_stochastic_parameters():
    dists = param_distributions(MLPClassifier(solver="lbfgs"))
    assert set(dists) == {"alpha", "hidden_layer_sizes"}
    with pytest.raises(ValueError, match="solver='lbfgs'"):
        param_distributions(MLPClassifier(solver="lbfgs"), include=["dropout"])


def test_hidden_layer_sizes_draws():
    sizes = param_distributions(max_layers=3, min_units=16, max_units=512)[
        "hidden_layer_sizes"
    ]
    assert sizes == HiddenLayerSizes(max_layers=3, min_units=16, max_units=512)
    shapes = draws(sizes)
    for shape in shapes:
        assert type(shape) is tuple
        assert 1 <= len(shape) <= 3
        assert all(type(units) is int and 16 <= units <= 512 for units in shape)
        assert len(set(shape)) == 1  # same_units=True
    depths = np.array([len(shape) for shape in shapes])
    assert set(depths) == {1, 2, 3}
    assert_allclose(np.bincount(depths)[1:] / N_DRAWS, 1 / 3, atol=0.03)
    # log-uniform widths
    logs = np.log([shape[0] for shape in shapes])
    assert abs(np.median(logs) - (np.log(16) + np.log(513)) / 2) < 0.1


def test_hidden_layer_sizes_bounds_and_options():
    # every depth and every width of a small range appears, the ends included
    shapes = HiddenLayerSizes(min_layers=2, max_layers=4, min_units=2, max_units=5).rvs(
        size=2000, random_state=0
    )
    assert {len(shape) for shape in shapes} == {2, 3, 4}
    assert {units for shape in shapes for units in shape} == {2, 3, 4, 5}
    # one width per layer
    shapes = HiddenLayerSizes(max_layers=3, same_units=False).rvs(
        size=500, random_state=0
    )
    assert any(len(set(shape)) > 1 for shape in shapes)
    assert HiddenLayerSizes(min_layers=2, max_layers=2, min_units=7, max_units=7).rvs(
        random_state=0
    ) == (7, 7)


@pytest.mark.parametrize(
    "params, error",
    [
        ({"max_layers": 0}, ValueError),
        ({"min_layers": 3, "max_layers": 2}, ValueError),
        ({"min_units": 64, "max_units": 32}, ValueError),
        ({"max_units": 10.5}, TypeError),
        ({"max_layers": True}, TypeError),
    ],
)
def test_hidden_layer_sizes_validation(params, error):
    with pytest.raises(error):
        HiddenLayerSizes(**params)


def test_hidden_layer_sizes_repr():
    assert repr(HiddenLayerSizes()) == (
        "HiddenLayerSizes(min_layers=1, max_layers=3, min_units=16, "
        "max_units=512, same_units=True)"
    )


@pytest.mark.parametrize("key", sorted(ALL_KEYS - {"batch_size"}))
def test_reproducible(key):
    distribution = param_distributions()[key]
    first = distribution.rvs(size=50, random_state=42)
    assert_array_equal(
        np.asarray(first, dtype=object),
        np.asarray(distribution.rvs(size=50, random_state=42), dtype=object),
    )
    other = distribution.rvs(size=50, random_state=43)
    assert list(map(str, first)) != list(map(str, other))
    one = distribution.rvs(random_state=np.random.RandomState(7))
    assert str(one) == str(distribution.rvs(random_state=np.random.RandomState(7)))


def test_generator_random_state():
    sizes = HiddenLayerSizes()
    assert sizes.rvs(size=20, random_state=np.random.default_rng(0)) == sizes.rvs(
        size=20, random_state=np.random.default_rng(0)
    )


def test_parameter_sampler_reproducible_and_picklable():
    dists = param_distributions(small_pipe())
    sampled = list(ParameterSampler(dists, n_iter=20, random_state=0))
    restored = pickle.loads(pickle.dumps(dists))
    assert restored["mlpclassifier__hidden_layer_sizes"] == HiddenLayerSizes()
    assert repr(list(ParameterSampler(restored, n_iter=20, random_state=0))) == repr(
        sampled
    )
    assert repr(list(ParameterSampler(dists, n_iter=20, random_state=1))) != repr(
        sampled
    )
    # a draw is a valid setting of the estimator
    for params in sampled[:3]:
        small_pipe().set_params(**params)


# -- include, prefix and the estimator ----------------------------------------


def test_include():
    dists = param_distributions(include=["alpha", "hidden_layer_sizes"])
    assert list(dists) == ["hidden_layer_sizes", "alpha"]
    assert list(param_distributions(include="alpha")) == ["alpha"]
    assert param_distributions(include=[]) == {}


def test_include_unknown_key():
    with pytest.raises(ValueError, match=re.escape("Unknown include key(s) ['lr']")):
        param_distributions(include=["alpha", "lr"])
    # the keys are given without the prefix
    with pytest.raises(ValueError, match="Unknown include key"):
        param_distributions(small_pipe(), include=["mlpclassifier__alpha"])


def test_estimator_without_dropout():
    dists = param_distributions(SklearnMLPClassifier())
    assert set(dists) == ALL_KEYS - {"dropout"}
    with pytest.raises(ValueError, match="no such parameter"):
        param_distributions(SklearnMLPClassifier(), include=["dropout"])


def test_prefix_from_pipeline():
    dists = param_distributions(small_pipe(solver="sgd"))
    assert set(dists) == {f"mlpclassifier__{key}" for key in ALL_KEYS}
    assert dists["mlpclassifier__learning_rate_init"].support() == (1e-3, 3e-1)
    nested = make_pipeline(StandardScaler(), make_pipeline(MLPRegressor()))
    assert set(param_distributions(nested)) == {
        f"pipeline__mlpregressor__{key}" for key in ALL_KEYS
    }
    assert set(param_distributions(MLPClassifier())) == ALL_KEYS


def test_explicit_prefix():
    assert set(param_distributions(prefix="clf__")) == {
        f"clf__{key}" for key in ALL_KEYS
    }
    dists = param_distributions(small_pipe(solver="lbfgs"), prefix="mlpclassifier__")
    assert set(dists) == {"mlpclassifier__alpha", "mlpclassifier__hidden_layer_sizes"}
    with pytest.raises(ValueError, match="does not name an MLP"):
        param_distributions(small_pipe(), prefix="clf__")
    with pytest.raises(ValueError, match="does not name an MLP"):
        param_distributions(small_pipe(), prefix="standardscaler__")
    with pytest.raises(TypeError, match="prefix must be a str"):
        param_distributions(prefix=3)


def test_estimator_without_or_with_several_mlps():
    with pytest.raises(ValueError, match="No MLP estimator"):
        param_distributions(make_pipeline(StandardScaler(), LogisticRegression()))
    voting = VotingClassifier([("a", MLPClassifier()), ("b", MLPClassifier())])
    with pytest.raises(ValueError, match="Several MLP estimators"):
        param_distributions(voting)
    assert set(param_distributions(voting, prefix="b__")) == {
        f"b__{key}" for key in ALL_KEYS
    }
    with pytest.raises(TypeError, match="scikit-learn estimator"):
        param_distributions("mlp")


# -- in scikit-learn's searches ----------------------------------------------


@quiet
def test_randomized_search_pipeline(digits):
    X, y = digits
    pipe = small_pipe()
    dists = param_distributions(pipe, max_units=64)
    results = {}
    for n_jobs in (2, 1):
        search = RandomizedSearchCV(
            pipe, dists, n_iter=4, cv=2, n_jobs=n_jobs, random_state=0
        ).fit(X, y)
        assert set(search.best_params_) == set(dists)
        assert all(key.startswith("mlpclassifier__") for key in search.best_params_)
        results[n_jobs] = search.cv_results_
    assert_allclose(
        results[2]["mean_test_score"], results[1]["mean_test_score"], rtol=0, atol=1e-12
    )
    assert np.isfinite(results[1]["mean_test_score"]).all()
    assert repr(results[2]["params"]) == repr(results[1]["params"])
    assert search.best_score_ > 0.5


@quiet
def test_halving_search_max_iter(digits):
    X, y = digits
    pipe = small_pipe()
    search = HalvingRandomSearchCV(
        pipe,
        param_distributions(pipe, max_units=64),
        resource="mlpclassifier__max_iter",
        min_resources=5,
        max_resources=40,
        factor=2,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert search.n_resources_ == [5, 10, 20, 40]
    assert search.best_params_["mlpclassifier__max_iter"] == 40
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_[-1].n_iter_ <= 40


@quiet
def test_halving_search_n_samples(digits):
    X, y = digits
    pipe = small_pipe()
    search = HalvingRandomSearchCV(
        pipe,
        param_distributions(pipe, max_units=64),
        resource="n_samples",
        min_resources=60,
        factor=2,
        cv=2,
        random_state=0,
    ).fit(X, y)
    assert search.n_resources_ == [60, 120, 240]
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ > 0.5


def test_validation_set_too_small_threshold():
    # 10 training rows hold out 1 validation row at validation_fraction=0.1
    X, y = load_digits(return_X_y=True)
    clf = MLPClassifier(max_iter=2, early_stopping=True, random_state=0)
    with pytest.raises(ValueError, match="The validation set is too small"):
        clf.fit(X[:10], y[:10])
    with pytest.warns(ConvergenceWarning):
        clf.fit(X[:11], y[:11])
    # scikit-learn's MLP raises the same error
    with pytest.raises(ValueError, match="The validation set is too small"):
        SklearnMLPClassifier(early_stopping=True).fit(X[:10], y[:10])


@quiet
@pytest.mark.parametrize("min_resources, fails", [(21, True), (22, False)])
def test_halving_n_samples_smallest_resource(digits, min_resources, fails):
    # cv=2: the first round trains on int(min_resources / 2) rows, which
    # must be at least 11 (the documented minimum: 22)
    X, y = digits
    pipe = small_pipe()
    search = HalvingRandomSearchCV(
        pipe,
        param_distributions(pipe, max_units=32),
        resource="n_samples",
        n_candidates=2,
        min_resources=min_resources,
        max_resources=2 * min_resources,
        factor=2,
        cv=2,
        random_state=0,
        error_score="raise",
    )
    if fails:
        with pytest.raises(ValueError, match="The validation set is too small"):
            search.fit(X, y)
    else:
        search.fit(X, y)
        assert np.isfinite(search.cv_results_["mean_test_score"]).all()


@quiet
def test_halving_n_samples_too_small_all_fail(digits):
    X, y = digits
    pipe = small_pipe()
    search = HalvingRandomSearchCV(
        pipe,
        param_distributions(pipe, max_units=32),
        resource="n_samples",
        min_resources=20,
        cv=2,
        random_state=0,
    )
    # error_score=np.nan, but every candidate of the first round trains on
    # the same 10 rows and fails: scikit-learn gives up
    with pytest.raises(ValueError, match=r"All the \d+ fits failed") as info:
        search.fit(X, y)
    assert "The validation set is too small" in str(info.value)


@quiet
@pytest.mark.filterwarnings("ignore:One or more of the .* scores are non-finite")
def test_halving_n_samples_too_small_scores_nan(digits):
    # candidates whose validation set is too small score NaN, rank last and
    # are not carried to the next round; the others go on
    X, y = digits
    pipe = small_pipe()
    dists = param_distributions(pipe, max_units=32)
    dists["mlpclassifier__validation_fraction"] = [0.1, 0.3]
    search = HalvingRandomSearchCV(
        pipe,
        dists,
        resource="n_samples",
        min_resources=20,
        factor=3,
        cv=2,
        random_state=0,
        error_score=np.nan,
    )
    with pytest.warns(FitFailedWarning, match="The validation set is too small"):
        search.fit(X, y)
    results = search.cv_results_
    fraction = np.array(results["param_mlpclassifier__validation_fraction"], float)
    scores = results["mean_test_score"]
    first = results["iter"] == 0
    assert (fraction[first] == 0.1).any() and (fraction[first] == 0.3).any()
    assert np.isnan(scores[first & (fraction == 0.1)]).all()
    assert np.isfinite(scores[fraction == 0.3]).all()
    assert (fraction[~first] == 0.3).all()
    ranks = results["rank_test_score"]
    assert ranks[np.isnan(scores)].min() > ranks[np.isfinite(scores)].max()
    assert search.best_params_["mlpclassifier__validation_fraction"] == 0.3
