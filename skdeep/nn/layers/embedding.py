"""Embeddings of tabular features: periodic embeddings of numeric features
(after the PLR embeddings of Gorishniy et al. 2022 and RealMLP's PBLD,
Holzmueller et al. 2024) and learned embeddings of categorical codes."""

import math

from .base import Layer

__all__ = ["PeriodicEmbedding", "Embedding", "default_embedding_dim"]

_TWO_PI = 2.0 * math.pi


class PeriodicEmbedding(Layer):
    """Periodic embedding of each numeric feature, with a linear map and a
    ReLU of its own.

    For feature ``j`` with value ``x_j``, and its ``k = n_frequencies``
    learned frequencies ``c_j`` and phases ``b_j``::

        z_j = cos(2 pi (x_j c_j + b_j))          # k values
        h_j = relu(z_j @ weight[j] + bias[j])    # n_out values

    (RealMLP's "PBLD" form: cosines with learned phases, which cover the
    sines too, instead of PLR's cosines and sines without phases.) The output
    is, for each feature in order, ``[x_j, h_j]`` (``x_j`` only with
    ``keep_input``), concatenated: shape (n_samples, n_features * (n_out +
    keep_input)), in :attr:`n_outputs` columns. All features are computed
    at once by batched matrix products over a (feature, sample, frequency)
    layout.

    Parameters, with their initialization:

    * ``frequencies``, (n_features, n_frequencies): ``N(0, sigma^2)``, no
      weight decay;
    * ``phases``, (n_features, n_frequencies): ``U(-0.5, 0.5)`` (a phase
      angle uniform in [-pi, pi)), no weight decay;
    * ``weight``, (n_features, n_frequencies, n_out): He-uniform per feature,
      ``U(-b, b)`` with ``b = sqrt(6 / n_frequencies)``, weight decay;
    * ``bias``, (n_features, n_out): zero, no weight decay.

    (``weight`` and ``bias`` are not named ``W`` and ``b``: the network's
    ``weights_and_biases`` lists the :class:`Dense` layers only.)

    Parameters
    ----------
    n_features : int
        Number of numeric input features.
    n_frequencies : int, default=16
        Number of frequencies ``k`` per feature.
    n_out : int, default=8
        Output dimension of each feature's linear map.
    sigma : float, default=1.0
        Standard deviation of the initial frequencies (for standardized
        inputs; smaller values give smoother initial embeddings).
    keep_input : bool, default=True
        Whether each feature's raw value precedes its embedding in the output.
    """

    fresh_output = True

    def __init__(
        self, n_features, n_frequencies=16, n_out=8, sigma=1.0, keep_input=True
    ):
        super().__init__()
        self.n_features = n_features
        self.n_frequencies = n_frequencies
        self.n_out = n_out
        self.sigma = sigma
        self.keep_input = keep_input

    @property
    def n_outputs(self):
        """Number of output columns."""
        return self.n_features * (self.n_out + bool(self.keep_input))

    def param_specs(self):
        F, k, d = self.n_features, self.n_frequencies, self.n_out
        return [
            ("frequencies", (F, k), False),
            ("phases", (F, k), False),
            ("weight", (F, k, d), True),
            ("bias", (F, d), False),
        ]

    def initialize(self, rng):
        F, k, d = self.n_features, self.n_frequencies, self.n_out
        self.params["frequencies"][...] = rng.standard_normal((F, k)) * self.sigma
        self.params["phases"][...] = rng.uniform(-0.5, 0.5, (F, k))
        bound = math.sqrt(6.0 / k)
        self.params["weight"][...] = rng.uniform(-bound, bound, (F, k, d))
        self.params["bias"][...] = 0

    def forward(self, X, training=False):
        ops, p = self.ops, self.params
        keep = int(bool(self.keep_input))
        n = X.shape[0]
        # (feature, sample, frequency) layout: U = 2 pi (x c + b)
        U = X.T[:, :, None] * p["frequencies"][:, None, :]
        U += p["phases"][:, None, :]
        U *= _TWO_PI
        Z = ops.cos(U)
        H = ops.batch_matmul(Z, p["weight"])
        H += p["bias"][:, None, :]
        ops.activation("relu", H, out=H)
        out = ops.empty((n, self.n_features, self.n_out + keep), X.dtype)
        if keep:
            out[:, :, 0] = X
        out[:, :, keep:] = H.swapaxes(0, 1)
        if training:
            self._cache = (X, U, Z, H)
        return out.reshape(n, -1)

    def backward(self, dLdy):
        X, U, Z, H = self._cache
        ops, p, grads = self.ops, self.params, self.grads
        keep = int(bool(self.keep_input))
        n = X.shape[0]
        dLdy = dLdy.reshape(n, self.n_features, self.n_out + keep)
        dH = ops.activation_grad("relu", None, H, dLdy[:, :, keep:].swapaxes(0, 1))
        ops.sum_rows(dH.swapaxes(0, 1), out=grads["bias"])
        ops.batch_matmul(Z.swapaxes(1, 2), dH, out=grads["weight"])
        # dL/d(x c + b) = dL/dZ * -sin(U) * 2 pi
        dV = ops.batch_matmul(dH, p["weight"].swapaxes(1, 2))
        dV *= ops.sin(U)
        dV *= -_TWO_PI
        ops.sum_rows(dV.swapaxes(0, 1), out=grads["phases"])
        grads["frequencies"][...] = ops.batch_matmul(X.T[:, None, :], dV)[:, 0, :]
        if not self.needs_input_grad:
            return None
        dX = ops.batch_matmul(dV, p["frequencies"][:, :, None])[:, :, 0].T
        if keep:
            dX = dX + dLdy[:, :, 0]
        return dX


