"""The torch backend against the NumPy backend, method by method."""

import pickle
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse

torch = pytest.importorskip("torch")

from skdeep.backend import NUMPY, NumpyBackend  # noqa: E402
from skdeep.backend._torch import TorchBackend, get_torch_backend  # noqa: E402

DEVICES = ["cpu"]
if torch.cuda.is_available():
    DEVICES.append("cuda")
if torch.backends.mps.is_available():
    DEVICES.append("mps")

# the reference for the optimizer steps: the whole-array NumPy passes
NUMPY_PASSES = NumpyBackend(fused=False)

ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu", "elu"]
ACTIVATIONS += ["gelu", "silu"]
IN_PLACE = {"logistic", "tanh", "relu"}  # the NumPy backend writes into out


@pytest.fixture(params=DEVICES)
def ops(request):
    return get_torch_backend(request.param)


@pytest.fixture(params=["float64", "float32"])
def dtype(request, ops):
    if request.param == "float64" and ops.device.type == "mps":
        pytest.skip("no float64 on MPS")
    return np.dtype(request.param)


def _rtol(dtype, transcendental=False):
    if dtype == np.float32:
        return 1e-5
    return 1e-10 if transcendental else 1e-12


def _check(ops, result, expected, dtype, transcendental=False, atol=0.0):
    """``result`` is a tensor on the device, of ``dtype``, close to
    ``expected``."""
    assert isinstance(result, torch.Tensor)
    assert result.device.type == ops.device.type
    assert result.dtype == ops.zeros(0, dtype).dtype
    np.testing.assert_allclose(
        ops.to_numpy(result), expected, rtol=_rtol(dtype, transcendental), atol=atol
    )


