"""Property tests: on any small input, fit/predict either work (finite,
normalized probabilities, known labels) or raise a clear ValueError."""

import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skdeep import MLPClassifier, MLPRegressor

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run
    suppress_health_check=[HealthCheck.too_slow],
)

SCALES = [0.0, 1e-300, 1e-3, 1.0, 1e3, 1e18, 1e30, 1e150, 1e300]


@st.composite
def datasets(draw, classification=True):
    n = draw(st.integers(1, 30))
    p = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    scale = draw(st.sampled_from(SCALES))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.int64]))
    with np.errstate(over="ignore", invalid="ignore"):
        X = (rng.standard_normal((n, p)) * scale).astype(dtype)
    if draw(st.booleans()):  # sometimes a non-finite entry
        X = X.astype(np.float64)
        X.flat[rng.integers(X.size)] = draw(st.sampled_from([np.nan, np.inf]))
    if classification:
        k = draw(st.integers(1, 4))
        labels = draw(
            st.sampled_from(
                [np.arange(k), np.array(["a", "b", "c", "d"])[:k], np.arange(k) * 2.5]
            )
        )
        y = labels[rng.integers(0, k, n)]
    else:
        y = rng.standard_normal(n) * draw(st.sampled_from(SCALES))
    params = dict(
        hidden_layer_sizes=draw(st.sampled_from([(3,), (4, 2)])),
        solver=draw(st.sampled_from(["adam", "sgd", "lbfgs"])),
        activation=draw(st.sampled_from(["relu", "tanh", "logistic"])),
        batch_norm=draw(st.booleans()),
        early_stopping=draw(st.booleans()),
        dtype=draw(st.sampled_from([None, "float32"])),
        max_iter=3,
        random_state=seed,
    )
    return X, y, params


def _fit_and_predict(estimator, X, y, predict):
    """Fit, then ``predict(estimator, X)``; None where either raised the
    ValueErrors allowed (bad input; outputs overflowing the dtype)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            estimator.fit(X, y)
        except ValueError as error:
            assert str(error)  # a message, never an empty error
            assert not hasattr(estimator, "coefs_")  # nothing half-fitted
            return None
    try:
        return predict(estimator, X)
    except ValueError as error:
        assert "not finite" in str(error)
        return None


@FUZZ
@given(datasets())
def test_classifier_fits_or_raises_value_error(data):
    X, y, params = data
    clf = MLPClassifier(**params)
    proba = _fit_and_predict(clf, X, y, MLPClassifier.predict_proba)
    if proba is None:
        return
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-4)
    assert set(clf.predict(X)) <= set(clf.classes_)


@FUZZ
@given(datasets(classification=False))
def test_regressor_fits_or_raises_value_error(data):
    X, y, params = data
    prediction = _fit_and_predict(MLPRegressor(**params), X, y, MLPRegressor.predict)
    if prediction is not None:
        assert prediction.shape == (X.shape[0],) and np.isfinite(prediction).all()
