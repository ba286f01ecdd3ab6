"""One-pass element-wise kernels of the tabular layers (numba, optional).

A tabular network's hidden block, ``Dense -> ParametricActivation ->
Dropout``, on 256 x 256 batches spends as long in element-wise NumPy passes
(a temporary each) as in its matrix products: the parametric SiLU makes
seven passes forward and fourteen backward (its sigmoid recomputed), the
dropout three. The kernels here make one pass each over the arrays they
read and write, with the floating-point operations of the NumPy path in its
order, so the results are equal to the last bit (no fast-math, no fused
multiply-add). The exponential stays NumPy's: its vectorized ``exp`` is
four times faster than a compiled loop's.

* :func:`silu_blend` / :func:`silu_blend_grad`: ``x + alpha (g(x) - x)``
  with ``g`` SiLU, and its gradients (of ``alpha`` and of the input);
* :func:`dropout`: the inverted-dropout mask from 16-bit draws and its
  product with the input.

Nothing is imported or compiled when this module is imported; the kernels
are compiled on their first call for each dtype and cached on disk, as the
optimizer steps of :mod:`~skdeep.backend._fused` are.
"""

import threading

import numpy as np

from . import _fused

__all__ = ["MIN_SIZE", "available", "dropout", "silu_blend", "silu_blend_grad"]

#: Elements of an array from which the NumPy backend uses these kernels by
#: default: under it a pass costs about as much as the call.
MIN_SIZE = 4096

_LOCK = threading.Lock()
_KERNELS = {}


def available():
    """Whether the kernels can be used (numba is importable)."""
    return _fused.available()


def usable(X):
    """Whether the kernels take ``X``: a C-contiguous float32 or float64
    ndarray, and numba installed (the size rule, :data:`MIN_SIZE`, is the
    caller's)."""
    return (
        isinstance(X, np.ndarray)
        and X.dtype in (np.float32, np.float64)
        and X.flags.c_contiguous
        and available()
    )


def silu_blend(X, alpha):
    """``x + alpha (g(x) - x)`` with ``g(x) = x / (1 + exp(-x))``.

    Parameters
    ----------
    X : ndarray of shape (n, m)
        C-contiguous, float32 or float64.
    alpha : ndarray of shape (m,)
        The blend of each column, in ``X``'s dtype.

    Returns
    -------
    out, G, S : ndarray of shape (n, m)
        The output, ``g(X)`` and the sigmoid ``1 / (1 + exp(-X))``.
    """
    S = np.negative(X)
    with np.errstate(over="ignore"):
        np.exp(S, out=S)
    out, G = np.empty_like(X), np.empty_like(X)
    _kernel("silu_blend")(X, S, alpha, out, G)
    return out, G, S


def silu_blend_grad(X, G, S, alpha, dLdy, grad_alpha, input_grad=True):
    """Gradients of :func:`silu_blend`.

    Parameters
    ----------
    X, G, S : ndarray of shape (n, m)
        The input and what :func:`silu_blend` returned with the output.
    alpha : ndarray of shape (m,)
        The blends.
    dLdy : ndarray of shape (n, m)
        Gradient of the loss with respect to the output (left as it is).
    grad_alpha : ndarray of shape (m,)
        Receives ``sum_i dLdy (G - X)``.
    input_grad : bool, default=True
        Whether to return the gradient with respect to ``X``.

    Returns
    -------
    dLdx : ndarray of shape (n, m) or None
        ``dLdy (1 + alpha (g'(x) - 1))``, ``g' = s + g (1 - s)``.
    """
    dLdy = np.ascontiguousarray(dLdy)
    dX = np.empty_like(dLdy) if input_grad else dLdy[:0]
    _kernel("silu_blend_grad")(X, G, S, alpha, dLdy, grad_alpha, dX, input_grad)
    return dX if input_grad else None


def dropout(X, bits, threshold, scale):
    """Inverted dropout of ``X`` from 16-bit draws.

    Parameters
    ----------
    X : ndarray
        C-contiguous, float32 or float64.
    bits : ndarray of uint16 of X's shape
        The draws (:func:`~skdeep.backend._composite.dropout_bits`).
    threshold : int
        A unit is kept where its draw is at least ``threshold``.
    scale : float
        The kept units' factor.

    Returns
    -------
    out, mask : ndarray of X's shape and dtype
        ``X * mask``, and the mask: ``scale`` where kept, else 0.
    """
    out, mask = np.empty_like(X), np.empty_like(X)
    _kernel("dropout")(
        X.reshape(-1),
        bits.reshape(-1),
        threshold,
        scale,
        out.reshape(-1),
        mask.reshape(-1),
    )
    return out, mask


def _kernel(name):
    if not _KERNELS:
        _load()
    return _KERNELS[name]


def _load():
    with _LOCK:
        if _KERNELS:
            return
        if not available():
            raise ImportError("the element-wise kernels need numba")
        import numba

        jit = numba.njit(cache=True, fastmath=False, error_model="numpy", nogil=True)
        _KERNELS.update(
            silu_blend=jit(_silu_blend_kernel),
            silu_blend_grad=jit(_silu_blend_grad_kernel),
            dropout=jit(_dropout_kernel),
        )


# ---- kernels (plain Python until compiled by _load) ---------------------------
# Each mirrors the NumPy path's operations in its order: the NumPy backend's
# SiLU and activation_grad("silu") and ParametricActivation's blend.
def _silu_blend_kernel(X, E, alpha, out, G):
    one = X.dtype.type(1)
    n, m = X.shape
    for i in range(n):
        x, e, o, g = X[i], E[i], out[i], G[i]
        for j in range(m):
            d = e[j] + one
            gj = x[j] / d
            g[j] = gj
            o[j] = (gj - x[j]) * alpha[j] + x[j]
            e[j] = one / d


def _silu_blend_grad_kernel(X, G, S, alpha, dY, grad_alpha, dX, input_grad):
    one = X.dtype.type(1)
    n, m = X.shape
    grad_alpha[:] = 0
    for i in range(n):
        x, g, s, dy = X[i], G[i], S[i], dY[i]
        for j in range(m):
            grad_alpha[j] += dy[j] * (g[j] - x[j])
        if input_grad:
            dx = dX[i]
            for j in range(m):
                slope = (one - s[j]) * g[j] + s[j]
                dx[j] = (dy[j] * slope - dy[j]) * alpha[j] + dy[j]


def _dropout_kernel(X, bits, threshold, scale, out, mask):
    t = X.dtype.type
    scale, zero = t(scale), t(0)
    for i in range(X.size):
        m = scale if bits[i] >= threshold else zero
        mask[i] = m
        out[i] = X[i] * m
