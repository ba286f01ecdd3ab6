"""Greedy layer-wise pre-training of the MLPs, and unlabeled rows."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import Autoencoder, MLPClassifier, MLPRegressor
from skdeep.recipes.affine import affine_arrays
from skdeep.recipes.pretraining import pretrain


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16.0, y[:600]


def semi_supervised(y, n_labeled, seed):
    """``y`` with all but ``n_labeled`` random rows marked -1."""
    rows = np.random.default_rng(seed).permutation(len(y))
    y_semi = np.full_like(y, -1)
    y_semi[rows[:n_labeled]] = y[rows[:n_labeled]]
    return y_semi, rows[n_labeled:]


def quiet_fit(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kwargs)


PRETRAINED = dict(pretraining="autoencoder", pretraining_corruption=0.0)


@parametrize_with_checks(
    [
        MLPClassifier((20, 10), pretraining_max_iter=2, **PRETRAINED),
        MLPRegressor(pretraining_max_iter=2, **PRETRAINED),
    ]
)
def test_sklearn_compatible_with_pretraining(estimator, check):
    check(estimator)


def test_layers_are_the_greedy_autoencoders_encoders(digits):
    X, y = digits
    est = MLPClassifier((12, 6), activation="tanh", random_state=0, **PRETRAINED)
    network, X, _, _ = est._unfitted(X, y)
    settings = est._pretraining_settings(X.shape[0], None)
    curves = pretrain(network, X, None, np.random.default_rng(7), settings)
    coefs = affine_arrays(network, "coefs_")
    intercepts = affine_arrays(network, "intercepts_")
    seeds = np.random.default_rng(7).integers(np.iinfo(np.int32).max, size=2)
    codes = X
    for k, (n_units, seed) in enumerate(zip((12, 6), seeds)):
        ae = Autoencoder(
            (n_units,),
            activation="tanh",
            tied_weights=True,
            loss="cross_entropy" if k == 0 else "squared_error",  # X in [0, 1]
            max_iter=10,
            n_iter_no_change=np.inf,
            random_state=int(seed),
        )
        ae.fit(codes)
        np.testing.assert_allclose(coefs[k], ae.coefs_[0], rtol=1e-12)
        np.testing.assert_allclose(intercepts[k], ae.intercepts_[0], rtol=1e-12)
        assert curves[k] == pytest.approx(ae.loss_curve_, rel=1e-12)
        codes = ae.transform(codes)


def test_reconstruction_loss_decreases_in_every_layer(digits):
    X, y = digits
    est = quiet_fit(
        MLPClassifier(
            (32, 16, 8),
            activation="logistic",
            max_iter=1,
            pretraining="autoencoder",
            pretraining_max_iter=15,
            learning_rate_init=0.01,
            random_state=0,
        ),
        X,
        y,
    )
    curves = est.pretraining_loss_curves_
    assert [len(curve) for curve in curves] == [15, 15, 15]
    for curve in curves:  # cross-entropy: its minimum is the inputs' entropy
        assert curve[-1] < 0.95 * curve[0]
        assert np.sum(np.diff(curve) < 0) >= 12


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_pretraining_is_reproducible_with_random_state(digits, Estimator):
    X, y = digits
    params = dict(
        hidden_layer_sizes=(10, 10),
        max_iter=5,
        pretraining="autoencoder",
        pretraining_max_iter=3,
        random_state=3,
    )
    a, b = (quiet_fit(Estimator(**params), X, y) for _ in range(2))
    assert a.pretraining_loss_curves_ == b.pretraining_loss_curves_
    for Wa, Wb in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(Wa, Wb)
    c = quiet_fit(Estimator(**{**params, "random_state": 4}), X, y)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_pretraining_starts_training_from_other_weights(digits):
    X, y = digits
    params = dict(hidden_layer_sizes=(10,), max_iter=1, random_state=0)
    plain = quiet_fit(MLPClassifier(**params), X, y)
    pretrained = quiet_fit(MLPClassifier(**params, pretraining="autoencoder"), X, y)
    assert not hasattr(plain, "pretraining_loss_curves_")
    assert len(pretrained.pretraining_loss_curves_) == 1
    assert np.abs(pretrained.coefs_[0] - plain.coefs_[0]).max() > 0.1


def test_unlabeled_rows_are_for_pretraining_only(digits):
    X, y = digits
    y_semi, unlabeled = semi_supervised(y, 200, seed=0)
    params = dict(hidden_layer_sizes=(16,), max_iter=30, random_state=0)
    est = quiet_fit(
        MLPClassifier(**params, pretraining="autoencoder", unlabeled=-1), X, y_semi
    )
    np.testing.assert_array_equal(est.classes_, np.arange(10))
    assert est.t_ == 30 * 200  # supervised epochs see the labeled rows only
    assert -1 not in est.predict(X)
    # without `unlabeled`, -1 is an ordinary class, as in scikit-learn
    plain = quiet_fit(MLPClassifier(**params, pretraining="autoencoder"), X, y_semi)
    assert plain.classes_[0] == -1
    # without pre-training, the unlabeled rows are left out: the same fit as
    # on the labeled rows alone
    dropped = quiet_fit(MLPClassifier(**params, unlabeled=-1), X, y_semi)
    labeled = y_semi != -1
    alone = quiet_fit(MLPClassifier(**params), X[labeled], y[labeled])
    for W, W_alone in zip(dropped.coefs_, alone.coefs_):
        np.testing.assert_array_equal(W, W_alone)


def test_unlabeled_object_labels(digits):
    X, y = digits
    y_semi, _ = semi_supervised(y, 100, seed=1)
    names = np.array([f"digit {v}" if v >= 0 else -1 for v in y_semi], dtype=object)
    est = quiet_fit(
        MLPClassifier(
            (8,), max_iter=3, random_state=0, pretraining="autoencoder", unlabeled=-1
        ),
        X,
        names,
    )
    assert len(est.classes_) == 10 and -1 not in list(est.classes_)


def test_regressor_rows_without_targets(digits):
    X, y = digits
    target = y.astype(float)
    target[200:] = np.nan
    est = quiet_fit(
        MLPRegressor(
            hidden_layer_sizes=(16,),
            max_iter=20,
            random_state=0,
            pretraining="autoencoder",
            unlabeled=np.nan,
        ),
        X,
        target,
    )
    assert est.t_ == 20 * 200
    assert np.isfinite(est.predict(X)).all()
    partly = np.column_stack([y, y]).astype(float)
    partly[0, 0] = np.nan  # a row with one target of two: an error, as usual
    with pytest.raises(ValueError, match="Input y contains NaN"):
        MLPRegressor(unlabeled=np.nan).fit(X, partly)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        MLPRegressor().fit(X, target)  # NaN marks rows only when asked to
    # another marker, several targets: rows with all targets missing
    both = np.column_stack([y, -y]).astype(float)
    both[200:] = -1.0
    est = quiet_fit(
        MLPRegressor(hidden_layer_sizes=(8,), max_iter=2, unlabeled=-1.0), X, both
    )
    assert est.t_ == 2 * 200


def test_semi_supervised_pretraining_helps_a_deep_sigmoid_net():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    gains = []
    for seed in range(2):
        y_semi, test = semi_supervised(y, 100, seed)
        labeled = y_semi != -1
        params = dict(
            hidden_layer_sizes=(64,) * 4,
            activation="logistic",
            learning_rate_init=0.01,
            batch_size=32,
            max_iter=300,
            n_iter_no_change=30,
            random_state=seed,
        )
        plain = quiet_fit(MLPClassifier(**params), X[labeled], y[labeled])
        pretrained = quiet_fit(
            MLPClassifier(
                **params,
                pretraining="autoencoder",
                pretraining_max_iter=15,
                unlabeled=-1,
            ),
            X,
            y_semi,
        )
        gains.append(pretrained.score(X[test], y[test]) - plain.score(X[test], y[test]))
    assert min(gains) > 0.05


def test_errors_leave_the_model_unchanged(digits):
    X, y = digits
    est = quiet_fit(MLPClassifier((5,), max_iter=2, random_state=0), X, y)
    weights = [W.copy() for W in est.coefs_]
    with pytest.raises(ValueError, match="batch_norm=False"):
        est.set_params(pretraining="autoencoder", batch_norm=True).fit(X, y)
    with pytest.raises(TypeError, match="dense data"):
        est.set_params(batch_norm=False).fit(sp.csr_matrix(X), y)
    with pytest.raises(ValueError, match="All 600 samples are unlabeled"):
        est.set_params(unlabeled=-1).fit(X, np.full_like(y, -1))
    for W, W0 in zip(est.coefs_, weights):
        np.testing.assert_array_equal(W, W0)
    assert not hasattr(est, "pretraining_loss_curves_")


def test_warm_start_and_partial_fit(digits):
    X, y = digits
    est = quiet_fit(
        MLPClassifier(
            (8,), max_iter=3, random_state=0, pretraining="autoencoder", warm_start=True
        ),
        X,
        y,
    )
    curves = est.pretraining_loss_curves_
    quiet_fit(est, X, y)  # continues: no second pre-training
    assert est.pretraining_loss_curves_ is curves
    inc = clone(est).set_params(warm_start=False)
    inc.partial_fit(X[:300], y[:300], classes=np.arange(10))
    first = inc.pretraining_loss_curves_
    inc.partial_fit(X[300:], y[300:])
    assert inc.pretraining_loss_curves_ is first


def test_float32_stays_float32(digits):
    X, y = digits
    est = quiet_fit(
        MLPClassifier((8, 4), max_iter=2, random_state=0, pretraining="autoencoder"),
        X.astype(np.float32),
        y,
    )
    assert all(W.dtype == np.float32 for W in est.coefs_)
    assert est.predict_proba(X.astype(np.float32)).dtype == np.float32
