"""The compiled epoch: the NumPy path's results to rounding, where it applies."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import skdeep
from skdeep import MLPClassifier, MLPRegressor
from skdeep.backend import _epoch
from skdeep.train import compiled

pytest.importorskip("numba")


def fit(estimator, X, y, compiled_epoch, **fit_params):
    with skdeep.config_context(compiled_epoch=compiled_epoch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return estimator.fit(X, y, **fit_params)


@pytest.fixture
def runs(monkeypatch):
    """Count the compiled epochs run."""
    calls = []
    run = _epoch.EpochProgram.run

    def counting(self, *args, **kwargs):
        calls.append(1)
        return run(self, *args, **kwargs)

    monkeypatch.setattr(_epoch.EpochProgram, "run", counting)
    return calls


def data(n=300, n_features=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    return X, X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=n)


def assert_same_fit(make, X, y, runs, dtype=np.float64, **fit_params):
    ours = fit(make(), X, y, True, **fit_params)
    assert runs, "the compiled epoch did not run"
    reference = fit(make(), X, y, False, **fit_params)
    rtol = 1e-9 if dtype == np.float64 else 2e-4
    assert ours.n_iter_ == reference.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, reference.loss_curve_, rtol=rtol)
    theirs = reference.coefs_ + reference.intercepts_
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_classifier_matches_the_numpy_path(activation, target, runs):
    X, score = data()
    y = {
        "binary": (score > 0).astype(int),
        "multiclass": np.digitize(score, [-1, 0, 1]),
        "multilabel": np.column_stack([score > 0, X[:, 2] > 0]).astype(int),
    }[target]

    def make():
        return MLPClassifier(
            hidden_layer_sizes=(7, 5), activation=activation, batch_size=32,
            max_iter=4, alpha=1e-3, random_state=0,
        )

    assert_same_fit(make, X, y, runs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "solver_params",
    [
        dict(solver="adam"),
        dict(solver="sgd", momentum=0.9, nesterovs_momentum=True),
        dict(solver="sgd", momentum=0.5, nesterovs_momentum=False),
        dict(solver="sgd", momentum=0.0, learning_rate="invscaling"),
    ],
    ids=["adam", "nesterov", "momentum", "plain-invscaling"],
)
def test_regressor_matches_the_numpy_path(solver_params, dtype, runs):
    X, y = data(n=203)  # a short trailing batch

    def make():
        return MLPRegressor(
            hidden_layer_sizes=(8,), batch_size=25, max_iter=5, random_state=0,
            dtype=np.dtype(dtype).name, learning_rate_init=0.01, **solver_params,
        )

    assert_same_fit(make, X, y, runs, dtype=dtype)


def test_several_outputs_sample_weights_and_early_stopping(runs):
    X, y = data(n=400)
    Y = np.column_stack([y, -y, X[:, 3]])
    weight = np.random.default_rng(1).uniform(0, 2, size=400)
    weight[:40] = 0  # a batch of no weight takes no step

    def make():
        return MLPRegressor(
            hidden_layer_sizes=(6, 6), batch_size=20, max_iter=6, shuffle=False,
            early_stopping=True, random_state=0,
        )

    assert_same_fit(make, X, Y, runs, sample_weight=weight)


@pytest.mark.parametrize(
    "params",
    [
        dict(dropout=0.2),
        dict(batch_norm=True),
        dict(activation="gelu"),
        dict(solver="rmsprop"),
    ],
    ids=["dropout", "batch-norm", "gelu", "rmsprop"],
)
def test_what_it_does_not_cover_trains_in_python(params, runs):
    X, y = data()
    model = fit(MLPRegressor(hidden_layer_sizes=(5,), max_iter=2, **params), X, y, True)
    assert not runs and model.n_iter_ == 2


def test_label_smoothing_and_sparse_input_train_in_python(runs):
    scipy_sparse = pytest.importorskip("scipy.sparse")
    X, score = data()
    fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=2), scipy_sparse.csr_matrix(X),
        score > 0, True)
    tabular = skdeep.TabularMLPClassifier(hidden_layer_sizes=(8,), max_iter=2)
    fit(tabular.set_params(progress_bar=False), X, score > 0, True)
    assert not runs


def test_which_layer_sequences_it_takes():
    from skdeep.nn.layers import Dense, Dropout, LeakyReLU, ReLU, Tanh

    assert compiled._hidden_activations([Dense(3, 4), ReLU(), Dense(4, 2)]) == [
        "relu"
    ]
    assert compiled._hidden_activations(
        [Dense(3, 4), Dense(4, 4), Tanh(), Dense(4, 1)]
    ) == ["identity", "tanh"]
    for layers in (
        [],
        [ReLU(), Dense(3, 2)],
        [Dense(3, 4), ReLU()],
        [Dense(3, 4), ReLU(), ReLU(), Dense(4, 2)],
        [Dense(3, 4), LeakyReLU(), Dense(4, 2)],
        [Dense(3, 4), ReLU(), Dropout(0.1), Dense(4, 2)],
        [Dense(3, 4, use_bias=False), ReLU(), Dense(4, 2)],
    ):
        assert compiled._hidden_activations(layers) is None


def test_auto_loads_it_for_long_runs_only(runs, monkeypatch):
    X, y = data()
    make = lambda: MLPRegressor(hidden_layer_sizes=(5,), batch_size=30, max_iter=3)  # noqa: E731
    fit(make(), X, y, "auto")  # 30 batches
    assert not runs
    monkeypatch.setattr(compiled, "MIN_BATCHES", 30)
    fit(make(), X, y, "auto")
    assert len(runs) == 3
    fit(make(), X, y, False)
    assert len(runs) == 3


def test_divergence_keeps_the_best_epoch_as_the_numpy_path(runs):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 5))
    y = X @ np.ones(5) * 100
    params = dict(solver="sgd", learning_rate_init=0.1, random_state=0, max_iter=50)
    with skdeep.config_context(compiled_epoch=True):
        with pytest.warns(ConvergenceWarning, match="lower learning_rate_init"):
            ours = MLPRegressor(**params).fit(X, y)
    assert runs
    reference = fit(MLPRegressor(**params), X, y, False)
    assert ours.n_iter_ == reference.n_iter_ < 50
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-9)
