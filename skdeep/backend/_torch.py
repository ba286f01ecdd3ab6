"""The torch backend: the operations seam on torch tensors, on one device.

Imported only when a device is asked for (``device='cuda'``, ``'cuda:1'``,
``'mps'``, ``'cpu'``): the rest of skdeep runs without torch. Each method
computes the NumPy backend's math, in place where that one is. Differences:
reductions (``sum``, ``dot``) return 0-d device tensors (``lazy`` is True:
the loop synchronizes once per epoch, through ``item``); SciPy sparse input
is densified; random numbers are drawn on the host from the NumPy Generator,
as the NumPy backend draws them (a seed gives the same dropout masks on every
backend); dtypes may be NumPy or torch dtypes; MPS refuses float64. The
optimizer steps run torch's fused one-pass kernels on CPU and CUDA, driven
so as to keep this package's optimizer state (see "optimizer steps").
"""

import contextlib
import functools
import math

import numpy as np
import scipy.sparse
import torch
import torch.nn.functional as F

from ._composite import CompositeOps, dropout_bits
from ._torch_steps import TorchOptimizerSteps

__all__ = ["TorchBackend", "get_torch_backend"]

_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_HALF = math.sqrt(0.5)


def _available_devices():
    """The device strings this process can use, for error messages."""
    names = ["cpu"]
    if torch.cuda.is_available():
        names += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        names.append("mps")
    return ", ".join(names)


