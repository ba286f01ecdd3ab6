"""The network of the Autoencoder (and of greedy layer-wise pre-training).

``(MaskingNoise) -> [Dense -> activation]`` per encoder layer, then the
mirrored ``[Dense or TiedDense -> activation]``, the last without activation
(the loss owns the output link: identity for the squared error, logistic
for the cross-entropy). The initialization is the MLPs': scikit-learn's by
default.
"""

from dataclasses import dataclass, replace

from ..nn import ACTIVATIONS, Activation, Dense, MaskingNoise, Sequential, TiedDense
from .affine import affine_arrays, set_affine_arrays
from .mlp import dense_init

__all__ = [
    "AutoencoderArchitecture",
    "architecture_of",
    "build_network",
    "code_size",
    "encoder_depth",
    "n_encoder_layers",
    "restructure",
]


@dataclass(frozen=True)
class AutoencoderArchitecture:
    """The shape of an autoencoder.

    Attributes
    ----------
    n_features : int
        Width of the input and of the reconstruction.
    hidden : tuple of int
        Widths of the encoder's layers; the last is the code's.
    activation : str
        Activation of every layer but the output.
    weight_init : str
        Initializer of the weights.
    corruption : float
        Masking-noise rate of the input during training (0: none).
    tied : bool
        Whether each decoder layer uses its encoder's weights transposed.
    dtype : str
        NumPy dtype name of the parameters.
    """

    n_features: int
    hidden: tuple
    activation: str
    weight_init: str
    corruption: float
    tied: bool
    dtype: str


def build_network(arch):
    """The encoder-decoder network of ``arch``, not yet initialized.

    Returns
    -------
    network : Sequential
    """
    gain, bias = dense_init(arch.weight_init, arch.activation)
    layers = [MaskingNoise(arch.corruption)] if arch.corruption else []
    encoders = []
    for n_in, n_out in zip([arch.n_features, *arch.hidden[:-1]], arch.hidden):
        encoders.append(Dense(n_in, n_out, arch.weight_init, gain, bias_init=bias))
        layers += [encoders[-1], ACTIVATIONS[arch.activation]()]
    if arch.corruption:  # the noise needs no gradient: nor does its input
        encoders[0].needs_input_grad = False
    for i, encoder in enumerate(reversed(encoders)):
        if arch.tied:
            layers.append(TiedDense(encoder))
        else:
            layers.append(
                Dense(
                    encoder.n_out, encoder.n_in, arch.weight_init, gain, bias_init=bias
                )
            )
        if i < len(encoders) - 1:
            layers.append(ACTIVATIONS[arch.activation]())
    return Sequential(layers, dtype=arch.dtype)


def n_encoder_layers(arch):
    """Number of leading layers of :func:`build_network`'s network that
    compute the code."""
    return 2 * len(arch.hidden) + (1 if arch.corruption else 0)


def architecture_of(network):
    """The :class:`AutoencoderArchitecture` of a network :func:`build_network`
    made (``weight_init`` None)."""
    affine = [lay for lay in network.layers if isinstance(lay, (Dense, TiedDense))]
    encoders = affine[: len(affine) // 2]
    noise = [layer for layer in network.layers if isinstance(layer, MaskingNoise)]
    activation = next(
        layer.name for layer in network.layers if isinstance(layer, Activation)
    )
    return AutoencoderArchitecture(
        n_features=encoders[0].n_in,
        hidden=tuple(layer.n_out for layer in encoders),
        activation=activation,
        weight_init=None,
        corruption=noise[0].p if noise else 0.0,
        tied=any(isinstance(layer, TiedDense) for layer in affine),
        dtype=network.dtype.name,
    )


def encoder_depth(network):
    """Number of leading layers of ``network`` that compute the code."""
    n_hidden = len(architecture_of(network).hidden)
    seen = 0
    for i, layer in enumerate(network.layers):
        if isinstance(layer, (Dense, TiedDense)):
            seen += 1
        elif seen == n_hidden and isinstance(layer, Activation):
            return i + 1
    raise ValueError("not an autoencoder's network")


def restructure(network, arch):
    """The network to continue training with under ``arch``: the fitted
    ``network`` itself when its shape is still ``arch``'s, else a new
    network of ``arch`` with the same weights and biases (tying keeps the
    encoder's weights; untying starts each decoder at its encoder's
    transpose).

    Raises
    ------
    ValueError
        If the layer sizes differ.
    """
    current = architecture_of(network)
    sizes = (current.n_features, *current.hidden)
    if sizes != (arch.n_features, *arch.hidden):
        raise ValueError(
            f"The fitted autoencoder has layer sizes {list(sizes)}, but the data "
            "and parameters now ask for "
            f"{[arch.n_features, *arch.hidden]}: warm_start and partial_fit "
            "continue the fitted network, whose layer sizes cannot change. Fit "
            "with warm_start=False to train a new network."
        )
    if replace(current, weight_init=arch.weight_init) == arch:
        return network
    coefs = affine_arrays(network, "coefs_")
    if arch.tied:  # each decoder's weight becomes its encoder's transpose
        n = len(coefs) // 2
        coefs = coefs[:n] + [W.T for W in reversed(coefs[:n])]
    new = build_network(arch)
    set_affine_arrays(new, "coefs_", coefs)
    set_affine_arrays(new, "intercepts_", affine_arrays(network, "intercepts_"))
    return new


def code_size(network):
    """Width of the code of an autoencoder's network."""
    return architecture_of(network).hidden[-1]
