"""Inverted dropout layer."""

from .base import Layer

__all__ = ["Dropout"]


class Dropout(Layer):
    """Inverted dropout: ``outputs = inputs * mask / (1 - p)`` in training.

    A fresh Bernoulli mask (keep with probability ``1 - p``) is drawn per
    example and per unit at every training forward pass from ``self.rng``;
    the backward pass multiplies by the same mask. Prediction is the identity
    (no randomness, no rescaling). With ``frozen = True`` the last mask is
    reused, which makes the network deterministic for gradient checking.
    The masks come from 16-bit draws (``ops.dropout``): a unit is dropped
    with probability ``p`` rounded to a multiple of ``2**-16``.

    Parameters
    ----------
    p : float
        Probability of dropping a unit, in [0, 1).
    """

    needs_rng = True

    def __init__(self, p):
        super().__init__()
        self.p = float(p)
        self.rng = None
        self.frozen = False

    def forward(self, X, training=False):
        if not training:
            return X
        mask = getattr(self, "_cache", None)
        if self.frozen and mask is not None and mask.shape == X.shape:
            return X * mask
        out, self._cache = self.ops.dropout(self.rng, X, self.p)
        return out

    def backward(self, dLdy):
        return dLdy * self._cache
