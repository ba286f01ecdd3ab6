"""Models pickled by skdeep 0.1.0 load, predict as they did, and continue.

``data/models-0.1.0.pkl`` holds models fitted by skdeep 0.1.0, in the
oldest environment ``pyproject.toml`` allows (NumPy 1.24, scikit-learn 1.7),
with their outputs on the training rows. Their classes lived in flat private
modules then (``skdeep._mlp``, ...); the pickle names those paths.

The tabular estimators are not among them: their preprocessing holds
scikit-learn's encoders and imputer, which scikit-learn does not promise to
load across its versions (1.7's SimpleImputer does not work in 1.9).
"""

import pathlib
import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

FIXTURE = pathlib.Path(__file__).parent / "data" / "models-0.1.0.pkl"


@pytest.fixture(scope="module")
def fixture():
    with warnings.catch_warnings():
        # scikit-learn's parts (LabelBinarizer, encoders) were pickled by 1.7
        warnings.simplefilter("ignore", UserWarning)
        with open(FIXTURE, "rb") as f:
            return pickle.load(f)


def _inputs(fixture, name):
    data = fixture["__data__"]
    if name == "mlp_regressor":
        return data["Xr"], data["Yr"]
    return data["X"], None if name == "autoencoder" else data["y"]


def _output(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict_proba(X)
    if hasattr(model, "predict"):
        return model.predict(X)
    return model.transform(X)


NAMES = [
    "mlp_classifier",
    "mlp_classifier_bn",
    "mlp_classifier_lbfgs",
    "mlp_regressor",
    "autoencoder",
]


@pytest.mark.parametrize("name", NAMES)
def test_old_model_predicts_as_it_did(fixture, name):
    entry = fixture[name]
    model = entry["model"]
    assert type(model).__module__.startswith("skdeep.estimators.")
    X, _ = _inputs(fixture, name)
    np.testing.assert_allclose(
        _output(model, X), entry["output"], rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("name", NAMES)
def test_old_model_continues_training(fixture, name):
    model = pickle.loads(pickle.dumps(fixture[name]["model"]))
    X, y = _inputs(fixture, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if hasattr(model, "partial_fit") and not model.early_stopping:
            model.partial_fit(X) if y is None else model.partial_fit(X, y)
            assert model.n_iter_ == 1
        if "warm_start" in model.get_params():
            model.set_params(warm_start=True, max_iter=2)
        model.fit(X) if y is None else model.fit(X, y)
    assert np.isfinite(_output(model, X)).all()
