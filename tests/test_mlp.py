"""Behaviour of the estimators, and parity with scikit-learn's MLP."""

import inspect
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_digits, load_iris, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor
from skdeep.estimators._base import NeuralEstimator

SKLEARN = {MLPClassifier: SkMLPClassifier, MLPRegressor: SkMLPRegressor}


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4))
    y = X[:, 0] - 2 * X[:, 1] ** 2 + 0.1 * rng.standard_normal(200)
    return X, y


def quiet_fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


# ------------------------------------------------------------ drop-in parity
@pytest.mark.parametrize(
    "ours, theirs", [(MLPClassifier, SkMLPClassifier), (MLPRegressor, SkMLPRegressor)]
)
def test_same_constructor_as_scikit_learn(ours, theirs):
    """scikit-learn's parameters come first, in order, with the same kinds and
    defaults; skdeep's additions follow as keyword-only parameters."""
    ours_sig = list(inspect.signature(ours.__init__).parameters.values())
    theirs_sig = list(inspect.signature(theirs.__init__).parameters.values())
    head = ours_sig[: len(theirs_sig)]
    assert [(p.name, p.kind, p.default) for p in head] == [
        (p.name, p.kind, p.default) for p in theirs_sig
    ]
    extra = ours_sig[len(theirs_sig) :]
    assert all(p.kind is p.KEYWORD_ONLY for p in extra)
    assert {p.name for p in extra} == {
        "dropout",
        "batch_norm",
        "batch_norm_stats",
        "weight_init",
        "rho",
        "plateau_factor",
        "plateau_patience",
        "dtype",
        "progress_bar",
        "device",
        "pretraining",
        "pretraining_max_iter",
        "pretraining_corruption",
        "unlabeled",
    } | ({"class_weight"} if ours is MLPClassifier else set())


@pytest.mark.parametrize(
    "params",
    [
        {"solver": "adam"},
        {"solver": "sgd"},
        {"solver": "lbfgs"},
        {"early_stopping": True},
    ],
)
@pytest.mark.parametrize(
    "ours, theirs", [(MLPClassifier, SkMLPClassifier), (MLPRegressor, SkMLPRegressor)]
)
def test_same_fitted_attributes_as_scikit_learn(iris, ours, theirs, params):
    X, y = iris
    a = quiet_fit(ours(max_iter=5, random_state=0, **params), X, y)
    b = quiet_fit(theirs(max_iter=5, random_state=0, **params), X, y)
    fitted = {k for k in vars(b) if k.endswith("_") and not k.startswith("_")}
    for name in fitted | {"coefs_", "intercepts_"}:
        assert hasattr(a, name), name
        if name not in ("loss_curve_", "validation_scores_"):
            assert isinstance(getattr(a, name), type(getattr(b, name))) or name in (
                "best_validation_score_",
                "loss_",
                "best_loss_",
            ), name
    assert [c.shape for c in a.coefs_] == [c.shape for c in b.coefs_]
    assert [c.shape for c in a.intercepts_] == [c.shape for c in b.intercepts_]
    assert a.out_activation_ == b.out_activation_
    assert (a.n_layers_, a.n_outputs_) == (b.n_layers_, b.n_outputs_)
    assert hasattr(a, "loss_curve_") == hasattr(b, "loss_curve_")


def test_partial_fit_hidden_for_lbfgs():
    assert not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    assert hasattr(MLPClassifier(), "partial_fit")
    with pytest.raises(AttributeError, match="has no attribute .partial_fit."):
        MLPClassifier(solver="lbfgs").partial_fit


def test_same_errors_as_scikit_learn(iris):
    X, y = iris
    for est in (
        MLPClassifier(hidden_layer_sizes=(0,)),
        SkMLPClassifier(hidden_layer_sizes=(0,)),
    ):
        with pytest.raises(ValueError, match="hidden_layer_sizes must be > 0"):
            est.fit(X, y)
    fitted = quiet_fit(MLPClassifier(max_iter=3), X, y)
    with pytest.raises(
        ValueError, match="X has 3 features, but MLPClassifier is expecting 4 features"
    ):
        fitted.predict(X[:, :3])
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier().partial_fit(X, y)
    clf = MLPClassifier().partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        clf.partial_fit(X, y)


