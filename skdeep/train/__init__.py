"""Training: the training state, the mini-batch loop, its policies (with
the schedules of the learning rate, dropout and weight decay), the L-BFGS
driver, and the training plan that an estimator hands to :func:`run`."""

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
from .plan import NON_FINITE_MESSAGE, TrainingPlan, run
from .progress import ProgressBar
from .schedules import (
    CosineLearningRate,
    DropoutSchedule,
    ParameterSchedule,
    WeightDecaySchedule,
    schedule_factor,
)
from .state import HISTORY_FIELDS, Checkpoint, TrainState

__all__ = [
    "Callback",
    "Checkpoint",
    "CosineLearningRate",
    "DropoutSchedule",
    "EarlyStopping",
    "EpochLogger",
    "HISTORY_FIELDS",
    "InvScaling",
    "NON_FINITE_MESSAGE",
    "ParameterSchedule",
    "ProgressBar",
    "ReduceLROnPlateau",
    "TrainState",
    "Trainer",
    "TrainingData",
    "TrainingPlan",
    "Validation",
    "WeightDecaySchedule",
    "fit_lbfgs",
    "run",
    "schedule_callbacks",
    "schedule_factor",
    "train",
]
