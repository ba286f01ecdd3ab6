"""Sequential: a chain of layers sharing one flat parameter buffer."""

import copy
import math

import numpy as np

from ..backend import NUMPY

__all__ = ["Sequential"]


class Sequential:
    """A network: layers applied in order, backpropagated in reverse.

    Every parameter of every layer is a view into one flat array
    ``params`` (and its gradient a view into ``grads``), so an optimizer step
    is a few whole-array operations. Parameters under weight decay come
    first: ``params[:n_decay]`` is exactly the decayed part.

    Parameters
    ----------
    layers : list of Layer
        The modules, input side first.
    dtype : dtype, default=np.float64
        Floating point type of parameters and computations.
    ops : backend, default=None
        Where the arrays live and the arithmetic runs (None: the NumPy
        backend). A network is built and initialized on the host, then moved
        with :meth:`to`.

    Attributes
    ----------
    params : ndarray of shape (n_params,)
        All parameters, flat.
    grads : ndarray of shape (n_params,) or None
        Gradient of the last backward pass, same layout as ``params``; None
        after :meth:`release_grads` until the next backward pass.
    n_decay : int
        Number of leading entries of ``params`` subject to weight decay.
    buffers : ndarray of shape (n_buffers,)
        Non-learned state of the layers (batch-norm statistics), flat.
    param_slices : list of (int, str, slice)
        For each parameter: index of its layer, its name, and its place in
        ``params``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn.layers import Dense, ReLU
    >>> net = Sequential([Dense(3, 4), ReLU(), Dense(4, 2)])
    >>> net.initialize(np.random.default_rng(0))
    >>> net.forward(np.ones((5, 3))).shape
    (5, 2)
    >>> net.params.size, net.n_decay
    (26, 20)
    """

    def __init__(self, layers, dtype=np.float64, ops=None):
        self.layers = list(layers)
        self.dtype = np.dtype(dtype)
        self.ops = NUMPY if ops is None else ops
        specs = [
            (i, *spec)
            for i, layer in enumerate(self.layers)
            for spec in layer.param_specs()
        ]
        # decayed parameters first, each group in layer order
        self._layout = [s for s in specs if s[3]] + [s for s in specs if not s[3]]
        self.n_decay = sum(math.prod(s[2]) for s in specs if s[3])
        size = sum(math.prod(s[2]) for s in specs)
        self.params = self.ops.zeros(size, self.dtype)
        self.grads = self.ops.zeros(size, self.dtype)
        self._buffer_layout = [
            (i, *spec)
            for i, layer in enumerate(self.layers)
            for spec in layer.buffer_specs()
        ]
        n_buffers = sum(math.prod(s[2]) for s in self._buffer_layout)
        self.buffers = self.ops.zeros(n_buffers, self.dtype)
        self._bind()
        if self.layers:
            self.layers[0].needs_input_grad = False
        for before, layer in zip(self.layers, self.layers[1:]):
            if hasattr(layer, "inplace"):
                layer.inplace = before.fresh_output

    def _bind(self):
        params = [{} for _ in self.layers]
        grads = [{} for _ in self.layers]
        self.param_slices = []
        start = 0
        for i, name, shape, _ in self._layout:
            stop = start + math.prod(shape)
            params[i][name] = self.params[start:stop].reshape(shape)
            if self.grads is not None:
                grads[i][name] = self.grads[start:stop].reshape(shape)
            self.param_slices.append((i, name, slice(start, stop)))
            start = stop
        buffers = [{} for _ in self.layers]
        start = 0
        for i, name, shape in self._buffer_layout:
            stop = start + math.prod(shape)
            buffers[i][name] = self.buffers[start:stop].reshape(shape)
            start = stop
        for layer, p, g, b in zip(self.layers, params, grads, buffers):
            layer.bind(p, g, b, self.ops)

    def to(self, ops):
        """Move the parameters and buffers to the backend ``ops`` (copies;
        the gradient buffer is dropped); return self."""
        if ops is not self.ops:
            self.params = ops.asarray(self.ops.to_numpy(self.params).copy())
            self.buffers = ops.asarray(self.ops.to_numpy(self.buffers).copy())
            self.grads = None
            self.clear_caches()
            self.ops = ops
            self._bind()
        return self

    def astype(self, dtype):
        """Return a copy of the network whose parameters and buffers are of
        ``dtype`` (on this network's backend; no gradient buffer)."""
        clone = copy.deepcopy(self)
        clone.dtype = np.dtype(dtype)
        clone.params = self.ops.astype(clone.params, clone.dtype)
        clone.buffers = self.ops.astype(clone.buffers, clone.dtype)
        clone.grads = None
        clone._bind()
        return clone

    def release_grads(self):
        """Free the gradient buffer; the next ``backward`` allocates it again."""
        self.grads = None
        self._bind()

    def _ensure_grads(self):
        if self.grads is None:
            self.grads = self.ops.zeros_like(self.params)
            self._bind()

    def __getstate__(self):
        state = self.__dict__.copy()
        state["grads"] = None  # work space, not part of the model
        # a plain string, so that skops needs to trust only skdeep's types
        state["dtype"] = self.dtype.name
        # stored on the host, loadable without the backend it was trained on
        state.pop("ops", None)
        state["params"] = self.ops.to_numpy(self.params)
        state["buffers"] = self.ops.to_numpy(self.buffers)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.dtype = np.dtype(self.dtype)
        self.ops = NUMPY
        self._bind()

    def initialize(self, rng):
        """Initialize every layer's parameters from the Generator ``rng``."""
        for layer in self.layers:
            layer.initialize(rng)

    def forward(self, X, training=False, sample_weight=None):
        """Run ``X`` through every layer; cache for backward if ``training``.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Input batch.
        training : bool, default=False
            Training mode (caches activations; dropout draws masks; batch
            normalization uses the batch). With False nothing is stored:
            safe for concurrent calls.
        sample_weight : ndarray of shape (n_samples,), default=None
            Weights of the rows, for layers computing batch statistics.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_outputs)
            Output of the last layer (the pre-activation of the loss link).
        """
        for layer in self.layers:
            if layer.uses_sample_weight:
                X = layer.forward(X, training, sample_weight)
            else:
                X = layer.forward(X, training)
        return X

    def predict(self, X, link=None, block_size=4096):
        """Inference on ``X`` in blocks of rows, so the hidden activations of
        a block stay in cache and no full-size intermediate is allocated.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Input.
        link : callable, default=None
            Applied to each block's output (the loss's output link).
        block_size : int, default=4096
            Rows per block.

        Returns
        -------
        out : ndarray of shape (n_samples, n_outputs)
        """
        n = X.shape[0]
        if n <= block_size:
            Z = self.forward(X)
            return Z if link is None else link(Z)
        out = None
        for start in range(0, n, block_size):
            Z = self.forward(X[start : start + block_size])
            Z = Z if link is None else link(Z)
            if out is None:
                out = self.ops.empty((n, *Z.shape[1:]), Z.dtype)
            out[start : start + Z.shape[0]] = Z
        return out

    def clear_caches(self):
        """Drop what training-mode forward passes cached for backward."""
        for layer in self.layers:
            layer.__dict__.pop("_cache", None)

    def set_rng(self, rng):
        """Give the Generator ``rng`` to every layer that draws randomness."""
        for layer in self.layers:
            if layer.needs_rng:
                layer.rng = rng

    def set_batch_rows(self, rows):
        """Tell the normalization layers the size of a full batch: the batch
        at which their running statistics move by their whole momentum."""
        for layer in self.layers:
            if hasattr(layer, "batch_rows"):
                layer.batch_rows = rows

    def freeze_randomness(self, frozen=True):
        """Make random layers reuse their last draw (for gradient checks)."""
        for layer in self.layers:
            if hasattr(layer, "frozen"):
                layer.frozen = frozen

    def set_population_statistics(self, X, sample_weight=None):
        """One pass over ``X``: set each normalization layer's statistics to
        the population moments of its input (earlier layers already set)."""
        for layer in self.layers:
            if hasattr(layer, "set_statistics"):
                layer.set_statistics(X, sample_weight)
            X = layer.forward(X, training=False)

    def backward(self, dLdz):
        """Backpropagate ``dLdz`` through the layers, filling ``grads``."""
        self._ensure_grads()
        for layer in reversed(self.layers):
            dLdz = layer.backward(dLdz)
        return dLdz

    def l2_penalty(self):
        """Return ``sum of squared decayed parameters`` (weights only)."""
        w = self.params[: self.n_decay]
        return self.ops.dot(w, w)

    def add_weight_decay(self, coef):
        """Add ``coef * W`` to the gradient of every decayed parameter (for
        full-batch use; stochastic optimizers apply decay in their step)."""
        if coef:
            self.grads[: self.n_decay] += coef * self.params[: self.n_decay]

    def layer_params(self, name):
        """Return the views named ``name`` of every layer that has one."""
        return [layer.params[name] for layer in self.layers if name in layer.params]

    def weights_and_biases(self):
        """Return ``(W, b)`` views of every layer with weights ``W``; ``b``
        is None for a layer without a bias."""
        return [
            (layer.params["W"], layer.params.get("b"))
            for layer in self.layers
            if "W" in layer.params
        ]

    def set_layer_params(self, name, values):
        """Replace the parameters named ``name`` of every layer that has one.

        All values are checked before any is written: a call that raises
        leaves the network unchanged.

        Parameters
        ----------
        name : str
            Parameter name (``"W"``, ``"b"``, ...).
        values : sequence of array-like
            One array per layer having ``name``, in layer order, each of the
            shape of the parameter it replaces; converted to ``dtype``.

        Raises
        ------
        ValueError
            On a wrong number of arrays, a wrong shape or non-finite values.
        """
        targets = self.layer_params(name)
        values = list(values)
        if len(values) != len(targets):
            raise ValueError(f"expected {len(targets)} arrays, got {len(values)}")
        arrays = []
        for i, (target, value) in enumerate(zip(targets, values)):
            array = self.ops.asarray(value, dtype=self.dtype)
            if tuple(array.shape) != tuple(target.shape):
                raise ValueError(
                    f"array {i} has shape {tuple(array.shape)}, "
                    f"expected {tuple(target.shape)}"
                )
            if not self.ops.all_finite(array):
                raise ValueError(f"array {i} contains NaN or infinity")
            arrays.append(array)
        for target, array in zip(targets, arrays):
            target[...] = array

    def get_state(self):
        """Return a copy of everything needed to restore the network."""
        return self.ops.copy(self.params), self.ops.copy(self.buffers)

    def set_state(self, state):
        """Restore a state returned by :meth:`get_state`."""
        self.params[...] = state[0]
        self.buffers[...] = state[1]
