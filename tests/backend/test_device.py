"""The ``device`` parameter: training through the torch backend."""

import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression

from skdeep import MLPClassifier, MLPRegressor
from skdeep.backend import NUMPY, get_backend

torch = pytest.importorskip("torch")

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        240, 12, n_informative=6, n_classes=3, random_state=0
    )
    return X, y


def _fit_pair(Estimator, X, y, device, **params):
    params = {"max_iter": 8, "random_state": 0, **params}
    on_numpy = Estimator(**params).fit(X, y)
    on_device = Estimator(device=device, **params).fit(X, y)
    return on_numpy, on_device


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"solver": "sgd", "alpha": 1e-2},
        {"solver": "adagrad"},
        {"solver": "rmsprop", "activation": "tanh"},
        {"batch_norm": True, "dropout": 0.2},
        {"activation": "gelu", "early_stopping": True, "max_iter": 20},
        {"activation": "leaky_relu"},
        {"activation": "elu"},
        {"activation": "silu"},
        {"activation": "logistic", "learning_rate": "plateau"},
        {"solver": "lbfgs", "max_iter": 30},
        {"pretraining": "autoencoder", "pretraining_max_iter": 3, "max_iter": 4},
    ],
    ids=repr,
)
def test_device_training_matches_numpy(data, device, params):
    X, y = data
    a, b = _fit_pair(MLPClassifier, X, y, device, **params)
    assert b.n_iter_ == a.n_iter_
    np.testing.assert_allclose(b.loss_, a.loss_, rtol=1e-8)
    for Wa, Wb in zip(a.coefs_, b.coefs_):
        assert type(Wb) is np.ndarray
        np.testing.assert_allclose(Wb, Wa, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(
        b.predict_proba(X), a.predict_proba(X), rtol=1e-7, atol=1e-10
    )


@pytest.mark.parametrize("device", DEVICES)
def test_device_regression_with_sample_weight_and_sparse_input(device):
    X, y = make_regression(150, 10, random_state=1)
    sw = np.random.default_rng(0).uniform(0, 2, 150)
    X_sparse = sp.csr_matrix(np.where(np.abs(X) > 0.7, X, 0.0))
    params = {"max_iter": 10, "random_state": 0, "batch_norm": True}
    a = MLPRegressor(**params).fit(X_sparse, y, sample_weight=sw)
    b = MLPRegressor(device=device, **params).fit(X_sparse, y, sample_weight=sw)
    np.testing.assert_allclose(b.loss_curve_, a.loss_curve_, rtol=1e-8)
    np.testing.assert_allclose(b.predict(X_sparse), a.predict(X_sparse), rtol=1e-7)


@pytest.mark.parametrize("device", DEVICES)
def test_device_refits_are_bit_identical_and_float32_stays(data, device):
    X, y = data
    X32 = X.astype(np.float32)
    params = {"max_iter": 5, "random_state": 3, "dropout": 0.1, "device": device}
    first = MLPClassifier(**params).fit(X32, y)
    second = MLPClassifier(**params).fit(X32, y)
    for W1, W2 in zip(first.coefs_, second.coefs_):
        assert W1.dtype == np.float32
        np.testing.assert_array_equal(W1, W2)
    assert first.predict_proba(X32).dtype == np.float32
    optimizer = first._train_state.optimizer
    assert type(optimizer.m) is np.ndarray and optimizer.m.dtype == np.float32


@pytest.mark.parametrize("device", DEVICES)
def test_device_warm_start_and_partial_fit_continue(data, device):
    X, y = data
    a = MLPClassifier(max_iter=3, random_state=0, warm_start=True)
    b = MLPClassifier(max_iter=3, random_state=0, warm_start=True, device=device)
    for _ in range(2):
        a.fit(X, y)
        b.fit(X, y)
    np.testing.assert_allclose(b.loss_curve_, a.loss_curve_, rtol=1e-8)
    classes = np.unique(y)
    c, d = MLPClassifier(random_state=0), MLPClassifier(random_state=0, device=device)
    for chunk in np.array_split(np.arange(len(y)), 3):
        c.partial_fit(X[chunk], y[chunk], classes=classes)
        d.partial_fit(X[chunk], y[chunk], classes=classes)
    np.testing.assert_allclose(d.loss_curve_, c.loss_curve_, rtol=1e-8)


def test_model_fitted_on_torch_loads_and_predicts_without_torch(data, tmp_path):
    X, y = data
    model = MLPClassifier(max_iter=5, random_state=0, device="cpu").fit(X, y)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(model))
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "expected.npy", model.predict_proba(X))
    script = textwrap.dedent(
        f"""
        import sys

        class NoTorch:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "torch":
                    raise ModuleNotFoundError("No module named 'torch'", name="torch")

        sys.meta_path.insert(0, NoTorch())  # as if torch were not installed
        import pickle, numpy as np
        model = pickle.loads(open({str(path)!r}, "rb").read())
        P = model.predict_proba(np.load({str(tmp_path / "X.npy")!r}))
        expected = np.load({str(tmp_path / "expected.npy")!r})
        np.testing.assert_allclose(P, expected, rtol=1e-12)
        assert "torch" not in sys.modules
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_unavailable_devices_give_clear_errors(data):
    X, y = data
    with pytest.raises(ValueError, match="cuda:99"):
        MLPClassifier(device="cuda:99", max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="nonsense"):
        MLPClassifier(device="nonsense", max_iter=2).fit(X, y)
    with pytest.raises(Exception, match="device"):
        MLPClassifier(device=3).fit(X, y)  # not a string


class _NoTorch:
    """An import hook under which torch looks uninstalled."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError("No module named 'torch'", name="torch")


def test_missing_torch_is_reported(monkeypatch, data):
    X, y = data
    monkeypatch.delitem(sys.modules, "torch")
    monkeypatch.delitem(sys.modules, "skdeep.backend._torch", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoTorch(), *sys.meta_path])
    with pytest.raises(ImportError, match=r"scikit-deep\[torch\]"):
        get_backend("cpu")
    model = MLPClassifier(device="cpu", max_iter=2)
    with pytest.raises(ImportError, match="PyTorch"):
        model.fit(X, y)
    assert not hasattr(model, "coefs_")


