"""Fully connected (affine) layer."""

import math

from ..init import INITIALIZERS
from .base import Layer

__all__ = ["Dense"]


class Dense(Layer):
    """Affine transform ``outputs = inputs @ W + b``.

    Parameters
    ----------
    n_in : int
        Number of input features.
    n_out : int
        Number of output units.
    init : str, default="glorot_uniform"
        Name of the weight initializer (a key of ``INITIALIZERS``), or
        ``"zeros"`` (an output layer whose predictions start at its bias).
    gain : float, default=None
        Passed to the initializer (None: its own default; scikit-learn uses 2
        with Glorot-uniform for logistic units).
    use_bias : bool, default=True
        Whether the layer has a bias ``b``.
    bias_init : {"zeros", "uniform"}, default="zeros"
        Zero biases, or scikit-learn's choice: drawn, after the weights, from
        the same uniform range as Glorot-uniform weights.

    Attributes
    ----------
    accumulate_grad : bool
        Whether ``backward`` adds the gradient of ``W`` to ``grads["W"]``
        instead of overwriting it: set by a :class:`TiedDense` that shares
        ``W`` and whose backward, running first, has written its part there.
    """

    fresh_output = True
    accumulate_grad = False

    def __init__(
        self,
        n_in,
        n_out,
        init="glorot_uniform",
        gain=None,
        use_bias=True,
        bias_init="zeros",
    ):
        super().__init__()
        self.n_in = n_in
        self.n_out = n_out
        self.init = init
        self.gain = gain
        self.use_bias = use_bias
        self.bias_init = bias_init

    def param_specs(self):
        specs = [("W", (self.n_in, self.n_out), True)]
        if self.use_bias:
            specs.append(("b", (self.n_out,), False))
        return specs

    def initialize(self, rng):
        W = self.params["W"]
        if self.init == "zeros":  # an output layer that starts at 0
            W[...] = 0
        else:
            kwargs = {} if self.gain is None else {"gain": self.gain}
            W[...] = INITIALIZERS[self.init](
                self.n_in, self.n_out, rng, W.dtype, **kwargs
            )
        if not self.use_bias:
            return
        if self.bias_init == "uniform":
            gain = 6.0 if self.gain is None else self.gain
            bound = math.sqrt(gain / (self.n_in + self.n_out))
            self.params["b"][...] = rng.uniform(-bound, bound, self.n_out)
        else:
            self.params["b"][...] = 0

    def forward(self, X, training=False):
        out = self.ops.matmul(X, self.params["W"])
        if self.use_bias:
            out += self.params["b"]
        if training:
            self._cache = X
        return out

    def backward(self, dLdy):
        ops = self.ops
        if self.accumulate_grad:
            grad = self.grads["W"]
            grad += ops.matmul_tn(self._cache, dLdy, out=ops.empty_like(grad))
        else:
            ops.matmul_tn(self._cache, dLdy, out=self.grads["W"])
        if self.use_bias:
            ops.sum_rows(dLdy, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return ops.matmul_nt(dLdy, self.params["W"])
