"""Predictor: inference with a trained network, on a backend and in a
dtype of its own."""

import numpy as np

from ..backend import NUMPY
from ..backend.threads import blas_threads_for, largest_product

__all__ = ["Predictor"]


class Predictor:
    """Run a trained network in prediction mode, in blocks of rows.

    When the backend or the dtype of the predictions is the network's own,
    the network itself computes (in-place changes of its parameters are
    seen at once). Otherwise the predictor keeps a copy of the network on
    ``ops`` and in ``dtype``, made at the first call and made again
    whenever the network's parameters or buffers no longer equal those it
    was made from. Prediction stores nothing on the network: one predictor
    may serve several threads at once.

    Parameters
    ----------
    network : Sequential
        The trained network, on the host.
    ops : backend, default=None
        Where to compute (None: the NumPy backend).
    dtype : dtype, default=None
        The dtype to compute in (None: the network's).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep.nn import Dense, Sequential
    >>> net = Sequential([Dense(3, 2)], dtype=np.float32)
    >>> net.initialize(np.random.default_rng(0))
    >>> Predictor(net, dtype=np.float64).run(np.ones((4, 3))).dtype
    dtype('float64')
    """

    def __init__(self, network, ops=None, dtype=None):
        self.network = network
        self.ops = NUMPY if ops is None else ops
        self.dtype = network.dtype if dtype is None else np.dtype(dtype)
        self._copy = self._source = None

    def computing_network(self):
        """The network that computes: the network itself, or its copy on
        the predictor's backend and in its dtype (made again if stale)."""
        network = self.network
        if self.ops is network.ops and self.dtype == network.dtype:
            return network
        copy, source = self._copy, self._source
        if copy is None or not (
            np.array_equal(source[0], network.params)
            and np.array_equal(source[1], network.buffers)
        ):
            source = (network.params.copy(), network.buffers.copy())
            copy = network.astype(self.dtype).to(self.ops)
            self._copy, self._source = copy, source
        return copy

    def run(self, X, start=0, stop=None, link=None, block_size=4096):
        """Output of ``layers[start:stop]`` for ``X``, in blocks of rows.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (n_samples, n_features)
            Host input, in the predictor's dtype.
        start, stop : int or None, default=0, None
            The slice of layers to run (all of them by default).
        link : callable, default=None
            Applied to each block's output (the loss's output link), on the
            backend.
        block_size : int, default=4096
            Rows per block: the hidden activations of a block stay in cache.

        Returns
        -------
        out : ndarray of shape (n_samples, n_outputs)
            On the host.
        """
        network = self.computing_network()
        layers = network.layers[start:stop]
        ops = self.ops
        blocks = []
        product = largest_product(network, min(X.shape[0], block_size))
        with ops.errstate(), blas_threads_for(product):
            for first in range(0, max(X.shape[0], 1), block_size):
                out = X[first : first + block_size]
                if ops is not NUMPY:
                    out = ops.asarray(out)
                for layer in layers:
                    out = layer.forward(out, False)
                if link is not None:
                    out = link(out)
                blocks.append(ops.to_numpy(out))
        return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_copy"] = state["_source"] = None  # a cache
        state.pop("ops", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.ops = NUMPY
