"""The estimators' state across calls: what a review of the estimator layer
found wrong, each pinned down (warm starts after set_params, the cost of a
partial_fit stream, snapshots of device fits, unlabeled rows, gradient
checks of zero-initialized outputs, layer sizes, the multi-output loss, the
coefs_ list, a one-row trailing batch under batch normalization)."""

import pickle
import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from skdeep import (
    Autoencoder,
    MLPClassifier,
    MLPRegressor,
    TabularMLPClassifier,
    TabularMLPRegressor,
    check_gradients,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(200, 6, n_informative=4, n_classes=3, random_state=0)


def _softmax(Z):
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    return P / P.sum(axis=1, keepdims=True)


# ------------------------------------------------ warm start after set_params
def test_warm_start_computes_with_the_new_activation():
    est = MLPClassifier((8,), max_iter=20, random_state=0, warm_start=True).fit(X, y)
    est.set_params(activation="tanh").fit(X, y)
    (W0, W1), (b0, b1) = est.coefs_, est.intercepts_
    expected = _softmax(np.tanh(X @ W0 + b0) @ W1 + b1)  # as scikit-learn's MLP
    np.testing.assert_allclose(est.predict_proba(X), expected, rtol=1e-10)


def test_warm_start_adds_batch_norm_and_dropout():
    est = MLPClassifier((8, 4), max_iter=10, random_state=0, warm_start=True)
    est.fit(X, y)
    est.set_params(activation="tanh", batch_norm=True, dropout=0.5).fit(X, y)
    params = est.batch_norm_params_
    assert len(params) == 2
    assert all(p["running_var"].shape == (n,) for p, n in zip(params, (8, 4)))
    # the statistics moved from their fresh values: batch norm was trained
    assert not np.allclose(params[0]["running_mean"], 0)
    # dropout is on: two fits from the same state differ
    a = MLPClassifier((8,), max_iter=3, random_state=0, dropout=0.5).fit(X, y)
    b = MLPClassifier((8,), max_iter=3, random_state=0).fit(X, y)
    assert not np.array_equal(a.coefs_[0], b.coefs_[0])


def test_turning_batch_norm_off_folds_it_into_the_weights():
    est = MLPClassifier((8,), max_iter=20, random_state=0, warm_start=True)
    before = est.set_params(batch_norm=True).fit(X, y).predict_proba(X)
    # one epoch with a negligible step: the function is the folded one
    est.set_params(batch_norm=False, max_iter=1, learning_rate_init=1e-12).fit(X, y)
    assert not hasattr(est, "batch_norm_params_")
    np.testing.assert_allclose(est.predict_proba(X), before, atol=1e-9)


def test_partial_fit_follows_set_params_too():
    est = MLPClassifier((8,), random_state=0).partial_fit(X, y, classes=[0, 1, 2])
    est.set_params(activation="logistic").partial_fit(X, y)
    (W0, W1), (b0, b1) = est.coefs_, est.intercepts_
    hidden = 1 / (1 + np.exp(-(X @ W0 + b0)))
    np.testing.assert_allclose(
        est.predict_proba(X), _softmax(hidden @ W1 + b1), rtol=1e-10
    )


def test_warm_start_refuses_other_layer_sizes_and_keeps_the_model():
    est = MLPClassifier((8,), max_iter=5, random_state=0, warm_start=True).fit(X, y)
    weights = [W.copy() for W in est.coefs_]
    with pytest.raises(ValueError, match="layer sizes cannot change"):
        est.set_params(hidden_layer_sizes=(5,)).fit(X, y)
    for W, kept in zip(est.coefs_, weights):
        np.testing.assert_array_equal(W, kept)


def test_autoencoder_warm_start_follows_its_structure():
    data = np.random.default_rng(0).random((100, 6))
    ae = Autoencoder((3,), max_iter=5, random_state=0, warm_start=True).fit(data)
    ae.set_params(tied_weights=True, corruption=0.2, activation="tanh").fit(data)
    codes = np.tanh(data @ ae.coefs_[0] + ae.intercepts_[0])
    np.testing.assert_allclose(ae.transform(data), codes, rtol=1e-10)
    np.testing.assert_array_equal(ae.coefs_[1], ae.coefs_[0].T)  # tied now


# ------------------------------------------------------ partial_fit streams
def _peak_bytes(call):
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_partial_fit_cost_does_not_grow_with_the_calls_before():
    rng = np.random.default_rng(0)
    data = rng.standard_normal((8, 4))
    target = data @ rng.standard_normal(4)
    reg = MLPRegressor(hidden_layer_sizes=(16,), random_state=0)
    reg.partial_fit(data, target)
    early = _peak_bytes(lambda: reg.partial_fit(data, target))
    for _ in range(600):
        reg.partial_fit(data, target)
    late = _peak_bytes(lambda: reg.partial_fit(data, target))
    # nothing that grows with the 600 epochs of history is copied per call
    assert late < 1.5 * early + 4096, (early, late)


def test_failed_partial_fit_rolls_back_the_history_and_optimizer():
    reg = MLPRegressor(hidden_layer_sizes=(16,), random_state=0)
    for _ in range(5):
        reg.partial_fit(X, X[:, 0])
    history, t = reg.history_, reg._train_state.optimizer.t
    weights = [W.copy() for W in reg.coefs_]
    with pytest.raises(ValueError, match="NaN"):
        reg.partial_fit(X, np.full(len(X), np.nan))
    assert reg.history_ == history and reg._train_state.optimizer.t == t
    for W, kept in zip(reg.coefs_, weights):
        np.testing.assert_array_equal(W, kept)


# ---------------------------------------------------------- device snapshots
class _Checkpoints:
    """A scikit-learn callback pickling the model at the end of each epoch,
    while it trains."""

    def __init__(self):
        self.saved = []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None, **kw):
        if context.task_name.startswith("epoch"):
            self.saved.append(pickle.dumps(fitted_estimator))
        return False


