import numpy as np
import pytest
from scipy.special import expit, softmax

from skdeep.nn import LOSSES, Dense, Sequential, check_network_gradients
from skdeep.nn.layers import Tanh
from skdeep.nn.losses import (
    BinaryCrossEntropy,
    PoissonDeviance,
    SoftmaxCrossEntropy,
    SquaredError,
)


def _targets(loss, rng, n, k):
    if isinstance(loss, SoftmaxCrossEntropy):
        return np.eye(k)[rng.integers(0, k, n)]
    if isinstance(loss, BinaryCrossEntropy):
        return rng.integers(0, 2, (n, k)).astype(float)
    if isinstance(loss, PoissonDeviance):
        return rng.poisson(2.0, (n, k)).astype(float)
    return rng.standard_normal((n, k))


@pytest.mark.parametrize("link", sorted(LOSSES))
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_gradient_matches_finite_differences(link, weighted):
    rng = np.random.default_rng(0)
    loss = LOSSES[link]()
    net = Sequential([Dense(3, 3)])
    net.initialize(rng)
    X = rng.standard_normal((9, 3))
    y = _targets(loss, rng, 9, 3)
    sw = rng.uniform(0.2, 3.0, 9) if weighted else None
    assert check_network_gradients(net, loss, X, y, sample_weight=sw) < 1e-6


def test_loss_values_by_hand():
    Z = np.array([[0.0, np.log(3.0)], [2.0, 0.0]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    # softmax probabilities of the true class: 3/4 and e^2/(e^2+1)
    expected = -(np.log(0.75) + np.log(expit(2.0))) / 2
    assert SoftmaxCrossEntropy().forward(Z, y) == pytest.approx(expected)
    # binary CE summed over outputs, averaged over samples
    p = expit(Z)
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p)).sum(axis=1).mean()
    assert BinaryCrossEntropy().forward(Z, y) == pytest.approx(bce)
    assert SquaredError().forward(Z, y) == pytest.approx(
        0.5 * ((Z - y) ** 2).sum(axis=1).mean()
    )
    w = np.array([1.0, 3.0])
    assert SquaredError().forward(Z, y, w) == pytest.approx(
        np.average(0.5 * ((Z - y) ** 2).sum(axis=1), weights=w)
    )


def test_softmax_is_stable_for_large_inputs():
    Z = np.array([[1000.0, 0.0, -1000.0]])
    P = SoftmaxCrossEntropy().output(Z)
    np.testing.assert_allclose(P, softmax(Z, axis=1))
    assert np.isfinite(SoftmaxCrossEntropy().forward(Z, np.array([[0, 0, 1.0]])))


def test_gradient_is_output_minus_target():
    rng = np.random.default_rng(3)
    Z, y = rng.standard_normal((4, 3)), np.eye(3)[[0, 1, 2, 0]]
    loss = SoftmaxCrossEntropy()
    loss.forward(Z, y)
    np.testing.assert_allclose(loss.backward(), (softmax(Z, axis=1) - y) / 4)


def test_whole_network_gradient_with_weight_decay():
    rng = np.random.default_rng(4)
    net = Sequential([Dense(5, 7), Tanh(), Dense(7, 4), Tanh(), Dense(4, 3)])
    net.initialize(rng)
    X, y = rng.standard_normal((11, 5)), np.eye(3)[rng.integers(0, 3, 11)]
    error = check_network_gradients(net, SoftmaxCrossEntropy(), X, y, l2=0.7)
    assert error < 1e-6
