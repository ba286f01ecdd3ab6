"""The per-epoch history, the verbose table and the progress bar."""

import pickle
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from skdeep import MLPClassifier, MLPRegressor
from skdeep.train import HISTORY_FIELDS

SOLVERS = ["sgd", "adam", "adagrad", "rmsprop"]


def quiet(method, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return method(*args, **kwargs)


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4))
    return X, X @ [1.0, -2.0, 0.5, 0.0] + 0.1 * rng.standard_normal(n)


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("solver", SOLVERS)
def test_one_record_per_epoch_for_every_solver(solver, early_stopping):
    X, y = _data()
    reg = MLPRegressor(
        hidden_layer_sizes=(8,),
        solver=solver,
        early_stopping=early_stopping,
        max_iter=4,
        n_iter_no_change=100,
        learning_rate_init=0.01,
        random_state=0,
    )
    history = quiet(reg.fit, X, y).history_
    assert [r["epoch"] for r in history] == [1, 2, 3, 4]
    assert all(list(r) == list(HISTORY_FIELDS) for r in history)
    assert [r["train_loss"] for r in history] == reg.loss_curve_
    assert [r["learning_rate"] for r in history] == reg.learning_rate_curve_
    assert all(r["seconds"] > 0 for r in history)
    if early_stopping:
        assert [r["valid_score"] for r in history] == reg.validation_scores_
        assert all(r["valid_loss"] > 0 for r in history)
    else:
        assert all(r["valid_loss"] is r["valid_score"] is None for r in history)


def test_validation_loss_and_score_are_those_of_the_held_out_rows():
    X, y = _data(200)
    reg = quiet(
        MLPRegressor(
            hidden_layer_sizes=(16,),
            early_stopping=True,
            max_iter=30,
            learning_rate_init=0.01,
            random_state=0,
        ).fit,
        X,
        y,
    )
    # an int random_state splits as train_test_split does with that seed
    _, val = train_test_split(np.arange(200), test_size=0.1, random_state=0)
    best = max(reg.history_, key=lambda r: r["valid_score"])  # restored epoch
    prediction = reg.predict(X[val])
    assert best["valid_score"] == pytest.approx(r2_score(y[val], prediction))
    half_squared = 0.5 * np.mean((prediction - y[val]) ** 2)
    assert best["valid_loss"] == pytest.approx(half_squared, rel=1e-10)


def test_history_continues_across_partial_fit_and_warm_starts():
    X, y = _data()
    reg = MLPRegressor(hidden_layer_sizes=(8,), random_state=0)
    for _ in range(3):
        reg.partial_fit(X, y)
    assert [r["epoch"] for r in reg.history_] == [1, 2, 3]
    clf = MLPClassifier(max_iter=3, warm_start=True, early_stopping=True)
    clf.set_params(random_state=0, n_iter_no_change=100)
    labels = (y > 0).astype(int)
    quiet(clf.fit, X, labels)
    first = clf.history_
    quiet(clf.fit, X, labels)
    assert [r["epoch"] for r in clf.history_] == [1, 2, 3, 4, 5, 6]
    assert clf.history_[:3] == first
    assert clf.n_iter_ == 3 and len(clf.validation_scores_) == 6


def test_history_is_a_copy_and_pickles():
    X, y = _data()
    reg = quiet(MLPRegressor(max_iter=3, random_state=0).fit, X, y)
    reg.history_[0]["train_loss"] = -1.0
    reg.history_.append({})
    assert len(reg.history_) == 3 and reg.history_[0]["train_loss"] > 0
    assert pickle.loads(pickle.dumps(reg)).history_ == reg.history_


def test_lbfgs_has_no_epoch_history():
    X, y = _data()
    reg = quiet(MLPRegressor(solver="lbfgs", max_iter=5).fit, X, y)
    with pytest.raises(AttributeError, match="stochastic solver"):
        reg.history_
    assert not hasattr(reg, "loss_curve_")  # as scikit-learn's


# ----------------------------------------------------------- progress bar
def test_progress_bar_draws_epochs_and_scores(capsys):
    pytest.importorskip("tqdm")
    X, y = _data()
    reg = MLPRegressor(max_iter=3, early_stopping=True, progress_bar=True)
    quiet(reg.set_params(random_state=0).fit, X, y)
    err = capsys.readouterr().err
    assert "MLPRegressor" in err and "3/3" in err and "valid score" in err
    assert b"tqdm" not in pickle.dumps(reg)  # nothing of it stays


def test_progress_bar_shows_batches_of_slow_epochs(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    from skdeep.train import progress

    # every epoch counts as slow
    monkeypatch.setattr(progress.ProgressBar.__init__, "__defaults__", ("x", 0, None))
    X, y = _data()
    quiet(MLPRegressor(max_iter=2, batch_size=10, progress_bar=True).fit, X, y)
    assert "batch" in capsys.readouterr().err


def test_progress_bar_auto_is_silent_unless_watched(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    import skdeep.estimators._base as base

    X, y = _data()
    quiet(MLPRegressor(max_iter=2).fit, X, y)  # pytest's output is not a tty
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(base, "interactive", lambda: True)
    quiet(MLPRegressor(max_iter=2).fit, X, y)
    assert "2/2" in capsys.readouterr().err
    quiet(MLPRegressor(max_iter=2, progress_bar=False).fit, X, y)
    assert capsys.readouterr().err == ""


def test_progress_bar_without_tqdm_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = _data()
    with pytest.raises(ImportError, match=r"scikit-deep\[progress\]"):
        MLPRegressor(max_iter=2, progress_bar=True).fit(X, y)
    quiet(MLPRegressor(max_iter=2, progress_bar="auto").fit, X, y)  # silent