def test_checkpoint_of_a_device_fit_pickles_and_trains_anywhere():
    torch = pytest.importorskip("torch")
    pytest.importorskip("sklearn.callback")
    checkpoints = _Checkpoints()
    est = MLPClassifier((5,), max_iter=3, random_state=0, device="cpu")
    est.set_callbacks(checkpoints).fit(X, y)
    loaded = pickle.loads(checkpoints.saved[1])  # taken during epoch 2
    optimizer = loaded._train_state.optimizer
    assert all(type(getattr(optimizer, n)) is np.ndarray for n in ("m", "v"))
    assert not isinstance(loaded._network.params, torch.Tensor)
    loaded.set_params(device=None).partial_fit(X, y)
    assert loaded.n_iter_ == 1 and len(loaded.loss_curve_) == 3


# ------------------------------------------------------------ unlabeled rows
def test_nan_marks_unlabeled_rows_of_a_classifier():
    marked = y.astype(float)
    marked[:50] = np.nan
    a = MLPClassifier((8,), max_iter=5, random_state=0, unlabeled=np.nan)
    a.fit(X, marked)
    b = MLPClassifier((8,), max_iter=5, random_state=0).fit(X[50:], y[50:])
    np.testing.assert_array_equal(a.classes_, [0.0, 1.0, 2.0])
    for Wa, Wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(Wa, Wb)


def test_the_marker_is_no_class_of_partial_fit():
    marked = y.copy()
    marked[:50] = -1
    clf = MLPClassifier((8,), unlabeled=-1, random_state=0)
    clf.partial_fit(X, marked, classes=np.unique(marked))  # -1 included
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict_proba(X).shape == (len(X), 3)


# -------------------------------------------------- gradients at zero output
@pytest.mark.parametrize(
    "estimator, target",
    [
        (TabularMLPRegressor, X[:, 0]),
        (TabularMLPClassifier, np.arange(len(X)) % 2),  # balanced
    ],
)
def test_gradient_check_of_zero_initialized_outputs(estimator, target):
    est = estimator(
        hidden_layer_sizes=(6,), n_frequencies=3, embedding_size=2, random_state=0
    )
    assert check_gradients(est, X[:20], target[:20]) < 1e-6