def default_embedding_dim(cardinality):
    """The default embedding size of a column with ``cardinality``
    categories: ``min(16, round(1.6 * cardinality ** 0.56))``, at least 1
    (fastai's rule, capped at 16)."""
    return min(16, max(1, round(1.6 * cardinality**0.56)))


class Embedding(Layer):
    """A learned vector for each category of each categorical column.

    The input holds, in each of its ``len(cardinalities)`` columns, integer
    category codes ``0 .. cardinality - 1`` stored as floats of the
    network's dtype (rounded to the nearest integer; float32 holds integers
    exactly up to 2**24). The output concatenates, column by column, the
    vector of each row's category: shape (n_samples, sum(dims)), in
    :attr:`n_outputs` columns.

    Codes outside ``0 .. cardinality - 1`` are the caller's responsibility:
    they are not checked (a check would synchronize a device); they silently
    read (and train) entries of another column's table, or of the wrong
    place in the table (negative indices wrap around), or raise
    ``IndexError`` past its ends. Encode unseen categories as a category of
    their own beforehand.

    The codes are not differentiable: ``needs_input_grad`` is False, so the
    layer can come first in a network; set True (as :class:`Columns` does
    when it is not first), ``backward`` returns the zero gradient the
    piecewise-constant lookup has almost everywhere.

    Parameters
    ----------
    cardinalities : sequence of int
        Number of categories of each input column.
    n_out : int or sequence of int, default=None
        Embedding size of every column, or of each column; None:
        ``default_embedding_dim`` of each column's cardinality.
    unknown_code : int or None, default=None
        The code of a category unseen in training (0 in
        :class:`~skdeep.TabularPreprocessor`'s codes): its vector starts at
        zero, a neutral input, and no training row moves it. None: every
        code's vector is drawn.

    Attributes
    ----------
    dims : list of int
        Embedding size of each column.

    Notes
    -----
    All tables live in one parameter ``table``, flat, of shape
    (sum(cardinality * dim),), column after column, each a row-major
    (cardinality, dim) block (see :meth:`tables`). It starts ``N(0, 1)``
    (unit-variance outputs, like standardized numeric inputs and
    ``torch.nn.Embedding``) and is under weight decay. A row's output entry
    ``m`` reads ``table[base[m] + code * dim[m]]``, so the lookup is one
    gather and its backward one scatter-add (``ops.index_add``), in which
    rows sharing a category accumulate.
    """

    fresh_output = True
    needs_input_grad = False

    def __init__(self, cardinalities, n_out=None, unknown_code=None):
        super().__init__()
        self.unknown_code = unknown_code
        self.cardinalities = [int(c) for c in cardinalities]
        if not self.cardinalities or min(self.cardinalities) < 1:
            raise ValueError("cardinalities must be a non-empty list of positive ints")
        if n_out is None:
            dims = [default_embedding_dim(c) for c in self.cardinalities]
        elif isinstance(n_out, int):
            dims = [n_out] * len(self.cardinalities)
        else:
            dims = [int(d) for d in n_out]
        if len(dims) != len(self.cardinalities) or min(dims) < 1:
            raise ValueError("n_out must give a positive size for every column")
        self.n_out = n_out
        self.dims = dims

    @property
    def n_outputs(self):
        """Number of output columns."""
        return sum(self.dims)

    def param_specs(self):
        size = sum(c * d for c, d in zip(self.cardinalities, self.dims))
        return [("table", (size,), True)]

    def initialize(self, rng):
        table = self.params["table"]
        table[...] = rng.standard_normal(table.shape)
        if getattr(self, "unknown_code", None) is not None:
            for view in self.tables():
                view[self.unknown_code] = 0

    def tables(self):
        """The (cardinality, dim) table of each column: views of ``table``."""
        views, start = [], 0
        for card, dim in zip(self.cardinalities, self.dims):
            views.append(
                self.params["table"][start : start + card * dim].reshape(card, dim)
            )
            start += card * dim
        return views

    def _lookup(self):
        """``(column, stride, base)`` of each output entry, on the backend."""
        cached = self.__dict__.get("_lookup_arrays")
        if cached is not None and cached[0] is self.ops:
            return cached[1]
        column, stride, base, start = [], [], [], 0
        for j, (card, dim) in enumerate(zip(self.cardinalities, self.dims)):
            column += [j] * dim
            stride += [dim] * dim
            base += range(start, start + dim)
            start += card * dim
        arrays = tuple(
            self.ops.asarray(a, dtype="int64") for a in (column, stride, base)
        )
        self._lookup_arrays = (self.ops, arrays)
        return arrays

    def forward(self, X, training=False):
        column, stride, base = self._lookup()
        index = self.ops.as_indices(X)[:, column]
        index *= stride
        index += base
        if training:
            self._cache = index
        return self.params["table"][index]

    def backward(self, dLdy):
        index = self._cache
        grad = self.grads["table"]
        grad[...] = 0
        self.ops.index_add(grad, index.reshape(-1), dLdy.reshape(-1))
        if not self.needs_input_grad:
            return None
        return self.ops.zeros((index.shape[0], len(self.cardinalities)), dLdy.dtype)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_lookup_arrays", None)
        return state
