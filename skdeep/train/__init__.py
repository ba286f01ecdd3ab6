"""Training: the mini-batch loop, its callbacks and the L-BFGS driver."""

from .callbacks import (
    Callback,
    EpochLogger,
    InvScaling,
    PlateauMonitor,
    ValidationScore,
)
from .lbfgs import fit_lbfgs
from .loop import Trainer

__all__ = [
    "Callback",
    "EpochLogger",
    "InvScaling",
    "PlateauMonitor",
    "Trainer",
    "ValidationScore",
    "fit_lbfgs",
]
