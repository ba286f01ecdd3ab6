"""Piecewise-linear embeddings of numeric features (Gorishniy et al.,
"On Embeddings for Numerical Features in Tabular Deep Learning", 2022)."""

import math

from .base import Layer

__all__ = ["PiecewiseLinearEmbedding"]


class PiecewiseLinearEmbedding(Layer):
    """Piecewise-linear encoding of each numeric feature, then a linear map
    of its own.

    Feature ``j`` has bins with edges ``e_0 < e_1 < ... < e_T`` (``T >= 1``,
    its own number: quantiles of the training values, say). Its encoding
    has one entry per bin: ``u_t = (x - e_{t-1}) / (e_t - e_{t-1})`` clipped
    to [0, 1] -- 1 for a bin left behind, 0 for a bin not reached, the
    fraction of a bin ``x`` lies in -- except that the first entry is not
    clipped below and the last not above, so values beyond the training
    range extend linearly. Then::

        h_j = encoding_j @ weight[j] + bias[j]     # n_out values

    The output is, for each feature in order, ``[x_j, h_j]`` (``x_j`` only
    with ``keep_input``), concatenated: shape (n_samples, n_features *
    (n_out + keep_input)), as :class:`PeriodicEmbedding`'s. The encodings of
    all features are computed at once in a (feature, sample, bin) layout,
    features with fewer bins padded with entries that are always 0.

    Parameters, with their initialization:

    * ``weight``, (n_features, n_bins, n_out): ``U(-b, b)`` with ``b = 1 /
      sqrt(n_bins)``, weight decay;
    * ``bias``, (n_features, n_out): zero, no weight decay.

    The bins are fixed: they live in the network's buffers (left edges,
    inverse widths and where to clip), set by ``initialize``.

    Parameters
    ----------
    edges : sequence of array-like
        The increasing bin edges of each feature (at least two each).
    n_out : int, default=8
        Output dimension of each feature's linear map.
    keep_input : bool, default=True
        Whether each feature's raw value precedes its embedding.
    """

    fresh_output = True

    def __init__(self, edges, n_out=8, keep_input=True):
        super().__init__()
        self.edges = [tuple(float(e) for e in feature) for feature in edges]
        if not self.edges or min(len(e) for e in self.edges) < 2:
            raise ValueError("every feature needs at least two bin edges")
        if any(b <= a for e in self.edges for a, b in zip(e, e[1:])):
            raise ValueError("bin edges must increase strictly")
        self.n_features = len(self.edges)
        self.n_bins = max(len(e) - 1 for e in self.edges)
        self.n_out = int(n_out)
        self.keep_input = keep_input

    @property
    def n_outputs(self):
        """Number of output columns."""
        return self.n_features * (self.n_out + bool(self.keep_input))

    def param_specs(self):
        F, T, d = self.n_features, self.n_bins, self.n_out
        return [("weight", (F, T, d), True), ("bias", (F, d), False)]

    def buffer_specs(self):
        shape = (self.n_features, self.n_bins)
        return [(name, shape) for name in ("left", "inv_width", "low", "high")]

    def initialize(self, rng):
        F, T, d = self.n_features, self.n_bins, self.n_out
        bound = 1.0 / math.sqrt(T)
        self.params["weight"][...] = rng.uniform(-bound, bound, (F, T, d))
        self.params["bias"][...] = 0
        buffers = self.buffers
        for name in buffers:
            buffers[name][...] = 0
        for j, edges in enumerate(self.edges):
            n_bins = len(edges) - 1
            for t in range(n_bins):
                buffers["left"][j, t] = edges[t]
                buffers["inv_width"][j, t] = 1.0 / (edges[t + 1] - edges[t])
                buffers["low"][j, t] = float(t > 0)  # clipped below at 0
                buffers["high"][j, t] = float(t < n_bins - 1)  # above at 1

    def _encode(self, X):
        """The encodings (feature, sample, bin) and what backward needs."""
        ops, b = self.ops, self.buffers
        U = X.T[:, :, None] - b["left"][:, None, :]
        U *= b["inv_width"][:, None, :]
        low, high = b["low"][:, None, :], b["high"][:, None, :]
        below = ops.activation("relu", U)  # max(U, 0)
        A = low * below + (1.0 - low) * U
        above = ops.activation("relu", 1.0 - A)  # 1 - min(A, 1)
        E = high * (1.0 - above) + (1.0 - high) * A
        return E, (below, above)

    def forward(self, X, training=False):
        ops, p = self.ops, self.params
        keep = int(bool(self.keep_input))
        n = X.shape[0]
        E, clips = self._encode(X)
        H = ops.batch_matmul(E, p["weight"])
        H += p["bias"][:, None, :]
        out = ops.empty((n, self.n_features, self.n_out + keep), X.dtype)
        if keep:
            out[:, :, 0] = X
        out[:, :, keep:] = H.swapaxes(0, 1)
        if training:
            self._cache = (E, clips)
        return out.reshape(n, -1)

    def backward(self, dLdy):
        E, (below, above) = self._cache
        ops, p, grads, b = self.ops, self.params, self.grads, self.buffers
        keep = int(bool(self.keep_input))
        n = E.shape[1]
        dLdy = dLdy.reshape(n, self.n_features, self.n_out + keep)
        dH = dLdy[:, :, keep:].swapaxes(0, 1)
        ops.sum_rows(dH.swapaxes(0, 1), out=grads["bias"])
        ops.batch_matmul(E.swapaxes(1, 2), dH, out=grads["weight"])
        if not self.needs_input_grad:
            return None
        low, high = b["low"][:, None, :], b["high"][:, None, :]
        dE = ops.batch_matmul(dH, p["weight"].swapaxes(1, 2))
        # through E = high (1 - relu(1 - A)) + (1 - high) A, then A's clip
        inside = ops.activation_grad("relu", None, above, ops.copy(dE))
        dA = high * inside + (1.0 - high) * dE
        positive = ops.activation_grad("relu", None, below, ops.copy(dA))
        dU = low * positive + (1.0 - low) * dA
        dU *= b["inv_width"][:, None, :]
        dX = ops.sum_rows(dU.swapaxes(0, 2))  # over the bins: (n, F)
        if keep:
            dX = dX + dLdy[:, :, 0]
        return dX
