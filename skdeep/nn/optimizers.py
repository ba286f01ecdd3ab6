"""Stochastic optimizers working in place on a flat parameter array.

An optimizer holds its hyperparameters (set in ``__init__``), its state
(created by ``init(params)``) and the current ``learning_rate``, which
learning-rate schedules may change between steps. ``step(params, grads)``
updates ``params`` in place with a handful of whole-array operations.
"""

import math

import numpy as np

__all__ = ["Optimizer", "SGD", "Adam", "AdaGrad", "RMSProp", "OPTIMIZERS"]


class Optimizer:
    """Base class.

    ``step`` does what is global to a step (the step count, the step size)
    in ``_prepare`` and the element-wise update of the flat arrays, weight
    decay included, in ``_update``.

    Parameters
    ----------
    learning_rate : float
        Initial step size.
    """

    def __init__(self, learning_rate):
        self.learning_rate = float(learning_rate)

    def init(self, params):
        """Create the state for parameters shaped like ``params``."""

    def step(self, params, grads, decay=0.0, n_decay=0):
        """Update ``params`` in place from ``grads``.

        Parameters
        ----------
        params, grads : ndarray of shape (n_params,)
            Flat parameters (updated) and their gradient (used as scratch).
        decay : float, default=0.0
            L2 coefficient: ``decay * params[:n_decay]`` is added to the
            gradient first (weight decay, in the step's scratch buffer).
        n_decay : int, default=0
            Number of leading parameters subject to ``decay``.
        """
        scalars = self._prepare()
        buf = self._scratch(grads)
        if decay and n_decay:
            np.multiply(params[:n_decay], decay, out=buf[:n_decay])
            grads[:n_decay] += buf[:n_decay]
        self._update(params, grads, buf, *self._state(), *scalars)

    def _prepare(self):
        """Advance the global state; return the scalars ``_update`` needs."""
        return ()

    def _state(self):
        """Return the state arrays, shaped like the parameters."""
        return ()

    def _update(self, params, grads, buf, *state_and_scalars):
        """Update ``params`` in place (``buf``: scratch of the same size)."""
        raise NotImplementedError

    def release_scratch(self):
        """Free the scratch buffer (recreated by the next step)."""
        self.__dict__.pop("_buf", None)

    def _scratch(self, like):
        buf = getattr(self, "_buf", None)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = self._buf = np.empty_like(like)
        return buf

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_buf", None)
        return state


class SGD(Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum.

    ``v <- momentum * v - lr * g``; the step is ``v`` (classical momentum) or
    ``momentum * v - lr * g`` (Nesterov, as scikit-learn computes it).

    Parameters
    ----------
    learning_rate : float, default=0.1
        Step size.
    momentum : float, default=0.9
        Momentum coefficient in [0, 1].
    nesterov : bool, default=True
        Whether to use Nesterov's momentum.

    Examples
    --------
    >>> import numpy as np
    >>> opt = SGD(learning_rate=0.1, momentum=0.0)
    >>> w = np.array([1.0, 2.0]); opt.init(w)
    >>> opt.step(w, np.array([1.0, -1.0])); w
    array([0.9, 2.1])
    """

    def __init__(self, learning_rate=0.1, momentum=0.9, nesterov=True):
        super().__init__(learning_rate)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def init(self, params):
        self.velocity = np.zeros_like(params)

    def _state(self):
        return (self.velocity,)

    def _update(self, params, grads, buf, velocity):
        lr, mu = self.learning_rate, self.momentum
        grads *= lr
        velocity *= mu
        velocity -= grads
        if self.nesterov:
            np.multiply(velocity, mu, out=buf)
            buf -= grads
            params += buf
        else:
            params += velocity


class Adam(Optimizer):
    """Adam: bias-corrected moving averages of the gradient and its square.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``,
    ``w <- w - lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)``
    (the bias correction folded into the step size, as in scikit-learn).

    The moments are stored unnormalized, ``m / (1 - b1)`` and
    ``v / (1 - b2)``, with the constant factors folded into the step size
    and ``eps``: the same update in ten whole-array passes instead of twelve.

    Parameters
    ----------
    learning_rate : float, default=0.001
        Step size.
    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of the first and second moment estimates.
    epsilon : float, default=1e-8
        Added to the root of the second moment for stability.

    Examples
    --------
    >>> import numpy as np
    >>> opt = Adam(learning_rate=0.1)
    >>> w = np.array([1.0]); opt.init(w)
    >>> opt.step(w, np.array([3.0])); w.round(6)
    array([0.9])
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)

    def init(self, params):
        self.t = 0
        self.m = np.zeros_like(params)  # first moment / (1 - beta_1)
        self.v = np.zeros_like(params)  # second moment / (1 - beta_2)

    def _state(self):
        return self.m, self.v

    def _prepare(self):
        self.t += 1
        b1, b2, t = self.beta_1, self.beta_2, self.t
        root = math.sqrt(1 - b2)
        bias_correction = math.sqrt(1 - b2**t) / (1 - b1**t)
        step_size = self.learning_rate * bias_correction * (1 - b1) / root
        return step_size, self.epsilon / root

    def _update(self, params, grads, buf, m, v, step_size, epsilon):
        m *= self.beta_1
        m += grads
        np.multiply(grads, grads, out=buf)
        v *= self.beta_2
        v += buf
        np.sqrt(v, out=buf)
        buf += epsilon
        np.divide(m, buf, out=buf)
        buf *= step_size
        params -= buf


