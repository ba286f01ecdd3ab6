"""skdeep: deep feedforward neural-network estimators for scikit-learn."""

from ._diagnostics import OverfitReport, check_gradients, overfit_small
from ._mlp import MLPClassifier, MLPRegressor

__version__ = "0.1.0"

__all__ = [
    "MLPClassifier",
    "MLPRegressor",
    "OverfitReport",
    "check_gradients",
    "overfit_small",
    "__version__",
]
