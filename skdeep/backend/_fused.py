"""One-pass optimizer steps compiled with numba (an optional dependency).

The NumPy backend's optimizer steps make several whole-array passes each
(a temporary per operation). The kernels here read each element of the
parameters, gradients and optimizer state once and write the parameters and
state once, element by element, with the same floating-point operations in
the same order as the NumPy path, so the two agree to the last bit in float64
and in float32 (no fast-math, no fused multiply-add). Arithmetic stays in the
arrays' dtype: every scalar is cast to it first, as NumPy casts a Python
scalar meeting a float32 array.

Nothing is imported or compiled when this module is imported: numba is
imported on the first call to :func:`available` or to a step, and each
kernel is compiled on its first call for each dtype (float32, float64).
Compiled code is cached on disk (``cache=True``) and reused by later
processes while this file is unchanged. numba puts the cache

- in ``$NUMBA_CACHE_DIR`` when that is set;
- otherwise in the ``__pycache__`` folder next to this file, when writable;
- otherwise in the user-wide cache folder (``~/.cache/numba`` on Linux, or
  ``$XDG_CACHE_HOME/numba``), in a subfolder named after this package's path.

One Adam step, with the penalty on 98% of the entries, took (medians of
``benchmarks/bench_fused.py`` on a 2-core Intel(R) Xeon(R) Processor with
AVX-512; 535,818 parameters make a 784-512-256-10 network):

==========  ===========  ===========  ===========  ===========
parameters  NumPy, f64   fused, f64   NumPy, f32   fused, f32
==========  ===========  ===========  ===========  ===========
1,000       8.3 us       2.3 us       6.5 us       1.3 us
10,000      40 us        15 us        18 us        4.4 us
100,000     0.43 ms      0.14 ms      0.15 ms      0.04 ms
535,818     3.2 ms       0.70 ms      1.6 ms       0.31 ms
1,000,000   6.1 ms       1.3 ms       3.1 ms       0.58 ms
==========  ===========  ===========  ===========  ===========

The fused step wins at every size from 100 parameters up, but the first one
of a process costs about 0.37 s (importing numba, 0.14 s, and loading the
kernel from the disk cache; 0.6 s when it compiles). :data:`MIN_SIZE` is
where the per-step gain repays that within a few thousand steps (1,300 in
float64 and 3,400 in float32 at 100,000 parameters; 15,000 and 27,000 at
10,000).

The kernels are serial. A two-thread version (``parallel=True``) halved the
step from 10,000 parameters up on an idle machine, but took 12 to 28 ms a
step while another process held one of the two cores; it would also contend
with the BLAS threads of the matrix products around it and start numba's
threading layer.
"""

import threading

import numpy as np

__all__ = [
    "MIN_SIZE",
    "available",
    "sgd_step",
    "adam_step",
    "adagrad_step",
    "rmsprop_step",
]

#: Parameter count from which the NumPy backend uses these kernels by
#: default (``NumpyBackend(fused="auto")``).
MIN_SIZE = 100_000

_LOCK = threading.Lock()
# name -> compiled kernel once loaded; empty when numba is missing
_KERNELS = None


def available():
    """Whether the compiled steps can be used (numba is importable).

    The first call imports numba; the answer is remembered.

    Returns
    -------
    bool
    """
    kernels = _KERNELS if _KERNELS is not None else _load()
    return bool(kernels)


def sgd_step(params, grads, velocity, lr, momentum, nesterov, decay=0.0, n_decay=0):
    """SGD with (Nesterov) momentum, in place, in one pass.

    With ``g = grads + decay * params`` on the first ``n_decay`` entries
    (``grads`` elsewhere): ``velocity <- momentum velocity - lr g``, then
    ``params += momentum velocity - lr g`` with ``nesterov`` or ``params
    += velocity`` without.

    Parameters
    ----------
    params, grads, velocity : ndarray of shape (n,)
        Contiguous arrays of one floating dtype; ``params`` and
        ``velocity`` are updated in place, ``grads`` is left as it is.
    lr, momentum : float
        Learning rate and momentum.
    nesterov : bool
        Nesterov's momentum.
    decay : float, default=0.0
        L2 penalty coefficient added to the gradient of the first
        ``n_decay`` entries.
    n_decay : int, default=0
        Number of leading entries that are decayed (those of
        ``params[:n_decay]``).
    """
    _kernel("sgd")(
        params,
        grads,
        velocity,
        float(lr),
        float(momentum),
        bool(nesterov),
        float(decay),
        _n_decay(params, decay, n_decay),
    )


