"""The multilayer perceptron of MLPClassifier and MLPRegressor.

The network: ``[Dense -> (BatchNorm) -> activation -> (Dropout)]`` per
hidden layer, then the output Dense (the loss owns the output link), with
scikit-learn's initialization by default (Glorot-uniform weights and
biases, gain 2 for logistic units). The policies: scikit-learn's schedules
and stopping rules, with skdeep's additions
(:func:`skdeep.train.schedule_callbacks`).

A warm start or ``partial_fit`` continues the fitted network. When the
parameters that shape it changed since (the activation, dropout, batch
normalization, the dtype), :func:`restructure` builds the network of the new
parameters around the same weights, as scikit-learn's MLP computes with its
current ``activation``; the layer sizes cannot change.
"""

from dataclasses import dataclass, replace

import numpy as np

from ..nn import (
    ACTIVATIONS,
    OPTIMIZERS,
    Activation,
    BatchNorm,
    Dense,
    Dropout,
    Sequential,
)
from ..nn.init import INITIALIZERS
from ..train import schedule_callbacks

__all__ = [
    "ACTIVATION_NAMES",
    "WEIGHT_INITS",
    "Architecture",
    "architecture_of",
    "batch_norm_params",
    "build_network",
    "dense_init",
    "has_batch_norm",
    "make_optimizer",
    "policies",
    "restructure",
]


#: tuple of str: the hidden activations an MLP may have.
ACTIVATION_NAMES = tuple(ACTIVATIONS)

#: tuple of str: the initializers of its weights.
WEIGHT_INITS = tuple(INITIALIZERS)


@dataclass(frozen=True)
class Architecture:
    """The shape of an MLP's network.

    Attributes
    ----------
    units : tuple of int
        ``(n_features, *hidden_layer_sizes, n_outputs)``.
    activation : str
        Hidden activation (a key of ``ACTIVATIONS``).
    batch_norm : bool
        Whether each hidden pre-activation is batch-normalized.
    dropout : tuple of float
        Dropout rate after each hidden layer (0: none).
    dtype : str
        NumPy dtype name of the parameters.
    weight_init : str or None
        Initializer of the weights (None when read off a network: it
        matters only when the network is built).
    """

    units: tuple
    activation: str
    batch_norm: bool
    dropout: tuple
    dtype: str
    weight_init: str = None

    def same_shape(self, other):
        """Whether ``other`` needs no other network (the initializer aside)."""
        fields = ("units", "activation", "batch_norm", "dropout", "dtype")
        return all(getattr(self, f) == getattr(other, f) for f in fields)


def dense_init(weight_init, activation):
    """The ``gain`` and ``bias_init`` of the Dense layers: scikit-learn's
    Glorot variant for logistic units (gain 2) and its biases, drawn from
    the weights' range, with ``'glorot_uniform'``; the initializer's own
    gain and zero biases with the others."""
    glorot = weight_init == "glorot_uniform"
    gain = 2.0 if glorot and activation == "logistic" else None
    return gain, "uniform" if glorot else "zeros"


def build_network(arch):
    """The network of ``arch``, not yet initialized.

    Parameters
    ----------
    arch : Architecture

    Returns
    -------
    network : Sequential
    """
    gain, bias = dense_init(arch.weight_init, arch.activation)
    units = arch.units
    layers = []
    for n_in, n_out, rate in zip(units[:-2], units[1:-1], arch.dropout):
        layers.append(
            Dense(
                n_in,
                n_out,
                arch.weight_init,
                gain,
                use_bias=not arch.batch_norm,  # beta shifts instead
                bias_init=bias,
            )
        )
        if arch.batch_norm:
            layers.append(BatchNorm(n_out))
        layers.append(ACTIVATIONS[arch.activation]())
        if rate:
            layers.append(Dropout(rate))
    layers.append(Dense(units[-2], units[-1], arch.weight_init, gain, bias_init=bias))
    return Sequential(layers, dtype=arch.dtype)


def architecture_of(network):
    """The :class:`Architecture` of a network :func:`build_network` made
    (``weight_init`` None)."""
    dense = [layer for layer in network.layers if isinstance(layer, Dense)]
    activations = [layer for layer in network.layers if isinstance(layer, Activation)]
    rates = []
    for layer in network.layers:
        if isinstance(layer, Activation):
            rates.append(0.0)
        elif isinstance(layer, Dropout):
            rates[-1] = layer.p
    return Architecture(
        units=(dense[0].n_in, *(layer.n_out for layer in dense)),
        activation=activations[0].name if activations else None,
        batch_norm=any(isinstance(layer, BatchNorm) for layer in network.layers),
        dropout=tuple(rates),
        dtype=network.dtype.name,
    )


