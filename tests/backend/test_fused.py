"""The one-pass compiled optimizer steps against the NumPy backend's path."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

pytest.importorskip("numba")

from skdeep.backend import _fused  # noqa: E402
from skdeep.backend._numpy import NumpyBackend  # noqa: E402

NUMPY = NumpyBackend(fused=False)
SIZE = 261  # odd: vector loops plus their remainders
RTOL = {np.float32: 1e-5, np.float64: 1e-12}

# solver -> (method, number of state arrays, scalars before decay, n_decay)
SOLVERS = {
    "sgd": ("sgd_step", 1, (0.05, 0.9, False)),
    "nesterov": ("sgd_step", 1, (0.05, 0.9, True)),
    "adam": ("adam_step", 2, (0.9, 0.999, 1e-2, 1e-8)),
    "adagrad": ("adagrad_step", 1, (0.1, 1e-7)),
    "rmsprop": ("rmsprop_step", 1, (0.01, 0.9, 1e-7)),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("decay, n_decay", [(0.0, 0), (0.05, 200), (0.0, 200)])
@pytest.mark.parametrize("solver", list(SOLVERS))
def test_fused_step_matches_numpy(solver, dtype, decay, n_decay):
    method, n_state, scalars = SOLVERS[solver]
    numpy_step, fused_step = getattr(NUMPY, method), getattr(_fused, method)
    rng = np.random.default_rng(0)
    params = rng.standard_normal(SIZE).astype(dtype)
    state = [np.abs(rng.standard_normal(SIZE)).astype(dtype) for _ in range(n_state)]
    expected_params, expected_state = params.copy(), [s.copy() for s in state]
    buf = np.empty(SIZE, dtype)
    for _ in range(4):
        grads = rng.standard_normal(SIZE).astype(dtype)
        numpy_step(
            expected_params, grads.copy(), buf, *expected_state, *scalars,
            decay, n_decay,
        )  # fmt: skip
        fused_step(params, grads, *state, *scalars, decay, n_decay)
    rtol = RTOL[dtype]
    assert params.dtype == dtype
    np.testing.assert_allclose(params, expected_params, rtol=rtol, atol=0)
    for got, expected in zip(state, expected_state):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=0)


def test_fused_step_leaves_grads():
    rng = np.random.default_rng(1)
    params, grads = rng.standard_normal((2, SIZE))
    kept = grads.copy()
    _fused.adam_step(
        params, grads, np.zeros(SIZE), np.zeros(SIZE), 0.9, 0.999, 1e-3, 1e-8, 0.1, SIZE
    )
    np.testing.assert_array_equal(grads, kept)


@pytest.mark.parametrize("n_decay", [-3, -SIZE - 10, SIZE + 10])
def test_n_decay_as_a_slice(n_decay):
    # decayed entries: those of params[:n_decay], as in the NumPy path
    rng = np.random.default_rng(2)
    params, grads = rng.standard_normal((2, SIZE))
    expected, velocity, expected_velocity = params.copy(), *np.zeros((2, SIZE))
    _fused.sgd_step(params, grads, velocity, 0.1, 0.9, False, 0.1, n_decay)
    buf = np.empty(SIZE)
    args = (0.1, 0.9, False, 0.1, n_decay)
    NUMPY.sgd_step(expected, grads.copy(), buf, expected_velocity, *args)
    np.testing.assert_allclose(params, expected, rtol=1e-12, atol=0)
    np.testing.assert_allclose(velocity, expected_velocity, rtol=1e-12, atol=0)


@pytest.mark.parametrize("solver", ["sgd", "adam", "adagrad", "rmsprop"])
@pytest.mark.parametrize(
    "fused, size, called",
    [
        (True, "small", True),
        (False, "min", False),
        ("auto", "min", True),
        ("auto", "below", False),
    ],
)
def test_numpy_backend_dispatch(monkeypatch, solver, fused, size, called):
    method, n_state, scalars = SOLVERS[solver]
    size = {"small": 10, "min": _fused.MIN_SIZE, "below": _fused.MIN_SIZE - 1}[size]
    if size < 1:
        pytest.skip("no size is below MIN_SIZE")
    calls = []
    monkeypatch.setattr(_fused, method, lambda *args: calls.append(args))
    params, grads, buf, *state = np.zeros((3 + n_state, size))
    step = getattr(NumpyBackend(fused=fused), method)
    step(params, grads, buf, *state, *scalars)
    assert len(calls) == int(called)
    if called:  # the arrays but the scratch buffer, in order
        arrays = [params, grads, *state]
        assert all(a is b for a, b in zip(calls[0], arrays))
        assert calls[0][len(arrays) : len(arrays) + len(scalars)] == scalars


def test_unavailable_without_numba(monkeypatch):
    monkeypatch.setattr(_fused, "_KERNELS", None)
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba fails
    assert _fused.available() is False
    x = np.zeros(3)
    with pytest.raises(ImportError, match="numba"):
        _fused.adagrad_step(x, x, x, 0.1, 1e-7)


# Loads the module from its file (not through the skdeep package, to keep the
# process quick), checks that numba waits for the first call, runs a step and
# reports whether the kernel came from the disk cache.
SCRIPT = textwrap.dedent(
    """
    import importlib.util, sys
    import numpy as np
    spec = importlib.util.spec_from_file_location("fused", sys.argv[1])
    fused = sys.modules["fused"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fused)
    assert "numba" not in sys.modules
    x = np.ones(5, np.float32)
    fused.adagrad_step(x, x.copy(), x.copy(), 0.1, 1e-7)
    stats = fused._KERNELS["adagrad"].stats
    print(sum(stats.cache_hits.values()), sum(stats.cache_misses.values()))
    """
)


def test_disk_cache_reused_by_a_fresh_process(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path))

    def run():
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT, _fused.__file__],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [int(x) for x in out.split()]

    hits, misses = run()
    assert (hits, misses) == (0, 1)
    assert list(tmp_path.rglob("*.nbi")) and list(tmp_path.rglob("*.nbc"))
    hits, misses = run()
    assert (hits, misses) == (1, 0)
