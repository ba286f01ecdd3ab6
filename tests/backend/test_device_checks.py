"""scikit-learn's estimator checks on the estimators trained with torch."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import MLPClassifier, MLPRegressor

pytest.importorskip("torch")


@parametrize_with_checks([MLPClassifier(device="cpu"), MLPRegressor(device="cpu")])
def test_sklearn_compatible_on_torch(estimator, check):
    check(estimator)
