"""The Autoencoder's network: its construction, and how a ``coefs_`` list
maps onto tied weights."""

import numpy as np

from .nn import ACTIVATIONS, Dense, MaskingNoise, Sequential, TiedDense

__all__ = [
    "build_autoencoder",
    "forward_layers",
    "layer_arrays",
    "tied_encoder_weights",
]


def build_autoencoder(
    n_features, hidden, *, activation, weight_init, corruption, tied, dtype
):
    """Build the encoder-decoder network.

    (MaskingNoise) -> [Dense -> activation] per encoder layer, then the
    mirrored [Dense or TiedDense -> activation] ending in a layer without
    activation (the loss owns the output link).

    Returns
    -------
    network : Sequential
    n_encoder_layers : int
        Number of leading layers that compute the code.
    """
    # scikit-learn's Glorot variant for logistic units, and its biases
    gain = 2.0 if (activation, weight_init) == ("logistic", "glorot_uniform") else None
    bias = "uniform" if weight_init == "glorot_uniform" else "zeros"
    layers = [MaskingNoise(corruption)] if corruption else []
    encoders = []
    for n_in, n_out in zip([n_features, *hidden[:-1]], hidden):
        encoders.append(Dense(n_in, n_out, weight_init, gain, bias_init=bias))
        layers += [encoders[-1], ACTIVATIONS[activation]()]
    if corruption:  # the noise needs no gradient: nor does its input
        encoders[0].needs_input_grad = False
    n_encoder_layers = len(layers)
    for i, encoder in enumerate(reversed(encoders)):
        if tied:
            layers.append(TiedDense(encoder))
        else:
            layers.append(
                Dense(encoder.n_out, encoder.n_in, weight_init, gain, bias_init=bias)
            )
        if i < len(encoders) - 1:
            layers.append(ACTIVATIONS[activation]())
    return Sequential(layers, dtype=dtype), n_encoder_layers


def tied_encoder_weights(values, current):
    """The encoder's weights of a full ``coefs_`` list under tied weights.

    Of each encoder/decoder pair the entry that differs from the current
    weights ``current`` is taken (the decoder's transposed), so that
    assigning one item of ``coefs_`` works; two changed entries must be
    transposes of each other.

    Raises
    ------
    ValueError
        On a wrong number of arrays or a pair that disagrees.
    """
    if len(values) != len(current):
        raise ValueError(f"expected {len(current)} arrays, got {len(values)}")
    kept = []
    for i in range(len(current) // 2):
        encoder, decoder = values[i], values[-1 - i]
        if np.array_equal(decoder, current[-1 - i]):
            kept.append(encoder)
        elif np.array_equal(encoder, current[i]):
            kept.append(np.asarray(decoder).T)
        elif np.array_equal(np.asarray(decoder).T, encoder):
            kept.append(encoder)
        else:
            raise ValueError(
                f"with tied_weights=True array {len(values) - 1 - i} must be "
                f"the transpose of array {i}"
            )
    return kept


def layer_arrays(network, attribute):
    """Views of the weights (``"coefs_"``) or biases (``"intercepts_"``) of
    every affine layer; a tied layer's weight is its encoder's, transposed."""
    layers = [
        layer for layer in network.layers if isinstance(layer, (Dense, TiedDense))
    ]
    if attribute == "intercepts_":
        return [layer.params["b"] for layer in layers]
    return [
        layer.encoder.params["W"].T
        if isinstance(layer, TiedDense)
        else layer.params["W"]
        for layer in layers
    ]


def forward_layers(layers, X, ops, block_size=4096):
    """Prediction-mode output of ``layers`` on ``X``, in blocks of rows;
    returned as a NumPy array."""
    blocks = []
    for start in range(0, X.shape[0], block_size):
        out = X[start : start + block_size]
        for layer in layers:
            out = layer.forward(out)
        blocks.append(ops.to_numpy(out))
    return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)
