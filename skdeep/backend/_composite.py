"""Operations composed of the seam's primitives, shared by the backends.

:class:`CompositeOps` gives a backend the operations of layers that are
sequences of element-wise primitives; a backend with a faster way (the
NumPy backend's one-pass kernels, :mod:`~skdeep.backend._elementwise`)
overrides them and falls back on these.
"""

__all__ = ["CompositeOps"]


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
            ``1 / (1 - p)`` where kept, else 0.
        """
        mask = self.dropout_mask(rng, X.shape, p, X.dtype)
        return X * mask, mask