def test_max_iter_convergence_warning(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        MLPClassifier(max_iter=3).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        MLPClassifier(solver="lbfgs", max_iter=3).fit(X, y)


def test_lbfgs_respects_max_fun(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning):
        clf = MLPClassifier(solver="lbfgs", max_fun=10, max_iter=1000).fit(X, y)
    assert clf.n_iter_ <= 10


def test_verbose_prints_one_row_per_epoch_in_sklearn_format(iris, capsys):
    X, y = iris
    clf = quiet_fit(
        MLPClassifier(max_iter=3, verbose=True, early_stopping=True, random_state=0),
        X,
        y,
    )
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 3
    pattern = re.compile(
        r"Iteration (\d+), loss = ([\d.]+) +\| valid loss +([\d.]+) \| valid "
        r"score +([\d.]+) \| lr ([\d.e+-]+) \| +[\d.]+ s( \*)?$"
    )
    for epoch, (row, record) in enumerate(zip(rows, clf.history_), start=1):
        match = pattern.match(row)
        assert match, row
        assert int(match[1]) == epoch
        assert float(match[2]) == pytest.approx(record["train_loss"], abs=1e-8)
        assert float(match[4]) == pytest.approx(record["valid_score"], abs=1e-6)
        assert float(match[5]) == pytest.approx(record["learning_rate"], rel=1e-3)
    # the columns line up, and the best epoch is marked
    assert len({row.index("| valid loss") for row in rows}) == 1
    best = int(np.argmax(clf.validation_scores_))
    assert rows[best].endswith(" *")


# ------------------------------------------------------------------ learning
def test_learns_digits_like_scikit_learn():
    X, y = load_digits(return_X_y=True)
    ours = cross_val_score(
        make_pipeline(StandardScaler(), MLPClassifier(random_state=0)), X, y, cv=3
    ).mean()
    theirs = cross_val_score(
        make_pipeline(StandardScaler(), SkMLPClassifier(random_state=0)), X, y, cv=3
    ).mean()
    assert ours > 0.93
    assert ours > theirs - 0.02


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_regressor_fits_nonlinear_function(regression, solver):
    X, y = regression
    params = {"learning_rate_init": 0.01} if solver != "lbfgs" else {}
    reg = quiet_fit(
        MLPRegressor(solver=solver, random_state=0, max_iter=300, **params), X, y
    )
    assert reg.score(X, y) > 0.9


def test_alpha_shrinks_weights_but_not_biases(regression):
    X, y = regression
    y = y + 10.0
    norms, biases = [], []
    for alpha in (1e-4, 10.0, 1e4):
        reg = quiet_fit(MLPRegressor(alpha=alpha, solver="lbfgs", random_state=0), X, y)
        norms.append(sum(float((W**2).sum()) for W in reg.coefs_))
        biases.append(float(reg.intercepts_[-1][0]))
    assert norms[0] > norms[1] > norms[2]
    # with weights crushed the output bias alone carries the mean of y
    assert norms[2] < 1e-2 * norms[0]
    assert biases[2] == pytest.approx(y.mean(), rel=0.05)


def test_early_stopping_restores_best_epoch(monkeypatch, iris):
    X, y = iris
    seen = []
    original = MLPClassifier._score_output

    def recording(self, Z, y_val, sw):
        score = original(self, Z, y_val, sw)
        seen.append((score, self._network.params.copy()))
        return score

    monkeypatch.setattr(MLPClassifier, "_score_output", recording)
    clf = quiet_fit(
        MLPClassifier(
            early_stopping=True,
            hidden_layer_sizes=(5,),
            learning_rate_init=0.1,
            validation_fraction=0.3,
            n_iter_no_change=5,
            random_state=1,
        ),
        X,
        y,
    )
    scores = [s for s, _ in seen]
    assert clf.validation_scores_ == scores
    best = int(np.argmax(scores))
    assert best < len(scores) - 1  # training went past the best epoch
    assert clf.best_validation_score_ == scores[best]
    np.testing.assert_array_equal(clf._network.params, seen[best][1])


def test_early_stopping_split_is_stratified(monkeypatch):
    X = np.arange(40, dtype=float).reshape(-1, 1)
    y = np.array([0] * 30 + [1] * 10)
    captured = {}
    original = MLPClassifier._score_output

    def capture(self, Z, y_val, sw):
        captured["y_val"] = y_val
        return original(self, Z, y_val, sw)

    monkeypatch.setattr(MLPClassifier, "_score_output", capture)
    quiet_fit(
        MLPClassifier(
            early_stopping=True, validation_fraction=0.2, max_iter=1, random_state=0
        ),
        X,
        y,
    )
    assert sorted(captured["y_val"]) == [0] * 6 + [1] * 2


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_early_stopping_with_tiny_data_raises_as_scikit_learn(Estimator, n_classes):
    # 10 rows leave 1 validation row: too small; a binary target is split
    # stratified, which fails first (one row cannot hold both classes)
    X, y = np.arange(10.0).reshape(-1, 1), np.arange(10) % n_classes
    messages = []
    for est in (
        Estimator(early_stopping=True),
        SKLEARN[Estimator](early_stopping=True),
    ):
        with pytest.raises(ValueError) as info:
            est.fit(X, y)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    binary_classifier = Estimator is MLPClassifier and n_classes == 2
    expected = (
        "greater or equal to the number of classes"
        if binary_classifier
        else ("The validation set is too small")
    )
    assert expected in messages[0]


def test_one_member_class_in_stratified_split_raises_as_scikit_learn():
    X = np.arange(40.0).reshape(-1, 1)
    y = np.array([0] * 39 + [1])
    errors = []
    for Estimator in (MLPClassifier, SkMLPClassifier):
        with pytest.raises(ValueError, match="least populated class") as info:
            Estimator(early_stopping=True, max_iter=5, random_state=0).fit(X, y)
        errors.append(str(info.value).split("Classes with too few members")[0])
    assert errors[0] == errors[1]


def test_multiclass_with_one_member_class_still_splits():
    # scikit-learn does not stratify multiclass targets and trains; so does
    # skdeep, stratifying only when every class can be split
    X = np.arange(60.0).reshape(-1, 1) / 60
    y = np.array([0] * 30 + [1] * 29 + [2])
    clf = quiet_fit(
        MLPClassifier(early_stopping=True, max_iter=3, random_state=0), X, y
    )
    assert len(clf.validation_scores_) == 3


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_partial_fit_refuses_early_stopping_as_scikit_learn(iris, Estimator):
    X, y = iris
    kwargs = {"classes": np.unique(y)} if Estimator is MLPClassifier else {}
    for est in (
        Estimator(early_stopping=True),
        SKLEARN[Estimator](early_stopping=True),
    ):
        with pytest.raises(ValueError, match="partial_fit does not support early_st"):
            est.partial_fit(X, y, **kwargs)
    est = Estimator(early_stopping=True)
    with pytest.raises(ValueError):
        est.partial_fit(X, y, **kwargs)
    assert not hasattr(est, "classes_") and not hasattr(est, "n_iter_")


def test_warm_start_continues_training(iris):
    X, y = iris
    clf = quiet_fit(MLPClassifier(max_iter=5, warm_start=True, random_state=0), X, y)
    first = clf._network.params.copy()
    curve = list(clf.loss_curve_)
    quiet_fit(clf, X, y)
    assert len(clf.loss_curve_) == 10 and clf.loss_curve_[:5] == curve
    assert clf.loss_curve_[5] < curve[0]
    assert not np.array_equal(first, clf._network.params)
    cold = quiet_fit(MLPClassifier(max_iter=5, random_state=0), X, y)
    assert cold.loss_curve_ == curve  # without warm_start fit starts over


def test_partial_fit_continues_training(iris):
    X, y = iris
    clf = MLPClassifier(random_state=0, learning_rate_init=0.01)
    losses = []
    for _ in range(20):
        clf.partial_fit(X, y, classes=[0, 1, 2])
        losses.append(clf.loss_)
    assert clf.t_ == 20 * len(X) and clf.n_iter_ == 1
    assert losses[-1] < 0.5 * losses[0]
    assert clf.score(X, y) > 0.9


def test_same_random_state_same_results(iris):
    X, y = iris
    kwargs = {"max_iter": 20, "early_stopping": True, "random_state": 7}
    a = quiet_fit(MLPClassifier(**kwargs), X, y)
    b = quiet_fit(MLPClassifier(**kwargs), X, y)
    c = quiet_fit(MLPClassifier(**{**kwargs, "random_state": 8}), X, y)
    np.testing.assert_array_equal(a._network.params, b._network.params)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert not np.array_equal(a._network.params, c._network.params)


def test_randomstate_instance_is_accepted(iris):
    X, y = iris
    rs = np.random.RandomState(0)
    a = quiet_fit(MLPClassifier(max_iter=3, random_state=rs), X, y)
    assert a.predict(X).shape == y.shape


# --------------------------------------------------------------- data kinds
def test_float32_in_float32_out(iris):
    X, y = iris
    clf = quiet_fit(MLPClassifier(max_iter=20, random_state=0), X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in clf.coefs_)
    assert clf.predict_proba(X.astype(np.float32)).dtype == np.float32
    clf64 = quiet_fit(MLPClassifier(max_iter=20, random_state=0), X.astype(int), y)
    assert clf64.coefs_[0].dtype == np.float64


@pytest.mark.parametrize("dtype", ["float32", np.float32])
def test_dtype_float32_on_float64_input(iris, dtype):
    X, y = iris
    params = dict(max_iter=30, random_state=0)
    clf = quiet_fit(MLPClassifier(dtype=dtype, **params), X, y)
    assert all(W.dtype == np.float32 for W in clf.coefs_ + clf.intercepts_)
    proba = clf.predict_proba(X)  # float64 input converted at prediction
    assert proba.dtype == np.float32
    # same initialization and trajectory as float64, to single precision
    ref = quiet_fit(MLPClassifier(**params), X, y)
    np.testing.assert_allclose(proba, ref.predict_proba(X), atol=2e-3)
    reg = quiet_fit(MLPRegressor(dtype="float32", max_iter=5), X, X[:, 0])
    assert reg.predict(X).dtype == np.float32


def test_dtype_float64_on_float32_input(iris):
    X, y = iris
    clf = quiet_fit(MLPClassifier(max_iter=5, dtype="float64"), X.astype("f4"), y)
    assert clf.coefs_[0].dtype == np.float64


def test_dtype_rejects_other_types(iris):
    X, y = iris
    with pytest.raises(ValueError, match="'dtype' parameter of MLPClassifier"):
        MLPClassifier(dtype="float16").fit(X, y)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_matches_dense(iris, fmt):
    X, y = iris
    dense = quiet_fit(MLPClassifier(max_iter=10, random_state=0), X, y)
    sparse = quiet_fit(
        MLPClassifier(max_iter=10, random_state=0), sp.csr_matrix(X).asformat(fmt), y
    )
    np.testing.assert_allclose(
        sparse.predict_proba(X), dense.predict_proba(X), rtol=1e-6, atol=1e-8
    )


def test_string_labels_and_binary_proba(iris):
    X, y = iris
    labels = np.array(["setosa", "other"])[(y > 0).astype(int)]
    clf = quiet_fit(MLPClassifier(max_iter=50, random_state=0), X, labels)
    assert list(clf.classes_) == ["other", "setosa"]
    assert set(clf.predict(X)) <= {"other", "setosa"}
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba))
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 1