def restructure(network, arch):
    """The network to continue training with under ``arch``.

    The fitted ``network`` itself when its shape is still ``arch``'s (the
    activation of a network without hidden layers does not matter); else a
    new network of ``arch`` with the same weights: batch normalization
    turned off is folded into the weights and biases (``W gamma / sqrt(var
    + eps)``, ``beta - mean gamma / sqrt(var + eps)``), turned on starts
    with ``gamma = 1`` and the layer's bias as ``beta`` (fresh statistics).

    Parameters
    ----------
    network : Sequential
        The fitted network, on the host.
    arch : Architecture
        The architecture asked for now.

    Returns
    -------
    network : Sequential

    Raises
    ------
    ValueError
        If the layer sizes differ.
    """
    current = architecture_of(network)
    if current.units != arch.units:
        raise ValueError(
            f"The fitted network has layer sizes {list(current.units)}, but the "
            f"data and parameters now ask for {list(arch.units)}: warm_start "
            "and partial_fit continue the fitted network, whose layer sizes "
            "cannot change. Fit with warm_start=False to train a new network."
        )
    if len(arch.units) == 2:  # no hidden layer: only the dtype shapes it
        current = replace(arch, dtype=current.dtype)
    if current.same_shape(arch):
        return network
    new = build_network(arch)
    _transfer(network, new)
    return new


def _blocks(network):
    """Each Dense layer with the BatchNorm that follows it (or None)."""
    blocks = []
    for layer in network.layers:
        if isinstance(layer, Dense):
            blocks.append([layer, None])
        elif isinstance(layer, BatchNorm):
            blocks[-1][1] = layer
    return blocks


def _transfer(old, new):
    """Copy the function of ``old``'s affine layers into ``new`` (same
    layer sizes)."""
    for (d_old, bn_old), (d_new, bn_new) in zip(_blocks(old), _blocks(new)):
        W = np.asarray(d_old.params["W"], dtype=np.float64)
        b = np.asarray(d_old.params.get("b", np.zeros(W.shape[1])), np.float64)
        if bn_old is not None:
            gamma, beta = bn_old.params["gamma"], bn_old.params["beta"]
            mean, var = bn_old.buffers["running_mean"], bn_old.buffers["running_var"]
            if bn_new is None:  # fold the inference-time normalization in
                scale = gamma / np.sqrt(var + bn_old.eps)
                W, b = W * scale, beta - mean * scale
            else:
                for name, value in (("gamma", gamma), ("beta", beta)):
                    bn_new.params[name][...] = value
                bn_new.buffers["running_mean"][...] = mean
                bn_new.buffers["running_var"][...] = var
        elif bn_new is not None:
            bn_new.initialize(None)
            bn_new.params["beta"][...] = b
        d_new.params["W"][...] = W
        if "b" in d_new.params:
            d_new.params["b"][...] = b


def batch_norm_params(network):
    """Per batch-normalized layer, views of ``gamma``, ``beta``,
    ``running_mean`` and ``running_var``."""
    return [
        {**layer.params, **layer.buffers}
        for layer in network.layers
        if isinstance(layer, BatchNorm)
    ]


def has_batch_norm(network):
    """Whether a layer of ``network`` normalizes with batch statistics."""
    return any(isinstance(layer, BatchNorm) for layer in network.layers)


def policies(**settings):
    """The callbacks of the MLPs' schedules and stopping rules: see
    :func:`skdeep.train.schedule_callbacks` for ``settings``."""
    return schedule_callbacks(**settings)


def make_optimizer(
    solver,
    network,
    *,
    learning_rate_init,
    momentum=0.9,
    nesterovs_momentum=True,
    beta_1=0.9,
    beta_2=0.999,
    epsilon=1e-8,
    rho=0.9,
):
    """A new optimizer ``solver`` ('sgd', 'adam', 'adagrad', 'rmsprop')
    with the estimators' hyperparameters, initialized for ``network``."""
    args = {
        "sgd": (momentum, nesterovs_momentum),
        "adam": (beta_1, beta_2, epsilon),
        "adagrad": (epsilon,),
        "rmsprop": (rho, epsilon),
    }[solver]
    optimizer = OPTIMIZERS[solver](learning_rate_init, *args)
    optimizer.init(network.params)
    return optimizer
