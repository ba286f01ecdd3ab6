"""The layers of tabular MLPs: FeatureScale, ParametricActivation,
PeriodicEmbedding, Embedding and Columns."""

import pickle

import numpy as np
import pytest

from skdeep.nn import (
    ACTIVATIONS,
    Adam,
    Columns,
    Dense,
    Dropout,
    Embedding,
    FeatureScale,
    ParametricActivation,
    PeriodicEmbedding,
    Sequential,
    check_layer_gradients,
    check_network_gradients,
)
from skdeep.nn.layers import Tanh, default_embedding_dim
from skdeep.nn.losses import SoftmaxCrossEntropy, SquaredError
from skdeep.train import TrainingData, TrainState, train

BASES = sorted(set(ACTIVATIONS) - {"identity"})
CARDS = [3, 1, 5]


def _codes(rng, n, cards=CARDS):
    return np.stack([rng.integers(0, c, n) for c in cards], axis=1).astype(float)


def _tabular_input(rng, n=9, n_numeric=3, n_onehot=2):
    numeric = rng.standard_normal((n, n_numeric))
    onehot = rng.integers(0, 2, (n, n_onehot)).astype(float)
    return np.hstack([numeric, onehot, _codes(rng, n)])


def _columns(n_numeric=3, n_onehot=2, keep_input=True):
    return Columns(
        [
            (n_numeric, PeriodicEmbedding(n_numeric, 4, 3, 0.5, keep_input)),
            (n_onehot, None),
            (len(CARDS), Embedding(CARDS, n_out=2)),
        ]
    )


def _tabular_net(dtype=np.float64, n_outputs=2):
    first = _columns()
    width = first.n_outputs
    return Sequential(
        [
            first,
            FeatureScale(width),
            Dense(width, 6),
            ParametricActivation(6, "silu"),
            Dense(6, n_outputs),
        ],
        dtype=dtype,
    )


def _Randomized(cls):
    """``cls`` with its parameters drawn from U(-0.5, 1.5) instead of 1."""

    class Randomized(cls):
        def initialize(self, rng):
            for value in self.params.values():
                value[...] = rng.uniform(-0.5, 1.5, value.shape)

    return Randomized


def _bound(layer, seed=0, dtype=np.float64):
    net = Sequential([layer], dtype=dtype)
    net.initialize(np.random.default_rng(seed))
    return net


# ---- FeatureScale ------------------------------------------------------------
def test_feature_scale():
    layer = FeatureScale(4)
    _bound(layer)
    assert layer.param_specs() == [("scale", (4,), False)]
    np.testing.assert_array_equal(layer.params["scale"], 1)
    X = np.random.default_rng(0).standard_normal((5, 4))
    layer.params["scale"][...] = [1, 2, 3, 4]
    np.testing.assert_allclose(layer.forward(X), X * [1, 2, 3, 4])
    rng = np.random.default_rng(1)
    assert check_layer_gradients(FeatureScale(4), X, rng) < 1e-6
    assert check_layer_gradients(_Randomized(FeatureScale)(4), X, rng) < 1e-6


# ---- ParametricActivation ----------------------------------------------------
@pytest.mark.parametrize("base", BASES)
def test_parametric_activation_blends_with_identity(base):
    layer = ParametricActivation(6, base)
    _bound(layer)
    assert layer.param_specs() == [("alpha", (6,), False)]
    X = np.random.default_rng(0).standard_normal((7, 6)) * 3
    expected = ACTIVATIONS[base]().forward(X.copy())
    np.testing.assert_allclose(layer.forward(X), expected, rtol=1e-14, atol=1e-15)
    layer.params["alpha"][...] = 0
    np.testing.assert_array_equal(layer.forward(X), X)
    layer.params["alpha"][...] = 0.25
    np.testing.assert_allclose(
        layer.forward(X), X + 0.25 * (expected - X), rtol=1e-14, atol=1e-15
    )


@pytest.mark.parametrize("base", BASES)
def test_parametric_activation_gradients(base):
    rng = np.random.default_rng(2)
    layer = ParametricActivation(5, base)
    X = rng.standard_normal((6, 5)) * 2
    X[X == 0] = 0.1  # off the kinks
    assert check_layer_gradients(layer, X, rng) < 1e-6
    # at non-trivial alphas too
    assert (
        check_layer_gradients(_Randomized(ParametricActivation)(5, base), X, rng) < 1e-6
    )


