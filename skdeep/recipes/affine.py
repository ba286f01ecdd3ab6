"""The affine layers of a network as scikit-learn's ``coefs_`` and
``intercepts_`` lists.

Every :class:`~skdeep.nn.Dense` and :class:`~skdeep.nn.TiedDense` layer is
one entry, in network order: its weight matrix of shape (n_in, n_out) and
its bias of shape (n_out,). A layer without a bias (batch normalization
follows it, and its ``beta`` shifts instead) reads as a read-only zero
vector; a tied layer's weight is its encoder's, transposed. The arrays are
views of the network's flat parameters.
"""

import numpy as np

from ..nn import Dense, TiedDense

__all__ = ["affine_arrays", "set_affine_arrays"]


def _affine_layers(network):
    return [layer for layer in network.layers if isinstance(layer, (Dense, TiedDense))]


def _weight(layer):
    if isinstance(layer, TiedDense):
        return layer.encoder.params["W"].T
    return layer.params["W"]


def _zero_bias(layer):
    zeros = np.zeros(_weight(layer).shape[1], dtype=_weight(layer).dtype)
    zeros.flags.writeable = False
    return zeros


def affine_arrays(network, attribute):
    """The views of ``coefs_`` (``attribute="coefs_"``) or ``intercepts_``.

    Parameters
    ----------
    network : Sequential
        The network, on the host.
    attribute : {"coefs_", "intercepts_"}
        Which list.

    Returns
    -------
    arrays : list of ndarray
    """
    layers = _affine_layers(network)
    if attribute == "coefs_":
        return [_weight(layer) for layer in layers]
    return [
        layer.params["b"] if "b" in layer.params else _zero_bias(layer)
        for layer in layers
    ]


def set_affine_arrays(network, attribute, values):
    """Write ``values`` into the network's weights or biases, all or none.

    Parameters
    ----------
    network : Sequential
        The network, on the host.
    attribute : {"coefs_", "intercepts_"}
        Which list ``values`` replaces.
    values : list of array-like
        One array per affine layer, of the shape of the current one. The
        entry of a layer without a bias must be zeros. With tied weights,
        of an encoder's and its decoder's entries the one that differs from
        the current weights is taken (both must then be transposes).

    Raises
    ------
    ValueError
        On a wrong number of arrays, a wrong shape, non-finite values, a
        nonzero bias for a layer without one, or tied entries that disagree.
    """
    layers = _affine_layers(network)
    if len(values) != len(layers):
        raise ValueError(f"expected {len(layers)} arrays, got {len(values)}")
    if attribute == "coefs_":
        network.set_layer_params("W", _encoder_weights(layers, values))
    else:
        network.set_layer_params("b", _biases(layers, values))


def _biases(layers, values):
    """The entries of the layers that have a bias; the others must be 0."""
    kept = []
    for i, (layer, value) in enumerate(zip(layers, values)):
        if "b" in layer.params:
            kept.append(value)
            continue
        n_out = _weight(layer).shape[1]
        if np.shape(value) != (n_out,) or np.any(np.asarray(value) != 0):
            raise ValueError(
                f"layer {i} has no bias (batch normalization follows it, and its "
                "beta in batch_norm_params_ is the shift): its entry must be "
                f"zeros of shape {(n_out,)}"
            )
    return kept


def _encoder_weights(layers, values):
    """The weight of every Dense layer, a tied layer's entry standing for
    its encoder's when it is the one that changed."""
    chosen = {id(layer): value for layer, value in zip(layers, values)}
    for i, (layer, value) in enumerate(zip(layers, values)):
        if not isinstance(layer, TiedDense):
            continue
        encoder = layer.encoder
        j = next(k for k, other in enumerate(layers) if other is encoder)
        if np.array_equal(value, _weight(layer)):
            continue  # the decoder's entry is unchanged: the encoder's rules
        if np.array_equal(chosen[id(encoder)], encoder.params["W"]):
            chosen[id(encoder)] = np.asarray(value).T
        elif not np.array_equal(np.asarray(value).T, chosen[id(encoder)]):
            raise ValueError(
                f"with tied_weights=True array {i} must be the transpose of "
                f"array {j}"
            )
    return [chosen[id(layer)] for layer in layers if isinstance(layer, Dense)]
