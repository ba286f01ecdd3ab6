"""Learning-rate schedules and optimizer options, through the estimators.

Where scikit-learn has the same option ('invscaling', 'adaptive', classical
momentum) the estimators are compared with scikit-learn's MLP from the same
starting weights, epoch for epoch; 'rmsprop' (not in scikit-learn) is
compared with a hand-written backward pass and RMSProp update in NumPy.
"""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from skdeep import MLPClassifier, MLPRegressor

N_SAMPLES = 30


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N_SAMPLES, 4))
    y_class = rng.integers(0, 3, N_SAMPLES)
    y_reg = X @ rng.standard_normal(4) + 0.1 * rng.standard_normal(N_SAMPLES)
    return X, y_class, y_reg


def _fit_quietly(est, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **fit_params)


def _weights(est):
    return [w.copy() for w in est.coefs_], [b.copy() for b in est.intercepts_]


def _set_weights(est, coefs, intercepts):
    """Overwrite the weights of a fitted estimator (skdeep: in place in its
    views; scikit-learn: new lists)."""
    if isinstance(est, (SkMLPClassifier, SkMLPRegressor)):
        est.coefs_ = [w.copy() for w in coefs]
        est.intercepts_ = [b.copy() for b in intercepts]
    else:
        for dst, src in zip(est.coefs_, coefs):
            dst[...] = src
        for dst, src in zip(est.intercepts_, intercepts):
            dst[...] = src
    for got, want in zip(est.coefs_ + est.intercepts_, [*coefs, *intercepts]):
        np.testing.assert_array_equal(got, want)  # the model has them now


def _refit_from(est, X, y, start, max_iter, **fit_params):
    """Warm start: one epoch to build the model, then ``max_iter`` epochs
    from the weights ``start`` with a fresh optimizer."""
    est.set_params(warm_start=True, max_iter=1)
    _fit_quietly(est, X, y, **fit_params)
    _set_weights(est, *start)
    est.set_params(max_iter=max_iter)
    return _fit_quietly(est, X, y, **fit_params)


def _from_same_weights(ours, theirs, X, y, max_iter, **fit_params):
    """Train both for ``max_iter`` epochs from scikit-learn's weights after
    one epoch. Returns those starting weights."""
    theirs.set_params(warm_start=True, max_iter=1)
    _fit_quietly(theirs, X, y, **fit_params)
    start = _weights(theirs)
    _refit_from(ours, X, y, start, max_iter, **fit_params)
    _set_weights(theirs, *start)
    theirs.set_params(max_iter=max_iter)
    _fit_quietly(theirs, X, y, **fit_params)
    return start


def _assert_same_weights(ours, theirs, atol=1e-12):
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)


def _max_difference(a, b):
    return max(
        np.abs(u - v).max()
        for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_)
    )


