"""The numerical core: layers, networks, losses, optimizers (NumPy/SciPy only)."""

from .gradcheck import check_layer_gradients, check_network_gradients
from .layers import (
    ACTIVATIONS,
    Activation,
    BatchNorm,
    Columns,
    Dense,
    Dropout,
    Embedding,
    FeatureScale,
    Layer,
    MaskingNoise,
    ParametricActivation,
    PeriodicEmbedding,
    TiedDense,
)
from .losses import LOSSES, Loss
from .network import Sequential
from .optimizers import OPTIMIZERS, SGD, AdaGrad, Adam, Optimizer, RMSProp
from .predictor import Predictor

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "OPTIMIZERS",
    "Activation",
    "AdaGrad",
    "Adam",
    "BatchNorm",
    "Columns",
    "Dense",
    "Dropout",
    "Embedding",
    "FeatureScale",
    "Layer",
    "Loss",
    "MaskingNoise",
    "Optimizer",
    "Predictor",
    "ParametricActivation",
    "PeriodicEmbedding",
    "RMSProp",
    "SGD",
    "Sequential",
    "TiedDense",
    "check_layer_gradients",
    "check_network_gradients",
]
