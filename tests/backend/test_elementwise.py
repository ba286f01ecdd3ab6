"""The one-pass element-wise kernels against the NumPy backend's passes."""

import numpy as np
import pytest

pytest.importorskip("numba")

from skdeep import TabularMLPClassifier, TabularMLPRegressor  # noqa: E402
from skdeep.backend import NUMPY, _elementwise  # noqa: E402
from skdeep.backend._composite import dropout_bits  # noqa: E402
from skdeep.backend._numpy import NumpyBackend  # noqa: E402

# the NumPy passes warn of inf - inf; the kernels do not
pytestmark = pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")

FUSED = NumpyBackend(fused=True)
PLAIN = NumpyBackend(fused=False)


def _inputs(dtype, shape=(67, 129)):  # odd: vector loops and remainders
    rng = np.random.default_rng(0)
    X = (rng.standard_normal(shape) * 6).astype(dtype)
    X[0, :6] = [100.0, -100.0, 0.0, -0.0, np.inf, -np.inf]  # exp overflows
    alpha = rng.uniform(-0.5, 2.0, shape[1]).astype(dtype)
    dLdy = rng.standard_normal(shape).astype(dtype)
    return X, alpha, dLdy


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_parametric_silu_equals_the_numpy_passes_bit_for_bit(dtype):
    X, alpha, dLdy = _inputs(dtype)
    out, cache = FUSED.parametric_activation("silu", X, alpha)
    expected, expected_cache = PLAIN.parametric_activation("silu", X, alpha)
    assert len(cache) == 3 and len(expected_cache) == 2  # the kernel ran
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == dtype

    grad, expected_grad = np.empty(X.shape[1], dtype), np.empty(X.shape[1], dtype)
    dX = FUSED.parametric_activation_grad("silu", cache, alpha, dLdy, grad)
    expected_dX = PLAIN.parametric_activation_grad(
        "silu", expected_cache, alpha, dLdy, expected_grad
    )
    np.testing.assert_array_equal(grad, expected_grad)
    np.testing.assert_array_equal(dX, expected_dX)
    assert dX.dtype == dtype and np.isnan(grad).any()  # inf - inf in column 4


def test_parametric_grad_without_input_grad_and_strided_gradient():
    X, alpha, dLdy = _inputs(np.float32)
    X[0, 4:6] = 0  # finite: a checkable alpha gradient
    _, cache = FUSED.parametric_activation("silu", X, alpha)
    grad = np.full(X.shape[1], 7.0, np.float32)  # overwritten, not added to
    wide = np.zeros((X.shape[0], 2 * X.shape[1]), np.float32)
    wide[:, ::2] = dLdy  # a strided gradient is taken as well
    assert (
        FUSED.parametric_activation_grad(
            "silu", cache, alpha, wide[:, ::2], grad, input_grad=False
        )
        is None
    )
    G = X / (1 + np.exp(-X.astype(np.float64)))
    np.testing.assert_allclose(grad, (dLdy * (G - X)).sum(axis=0), rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_equals_the_numpy_passes_and_draws(dtype):
    X, _, _ = _inputs(dtype)
    rngs = np.random.default_rng(3), np.random.default_rng(3)
    out, mask = FUSED.dropout(rngs[0], X, 0.3)
    expected, expected_mask = PLAIN.dropout(rngs[1], X, 0.3)
    np.testing.assert_array_equal(mask, expected_mask)
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == mask.dtype == dtype
    assert rngs[0].random() == rngs[1].random()  # the same numbers drawn
    kept = mask != 0
    assert 0.65 < kept.mean() < 0.75
    np.testing.assert_array_equal(mask[kept], dtype(1 / 0.7))
    np.testing.assert_array_equal(out[kept], X[kept] * mask[kept])


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937])
@pytest.mark.parametrize("p", [0.0, 0.15, 0.5, 0.9])
def test_dropout_bits_drop_at_the_rate(bit_generator, p):
    rng = np.random.Generator(bit_generator(0))
    bits, threshold = dropout_bits(rng, (400, 301), p)  # an odd count
    assert bits.shape == (400, 301) and bits.dtype == np.uint16
    assert abs((bits < threshold).mean() - p) < 0.005
    assert threshold == round(p * 2**16)  # the rate to a multiple of 2**-16
    again, _ = dropout_bits(np.random.Generator(bit_generator(0)), (400, 301), p)
    np.testing.assert_array_equal(bits, again)  # seeded
    assert len(np.unique(bits[:4, :4])) == 16  # draws are not repeated


def test_small_or_strided_arrays_take_the_numpy_passes_by_default():
    X, alpha, _ = _inputs(np.float32, shape=(8, 16))  # under MIN_SIZE
    assert X.size < _elementwise.MIN_SIZE
    assert len(NUMPY.parametric_activation("silu", X, alpha)[1]) == 2
    # fused=True: the kernels whatever the size
    assert len(FUSED.parametric_activation("silu", X, alpha)[1]) == 3
    X, alpha, _ = _inputs(np.float32)
    assert len(NUMPY.parametric_activation("silu", X, alpha)[1]) == 3
    strided = np.asfortranarray(X)
    assert len(NUMPY.parametric_activation("silu", strided, alpha)[1]) == 2
    assert len(NUMPY.parametric_activation("relu", X, alpha)[1]) == 2


@pytest.mark.parametrize("Estimator", [TabularMLPClassifier, TabularMLPRegressor])
def test_tabular_fit_is_the_same_with_and_without_the_kernels(Estimator, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((600, 6))
    y = X[:, 0] - X[:, 1] ** 2 + 0.1 * rng.standard_normal(600)
    if Estimator is TabularMLPClassifier:
        y = (y > np.median(y)).astype(int)
    params = dict(
        hidden_layer_sizes=(64, 64), batch_size=128, max_iter=4, random_state=0
    )
    calls, kernel = [], _elementwise.silu_blend
    monkeypatch.setattr(
        _elementwise, "silu_blend", lambda *args: calls.append(1) or kernel(*args)
    )
    fused = Estimator(**params).fit(X, y)
    assert calls  # the kernels ran
    monkeypatch.setattr(NUMPY, "fused", False)
    plain = Estimator(**params).fit(X, y)
    np.testing.assert_array_equal(fused.predict(X), plain.predict(X))
    for a, b in zip(fused.coefs_, plain.coefs_):
        np.testing.assert_array_equal(a, b)