def test_parametric_activation_rejects_bad_bases():
    for base in ("identity", "swish"):
        with pytest.raises(ValueError, match="base must be one of"):
            ParametricActivation(3, base)


# ---- PeriodicEmbedding -------------------------------------------------------
@pytest.mark.parametrize("keep_input", [True, False])
def test_periodic_embedding_output(keep_input):
    layer = PeriodicEmbedding(3, n_frequencies=4, n_out=5, keep_input=keep_input)
    _bound(layer)
    specs = {name: (shape, decay) for name, shape, decay in layer.param_specs()}
    assert specs == {
        "frequencies": ((3, 4), False),
        "phases": ((3, 4), False),
        "weight": ((3, 4, 5), True),
        "bias": ((3, 5), False),
    }
    assert np.all(np.abs(layer.params["phases"]) <= 0.5)
    X = np.random.default_rng(0).standard_normal((7, 3))
    out = layer.forward(X)
    width = 5 + keep_input
    assert out.shape == (7, 3 * width) == (7, layer.n_outputs)
    p = layer.params
    for j in range(3):  # one feature at a time, by hand
        z = np.cos(2 * np.pi * (X[:, j : j + 1] * p["frequencies"][j] + p["phases"][j]))
        h = np.maximum(z @ p["weight"][j] + p["bias"][j], 0)
        block = out[:, j * width : (j + 1) * width]
        if keep_input:
            np.testing.assert_array_equal(block[:, 0], X[:, j])
        np.testing.assert_allclose(block[:, keep_input:], h, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("keep_input", [True, False])
def test_periodic_embedding_gradients(keep_input):
    rng = np.random.default_rng(3)
    layer = PeriodicEmbedding(
        3, n_frequencies=5, n_out=4, sigma=0.7, keep_input=keep_input
    )
    X = rng.standard_normal((8, 3))
    assert check_layer_gradients(layer, X, rng) < 1e-6


def test_periodic_embedding_without_input_grad():
    layer = PeriodicEmbedding(2, 3, 2)
    net = _bound(layer)
    assert layer.needs_input_grad is False  # the first layer
    X = np.random.default_rng(0).standard_normal((4, 2))
    out = net.forward(X, training=True)
    assert net.backward(np.ones_like(out)) is None
    assert np.any(layer.grads["frequencies"] != 0)


# ---- Embedding ---------------------------------------------------------------
def test_embedding_default_dims_and_lookup():
    dims = [default_embedding_dim(c) for c in (1, 2, 3, 10, 100, 10**6)]
    assert dims == [2, 2, 3, 6, 16, 16]
    layer = Embedding(CARDS)
    assert layer.dims == [default_embedding_dim(c) for c in CARDS]
    assert Embedding(CARDS, n_out=4).dims == [4, 4, 4]
    assert Embedding(CARDS, n_out=[1, 2, 3]).dims == [1, 2, 3]
    _bound(layer)
    size = sum(c * d for c, d in zip(CARDS, layer.dims))
    assert layer.param_specs() == [("table", (size,), True)]
    tables = layer.tables()
    assert [t.shape for t in tables] == list(zip(CARDS, layer.dims))
    codes = _codes(np.random.default_rng(0), 11)
    out = layer.forward(codes)
    assert out.shape == (11, sum(layer.dims)) == (11, layer.n_outputs)
    expected = np.hstack([t[codes[:, j].astype(int)] for j, t in enumerate(tables)])
    np.testing.assert_array_equal(out, expected)


def test_embedding_rejects_bad_sizes():
    with pytest.raises(ValueError, match="cardinalities"):
        Embedding([3, 0])
    with pytest.raises(ValueError, match="n_out"):
        Embedding([3, 4], n_out=[2])


def test_embedding_gradients_of_shared_categories_accumulate():
    layer = Embedding([4, 2], n_out=3)
    net = _bound(layer)
    assert layer.needs_input_grad is False
    codes = np.array([[1, 0], [1, 1], [3, 0], [1, 0]], dtype=float)
    net.forward(codes, training=True)
    dLdy = np.random.default_rng(0).standard_normal((4, 6))
    assert net.backward(dLdy.copy()) is None  # usable as a first layer
    first, second = layer.grads["table"][:12].reshape(4, 3), layer.grads["table"][12:]
    np.testing.assert_allclose(first[1], dLdy[[0, 1, 3], :3].sum(axis=0), rtol=1e-15)
    np.testing.assert_allclose(first[3], dLdy[2, :3], rtol=1e-15)
    np.testing.assert_array_equal(first[[0, 2]], 0)
    second = second.reshape(2, 3)
    np.testing.assert_allclose(second[0], dLdy[[0, 2, 3], 3:].sum(axis=0), rtol=1e-15)
    np.testing.assert_allclose(second[1], dLdy[1, 3:], rtol=1e-15)


def test_embedding_gradients():
    rng = np.random.default_rng(4)
    codes = _codes(rng, 10)
    # the input gradient is zero (the codes are piecewise constant)
    assert check_layer_gradients(Embedding(CARDS), codes, rng) < 1e-6
    assert check_layer_gradients(Embedding(CARDS, n_out=[1, 3, 2]), codes, rng) < 1e-6


# ---- Columns -----------------------------------------------------------------
def test_columns_names_splits_and_joins():
    layer = _columns()
    net = _bound(layer)
    names = [name for name, _, _ in layer.param_specs()]
    assert names == ["0.frequencies", "0.phases", "0.weight", "0.bias", "2.table"]
    periodic, embedding = layer.blocks[0][1], layer.blocks[2][1]
    assert periodic.params["weight"].base is not None  # views of net.params
    assert np.shares_memory(periodic.params["weight"], net.params)
    assert np.shares_memory(embedding.grads["table"], net.grads)
    X = _tabular_input(np.random.default_rng(0))
    out = layer.forward(X)
    assert out.shape == (9, layer.n_outputs) == (9, 3 * 4 + 2 + 6)
    np.testing.assert_array_equal(out[:, :12], periodic.forward(X[:, :3]))
    np.testing.assert_array_equal(out[:, 12:14], X[:, 3:5])
    np.testing.assert_array_equal(out[:, 14:], embedding.forward(X[:, 5:]))
    with pytest.raises(ValueError, match="expects 8 columns"):
        layer.forward(X[:, :7])


def test_columns_passes_needs_input_grad_on():
    layer = Columns([(2, FeatureScale(2)), (3, Embedding([2, 2, 2]))])
    assert all(child.needs_input_grad for _, child in layer.blocks)
    Sequential([layer])
    assert not any(child.needs_input_grad for _, child in layer.blocks)


def test_columns_gradients():
    rng = np.random.default_rng(5)
    X = _tabular_input(rng)
    assert check_layer_gradients(_columns(), X, rng) < 1e-6
    layer = Columns([(2, FeatureScale(2)), (1, None), (2, ParametricActivation(2))])
    assert check_layer_gradients(layer, rng.standard_normal((6, 5)), rng) < 1e-6


@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_tabular_network_gradients(l2):
    rng = np.random.default_rng(6)
    net = _tabular_net()
    net.initialize(rng)
    assert net.layers[0].needs_input_grad is False
    X = _tabular_input(rng, n=10)
    y = np.eye(2)[rng.integers(0, 2, 10)]
    assert check_network_gradients(net, SoftmaxCrossEntropy(), X, y, l2=l2) < 1e-6
    sw = rng.uniform(0.5, 2.0, 10)
    assert check_network_gradients(net, SoftmaxCrossEntropy(), X, y, sw) < 1e-6


def test_columns_in_the_middle_of_a_network():
    """Not first: the input gradient is assembled from the blocks."""
    rng = np.random.default_rng(7)
    middle = Columns([(2, PeriodicEmbedding(2, 3, 2)), (2, None), (1, FeatureScale(1))])
    net = Sequential(
        [
            Dense(4, 5),
            Tanh(),
            middle,
            Dense(middle.n_outputs, 3),
            ParametricActivation(3),
        ]
    )
    net.initialize(rng)
    X, y = rng.standard_normal((8, 4)), rng.standard_normal((8, 3))
    assert check_network_gradients(net, SquaredError(), X, y) < 1e-6


def test_columns_keeps_the_children_caches():
    net = _tabular_net()
    net.initialize(np.random.default_rng(0))
    net.forward(_tabular_input(np.random.default_rng(1)), training=True)
    children = [child for _, child in net.layers[0].blocks if child is not None]
    assert not any("_cache" in child.__dict__ for child in children)
    net.clear_caches()
    assert "_cache" not in net.layers[0].__dict__


def test_columns_passes_the_rng_and_frozen_masks_on():
    dropout = Dropout(0.5)
    layer = Columns([(3, dropout), (2, None)])
    net = Sequential([Dense(5, 5), layer, Dense(5, 1)])
    assert layer.needs_rng and not layer.uses_sample_weight
    rng = np.random.default_rng(0)
    net.initialize(rng)
    net.set_rng(rng)
    assert dropout.rng is rng
    X, y = rng.standard_normal((6, 5)), rng.standard_normal((6, 1))
    assert check_network_gradients(net, SquaredError(), X, y) < 1e-6


# ---- dtypes, pickling, backends, training ------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda: FeatureScale(4),
        lambda: ParametricActivation(4, "gelu"),
        lambda: PeriodicEmbedding(4, 3, 2),
    ],
)
def test_float32_stays_float32(make):
    layer = make()
    net = _bound(layer, dtype=np.float32)
    X = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    out = net.forward(X, training=True)
    assert out.dtype == np.float32
    layer.needs_input_grad = True
    assert net.backward(np.ones_like(out)).dtype == np.float32
    assert net.grads.dtype == np.float32


