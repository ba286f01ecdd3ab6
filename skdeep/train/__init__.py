"""Training: the training state, the mini-batch loop, its policies (with
the schedules of the learning rate, dropout and weight decay) and the L-BFGS
driver."""

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
from .schedules import (
    CosineLearningRate,
    DropoutSchedule,
    ParameterSchedule,
    WeightDecaySchedule,
    schedule_factor,
)
from .state import HISTORY_FIELDS, TrainState

__all__ = [
    "Callback",
    "CosineLearningRate",
    "DropoutSchedule",
    "EarlyStopping",
    "EpochLogger",
    "HISTORY_FIELDS",
    "InvScaling",
    "ParameterSchedule",
    "ProgressBar",
    "ReduceLROnPlateau",
    "TrainState",
    "Trainer",
    "TrainingData",
    "Validation",
    "WeightDecaySchedule",
    "fit_lbfgs",
    "schedule_callbacks",
    "schedule_factor",
    "train",
]
