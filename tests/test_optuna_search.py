"""Tests of param_distributions(kind="optuna") with optuna's OptunaSearchCV."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor
from skdeep.model_selection import param_distributions

optuna = pytest.importorskip("optuna")
optuna_integration = pytest.importorskip("optuna_integration")
from optuna.distributions import (  # noqa: E402
    CategoricalDistribution,
    FloatDistribution,
)

N_TRIALS = 6
# OptunaSearchCV is experimental, and reports its CV scores through the
# deprecated optuna.terminator (a FutureWarning, which pytest turns into an
# error here)
pytestmark = [
    pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning"),
    pytest.mark.filterwarnings("ignore:`optuna.terminator`:FutureWarning"),
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    # batch_size 256 is more than the ~240 rows of a training fold
    pytest.mark.filterwarnings("ignore:Got `batch_size`:UserWarning"),
]


@pytest.fixture(autouse=True)
def quiet_optuna():
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    yield
    optuna.logging.set_verbosity(verbosity)


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400], y[:400]


def small_pipe():
    return make_pipeline(
        StandardScaler(),
        MLPClassifier(max_iter=30, early_stopping=True, random_state=0),
    )


CV = StratifiedKFold(3, shuffle=True, random_state=0)


def optuna_search(space, seed=0, n_trials=N_TRIALS):
    study = optuna.create_study(
        direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed)
    )
    return optuna_integration.OptunaSearchCV(
        small_pipe(), space, n_trials=n_trials, cv=CV, study=study
    )


def in_space(value, distribution):
    if isinstance(distribution, CategoricalDistribution):
        return value in distribution.choices
    return distribution.low <= value <= distribution.high


# -- the space -----------------------------------------------------------------


def test_optuna_space_matches_scipy_space():
    for estimator in (None, MLPClassifier(solver="sgd"), small_pipe()):
        scipy_space = param_distributions(estimator)
        space = param_distributions(estimator, kind="optuna")
        assert list(space) == list(scipy_space)
    space = param_distributions(kind="optuna")
    lr, alpha = space["learning_rate_init"], space["alpha"]
    assert isinstance(lr, FloatDistribution) and lr.log
    assert (lr.low, lr.high) == (1e-4, 1e-1)
    assert isinstance(alpha, FloatDistribution) and alpha.log
    assert (alpha.low, alpha.high) == (1e-6, 1e-1)
    assert space["batch_size"] == CategoricalDistribution([32, 64, 128, 256])
    assert space["dropout"] == FloatDistribution(0.0, 0.5)
    sgd = param_distributions(MLPClassifier(solver="sgd"), kind="optuna")
    assert (sgd["learning_rate_init"].low, sgd["learning_rate_init"].high) == (
        1e-3,
        3e-1,
    )
    lbfgs = param_distributions(MLPRegressor(solver="lbfgs"), kind="optuna")
    assert set(lbfgs) == {"hidden_layer_sizes", "alpha"}


def test_optuna_network_shapes():
    shapes = param_distributions(kind="optuna")["hidden_layer_sizes"].choices
    assert len(shapes) == 18
    assert shapes[0] == (16,) and shapes[-1] == (512, 512, 512)
    small = param_distributions(
        kind="optuna", max_layers=2, min_units=10, max_units=50
    )["hidden_layer_sizes"]
    assert small.choices == (
        (10,),
        (20,),
        (40,),
        (50,),
        (10, 10),
        (20, 20),
        (40, 40),
        (50, 50),
    )
    with pytest.raises(ValueError, match="max_units"):
        param_distributions(kind="optuna", min_units=64, max_units=32)


def test_optuna_space_builds_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        param_distributions(kind="optuna")


def test_kind_validated():
    with pytest.raises(ValueError, match="kind must be"):
        param_distributions(kind="hyperopt")


def test_missing_optuna_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "optuna", None)
    monkeypatch.setitem(sys.modules, "optuna.distributions", None)
    with pytest.raises(ImportError, match=r"scikit-deep\[search\]"):
        param_distributions(kind="optuna")
    # the default needs no optuna
    assert "alpha" in param_distributions()


# -- OptunaSearchCV --------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted_optuna_search(digits):
    """One search, shared by two tests (module fixtures escape the marks)."""
    X, y = digits
    space = param_distributions(small_pipe(), max_units=32, kind="optuna")
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", "`optuna.terminator`", FutureWarning)
        warnings.filterwarnings("ignore", "Got `batch_size`", UserWarning)
        search = optuna_search(space).fit(X, y)
    optuna.logging.set_verbosity(verbosity)
    return space, search


def test_optuna_search_runs_and_reproduces(digits, fitted_optuna_search):
    X, y = digits
    space, search = fitted_optuna_search
    assert set(search.best_params_) == set(space)
    for name, value in search.best_params_.items():
        assert in_space(value, space[name]), (name, value)
    assert isinstance(search.best_params_["mlpclassifier__hidden_layer_sizes"], tuple)
    assert len(search.trials_) == N_TRIALS
    assert search.best_score_ > 0.8
    assert search.score(X, y) > 0.8

    again = optuna_search(space).fit(X, y)
    assert again.best_params_ == search.best_params_
    assert again.best_score_ == search.best_score_


def test_optuna_vs_random_search_at_equal_budget(digits, fitted_optuna_search):
    X, y = digits
    pipe = small_pipe()
    optuna_best = fitted_optuna_search[1]
    random_best = RandomizedSearchCV(
        pipe,
        param_distributions(pipe, max_units=32),
        n_iter=N_TRIALS,
        cv=CV,
        random_state=0,
    ).fit(X, y)
    # same budget: as many fits of the same folds
    assert len(optuna_best.trials_) == len(random_best.cv_results_["params"])
    # both reach a reasonable accuracy on the 10 classes; which one wins
    # with 6 candidates depends on the seed
    assert optuna_best.best_score_ > 0.8
    assert random_best.best_score_ > 0.8
    assert np.isfinite([t.value for t in optuna_best.trials_]).all()
    print(
        f"best CV accuracy: TPE {optuna_best.best_score_:.3f}, "
        f"random {random_best.best_score_:.3f}"
    )
