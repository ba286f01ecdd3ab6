"""The tabular estimators' network: input blocks, scaling, the MLP."""

from .nn import (
    ACTIVATIONS,
    Columns,
    Dense,
    Dropout,
    Embedding,
    FeatureScale,
    ParametricActivation,
    PeriodicEmbedding,
    Sequential,
)

__all__ = ["build_tabular_network"]


def _input_layer(block_sizes, cardinalities, embedding):
    """The first layer: periodic embeddings of the continuous columns, the
    0/1 columns as they are, learned embeddings of the category codes.

    Returns
    -------
    layer : Columns
    width : int
        Its number of outputs.
    """
    n_continuous, n_binary, n_codes = block_sizes
    blocks, width = [], n_binary
    if n_continuous:
        if embedding["kind"] == "periodic":
            layer = PeriodicEmbedding(
                n_continuous,
                n_frequencies=embedding["n_frequencies"],
                n_out=embedding["size"],
                sigma=embedding["scale"],
            )
            blocks.append((n_continuous, layer))
            width += layer.n_outputs
        else:
            blocks.append((n_continuous, None))
            width += n_continuous
    if n_binary:
        blocks.append((n_binary, None))
    if n_codes:
        layer = Embedding(cardinalities)
        blocks.append((n_codes, layer))
        width += layer.n_outputs
    return Columns(blocks), width


def build_tabular_network(
    block_sizes,
    cardinalities,
    n_outputs,
    *,
    hidden,
    activation,
    dropout,
    embedding,
    dtype,
    feature_scale=True,
    parametric=True,
    zero_output=True,
):
    """Build the network of a tabular estimator.

    Columns (periodic embeddings | 0/1 columns | category embeddings) ->
    FeatureScale -> [Dense -> ParametricActivation -> Dropout] per hidden
    layer -> Dense initialized at zero (the loss owns the output link).

    Parameters
    ----------
    block_sizes : tuple of int
        Widths of the continuous, 0/1 and code blocks of the input.
    cardinalities : list of int
        Number of codes of each code column.
    n_outputs : int
        Number of output units.
    hidden : list of int
        Widths of the hidden layers.
    activation : str
        Base of the parametric activations.
    dropout : float
        Dropout rate after every hidden layer (0: none).
    embedding : dict
        ``kind`` ('periodic' or None), ``n_frequencies``, ``size``, ``scale``.
    dtype : dtype
        Floating point type of the network.
    feature_scale, parametric, zero_output : bool, default=True
        Whether to include the FeatureScale layer, make the activations
        parametric (else the plain ``activation``), start the output layer
        at zero (else He-uniform).

    Returns
    -------
    network : Sequential
    """
    first, width = _input_layer(block_sizes, cardinalities, embedding)
    layers = [first, FeatureScale(width)] if feature_scale else [first]
    for n_in, n_out in zip([width, *hidden[:-1]], hidden):
        unit = (
            ParametricActivation(n_out, activation)
            if parametric
            else ACTIVATIONS[activation]()
        )
        layers += [Dense(n_in, n_out, "he_uniform"), unit]
        if dropout:
            layers.append(Dropout(dropout))
    output_init = "zeros" if zero_output else "he_uniform"
    layers.append(Dense(hidden[-1], n_outputs, output_init))
    return Sequential(layers, dtype=dtype)
