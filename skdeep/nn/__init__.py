"""The numerical core: layers, networks, losses, optimizers (NumPy/SciPy only)."""

from .gradcheck import check_layer_gradients, check_network_gradients
from .layers import ACTIVATIONS, Activation, Dense, Layer
from .losses import LOSSES, Loss
from .network import Sequential
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "OPTIMIZERS",
    "Activation",
    "Adam",
    "Dense",
    "Layer",
    "Loss",
    "Optimizer",
    "SGD",
    "Sequential",
    "check_layer_gradients",
    "check_network_gradients",
]
