"""Time per optimizer step: the NumPy path against the fused numba kernels.

For each parameter count and dtype, one step of each solver is timed on the
NumPy path (``NumpyBackend(fused=False)``) and with the one-pass kernels of
``skdeep.backend._fused`` (median over repeats, each repeat timing enough
calls to last about 20 ms). Compilation happens before timing. The table
shows where the fused path starts to win per step; the first fused step of
a process also pays once for importing numba and loading (or compiling) the
kernel, timed in fresh processes with ``--first-call``, and the "repaid"
column says after how many steps the per-step gain covers that cost (with
the disk cache warm). Both set ``_fused.MIN_SIZE``. 535,818 is the parameter
count of a 784-512-256-10 network.

With ``--parallel`` a threaded (``prange``) variant of the Adam kernel is
timed too.

Usage: python benchmarks/bench_fused.py [--sizes 1000 10000 ...]
       [--solvers adam sgd adagrad rmsprop] [--repeats 7] [--parallel]
       [--first-call]
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from skdeep.backend import _fused
from skdeep.backend._numpy import NumpyBackend

SIZES = [100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 535_818, 1_000_000]
DECAY = 1e-4
# tiny, so that thousands of calls leave the parameters where they are (an
# optimizer converging on its constant gradient would run into denormals)
LR = 1e-9
NUMPY = NumpyBackend(fused=False)


def cpu_model():
    """The CPU model named in /proc/cpuinfo (or by the platform module)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def make_state(n, dtype, rng):
    """Parameters, gradients, a scratch buffer and two state arrays."""
    params = rng.standard_normal(n).astype(dtype)
    grads = rng.standard_normal(n).astype(dtype) * dtype(0.01)
    state = [np.zeros(n, dtype), np.zeros(n, dtype)]
    return params, grads, np.empty(n, dtype), state


def steps(solver, n_decay):
    """``(numpy_step, fused_step)``: callables of ``(params, grads, buf,
    state)`` running one step of ``solver``."""
    if solver == "adam":
        args = (0.9, 0.999, LR, 1e-8, DECAY, n_decay)
        return (
            lambda p, g, b, s: NUMPY.adam_step(p, g, b, s[0], s[1], *args),
            lambda p, g, b, s: _fused.adam_step(p, g, s[0], s[1], *args),
        )
    if solver == "sgd":
        args = (LR, 0.9, True, DECAY, n_decay)
        return (
            lambda p, g, b, s: NUMPY.sgd_step(p, g, b, s[0], *args),
            lambda p, g, b, s: _fused.sgd_step(p, g, s[0], *args),
        )
    if solver == "adagrad":
        args = (LR, 1e-8, DECAY, n_decay)
        return (
            lambda p, g, b, s: NUMPY.adagrad_step(p, g, b, s[0], *args),
            lambda p, g, b, s: _fused.adagrad_step(p, g, s[0], *args),
        )
    if solver == "rmsprop":
        args = (LR, 0.9, 1e-8, DECAY, n_decay)
        return (
            lambda p, g, b, s: NUMPY.rmsprop_step(p, g, b, s[0], *args),
            lambda p, g, b, s: _fused.rmsprop_step(p, g, s[0], *args),
        )
    raise ValueError(f"unknown solver {solver!r}")


def parallel_adam():
    """A threaded Adam kernel (``prange``), for comparison only."""
    import numba

    @numba.njit(parallel=True, error_model="numpy", nogil=True)
    def kernel(params, grads, m, v, beta_1, beta_2, step_size, epsilon, decay, nd):
        t = params.dtype.type
        beta_1, beta_2, decay = t(beta_1), t(beta_2), t(decay)
        step_size, epsilon = t(step_size), t(epsilon)
        for i in numba.prange(nd):
            gi = grads[i] + params[i] * decay
            mi = m[i] * beta_1 + gi
            vi = v[i] * beta_2 + gi * gi
            m[i] = mi
            v[i] = vi
            params[i] -= mi / (np.sqrt(vi) + epsilon) * step_size
        p, g, m, v = params[nd:], grads[nd:], m[nd:], v[nd:]
        for i in numba.prange(p.size):
            gi = g[i]
            mi = m[i] * beta_1 + gi
            vi = v[i] * beta_2 + gi * gi
            m[i] = mi
            v[i] = vi
            p[i] -= mi / (np.sqrt(vi) + epsilon) * step_size

    def step(p, g, b, s, n_decay):
        kernel(p, g, s[0], s[1], 0.9, 0.999, LR, 1e-8, DECAY, n_decay)

    return step


