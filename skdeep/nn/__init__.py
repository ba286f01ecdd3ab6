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
    EnsembleHeads,
    EnsembleInput,
    EnsembleMean,
    FeatureScale,
    Layer,
    MaskingNoise,
    ParametricActivation,
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    TiedDense,
)
from .losses import LOSSES, EnsembleLoss, Loss
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
    "EnsembleHeads",
    "EnsembleInput",
    "EnsembleLoss",
    "EnsembleMean",
    "FeatureScale",
    "Layer",
    "Loss",
    "MaskingNoise",
    "Optimizer",
    "Predictor",
    "ParametricActivation",
    "PeriodicEmbedding",
    "PiecewiseLinearEmbedding",
    "RMSProp",
    "SGD",
    "Sequential",
    "TiedDense",
    "check_layer_gradients",
    "check_network_gradients",
]