def test_float32_tabular_network():
    net = _tabular_net(np.float32)
    net.initialize(np.random.default_rng(0))
    X = _tabular_input(np.random.default_rng(1)).astype(np.float32)
    out = net.forward(X, training=True)
    assert out.dtype == np.float32
    net.backward(np.ones_like(out))
    assert net.grads.dtype == np.float32 and np.all(np.isfinite(net.grads))


def test_pickle_round_trip_gives_identical_predictions():
    net = _tabular_net()
    net.initialize(np.random.default_rng(0))
    X = _tabular_input(np.random.default_rng(1), n=20)
    net.forward(X, training=True)  # caches are not pickled
    clone = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(clone.forward(X), net.forward(X))
    periodic = clone.layers[0].blocks[0][1]
    assert np.shares_memory(periodic.params["weight"], clone.params)
    y = np.eye(2)[np.arange(20) % 2]
    assert check_network_gradients(clone, SoftmaxCrossEntropy(), X, y) < 1e-6


def test_same_outputs_and_gradients_on_torch():
    torch = pytest.importorskip("torch")
    from skdeep.backend import get_backend

    net = _tabular_net()
    net.initialize(np.random.default_rng(0))
    X = _tabular_input(np.random.default_rng(1), n=12)
    dZ = np.random.default_rng(2).standard_normal((12, 2))
    Z = net.forward(X, training=True)
    net.backward(dZ.copy())
    grads = net.grads.copy()
    ops = get_backend("cpu")
    net.to(ops)
    tX = ops.asarray(X)
    tZ = net.forward(tX, training=True)
    assert isinstance(tZ, torch.Tensor)
    net.backward(ops.asarray(dZ))
    np.testing.assert_allclose(ops.to_numpy(tZ), Z, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ops.to_numpy(net.grads), grads, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("device", [None, "cpu"])
def test_training_reduces_the_loss(device):
    if device is not None:
        pytest.importorskip("torch")
    from skdeep.backend import get_backend

    rng = np.random.default_rng(0)
    X = _tabular_input(rng, n=120)
    labels = ((np.sin(3 * X[:, 0]) + X[:, 3] + (X[:, 5] == 1)) > 0.5).astype(int)
    y = np.eye(2)[labels]
    net = _tabular_net()
    net.initialize(rng)
    loss = SoftmaxCrossEntropy()
    before = loss.forward(net.forward(X), y)
    optimizer = Adam(0.01)
    optimizer.init(net.params)
    state = TrainState(optimizer, "train_loss")
    backend = None if device is None else get_backend(device)
    data = TrainingData(X, y)
    train(
        net, loss, state, data, rng=rng, max_epochs=20, batch_size=32, backend=backend
    )
    history = state.history
    assert history[-1]["train_loss"] < 0.7 * history[0]["train_loss"]
    assert loss.forward(net.forward(X), y) < 0.7 * before