def adam_step(
    params, grads, m, v, beta_1, beta_2, step_size, epsilon, decay=0.0, n_decay=0
):
    """Adam on unnormalized moments, in place, in one pass.

    With ``g`` as in :func:`sgd_step`: ``m <- beta_1 m + g``, ``v <- beta_2
    v + g^2``, ``params -= step_size * m / (sqrt(v) + epsilon)``.

    Parameters
    ----------
    params, grads, m, v : ndarray of shape (n,)
        Contiguous arrays of one floating dtype; ``params``, ``m`` and
        ``v`` are updated in place, ``grads`` is left as it is.
    beta_1, beta_2 : float
        Decay rates of the first and second moments.
    step_size : float
        Step size, with the moments' bias corrections folded in.
    epsilon : float
        Added to the square root of the second moment.
    decay : float, default=0.0
        L2 penalty coefficient added to the gradient of the first
        ``n_decay`` entries.
    n_decay : int, default=0
        Number of leading entries that are decayed.
    """
    _kernel("adam")(
        params,
        grads,
        m,
        v,
        float(beta_1),
        float(beta_2),
        float(step_size),
        float(epsilon),
        float(decay),
        _n_decay(params, decay, n_decay),
    )


def adagrad_step(params, grads, sum_squares, lr, epsilon, decay=0.0, n_decay=0):
    """AdaGrad, in place, in one pass.

    With ``g`` as in :func:`sgd_step`: ``G += g^2``, ``params -= lr g /
    (sqrt(G) + epsilon)``.

    Parameters
    ----------
    params, grads, sum_squares : ndarray of shape (n,)
        Contiguous arrays of one floating dtype; ``params`` and
        ``sum_squares`` (``G``) are updated in place, ``grads`` is left as
        it is.
    lr : float
        Learning rate.
    epsilon : float
        Added to the square root of the sum of squares.
    decay : float, default=0.0
        L2 penalty coefficient added to the gradient of the first
        ``n_decay`` entries.
    n_decay : int, default=0
        Number of leading entries that are decayed.
    """
    _kernel("adagrad")(
        params,
        grads,
        sum_squares,
        float(lr),
        float(epsilon),
        float(decay),
        _n_decay(params, decay, n_decay),
    )


def rmsprop_step(params, grads, mean_squares, lr, rho, epsilon, decay=0.0, n_decay=0):
    """RMSProp, in place, in one pass.

    With ``g`` as in :func:`sgd_step`: ``s += (1 - rho)(g^2 - s)``,
    ``params -= lr g / (sqrt(s) + epsilon)``.

    Parameters
    ----------
    params, grads, mean_squares : ndarray of shape (n,)
        Contiguous arrays of one floating dtype; ``params`` and
        ``mean_squares`` (``s``) are updated in place, ``grads`` is left as
        it is.
    lr : float
        Learning rate.
    rho : float
        Decay rate of the mean of squares.
    epsilon : float
        Added to the square root of the mean of squares.
    decay : float, default=0.0
        L2 penalty coefficient added to the gradient of the first
        ``n_decay`` entries.
    n_decay : int, default=0
        Number of leading entries that are decayed.
    """
    _kernel("rmsprop")(
        params,
        grads,
        mean_squares,
        float(lr),
        float(1.0 - rho),
        float(epsilon),
        float(decay),
        _n_decay(params, decay, n_decay),
    )


# ---- loading ----------------------------------------------------------------
def _n_decay(params, decay, n_decay):
    """Number of decayed entries: the length of ``params[:n_decay]``, or 0
    when the penalty is off (as in the NumPy path)."""
    if not decay:
        return 0
    size = params.size
    n_decay = int(n_decay)
    if n_decay < 0:
        return max(size + n_decay, 0)
    return min(n_decay, size)


def _kernel(name):
    kernels = _KERNELS if _KERNELS is not None else _load()
    if not kernels:
        raise ImportError("the fused optimizer steps need numba")
    return kernels[name]


