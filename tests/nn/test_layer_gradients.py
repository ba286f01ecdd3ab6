"""Finite-difference checks of the layers with training-mode behaviour:
batch normalization (batch statistics, optionally sample-weighted) and
dropout (with its mask frozen)."""

import numpy as np
import pytest

from skdeep.nn import BatchNorm, Dropout, Sequential, check_layer_gradients
from skdeep.nn.gradcheck import numerical_gradient, relative_error

N_ROWS, N_UNITS = 7, 4


def _batch_norm(rng):
    """A bound BatchNorm with non-trivial gamma and beta."""
    layer = BatchNorm(N_UNITS)
    Sequential([layer], dtype=np.float64).initialize(rng)
    layer.params["gamma"][...] = rng.uniform(0.5, 2.0, N_UNITS)
    layer.params["beta"][...] = rng.standard_normal(N_UNITS)
    return layer


def _inputs(rng):
    # units on different scales and offsets
    return rng.standard_normal((N_ROWS, N_UNITS)) * [1.0, 3.0, 0.2, 1.5] + [0, 2, -1, 5]


# ------------------------------------------------------------------ BatchNorm
def test_batch_norm_passes_check_layer_gradients():
    rng = np.random.default_rng(0)
    assert check_layer_gradients(BatchNorm(N_UNITS), _inputs(rng), rng) < 1e-6


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_batch_norm_training_gradients_match_finite_differences(weighted):
    rng = np.random.default_rng(1)
    layer = _batch_norm(rng)
    X = _inputs(rng)
    sw = rng.uniform(0.2, 3.0, N_ROWS) if weighted else None
    R = rng.standard_normal((N_ROWS, N_UNITS))

    def f():
        return float(np.sum(R * layer.forward(X, training=True, sample_weight=sw)))

    f()
    dX = layer.backward(R.copy())
    analytic = {
        "gamma": layer.grads["gamma"].copy(),
        "beta": layer.grads["beta"].copy(),
    }
    running = layer.buffers["running_mean"].copy()

    errors = {"X": relative_error(dX, numerical_gradient(f, X))}
    for name, value in layer.params.items():
        errors[name] = relative_error(analytic[name], numerical_gradient(f, value))
    assert max(errors.values()) < 1e-6, errors
    # the finite differences ran many training passes: the running statistics
    # moved, the training output (batch statistics) did not depend on them
    assert not np.allclose(layer.buffers["running_mean"], running)

    # dL/dbeta = sum of dL/dy; dL/dgamma = sum of dL/dy * x_hat
    np.testing.assert_allclose(analytic["beta"], R.sum(axis=0), rtol=1e-14)
    w = np.full(N_ROWS, 1 / N_ROWS) if sw is None else sw / sw.sum()
    mean = w @ X
    x_hat = (X - mean) / np.sqrt(w @ (X - mean) ** 2 + layer.eps)
    np.testing.assert_allclose(analytic["gamma"], (R * x_hat).sum(axis=0), rtol=1e-12)


def test_batch_norm_weighted_input_gradient_differs_from_unweighted():
    rng = np.random.default_rng(2)
    layer = _batch_norm(rng)
    X = _inputs(rng)
    R = rng.standard_normal((N_ROWS, N_UNITS))
    grads = []
    for sw in (None, np.ones(N_ROWS), rng.uniform(0.2, 3.0, N_ROWS)):
        layer.forward(X, training=True, sample_weight=sw)
        grads.append(layer.backward(R.copy()))
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12, atol=1e-14)
    assert np.abs(grads[2] - grads[0]).max() > 1e-2


def test_batch_norm_integer_weights_equal_repeated_rows():
    rng = np.random.default_rng(3)
    layer = _batch_norm(rng)
    X = _inputs(rng)
    counts = np.array([1, 3, 2, 1, 4, 1, 2])
    weighted = layer.forward(X, training=True, sample_weight=counts.astype(float))
    repeated = layer.forward(np.repeat(X, counts, axis=0), training=True)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    np.testing.assert_allclose(weighted, repeated[first], rtol=1e-12, atol=1e-12)
    # the output has weighted mean beta and weighted variance
    # gamma^2 var_B / (var_B + eps), var_B the weighted (biased) variance
    gamma, beta = layer.params["gamma"], layer.params["beta"]
    w = counts / counts.sum()
    np.testing.assert_allclose(w @ weighted, beta, rtol=1e-12, atol=1e-12)
    var_b = w @ (X - w @ X) ** 2
    np.testing.assert_allclose(
        w @ (weighted - beta) ** 2, gamma**2 * var_b / (var_b + layer.eps), rtol=1e-12
    )


# -------------------------------------------------------------------- Dropout
def _dropout(p, seed):
    layer = Dropout(p)
    net = Sequential([layer], dtype=np.float64)
    net.set_rng(np.random.default_rng(seed))
    return layer, net


@pytest.mark.parametrize("p", [0.25, 0.5])
def test_dropout_mask_keeps_scaled_units_and_zeroes_the_others(p):
    layer, _ = _dropout(p, seed=0)
    X = np.random.default_rng(1).uniform(0.5, 2.0, (400, 50))  # no zero entries
    Y = layer.forward(X, training=True)
    kept = Y != 0
    np.testing.assert_allclose(Y[kept], X[kept] / (1 - p), rtol=1e-15, atol=0)
    assert np.all(Y[~kept] == 0.0)
    # about a fraction p dropped (20000 draws: std 0.003)
    assert abs((~kept).mean() - p) < 0.015
    # prediction is the identity: no mask, no scaling
    assert layer.forward(X, training=False) is X


def test_dropout_frozen_mask_is_reused_and_unfrozen_mask_is_redrawn():
    layer, _ = _dropout(0.5, seed=0)
    X = np.random.default_rng(1).uniform(0.5, 2.0, (N_ROWS, N_UNITS))
    first = layer.forward(X, training=True)
    layer.frozen = True
    np.testing.assert_array_equal(layer.forward(X, training=True), first)
    np.testing.assert_array_equal(layer.forward(2 * X, training=True), 2 * first)
    layer.frozen = False
    assert not np.array_equal(layer.forward(X, training=True) != 0, first != 0)


def test_dropout_input_gradient_with_frozen_mask():
    p = 0.4
    layer, net = _dropout(p, seed=3)
    rng = np.random.default_rng(4)
    X = rng.standard_normal((N_ROWS, N_UNITS))
    R = rng.standard_normal((N_ROWS, N_UNITS))

    def f():
        return float(np.sum(R * net.forward(X, training=True)))

    Y = layer.forward(X, training=True)
    layer.frozen = True
    dX = layer.backward(R.copy())
    assert relative_error(dX, numerical_gradient(f, X)) < 1e-6
    # the gradient is R through the same mask: R / (1 - p) or exactly 0
    kept = Y != 0
    assert 0 < kept.sum() < kept.size
    np.testing.assert_allclose(dX[kept], R[kept] / (1 - p), rtol=1e-15, atol=0)
    assert np.all(dX[~kept] == 0.0)


def test_dropout_passes_check_layer_gradients():
    rng = np.random.default_rng(5)
    layer = Dropout(0.3)
    assert (
        check_layer_gradients(layer, rng.standard_normal((N_ROWS, N_UNITS)), rng) < 1e-6
    )
    assert layer.frozen is False  # the check unfreezes it afterwards
