"""Training: the training state, the mini-batch loop, its policies and the
L-BFGS driver."""

from .callbacks import (
    Callback,
    EarlyStopping,
    EpochLogger,
    InvScaling,
    ReduceLROnPlateau,
    schedule_callbacks,
)
from .lbfgs import fit_lbfgs
from .loop import Trainer, TrainingData, Validation, train
from .progress import ProgressBar
from .state import HISTORY_FIELDS, TrainState

__all__ = [
    "Callback",
    "EarlyStopping",
    "EpochLogger",
    "HISTORY_FIELDS",
    "InvScaling",
    "ProgressBar",
    "ReduceLROnPlateau",
    "TrainState",
    "Trainer",
    "TrainingData",
    "Validation",
    "fit_lbfgs",
    "schedule_callbacks",
    "train",
]
