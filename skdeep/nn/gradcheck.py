"""Gradient checking by central finite differences.

For a scalar objective ``f(theta)`` the numerical gradient is
``(f(theta + eps e_i) - f(theta - eps e_i)) / (2 eps)``. The error reported
for a parameter array with analytic gradient ``a`` and numerical gradient
``n`` is the relative error ``||a - n|| / max(||a|| + ||n||, tiny)``; the
functions return the largest one over the arrays checked.
"""

import numpy as np

from .network import Sequential

__all__ = [
    "numerical_gradient",
    "relative_error",
    "check_layer_gradients",
    "check_network_gradients",
]


def numerical_gradient(f, x, eps=1e-6):
    """Central finite-difference gradient of ``f()`` w.r.t. the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored.

    Parameters
    ----------
    f : callable
        Objective of no argument reading ``x``; returns a float.
    x : ndarray
        Array to differentiate with respect to (modified then restored).
    eps : float, default=1e-6
        Perturbation size.

    Returns
    -------
    grad : ndarray of the shape of ``x``
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric):
    """Return ``||a - n|| / max(||a|| + ||n||, tiny)``."""
    diff = np.linalg.norm(np.ravel(analytic) - np.ravel(numeric))
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return float(diff / max(scale, np.finfo(np.float64).tiny))


def check_layer_gradients(layer, X, rng, eps=1e-6):
    """Check a layer's parameter and input gradients on input ``X``.

    The objective is ``sum(R * layer.forward(X))`` for a fixed random ``R``,
    so ``dL/dy = R``. The layer is wrapped in a float64 :class:`Sequential`
    that owns its parameters.

    Parameters
    ----------
    layer : Layer
        The layer to check (its parameters are initialized from ``rng``).
    X : ndarray of shape (n_samples, n_features)
        Input; must be float64.
    rng : numpy.random.Generator
        Source of the parameters and of ``R``.
    eps : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    error : float
        The largest relative error over the input and every parameter.
    """
    net = Sequential([layer], dtype=np.float64)
    net.initialize(rng)
    net.set_rng(rng)
    layer.needs_input_grad = True
    X = np.array(X, dtype=np.float64)
    R = rng.standard_normal(layer.forward(X).shape)

    def f():
        return float(np.sum(R * net.forward(X, training=True)))

    f()  # draws random masks once; they are frozen below
    dX = layer.backward(R.copy())
    net.freeze_randomness(True)
    errors = [relative_error(dX, numerical_gradient(f, X, eps))]
    for name, value in layer.params.items():
        errors.append(
            relative_error(layer.grads[name], numerical_gradient(f, value, eps))
        )
    net.freeze_randomness(False)
    return max(errors)


def check_network_gradients(net, loss, X, y, sample_weight=None, l2=0.0, eps=1e-6):
    """Check every parameter gradient of a network with its loss.

    The objective is ``loss(net(X), y) + l2 / 2 * ||decayed params||^2``,
    with the network in training mode: batch normalization uses the batch
    statistics and dropout masks are drawn once, then frozen. The network's
    parameters and statistics are restored afterwards.

    Parameters
    ----------
    net : Sequential
        A float64 network, already initialized.
    loss : Loss
        The loss with its output link.
    X : ndarray of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights.
    l2 : float, default=0.0
        Weight-decay coefficient.
    eps : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    error : float
        The largest relative error over the network's parameter arrays.
    """

    def f():
        Z = net.forward(X, training=True, sample_weight=sample_weight)
        return loss.forward(Z, y, sample_weight) + 0.5 * l2 * net.l2_penalty()

    state = net.get_state()
    f()  # draws the dropout masks, then keeps them
    net.backward(loss.backward())
    net.add_weight_decay(l2)
    analytic = net.grads.copy()
    net.freeze_randomness(True)
    try:
        numeric = numerical_gradient(f, net.params, eps)
    finally:
        net.freeze_randomness(False)
        net.set_state(state)
    return max(
        (
            relative_error(analytic[part], numeric[part])
            for _, _, part in net.param_slices
        ),
        default=0.0,
    )
