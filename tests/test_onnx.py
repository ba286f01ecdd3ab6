"""ONNX export through skl2onnx: onnxruntime's outputs against predict,
predict_proba and transform, for every estimator and its options."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

skl2onnx = pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

from skdeep import (  # noqa: E402
    Autoencoder,
    MLPClassifier,
    MLPRegressor,
    TabularMLPClassifier,
    TabularMLPRegressor,
    TabularPreprocessor,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, Y3 = make_classification(120, 6, n_informative=4, n_classes=3, random_state=0)
X32 = X.astype(np.float32)


def _run(model, X, **options):
    onx = skl2onnx.to_onnx(model, X[:1], options=options or None)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    if isinstance(X, pd.DataFrame):
        feeds = {
            i.name: X[i.name].to_numpy().reshape(-1, 1) for i in session.get_inputs()
        }
    else:
        feeds = {session.get_inputs()[0].name: X}
    return session.run(None, feeds)


def _check_classifier(model, X, **options):
    labels, proba = _run(model, X, zipmap=False, **options)
    np.testing.assert_allclose(proba, model.predict_proba(X), atol=1e-5)
    np.testing.assert_array_equal(labels, model.predict(X))


ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "gelu"]


@pytest.mark.parametrize("activation", [*ACTIVATIONS, "silu"])
def test_classifier_every_activation(activation):
    clf = MLPClassifier((8, 5), activation=activation, max_iter=20, random_state=0)
    _check_classifier(clf.fit(X32, Y3), X32)


@pytest.mark.parametrize(
    "params",
    [{"batch_norm": True}, {"dropout": 0.3}, {"batch_norm": True, "dropout": 0.2}],
    ids=repr,
)
def test_classifier_dropout_and_folded_batch_norm(params):
    clf = MLPClassifier((8,), max_iter=20, random_state=0, **params).fit(X32, Y3)
    _check_classifier(clf, X32)


def test_binary_string_labels_float64_and_zipmap():
    y = np.array(["no", "yes"])[(Y3 > 0).astype(int)]
    clf = MLPClassifier((8,), max_iter=20, random_state=0).fit(X, y)
    _check_classifier(clf, X)  # a float64 graph
    labels, proba = _run(clf, X32.astype(np.float32))  # zipmap: dicts per row
    assert proba[0].keys() == {"no", "yes"}
    expected = clf.predict_proba(X32)
    assert abs(proba[3]["yes"] - expected[3, 1]) < 1e-5


def test_multilabel():
    Y = np.stack([Y3 == 0, Y3 == 1, X[:, 0] > 0], axis=1).astype(int)
    clf = MLPClassifier((8,), max_iter=30, random_state=0).fit(X32, Y)
    labels, proba = _run(clf, X32, zipmap=False)
    np.testing.assert_allclose(proba, clf.predict_proba(X32), atol=1e-5)
    np.testing.assert_array_equal(labels, clf.predict(X32))


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("n_targets", [1, 3])
def test_regressor(loss, n_targets):
    data, y = make_regression(120, 6, n_targets=n_targets, random_state=0)
    data = data.astype(np.float32)
    if loss == "poisson":
        y = np.exp(y / np.abs(y).max())
    reg = MLPRegressor(loss=loss, hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    reg.fit(data, y)
    (out,) = _run(reg, data)
    expected = reg.predict(data).reshape(len(data), -1)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4 * np.abs(y).max())


@pytest.mark.parametrize("tied", [False, True])
def test_autoencoder_transform(tied):
    data = np.random.default_rng(0).random((80, 6)).astype(np.float32)
    ae = Autoencoder((5, 3), tied_weights=tied, corruption=0.2, activation="tanh")
    ae.set_params(max_iter=10, random_state=0).fit(data)
    (codes,) = _run(ae, data)
    np.testing.assert_allclose(codes, ae.transform(data), atol=1e-5)


def test_inside_a_pipeline():
    mlp = MLPClassifier((8,), max_iter=20, random_state=0)
    pipe = make_pipeline(StandardScaler(), mlp).fit(X32, Y3)
    labels, proba = _run(pipe, X32, zipmap=False)
    np.testing.assert_allclose(proba, pipe.predict_proba(X32), atol=1e-5)


# ------------------------------------------------------------------ tables
def _table(n=200, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.exponential(size=n),
            "color": rng.choice(["red", "green", "blue"], n).astype(object),
            "city": rng.choice([f"c{i}" for i in range(12)], n).astype(object),
        }
    )
    frame.loc[rng.random(n) < 0.1, "x2"] = np.nan
    frame.loc[rng.random(n) < 0.1, "color"] = np.nan
    y = (frame["x1"] + (frame["color"] == "red") > 0.3).astype(int).to_numpy()
    return frame, y


def _as_strings(frame):
    """The table as ONNX takes it: categories as strings ('nan': missing),
    in object columns."""
    columns = ("color", "city")
    return frame.astype({c: str for c in columns}).astype({c: object for c in columns})


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"numerical_embedding": "piecewise_linear", "n_bins": 6},
        {"numerical_embedding": None, "n_heads": 3},
        {"max_onehot": 4, "n_heads": 2},  # city: an embedding of codes
    ],
    ids=repr,
)
def test_tabular_classifier_from_raw_rows(params):
    frame, y = _table()
    clf = TabularMLPClassifier(hidden_layer_sizes=(16, 8), max_iter=4, random_state=0)
    clf.set_params(**params).fit(frame, y)
    unseen = frame.assign(city="elsewhere")  # unknown categories too
    for rows in (frame, unseen):
        labels, proba = _run(clf, _as_strings(rows), zipmap=False)
        np.testing.assert_allclose(proba, clf.predict_proba(rows), atol=1e-5)


def test_tabular_regressor_from_raw_rows():
    frame, _ = _table()
    y = 3.0 * frame["x1"].to_numpy() + 10.0
    reg = TabularMLPRegressor(hidden_layer_sizes=(16,), max_iter=4, n_heads=2)
    reg.set_params(random_state=0).fit(frame, y)
    (out,) = _run(reg, _as_strings(frame))
    np.testing.assert_allclose(out.ravel(), reg.predict(frame), rtol=1e-4)


def test_tabular_on_a_numeric_array_and_the_preprocessor_alone():
    clf = TabularMLPClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    clf.fit(X32, Y3)
    _check_classifier(clf, X32)
    frame, _ = _table()
    pre = TabularPreprocessor(max_onehot=4, n_bins=4).fit(frame)
    (out,) = _run(pre, _as_strings(frame))
    np.testing.assert_allclose(out, pre.transform(frame), atol=1e-6)


def test_registered_without_a_call():
    """Importing skdeep and skl2onnx is enough, in either order."""
    import subprocess
    import sys

    code = (
        "import skl2onnx, skdeep, numpy as np\n"
        "X = np.random.rand(20, 3).astype('float32')\n"
        "m = skdeep.MLPRegressor(hidden_layer_sizes=(4,), max_iter=2).fit(X, X[:, 0])\n"
        "print(type(skl2onnx.to_onnx(m, X[:1])).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", code],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ModelProto"