def time_step(step, n, dtype, repeats, rng):
    """Median seconds per call of ``step`` on fresh arrays of size ``n``."""
    params, grads, buf, state = make_state(n, dtype, rng)
    step(params, grads, buf, state)  # compile or load from the cache
    number, elapsed = 1, 0.0
    while elapsed < 0.02:  # calls per repeat: about 20 ms worth
        number *= 2
        start = time.perf_counter()
        for _ in range(number):
            step(params, grads, buf, state)
        elapsed = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            step(params, grads, buf, state)
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


FIRST_CALL = """
import importlib.util, sys, time
import numpy as np
spec = importlib.util.spec_from_file_location("fused", sys.argv[1])
fused = sys.modules["fused"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fused)
start = time.perf_counter()
fused.available()
imported = time.perf_counter()
x = np.ones(10)
fused.adam_step(x, x.copy(), x.copy(), x.copy(), 0.9, 0.999, 1e-3, 1e-8, 0.0, 0)
print(imported - start, time.perf_counter() - imported)
"""


def first_call():
    """``(import_numba, cold, warm)`` seconds: importing numba, then the
    first float64 Adam step compiling it, then loading it from the cache (in
    fresh processes sharing a new cache folder)."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        runs = []
        for _ in range(3):
            out = subprocess.run(
                [sys.executable, "-c", FIRST_CALL, _fused.__file__],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            runs.append([float(x) for x in out])
    return statistics.median(r[0] for r in runs), runs[0][1], runs[-1][1]


def fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} us"
    return f"{seconds * 1e3:8.2f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--solvers", nargs="+", default=["adam"])
    parser.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--parallel", action="store_true")
    parser.add_argument("--first-call", action="store_true")
    args = parser.parse_args()
    if not _fused.available():
        raise SystemExit("numba is not installed: nothing to compare")
    rng = np.random.default_rng(0)
    par = parallel_adam() if args.parallel else None
    print(f"CPU: {cpu_model()}; numpy {np.__version__}")
    print(f"fused.MIN_SIZE = {_fused.MIN_SIZE}; decay on 98% of the entries")
    once = None
    if args.first_call:
        numba_import, cold, warm = first_call()
        once = numba_import + warm
        print(
            f"first call in a process: numba import {fmt(numba_import)}, "
            f"Adam compile {fmt(cold)}, Adam cache load {fmt(warm)}"
        )
    head = f"{'solver':8} {'dtype':8} {'size':>9} {'numpy':>11} {'fused':>11}"
    head += f" {'speedup':>8}" + (f" {'repaid':>9}" if once else "")
    head += f" {'parallel':>11}" if par else ""
    print(head)
    for solver in args.solvers:
        for dtype_name in args.dtypes:
            dtype = np.dtype(dtype_name).type
            for n in args.sizes:
                n_decay = int(0.98 * n)
                numpy_step, fused_step = steps(solver, n_decay)
                t_np = time_step(numpy_step, n, dtype, args.repeats, rng)
                t_fu = time_step(fused_step, n, dtype, args.repeats, rng)
                line = f"{solver:8} {dtype_name:8} {n:9d} {fmt(t_np)} {fmt(t_fu)}"
                line += f" {t_np / t_fu:7.2f}x"
                if once:
                    gain = t_np - t_fu
                    line += f" {once / gain:9.0f}" if gain > 0 else f" {'never':>9}"
                if par is not None and solver == "adam":

                    def par_step(p, g, b, s, n_decay=n_decay):
                        par(p, g, b, s, n_decay)

                    line += f" {fmt(time_step(par_step, n, dtype, args.repeats, rng))}"
                print(line, flush=True)


if __name__ == "__main__":
    main()
