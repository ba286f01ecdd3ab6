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


# With early_stopping=True scikit-learn's own MLP fails these checks, and
# skdeep raises where it raises: partial_fit refuses early stopping, and the
# checks' tiny datasets leave fewer than 2 validation rows (or a one-member
# class in a stratified binary split).
EARLY_STOPPING_REASON = (
    "scikit-learn's MLP fails it too with early_stopping=True: partial_fit "
    "raises, or the data are too small for a validation split"
)
EARLY_STOPPING_FAILURES = {
    "check_fit_score_takes_y",
    "check_n_features_in_after_fitting",
    "check_estimators_nan_inf",
    "check_estimators_partial_fit_n_features",
    "check_fit2d_1feature",
}
EARLY_STOPPING_FAILURES_BY_TYPE = {
    # 50 training rows leave 5 validation rows: training stops once the
    # class-weighted validation score peaks, with 86% of predictions in the
    # heavy class against the check's 87% (100% without early stopping)
    MLPClassifier: {"check_class_weight_classifiers"},
    MLPRegressor: {"check_regressors_no_decision_function"},
}


# The check weighs one class 1000 and the others 0.0001 on unscaled blobs
# (std 20): the other classes' regions carry no loss, and a flexible network
# need not predict the heavy class there. With saturated tanh units it predicts
# it for 82% of the 3-class test rows (the check wants 87%; every other
# configuration reaches 100%).
TANH_CLASS_WEIGHT_REASON = (
    "the classes weighted 0.0001 carry no loss, so a flexible network may "
    "predict them in their own regions: 82% heavy-class predictions with "
    "saturated tanh units on the unscaled 3-class blobs (the check wants 87%)"
)


def expected_failed_checks(estimator):
    """Checks that cannot pass for a configuration, with the reason."""
    failures = {}
    if estimator.activation == "tanh" and isinstance(estimator, MLPClassifier):
        failures["check_class_weight_classifiers"] = TANH_CLASS_WEIGHT_REASON
    if estimator.early_stopping:
        names = (
            EARLY_STOPPING_FAILURES | EARLY_STOPPING_FAILURES_BY_TYPE[type(estimator)]
        )
        failures.update(dict.fromkeys(sorted(names), EARLY_STOPPING_REASON))
        reason = SPLIT_REASON
    elif estimator.dropout:
        reason = DROPOUT_REASON
    else:
        return failures
    failures["check_sample_weight_equivalence_on_dense_data"] = reason
    failures["check_sample_weight_equivalence_on_sparse_data"] = reason
    return failures


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=repr)
def test_dataframe_column_names_consistency(estimator):
    check_dataframe_column_names_consistency(type(estimator).__name__, estimator)
