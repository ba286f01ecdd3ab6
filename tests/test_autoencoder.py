"""Autoencoder: estimator checks, gradients, training and transformer API."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_param_validation,
    parametrize_with_checks,
)

from skdeep import Autoencoder
from skdeep.nn import MaskingNoise, TiedDense, check_network_gradients

ESTIMATORS = [
    Autoencoder(),
    Autoencoder(hidden_layer_sizes=(8, 4), tied_weights=True, activation="tanh"),
    Autoencoder(corruption=0.2),
    Autoencoder(early_stopping=True),
]

EARLY_STOPPING_REASON = (
    "partial_fit refuses early stopping, and the checks' tiny data leave fewer "
    "than 2 validation rows; the validation split also draws different rows "
    "from repeated than from weighted data"
)
EARLY_STOPPING_FAILURES = (
    "check_fit_score_takes_y",
    "check_n_features_in_after_fitting",
    "check_estimators_nan_inf",
    "check_fit2d_1feature",
    "check_estimators_partial_fit_n_features",
    "check_sample_weight_equivalence_on_dense_data",
)
CORRUPTION_REASON = (
    "impossible by construction: masking noise draws one mask per row, so a "
    "repeated row gets two independent masks where a row of weight 2 gets one"
)


def expected_failed_checks(estimator):
    if estimator.early_stopping:
        return dict.fromkeys(EARLY_STOPPING_FAILURES, EARLY_STOPPING_REASON)
    if estimator.corruption:
        return {"check_sample_weight_equivalence_on_dense_data": CORRUPTION_REASON}
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_param_validation():
    check_param_validation("Autoencoder", Autoencoder())


def test_dataframe_column_names_consistency():
    check_dataframe_column_names_consistency("Autoencoder", Autoencoder())


@pytest.fixture(scope="module")
def digits():
    return load_digits().data[:400] / 16.0


def fit_quietly(est, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X)


@pytest.mark.parametrize("tied", [False, True])
@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_network_gradients(digits, tied, loss, activation):
    est = Autoencoder(
        (7, 3),
        activation=activation,
        corruption=0.3,
        tied_weights=tied,
        loss=loss,
        random_state=0,
    )
    network, X, Y, _ = est._unfitted(digits[:12], None)
    layers = network.layers
    assert isinstance(layers[0], MaskingNoise)
    assert any(isinstance(layer, TiedDense) for layer in layers) == tied
    error = check_network_gradients(network, est._make_loss(), X, Y, l2=0.3)
    assert error < 1e-4


def test_tied_network_has_fewer_parameters(digits):
    untied = fit_quietly(Autoencoder((16, 4), max_iter=1, random_state=0), digits)
    tied = fit_quietly(
        Autoencoder((16, 4), max_iter=1, random_state=0, tied_weights=True), digits
    )
    n_weights = 64 * 16 + 16 * 4
    assert untied._network.params.size - tied._network.params.size == n_weights
    for i, W in enumerate(tied.coefs_[:2]):
        assert np.shares_memory(W, tied.coefs_[-1 - i])
        np.testing.assert_array_equal(W.T, tied.coefs_[-1 - i])
    assert [W.shape for W in tied.coefs_] == [(64, 16), (16, 4), (4, 16), (16, 64)]
    assert [b.shape for b in tied.intercepts_] == [(16,), (4,), (16,), (64,)]
    assert tied.n_layers_ == 5


def test_tied_coefs_assignment(digits):
    est = fit_quietly(
        Autoencoder((5,), max_iter=1, random_state=0, tied_weights=True), digits
    )
    W = np.full((64, 5), 0.01)
    est.coefs_[1] = W.T  # the decoder's entry: the encoder's weight changes
    np.testing.assert_array_equal(est.coefs_[0], W)
    with pytest.raises(ValueError, match="transpose"):
        est.coefs_ = [2 * W, 3 * W.T]


@pytest.mark.parametrize("tied", [False, True])
def test_reconstruction_improves_with_training(digits, tied):
    scores = [
        fit_quietly(
            Autoencoder((32,), max_iter=n, random_state=0, tied_weights=tied), digits
        ).score(digits)
        for n in (1, 50)
    ]
    assert scores[1] > scores[0]


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
def test_reconstruction_beats_the_mean(digits, loss):
    est = fit_quietly(
        Autoencoder((32,), max_iter=100, random_state=0, loss=loss), digits
    )
    X_rec = est.inverse_transform(est.transform(digits))
    assert X_rec.shape == digits.shape
    error = np.mean((X_rec - digits) ** 2)
    baseline = np.mean((digits.mean(axis=0) - digits) ** 2)
    assert error < 0.5 * baseline
    if loss == "cross_entropy":
        assert X_rec.min() >= 0 and X_rec.max() <= 1


def test_score_is_negative_mean_reconstruction_loss(digits):
    est = fit_quietly(Autoencoder((8,), max_iter=5, random_state=0), digits)
    X_rec = est.inverse_transform(est.transform(digits))
    expected = -np.mean(0.5 * np.sum((X_rec - digits) ** 2, axis=1))
    assert est.score(digits) == pytest.approx(expected)


@pytest.mark.parametrize("params", [{}, {"corruption": 0.3, "tied_weights": True}])
def test_reproducible_with_random_state(digits, params):
    a, b = (
        fit_quietly(Autoencoder((10,), max_iter=5, random_state=3, **params), digits)
        for _ in range(2)
    )
    np.testing.assert_array_equal(a._network.params, b._network.params)
    assert a.loss_curve_ == b.loss_curve_
    np.testing.assert_array_equal(a.transform(digits), b.transform(digits))


def test_corruption_changes_training(digits):
    plain, noisy = (
        fit_quietly(
            Autoencoder((10,), max_iter=3, random_state=0, corruption=c), digits
        )
        for c in (0.0, 0.5)
    )
    assert plain.loss_curve_ != noisy.loss_curve_
    # prediction is deterministic: no noise at transform time
    np.testing.assert_array_equal(noisy.transform(digits), noisy.transform(digits))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_transform_shape_and_dtype(digits, dtype):
    X = digits.astype(dtype)
    est = fit_quietly(Autoencoder((12, 6), max_iter=2, random_state=0), X)
    codes = est.transform(X)
    assert codes.shape == (X.shape[0], 6) and codes.dtype == dtype
    assert est.inverse_transform(codes).dtype == dtype
    np.testing.assert_array_equal(est.fit_transform(X), codes)
    names = est.get_feature_names_out()
    assert list(names) == [f"autoencoder{i}" for i in range(6)]


def test_inverse_transform_checks_code_width(digits):
    est = fit_quietly(Autoencoder((6,), max_iter=1, random_state=0), digits)
    with pytest.raises(ValueError, match="codes of 6 features"):
        est.inverse_transform(digits)


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_cross_entropy_needs_unit_interval(digits, bad):
    X = digits.copy()
    X[0, 0] = bad
    with pytest.raises(ValueError, match=r"needs inputs in \[0, 1\]"):
        Autoencoder(loss="cross_entropy", max_iter=1).fit(X)
    assert Autoencoder(max_iter=1).fit(X).n_iter_ == 1  # squared error: fine


def test_early_stopping_records_validation_scores(digits):
    est = fit_quietly(
        Autoencoder((16,), early_stopping=True, max_iter=30, random_state=0), digits
    )
    scores = est.validation_scores_
    assert len(scores) == est.n_iter_ and all(s < 0 for s in scores)
    assert est.best_loss_ is None and est.best_validation_score_ == max(scores)


def test_partial_fit_continues_training(digits):
    est = Autoencoder((16,), random_state=0)
    for _ in range(3):
        est.partial_fit(digits)
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 3
    assert est.loss_curve_[-1] < est.loss_curve_[0]


def test_in_pipeline_before_logistic_regression():
    data = load_digits()
    X, y = data.data[:600] / 16.0, data.target[:600]
    pipe = make_pipeline(
        Autoencoder((32,), activation="tanh", max_iter=30, random_state=0),
        LogisticRegression(max_iter=500),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X[:400], y[:400])
    # ten classes: chance is 0.1; the raw pixels give 0.83 on this split
    assert pipe.score(X[400:], y[400:]) > 0.6
    assert pipe[-1].coef_.shape == (10, 32)


@pytest.mark.parametrize("tied", [False, True])
def test_pickles(digits, tied):
    est = fit_quietly(
        Autoencoder(
            (8,), max_iter=2, random_state=0, tied_weights=tied, corruption=0.1
        ),
        digits,
    )
    clone = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(clone.transform(digits), est.transform(digits))
    assert clone.score(digits) == est.score(digits)
    clone.partial_fit(digits)
    if tied:  # the tied layer still shares its encoder's weight
        assert np.shares_memory(clone.coefs_[0], clone.coefs_[-1])
