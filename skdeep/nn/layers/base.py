"""The base class of every layer (the contract is in the package docstring)."""

from ...backend import NUMPY

__all__ = ["Layer"]


class Layer:
    """Base class of every layer: no parameters, identity backward.

    Attributes
    ----------
    params : dict of str to ndarray
        Views of the layer's parameters in the network's flat buffer.
    grads : dict of str to ndarray
        Views of the matching gradients.
    needs_input_grad : bool
        Whether ``backward`` must return dL/d(input).
    ops : backend
        The operations the layer computes with (set by the network; the
        NumPy backend by default).
    """

    ops = NUMPY

    needs_input_grad = True
    uses_sample_weight = False
    needs_rng = False
    fresh_output = False

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.buffers = {}

    def param_specs(self):
        """Return the parameters as a list of ``(name, shape, decay)``."""
        return []

    def buffer_specs(self):
        """Return the non-learned state as a list of ``(name, shape)``."""
        return []

    def bind(self, params, grads, buffers=None, ops=None):
        """Attach views of the network's parameter, gradient, state buffers,
        and the backend they live on."""
        self.params = params
        self.grads = grads
        self.buffers = {} if buffers is None else buffers
        if ops is not None:
            self.ops = ops

    def initialize(self, rng):
        """Fill the parameter views in place (no parameters: nothing to do)."""

    def forward(self, X, training=False):
        """Compute the output of the layer for ``X``."""
        raise NotImplementedError

    def backward(self, dLdy):
        """Return dL/d(input) given ``dLdy`` = dL/d(output)."""
        raise NotImplementedError

    def __getstate__(self):
        state = self.__dict__.copy()
        # Views are rebuilt by the owning network; caches are transient.
        for key in ("params", "grads", "buffers"):
            state[key] = {}
        state.pop("_cache", None)
        state.pop("rng", None)
        state.pop("ops", None)
        return state
