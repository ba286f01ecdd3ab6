"""Training: the mini-batch loop, its callbacks and the L-BFGS driver."""

from .callbacks import (
    Callback,
    DivideRate,
    EpochLogger,
    InvScaling,
    PlateauMonitor,
    RateRecorder,
    ValidationScore,
)
from .lbfgs import fit_lbfgs
from .loop import Trainer

__all__ = [
    "Callback",
    "DivideRate",
    "EpochLogger",
    "InvScaling",
    "PlateauMonitor",
    "RateRecorder",
    "Trainer",
    "ValidationScore",
    "fit_lbfgs",
]