def _data(dtype, shape=(7, 5), scale=2.0, seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


# ---- device, construction, pickling -----------------------------------------
def test_attributes_and_cache(ops):
    assert ops.name == "torch"
    assert ops.lazy is True
    assert isinstance(ops.device, torch.device)
    assert get_torch_backend(str(ops.device)) is ops
    assert get_torch_backend(ops.device) is ops
    assert str(ops.device) in repr(ops)


def test_cpu_device_strings_share_a_backend():
    assert get_torch_backend("cpu:0") is get_torch_backend("cpu")
    assert get_torch_backend("cpu").device == torch.device("cpu")


def test_pickle_round_trip(ops):
    clone = pickle.loads(pickle.dumps(ops))
    assert isinstance(clone, TorchBackend)
    assert clone.device == ops.device
    assert clone.name == "torch" and clone.lazy


@pytest.mark.parametrize(
    "device, match",
    [
        ("cuda:99", "cuda:99"),
        ("nonsense", "'nonsense': not a device name"),
        ("xla", "unsupported device type"),
    ],
)
def test_bad_devices(device, match):
    with pytest.raises(ValueError, match=match):
        TorchBackend(device)
    with pytest.raises(ValueError, match="available: cpu"):
        get_torch_backend(device)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available")
def test_cuda_unavailable():
    with pytest.raises(
        ValueError, match="'cuda': CUDA is not available; available: cpu"
    ):
        TorchBackend("cuda")


@pytest.mark.skipif(torch.backends.mps.is_available(), reason="MPS is available")
def test_mps_unavailable():
    with pytest.raises(ValueError, match="'mps': MPS is not available"):
        TorchBackend("mps")


@pytest.mark.skipif("mps" not in DEVICES, reason="needs MPS")
def test_mps_refuses_float64():
    ops = get_torch_backend("mps")
    with pytest.raises(ValueError, match="float64 is not supported on MPS"):
        ops.zeros(3, np.float64)
    with pytest.raises(ValueError, match="float64"):
        ops.asarray(np.zeros(3))


def test_skdeep_does_not_import_torch():
    code = "import sys, skdeep, skdeep.backend; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- arrays and transfers -----------------------------------------------------
def test_asarray_to_numpy(ops, dtype):
    X = _data(dtype)
    T = ops.asarray(X)
    _check(ops, T, X, dtype)
    np.testing.assert_array_equal(ops.to_numpy(T), X)
    _check(ops, ops.asarray(X.astype(np.float64), dtype=dtype), X, dtype)
    _check(ops, ops.asarray(X.tolist(), dtype=dtype), X, dtype)
    f4 = np.dtype("float32")
    _check(ops, ops.asarray(T, dtype=torch.float32), X.astype(f4), f4)
    assert ops.asarray(T) is T  # already there
    host = np.arange(3.0)
    assert ops.to_numpy(host) is host  # NumPy arrays pass through


def test_asarray_read_only_input(ops):
    X = np.arange(6, dtype=np.float32).reshape(2, 3)
    X.flags.writeable = False
    T = ops.asarray(X)
    T += 1  # does not touch X
    np.testing.assert_array_equal(X, np.arange(6).reshape(2, 3))


def test_asarray_densifies_sparse(ops, dtype):
    X = scipy.sparse.random(6, 4, density=0.4, format="csr", random_state=0)
    T = ops.asarray(X, dtype=dtype)
    _check(ops, T, X.toarray(), dtype)
    assert T.layout == torch.strided


@pytest.mark.parametrize(
    "spec", [np.float32, np.dtype("float32"), "float32", torch.float32]
)
def test_zeros_empty_take_numpy_or_torch_dtypes(ops, spec):
    Z = ops.zeros((2, 3), spec)
    assert Z.dtype == torch.float32 and Z.shape == (2, 3)
    assert Z.device.type == ops.device.type
    assert not Z.any()
    assert ops.empty(4, spec).dtype == torch.float32


def test_likes_and_copy(ops, dtype):
    T = ops.asarray(_data(dtype))
    assert not ops.zeros_like(T).any()
    E = ops.empty_like(T)
    assert E.shape == T.shape and E.dtype == T.dtype
    C = ops.copy(T)
    C += 1
    _check(ops, C, _data(dtype) + 1, dtype)
    _check(ops, T, _data(dtype), dtype)


def test_index(ops, dtype):
    X = _data(dtype)
    rows = np.array([4, 0, 2, 2])
    idx = ops.index(rows)
    assert idx.dtype == torch.int64 and idx.device.type == ops.device.type
    _check(ops, ops.asarray(X)[idx], X[rows], dtype)
    assert ops.index(slice(1, 3)) == slice(1, 3)
    mask = np.array([True, False, True, False, False, True, False])
    _check(ops, ops.asarray(X)[ops.index(mask)], X[mask], dtype)


def test_errstate_and_synchronize(ops):
    with ops.errstate():
        ops.exp(ops.asarray(np.array([1000.0], dtype=np.float32)))
    ops.synchronize()


# ---- reductions and checks ------------------------------------------------------
def test_reductions_are_lazy(ops, dtype):
    X, w = _data(dtype), _data(dtype, (9,), seed=1)
    total = ops.sum(ops.asarray(X))
    assert isinstance(total, torch.Tensor) and total.dim() == 0
    assert total.device.type == ops.device.type
    value = ops.item(total)
    assert type(value) is float
    assert value == pytest.approx(NUMPY.sum(X), rel=_rtol(dtype))
    dot = ops.dot(ops.asarray(w), ops.asarray(w))
    assert isinstance(dot, torch.Tensor) and dot.dim() == 0
    assert ops.item(dot) == pytest.approx(NUMPY.dot(w, w), rel=_rtol(dtype))
    assert ops.item(1.5) == 1.5


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_all_finite(ops, dtype, bad):
    X = _data(dtype)
    assert ops.all_finite(ops.asarray(X)) is True
    X[3, 2] = bad
    assert ops.all_finite(ops.asarray(X)) is False


def test_sum_and_mean_rows(ops, dtype):
    X = _data(dtype)
    T = ops.asarray(X)
    _check(ops, ops.sum_rows(T), NUMPY.sum_rows(X), dtype)
    out = ops.zeros(5, dtype)
    assert ops.sum_rows(T, out=out) is out
    _check(ops, out, X.sum(axis=0), dtype)
    _check(ops, ops.mean_rows(T), NUMPY.mean_rows(X), dtype)


# ---- linear algebra ---------------------------------------------------------------
def test_matmuls(ops, dtype):
    A, B, C = _data(dtype, (7, 5)), _data(dtype, (5, 3), seed=1), _data(dtype, (7, 3))
    tA, tB, tC = ops.asarray(A), ops.asarray(B), ops.asarray(C)
    _check(ops, ops.matmul(tA, tB), A @ B, dtype)
    out = ops.empty((7, 3), dtype)
    assert ops.matmul(tA, tB, out=out) is out
    _check(ops, out, A @ B, dtype)
    out = ops.empty((5, 3), dtype)
    assert ops.matmul_tn(tA, tC, out) is out
    _check(ops, out, NUMPY.matmul_tn(A, C, np.empty((5, 3), dtype)), dtype)
    _check(ops, ops.matmul_nt(tC, tB), NUMPY.matmul_nt(C, B), dtype)


def test_batch_matmul(ops, dtype):
    A, B = _data(dtype, (3, 7, 4)), _data(dtype, (3, 4, 5), seed=1)
    expected = NUMPY.batch_matmul(A, B)
    np.testing.assert_allclose(
        expected, np.stack([a @ b for a, b in zip(A, B)]), rtol=_rtol(dtype)
    )
    tA, tB = ops.asarray(A), ops.asarray(B)
    _check(ops, ops.batch_matmul(tA, tB), expected, dtype)
    out = ops.empty((3, 7, 5), dtype)
    assert ops.batch_matmul(tA, tB, out=out) is out
    _check(ops, out, expected, dtype)
    # strided views: (3, 4, 7) @ (3, 7, 5) from swapped axes
    C = _data(dtype, (7, 3, 5), seed=2)
    expected = NUMPY.batch_matmul(A.swapaxes(1, 2), C.swapaxes(0, 1))
    got = ops.batch_matmul(tA.swapaxes(1, 2), ops.asarray(C).swapaxes(0, 1))
    _check(ops, got, expected, dtype)


# ---- gathering and joining ----------------------------------------------------------
def test_hstack(ops, dtype):
    blocks = [_data(dtype, (6, w), seed=w) for w in (2, 1, 3)]
    expected = NUMPY.hstack(blocks)
    np.testing.assert_array_equal(expected, np.hstack(blocks))
    tensors = [ops.asarray(b) for b in blocks]
    _check(ops, ops.hstack(tensors), expected, dtype)
    out = ops.empty((6, 6), dtype)
    assert ops.hstack(tensors, out=out) is out
    np.testing.assert_array_equal(ops.to_numpy(out), expected)
    # column slices of one array (strided views)
    T = ops.asarray(expected)
    swapped = ops.hstack([T[:, 3:], T[:, :3]])
    np.testing.assert_array_equal(
        ops.to_numpy(swapped), np.hstack([expected[:, 3:], expected[:, :3]])
    )


def test_as_indices(ops, dtype):
    codes = np.array([[0.0, 3.0], [2.0, 1.0], [0.9999, 4.0000001], [5.0, 7.0]], dtype)
    expected = NUMPY.as_indices(codes)
    np.testing.assert_array_equal(expected, [[0, 3], [2, 1], [1, 4], [5, 7]])
    got = ops.as_indices(ops.asarray(codes))
    assert got.dtype == torch.int64 and got.device.type == ops.device.type
    np.testing.assert_array_equal(ops.to_numpy(got), expected)
    table = _data(dtype, (8,))
    _check(ops, ops.asarray(table)[got], table[expected], dtype)


def test_index_add_accumulates_repeated_indices(ops, dtype):
    index = np.array([3, 0, 3, 5, 3, 0])
    values = _data(dtype, (6,), seed=3)
    target = _data(dtype, (7,), seed=4)
    expected = NUMPY.index_add(target.copy(), index, values)
    by_hand = target.copy()
    for i, v in zip(index, values):
        by_hand[i] += v
    np.testing.assert_allclose(expected, by_hand, rtol=_rtol(dtype))
    T = ops.asarray(target.copy())
    tindex = ops.as_indices(ops.asarray(index.astype(dtype)))
    result = ops.index_add(T, tindex, ops.asarray(values))
    assert result is T
    _check(ops, T, expected, dtype)
    # into a view of a flat buffer, as a layer's gradient
    flat = ops.zeros(10, dtype)
    ops.index_add(flat[2:9], ops.index(index), ops.asarray(values))
    _check(ops, flat[2:9], NUMPY.index_add(np.zeros(7, dtype), index, values), dtype)
    assert not ops.to_numpy(flat)[[0, 1, 9]].any()


# ---- element-wise -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sqrt", "exp", "log", "cos", "sin"])
def test_unary(ops, dtype, name):
    X = np.abs(_data(dtype)) + dtype.type(0.1)
    T = ops.asarray(X)
    expected = getattr(NUMPY, name)(X)
    _check(ops, getattr(ops, name)(T), expected, dtype, transcendental=True)
    out = ops.empty_like(T)
    assert getattr(ops, name)(T, out=out) is out
    _check(ops, out, expected, dtype, transcendental=True)
    assert getattr(ops, name)(T, out=T) is T


def test_random_draws_numpys_numbers(ops, dtype):
    expected = NUMPY.random(np.random.default_rng(3), (4, 6), dtype)
    got = ops.random(np.random.default_rng(3), (4, 6), dtype)
    _check(ops, got, expected, dtype)
    np.testing.assert_array_equal(ops.to_numpy(got), expected)


@pytest.mark.parametrize("p", [0.1, 0.5, 1 / 3])
def test_dropout_mask_equals_numpys(ops, dtype, p):
    expected = NUMPY.dropout_mask(np.random.default_rng(5), (50, 8), p, dtype)
    got = ops.dropout_mask(np.random.default_rng(5), (50, 8), p, dtype)
    assert got.dtype == ops.zeros(0, dtype).dtype
    np.testing.assert_array_equal(ops.to_numpy(got), expected)
    # a torch dtype (a tensor's X.dtype) gives the same mask
    torch_dtype = ops.zeros(0, dtype).dtype
    again = ops.dropout_mask(np.random.default_rng(5), (50, 8), p, torch_dtype)
    np.testing.assert_array_equal(ops.to_numpy(again), expected)


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_keep_mask_equals_numpys(ops, dtype, p):
    expected = NUMPY.keep_mask(np.random.default_rng(5), (50, 8), p, dtype)
    got = ops.keep_mask(np.random.default_rng(5), (50, 8), p, dtype)
    assert got.dtype == ops.zeros(0, dtype).dtype
    np.testing.assert_array_equal(ops.to_numpy(got), expected)
    assert set(np.unique(expected)) <= {0, 1}


# absolute tolerance: g and g' lose their relative precision in the tails
# (1 + erf(x) cancels in gelu, for one)
def _act_atol(dtype):
    return 1e-6 if dtype == np.float32 else 1e-14


def _activation_input(dtype):
    X = _data(dtype, (9, 6), scale=3.0)
    X[0, :3] = [0.0, 40.0, -40.0]
    return X


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation(ops, dtype, name):
    X = _activation_input(dtype)
    expected = NUMPY.activation(name, X.copy(), slope=0.2)
    T = ops.asarray(X)
    _check(
        ops, ops.activation(name, T, slope=0.2), expected, dtype, True, _act_atol(dtype)
    )
    _check(ops, T, X, dtype)  # without out, X is kept
    result = ops.activation(name, T, out=T, slope=0.2)
    _check(ops, result, expected, dtype, True, _act_atol(dtype))
    if name in IN_PLACE or name == "identity":
        assert result is T
    else:  # these keep X, which their derivative needs
        _check(ops, T, X, dtype)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_grad(ops, dtype, name):
    X = _activation_input(dtype)
    Y = NUMPY.activation(name, X.copy(), slope=0.2)
    G = _data(dtype, X.shape, seed=4)
    expected = NUMPY.activation_grad(name, X, Y, G.copy(), slope=0.2)
    dLdy = ops.asarray(G.copy())
    result = ops.activation_grad(name, ops.asarray(X), ops.asarray(Y), dLdy, slope=0.2)
    assert result is dLdy
    _check(ops, dLdy, expected, dtype, True, _act_atol(dtype))


def test_relu_grad_keeps_nan_of_inf(ops):
    Y = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    G = np.array([np.inf, np.inf, 1.0], dtype=np.float32)
    with np.errstate(invalid="ignore"):
        expected = NUMPY.activation_grad("relu", None, Y, G.copy())
    got = ops.activation_grad("relu", None, ops.asarray(Y), ops.asarray(G))
    np.testing.assert_array_equal(ops.to_numpy(got), expected)  # NaN, inf, 0


def test_unknown_names(ops):
    T = ops.zeros((2, 2), np.float32)
    for call in (
        lambda: ops.activation("swish", T),
        lambda: ops.activation_grad("swish", T, T, T),
        lambda: ops.link("probit", T),
        lambda: ops.link_and_loss("probit", T, T),
    ):
        with pytest.raises(ValueError, match="unknown"):
            call()


# ---- losses -------------------------------------------------------------------------
def _targets(name, dtype, shape):
    rng = np.random.default_rng(7)
    if name == "softmax":
        return np.eye(shape[1], dtype=dtype)[rng.integers(0, shape[1], shape[0])]
    if name == "logistic":
        return rng.integers(0, 2, shape).astype(dtype)
    if name == "exp":
        return rng.poisson(2.0, shape).astype(dtype)
    return _data(dtype, shape, seed=8)


@pytest.mark.parametrize("name", ["softmax", "logistic", "identity", "exp"])
def test_link_and_loss(ops, dtype, name):
    Z = _data(dtype, (12, 4), scale=3.0)
    if name in ("softmax", "logistic"):
        Z[0] = [60.0, -60.0, 35.0, -35.0]  # far tails, exactly computed
    y = _targets(name, dtype, Z.shape)
    P_ref, loss_ref = NUMPY.link_and_loss(name, Z.copy(), y)
    tZ, ty = ops.asarray(Z), ops.asarray(y)
    _check(ops, ops.link(name, tZ), NUMPY.link(name, Z.copy()), dtype, True)
    P, loss = ops.link_and_loss(name, tZ, ty)
    _check(ops, P, P_ref, dtype, True)
    atol = 1e-6 if dtype == np.float32 else 1e-13  # y Z cancelling log(1 + e^Z)
    _check(ops, loss, loss_ref, dtype, True, atol)
    _check(ops, tZ, Z, dtype)  # Z is kept
    if name != "identity":
        assert ops.link(name, tZ) is not tZ


# ---- optimizer steps ----------------------------------------------------------------
# name: (method, number of state arrays, hyperparameters)
STEPS = {
    "sgd_nesterov": ("sgd_step", 1, (0.05, 0.9, True)),
    "sgd": ("sgd_step", 1, (0.05, 0.9, False)),
    "sgd_no_momentum": ("sgd_step", 1, (0.05, 0.0, False)),
    "adam": ("adam_step", 2, (0.9, 0.999, 0.01, 1e-8)),
    "adam_b1_0": ("adam_step", 2, (0.0, 0.5, 0.01, 1e-8)),
    "adagrad": ("adagrad_step", 1, (0.1, 1e-8)),
    "rmsprop": ("rmsprop_step", 1, (0.01, 0.9, 1e-8)),
}


def _run_steps(ops, step, dtype, decay, n_steps=5, n=203, n_decay=150):
    """``n_steps`` steps from the same start; return params and state."""
    method, n_state, hyper = STEPS[step]
    rng = np.random.default_rng(11)
    params = ops.asarray(rng.standard_normal(n).astype(dtype))
    state = [ops.zeros_like(params) for _ in range(n_state)]
    buf = ops.empty_like(params)
    for _ in range(n_steps):
        grads = ops.asarray(rng.standard_normal(n).astype(dtype))
        getattr(ops, method)(
            params, grads, buf, *state, *hyper, decay=decay, n_decay=n_decay
        )
    return [ops.to_numpy(a) for a in (params, *state)]


@pytest.mark.skipif(torch.__version__ < "2.4", reason="fused CPU kernels: torch 2.4")
def test_fused_kernels_are_found_on_cpu():
    ops = TorchBackend("cpu")
    assert ops._fused is None  # looked for at the first step
    for kernel in ("sgd", "adam", "adagrad"):
        assert ops._use_fused(kernel, ops.zeros(3, np.float32))
    assert not ops._use_fused("adam", ops.zeros(3, np.float32), 1.0)  # beta 1
    assert not ops._use_fused("adam", ops.asarray(np.zeros(3, np.int64)))


@pytest.mark.parametrize("fused", [True, False], ids=["fused", "passes"])
@pytest.mark.parametrize("decay", [0.0, 0.1])
@pytest.mark.parametrize("step", list(STEPS))
def test_optimizer_steps(ops, dtype, step, decay, fused):
    if not fused:  # the in-place passes, as on devices without fused kernels
        ops = TorchBackend(str(ops.device))
        ops._fused = frozenset()
    expected = _run_steps(NUMPY_PASSES, step, dtype, decay)
    got = _run_steps(ops, step, dtype, decay)
    assert all(a.dtype == dtype for a in got)
    atol = 1e-5 if dtype == np.float32 else 1e-13  # near-zero sums of terms
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=_rtol(dtype), atol=atol)


