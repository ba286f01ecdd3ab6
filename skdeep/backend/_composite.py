"""Operations composed of the seam's primitives, shared by the backends.

:class:`CompositeOps` gives a backend the operations of layers that are
sequences of element-wise primitives; a backend with a faster way (the
NumPy backend's one-pass kernels, :mod:`~skdeep.backend._elementwise`)
overrides them and falls back on these.
"""

import math

import numpy as np

__all__ = ["CompositeOps", "dropout_bits"]

# bit generators whose raw draws are 64 random bits (MT19937's are 32)
_RAW64 = (np.random.PCG64, np.random.PCG64DXSM, np.random.Philox, np.random.SFC64)
_LEVELS = 1 << 16


def dropout_bits(rng, shape, p):
    """Dropout's draws: uniform 16-bit integers from the Generator ``rng``
    (four from each 64-bit draw of its bit generator; a third of the time
    of float32 uniforms) and the threshold at or above which a unit is kept.

    A unit is dropped with probability ``threshold / 2**16``: ``p`` rounded
    to a multiple of ``2**-16`` (0.15 drops with probability 0.149994).

    Returns
    -------
    bits : ndarray of uint16 of shape ``shape``
    threshold : int
    """
    size = math.prod(shape)
    generator = rng.bit_generator
    if isinstance(generator, _RAW64):
        raw = generator.random_raw(-(-size // 4))
        bits = raw.view(np.uint16)[:size].reshape(shape)
    else:
        bits = rng.integers(0, _LEVELS, size=shape, dtype=np.uint16)
    return bits, min(round(p * _LEVELS), _LEVELS - 1)


class CompositeOps:
    """Layer operations from ``activation``, ``activation_grad``,
    ``dropout_mask``, ``sum_rows`` and ``copy``."""

    def parametric_activation(self, base, X, alpha):
        """``x + alpha (g(x) - x)``, ``g`` the activation ``base``, one
        ``alpha`` per column.

        Returns
        -------
        out : array
            A new array (``X`` is kept).
        cache : tuple
            What :meth:`parametric_activation_grad` needs.
        """
        G = self.activation(base, X)  # a new array: X is kept
        out = G - X
        out *= alpha
        out += X
        return out, (X, G)

    def parametric_activation_grad(
        self, base, cache, alpha, dLdy, grad_alpha, input_grad=True
    ):
        """Gradients of :meth:`parametric_activation`: ``sum_i dLdy (g(x) -
        x)`` into ``grad_alpha``, and (``input_grad``) the returned
        ``dLdy (1 + alpha (g'(x) - 1))``; ``dLdy`` is left as it is."""
        X, G = cache
        self.sum_rows(dLdy * (G - X), out=grad_alpha)
        if not input_grad:
            return None
        dG = self.activation_grad(base, X, G, self.copy(dLdy))
        dG -= dLdy
        dG *= alpha
        dG += dLdy
        return dG

    def dropout(self, rng, X, p):
        """Inverted dropout of ``X`` with a mask drawn from ``rng``
        (:meth:`dropout_mask`).

        Returns
        -------
        out : array
            ``X * mask``.
        mask : array
            ``1 / (1 - p)`` where kept, else 0 (kept with probability
            ``1 - p`` to a multiple of ``2**-16``).
        """
        mask = self.dropout_mask(rng, X.shape, p, X.dtype)
        return X * mask, mask
