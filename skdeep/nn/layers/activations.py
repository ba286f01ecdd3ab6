"""Element-wise activation layers and the ``ACTIVATIONS`` registry."""

import math

import numpy as np
from scipy.special import erf, expit

from .base import Layer

__all__ = [
    "Activation",
    "Identity",
    "Logistic",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "GELU",
    "SiLU",
    "ACTIVATIONS",
]


class Activation(Layer):
    """Element-wise activation ``outputs = g(inputs)``.

    Subclasses define ``function(X, out)`` and ``derivative(X, Y, dLdy)``.
    ``function`` writes into ``out`` when it is given (the network passes the
    input itself when the previous layer's output is fresh, see
    ``inplace``). ``derivative`` multiplies ``dLdy`` in place by ``g'``,
    computed from the input ``X`` or the output ``Y`` (whichever is
    cheaper); ``cache_input`` says whether it needs ``X``.

    Attributes
    ----------
    inplace : bool
        Whether ``forward`` may overwrite its input (set by the network).
    """

    name = None
    cache_input = False

    def __init__(self):
        super().__init__()
        self.inplace = False

    def function(self, X, out=None):
        """Return ``g(X)``, written into ``out`` if given."""
        raise NotImplementedError

    def derivative(self, X, Y, dLdy):
        """Multiply ``dLdy`` in place by ``g'(X)``, given ``X`` and
        ``Y = g(X)``; return it."""
        raise NotImplementedError

    def forward(self, X, training=False):
        in_place = self.inplace and not self.cache_input
        Y = self.function(X, out=X if in_place else None)
        if training:
            self._cache = (X if self.cache_input else None, Y)
        return Y

    def backward(self, dLdy):
        X, Y = self._cache
        return self.derivative(X, Y, dLdy)


class Identity(Activation):
    """Identity ``g(a) = a``, ``g' = 1``."""

    name = "identity"

    def function(self, X, out=None):
        return X

    def derivative(self, X, Y, dLdy):
        return dLdy


class Logistic(Activation):
    """Logistic sigmoid ``g(a) = 1 / (1 + exp(-a))``, ``g' = g (1 - g)``."""

    name = "logistic"

    def function(self, X, out=None):
        return expit(X, out=out)

    def derivative(self, X, Y, dLdy):
        dLdy *= Y
        dLdy *= 1 - Y
        return dLdy


class Tanh(Activation):
    """Hyperbolic tangent ``g(a) = tanh(a)``, ``g' = 1 - g^2``."""

    name = "tanh"

    def function(self, X, out=None):
        return np.tanh(X, out=out)

    def derivative(self, X, Y, dLdy):
        square = Y * Y
        np.subtract(1, square, out=square)
        dLdy *= square
        return dLdy


class ReLU(Activation):
    """Rectified linear ``g(a) = max(0, a)``, ``g' = 1[a > 0]``."""

    name = "relu"

    def function(self, X, out=None):
        return np.maximum(X, 0, out=out)

    def derivative(self, X, Y, dLdy):
        np.multiply(dLdy, Y > 0, out=dLdy)
        return dLdy


class LeakyReLU(Activation):
    """Leaky rectifier ``g(a) = a if a > 0 else slope * a``."""

    name = "leaky_relu"
    cache_input = True

    def __init__(self, slope=0.01):
        super().__init__()
        self.slope = slope

    def function(self, X, out=None):
        return np.where(X > 0, X, self.slope * X)

    def derivative(self, X, Y, dLdy):
        dLdy *= np.where(X > 0, 1.0, self.slope).astype(X.dtype, copy=False)
        return dLdy


class ELU(Activation):
    """Exponential linear ``g(a) = a if a > 0 else exp(a) - 1``;
    ``g' = 1`` or ``g + 1``."""

    name = "elu"
    cache_input = True

    def function(self, X, out=None):
        return np.where(X > 0, X, np.expm1(np.minimum(X, 0)))

    def derivative(self, X, Y, dLdy):
        dLdy *= np.where(X > 0, 1.0, Y + 1).astype(X.dtype, copy=False)
        return dLdy


class GELU(Activation):
    """Gaussian error linear ``g(a) = a * Phi(a)`` (exact, with erf);
    ``g' = Phi(a) + a * phi(a)``."""

    name = "gelu"
    cache_input = True

    # Python floats: NumPy scalars would promote float32 arrays to float64
    _SQRT_HALF = math.sqrt(0.5)
    _INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

    def function(self, X, out=None):
        return X * (0.5 * (1 + erf(X * self._SQRT_HALF)))

    def derivative(self, X, Y, dLdy):
        cdf = 0.5 * (1 + erf(X * self._SQRT_HALF))
        dLdy *= cdf + X * np.exp(-0.5 * X * X) * self._INV_SQRT_2PI
        return dLdy


class SiLU(Activation):
    """Sigmoid linear (swish) ``g(a) = a * sigmoid(a)``;
    ``g' = s (1 + a (1 - s))``."""

    name = "silu"
    cache_input = True

    def function(self, X, out=None):
        return X * expit(X)

    def derivative(self, X, Y, dLdy):
        s = expit(X)
        dLdy *= s * (1 + X * (1 - s))
        return dLdy


#: dict of str to Activation class: the hidden activations by name.
ACTIVATIONS = {
    cls.name: cls
    for cls in (Identity, Logistic, Tanh, ReLU, LeakyReLU, ELU, GELU, SiLU)
}
