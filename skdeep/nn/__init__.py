"""The numerical core: layers, networks, losses, optimizers (NumPy/SciPy only)."""

from .gradcheck import check_layer_gradients, check_network_gradients
from .layers import ACTIVATIONS, Activation, BatchNorm, Dense, Dropout, Layer
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
    "Optimizer",
    "RMSProp",
    "SGD",
    "Sequential",
    "check_layer_gradients",
    "check_network_gradients",
]