def test_multilabel_classification():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    clf = quiet_fit(MLPClassifier(solver="lbfgs", random_state=0), X, Y)
    assert clf.predict(X).shape == Y.shape
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and ((proba > 0) & (proba < 1)).all()
    assert clf.score(X, Y) > 0.9


def test_multioutput_regression(regression):
    X, y = regression
    Y = np.column_stack([y, -y])
    reg = quiet_fit(MLPRegressor(solver="lbfgs", random_state=0), X, Y)
    assert reg.predict(X).shape == (200, 2)
    assert reg.score(X, Y) > 0.9


def test_poisson_regression():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (300, 2))
    y = rng.poisson(np.exp(1 + X[:, 0]))
    reg = quiet_fit(MLPRegressor(loss="poisson", solver="lbfgs", random_state=0), X, y)
    assert reg.out_activation_ == "exp"
    assert (reg.predict(X) > 0).all()
    np.testing.assert_allclose(reg.predict(X).mean(), y.mean(), rtol=0.05)
    with pytest.raises(ValueError, match="negative"):
        MLPRegressor(loss="poisson").fit(X, y - 10)


def test_pandas_feature_names(iris):
    X, y = iris
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = quiet_fit(MLPClassifier(max_iter=5), df, y)
    assert list(clf.feature_names_in_) == ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(df[["b", "a", "c", "d"]])


