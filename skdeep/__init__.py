"""skdeep: deep feedforward neural-network estimators for scikit-learn."""

from ._autoencoder import Autoencoder
from ._diagnostics import OverfitReport, check_gradients, overfit_small
from ._mlp import MLPClassifier
from ._mlp_regressor import MLPRegressor
from ._tabular import TabularMLPClassifier, TabularMLPRegressor
from .display import TrainingHistoryDisplay
from .preprocessing import TabularPreprocessor

__version__ = "0.1.0"

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
    "overfit_small",
    "__version__",
]
