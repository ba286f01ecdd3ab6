"""Predictions of a few rows skip scikit-learn's validation only where it
would change nothing: same results, same errors and warnings."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skdeep import MLPClassifier, MLPRegressor
from skdeep.data.arrays import plain_rows


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
        clf = MLPClassifier(**params).fit(X, y)
        reg = MLPRegressor(**params).fit(X, X[:, 0])
    return clf, reg, X


def test_plain_rows_accepts_only_what_validation_keeps(fitted):
    clf, _, X = fitted
    one = X[:1]
    assert plain_rows(clf, one) is one
    assert plain_rows(clf, X[:3].astype(np.float32)).dtype == np.float32
    refused = [
        X[0],  # one dimension
        X[:1, :4],  # other columns
        X[:0],  # no rows
        X[:2].tolist(),  # a list
        X[:2].astype(np.float16),
        X[:2].astype(int),
        np.asmatrix(X[:2]),  # a subclass
        np.where(np.arange(5) == 2, np.nan, X[:1]),
        np.where(np.arange(5) == 2, np.inf, X[:1]),
    ]
    for rows in refused:
        assert plain_rows(clf, rows) is None
    huge = np.full((2, 5), np.finfo(np.float64).max)  # its sum overflows
    assert plain_rows(clf, huge) is huge


@pytest.mark.parametrize("n_rows", [1, 7, 5000])
def test_same_predictions_as_the_validated_path(fitted, n_rows):
    clf, reg, X = fitted
    rows = np.resize(X, (n_rows, 5))
    listed = rows.tolist()  # a list takes scikit-learn's validation
    np.testing.assert_array_equal(clf.predict_proba(rows), clf.predict_proba(listed))
    np.testing.assert_array_equal(clf.predict(rows), clf.predict(listed))
    np.testing.assert_array_equal(reg.predict(rows), reg.predict(listed))
    fortran = np.asfortranarray(rows)
    np.testing.assert_allclose(clf.predict_proba(fortran), clf.predict_proba(rows))


def test_plain_rows_skip_the_validation_and_others_take_it(fitted, monkeypatch):
    from skdeep.estimators import _mlp

    clf, _, X = fitted
    calls = []
    validate = _mlp.validate_data

    def counting(*args, **kwargs):
        calls.append(1)
        return validate(*args, **kwargs)

    monkeypatch.setattr(_mlp, "validate_data", counting)
    clf.predict_proba(X[:3])
    clf.predict(X[:1].astype(np.float32))
    assert calls == []
    clf.predict_proba(X[:3].tolist())
    clf.predict_proba(np.asfortranarray(X[:3]).astype(int))
    assert calls == [1, 1]


def test_errors_and_warnings_are_scikit_learns(fitted):
    clf, _, X = fitted
    with pytest.raises(ValueError, match="X has 4 features, but MLPClassifier is"):
        clf.predict(X[:1, :4])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        clf.predict_proba(np.where(np.arange(5) == 2, np.nan, X[:1]))
    with pytest.raises(ValueError, match="Input X contains infinity"):
        clf.predict_proba(np.where(np.arange(5) == 2, np.inf, X[:1]))
    with pytest.raises(NotFittedError):
        MLPClassifier().predict(X[:1])


def test_feature_names_still_warn(fitted):
    pd = pytest.importorskip("pandas")
    _, _, X = fitted
    frame = pd.DataFrame(X, columns=list("abcde"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
        clf.fit(frame, (X[:, 0] > 0).astype(int))
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        clf.predict(X[:1])
