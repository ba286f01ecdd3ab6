"""The NumPy backend: the default, on the host, with SciPy sparse input.

The optimizer steps use the one-pass compiled kernels of
:mod:`skdeep.backend._fused` when numba is installed and the parameter
vector is large enough for them to pay; otherwise a few whole-array NumPy
passes.
"""

import math

import numpy as np
import scipy.sparse
from scipy.special import erf, expit, logsumexp, xlogy

from . import _elementwise, _fused
from ._composite import CompositeOps, dropout_bits

__all__ = ["NumpyBackend", "NUMPY"]

# Python floats: NumPy scalars would promote float32 arrays to float64
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _one_plus_exp_minus(X):
    """``1 + exp(-X)`` (a new array; infinite where ``exp`` overflows, which
    makes the sigmoid 0 and SiLU -0, their limits)."""
    out = np.negative(X)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1
    return out


class NumpyBackend(CompositeOps):
    """Operations on NumPy arrays (and SciPy sparse inputs).

    Every method of the seam is documented in :mod:`skdeep.backend`. Scalars
    returned by reductions are host floats: ``lazy`` is False, so the
    training loop checks each batch's loss as it comes.

    Parameters
    ----------
    fused : {"auto", True, False}, default="auto"
        Use the compiled one-pass optimizer steps and element-wise kernels
        (``skdeep.backend._elementwise``): when available and large
        enough ("auto"), whenever available (True), never (False).
    """

    name = "numpy"
    device = None
    lazy = False

    def __init__(self, fused="auto"):
        self.fused = fused

    def __repr__(self):
        return f"NumpyBackend(fused={self.fused!r})"

    def __reduce__(self):
        return (NumpyBackend, (self.fused,))

    # ---- arrays and transfers -------------------------------------------
    def asarray(self, X, dtype=None):
        """Return ``X`` (ndarray or sparse matrix) as a backend array."""
        if scipy.sparse.issparse(X):
            return X if dtype is None else X.astype(dtype, copy=False)
        return np.asarray(X, dtype=dtype)

    def to_numpy(self, X):
        """Return ``X`` as a NumPy array (no copy here)."""
        return X

    def zeros(self, shape, dtype):
        return np.zeros(shape, dtype=dtype)

    def empty(self, shape, dtype):
        return np.empty(shape, dtype=dtype)

    def zeros_like(self, X):
        return np.zeros_like(X)

    def empty_like(self, X):
        return np.empty_like(X)

    def copy(self, X):
        return X.copy()

    def astype(self, X, dtype):
        """A copy of ``X`` converted to the NumPy ``dtype``."""
        return X.astype(dtype)

    def index(self, rows):
        """Return the NumPy integer array ``rows`` as a backend index."""
        return rows

    def errstate(self):
        """Context in which overflow on the way to divergence is silent."""
        return np.errstate(over="ignore", invalid="ignore")

    def synchronize(self):
        """Wait for queued work (nothing to wait for on the host)."""

    # ---- reductions and checks ------------------------------------------
    def item(self, x):
        """Return the backend scalar ``x`` as a Python float."""
        return float(x)

    def all_finite(self, X):
        return bool(np.isfinite(X).all())

    def dot(self, a, b):
        return float(np.dot(a, b))

    def sum(self, X):
        return float(X.sum())

    def sum_rows(self, X, out=None):
        """Column sums (over the rows), written into ``out`` if given."""
        return np.sum(X, axis=0, out=out)

    def mean_rows(self, X):
        return X.mean(axis=0)

    # ---- linear algebra ---------------------------------------------------
    def matmul(self, A, B, out=None):
        """``A @ B``; ``A`` may be sparse (then ``out`` is ignored)."""
        if out is None or not isinstance(A, np.ndarray):
            return A @ B
        return np.matmul(A, B, out=out)

    def matmul_tn(self, A, B, out):
        """``out[...] = A.T @ B``; ``A`` may be sparse."""
        if isinstance(A, np.ndarray):
            np.matmul(A.T, B, out=out)
        else:
            out[...] = A.T @ B
        return out

    def matmul_nt(self, A, B):
        """``A @ B.T`` (new array)."""
        return A @ B.T

    def batch_matmul(self, A, B, out=None):
        """Stacked products ``A[i] @ B[i]``: (b, n, k) @ (b, k, m) -> (b, n, m).

        The operands may be strided views (``swapaxes``); into ``out`` if
        given.
        """
        return np.matmul(A, B, out=out)

    # ---- gathering and joining ----------------------------------------------
    def hstack(self, arrays, out=None):
        """Join 2-D arrays along their columns (new array, or ``out``)."""
        return np.concatenate(arrays, axis=1, out=out)

    def tile_rows(self, X, k):
        """``X`` repeated ``k`` times along its rows (1-D or 2-D; new array):
        rows ``m * n .. (m + 1) * n - 1`` are the ``m``-th copy."""
        return np.tile(X, (k,) + (1,) * (X.ndim - 1))

    def as_indices(self, X):
        """Integer index array from the float codes ``X`` (rounded to the
        nearest integer; no range check)."""
        return np.rint(X).astype(np.intp)

    def index_add(self, target, index, values):
        """Scatter-add in place: ``target[index[i]] += values[i]`` for every
        ``i``, repeated indices accumulating (1-D ``target``, ``index`` and
        ``values``); return ``target``."""
        np.add.at(target, index, values)
        return target

    # ---- element-wise -----------------------------------------------------
    def sqrt(self, X, out=None):
        return np.sqrt(X, out=out)

    def exp(self, X, out=None):
        return np.exp(X, out=out)

    def log(self, X, out=None):
        return np.log(X, out=out)

    def cos(self, X, out=None):
        """Element-wise cosine, into ``out`` if given."""
        return np.cos(X, out=out)

    def sin(self, X, out=None):
        """Element-wise sine, into ``out`` if given."""
        return np.sin(X, out=out)

    def random(self, rng, shape, dtype):
        """Uniform [0, 1) numbers from the Generator ``rng`` (on the host)."""
        return rng.random(shape, dtype=dtype)

    def dropout_mask(self, rng, shape, p, dtype):
        """Inverted-dropout mask: ``1 / (1 - p)`` with probability
        ``1 - p`` (to a multiple of ``2**-16``), else 0, drawn from ``rng``."""
        bits, threshold = dropout_bits(rng, shape, p)
        return (bits >= threshold) * np.dtype(dtype).type(1.0 / (1.0 - p))

    def keep_mask(self, rng, shape, p, dtype):
        """Masking-noise mask: 1 with probability ``1 - p``, else 0 (no
        rescaling), drawn from ``rng``."""
        keep = rng.random(shape, dtype=dtype) >= p
        return keep.astype(dtype)

    def activation(self, name, X, out=None, slope=0.01):
        """Return ``g(X)`` for the activation ``name``, into ``out`` if the
        activation computes in place (``out`` is then ``X``)."""
        if name == "identity":
            return X
        if name == "logistic":
            return expit(X, out=out)
        if name == "tanh":
            return np.tanh(X, out=out)
        if name == "relu":
            return np.maximum(X, 0, out=out)
        if name == "leaky_relu":
            return np.where(X > 0, X, slope * X)
        if name == "elu":
            return np.where(X > 0, X, np.expm1(np.minimum(X, 0)))
        if name == "gelu":
            return X * (0.5 * (1 + erf(X * _SQRT_HALF)))
        if name == "silu":  # x / (1 + exp(-x)): NumPy's vectorized exp
            return np.divide(X, _one_plus_exp_minus(X), out=out)
        raise ValueError(f"unknown activation {name!r}")

    def activation_grad(self, name, X, Y, dLdy, slope=0.01):
        """Multiply ``dLdy`` in place by ``g'``, from the input ``X`` (None
        when the activation does not need it) or the output ``Y``."""
        if name == "identity":
            return dLdy
        if name == "logistic":
            dLdy *= Y
            dLdy *= 1 - Y
        elif name == "tanh":
            square = Y * Y
            np.subtract(1, square, out=square)
            dLdy *= square
        elif name == "relu":
            np.multiply(dLdy, Y > 0, out=dLdy)
        elif name == "leaky_relu":
            dLdy *= np.where(X > 0, 1.0, slope).astype(X.dtype, copy=False)
        elif name == "elu":
            dLdy *= np.where(X > 0, 1.0, Y + 1).astype(X.dtype, copy=False)
        elif name == "gelu":
            cdf = 0.5 * (1 + erf(X * _SQRT_HALF))
            dLdy *= cdf + X * np.exp(-0.5 * X * X) * _INV_SQRT_2PI
        elif name == "silu":  # g' = s + g (1 - s), s the sigmoid
            s = _one_plus_exp_minus(X)
            np.reciprocal(s, out=s)
            slope = np.subtract(1, s)
            slope *= Y
            slope += s
            dLdy *= slope
        else:
            raise ValueError(f"unknown activation {name!r}")
        return dLdy

    # ---- layers of element-wise passes -----------------------------------
    def _elementwise(self, X):
        """Whether to take the one-pass kernels for the array ``X``: never,
        from ``_elementwise.MIN_SIZE`` elements ("auto")
        or whenever it can (True)."""
        if self.fused is False:
            return False
        if self.fused == "auto" and X.size < _elementwise.MIN_SIZE:
            return False
        return _elementwise.usable(X)

    def parametric_activation(self, base, X, alpha):
        if base == "silu" and self._elementwise(X):
            out, G, S = _elementwise.silu_blend(X, alpha)
            return out, (X, G, S)
        return super().parametric_activation(base, X, alpha)

    def parametric_activation_grad(
        self, base, cache, alpha, dLdy, grad_alpha, input_grad=True
    ):
        if len(cache) == 3:  # the kernel's forward: its backward too
            return _elementwise.silu_blend_grad(
                *cache, alpha, dLdy, grad_alpha, input_grad
            )
        return super().parametric_activation_grad(
            base, cache, alpha, dLdy, grad_alpha, input_grad
        )

    def dropout(self, rng, X, p):
        if not self._elementwise(X):
            return super().dropout(rng, X, p)
        bits, threshold = dropout_bits(rng, X.shape, p)
        return _elementwise.dropout(X, bits, threshold, 1.0 / (1.0 - p))

    # ---- losses -----------------------------------------------------------
    def link(self, name, Z):
        """Apply the output link ``name`` to ``Z`` (new array)."""
        if name == "softmax":
            P = Z - Z.max(axis=1, keepdims=True)
            np.exp(P, out=P)
            P /= P.sum(axis=1, keepdims=True)
            return P
        if name == "logistic":
            return expit(Z)
        if name == "identity":
            return np.array(Z, copy=True)
        if name == "exp":
            return np.exp(Z)
        raise ValueError(f"unknown link {name!r}")

    def ensemble_mean(self, name, Z):
        """The output whose link is the members' mean: ``Z`` of shape (k, n,
        m) holds ``k`` members' outputs; returns the (n, m) array ``A`` with
        ``link(A) = mean over members of link(Z[i])``, finite for finite
        ``Z`` (log-probabilities of the mean for softmax, its logit for
        logistic, the log of the mean for exp)."""
        k = Z.shape[0]
        if name == "identity":
            return Z.mean(axis=0)
        if name == "exp":
            return logsumexp(Z, axis=0) - math.log(k)
        if name == "softmax":
            log_p = Z - logsumexp(Z, axis=2, keepdims=True)
            return logsumexp(log_p, axis=0) - math.log(k)
        if name == "logistic":  # logit of the mean: log(sum p) - log(sum 1 - p)
            return logsumexp(-np.logaddexp(0, -Z), axis=0) - logsumexp(
                -np.logaddexp(0, Z), axis=0
            )
        raise ValueError(f"unknown link {name!r}")

    def link_and_loss(self, name, Z, y):
        """Return ``(link(Z), loss)``: the loss of each sample and output
        (negative log-likelihood of the link's distribution, up to a
        constant), sharing the work the two have in common."""
        if name == "softmax":
            log_p = Z - Z.max(axis=1, keepdims=True)
            P = np.exp(log_p)
            total = P.sum(axis=1, keepdims=True)
            P /= total
            log_p -= np.log(total)
            log_p *= y
            np.negative(log_p, out=log_p)
            return P, log_p
        if name == "logistic":
            values = np.logaddexp(0, Z)
            values -= y * Z
            return expit(Z), values
        if name == "identity":
            residual = Z - y
            return Z, 0.5 * residual * residual
        if name == "exp":
            P = np.exp(Z)
            return P, xlogy(y, y) - y * Z - y + P
        raise ValueError(f"unknown link {name!r}")

    # ---- optimizer steps --------------------------------------------------
    def _use_fused(self, params):
        """Whether to take the compiled step (numba is imported only when
        the answer may be yes)."""
        if self.fused is False:
            return False
        if self.fused == "auto" and params.size < _fused.MIN_SIZE:
            return False
        return _fused.available()

    def sgd_step(self, params, grads, buf, velocity, lr, momentum, nesterov,
                 decay=0.0, n_decay=0):
        """SGD with (Nesterov) momentum; ``grads`` and ``buf`` are scratch."""
        if self._use_fused(params):
            return _fused.sgd_step(
                params, grads, velocity, lr, momentum, nesterov, decay, n_decay
            )
        _add_decay(params, grads, buf, decay, n_decay)
        grads *= lr
        velocity *= momentum
        velocity -= grads
        if nesterov:
            np.multiply(velocity, momentum, out=buf)
            buf -= grads
            params += buf
        else:
            params += velocity

    def adam_step(self, params, grads, buf, m, v, beta_1, beta_2, step_size,
                  epsilon, decay=0.0, n_decay=0):
        """Adam on unnormalized moments (``m <- b1 m + g``, ``v <- b2 v +
        g^2``, ``params -= step_size * m / (sqrt(v) + epsilon)``)."""
        if self._use_fused(params):
            return _fused.adam_step(
                params, grads, m, v, beta_1, beta_2, step_size, epsilon,
                decay, n_decay,
            )
        _add_decay(params, grads, buf, decay, n_decay)
        m *= beta_1
        m += grads
        np.multiply(grads, grads, out=buf)
        v *= beta_2
        v += buf
        np.sqrt(v, out=buf)
        buf += epsilon
        np.divide(m, buf, out=buf)
        buf *= step_size
        params -= buf

    def adagrad_step(self, params, grads, buf, sum_squares, lr, epsilon,
                     decay=0.0, n_decay=0):
        """AdaGrad: ``G += g^2``, ``params -= lr g / (sqrt(G) + eps)``."""
        if self._use_fused(params):
            return _fused.adagrad_step(
                params, grads, sum_squares, lr, epsilon, decay, n_decay
            )
        _add_decay(params, grads, buf, decay, n_decay)
        np.multiply(grads, grads, out=buf)
        sum_squares += buf
        _scaled_step(params, grads, sum_squares, buf, lr, epsilon)

    def rmsprop_step(self, params, grads, buf, mean_squares, lr, rho, epsilon,
                     decay=0.0, n_decay=0):
        """RMSProp: ``v += (1 - rho)(g^2 - v)``, ``params -= lr g /
        (sqrt(v) + eps)``."""
        if self._use_fused(params):
            return _fused.rmsprop_step(
                params, grads, mean_squares, lr, rho, epsilon, decay, n_decay
            )
        _add_decay(params, grads, buf, decay, n_decay)
        np.multiply(grads, grads, out=buf)
        buf -= mean_squares
        buf *= 1 - rho
        mean_squares += buf
        _scaled_step(params, grads, mean_squares, buf, lr, epsilon)


def _add_decay(params, grads, buf, decay, n_decay):
    """``grads[:n_decay] += decay * params[:n_decay]``, through ``buf``."""
    if decay and n_decay:
        np.multiply(params[:n_decay], decay, out=buf[:n_decay])
        grads[:n_decay] += buf[:n_decay]


def _scaled_step(params, grads, squares, buf, learning_rate, epsilon):
    """``params -= lr * grads / (sqrt(squares) + eps)``, using ``buf``."""
    np.sqrt(squares, out=buf)
    buf += epsilon
    np.divide(grads, buf, out=buf)
    buf *= learning_rate
    params -= buf


#: The default backend.
NUMPY = NumpyBackend()
