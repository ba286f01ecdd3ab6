"""scikit-learn's estimator checks on skdeep's estimators."""

import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    parametrize_with_checks,
)

from skdeep import MLPClassifier, MLPRegressor

# Non-default configurations the checks also cover.
CONFIGURATIONS = [
    {"solver": "sgd", "momentum": 0.9, "nesterovs_momentum": True},
    {"early_stopping": True},
    {"activation": "tanh"},
    {"activation": "logistic"},
    {"solver": "lbfgs"},
]

ESTIMATORS = [MLPClassifier(), MLPRegressor()] + [
    Estimator(**params)
    for params in CONFIGURATIONS
    for Estimator in (MLPClassifier, MLPRegressor)
]

SPLIT_REASON = (
    "impossible by construction: the validation split draws different rows "
    "from repeated data than from the weighted data, so the two fits train on "
    "different sets"
)


def expected_failed_checks(estimator):
    """Checks that cannot pass for a configuration, with the reason."""
    if estimator.early_stopping:
        return {
            "check_sample_weight_equivalence_on_dense_data": SPLIT_REASON,
            "check_sample_weight_equivalence_on_sparse_data": SPLIT_REASON,
        }
    return {}


def test_defaults_have_no_expected_failure():
    assert expected_failed_checks(MLPClassifier()) == {}
    assert expected_failed_checks(MLPRegressor()) == {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_dataframe_column_names_consistency(estimator):
    check_dataframe_column_names_consistency(type(estimator).__name__, estimator)