# ------------------------------------------------------------------ invscaling
def test_invscaling_rate_of_each_epoch(data):
    X, _, y = data
    lr, power_t = 0.05, 0.7
    est = _fit_quietly(
        MLPRegressor(
            hidden_layer_sizes=(5,),
            solver="sgd",
            learning_rate="invscaling",
            learning_rate_init=lr,
            power_t=power_t,
            batch_size=7,
            max_iter=4,
            tol=0,
            random_state=0,
        ),
        X,
        y,
    )
    assert est.n_iter_ == 4 and est.t_ == 4 * N_SAMPLES
    # the rate of epoch e is set at the end of epoch e - 1 from the samples
    # seen so far (e - 1) * n: 0, 30, 60, 90
    expected = [0.05, 0.05 / 31**0.7, 0.05 / 61**0.7, 0.05 / 91**0.7]
    np.testing.assert_allclose(est.learning_rate_curve_, expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(
        est.learning_rate_curve_,
        [0.05, 0.004518734434576104, 0.00281344947172581, 0.0021263807389210834],
        rtol=1e-15,
    )
    # the rate for the next epoch is already set: lr / (120 + 1) ** power_t
    assert est._train_state.optimizer.learning_rate == pytest.approx(
        0.05 / 121**0.7, rel=1e-15
    )


def test_invscaling_rates_match_scikit_learn_partial_fit(data):
    """Each partial_fit call is one epoch; scikit-learn's optimizer holds the
    rate for the next one, ours records the rate each epoch used."""
    X, _, y = data
    params = dict(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate="invscaling",
        learning_rate_init=0.05,
        power_t=0.7,
        batch_size=7,
        random_state=0,
    )
    ours, theirs = MLPRegressor(**params), SkMLPRegressor(**params)
    next_rates = []
    for _ in range(4):
        ours.partial_fit(X, y)
        theirs.partial_fit(X, y)
        next_rates.append(theirs._optimizer.learning_rate)
    assert ours.t_ == theirs.t_ == 4 * N_SAMPLES
    np.testing.assert_allclose(
        ours.learning_rate_curve_, [0.05, *next_rates[:-1]], rtol=1e-15, atol=0
    )


def test_invscaling_drives_the_weights_like_scikit_learn(data):
    X, y, _ = data
    params = dict(
        hidden_layer_sizes=(6,),
        solver="sgd",
        learning_rate="invscaling",
        learning_rate_init=0.2,
        power_t=0.5,
        momentum=0.9,
        alpha=1e-3,
        batch_size=8,
        shuffle=False,
        tol=0,
        random_state=0,
    )
    ours, theirs = MLPClassifier(**params), SkMLPClassifier(**params)
    start = _from_same_weights(ours, theirs, X, y, max_iter=4)
    assert ours.n_iter_ == theirs.n_iter_ == 4
    assert ours.t_ == theirs.t_ == 5 * N_SAMPLES
    _assert_same_weights(ours, theirs)
    np.testing.assert_allclose(ours.loss_curve_[1:], theirs.loss_curve_[1:], rtol=1e-12)
    # a warm start re-creates the optimizer: its first epoch runs at
    # learning_rate_init although 30 samples were seen before it
    expected = [0.2, 0.2, 0.2 / 61**0.5, 0.2 / 91**0.5, 0.2 / 121**0.5]
    np.testing.assert_allclose(ours.learning_rate_curve_, expected, rtol=1e-15)

    # the same 4 epochs at a constant rate end elsewhere
    constant = MLPClassifier(**{**params, "learning_rate": "constant"})
    _refit_from(constant, X, y, start, max_iter=4)
    assert constant.learning_rate_curve_[1:] == [0.2] * 4
    assert _max_difference(constant, ours) > 1e-3


# -------------------------------------------------------------------- adaptive
def _adaptive_schedule(lr, n_iter_no_change):
    """Rates per epoch when no epoch after the first improves: the first
    plateau is declared at epoch k + 2 (count k + 1 > k), later ones every
    k + 1 epochs; each divides the rate by 5 until it is <= 1e-6."""
    k = n_iter_no_change
    rates = [lr] * (k + 2)
    while rates[-1] > 1e-6:
        rates += [rates[-1] / 5.0] * (k + 1)
    return rates


@pytest.mark.parametrize("n_iter_no_change", [1, 2])
def test_adaptive_divides_rate_by_5_then_stops(data, n_iter_no_change):
    X, y, _ = data
    params = dict(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=1e-3,
        tol=1e6,  # no epoch ever improves by tol
        n_iter_no_change=n_iter_no_change,
        max_iter=100,
        batch_size=10,
        random_state=0,
    )
    expected = _adaptive_schedule(1e-3, n_iter_no_change)
    # 1e-3 / 5**4 = 1.6e-6 is still divided, 1e-3 / 5**5 = 3.2e-7 stops
    k = n_iter_no_change
    assert len(expected) == (k + 2) + 5 * (k + 1) == 6 * k + 7
    assert expected[-1] == pytest.approx(3.2e-7, rel=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # it stops, not runs out
        ours = MLPClassifier(**params).fit(X, y)
        theirs = SkMLPClassifier(**params).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 6 * k + 7
    assert ours.learning_rate_curve_ == expected  # exact: same divisions
    np.testing.assert_allclose(
        sorted(set(ours.learning_rate_curve_), reverse=True),
        [1e-3, 2e-4, 4e-5, 8e-6, 1.6e-6, 3.2e-7],
        rtol=1e-12,
    )
    # the last rate is not divided again, in either
    assert ours._train_state.optimizer.learning_rate == theirs._optimizer.learning_rate
    assert ours._train_state.optimizer.learning_rate == expected[-1]


def test_adaptive_run_matches_scikit_learn_weights(data):
    """The whole adaptive run (rate cut in the middle) from the same weights:
    same epochs, same final rate, same weights as scikit-learn."""
    X, y, _ = data
    params = dict(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.05,
        momentum=0.5,
        alpha=1e-2,
        tol=1e6,
        n_iter_no_change=1,
        batch_size=10,
        shuffle=False,
        random_state=0,
    )
    ours, theirs = MLPClassifier(**params), SkMLPClassifier(**params)
    _from_same_weights(ours, theirs, X, y, max_iter=100)
    # the warm start carries the no-improvement count and the best loss of the
    # first epoch: the first plateau comes after 2 epochs, then every 2 epochs
    # until 0.05 / 5**6 = 3.2e-6 ... 0.05 / 5**7 = 6.4e-7 <= 1e-6
    assert ours.n_iter_ == theirs.n_iter_ == 16
    rates = ours.learning_rate_curve_[1:]
    np.testing.assert_allclose(
        rates, np.repeat(0.05 / 5.0 ** np.arange(8), 2), rtol=1e-12
    )
    assert ours._train_state.optimizer.learning_rate == theirs._optimizer.learning_rate
    _assert_same_weights(ours, theirs)


# --------------------------------------------------------- classical momentum
@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize(
    "ours_class, theirs_class, target",
    [(MLPClassifier, SkMLPClassifier, 1), (MLPRegressor, SkMLPRegressor, 2)],
    ids=["classifier", "regressor"],
)
def test_sgd_momentum_epoch_equals_scikit_learn(
    data, ours_class, theirs_class, target, nesterov
):
    X = data[0]
    y = data[target]
    params = dict(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.9,
        nesterovs_momentum=nesterov,
        alpha=0.01,
        batch_size=7,  # batches of 7, 7, 7, 7, 2
        shuffle=False,
        random_state=0,
    )
    ours, theirs = ours_class(**params), theirs_class(**params)
    start = _from_same_weights(ours, theirs, X, y, max_iter=1)
    _assert_same_weights(ours, theirs)
    assert ours.loss_curve_[-1] == pytest.approx(theirs.loss_curve_[-1], rel=1e-12)
    moved = max(np.abs(a - b).max() for a, b in zip(ours.coefs_, start[0]))
    assert moved > 1e-2


def test_sgd_momentum_with_sample_weight_equals_scikit_learn(data):
    """alpha is divided by the sum of the batch's sample weights."""
    X, y, _ = data
    sw = np.random.default_rng(3).uniform(0.2, 3.0, N_SAMPLES)
    params = dict(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.8,
        nesterovs_momentum=False,
        alpha=0.5,
        batch_size=8,
        shuffle=False,
        random_state=0,
    )
    ours, theirs = MLPClassifier(**params), SkMLPClassifier(**params)
    _from_same_weights(ours, theirs, X, y, max_iter=2, sample_weight=sw)
    _assert_same_weights(ours, theirs)


def test_nesterov_and_classical_momentum_differ(data):
    X, y, _ = data
    params = dict(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.9,
        batch_size=7,
        shuffle=False,
        max_iter=2,
        random_state=0,
    )
    classical = _fit_quietly(MLPClassifier(nesterovs_momentum=False, **params), X, y)
    nesterov = _fit_quietly(MLPClassifier(nesterovs_momentum=True, **params), X, y)
    assert _max_difference(classical, nesterov) > 1e-2
    # ... while with momentum=0 the two are the same plain SGD
    params["momentum"] = 0.0
    classical = _fit_quietly(MLPClassifier(nesterovs_momentum=False, **params), X, y)
    nesterov = _fit_quietly(MLPClassifier(nesterovs_momentum=True, **params), X, y)
    assert _max_difference(classical, nesterov) < 1e-15


# --------------------------------------------------------------------- rmsprop
def _relu_net_gradients(W1, W2, b1, b2, X, y, sw, alpha):
    """Gradient of 0.5 * sum_i w_i (f(x_i) - y_i)^2 / sum(w)
    + 0.5 * alpha * (||W1||^2 + ||W2||^2) / sum(w) for a one-hidden-layer
    relu regressor f."""
    A = X @ W1 + b1
    H = np.maximum(A, 0)
    out = H @ W2 + b2
    total = sw.sum()
    d_out = (out - y[:, None]) * sw[:, None] / total
    gW2 = H.T @ d_out + alpha * W2 / total
    gb2 = d_out.sum(axis=0)
    d_A = (d_out @ W2.T) * (A > 0)
    gW1 = X.T @ d_A + alpha * W1 / total
    gb1 = d_A.sum(axis=0)
    return [gW1, gW2, gb1, gb2]


@pytest.mark.parametrize("weighted", [False, True])
def test_rmsprop_epoch_equals_numpy_rmsprop(data, weighted):
    X, _, y = data
    lr, rho, eps, alpha, batch = 0.01, 0.7, 1e-4, 0.3, 10
    sw = (
        np.random.default_rng(5).uniform(0.2, 3.0, N_SAMPLES)
        if weighted
        else np.ones(N_SAMPLES)
    )
    est = MLPRegressor(
        hidden_layer_sizes=(5,),
        solver="rmsprop",
        learning_rate_init=lr,
        rho=rho,
        epsilon=eps,
        alpha=alpha,
        batch_size=batch,
        shuffle=False,
        max_iter=1,
        warm_start=True,
        random_state=0,
    )
    fit_params = {"sample_weight": sw} if weighted else {}
    _fit_quietly(est, X, y, **fit_params)
    rng = np.random.default_rng(1)
    params = [
        rng.standard_normal((4, 5)) * 0.5,
        rng.standard_normal((5, 1)) * 0.5,
        rng.standard_normal(5) * 0.1,
        rng.standard_normal(1) * 0.1,
    ]
    _set_weights(est, params[:2], params[2:])
    _fit_quietly(est, X, y, **fit_params)  # one epoch of 3 batches

    mean_squares = [np.zeros_like(p) for p in params]
    for start in range(0, N_SAMPLES, batch):
        rows = slice(start, start + batch)
        grads = _relu_net_gradients(*params, X[rows], y[rows], sw[rows], alpha)
        for p, g, v in zip(params, grads, mean_squares):
            v *= rho
            v += (1 - rho) * g * g
            p -= lr * g / (np.sqrt(v) + eps)
    for got, want in zip(est.coefs_ + est.intercepts_, params):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_rho_changes_the_rmsprop_trajectory(data):
    X, _, y = data
    fits = [
        _fit_quietly(
            MLPRegressor(
                hidden_layer_sizes=(5,),
                solver="rmsprop",
                learning_rate_init=0.01,
                rho=rho,
                batch_size=10,
                max_iter=3,
                random_state=0,
            ),
            X,
            y,
        )
        for rho in (0.5, 0.5, 0.99)
    ]
    assert _max_difference(fits[0], fits[1]) == 0.0  # deterministic
    assert _max_difference(fits[0], fits[2]) > 1e-3
