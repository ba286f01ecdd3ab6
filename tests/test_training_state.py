"""Training-state correctness: batch-norm statistics, warm starts with early
stopping, float32 end to end, assignable weights, truthful attributes."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skdeep import MLPClassifier, MLPRegressor
from skdeep.nn import BatchNorm, Sequential
from skdeep.nn.init import INITIALIZERS
from skdeep.nn.layers import ACTIVATIONS


def quiet(method, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return method(*args, **kwargs)


def _regression(n, seed=0, n_features=5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_features)) * 3
    return X, X @ rng.standard_normal(n_features)


# ------------------------------------------------ batch-norm running statistics
def _variance_ratio(reg, X):
    """Running variance of the first normalized layer over the variance of
    its input on the training data, per unit."""
    pre = X @ reg.coefs_[0]
    return reg.batch_norm_params_[0]["running_var"] / pre.var(axis=0)


@pytest.mark.parametrize("n", [400, 401, 599])
def test_trailing_short_batch_does_not_bias_running_variance(n):
    # 401 rows in batches of 200 end with a one-row batch, whose variance is 0
    X, y = _regression(n)
    reg = quiet(
        MLPRegressor(
            hidden_layer_sizes=(16,),
            batch_norm=True,
            batch_size=200,
            max_iter=50,
            random_state=0,
        ).fit,
        X,
        y,
    )
    ratio = _variance_ratio(reg, X)
    assert 0.95 < np.median(ratio) < 1.05
    assert ratio.min() > 0.85


def test_one_row_partial_fit_chunks_keep_sane_statistics():
    # alpha=0: a one-row batch gives the normalized layer no gradient, so its
    # input distribution is fixed and the running statistics must find it
    X, y = _regression(600)
    reg = MLPRegressor(hidden_layer_sizes=(8,), batch_norm=True, alpha=0.0)
    reg.set_params(random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for i in range(X.shape[0]):
            reg.partial_fit(X[i : i + 1], y[i : i + 1])
    ratio = _variance_ratio(reg, X)
    assert 0.6 < np.median(ratio) < 1.4
    assert ratio.min() > 0.3
    stats = reg.batch_norm_params_[0]
    pre = X @ reg.coefs_[0]
    assert np.all(np.abs(stats["running_mean"] - pre.mean(0)) < pre.std(0))


def test_one_row_partial_fit_chunk_warns_with_batch_norm():
    X, y = _regression(20)
    reg = MLPRegressor(batch_norm=True, random_state=0).partial_fit(X, y)
    with pytest.warns(UserWarning, match="one row"):
        reg.partial_fit(X[:1], y[:1])


def test_statistics_do_not_depend_on_how_rows_are_batched():
    # a fixed input distribution fed in batches of 200, or of 200 then 1
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20000, 3)) * [1.0, 5.0, 0.1] + [0.0, 2.0, -1.0]
    results = []
    for batches in ([200], [200, 1]):
        layer = BatchNorm(3, batch_rows=200)
        Sequential([layer]).initialize(rng)
        start, turn = 0, 0
        while start < X.shape[0]:
            size = batches[turn % len(batches)]
            layer.forward(X[start : start + size], training=True)
            start, turn = start + size, turn + 1
        results.append((layer.buffers["running_mean"], layer.buffers["running_var"]))
    for mean, var in results:
        np.testing.assert_allclose(var, X.var(axis=0), rtol=0.15)
        assert np.all(np.abs(mean - X.mean(axis=0)) < 0.1 * X.std(axis=0))


def test_one_row_batch_moves_statistics_by_its_share():
    layer = BatchNorm(2, momentum=0.1, batch_rows=200)
    Sequential([layer]).initialize(np.random.default_rng(0))
    layer.forward(np.array([[10.0, -10.0]]), training=True)
    rate = 1 - 0.9 ** (1 / 200)
    np.testing.assert_allclose(layer.buffers["running_mean"], [10 * rate, -10 * rate])
    # the mixture of N(0, 1) (weight 1 - rate) and the point 10 (weight rate)
    expected_var = (1 - rate) * 1.0 + rate * (1 - rate) * 100.0
    np.testing.assert_allclose(layer.buffers["running_var"], expected_var)


def test_full_batch_moves_statistics_by_momentum():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 2)) * 3 + 4
    layer = BatchNorm(2, momentum=0.1, batch_rows=50)
    Sequential([layer]).initialize(rng)
    layer.forward(X, training=True)
    mean, var = X.mean(0), X.var(0)
    np.testing.assert_allclose(layer.buffers["running_mean"], 0.1 * mean)
    np.testing.assert_allclose(
        layer.buffers["running_var"], 0.9 + 0.1 * (var + 0.9 * mean**2)
    )


def test_partial_fit_refuses_full_batch_norm_statistics():
    X, y = _regression(40)
    reg = MLPRegressor(batch_norm=True, batch_norm_stats="full")
    with pytest.raises(ValueError, match="batch_norm_stats='full'"):
        reg.partial_fit(X, y)
    assert not hasattr(reg, "n_iter_")


# ------------------------------------------- warm starts with early stopping
def _memorization_problem():
    # one-hot rows: a feature's first-layer weights get gradient only from the
    # row where it is 1, so the untouched weight rows are the validation rows
    rng = np.random.default_rng(0)
    return np.eye(60), rng.integers(0, 2, 60)


def _untouched_rows(before, after):
    return set(np.flatnonzero((before == after).all(axis=1)))


@pytest.fixture
def _record_initial_weights(monkeypatch):
    """Keep a copy of the first-layer weights as initialized."""
    from skdeep.estimators._mlp import MLP

    original = MLP._initial_network

    def initialize(self, *args, **kwargs):
        network = original(self, *args, **kwargs)
        self._initial_weights_for_test = network.layer_params("W")[0].copy()
        return network

    monkeypatch.setattr(MLP, "_initial_network", initialize)


def test_warm_start_keeps_the_validation_split(_record_initial_weights):
    X, y = _memorization_problem()
    clf = MLPClassifier(
        hidden_layer_sizes=(16,),
        alpha=0.0,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=1000,
        max_iter=5,
        warm_start=True,
        random_state=0,
    )
    quiet(clf.fit, X, y)
    first = _untouched_rows(clf._initial_weights_for_test, clf.coefs_[0])
    assert len(first) == 12
    for _ in range(2):
        quiet(clf.fit, X, y)
    assert _untouched_rows(clf._initial_weights_for_test, clf.coefs_[0]) == first


def _two_warm_fits(random_state):
    """A good early-stopped fit, then a bad warm-started one; returns the
    estimator, the number of epochs of the first fit, its best score and
    its predictions."""
    X, y = _regression(300)
    reg = MLPRegressor(
        hidden_layer_sizes=(32,),
        early_stopping=True,
        max_iter=60,
        learning_rate_init=0.01,
        warm_start=True,
        random_state=random_state,
    )
    quiet(reg.fit, X, y)
    first = (len(reg.validation_scores_), reg.best_validation_score_, reg.predict(X))
    reg.set_params(learning_rate_init=1.0, max_iter=3)
    quiet(reg.fit, X, y)
    return reg, X, first


def test_scores_are_not_compared_across_validation_splits():
    # a RandomState draws a new split each fit: the second fit must not keep
    # (nor restore) the first fit's best epoch
    reg, X, (n_first, best, predictions) = _two_warm_fits(np.random.RandomState(0))
    second = reg.validation_scores_[n_first:]
    assert reg.best_validation_score_ == max(second) < best
    assert not np.allclose(reg.predict(X), predictions)


def test_same_split_keeps_comparing_across_warm_starts():
    # int random_state: the same validation rows, so the best epoch may come
    # from an earlier fit (scikit-learn's behaviour)
    reg, X, (n_first, best, predictions) = _two_warm_fits(0)
    assert reg.best_validation_score_ == best
    np.testing.assert_array_equal(reg.predict(X), predictions)


# ---------------------------------------------------------- float32 end to end
FLOAT32_CONFIGS = [
    *[{"activation": name} for name in ACTIVATIONS],
    *[{"weight_init": name} for name in INITIALIZERS],
    *[{"solver": name} for name in ("sgd", "adam", "adagrad", "rmsprop", "lbfgs")],
    {"dropout": 0.2},
    {"batch_norm": True},
    {"batch_norm": True, "batch_norm_stats": "full"},
    {"early_stopping": True, "learning_rate": "plateau"},
]


@pytest.mark.parametrize("params", FLOAT32_CONFIGS, ids=repr)
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_float32_stays_float32(Estimator, params):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 4)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int) if Estimator is MLPClassifier else X[:, 1]
    est = quiet(Estimator(max_iter=5, random_state=0, **params).fit, X, y)
    network = est._network
    assert network.params.dtype == np.float32
    assert network.buffers.dtype == np.float32
    state = est.__dict__.get("_train_state")
    optimizer = None if state is None else state.optimizer
    for state in vars(optimizer).values() if optimizer is not None else ():
        if isinstance(state, np.ndarray):
            assert state.dtype == np.float32
    arrays = est.coefs_ + est.intercepts_
    if est.batch_norm:
        arrays += [a for layer in est.batch_norm_params_ for a in layer.values()]
    assert all(a.dtype == np.float32 for a in arrays)
    outputs = [est.predict(X)] if Estimator is MLPRegressor else []
    if Estimator is MLPClassifier:
        outputs += [est.predict_proba(X), est.predict_log_proba(X)]
    assert all(out.dtype == np.float32 for out in outputs)
    if est.solver != "lbfgs" and not est.early_stopping and not est.batch_norm:
        est.partial_fit(X, y)
        assert est._network.params.dtype == np.float32


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_float32_and_float64_predictions_of_one_model_agree(activation):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 6))
    y = np.digitize(X[:, 0] + X[:, 1], [-0.5, 0.5])
    model64 = quiet(
        MLPClassifier((20, 10), activation, max_iter=30, random_state=0).fit, X, y
    )
    model32 = quiet(
        MLPClassifier((20, 10), activation, max_iter=1, random_state=1, dtype="float32")
        .set_params(warm_start=True)
        .fit,
        X,
        y,
    )
    model32.coefs_ = model64.coefs_
    model32.intercepts_ = model64.intercepts_
    p64 = model64.predict_proba(X)
    p32 = model32.predict_proba(X.astype(np.float32))
    assert p32.dtype == np.float32
    np.testing.assert_allclose(p32, p64, rtol=5e-4)


# ------------------------------------------------------- assignable weights
@pytest.fixture
def fitted():
    X, y = _regression(60)
    return quiet(
        MLPRegressor(hidden_layer_sizes=(6, 4), max_iter=3, random_state=0).fit, X, y
    ), X


def _forward(coefs, intercepts, X):
    h = X
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        h = np.maximum(h @ W + b, 0)
    return (h @ coefs[-1] + intercepts[-1]).ravel()


def test_assigning_coefs_and_intercepts_replaces_the_weights(fitted):
    reg, X = fitted
    rng = np.random.default_rng(5)
    coefs = [rng.standard_normal(W.shape) for W in reg.coefs_]
    intercepts = [rng.standard_normal(b.shape) for b in reg.intercepts_]
    reg.coefs_ = coefs
    reg.intercepts_ = intercepts
    for mine, theirs in zip(reg.coefs_ + reg.intercepts_, coefs + intercepts):
        np.testing.assert_array_equal(mine, theirs)
        assert not np.shares_memory(mine, theirs)  # copied into the model
    np.testing.assert_allclose(reg.predict(X), _forward(coefs, intercepts, X))
    # one item, as with scikit-learn's plain list
    reg.coefs_[1] = np.zeros_like(coefs[1])
    assert not reg.coefs_[1].any()
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X), reg.predict(X))


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda c: [c[0], c[1]], "expected 3 arrays, got 2"),
        (lambda c: [c[0].T, c[1], c[2]], r"array 0 has shape \(6, 5\)"),
        (lambda c: [c[0], c[1], np.full(c[2].shape, np.nan)], "NaN or infinity"),
        (lambda c: c[0], "must be a list of arrays"),
    ],
)
def test_bad_coefs_raise_and_change_nothing(fitted, make, match):
    reg, X = fitted
    before = reg.predict(X)
    with pytest.raises(ValueError, match=match):
        reg.coefs_ = make([W.copy() for W in reg.coefs_])
    with pytest.raises(ValueError, match="Cannot set coefs_"):
        reg.coefs_[0] = np.ones((2, 2))
    np.testing.assert_array_equal(reg.predict(X), before)


def test_assigning_before_fit_says_to_fit_first():
    with pytest.raises(AttributeError, match="not fitted yet"):
        MLPRegressor().coefs_ = [np.ones((2, 2))]


def test_coefs_and_intercepts_zip_with_batch_norm():
    X, y = _regression(60)
    reg = quiet(
        MLPRegressor(
            hidden_layer_sizes=(6, 4), batch_norm=True, max_iter=3, random_state=0
        ).fit,
        X,
        y,
    )
    pairs = list(zip(reg.coefs_, reg.intercepts_))
    assert len(pairs) == reg.n_layers_ - 1 == 3
    assert all(b.shape == (W.shape[1],) for W, b in pairs)
    # the normalized layers have no bias: read-only zeros stand in
    assert not reg.intercepts_[0].any() and not reg.intercepts_[0].flags.writeable
    reg.intercepts_ = [b.copy() for b in reg.intercepts_]  # round trip works
    with pytest.raises(ValueError, match="layer 0 has no bias"):
        reg.intercepts_ = [np.ones(6), np.zeros(4), np.ones(1)]
    reg.intercepts_ = [np.zeros(6), np.zeros(4), np.ones(1)]
    assert reg.intercepts_[-1][0] == 1.0


def test_assigned_weights_are_not_undone_by_an_earlier_best_epoch():
    X, y = _regression(300)
    reg = MLPRegressor(
        early_stopping=True, warm_start=True, max_iter=30, random_state=0
    )
    quiet(reg.fit, X, y)
    coefs = [W * 0.5 for W in reg.coefs_]
    reg.coefs_ = coefs
    reg.set_params(learning_rate_init=1e-12, max_iter=2)  # barely moves
    quiet(reg.fit, X, y)
    for W, expected in zip(reg.coefs_, coefs):
        np.testing.assert_allclose(W, expected, atol=1e-9)


# ---------------------------------------------------- attributes tell the truth
def test_loss_after_divergence_is_the_kept_weights_loss():
    X, y = _regression(200)
    reg = MLPRegressor(
        solver="sgd", learning_rate_init=0.1, max_iter=50, random_state=0
    )
    with pytest.warns(ConvergenceWarning, match="diverged"):
        reg.fit(X, y * 100)
    best = int(np.argmin(reg.loss_curve_))
    assert reg.loss_ == reg.loss_curve_[best]
    assert reg.loss_ != reg.loss_curve_[-1]  # the last epoch was worse
    # the kept weights are those of the best epoch
    again = quiet(
        MLPRegressor(
            solver="sgd", learning_rate_init=0.1, max_iter=best + 1, random_state=0
        ).fit,
        X,
        y * 100,
    )
    np.testing.assert_allclose(again.predict(X), reg.predict(X))


def test_zero_weight_batch_is_not_counted_in_the_epoch_loss():
    X, y = _regression(50)
    weights = np.r_[np.linspace(0.5, 2, 40), np.zeros(10)]  # last batch: zeros
    params = dict(batch_size=10, shuffle=False, max_iter=4, random_state=0)
    weighted = quiet(MLPRegressor(**params).fit, X, y, sample_weight=weights)
    trimmed = quiet(
        MLPRegressor(**params).fit, X[:40], y[:40], sample_weight=weights[:40]
    )
    np.testing.assert_allclose(weighted.loss_curve_, trimmed.loss_curve_, rtol=1e-12)
    assert weighted.loss_ == trimmed.loss_


def test_lbfgs_verbose_prints_iterations(capsys):
    X, y = _regression(50)
    reg = quiet(MLPRegressor(solver="lbfgs", max_iter=5, verbose=True).fit, X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == reg.n_iter_
    assert lines[0].startswith("Iteration 1, loss = ")
    assert float(lines[-1].split("= ")[1]) == pytest.approx(reg.loss_, rel=1e-6)
