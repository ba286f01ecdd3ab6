"""Numbers that explain why a network does not learn."""

import numpy as np

from .layers import Activation, Dense

__all__ = ["unit_saturation", "gradient_norms"]

# output bands where a unit passes almost no gradient
_SATURATED = {
    "logistic": lambda Y: (Y < 0.01) | (Y > 0.99),
    "tanh": lambda Y: np.abs(Y) > 0.99,
}


def unit_saturation(net, X):
    """Fraction of saturated or dead units in each hidden activation layer.

    A logistic or tanh unit is saturated on a sample when its output is
    within 0.01 of a bound; the fraction is over units and samples. A
    rectifier-like unit (relu, leaky_relu, elu, gelu, silu) is dead when its
    pre-activation is <= 0 on every sample; the fraction is over units.
    Identity layers report 0.

    Parameters
    ----------
    net : Sequential
        The network (evaluated in prediction mode).
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Inputs.

    Returns
    -------
    fractions : list of float
        One value per activation layer, input side first.
    """
    fractions = []
    for layer in net.layers:
        A = X
        X = layer.forward(X, training=False)
        if not isinstance(layer, Activation):
            continue
        if layer.name in _SATURATED:
            fractions.append(float(_SATURATED[layer.name](X).mean()))
        elif layer.name == "identity":
            fractions.append(0.0)
        else:
            fractions.append(float((A <= 0).all(axis=0).mean()))
    return fractions


def gradient_norms(net, loss, X, y, sample_weight=None):
    """Euclidean norm of the loss gradient w.r.t. each Dense layer's weights.

    Parameters
    ----------
    net : Sequential
        The network.
    loss : Loss
        Loss with its output link.
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples, n_outputs)
        Targets.
    sample_weight : ndarray of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    norms : list of float
        One value per Dense layer, input side first.
    """
    state = net.get_state()
    Z = net.forward(X, training=True, sample_weight=sample_weight)
    loss.forward(Z, y, sample_weight)
    net.backward(loss.backward())
    net.set_state(state)  # training-mode statistics are not kept
    net.clear_caches()
    return [
        float(np.linalg.norm(layer.grads["W"]))
        for layer in net.layers
        if isinstance(layer, Dense)
    ]
