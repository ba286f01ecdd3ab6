"""skdeep: deep feedforward neural-network estimators for scikit-learn."""

from . import _legacy, onnx
from .backend.config import config_context, get_config, set_config
from .display import TrainingHistoryDisplay
from .estimators import (
    Autoencoder,
    MLPClassifier,
    MLPRegressor,
    OverfitReport,
    TabularMLPClassifier,
    TabularMLPRegressor,
    check_gradients,
    overfit_small,
)
from .preprocessing import TabularPreprocessor

__version__ = "0.1.0"

_legacy.install()  # models pickled by 0.1.0 name its module paths
onnx.install()  # skl2onnx converts skdeep's estimators once it is imported

__all__ = [
    "Autoencoder",
    "MLPClassifier",
    "MLPRegressor",
    "OverfitReport",
    "TabularMLPClassifier",
    "TabularMLPRegressor",
    "TabularPreprocessor",
    "TrainingHistoryDisplay",
    "check_gradients",
    "config_context",
    "get_config",
    "overfit_small",
    "set_config",
    "__version__",
]
