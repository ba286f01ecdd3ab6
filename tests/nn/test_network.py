import pickle

import numpy as np

from skdeep.nn import Dense, Sequential, check_network_gradients
from skdeep.nn.layers import Logistic, ReLU
from skdeep.nn.losses import BinaryCrossEntropy


def _net(seed=0):
    net = Sequential([Dense(4, 6), ReLU(), Dense(6, 5), Logistic(), Dense(5, 2)])
    net.initialize(np.random.default_rng(seed))
    return net


def test_parameters_are_views_of_one_flat_buffer():
    net = _net()
    assert net.params.size == 4 * 6 + 6 + 6 * 5 + 5 + 5 * 2 + 2
    net.params[:] = np.arange(net.params.size)
    W0 = net.layers[0].params["W"]
    assert np.shares_memory(W0, net.params)
    assert W0[0, 0] == 0
    # weights first: the decayed part is exactly the weight matrices
    assert net.n_decay == 4 * 6 + 6 * 5 + 5 * 2
    for layer in net.layers:
        if "b" in layer.params:
            assert np.shares_memory(layer.params["b"], net.params[net.n_decay :])


def test_weight_decay_touches_weights_only():
    net = _net()
    net.grads[:] = 0
    net.add_weight_decay(2.0)
    np.testing.assert_allclose(
        net.grads[: net.n_decay], 2.0 * net.params[: net.n_decay]
    )
    assert not net.grads[net.n_decay :].any()


def test_first_layer_returns_no_input_gradient():
    net = _net()
    rng = np.random.default_rng(1)
    net.forward(rng.standard_normal((3, 4)), training=True)
    assert net.backward(rng.standard_normal((3, 2))) is None


def test_whole_network_gradients():
    rng = np.random.default_rng(2)
    net = _net()
    X, y = rng.standard_normal((7, 4)), rng.integers(0, 2, (7, 2)).astype(float)
    assert check_network_gradients(net, BinaryCrossEntropy(), X, y, l2=0.1) < 1e-6


def test_pickle_rebinds_views():
    net = _net()
    X = np.random.default_rng(3).standard_normal((5, 4))
    copy = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(copy.forward(X), net.forward(X))
    copy.params[:] = 0
    assert not copy.layers[0].params["W"].any()
    assert net.layers[0].params["W"].any()


def test_state_snapshot_and_restore():
    net = _net()
    state = net.get_state()
    net.params += 1.0
    net.set_state(state)
    np.testing.assert_array_equal(net.params, state[0])
    assert not np.shares_memory(state[0], net.params)


def test_float32_network_computes_in_float32():
    net = Sequential([Dense(3, 2), ReLU(), Dense(2, 1)], dtype=np.float32)
    net.initialize(np.random.default_rng(0))
    assert net.forward(np.ones((2, 3), dtype=np.float32)).dtype == np.float32


def test_blockwise_predict_equals_one_forward_pass():
    rng = np.random.default_rng(5)
    net = Sequential([Dense(4, 6), ReLU(), Dense(6, 3)])
    net.initialize(rng)
    X = rng.standard_normal((23, 4))
    whole = net.forward(X)
    blocks = net.predict(X, link=np.exp, block_size=5)
    np.testing.assert_allclose(blocks, np.exp(whole), rtol=1e-12)
    np.testing.assert_array_equal(net.predict(X, block_size=100), whole)


def test_astype_copies_the_network_in_another_dtype():
    net = Sequential([Dense(4, 8), ReLU(), Dense(8, 2)], dtype=np.float32)
    net.initialize(np.random.default_rng(0))
    wide = net.astype(np.float64)
    assert wide.dtype == np.float64 and wide.params.dtype == np.float64
    np.testing.assert_array_equal(wide.params, net.params.astype(np.float64))
    assert wide.layers[0].params["W"].dtype == np.float64
    X = np.random.default_rng(1).normal(size=(5, 4))
    np.testing.assert_allclose(
        wide.predict(X), net.predict(X.astype(np.float32)), rtol=1e-5, atol=1e-6
    )
    wide.params[:] = 0  # a copy: the original is untouched
    assert np.abs(net.params).max() > 0
