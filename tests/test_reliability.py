"""Reliability: bad input, corruption, divergence, interruption, determinism,
persistence, thread safety and memory."""

import gc
import io
import pickle
import signal
import tracemalloc
import warnings
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor
from skdeep.nn import Adam

RNG = np.random.default_rng(0)
X4 = StandardScaler().fit_transform(load_iris().data)
Y3 = load_iris().target
Y_REG = X4 @ [1.0, -2.0, 0.5, 0.0]


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def fitted_classifier(**params):
    params = {"hidden_layer_sizes": (8,), "max_iter": 20, "random_state": 0, **params}
    return quiet(MLPClassifier(**params).fit, X4, Y3)


def fitted_regressor(**params):
    params = {"hidden_layer_sizes": (8,), "max_iter": 20, "random_state": 0, **params}
    return quiet(MLPRegressor(**params).fit, X4, Y_REG)


def assert_same(a, b, path="estimator"):
    """Recursive equality of two fitted objects (arrays bit for bit)."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype, path
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            assert_same(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]")
    elif hasattr(a, "__dict__") and not isinstance(a, type):
        assert type(a) is type(b), path
        state_a = a.__getstate__() if hasattr(a, "__getstate__") else vars(a)
        state_b = b.__getstate__() if hasattr(b, "__getstate__") else vars(b)
        assert_same(state_a, state_b, path)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), path
    else:
        assert a == b, path


# ------------------------------------------------------------- bad input
def _sw(values):
    return lambda est: est.fit(X4, Y3, sample_weight=values)


BAD_FIT = [
    ("nan", lambda e: e.fit(np.where(X4 > 2, np.nan, X4), Y3), "Input X contains NaN"),
    ("inf", lambda e: e.fit(np.where(X4 > 2, np.inf, X4), Y3), "contains infinity"),
    ("empty", lambda e: e.fit(X4[:0], Y3[:0]), "0 sample"),
    ("1-D X", lambda e: e.fit(X4[:, 0], Y3), "Expected 2D array, got 1D array"),
    ("3-D X", lambda e: e.fit(X4.reshape(150, 2, 2), Y3), "dim 3"),
    ("no features", lambda e: e.fit(X4[:, :0], Y3), "0 feature"),
    (
        "strings",
        lambda e: e.fit(np.full((150, 4), "a", dtype=object), Y3),
        "could not convert string to float",
    ),
    ("complex", lambda e: e.fit(X4 + 1j, Y3), "Complex data not supported"),
    ("continuous y", lambda e: e.fit(X4, Y_REG), "Unknown label type"),
    ("one class", lambda e: e.fit(X4, np.zeros(150)), "at least 2 classes"),
    ("short y", lambda e: e.fit(X4, Y3[:-1]), "inconsistent numbers of samples"),
    ("nan in y", lambda e: e.fit(X4, np.r_[np.nan, Y3[1:]]), "Input y contains NaN"),
    ("sample_weight length", _sw(np.ones(149)), r"sample_weight.shape == \(149,\)"),
    ("negative sample_weight", _sw(-np.ones(150)), "Negative values"),
    ("all-zero sample_weight", _sw(np.zeros(150)), "at least one non-zero"),
    ("2-D sample_weight", _sw(np.ones((150, 2))), "1D array or scalar"),
]

BAD_PARAMS = [
    ({"hidden_layer_sizes": (8, 0)}, "hidden_layer_sizes must be > 0"),
    ({"hidden_layer_sizes": "wide"}, "'hidden_layer_sizes' parameter"),
    ({"learning_rate_init": -1.0}, "'learning_rate_init' parameter"),
    ({"activation": "sigmoid"}, "'activation' parameter"),
    ({"solver": "newton"}, "'solver' parameter"),
    ({"batch_size": 0}, "'batch_size' parameter"),
    ({"max_iter": "10"}, "'max_iter' parameter"),
    ({"dropout": 1.0}, "'dropout' parameter"),
    ({"dropout": [0.1, 0.2]}, "one such value per hidden layer"),
    ({"dropout": 0.5, "solver": "lbfgs"}, "requires dropout=0"),
    ({"validation_fraction": 1.5}, "'validation_fraction' parameter"),
    ({"dtype": "int32"}, "'dtype' parameter"),
]

BAD_PARTIAL_FIT = [
    ("unseen labels", lambda e: e.partial_fit(X4, Y3 + 5), "classes not in"),
    (
        "changed classes",
        lambda e: e.partial_fit(X4, Y3, classes=[0, 1, 2, 3]),
        "is not the same as on last call",
    ),
    ("wrong n_features", lambda e: e.partial_fit(X4[:, :3], Y3), "X has 3 features"),
    ("nan", lambda e: e.partial_fit(np.full_like(X4, np.nan), Y3), "contains NaN"),
]

BAD_PREDICT = [
    ("wrong n_features", lambda e: e.predict(X4[:, :3]), "X has 3 features"),
    ("nan", lambda e: e.predict_proba(np.full_like(X4, np.nan)), "contains NaN"),
    ("1-D", lambda e: e.predict(X4[0]), "Expected 2D array"),
    ("empty", lambda e: e.predict(X4[:0]), "0 sample"),
    ("strings", lambda e: e.predict(np.full((2, 4), "a")), "could not convert"),
    ("complex", lambda e: e.predict_proba(X4 + 1j), "Complex data not supported"),
    ("score short y", lambda e: e.score(X4, Y3[:-1]), "inconsistent numbers"),
]


@pytest.mark.parametrize("case, call, message", BAD_FIT, ids=[c[0] for c in BAD_FIT])
def test_bad_fit_input_raises_and_keeps_the_fitted_model(case, call, message):
    est = fitted_classifier()
    before = pickle.loads(pickle.dumps(est))
    with pytest.raises(ValueError, match=message):
        quiet(call, est)
    assert_same(vars(est), vars(before))
    np.testing.assert_array_equal(est.predict_proba(X4), before.predict_proba(X4))


# where scikit-learn's MLP accepts the input (and returns nonsense)
SKLEARN_ACCEPTS = {"one class", "negative sample_weight"}
# scikit-learn checks for all-zero sample weights from 1.9 on (1.7 and 1.8
# divide by zero); skdeep raises its ValueError with every version
SKLEARN_CHECKS_ALL_ZERO_WEIGHTS = tuple(
    int(part) for part in sklearn.__version__.split(".")[:2]
) >= (1, 9)


@pytest.mark.parametrize(
    "case, call",
    [c[:2] for c in BAD_FIT + BAD_PREDICT],
    ids=[c[0] for c in BAD_FIT + BAD_PREDICT],
)
def test_same_exception_type_as_scikit_learn(case, call):
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier

    if case == "all-zero sample_weight" and not SKLEARN_CHECKS_ALL_ZERO_WEIGHTS:
        pytest.skip("scikit-learn < 1.9 has no all-zero sample_weight check")

    errors = []
    for Estimator in (MLPClassifier, SkMLPClassifier):
        est = quiet(Estimator(hidden_layer_sizes=(8,), max_iter=20).fit, X4, Y3)
        try:
            quiet(call, est)
            errors.append(None)
        except Exception as error:  # noqa: BLE001 - the type is the point
            errors.append(type(error))
    ours, theirs = errors
    assert ours is not None and issubclass(ours, ValueError)
    if case in SKLEARN_ACCEPTS:
        assert theirs is None
    else:
        assert ours is theirs


@pytest.mark.parametrize("params, message", BAD_PARAMS)
def test_bad_parameters_raise_and_keep_the_fitted_model(params, message):
    est = fitted_classifier()
    reference = est.predict_proba(X4)
    est.set_params(**params)
    with pytest.raises(ValueError, match=message):
        quiet(est.fit, X4, Y3)
    np.testing.assert_array_equal(est.predict_proba(X4), reference)


@pytest.mark.parametrize(
    "case, call, message", BAD_PARTIAL_FIT, ids=[c[0] for c in BAD_PARTIAL_FIT]
)
def test_bad_partial_fit_input_keeps_the_model(case, call, message):
    est = MLPClassifier(hidden_layer_sizes=(8,), random_state=0)
    est.partial_fit(X4, Y3, classes=[0, 1, 2]).partial_fit(X4, Y3)
    before = pickle.loads(pickle.dumps(est))
    with pytest.raises(ValueError, match=message):
        call(est)
    assert_same(vars(est), vars(before))


def test_partial_fit_first_call_needs_classes_and_lbfgs_has_none():
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier().partial_fit(X4, Y3)
    assert not hasattr(MLPClassifier(), "coefs_")
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'"):
        MLPClassifier(solver="lbfgs").partial_fit(X4, Y3, classes=[0, 1, 2])


@pytest.mark.parametrize(
    "case, call, message", BAD_PREDICT, ids=[c[0] for c in BAD_PREDICT]
)
def test_bad_predict_input_raises(case, call, message):
    est = fitted_classifier()
    with pytest.raises(ValueError, match=message):
        call(est)


def test_outputs_that_overflow_raise_instead_of_returning_nan():
    est = fitted_classifier(dtype="float32")
    # finite in float64, beyond float32's range once converted
    with pytest.raises(ValueError, match="too large for float32"):
        est.predict_proba(X4 * 1e39)
    # finite input on which the hidden layer overflows
    with pytest.raises(ValueError, match="not finite for some samples"):
        fitted_classifier().predict_proba(np.full((5, 4), 1.7e308))
    # large but representable: the softmax of huge logits is still exact
    assert np.isfinite(fitted_classifier().predict_proba(X4 * 1e300)).all()


def test_predict_before_fit_raises_not_fitted():
    for est in (MLPClassifier(), MLPRegressor()):
        with pytest.raises(NotFittedError, match="is not fitted yet"):
            est.predict(X4)


def test_dataframe_with_reordered_or_renamed_columns_is_rejected():
    df = pd.DataFrame(X4, columns=["a", "b", "c", "d"])
    est = quiet(MLPClassifier(max_iter=5, random_state=0).fit, df, Y3)
    with pytest.raises(ValueError, match="feature names should match"):
        est.predict(df[["b", "a", "c", "d"]])
    with pytest.raises(ValueError, match="feature names should match"):
        est.predict(df.rename(columns={"a": "z"}))


def test_column_vector_y_warns_and_fits_like_1d():
    est = MLPClassifier(max_iter=5, random_state=0)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        quiet_convergence(est.fit, X4, Y3.reshape(-1, 1))
    ref = quiet(MLPClassifier(max_iter=5, random_state=0).fit, X4, Y3)
    np.testing.assert_array_equal(est.predict_proba(X4), ref.predict_proba(X4))


def quiet_convergence(func, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return func(*args)


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "lil", "dok", "bsr"])
def test_every_sparse_format_is_accepted(fmt):
    est = fitted_classifier()
    sparse = sp.csr_matrix(X4).asformat(fmt)
    np.testing.assert_allclose(
        est.predict_proba(sparse), est.predict_proba(X4), rtol=1e-12
    )
    refit = quiet(MLPClassifier(max_iter=5, random_state=0).fit, sparse, Y3)
    dense = quiet(MLPClassifier(max_iter=5, random_state=0).fit, X4, Y3)
    np.testing.assert_allclose(
        refit.predict_proba(X4), dense.predict_proba(X4), rtol=1e-10
    )


# -------------------------------------------------- inputs never modified
@pytest.mark.parametrize(
    "make",
    [
        lambda: MLPClassifier(max_iter=3, random_state=0),
        lambda: MLPClassifier(solver="lbfgs", max_iter=3),
        lambda: MLPClassifier(
            dropout=0.3, batch_norm=True, early_stopping=True, max_iter=3
        ),
        lambda: MLPClassifier(solver="sgd", activation="tanh", max_iter=3),
        lambda: MLPRegressor(max_iter=3, activation="logistic"),
        lambda: MLPRegressor(max_iter=3, dtype="float32"),
    ],
)
def test_user_arrays_are_never_modified(make):
    est = make()
    y = Y_REG if isinstance(est, MLPRegressor) else Y3
    arrays = [X4.copy(), y.copy(), RNG.uniform(0.5, 2, 150)]
    originals = [a.copy() for a in arrays]
    X, y, sw = arrays
    quiet(est.fit, X, y, sample_weight=sw)
    if est.solver != "lbfgs" and not est.early_stopping:  # both refuse it
        quiet(est.partial_fit, X, y, sample_weight=sw)
    est.predict(X)
    est.score(X, y, sample_weight=sw)
    if hasattr(est, "predict_proba"):
        est.predict_proba(X)
    for a, original in zip(arrays, originals):
        np.testing.assert_array_equal(a, original)


# ------------------------------------------------------------ divergence
def _exploding_regression():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 5))
    return X, X @ np.ones(5) * 100


# sgd: Adam's steps are bounded by its learning rate, and at 10 it did not
# diverge on this problem (it stops on no improvement)
@pytest.mark.parametrize("learning_rate_init", [0.1, 10.0])
def test_divergence_restores_the_best_epoch_and_warns(learning_rate_init):
    X, y = _exploding_regression()
    params = dict(
        solver="sgd", learning_rate_init=learning_rate_init, random_state=0, max_iter=50
    )
    est = MLPRegressor(**params)
    with pytest.warns(ConvergenceWarning, match="lower learning_rate_init"):
        est.fit(X, y)
    curve = est.loss_curve_
    assert np.isfinite(curve).all() and len(curve) < 50
    best_epoch = int(np.argmin(curve)) + 1
    assert best_epoch < len(curve)  # the loss had grown before it overflowed
    # the kept weights are those of the best epoch: a fit stopped there
    reference = quiet(MLPRegressor(**{**params, "max_iter": best_epoch}).fit, X, y)
    np.testing.assert_array_equal(est.predict(X), reference.predict(X))
    assert np.isfinite(est.predict(X)).all()


def test_nothing_finite_raises_and_leaves_estimator_unfitted():
    X = np.full((20, 2), 1e300)
    est = MLPRegressor(max_iter=5)
    with pytest.raises(ValueError, match="Solver produced non-finite parameter"):
        est.fit(X, np.arange(20.0))
    assert not hasattr(est, "coefs_") and not hasattr(est, "n_features_in_")


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_refit_that_produces_nothing_finite_keeps_the_previous_model(solver):
    est = fitted_regressor(solver=solver)
    before = pickle.loads(pickle.dumps(est))
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        quiet(est.fit, np.full((20, 4), 1e300), np.arange(20.0))
    assert_same(vars(est), vars(before))


def test_partial_fit_divergence_raises_and_keeps_the_previous_state():
    est = MLPRegressor(hidden_layer_sizes=(8,), random_state=0)
    for _ in range(3):
        est.partial_fit(X4, Y_REG)
    before = pickle.loads(pickle.dumps(est))
    with pytest.raises(ValueError, match="non-finite parameter weights"):
        est.partial_fit(np.full((20, 4), 1e300), np.arange(20.0))
    assert_same(vars(est), vars(before))
    est.partial_fit(X4, Y_REG)  # and training goes on from there
    assert est.t_ == 4 * 150


# ---------------------------------------------------------- interruption
class _InterruptAt:
    """Adam whose step raises (or signals) at call number ``at``."""

    def __init__(self, at, how):
        self.at, self.how, self.calls = at, how, 0
        self.original = Adam.step

    def __call__(self, opt, *args, **kwargs):
        self.calls += 1
        if self.calls == self.at:
            if self.how == "raise":
                raise KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)  # a real Ctrl-C
        return self.original(opt, *args, **kwargs)


def test_keyboard_interrupt_mid_update_keeps_a_usable_model(monkeypatch):
    hook = _InterruptAt(at=2 * 8 + 3, how="raise")  # 3rd batch of epoch 3
    monkeypatch.setattr(Adam, "step", lambda opt, *a, **k: hook(opt, *a, **k))
    est = MLPClassifier(hidden_layer_sizes=(8,), batch_size=20, random_state=0)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        est.fit(X4, Y3)
    assert est.n_iter_ == 2 and len(est.loss_curve_) == 2
    # the update in progress was rolled back to the best epoch's weights
    monkeypatch.setattr(Adam, "step", hook.original)
    reference = quiet(
        MLPClassifier(
            hidden_layer_sizes=(8,), batch_size=20, random_state=0, max_iter=2
        ).fit,
        X4,
        Y3,
    )
    np.testing.assert_array_equal(est.predict_proba(X4), reference.predict_proba(X4))
    quiet(est.partial_fit, X4, Y3)  # usable for more training


def test_ctrl_c_finishes_the_current_batch_then_stops(monkeypatch):
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        hook = _InterruptAt(at=8 + 5, how="signal")  # 5th batch of epoch 2
        monkeypatch.setattr(Adam, "step", lambda opt, *a, **k: hook(opt, *a, **k))
        est = MLPClassifier(hidden_layer_sizes=(8,), batch_size=20, random_state=0)
        with pytest.warns(UserWarning, match="after 1 complete epoch"):
            est.fit(X4, Y3)
        assert (
            est._train_state.optimizer.t == 8 + 5
        )  # the interrupted batch was completed
        assert est.n_iter_ == 1
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert np.isfinite(est.predict_proba(X4)).all()


def test_interrupted_early_stopping_keeps_the_best_validation_weights(monkeypatch):
    hook = _InterruptAt(at=6 * 7 + 1, how="raise")
    monkeypatch.setattr(Adam, "step", lambda opt, *a, **k: hook(opt, *a, **k))
    est = MLPClassifier(
        hidden_layer_sizes=(8,),
        batch_size=20,
        early_stopping=True,
        learning_rate_init=0.05,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X4, Y3)
    best = int(np.argmax(est.validation_scores_)) + 1
    monkeypatch.setattr(Adam, "step", hook.original)
    reference = quiet(
        MLPClassifier(
            hidden_layer_sizes=(8,),
            batch_size=20,
            early_stopping=True,
            learning_rate_init=0.05,
            random_state=0,
            max_iter=best,
        ).fit,
        X4,
        Y3,
    )
    np.testing.assert_array_equal(est.predict_proba(X4), reference.predict_proba(X4))


def test_keyboard_interrupt_during_lbfgs_keeps_the_best_evaluated_parameters(
    monkeypatch,
):
    from skdeep.nn.losses import Loss

    original, values, calls = Loss.forward, [], [0]

    def forward(loss, *args, **kwargs):
        calls[0] += 1
        if calls[0] == 25:
            raise KeyboardInterrupt
        values.append(original(loss, *args, **kwargs))
        return values[-1]

    monkeypatch.setattr(Loss, "forward", forward)
    est = MLPClassifier(
        solver="lbfgs", hidden_layer_sizes=(8,), alpha=0.0, random_state=0
    )
    with pytest.warns(UserWarning, match="interrupted by user"):
        est.fit(X4, Y3)
    monkeypatch.setattr(Loss, "forward", original)
    assert 0 < est.n_iter_ < 24
    # the kept parameters are the best evaluated ones: their loss is the minimum
    proba = est.predict_proba(X4)
    log_loss = -np.mean(np.log(proba[np.arange(150), Y3]))
    assert est.loss_ == min(values) < values[0]
    assert log_loss == pytest.approx(est.loss_, rel=1e-10)


# ----------------------------------------------------------- determinism
ALL_ON = dict(
    hidden_layer_sizes=(16, 8),
    dropout=0.3,
    batch_norm=True,
    early_stopping=True,
    shuffle=True,
    max_iter=15,
    random_state=42,
)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_same_random_state_gives_bit_identical_models(Estimator):
    y = Y3 if Estimator is MLPClassifier else Y_REG
    a = quiet(Estimator(**ALL_ON).fit, X4, y)
    b = quiet(Estimator(**ALL_ON).fit, X4, y)
    np.testing.assert_array_equal(a._network.params, b._network.params)
    np.testing.assert_array_equal(a._network.buffers, b._network.buffers)
    np.testing.assert_array_equal(a.predict(X4), b.predict(X4))
    assert a.validation_scores_ == b.validation_scores_
    c = quiet(Estimator(**{**ALL_ON, "random_state": 7}).fit, X4, y)
    assert not np.array_equal(a._network.params, c._network.params)


def test_search_results_do_not_depend_on_n_jobs():
    grid = {"alpha": [1e-4, 1e-2], "dropout": [0.0, 0.2]}
    results = []
    for n_jobs in (1, 2):
        search = GridSearchCV(
            MLPClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0),
            grid,
            cv=3,
            n_jobs=n_jobs,
        )
        quiet(search.fit, X4, Y3)
        results.append(search)
    np.testing.assert_array_equal(
        results[0].cv_results_["mean_test_score"],
        results[1].cv_results_["mean_test_score"],
    )
    np.testing.assert_array_equal(
        results[0].predict_proba(X4), results[1].predict_proba(X4)
    )


# ----------------------------------------------------------- persistence
PERSISTED = [
    lambda: fitted_classifier(),
    lambda: fitted_classifier(solver="lbfgs"),
    lambda: fitted_classifier(**{**ALL_ON, "activation": "gelu"}),
    lambda: fitted_regressor(solver="sgd", dtype="float32"),
]


@pytest.mark.parametrize("make", PERSISTED)
def test_pickle_and_joblib_round_trips_predict_identically(make):
    est = make()
    for restored in (
        pickle.loads(pickle.dumps(est)),
        _joblib_round_trip(est),
    ):
        np.testing.assert_array_equal(restored.predict(X4), est.predict(X4))
        assert_same(vars(restored), vars(est))


def _joblib_round_trip(est):
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


@pytest.mark.parametrize("make", PERSISTED)
def test_skops_round_trip_trusts_only_skdeep_types(make):
    sio = pytest.importorskip("skops.io")
    est = make()
    data = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted and all(name.startswith("skdeep.") for name in untrusted)
    restored = sio.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(restored.predict(X4), est.predict(X4))


def _skops_models():
    import pandas as pd

    from skdeep import (
        Autoencoder,
        TabularMLPClassifier,
        TabularMLPRegressor,
        TabularPreprocessor,
    )

    frame = pd.DataFrame(X4, columns=list("abcd")).assign(
        color=pd.Categorical(np.array(["red", "green", "blue"])[Y3])
    )
    frame.loc[::7, "a"] = np.nan
    tabular = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    return [
        (fitted_classifier(), X4),
        (fitted_regressor(), X4),
        (Autoencoder((2,), max_iter=3, random_state=0).fit(X4), X4),
        (TabularMLPClassifier(**tabular, n_heads=2).fit(frame, Y3), frame),
        (
            TabularMLPRegressor(
                **tabular, numerical_embedding="piecewise_linear"
            ).fit(frame, Y_REG),
            frame,
        ),
        (TabularPreprocessor(n_bins=4).fit(frame), frame),
    ]


def test_skops_recipe_of_the_readme_for_every_estimator(tmp_path):
    sio = pytest.importorskip("skops.io")
    for model, X in _skops_models():
        path = tmp_path / "model.skops"
        sio.dump(model, path)
        untrusted = sio.get_untrusted_types(file=path)
        assert all(name.startswith("skdeep.") for name in untrusted), untrusted
        loaded = sio.load(path, trusted=untrusted)
        method = "transform" if hasattr(model, "transform") else "predict"
        np.testing.assert_array_equal(
            getattr(loaded, method)(X), getattr(model, method)(X)
        )


def test_fitted_state_holds_only_the_model():
    """No caches, scratch or gradient buffers, generators, callbacks or
    open resources survive fit: the pickle is the parameters, the Adam
    moments and small metadata."""
    est = fitted_classifier(hidden_layer_sizes=(64, 64), verbose=False)
    net = est._network
    assert net.grads is None and "_buf" not in vars(est._train_state.optimizer)
    for layer in net.layers:
        assert "_cache" not in vars(layer) and getattr(layer, "rng", None) is None
    assert len(pickle.dumps(est)) < 3 * net.params.nbytes + 20_000  # params, m, v
    # partial_fit keeps its gradient and scratch buffers between calls (for
    # speed), never in what is saved
    est.partial_fit(X4, Y3)
    assert net.grads is not None and "_buf" in vars(est._train_state.optimizer)
    restored = pickle.loads(pickle.dumps(est))
    assert restored._network.grads is None
    assert "_buf" not in vars(restored._train_state.optimizer)
    assert len(pickle.dumps(est)) < 3 * net.params.nbytes + 20_000


# ---------------------------------------------------------- thread safety
def test_concurrent_predict_proba_matches_serial():
    X = np.random.default_rng(1).standard_normal((5000, 4))
    est = fitted_classifier(hidden_layer_sizes=(64, 32), batch_norm=True, dropout=0.2)
    expected = est.predict_proba(X)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: est.predict_proba(X), range(32)))
    for result in results:
        np.testing.assert_array_equal(result, expected)


# ---------------------------------------------------------------- memory
def test_repeated_fits_do_not_grow_memory():
    est = MLPClassifier(hidden_layer_sizes=(64,), max_iter=5, random_state=0)
    quiet(est.fit, X4, Y3)
    gc.collect()
    tracemalloc.start()
    try:
        quiet(est.fit, X4, Y3)
        gc.collect()
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(10):
            quiet(est.fit, X4, Y3)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    assert grown < 64_000, grown
