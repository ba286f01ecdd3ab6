"""Layers: the modules a network is chained from.

The layer contract (after Torch7's ``nn.Module``):

* ``param_specs()`` lists the layer's parameters as ``(name, shape, decay)``;
  ``decay`` says whether L2 weight decay applies to it (weights yes, biases and
  normalization parameters no).
* ``bind(params, grads)`` hands the layer dicts of views into the network's
  flat parameter and gradient buffers; ``initialize(rng)`` fills the
  parameter views in place.
* ``forward(X, training)`` computes the output. Only with ``training=True``
  does it cache what ``backward`` needs, so prediction (``training=False``)
  never mutates the layer and is safe to run from several threads.
* ``backward(dLdy)`` receives dL/d(output), writes the gradients of the
  layer's own parameters into its ``grads`` views and returns dL/d(input)
  (or ``None`` when ``needs_input_grad`` is False, as for the first layer).
"""

import numpy as np
from scipy.special import expit

from .init import INITIALIZERS

__all__ = [
    "Layer",
    "Dense",
    "Activation",
    "Identity",
    "Logistic",
    "Tanh",
    "ReLU",
    "ACTIVATIONS",
]


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
    """

    needs_input_grad = True

    def __init__(self):
        self.params = {}
        self.grads = {}

    def param_specs(self):
        """Return the parameters as a list of ``(name, shape, decay)``."""
        return []

    def bind(self, params, grads):
        """Attach views of the network's parameter and gradient buffers."""
        self.params = params
        self.grads = grads

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
        for key in ("params", "grads"):
            state[key] = {}
        state.pop("_cache", None)
        return state


class Dense(Layer):
    """Affine transform ``outputs = inputs @ W + b``.

    Parameters
    ----------
    n_in : int
        Number of input features.
    n_out : int
        Number of output units.
    init : str, default="glorot_uniform"
        Name of the weight initializer; the bias starts at zero.
    gain : float, default=6.0
        Passed to the Glorot initializer (6 for Glorot, 2 for scikit-learn's
        logistic units).
    use_bias : bool, default=True
        Whether the layer has a bias ``b``.
    """

    def __init__(self, n_in, n_out, init="glorot_uniform", gain=6.0, use_bias=True):
        super().__init__()
        self.n_in = n_in
        self.n_out = n_out
        self.init = init
        self.gain = gain
        self.use_bias = use_bias

    def param_specs(self):
        specs = [("W", (self.n_in, self.n_out), True)]
        if self.use_bias:
            specs.append(("b", (self.n_out,), False))
        return specs

    def initialize(self, rng):
        W = self.params["W"]
        W[...] = INITIALIZERS[self.init](
            self.n_in, self.n_out, rng, dtype=W.dtype, gain=self.gain
        )
        if self.use_bias:
            self.params["b"][...] = 0

    def forward(self, X, training=False):
        out = X @ self.params["W"]
        if self.use_bias:
            out += self.params["b"]
        if training:
            self._cache = X
        return out

    def backward(self, dLdy):
        X = self._cache
        if isinstance(X, np.ndarray):
            np.matmul(X.T, dLdy, out=self.grads["W"])
        else:  # scipy sparse input
            self.grads["W"][...] = X.T @ dLdy
        if self.use_bias:
            np.sum(dLdy, axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return dLdy @ self.params["W"].T


class Activation(Layer):
    """Element-wise activation ``outputs = g(inputs)``.

    Subclasses define ``function(X)`` and ``derivative(X, Y)``, the latter
    giving ``g'`` from the input ``X`` and the output ``Y`` (whichever is
    cheaper). ``cache_input`` says whether the derivative needs ``X``.
    """

    name = None
    cache_input = False

    def function(self, X):
        """Return ``g(X)``."""
        raise NotImplementedError

    def derivative(self, X, Y):
        """Return ``g'(X)`` given the input ``X`` and output ``Y = g(X)``."""
        raise NotImplementedError

    def forward(self, X, training=False):
        Y = self.function(X)
        if training:
            self._cache = (X if self.cache_input else None, Y)
        return Y

    def backward(self, dLdy):
        X, Y = self._cache
        return dLdy * self.derivative(X, Y)


class Identity(Activation):
    """Identity ``g(a) = a``, ``g' = 1``."""

    name = "identity"

    def function(self, X):
        return X

    def backward(self, dLdy):
        return dLdy


class Logistic(Activation):
    """Logistic sigmoid ``g(a) = 1 / (1 + exp(-a))``, ``g' = g (1 - g)``."""

    name = "logistic"

    def function(self, X):
        return expit(X)

    def derivative(self, X, Y):
        return Y * (1 - Y)


class Tanh(Activation):
    """Hyperbolic tangent ``g(a) = tanh(a)``, ``g' = 1 - g^2``."""

    name = "tanh"

    def function(self, X):
        return np.tanh(X)

    def derivative(self, X, Y):
        return 1 - Y * Y


class ReLU(Activation):
    """Rectified linear ``g(a) = max(0, a)``, ``g' = 1[a > 0]``."""

    name = "relu"

    def function(self, X):
        return np.maximum(X, 0)

    def derivative(self, X, Y):
        return Y > 0


ACTIVATIONS = {cls.name: cls for cls in (Identity, Logistic, Tanh, ReLU)}