def _load():
    """Import numba and wrap the kernels (compiled lazily, per dtype)."""
    global _KERNELS
    with _LOCK:
        if _KERNELS is None:
            try:
                import numba
            except ImportError:
                _KERNELS = {}
            else:
                jit = numba.njit(
                    cache=True, fastmath=False, error_model="numpy", nogil=True
                )
                _KERNELS = {
                    "sgd": jit(_sgd_kernel),
                    "adam": jit(_adam_kernel),
                    "adagrad": jit(_adagrad_kernel),
                    "rmsprop": jit(_rmsprop_kernel),
                }
    return _KERNELS


# ---- kernels (plain Python until compiled by _load) ---------------------------
# The first loop, over the first ``n_decay`` entries, adds the penalty; the
# second, over views of the rest, does not, so an infinite or NaN parameter is
# left to the step alone as in the NumPy path. (Looping over views from index
# 0 lets the compiler prove the indices non-negative and vectorize.) The
# operations and their order mirror the NumPy path.
def _sgd_kernel(params, grads, velocity, lr, momentum, nesterov, decay, n_decay):
    t = params.dtype.type
    lr, momentum, decay = t(lr), t(momentum), t(decay)
    p, g, vel = params[n_decay:], grads[n_decay:], velocity[n_decay:]
    if nesterov:
        for i in range(n_decay):
            step = (grads[i] + params[i] * decay) * lr
            v = velocity[i] * momentum - step
            velocity[i] = v
            params[i] += v * momentum - step
        for i in range(p.size):
            step = g[i] * lr
            v = vel[i] * momentum - step
            vel[i] = v
            p[i] += v * momentum - step
    else:
        for i in range(n_decay):
            v = velocity[i] * momentum - (grads[i] + params[i] * decay) * lr
            velocity[i] = v
            params[i] += v
        for i in range(p.size):
            v = vel[i] * momentum - g[i] * lr
            vel[i] = v
            p[i] += v


def _adam_kernel(
    params, grads, m, v, beta_1, beta_2, step_size, epsilon, decay, n_decay
):
    t = params.dtype.type
    beta_1, beta_2, decay = t(beta_1), t(beta_2), t(decay)
    step_size, epsilon = t(step_size), t(epsilon)
    for i in range(n_decay):
        gi = grads[i] + params[i] * decay
        mi = m[i] * beta_1 + gi
        vi = v[i] * beta_2 + gi * gi
        m[i] = mi
        v[i] = vi
        params[i] -= mi / (np.sqrt(vi) + epsilon) * step_size
    p, g, mt, vt = params[n_decay:], grads[n_decay:], m[n_decay:], v[n_decay:]
    for i in range(p.size):
        gi = g[i]
        mi = mt[i] * beta_1 + gi
        vi = vt[i] * beta_2 + gi * gi
        mt[i] = mi
        vt[i] = vi
        p[i] -= mi / (np.sqrt(vi) + epsilon) * step_size


def _adagrad_kernel(params, grads, sum_squares, lr, epsilon, decay, n_decay):
    t = params.dtype.type
    lr, epsilon, decay = t(lr), t(epsilon), t(decay)
    for i in range(n_decay):
        gi = grads[i] + params[i] * decay
        si = sum_squares[i] + gi * gi
        sum_squares[i] = si
        params[i] -= gi / (np.sqrt(si) + epsilon) * lr
    p, g, s = params[n_decay:], grads[n_decay:], sum_squares[n_decay:]
    for i in range(p.size):
        gi = g[i]
        si = s[i] + gi * gi
        s[i] = si
        p[i] -= gi / (np.sqrt(si) + epsilon) * lr


def _rmsprop_kernel(
    params, grads, mean_squares, lr, one_minus_rho, epsilon, decay, n_decay
):
    t = params.dtype.type
    lr, epsilon, decay = t(lr), t(epsilon), t(decay)
    one_minus_rho = t(one_minus_rho)
    for i in range(n_decay):
        gi = grads[i] + params[i] * decay
        si = mean_squares[i]
        si += (gi * gi - si) * one_minus_rho
        mean_squares[i] = si
        params[i] -= gi / (np.sqrt(si) + epsilon) * lr
    p, g, s = params[n_decay:], grads[n_decay:], mean_squares[n_decay:]
    for i in range(p.size):
        gi = g[i]
        si = s[i]
        si += (gi * gi - si) * one_minus_rho
        s[i] = si
        p[i] -= gi / (np.sqrt(si) + epsilon) * lr
