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
    {"dropout": 0.5},
    {"batch_norm": True},
    {"batch_norm": True, "batch_norm_stats": "full", "solver": "lbfgs"},
    # AdaGrad's shrinking steps need a larger rate than the shared default
    {"solver": "adagrad", "learning_rate_init": 0.01},
    {"solver": "rmsprop"},
    {"learning_rate": "plateau"},
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


DROPOUT_REASON = (
    "impossible by construction: dropout draws one random mask per example, so "
    "a repeated row gets two independent masks where a row of weight 2 gets "
    "one, and the two fits consume different random streams"
)


def expected_failed_checks(estimator):
    """Checks that cannot pass for a configuration, with the reason."""
    reason = None
    if estimator.early_stopping:
        reason = SPLIT_REASON
    elif estimator.dropout:
        reason = DROPOUT_REASON
    if reason is None:
        return {}
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


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