def test_sample_weight_equals_repetition(iris):
    X, y = iris
    kwargs = {"solver": "lbfgs", "random_state": 0, "max_iter": 50}
    weighted = quiet_fit(
        MLPClassifier(**kwargs),
        X,
        y,
        sample_weight=np.r_[np.full(75, 2.0), np.ones(75)],
    )
    repeated = quiet_fit(MLPClassifier(**kwargs), np.r_[X[:75], X], np.r_[y[:75], y])
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-5, atol=1e-7
    )


# ------------------------------------------------------------ ecosystem
def test_pipeline_search_clone_and_pickle(iris):
    X, y = iris
    search = GridSearchCV(
        make_pipeline(StandardScaler(), MLPClassifier(max_iter=30, random_state=0)),
        {"mlpclassifier__alpha": [1e-4, 1e-1]},
        cv=3,
        n_jobs=2,
    )
    quiet_fit(search, X, y)
    model = search.best_estimator_
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    # the restored network's fitted views still alias its parameters
    restored[-1].coefs_[0][...] = 0
    assert not restored[-1]._network.params[: restored[-1].coefs_[0].size].any()


def test_coefs_are_live_views(iris):
    X, y = iris
    clf = quiet_fit(MLPClassifier(max_iter=5, random_state=0), X, y)
    before = clf.predict_proba(X)
    for W in clf.coefs_:
        W *= 0
    for b in clf.intercepts_:
        b[...] = 0
    np.testing.assert_allclose(clf.predict_proba(X), 1 / 3)
    assert not np.allclose(before, 1 / 3)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_fitted_attributes_appear_only_with_fit(iris, Estimator):
    X, y = iris
    est = Estimator(max_iter=2, random_state=0)
    documented = [
        line.split(" : ")[0].strip()
        for line in Estimator.__doc__.split("Attributes\n")[1].splitlines()
        if " : " in line and line.split(" : ")[0].strip().endswith("_")
    ]
    assert {"coefs_", "intercepts_", "loss_curve_", "n_iter_"} <= set(documented)
    assert not any(hasattr(est, name) for name in documented)
    quiet_fit(est, X, y)
    optional = {
        "feature_names_in_",
        "batch_norm_params_",
        "best_validation_score_",
        "pretraining_loss_curves_",
    }
    missing = [n for n in documented if n not in optional and not hasattr(est, n)]
    assert missing == []
    assert isinstance(est, NeuralEstimator)


def test_divergence_keeps_last_finite_weights(regression):
    X, y = regression
    reg = MLPRegressor(solver="sgd", learning_rate_init=10, random_state=0, max_iter=50)
    with pytest.warns(ConvergenceWarning, match="lower learning_rate_init"):
        reg.fit(X, y * 100)
    assert np.isfinite(reg.predict(X)).all()


def test_non_finite_from_the_start_raises():
    X = np.full((20, 2), 1e300)
    y = np.arange(20.0)
    with pytest.raises(ValueError, match="Solver produced non-finite parameter"):
        MLPRegressor(max_iter=5).fit(X, y)
