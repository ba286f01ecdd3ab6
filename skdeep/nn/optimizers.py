"""Stochastic optimizers working in place on a flat parameter array.

An optimizer holds its hyperparameters (set in ``__init__``), its state
(created by ``init(params)``) and the current ``learning_rate``, which
learning-rate schedules may change between steps. ``step(params, grads)``
updates ``params`` in place; the arithmetic is the backend's
(``ops.adam_step``, ...): a few whole-array passes with NumPy, one compiled
pass where numba is installed, torch's kernels on a device. ``to(ops)``
moves the state to another backend.
"""

import copy
import math

from ..backend import NUMPY

__all__ = ["Optimizer", "SGD", "Adam", "AdaGrad", "RMSProp", "OPTIMIZERS"]


class Optimizer:
    """Base class.

    ``step`` does what is global to a step (the step count, the step size)
    in ``_prepare`` and the element-wise update of the flat arrays, weight
    decay included, in ``_update``. Subclasses name their state arrays in
    ``state_names``.

    Parameters
    ----------
    learning_rate : float
        Initial step size.

    Attributes
    ----------
    ops : backend
        The backend holding the state (the NumPy backend by default).
    """

    state_names = ()
    ops = NUMPY

    def __init__(self, learning_rate):
        self.learning_rate = float(learning_rate)

    def init(self, params):
        """Create the state for parameters shaped like ``params``."""
        for name in self.state_names:
            setattr(self, name, self.ops.zeros_like(params))

    def to(self, ops):
        """Move the state arrays to the backend ``ops``; return self."""
        if ops is not self.ops:
            for name in self.state_names:
                if name in self.__dict__:
                    host = self.ops.to_numpy(getattr(self, name))
                    setattr(self, name, ops.asarray(host.copy()))
            self.release_scratch()
            self.ops = ops
        return self

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
        self._update(params, grads, buf, decay, n_decay, *scalars)

    def _prepare(self):
        """Advance the global state; return the scalars ``_update`` needs."""
        return ()

    def _update(self, params, grads, buf, decay, n_decay, *scalars):
        """Update ``params`` in place (``buf``: scratch of the same size)."""
        raise NotImplementedError

    def release_scratch(self):
        """Free the scratch buffer (recreated by the next step)."""
        self.__dict__.pop("_buf", None)

    def _scratch(self, like):
        buf = getattr(self, "_buf", None)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = self._buf = self.ops.empty_like(like)
        return buf

    def get_state(self):
        """Return a copy of the state (arrays copied on their backend; the
        learning rate and the step count as they are), for
        :meth:`set_state`."""
        return {
            name: self.ops.copy(value) if name in self.state_names else value
            for name, value in self.__dict__.items()
            if name not in ("_buf", "ops")
        }

    def set_state(self, state):
        """Restore a state returned by :meth:`get_state` (on the same
        backend)."""
        self.release_scratch()
        for name, value in state.items():
            if name in self.state_names:
                value = self.ops.copy(value)
            self.__dict__[name] = value

    def to_host(self):
        """Return a copy whose state arrays are NumPy arrays on the host."""
        clone = copy.copy(self)
        clone.__dict__.pop("_buf", None)
        clone.__dict__.pop("ops", None)
        for name in self.state_names:
            if name in self.__dict__:
                setattr(clone, name, self.ops.to_numpy(getattr(self, name)).copy())
        return clone

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_buf", None)
        state.pop("ops", None)
        # on the host: a snapshot taken while training on a device pickles
        # NumPy arrays, which load and continue training anywhere
        for name in self.state_names:
            if name in state:
                state[name] = self.ops.to_numpy(state[name])
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

    state_names = ("velocity",)

    def _update(self, params, grads, buf, decay, n_decay):
        self.ops.sgd_step(
            params, grads, buf, self.velocity, self.learning_rate,
            self.momentum, self.nesterov, decay, n_decay,
        )


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

    # m: first moment / (1 - beta_1); v: second moment / (1 - beta_2)
    state_names = ("m", "v")

    def init(self, params):
        self.t = 0
        super().init(params)

    def _prepare(self):
        self.t += 1
        b1, b2, t = self.beta_1, self.beta_2, self.t
        root = math.sqrt(1 - b2)
        bias_correction = math.sqrt(1 - b2**t) / (1 - b1**t)
        step_size = self.learning_rate * bias_correction * (1 - b1) / root
        return step_size, self.epsilon / root

    def _update(self, params, grads, buf, decay, n_decay, step_size, epsilon):
        self.ops.adam_step(
            params, grads, buf, self.m, self.v, self.beta_1, self.beta_2,
            step_size, epsilon, decay, n_decay,
        )


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

    state_names = ("sum_squares",)

    def _update(self, params, grads, buf, decay, n_decay):
        self.ops.adagrad_step(
            params, grads, buf, self.sum_squares, self.learning_rate,
            self.epsilon, decay, n_decay,
        )


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

    state_names = ("mean_squares",)

    def _update(self, params, grads, buf, decay, n_decay):
        self.ops.rmsprop_step(
            params, grads, buf, self.mean_squares, self.learning_rate,
            self.rho, self.epsilon, decay, n_decay,
        )


#: dict of str to Optimizer class: the stochastic optimizers by solver name.
OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adagrad": AdaGrad, "rmsprop": RMSProp}
