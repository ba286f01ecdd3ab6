"""The numerical core: layers, networks, losses, optimizers (NumPy/SciPy only)."""

from .gradcheck import check_layer_gradients, check_network_gradients
from .layers import (
    ACTIVATIONS,
    Activation,
    BatchNorm,
    Dense,
    Dropout,
    Layer,
    MaskingNoise,
    TiedDense,
)
from .losses import LOSSES, Loss
from .network import Sequential
from .optimizers import OPTIMIZERS, SGD, AdaGrad, Adam, Optimizer, RMSProp

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "OPTIMIZERS",
    "Activation",
    "AdaGrad",
    "Adam",
    "BatchNorm",
    "Dense",
    "Dropout",
    "Layer",
    "Loss",
    "MaskingNoise",
    "Optimizer",
    "RMSProp",
    "SGD",
    "Sequential",
    "TiedDense",
    "check_layer_gradients",
    "check_network_gradients",
]
