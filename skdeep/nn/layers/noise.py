"""Masking noise: the corruption of a denoising autoencoder."""

from .base import Layer

__all__ = ["MaskingNoise"]


class MaskingNoise(Layer):
    """Masking noise: ``outputs = inputs * mask`` in training.

    A fresh 0/1 mask (keep with probability ``1 - p``) is drawn per example
    and per entry at every training forward pass from ``self.rng``: each
    entry is set to 0 with probability ``p``, the others pass unchanged
    (no rescaling, unlike :class:`Dropout`). Prediction is the identity.
    The backward pass multiplies by the same mask; as the first layer of a
    network it has nothing to return (``needs_input_grad`` is False, or the
    next layer passes None). With ``frozen = True`` the last mask is reused,
    which makes the network deterministic for gradient checking.

    Parameters
    ----------
    p : float
        Probability of setting an entry to 0, in [0, 1).
    """

    needs_rng = True

    def __init__(self, p):
        super().__init__()
        self.p = float(p)
        self.rng = None
        self.frozen = False

    def forward(self, X, training=False):
        if not training or self.p == 0:
            return X
        mask = getattr(self, "_cache", None)
        if not (self.frozen and mask is not None and mask.shape == X.shape):
            mask = self.ops.keep_mask(self.rng, X.shape, self.p, X.dtype)
        self._cache = mask
        return X * mask

    def backward(self, dLdy):
        if dLdy is None or not self.needs_input_grad:
            return None
        mask = getattr(self, "_cache", None)
        return dLdy if mask is None else dLdy * mask
