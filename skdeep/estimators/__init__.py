"""The estimators: the scikit-learn facade of skdeep.

Each estimator validates its data, turns its parameters into a training
plan with its recipe (:mod:`skdeep.recipes`), has :func:`skdeep.train.run`
carry it out, and stores the outcome as fitted attributes
(:mod:`._base` explains the template). scikit-learn's conventions live
here and in :mod:`skdeep.data` only.
"""

from .autoencoder import Autoencoder
from .diagnostics import OverfitReport, check_gradients, overfit_small
from .mlp_classifier import MLPClassifier
from .mlp_regressor import MLPRegressor
from .tabular import TabularMLPClassifier, TabularMLPRegressor

__all__ = [
    "Autoencoder",
    "MLPClassifier",
    "MLPRegressor",
    "OverfitReport",
    "TabularMLPClassifier",
    "TabularMLPRegressor",
    "check_gradients",
    "overfit_small",
]
