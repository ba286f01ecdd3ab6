"""Affine layer whose weight is the transpose of another layer's."""

from .base import Layer
from .dense import Dense

__all__ = ["TiedDense"]


class TiedDense(Layer):
    """Affine transform ``outputs = inputs @ encoder.W.T + b`` (tied weights).

    The decoder half of an autoencoder with tied weights: the weight is the
    transpose of the :class:`Dense` layer ``encoder`` (a view, never a copy)
    and the layer owns only its bias ``b`` of shape (encoder.n_in,).

    Gradient of the shared weight. ``W`` receives two contributions: the
    encoder's ``X_enc.T @ dLdy_enc`` and this layer's ``(inputs.T @
    dLdy).T = dLdy.T @ inputs``. The network's backward pass visits this
    layer first (it comes after the encoder), so this layer *writes* its
    contribution into the encoder's gradient view ``encoder.grads["W"]``,
    and the encoder, whose ``accumulate_grad`` flag this layer sets, *adds*
    its own instead of overwriting. The tied layer must therefore come after
    its encoder in the network, and both belong to the same network.

    Parameters
    ----------
    encoder : Dense
        The layer whose weight ``W`` of shape (n_in, n_out) this layer uses
        transposed: it maps n_out features back to n_in.
    use_bias : bool, default=True
        Whether the layer has a bias ``b`` (starts at zero).
    """

    fresh_output = True

    def __init__(self, encoder, use_bias=True):
        super().__init__()
        if not isinstance(encoder, Dense):
            raise TypeError(
                f"TiedDense ties to a Dense layer, got {type(encoder).__name__}"
            )
        self.encoder = encoder
        self.use_bias = use_bias
        self.n_in = encoder.n_out
        self.n_out = encoder.n_in
        encoder.accumulate_grad = True

    def param_specs(self):
        return [("b", (self.n_out,), False)] if self.use_bias else []

    def initialize(self, rng):
        if self.use_bias:
            self.params["b"][...] = 0

    def forward(self, X, training=False):
        out = self.ops.matmul_nt(X, self.encoder.params["W"])
        if self.use_bias:
            out += self.params["b"]
        if training:
            self._cache = X
        return out

    def backward(self, dLdy):
        ops = self.ops
        # runs before the encoder's backward, which then adds its part
        ops.matmul_tn(dLdy, self._cache, out=self.encoder.grads["W"])
        if self.use_bias:
            ops.sum_rows(dLdy, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return ops.matmul(dLdy, self.encoder.params["W"])