class AdaGrad(Optimizer):
    """AdaGrad: divide by the root of the cumulative squared gradients.

    ``G <- G + g^2``, ``w <- w - lr * g / (sqrt(G) + eps)``.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Step size.
    epsilon : float, default=1e-8
        Added to the root for stability.

    Examples
    --------
    >>> import numpy as np
    >>> opt = AdaGrad(learning_rate=0.1)
    >>> w = np.array([1.0]); opt.init(w)
    >>> opt.step(w, np.array([2.0])); w.round(6)
    array([0.9])
    """

    def __init__(self, learning_rate=0.01, epsilon=1e-8):
        super().__init__(learning_rate)
        self.epsilon = float(epsilon)

    def init(self, params):
        self.sum_squares = np.zeros_like(params)

    def _state(self):
        return (self.sum_squares,)

    def _update(self, params, grads, buf, sum_squares):
        np.multiply(grads, grads, out=buf)
        sum_squares += buf
        _scaled_step(params, grads, sum_squares, buf, self.learning_rate, self.epsilon)


class RMSProp(Optimizer):
    """RMSProp: divide by the root of a moving average of squared gradients.

    ``v <- rho * v + (1 - rho) * g^2``, ``w <- w - lr * g / (sqrt(v) + eps)``.

    Parameters
    ----------
    learning_rate : float, default=0.001
        Step size.
    rho : float, default=0.9
        Decay rate of the moving average, in [0, 1).
    epsilon : float, default=1e-8
        Added to the root for stability.

    Examples
    --------
    >>> import numpy as np
    >>> opt = RMSProp(learning_rate=0.1, rho=0.75)
    >>> w = np.array([1.0]); opt.init(w)
    >>> opt.step(w, np.array([2.0])); w.round(6)
    array([0.8])
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-8):
        super().__init__(learning_rate)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def init(self, params):
        self.mean_squares = np.zeros_like(params)

    def _state(self):
        return (self.mean_squares,)

    def _update(self, params, grads, buf, mean_squares):
        np.multiply(grads, grads, out=buf)
        buf -= mean_squares
        buf *= 1 - self.rho
        mean_squares += buf
        _scaled_step(params, grads, mean_squares, buf, self.learning_rate, self.epsilon)


def _scaled_step(params, grads, squares, buf, learning_rate, epsilon):
    """``params -= lr * grads / (sqrt(squares) + eps)``, using ``buf``."""
    np.sqrt(squares, out=buf)
    buf += epsilon
    np.divide(grads, buf, out=buf)
    buf *= learning_rate
    params -= buf


#: dict of str to Optimizer class: the stochastic optimizers by solver name.
OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adagrad": AdaGrad, "rmsprop": RMSProp}
