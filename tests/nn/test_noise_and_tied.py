"""MaskingNoise and TiedDense: the layers of the autoencoders."""

import numpy as np
import pytest

from skdeep.nn import (
    Dense,
    MaskingNoise,
    Sequential,
    TiedDense,
    check_network_gradients,
)
from skdeep.nn.layers import Tanh
from skdeep.nn.losses import SquaredError


@pytest.mark.parametrize("p", [0.2, 0.6])
def test_masking_noise_zeroes_entries_without_rescaling(p):
    layer = MaskingNoise(p)
    layer.rng = np.random.default_rng(0)
    X = np.random.default_rng(1).uniform(1, 2, (400, 50))
    out = layer.forward(X, training=True)
    kept = out != 0
    np.testing.assert_array_equal(out[kept], X[kept])
    assert abs(1 - kept.mean() - p) < 0.02
    assert layer.forward(X, training=False) is X
    np.testing.assert_array_equal(layer.backward(np.ones_like(X)), kept)


def test_masking_noise_frozen_mask_is_reused():
    layer = MaskingNoise(0.5)
    layer.rng = np.random.default_rng(0)
    X = np.ones((20, 10))
    first = layer.forward(X, training=True)
    layer.frozen = True
    np.testing.assert_array_equal(layer.forward(X, training=True), first)
    layer.frozen = False
    assert not np.array_equal(layer.forward(X, training=True), first)


def _tied_network():
    encoder = Dense(5, 3)
    net = Sequential([encoder, Tanh(), TiedDense(encoder)])
    net.initialize(np.random.default_rng(0))
    return net, encoder


def test_tied_dense_uses_the_transposed_encoder_weight():
    net, encoder = _tied_network()
    tied = net.layers[2]
    assert [name for name, _, _ in tied.param_specs()] == ["b"]
    tied.params["b"][...] = 0.5
    H = np.random.default_rng(2).standard_normal((4, 3))
    np.testing.assert_allclose(
        tied.forward(H), H @ encoder.params["W"].T + 0.5, rtol=1e-12
    )
    assert net.params.size == 5 * 3 + 3 + 5


def test_tied_gradient_adds_both_uses_of_the_weight():
    net, encoder = _tied_network()
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((6, 5)), rng.standard_normal((6, 5))
    loss = SquaredError()
    assert check_network_gradients(net, loss, X, Y, l2=0.2) < 1e-7
    # by hand: the encoder's use plus the decoder's (transposed) use
    W = encoder.params["W"]
    H = np.tanh(X @ W + encoder.params["b"])
    Z = H @ W.T + net.layers[2].params["b"]
    dZ = (Z - Y) / len(X)
    dH = dZ @ W * (1 - H**2)
    net.forward(X, training=True)
    loss.forward(net.forward(X, training=True), Y)
    net.backward(loss.backward())
    np.testing.assert_allclose(encoder.grads["W"], X.T @ dH + (H.T @ dZ).T, rtol=1e-10)


def test_tied_dense_needs_a_dense_encoder():
    with pytest.raises(TypeError, match="Dense"):
        TiedDense(Tanh())
