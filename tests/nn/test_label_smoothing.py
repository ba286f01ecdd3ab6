"""Label smoothing of the classification losses: targets
``y (1 - eps) + eps / K`` (K classes for softmax, 2 for each logistic
output), gradients, and eps = 0 as before."""

import pickle

import numpy as np
import pytest
from scipy.special import expit, log_softmax, softmax

from skdeep.nn import LOSSES, Dense, Sequential, check_network_gradients
from skdeep.nn.gradcheck import numerical_gradient, relative_error
from skdeep.nn.layers import Tanh
from skdeep.nn.losses import BinaryCrossEntropy, SoftmaxCrossEntropy

CLASSIFICATION = [SoftmaxCrossEntropy, BinaryCrossEntropy]


def _problem(cls, seed=0, n=9, k=3):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, k)) * 2
    if cls is SoftmaxCrossEntropy:
        y = np.eye(k)[rng.integers(0, k, n)]
    else:
        y = rng.integers(0, 2, (n, k)).astype(float)
    return rng, Z, y


def _smoothed(cls, y, eps):
    k = y.shape[1] if cls is SoftmaxCrossEntropy else 2
    return y * (1 - eps) + eps / k


@pytest.mark.parametrize("cls", CLASSIFICATION)
@pytest.mark.parametrize("weighted", [False, True])
def test_zero_smoothing_is_bit_identical_to_the_default(cls, weighted):
    rng, Z, y = _problem(cls)
    sw = rng.uniform(0.2, 3.0, Z.shape[0]) if weighted else None
    plain, zero = cls(), cls(label_smoothing=0.0)
    assert plain.label_smoothing == zero.label_smoothing == 0.0
    assert zero.smooth(y) is y
    assert zero.forward(Z, y, sw) == plain.forward(Z, y, sw)
    np.testing.assert_array_equal(zero.backward(), plain.backward())
    # and as before the option existed: the link's loss on the raw targets
    P, values = plain.ops.link_and_loss(plain.link, Z, y)
    w = np.full((Z.shape[0], 1), 1 / Z.shape[0]) if sw is None else (
        sw.reshape(-1, 1) / sw.sum()
    )
    assert zero.forward(Z, y, sw) == pytest.approx(float((values * w).sum()))
    np.testing.assert_allclose(zero.backward(), (P - y) * w)


@pytest.mark.parametrize("eps", [0.1, 0.3])
def test_softmax_smoothed_targets_loss_and_gradient_by_hand(eps):
    _, Z, y = _problem(SoftmaxCrossEntropy, k=4)
    loss = SoftmaxCrossEntropy(label_smoothing=eps)
    ys = y * (1 - eps) + eps / 4
    np.testing.assert_allclose(loss.smooth(y), ys)
    np.testing.assert_allclose(ys.sum(axis=1), 1.0)
    expected = -(ys * log_softmax(Z, axis=1)).sum(axis=1).mean()
    assert loss.forward(Z, y) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(
        loss.backward(), (softmax(Z, axis=1) - ys) / Z.shape[0], atol=1e-15
    )


@pytest.mark.parametrize("eps", [0.1, 0.3])
def test_logistic_smoothed_targets_loss_and_gradient_by_hand(eps):
    _, Z, y = _problem(BinaryCrossEntropy)
    loss = BinaryCrossEntropy(label_smoothing=eps)
    ys = y * (1 - eps) + eps / 2
    np.testing.assert_allclose(loss.smooth(y), ys)
    np.testing.assert_allclose(np.unique(ys), [eps / 2, 1 - eps / 2])
    p = expit(Z)
    expected = -(ys * np.log(p) + (1 - ys) * np.log(1 - p)).sum(axis=1).mean()
    assert loss.forward(Z, y) == pytest.approx(expected, rel=1e-10)
    np.testing.assert_allclose(loss.backward(), (p - ys) / Z.shape[0], atol=1e-15)


@pytest.mark.parametrize("cls", CLASSIFICATION)
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_in_Z_matches_finite_differences(cls, weighted):
    rng, Z, y = _problem(cls, seed=1)
    sw = rng.uniform(0.2, 3.0, Z.shape[0]) if weighted else None
    loss = cls(label_smoothing=0.2)
    loss.forward(Z, y, sw)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda: loss.forward(Z, y, sw), Z)
    assert relative_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize("cls", CLASSIFICATION)
@pytest.mark.parametrize("weighted", [False, True])
def test_network_gradients_with_label_smoothing(cls, weighted):
    rng, _, y = _problem(cls, seed=2)
    net = Sequential([Dense(4, 5), Tanh(), Dense(5, 3)])
    net.initialize(rng)
    X = rng.standard_normal((9, 4))
    sw = rng.uniform(0.2, 3.0, 9) if weighted else None
    loss = cls(label_smoothing=0.15)
    assert check_network_gradients(net, loss, X, y, sample_weight=sw) < 1e-6


@pytest.mark.parametrize("cls", CLASSIFICATION)
def test_smoothed_loss_is_the_loss_of_the_smoothed_targets(cls):
    rng, Z, y = _problem(cls, seed=3)
    sw = rng.uniform(0.2, 3.0, Z.shape[0])
    eps = 0.25
    smoothed, plain = cls(label_smoothing=eps), cls()
    ys = _smoothed(cls, y, eps)
    assert smoothed.forward(Z, y, sw) == plain.forward(Z, ys, sw)
    np.testing.assert_array_equal(smoothed.backward(), plain.backward())
    # the optimum of the smoothed loss: the smoothed targets' probabilities
    if cls is SoftmaxCrossEntropy:
        Z_opt = np.log(ys)
    else:
        Z_opt = np.log(ys / (1 - ys))
    np.testing.assert_allclose(smoothed.output(Z_opt), ys, atol=1e-12)
    smoothed.forward(Z_opt, y)
    np.testing.assert_allclose(smoothed.backward(), 0.0, atol=1e-15)


def test_targets_take_the_dtype_of_Z():
    _, Z, y = _problem(SoftmaxCrossEntropy)
    Z32, labels = Z.astype(np.float32), y.astype(np.int64)
    loss = SoftmaxCrossEntropy(label_smoothing=0.1)
    loss.forward(Z32, labels)
    assert loss.backward().dtype == np.float32
    assert loss.smooth(labels, np.float32).dtype == np.float32


def test_registry_and_constructor_argument():
    assert LOSSES["softmax"] is SoftmaxCrossEntropy
    assert LOSSES["logistic"] is BinaryCrossEntropy
    assert LOSSES["softmax"](label_smoothing=0.1).label_smoothing == 0.1
    assert SoftmaxCrossEntropy(0.05).label_smoothing == 0.05
    assert LOSSES["identity"]().label_smoothing == 0.0  # regression: none
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match="label_smoothing"):
            BinaryCrossEntropy(label_smoothing=bad)
    loss = pickle.loads(pickle.dumps(SoftmaxCrossEntropy(label_smoothing=0.2)))
    assert loss.label_smoothing == 0.2
    assert repr(loss) == "SoftmaxCrossEntropy(label_smoothing=0.2)"
    assert repr(SoftmaxCrossEntropy()) == "SoftmaxCrossEntropy()"


def test_full_smoothing_targets_the_uniform_distribution():
    _, Z, y = _problem(SoftmaxCrossEntropy, k=5)
    np.testing.assert_allclose(
        SoftmaxCrossEntropy(label_smoothing=1.0).smooth(y), 0.2
    )
