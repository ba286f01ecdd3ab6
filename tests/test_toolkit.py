"""The training toolkit through the public API: dropout, batch norm, AdaGrad,
RMSProp, plateau decay, activations, initializers, diagnostics."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor, check_gradients, overfit_small
from skdeep.nn import ACTIVATIONS, BatchNorm, Dense, Dropout, Sequential
from skdeep.nn.init import INITIALIZERS


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def quiet_fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


def small_problem(seed=0, n=30):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 4)), rng.integers(0, 3, n)


# ------------------------------------------------------------------ dropout
def test_dropout_keep_rate_and_fresh_masks():
    layer = Dropout(0.3)
    Sequential([Dense(2, 2), layer])
    layer.rng = np.random.default_rng(0)
    X = np.ones((2000, 50))
    first = layer.forward(X, training=True)
    second = layer.forward(X, training=True)
    kept = first > 0
    assert kept.mean() == pytest.approx(0.7, abs=0.01)
    np.testing.assert_allclose(first[kept], 1 / 0.7)  # inverted dropout
    assert not np.array_equal(first > 0, second > 0)  # new mask each pass
    assert not np.array_equal(kept[0], kept[1])  # per example
    np.testing.assert_array_equal(layer.forward(X, training=False), X)


def test_dropout_backward_uses_the_same_mask():
    layer = Dropout(0.5)
    layer.rng = np.random.default_rng(1)
    Y = layer.forward(np.ones((5, 6)), training=True)
    np.testing.assert_array_equal(layer.backward(np.ones((5, 6))), Y)


def test_dropout_predictions_are_deterministic(digits):
    X, y = digits
    clf = quiet_fit(MLPClassifier(dropout=0.5, max_iter=5, random_state=0), X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))


def test_dropout_zero_equals_no_dropout(digits):
    X, y = digits
    a = quiet_fit(MLPClassifier(max_iter=5, random_state=0), X, y)
    b = quiet_fit(MLPClassifier(dropout=0.0, max_iter=5, random_state=0), X, y)
    c = quiet_fit(MLPClassifier(dropout=[0.0], max_iter=5, random_state=0), X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict_proba(X), c.predict_proba(X))


def test_dropout_per_layer_and_validation(digits):
    X, y = digits
    clf = quiet_fit(MLPClassifier((20, 10), dropout=[0.5, 0.1], max_iter=2), X, y)
    rates = [layer.p for layer in clf._network.layers if isinstance(layer, Dropout)]
    assert rates == [0.5, 0.1]
    with pytest.raises(ValueError, match="one such value per hidden layer"):
        MLPClassifier((20, 10), dropout=[0.5]).fit(X, y)
    with pytest.raises(ValueError, match="requires dropout=0"):
        MLPClassifier(solver="lbfgs", dropout=0.2).fit(X, y)


# --------------------------------------------------------------- batch norm
def test_batch_norm_normalizes_pre_activations_in_training():
    rng = np.random.default_rng(0)
    layer = BatchNorm(5)
    Sequential([layer]).initialize(rng)
    X = rng.standard_normal((64, 5)) * [1, 10, 100, 0.1, 3] + [5, -3, 0, 1, 50]
    out = layer.forward(X, training=True)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(out.var(axis=0), 1, rtol=1e-3)


def test_batch_norm_sample_weights_equal_repetition():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((6, 3))
    w = np.array([1.0, 2.0, 0.0, 1.0, 3.0, 1.0])
    layer = BatchNorm(3)
    Sequential([layer]).initialize(rng)
    weighted = layer.forward(X, training=True, sample_weight=w)
    repeated = layer.forward(np.repeat(X, w.astype(int), axis=0), training=True)
    np.testing.assert_allclose(np.repeat(weighted, w.astype(int), axis=0), repeated)


@pytest.mark.parametrize("stats", ["running", "full"])
def test_batch_norm_prediction_uses_population_statistics(digits, stats):
    X, y = digits
    clf = quiet_fit(
        MLPClassifier(
            batch_norm=True, batch_norm_stats=stats, max_iter=30, random_state=0
        ),
        X,
        y,
    )
    one_row = np.vstack([clf.predict_proba(X[i : i + 1]) for i in range(5)])
    np.testing.assert_allclose(one_row, clf.predict_proba(X)[:5], rtol=1e-10)
    assert clf.score(X, y) > 0.95
    params = clf.batch_norm_params_
    assert len(params) == 1 and set(params[0]) == {
        "gamma",
        "beta",
        "running_mean",
        "running_var",
    }
    # coefs_ and intercepts_ pair up layer by layer; the normalized hidden
    # layer has no bias (beta shifts it), shown as read-only zeros
    assert [b.shape for b in clf.intercepts_] == [(100,), (10,)]
    assert [(W.shape[1],) for W in clf.coefs_] == [b.shape for b in clf.intercepts_]
    assert not clf.intercepts_[0].any() and not clf.intercepts_[0].flags.writeable


def test_batch_norm_full_pass_sets_population_moments(digits):
    X, y = digits
    clf = quiet_fit(
        MLPClassifier(
            batch_norm=True, batch_norm_stats="full", max_iter=5, random_state=0
        ),
        X,
        y,
    )
    pre = X @ clf.coefs_[0]
    stats = clf.batch_norm_params_[0]
    np.testing.assert_allclose(stats["running_mean"], pre.mean(axis=0), atol=1e-8)
    np.testing.assert_allclose(stats["running_var"], pre.var(axis=0), rtol=1e-8)
    running = quiet_fit(
        MLPClassifier(batch_norm=True, max_iter=5, random_state=0), X, y
    )
    assert not np.allclose(
        running.batch_norm_params_[0]["running_var"], pre.var(axis=0), rtol=1e-8
    )


# --------------------------------------------------------------- optimizers
def test_adagrad_and_rmsprop_steps_by_hand():
    from skdeep.nn import AdaGrad, RMSProp

    g1, g2 = np.array([1.0, -2.0]), np.array([3.0, 0.5])
    opt = AdaGrad(learning_rate=0.1, epsilon=0.0)
    w = np.zeros(2)
    opt.init(w)
    opt.step(w, g1)
    opt.step(w, g2)
    G = g1**2 + g2**2
    np.testing.assert_allclose(w, -0.1 * g1 / np.abs(g1) - 0.1 * g2 / np.sqrt(G))
    opt = RMSProp(learning_rate=0.1, rho=0.8, epsilon=0.0)
    w = np.zeros(2)
    opt.init(w)
    opt.step(w, g1)
    opt.step(w, g2)
    v1 = 0.2 * g1**2
    v2 = 0.8 * v1 + 0.2 * g2**2
    np.testing.assert_allclose(w, -0.1 * g1 / np.sqrt(v1) - 0.1 * g2 / np.sqrt(v2))


@pytest.mark.parametrize("solver", ["adagrad", "rmsprop"])
def test_new_solvers_reachable_from_estimators(digits, solver):
    X, y = digits
    clf = quiet_fit(
        MLPClassifier(
            solver=solver, learning_rate_init=0.01, max_iter=30, random_state=0
        ),
        X,
        y,
    )
    assert type(clf._train_state.optimizer).__name__.lower() == solver
    assert clf.score(X, y) > 0.97


# ----------------------------------------------------------- plateau decay
def test_plateau_works_with_every_stochastic_solver(digits):
    X, y = digits
    for solver in ("sgd", "adam", "adagrad", "rmsprop"):
        clf = quiet_fit(
            MLPClassifier(
                solver=solver,
                learning_rate="plateau",
                plateau_patience=1,
                learning_rate_init=0.05,
                max_iter=25,
                early_stopping=True,
                random_state=0,
            ),
            X,
            y,
        )
        rates = clf.learning_rate_curve_
        assert len(rates) == clf.n_iter_
        assert rates[-1] < rates[0], solver
        ratios = {round(a / b, 9) for a, b in zip(rates, rates[1:])}
        assert ratios <= {1.0, 2.0}


# ------------------------------------------- activations and initializers
def test_initializers_have_their_variances():
    rng = np.random.default_rng(0)
    fan_in, fan_out = 400, 300
    expected = {
        "glorot_uniform": 2 / (fan_in + fan_out),
        "glorot_normal": 2 / (fan_in + fan_out),
        "he_uniform": 2 / fan_in,
        "he_normal": 2 / fan_in,
    }
    for name, var in expected.items():
        W = INITIALIZERS[name](fan_in, fan_out, rng)
        assert W.var() == pytest.approx(var, rel=0.02), name


@pytest.mark.parametrize("init", sorted(INITIALIZERS))
def test_weight_init_breaks_symmetry_and_bias_start(digits, init):
    X, y = digits
    clf = quiet_fit(MLPClassifier((30,), weight_init=init, max_iter=1), X, y)
    net = MLPClassifier((30,), weight_init=init, random_state=0)
    network, *_ = net._unfitted(X, y)
    W, b = network.weights_and_biases()[0]
    assert len({tuple(col) for col in W.T}) == 30
    if init == "glorot_uniform":  # scikit-learn's variant: biases in W's range
        bound = np.sqrt(6 / (64 + 30))
        assert 0 < np.abs(b).max() <= bound
    else:
        assert all(not b.any() for _, b in network.weights_and_biases())
    assert clf.n_iter_ == 1


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("solver", ["sgd", "adam", "adagrad", "rmsprop"])
def test_every_activation_and_solver_overfits_50_examples(digits, activation, solver):
    X, y = digits
    rate = {"sgd": 0.1, "adam": 0.01, "adagrad": 0.1, "rmsprop": 0.01}[solver]
    report = overfit_small(
        MLPClassifier(
            (64,),
            activation=activation,
            solver=solver,
            learning_rate_init=rate,
            max_iter=300,
            random_state=0,
        ),
        X,
        y,
    )
    assert report.succeeded, str(report)


# ------------------------------------------------------------- diagnostics
CONFIGS = [{"activation": a} for a in sorted(ACTIVATIONS)] + [
    {"dropout": 0.5, "activation": "tanh"},
    {"batch_norm": True},
    {"batch_norm": True, "dropout": 0.3, "activation": "gelu", "alpha": 0.5},
]


@pytest.mark.parametrize("params", CONFIGS, ids=repr)
@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_check_gradients_below_1e6(params, Estimator):
    X, y = small_problem()
    if Estimator is MLPRegressor:
        y = X @ [1.0, -2.0, 0.5, 0.0]
    est = Estimator(hidden_layer_sizes=(6, 5), random_state=0, **params)
    assert check_gradients(est, X, y) < 1e-6
    assert not hasattr(est, "coefs_")  # the estimator itself is untouched


def test_check_gradients_detects_a_wrong_gradient(monkeypatch):
    from skdeep.nn.layers import Tanh

    X, y = small_problem()
    monkeypatch.setattr(Tanh, "derivative", lambda self, X, Y, dLdy: dLdy * (1 - Y))
    assert check_gradients(MLPClassifier((5,), activation="tanh"), X, y) > 1e-2


def test_overfit_small_flags_unnormalized_saturated_networks(digits):
    X, y = load_digits(return_X_y=True)
    report = overfit_small(
        MLPClassifier(activation="logistic", learning_rate_init=1e-5, random_state=0),
        X * 100,
        y,
    )
    assert not report.succeeded and report.n_samples == 50
    assert report.saturation[0] > 0.5
    text = " ".join(report.hints)
    assert "StandardScaler" in text and "saturated" in text
    assert "learning_rate_init" in text


def test_partial_fit_calls_draw_new_masks_reproducibly(digits, monkeypatch):
    X, y = digits
    classes = np.unique(y)
    drawn = []
    original = Dropout.forward

    def recording(self, X, training=False):
        out = original(self, X, training)
        if training:
            drawn.append(self._cache.copy())
        return out

    monkeypatch.setattr(Dropout, "forward", recording)

    def masks_per_call(seed):
        clf = MLPClassifier((16,), dropout=0.5, random_state=seed)
        masks = []
        for _ in range(3):
            clf.partial_fit(X[:50], y[:50], classes=classes)
            masks.append(drawn[-1])
        assert all(not hasattr(layer, "_cache") for layer in clf._network.layers)
        return masks

    first, again = masks_per_call(0), masks_per_call(0)
    assert not np.array_equal(first[0], first[1])
    assert not np.array_equal(first[1], first[2])
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