def test_adam_keeps_the_unnormalized_moments(ops):
    """One step from zero state: ``m = g``, ``v = g^2``."""
    g = np.array([0.5, -2.0, 3.0])
    params = ops.asarray(np.zeros(3))
    m, v = ops.zeros_like(params), ops.zeros_like(params)
    grads = ops.asarray(g.copy())  # scratch: the step scales it
    ops.adam_step(params, grads, ops.empty_like(params), m, v, 0.9, 0.99, 0.1, 0.0)
    np.testing.assert_allclose(ops.to_numpy(m), g, rtol=1e-15)
    np.testing.assert_allclose(ops.to_numpy(v), g * g, rtol=1e-15)
    np.testing.assert_allclose(ops.to_numpy(params), -0.1 * np.sign(g), rtol=1e-15)


@pytest.mark.parametrize("shape", [(5,), (5, 3)])
def test_tile_rows(ops, dtype, shape):
    X = _data(dtype, shape)
    _check(ops, ops.tile_rows(ops.asarray(X), 3), NUMPY.tile_rows(X, 3), dtype)
    np.testing.assert_array_equal(NUMPY.tile_rows(X, 3)[2 * 5 : 3 * 5], X)


@pytest.mark.parametrize("name", ["softmax", "logistic", "identity", "exp"])
def test_ensemble_mean(ops, dtype, name):
    Z = _data(dtype, (4, 6, 3), scale=3.0)
    Z[0, 0] = [60.0, -60.0, 35.0]  # far tails stay finite
    expected = NUMPY.ensemble_mean(name, Z)
    _check(ops, ops.ensemble_mean(name, ops.asarray(Z)), expected, dtype, True, 1e-6)
