import numpy as np
import pytest
import scipy.sparse as sp

from skdeep.nn import ACTIVATIONS, Dense, Sequential, check_layer_gradients

RNG_SEED = 0


@pytest.mark.parametrize(
    "layer_factory",
    [
        lambda: Dense(4, 3),
        lambda: Dense(4, 3, use_bias=False),
        *[cls for cls in ACTIVATIONS.values()],
    ],
    ids=["dense", "dense_nobias", *ACTIVATIONS],
)
def test_layer_gradients_match_finite_differences(layer_factory):
    rng = np.random.default_rng(RNG_SEED)
    X = rng.standard_normal((6, 4))
    assert check_layer_gradients(layer_factory(), X, rng) < 1e-6


@pytest.mark.parametrize(
    "name, expected",
    [
        ("identity", [-2.0, 0.0, 3.0]),
        ("relu", [0.0, 0.0, 3.0]),
        ("tanh", np.tanh([-2.0, 0.0, 3.0])),
        ("logistic", 1 / (1 + np.exp([2.0, 0.0, -3.0]))),
    ],
)
def test_activation_values(name, expected):
    out = ACTIVATIONS[name]().forward(np.array([[-2.0, 0.0, 3.0]]))
    np.testing.assert_allclose(out.ravel(), expected)


def test_dense_forward_is_affine_and_caches_only_in_training():
    layer = Dense(2, 2)
    net = Sequential([layer])
    net.params[:] = [1.0, 2.0, 3.0, 4.0, 0.5, -0.5]  # W row-major, then b
    X = np.array([[1.0, 1.0]])
    np.testing.assert_allclose(layer.forward(X), [[4.5, 5.5]])
    assert not hasattr(layer, "_cache")
    layer.forward(X, training=True)
    assert layer._cache is X


def test_dense_backward_on_sparse_input_equals_dense():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((8, 5)) * (rng.random((8, 5)) < 0.4)
    dLdy = rng.standard_normal((8, 3))
    grads = []
    for data in (X, sp.csr_matrix(X)):
        layer = Dense(5, 3)
        Sequential([layer]).initialize(np.random.default_rng(2))
        layer.forward(data, training=True)
        layer.backward(dLdy)
        grads.append(layer.grads["W"].copy())
    np.testing.assert_allclose(grads[0], grads[1])


def test_glorot_bounds_and_zero_bias():
    layer = Dense(30, 20)
    Sequential([layer]).initialize(np.random.default_rng(0))
    W = layer.params["W"]
    assert np.abs(W).max() <= np.sqrt(6 / 50)
    assert np.abs(W).max() > 0.9 * np.sqrt(6 / 50)  # the range is used
    assert not layer.params["b"].any()


def test_initialization_breaks_symmetry():
    layer = Dense(10, 50)
    Sequential([layer]).initialize(np.random.default_rng(0))
    columns = layer.params["W"].T
    assert len({tuple(c) for c in columns}) == 50
