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
  ``dLdy`` belongs to the callee, which may overwrite it.
* A layer with ``fresh_output = True`` returns a new array that it keeps no
  reference to; the network then lets the next layer, if its
  ``inplace`` attribute exists, compute in place in that array.
* Layers with running state that is not learned by gradient (batch
  normalization's statistics) list it in ``buffer_specs()``; it lives in the
  network's flat ``buffers`` array and is saved and restored with the
  parameters.
* A layer with ``uses_sample_weight = True`` receives the batch's sample
  weights as ``forward(X, training, sample_weight)``; a layer with
  ``needs_rng = True`` draws from the Generator in its ``rng`` attribute.
"""

import math

import numpy as np
from scipy.special import erf, expit

from .init import INITIALIZERS

__all__ = [
    "Layer",
    "Dense",
    "Activation",
    "Identity",
    "Logistic",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "GELU",
    "SiLU",
    "Dropout",
    "BatchNorm",
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

    def bind(self, params, grads, buffers=None):
        """Attach views of the network's parameter, gradient, state buffers."""
        self.params = params
        self.grads = grads
        self.buffers = {} if buffers is None else buffers

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
    gain : float, default=None
        Passed to the initializer (None: its own default; scikit-learn uses 2
        with Glorot-uniform for logistic units).
    use_bias : bool, default=True
        Whether the layer has a bias ``b``.
    bias_init : {"zeros", "uniform"}, default="zeros"
        Zero biases, or scikit-learn's choice: drawn, after the weights, from
        the same uniform range as Glorot-uniform weights.
    """

    fresh_output = True

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
        kwargs = {} if self.gain is None else {"gain": self.gain}
        W[...] = INITIALIZERS[self.init](self.n_in, self.n_out, rng, W.dtype, **kwargs)
        if not self.use_bias:
            return
        if self.bias_init == "uniform":
            gain = 6.0 if self.gain is None else self.gain
            bound = np.sqrt(gain / (self.n_in + self.n_out))
            self.params["b"][...] = rng.uniform(-bound, bound, self.n_out)
        else:
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


ACTIVATIONS = {
    cls.name: cls
    for cls in (Identity, Logistic, Tanh, ReLU, LeakyReLU, ELU, GELU, SiLU)
}


class Dropout(Layer):
    """Inverted dropout: ``outputs = inputs * mask / (1 - p)`` in training.

    A fresh Bernoulli mask (keep with probability ``1 - p``) is drawn per
    example and per unit at every training forward pass from ``self.rng``;
    the backward pass multiplies by the same mask. Prediction is the identity
    (no randomness, no rescaling). With ``frozen = True`` the last mask is
    reused, which makes the network deterministic for gradient checking.

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
        if not (self.frozen and mask is not None and mask.shape == X.shape):
            keep = self.rng.random(X.shape, dtype=X.dtype) >= self.p
            mask = keep * X.dtype.type(1.0 / (1.0 - self.p))
        self._cache = mask
        return X * mask

    def backward(self, dLdy):
        return dLdy * self._cache


class BatchNorm(Layer):
    """Batch normalization of each unit, then a learned scale and shift.

    Training: ``x_hat = (x - mu_B) / sqrt(var_B + eps)`` with the (sample-
    weighted) mean and biased variance of the batch, ``y = gamma * x_hat +
    beta``; the backward pass goes through ``mu_B`` and ``var_B``.
    Prediction uses the running statistics (or population statistics set by
    :meth:`set_statistics`).

    The running statistics follow the rows seen, not the batches: after a
    batch they are the mean and variance of a mixture of their old values
    (weight ``1 - r``) and of the batch (weight ``r``), so with ``d = mu_B -
    mean``: ``mean <- mean + r d`` and ``var <- (1 - r) var + r (var_B +
    (1 - r) d^2)``. A batch of ``batch_rows`` rows has ``r = momentum``, a
    batch of ``n`` rows ``r = 1 - (1 - momentum) ** (n / batch_rows)``: a
    short trailing batch (even of one row, whose own variance is 0) moves
    them by its share only, and the estimates do not depend on how the rows
    were cut into batches.

    Parameters
    ----------
    n_units : int
        Number of units normalized.
    momentum : float, default=0.1
        Update rate of the running statistics for a batch of ``batch_rows``
        rows.
    eps : float, default=1e-5
        Added to the variance.
    batch_rows : int, default=None
        Batch size at which one batch moves the statistics by ``momentum``;
        None means every batch does, whatever its size.
    """

    uses_sample_weight = True
    fresh_output = True
    batch_rows = None

    def __init__(self, n_units, momentum=0.1, eps=1e-5, batch_rows=None):
        super().__init__()
        self.n_units = n_units
        self.momentum = momentum
        self.eps = eps
        self.batch_rows = batch_rows

    def param_specs(self):
        return [("gamma", (self.n_units,), False), ("beta", (self.n_units,), False)]

    def buffer_specs(self):
        return [("running_mean", (self.n_units,)), ("running_var", (self.n_units,))]

    def initialize(self, rng):
        self.params["gamma"][...] = 1
        self.params["beta"][...] = 0
        self.buffers["running_mean"][...] = 0
        self.buffers["running_var"][...] = 1

    def forward(self, X, training=False, sample_weight=None):
        if not training:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
            scale = self.params["gamma"] / np.sqrt(var + self.eps)
            return (X - mean) * scale + self.params["beta"]
        w = _normalized_weights(sample_weight, X)
        mean, var = _weighted_moments(X, w)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        X_hat = (X - mean) * inv_std
        self._update_statistics(mean, var, X.shape[0])
        self._cache = (X_hat, inv_std, w)
        return X_hat * self.params["gamma"] + self.params["beta"]

    def backward(self, dLdy):
        X_hat, inv_std, w = self._cache
        np.sum(dLdy * X_hat, axis=0, out=self.grads["gamma"])
        np.sum(dLdy, axis=0, out=self.grads["beta"])
        dX_hat = dLdy * self.params["gamma"]
        # dx_i = inv_std * (dxh_i - w_i sum_j dxh_j - w_i xh_i sum_j dxh_j xh_j)
        return inv_std * (
            dX_hat - w * (dX_hat.sum(axis=0) + X_hat * (dX_hat * X_hat).sum(axis=0))
        )

    def _update_statistics(self, mean, var, n_rows):
        """Mix the batch's moments into the running statistics."""
        rate = self.momentum
        if self.batch_rows:
            rate = 1.0 - (1.0 - rate) ** (n_rows / self.batch_rows)
        running_mean = self.buffers["running_mean"]
        running_var = self.buffers["running_var"]
        diff = mean - running_mean
        running_var *= 1.0 - rate
        running_var += rate * (var + (1.0 - rate) * diff * diff)
        running_mean += rate * diff

    def set_statistics(self, X, sample_weight=None):
        """Set the running statistics to the (weighted) moments of ``X``."""
        mean, var = _weighted_moments(X, _normalized_weights(sample_weight, X))
        self.buffers["running_mean"][...] = mean
        self.buffers["running_var"][...] = var


def _normalized_weights(sample_weight, X):
    """Weights summing to 1, shape (n_samples, 1), or the scalar 1/n."""
    if sample_weight is None:
        return X.dtype.type(1.0 / X.shape[0])
    w = np.asarray(sample_weight, dtype=X.dtype).reshape(-1, 1)
    return w / w.sum()


def _weighted_moments(X, w):
    """Weighted mean and biased variance of the columns of ``X``."""
    mean = np.sum(w * X, axis=0) if np.ndim(w) else X.mean(axis=0)
    centered = X - mean
    var = (
        np.sum(w * centered * centered, axis=0)
        if np.ndim(w)
        else np.mean(centered * centered, axis=0)
    )
    return mean, var