def test_prediction_falls_back_to_numpy_when_the_device_is_gone(data, monkeypatch):
    X, y = data
    model = MLPClassifier(max_iter=3, random_state=0, device="cpu").fit(X, y)
    expected = model.predict_proba(X)
    calls = []

    def unavailable(device=None):
        calls.append(device)
        raise ValueError("no such device")

    monkeypatch.setattr("skdeep.estimators._fitted.get_backend", unavailable)
    # loaded where the device is missing: the prediction runs with NumPy
    loaded = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=1e-12)
    np.testing.assert_allclose(loaded.predict_proba(X[:5]), expected[:5], rtol=1e-12)
    assert calls == ["cpu"]  # looked for once: the predictor is kept
    assert get_backend(None) is NUMPY


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"n_heads": 4},
        {"n_heads": 3, "numerical_embedding": "piecewise_linear", "n_bins": 6},
    ],
    ids=repr,
)
def test_tabular_training_matches_numpy(data, device, params):
    from skdeep import TabularMLPClassifier

    X, y = data
    params = {"hidden_layer_sizes": (16, 16), "dtype": "float64", **params}
    on_numpy, on_device = _fit_pair(TabularMLPClassifier, X, y, device, **params)
    assert on_device.n_iter_ == on_numpy.n_iter_
    np.testing.assert_allclose(
        on_device.predict_proba(X), on_numpy.predict_proba(X), rtol=1e-8, atol=1e-10
    )
    for W_device, W_numpy in zip(on_device.coefs_, on_numpy.coefs_):
        np.testing.assert_allclose(W_device, W_numpy, rtol=1e-7, atol=1e-9)