def _resolve_device(device):
    """Return the ``torch.device`` for ``device``, checking that it exists."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        dev, problem = None, "not a device name"
    if dev is None:
        pass
    elif dev.type == "cpu":
        return torch.device("cpu")
    elif dev.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        index = dev.index
        if index is None and count:
            index = torch.cuda.current_device()
        if index is not None and index < count:
            return torch.device("cuda", index)
        problem = (
            f"{count} CUDA device(s) available" if count else "CUDA is not available"
        )
    elif dev.type == "mps":
        if torch.backends.mps.is_available() and dev.index in (None, 0):
            return torch.device("mps", 0)
        problem = "MPS is not available"
    else:
        problem = f"unsupported device type {dev.type!r}"
    raise ValueError(f"device {device!r}: {problem}; available: {_available_devices()}")


@functools.lru_cache(maxsize=None)
def _torch_dtype(dtype):
    """The torch dtype for a NumPy or torch ``dtype`` (None stays None)."""
    if dtype is None or isinstance(dtype, torch.dtype):
        return dtype
    return torch.from_numpy(np.empty(0, dtype=dtype)).dtype


def _numpy_dtype(dtype):
    """The NumPy dtype for a NumPy or torch ``dtype`` (None stays None)."""
    if isinstance(dtype, torch.dtype):
        return torch.empty(0, dtype=dtype).numpy().dtype
    return None if dtype is None else np.dtype(dtype)


class TorchBackend(CompositeOps, TorchOptimizerSteps):
    """Operations on torch tensors on one device.

    Parameters
    ----------
    device : str or torch.device
        ``'cpu'``, ``'cuda'``, ``'cuda:1'``, ``'mps'``...; it must exist.

    Raises
    ------
    ValueError
        If the device is malformed or not available here.
    """

    name = "torch"
    lazy = True

    def __init__(self, device):
        self.device = _resolve_device(device)
        self._step = None
        self._fused = None  # the fused kernels that run here, found when needed

    def __repr__(self):
        return f"TorchBackend({str(self.device)!r})"

    def __reduce__(self):
        return (TorchBackend, (str(self.device),))

    def _dtype(self, dtype):
        """The torch dtype for a NumPy or torch ``dtype``; MPS refuses float64."""
        dtype = _torch_dtype(dtype)
        if dtype == torch.float64 and self.device.type == "mps":
            raise ValueError("float64 is not supported on MPS; use float32")
        return dtype

    # ---- arrays and transfers -------------------------------------------
    def asarray(self, X, dtype=None):
        """Return ``X`` as a tensor on the device; sparse input is densified.

        On the CPU, a C-contiguous writable NumPy ``X`` of the dtype is not
        copied (as with NumPy): the tensor shares its memory.
        """
        if isinstance(X, torch.Tensor):
            return X.to(device=self.device, dtype=self._dtype(dtype or X.dtype))
        if scipy.sparse.issparse(X):
            X = X.toarray()
        X = np.asarray(X, dtype=_numpy_dtype(dtype))
        if not (X.flags.c_contiguous and X.flags.writeable):
            X = np.array(X, order="C")  # torch tensors are writable
        tensor = torch.from_numpy(X)
        self._dtype(tensor.dtype)
        return tensor.to(self.device, non_blocking=self.device.type == "cuda")

    def to_numpy(self, X):
        """Return ``X`` as a NumPy array (no copy for a CPU tensor)."""
        if isinstance(X, torch.Tensor):
            return X.detach().cpu().numpy()
        return X

    def zeros(self, shape, dtype):
        """A tensor of zeros of ``shape`` and (NumPy or torch) ``dtype``."""
        return torch.zeros(shape, dtype=self._dtype(dtype), device=self.device)

    def empty(self, shape, dtype):
        """An uninitialized tensor of ``shape`` and ``dtype``."""
        return torch.empty(shape, dtype=self._dtype(dtype), device=self.device)

    def zeros_like(self, X):
        """A tensor of zeros like ``X``."""
        return torch.zeros_like(X)

    def empty_like(self, X):
        """An uninitialized tensor like ``X``."""
        return torch.empty_like(X)

    def copy(self, X):
        """A (C-contiguous) copy of ``X``."""
        return X.clone(memory_format=torch.contiguous_format)

    def astype(self, X, dtype):
        """A copy of ``X`` converted to the (NumPy or torch) ``dtype``."""
        return X.to(self._dtype(dtype), copy=True)

    def index(self, rows):
        """Return the NumPy integer array ``rows`` as a long tensor on the
        device (a slice or an int passes through)."""
        if isinstance(rows, (slice, int, np.integer)):
            return rows
        if isinstance(rows, torch.Tensor):
            return rows.to(self.device)
        rows = np.asarray(rows)
        if rows.dtype != bool:
            rows = rows.astype(np.int64, copy=False)
        return torch.from_numpy(np.ascontiguousarray(rows)).to(self.device)

    def errstate(self):
        """A no-op context (torch does not warn on overflow)."""
        return contextlib.nullcontext()

    def synchronize(self):
        """Wait for the work queued on the device."""
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        elif self.device.type == "mps":
            torch.mps.synchronize()

    # ---- reductions and checks ------------------------------------------
    def item(self, x):
        """Return the backend scalar ``x`` as a Python float (synchronizes)."""
        return float(x)

    def all_finite(self, X):
        """Whether every element of ``X`` is finite (synchronizes)."""
        return bool(torch.isfinite(X).all())

    def dot(self, a, b):
        """The dot product of two vectors: a 0-d device tensor."""
        return torch.dot(a.reshape(-1), b.reshape(-1))

    def sum(self, X):
        """The sum of all elements: a 0-d device tensor."""
        return X.sum()

    def sum_rows(self, X, out=None):
        """Column sums (over the rows), written into ``out`` if given."""
        return torch.sum(X, dim=0, out=out)

    def mean_rows(self, X):
        """Column means (new tensor)."""
        return X.mean(dim=0)

    # ---- linear algebra ---------------------------------------------------
    def matmul(self, A, B, out=None):
        """``A @ B``, into ``out`` if given."""
        return torch.matmul(A, B, out=out)

    def matmul_tn(self, A, B, out):
        """``out[...] = A.T @ B``."""
        return torch.matmul(A.t() if A.dim() == 2 else A, B, out=out)

    def matmul_nt(self, A, B):
        """``A @ B.T`` (new tensor)."""
        return A @ (B.t() if B.dim() == 2 else B)

    def batch_matmul(self, A, B, out=None):
        """Stacked products ``A[i] @ B[i]``: (b, n, k) @ (b, k, m) -> (b, n, m).

        The operands may be strided views (``swapaxes``); into ``out`` if
        given.
        """
        return torch.matmul(A, B, out=out)

    # ---- gathering and joining ----------------------------------------------
    def hstack(self, arrays, out=None):
        """Join 2-D tensors along their columns (new tensor, or ``out``)."""
        return torch.cat(list(arrays), dim=1, out=out)

    def tile_rows(self, X, k):
        """``X`` repeated ``k`` times along its rows (new tensor)."""
        return X.repeat(k, *(1,) * (X.dim() - 1))

    def as_indices(self, X):
        """Long index tensor from the float codes ``X`` (rounded to the
        nearest integer, half to even as NumPy; no range check)."""
        return torch.round(X).long()

    def index_add(self, target, index, values):
        """Scatter-add in place: ``target[index[i]] += values[i]`` for every
        ``i``, repeated indices accumulating (1-D ``target``, ``index`` and
        ``values``); return ``target``."""
        return target.index_add_(0, index, values)

    # ---- element-wise -----------------------------------------------------
    def sqrt(self, X, out=None):
        """Element-wise square root, into ``out`` if given."""
        return torch.sqrt(X, out=out)

    def exp(self, X, out=None):
        """Element-wise exponential, into ``out`` if given."""
        return torch.exp(X, out=out)

    def log(self, X, out=None):
        """Element-wise natural logarithm, into ``out`` if given."""
        return torch.log(X, out=out)

    def cos(self, X, out=None):
        """Element-wise cosine, into ``out`` if given."""
        return torch.cos(X, out=out)

    def sin(self, X, out=None):
        """Element-wise sine, into ``out`` if given."""
        return torch.sin(X, out=out)

    def random(self, rng, shape, dtype):
        """Uniform [0, 1) numbers from the Generator ``rng``, drawn on the host
        (the NumPy backend's numbers) and moved to the device."""
        host = rng.random(shape, dtype=_numpy_dtype(dtype))
        return self.asarray(host)

    def dropout_mask(self, rng, shape, p, dtype):
        """Inverted-dropout mask: ``1 / (1 - p)`` with probability ``1 - p``,
        else 0; the NumPy backend's mask, drawn from ``rng`` on the host."""
        np_dtype = _numpy_dtype(dtype)
        bits, threshold = dropout_bits(rng, shape, p)
        scale = float(np_dtype.type(1.0 / (1.0 - p)))  # exact in ``dtype``
        keep = torch.from_numpy(bits >= threshold).to(self.device)  # 1 byte each
        return keep.to(self._dtype(np_dtype)).mul_(scale)

    def keep_mask(self, rng, shape, p, dtype):
        """Masking-noise mask: 1 with probability ``1 - p``, else 0 (no
        rescaling); the NumPy backend's mask, drawn from ``rng`` on the host."""
        np_dtype = _numpy_dtype(dtype)
        keep = rng.random(shape, dtype=np_dtype) >= p
        keep = torch.from_numpy(keep).to(self.device)  # 1 byte an element
        return keep.to(self._dtype(np_dtype))

    def activation(self, name, X, out=None, slope=0.01):
        """Return ``g(X)`` for the activation ``name``, into ``out`` if the
        activation computes in place (``out`` is then ``X``)."""
        if name == "identity":
            return X
        if name == "logistic":
            return torch.sigmoid(X, out=out)
        if name == "tanh":
            return torch.tanh(X, out=out)
        if name == "relu":
            return torch.clamp_min(X, 0, out=out)
        # the others keep X, which their derivatives need
        if name == "leaky_relu":
            return F.leaky_relu(X, slope)
        if name == "elu":
            return F.elu(X)
        if name == "gelu":  # as NumPy's: F.gelu is less accurate in float32 tails
            return torch.special.erf(X * _SQRT_HALF).add_(1).mul_(0.5).mul_(X)
        if name == "silu":
            return F.silu(X)
        raise ValueError(f"unknown activation {name!r}")

    def activation_grad(self, name, X, Y, dLdy, slope=0.01):
        """Multiply ``dLdy`` in place by ``g'``, from the input ``X`` (None
        when the activation does not need it) or the output ``Y``."""
        if name == "identity":
            return dLdy
        if name == "logistic":
            dLdy.mul_(Y).mul_(1 - Y)
        elif name == "tanh":
            dLdy.mul_(torch.mul(Y, Y).neg_().add_(1))
        elif name == "relu":
            dLdy.mul_(Y > 0)  # not where(): 0 * inf stays NaN, as with NumPy
        elif name == "leaky_relu":
            torch.where(X > 0, dLdy, dLdy * slope, out=dLdy)
        elif name == "elu":
            torch.where(X > 0, dLdy, dLdy * (Y + 1), out=dLdy)
        elif name == "gelu":
            cdf = torch.special.erf(X * _SQRT_HALF).add_(1).mul_(0.5)
            dLdy.mul_(cdf.add_(X * torch.exp(-0.5 * X * X) * _INV_SQRT_2PI))
        elif name == "silu":
            s = torch.sigmoid(X)
            dLdy.mul_(s * (1 + X * (1 - s)))
        else:
            raise ValueError(f"unknown activation {name!r}")
        return dLdy

    # ---- losses -----------------------------------------------------------
    def link(self, name, Z):
        """Apply the output link ``name`` to ``Z`` (new tensor)."""
        if name == "softmax":
            return torch.softmax(Z, dim=1)
        if name == "logistic":
            return torch.sigmoid(Z)
        if name == "identity":
            return Z.clone()
        if name == "exp":
            return torch.exp(Z)
        raise ValueError(f"unknown link {name!r}")

    def ensemble_mean(self, name, Z):
        """The output whose link is the members' mean (see the NumPy
        backend)."""
        k = Z.shape[0]
        if name == "identity":
            return Z.mean(dim=0)
        if name == "exp":
            return torch.logsumexp(Z, dim=0) - math.log(k)
        if name == "softmax":
            return torch.logsumexp(torch.log_softmax(Z, dim=2), dim=0) - math.log(k)
        if name == "logistic":
            return torch.logsumexp(F.logsigmoid(Z), dim=0) - torch.logsumexp(
                F.logsigmoid(-Z), dim=0
            )
        raise ValueError(f"unknown link {name!r}")

    def link_and_loss(self, name, Z, y):
        """Return ``(link(Z), loss)``: the loss of each sample and output
        (negative log-likelihood of the link's distribution, up to a
        constant)."""
        if name == "softmax":
            loss = torch.log_softmax(Z, dim=1).mul_(y).neg_()
            return torch.softmax(Z, dim=1), loss
        if name == "logistic":
            # log(1 + e^Z), exact for large |Z| (softplus has a threshold)
            values = torch.logaddexp(Z, Z.new_zeros(()))
            return torch.sigmoid(Z), values.addcmul_(y, Z, value=-1)
        if name == "identity":
            residual = Z - y
            return Z, residual.mul_(residual).mul_(0.5)
        if name == "exp":
            P = torch.exp(Z)
            values = torch.special.xlogy(y, y).addcmul_(y, Z, value=-1)
            return P, values.sub_(y).add_(P)
        raise ValueError(f"unknown link {name!r}")


_BACKENDS = {}


def get_torch_backend(device):
    """The :class:`TorchBackend` for ``device`` (str or torch.device), made
    once per device string."""
    key = str(device)
    backend = _BACKENDS.get(key)
    if backend is None:
        backend = TorchBackend(device)
        backend = _BACKENDS.setdefault(str(backend.device), backend)
        _BACKENDS[key] = backend
    return backend