# ---------------------------------------------------------------- layer sizes
def test_no_hidden_layer_is_a_linear_tabular_model():
    clf = TabularMLPClassifier(hidden_layer_sizes=(), max_iter=2, random_state=0)
    clf.fit(X, y)
    assert clf.n_layers_ == 2 and len(clf.coefs_) == 1


def test_the_autoencoder_needs_a_code_layer():
    with pytest.raises(ValueError, match="at least 1 hidden layer"):
        Autoencoder(hidden_layer_sizes=()).fit(X)


@pytest.mark.parametrize("estimator", [MLPClassifier, TabularMLPClassifier])
def test_non_integer_layer_sizes_are_named(estimator):
    with pytest.raises((ValueError, TypeError), match=r"array-like of such ints"):
        estimator(hidden_layer_sizes=(10.0,)).fit(X, y)
    with pytest.raises(ValueError, match="must be > 0"):
        estimator(hidden_layer_sizes=(10, 0)).fit(X, y)


# -------------------------------------------------------- multi-output loss
def test_multi_output_loss_and_stopping_are_scikit_learns():
    rng = np.random.default_rng(0)
    data = rng.standard_normal((120, 5))
    targets = data @ rng.standard_normal((5, 3)) + 0.1 * rng.standard_normal((120, 3))
    common = dict(
        hidden_layer_sizes=(8,),
        solver="sgd",
        momentum=0.0,
        batch_size=120,  # full batches, in order: one trajectory
        shuffle=False,
        learning_rate_init=0.05,
        tol=1e-3,
        alpha=0.0,
        random_state=0,
    )
    theirs = SkMLPRegressor(**common, max_iter=1, warm_start=True).fit(data, targets)
    weights = [W.copy() for W in theirs.coefs_], [b.copy() for b in theirs.intercepts_]
    # both continue from the same weights with a fresh stopping rule
    theirs._no_improvement_count, theirs.best_loss_, theirs.loss_curve_ = 0, np.inf, []
    ours = MLPRegressor(**common, max_iter=1, warm_start=True).fit(data, targets)
    ours.coefs_, ours.intercepts_ = weights  # forgets the best epoch too
    for est in (theirs, ours):
        est.set_params(max_iter=500).fit(data, targets)
    assert ours.n_iter_ == theirs.n_iter_ < 500
    np.testing.assert_allclose(ours.loss_curve_[1:], theirs.loss_curve_, rtol=1e-9)


# ----------------------------------------------------------------- coefs_
def test_coefs_is_one_list_of_fixed_length():
    est = MLPClassifier((8,), max_iter=3, random_state=0).fit(X, y)
    coefs = est.coefs_
    assert est.coefs_ is coefs and est.intercepts_ is est.intercepts_
    for change in (
        lambda: coefs.append(coefs[0]),
        lambda: coefs.pop(),
        lambda: coefs.extend([]),
        lambda: coefs.insert(0, coefs[0]),
        lambda: coefs.clear(),
    ):
        with pytest.raises(TypeError, match="length cannot change"):
            change()
    assert len(est.coefs_) == 2
    est.fit(X, y)  # a new network: a new list
    assert est.coefs_ is not coefs and len(est.coefs_) == 2


# ------------------------------------------- one-row batch under batch norm
def test_one_row_trailing_batch_joins_the_batch_before_it():
    # 201 rows in batches of 100: the last row joins the second batch, so
    # every step trains the layers before the normalization
    data, target = make_classification(201, 6, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        bn = MLPClassifier((8,), batch_norm=True, batch_size=100, max_iter=4)
        bn.set_params(random_state=0).fit(data, target)
        plain = MLPClassifier((8,), batch_size=100, max_iter=4, random_state=0)
        plain.fit(data, target)
    assert bn._train_state.optimizer.t == 4 * 2  # two batches an epoch
    assert plain._train_state.optimizer.t == 4 * 3  # scikit-learn's batches
