"""Parameter-efficient ensembles (EnsembleInput, EnsembleHeads,
EnsembleMean, EnsembleLoss), piecewise-linear embeddings, and the neutral
vector of unseen categories."""

import numpy as np
import pytest

from skdeep.backend import NUMPY
from skdeep.nn import (
    Adam,
    Dense,
    Embedding,
    EnsembleHeads,
    EnsembleInput,
    EnsembleLoss,
    EnsembleMean,
    PiecewiseLinearEmbedding,
    Sequential,
    check_layer_gradients,
    check_network_gradients,
)
from skdeep.nn.layers import ReLU
from skdeep.nn.losses import (
    BinaryCrossEntropy,
    PoissonDeviance,
    SoftmaxCrossEntropy,
    SquaredError,
)
from skdeep.train import TrainingData, TrainState, train

rng = np.random.default_rng(0)


def test_input_copies_and_scales_each_member():
    layer = EnsembleInput(3, 4)
    Sequential([layer]).initialize(np.random.default_rng(0))
    r = layer.params["r"]
    assert set(np.unique(r)) <= {-1.0, 1.0} and len(np.unique(r)) == 2
    X = rng.standard_normal((5, 3))
    out = layer.forward(X).reshape(4, 5, 3)
    for m in range(4):
        np.testing.assert_array_equal(out[m], X * r[m])


def test_heads_are_one_affine_map_per_member():
    layer = EnsembleHeads(3, 2, 4)
    Sequential([layer]).initialize(np.random.default_rng(0))
    X = rng.standard_normal((4 * 5, 3))
    out = layer.forward(X).reshape(4, 5, 2)
    W, b = layer.params["weight"], layer.params["bias"]
    for m in range(4):
        np.testing.assert_allclose(out[m], X[m * 5 : (m + 1) * 5] @ W[m] + b[m])


@pytest.mark.parametrize(
    "layer, n_rows",
    [
        (EnsembleInput(4, 3), 7),
        (EnsembleHeads(4, 2, 3), 21),
        (PiecewiseLinearEmbedding([[-2, -0.5, 0.1, 1.5], [-1, 1]], n_out=3), 9),
        (PiecewiseLinearEmbedding([np.linspace(-1, 1, 9)] * 2, 2, False), 9),
    ],
    ids=["input", "heads", "piecewise", "piecewise-no-input"],
)
def test_layer_gradients(layer, n_rows):
    X = rng.standard_normal((n_rows, 4 if "Ensemble" in type(layer).__name__ else 2))
    assert check_layer_gradients(layer, X * 1.5, np.random.default_rng(1)) < 1e-7


LOSS_CASES = {
    "softmax": (SoftmaxCrossEntropy(0.1), lambda n: np.eye(3)[rng.integers(0, 3, n)]),
    "logistic": (BinaryCrossEntropy(), lambda n: rng.integers(0, 2, (n, 3)) * 1.0),
    "identity": (SquaredError(True), lambda n: rng.standard_normal((n, 3))),
    "exp": (PoissonDeviance(), lambda n: rng.poisson(2.0, (n, 3)) * 1.0),
}


def _ensemble_net(link, k=5):
    net = Sequential(
        [
            EnsembleInput(4, k),
            Dense(4, 6),
            ReLU(),
            EnsembleHeads(6, 3, k),
            EnsembleMean(k, link),
        ]
    )
    net.initialize(np.random.default_rng(2))
    return net


@pytest.mark.parametrize("link", sorted(LOSS_CASES))
def test_ensemble_network_gradients_and_mean(link):
    loss, targets = LOSS_CASES[link]
    X, y = rng.standard_normal((7, 4)), targets(7)
    net = _ensemble_net(link)
    error = check_network_gradients(
        net, EnsembleLoss(loss, 5), X, y, sample_weight=rng.random(7), l2=0.1
    )
    assert error < 1e-7
    members = net.forward(X, training=True).reshape(5, 7, 3)
    expected = np.mean([loss.output(Z) for Z in members], axis=0)
    np.testing.assert_allclose(loss.output(net.predict(X)), expected, rtol=1e-12)


def test_ensemble_loss_is_the_mean_of_the_members_losses():
    loss, targets = LOSS_CASES["softmax"]
    X, y, w = rng.standard_normal((7, 4)), targets(7), rng.random(7)
    members = _ensemble_net("softmax").forward(X, training=True).reshape(5, 7, 3)
    expected = np.mean([loss.forward(Z, y, w) for Z in members])
    value = EnsembleLoss(loss, 5).forward(members.reshape(35, 3), y, w)
    assert value == pytest.approx(expected, rel=1e-12)


def test_ensemble_mean_stays_finite_in_the_tails():
    Z = np.array([[[800.0, -800.0]], [[790.0, -810.0]]])
    for link in ("softmax", "logistic", "exp"):
        assert np.isfinite(NUMPY.ensemble_mean(link, Z)).all(), link
    P = NUMPY.link("logistic", NUMPY.ensemble_mean("logistic", Z))
    np.testing.assert_allclose(P, [[1.0, 0.0]], atol=1e-300)


def test_piecewise_linear_encoding_by_hand():
    layer = PiecewiseLinearEmbedding([[0.0, 1.0, 3.0], [-1.0, 1.0]], n_out=1)
    Sequential([layer]).initialize(np.random.default_rng(0))
    X = np.array([[-1.0, 0.0], [0.5, 3.0], [2.0, -2.0], [5.0, 1.0]])
    E, _ = layer._encode(X)
    # first bin open below, last open above, padding bins always 0
    np.testing.assert_allclose(E[0], [[-1, 0], [0.5, 0], [1, 0.5], [1, 2]])
    np.testing.assert_allclose(E[1], [[0.5, 0], [2, 0], [-0.5, 0], [1, 0]])


def test_piecewise_linear_needs_increasing_edges():
    with pytest.raises(ValueError, match="increase"):
        PiecewiseLinearEmbedding([[0.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="two bin edges"):
        PiecewiseLinearEmbedding([[0.0]])


def test_unknown_code_is_a_neutral_vector_that_training_keeps():
    embedding = Embedding([4, 3], n_out=2, unknown_code=0)
    net = Sequential([embedding, Dense(4, 1)])
    net.initialize(np.random.default_rng(0))
    assert not embedding.tables()[0][0].any() and not embedding.tables()[1][0].any()
    codes = np.stack([rng.integers(1, 4, 50), rng.integers(1, 3, 50)], 1) * 1.0
    state = TrainState(Adam(0.05))
    state.optimizer.init(net.params)
    data = TrainingData(codes, rng.standard_normal((50, 1)))
    train(net, SquaredError(), state, data, rng=rng, max_epochs=5, batch_size=10,
          alpha=0.1)
    assert not embedding.tables()[0][0].any() and not embedding.tables()[1][0].any()
    assert embedding.tables()[0][1:].any()
