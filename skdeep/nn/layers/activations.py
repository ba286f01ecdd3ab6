"""Element-wise activation layers and the ``ACTIVATIONS`` registry."""

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

    The arithmetic is the backend's (``ops.activation`` and
    ``ops.activation_grad`` with the subclass's ``name``). ``function``
    writes into ``out`` when it is given (the network passes the input
    itself when the previous layer's output is fresh, see ``inplace``).
    ``derivative`` multiplies ``dLdy`` in place by ``g'``, computed from the
    input ``X`` or the output ``Y`` (whichever is cheaper);
    ``cache_input`` says whether it needs ``X``.

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
        return self.ops.activation(self.name, X, out=out, **self._options())

    def derivative(self, X, Y, dLdy):
        """Multiply ``dLdy`` in place by ``g'(X)``, given ``X`` and
        ``Y = g(X)``; return it."""
        return self.ops.activation_grad(self.name, X, Y, dLdy, **self._options())

    def _options(self):
        """Keyword parameters of the activation (none by default)."""
        return {}

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


class Logistic(Activation):
    """Logistic sigmoid ``g(a) = 1 / (1 + exp(-a))``, ``g' = g (1 - g)``."""

    name = "logistic"


class Tanh(Activation):
    """Hyperbolic tangent ``g(a) = tanh(a)``, ``g' = 1 - g^2``."""

    name = "tanh"


class ReLU(Activation):
    """Rectified linear ``g(a) = max(0, a)``, ``g' = 1[a > 0]``."""

    name = "relu"


class LeakyReLU(Activation):
    """Leaky rectifier ``g(a) = a if a > 0 else slope * a``."""

    name = "leaky_relu"
    cache_input = True

    def __init__(self, slope=0.01):
        super().__init__()
        self.slope = slope

    def _options(self):
        return {"slope": self.slope}


class ELU(Activation):
    """Exponential linear ``g(a) = a if a > 0 else exp(a) - 1``;
    ``g' = 1`` or ``g + 1``."""

    name = "elu"
    cache_input = True


class GELU(Activation):
    """Gaussian error linear ``g(a) = a * Phi(a)`` (exact, with erf);
    ``g' = Phi(a) + a * phi(a)``."""

    name = "gelu"
    cache_input = True


class SiLU(Activation):
    """Sigmoid linear (swish) ``g(a) = a * sigmoid(a)``;
    ``g' = s (1 + a (1 - s))``."""

    name = "silu"
    cache_input = True


#: dict of str to Activation class: the hidden activations by name.
ACTIVATIONS = {
    cls.name: cls
    for cls in (Identity, Logistic, Tanh, ReLU, LeakyReLU, ELU, GELU, SiLU)
}
