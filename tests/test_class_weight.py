"""class_weight (scikit-learn's semantics) and metadata routing of
sample_weight."""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, make_scorer, recall_score
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skdeep import MLPClassifier


def quiet(method, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return method(*args, **kwargs)


@pytest.fixture(scope="module")
def imbalanced():
    X, y = make_classification(2000, 10, weights=[0.95], flip_y=0.02, random_state=0)
    return train_test_split(X, y, stratify=y, random_state=0)


def _params(**kwargs):
    return dict(hidden_layer_sizes=(16,), max_iter=15, random_state=0, **kwargs)


@pytest.mark.parametrize(
    "class_weight", ["balanced", {0: 1.0, 1: 5.0}, {1: 3.0}], ids=repr
)
def test_class_weight_equals_the_sample_weight_it_stands_for(imbalanced, class_weight):
    X, _, y, _ = imbalanced
    user = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    weighted = quiet(
        MLPClassifier(**_params(class_weight=class_weight)).fit, X, y, user
    )
    expected = compute_sample_weight(class_weight, y) * user
    plain = quiet(MLPClassifier(**_params()).fit, X, y, sample_weight=expected)
    np.testing.assert_allclose(weighted.predict_proba(X), plain.predict_proba(X))
    assert weighted.loss_curve_ == pytest.approx(plain.loss_curve_, rel=1e-12)


def test_balanced_weights_raise_minority_recall(imbalanced):
    X, X_test, y, y_test = imbalanced
    recalls = {}
    for class_weight in (None, "balanced"):
        clf = quiet(
            MLPClassifier(
                hidden_layer_sizes=(32,),
                max_iter=100,
                random_state=0,
                class_weight=class_weight,
            ).fit,
            X,
            y,
        )
        recalls[class_weight] = recall_score(y_test, clf.predict(X_test))
    assert recalls["balanced"] > recalls[None]


def test_multilabel_class_weights():
    X, Y = make_multilabel_classification(200, 6, n_classes=3, random_state=0)
    for class_weight in ("balanced", [{1: 2.0}, {0: 0.5}, {1: 3.0}]):
        weighted = quiet(MLPClassifier(**_params(class_weight=class_weight)).fit, X, Y)
        expected = compute_sample_weight(class_weight, Y)
        plain = quiet(MLPClassifier(**_params()).fit, X, Y, sample_weight=expected)
        np.testing.assert_allclose(weighted.predict_proba(X), plain.predict_proba(X))
    with pytest.raises(ValueError, match="list of dicts"):
        MLPClassifier(class_weight={1: 2.0}).fit(X, Y)


def test_class_weight_with_early_stopping_weighs_the_validation_score(imbalanced):
    X, _, y, _ = imbalanced
    params = _params(early_stopping=True)
    weighted = quiet(MLPClassifier(class_weight="balanced", **params).fit, X, y)
    expected = compute_sample_weight("balanced", y)
    plain = quiet(MLPClassifier(**params).fit, X, y, sample_weight=expected)
    assert weighted.validation_scores_ == plain.validation_scores_
    unweighted = quiet(MLPClassifier(**params).fit, X, y)
    assert weighted.validation_scores_ != unweighted.validation_scores_


def test_partial_fit_takes_dict_weights_and_refuses_balanced(imbalanced):
    X, _, y, _ = imbalanced
    chunks = np.array_split(np.arange(len(y)), 3)
    a = MLPClassifier(**_params(class_weight={1: 4.0}))
    b = MLPClassifier(**_params())
    for rows in chunks:
        a.partial_fit(X[rows], y[rows], classes=[0, 1])
        b.partial_fit(X[rows], y[rows], classes=[0, 1], sample_weight=1 + 3.0 * y[rows])
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X))
    clf = MLPClassifier(class_weight="balanced")
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        clf.partial_fit(X, y, classes=[0, 1])
    assert not hasattr(clf, "classes_")


def test_all_zero_class_weights_raise(imbalanced):
    X, _, y, _ = imbalanced
    with pytest.raises(ValueError, match="at least one non-zero"):
        MLPClassifier(class_weight={0: 0.0, 1: 0.0}).fit(X, y)


# --------------------------------------------------------- metadata routing
@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def _routed_pipeline(**params):
    return make_pipeline(
        StandardScaler().set_fit_request(sample_weight=False),
        MLPClassifier(**_params(**params))
        .set_fit_request(sample_weight=True)
        .set_score_request(sample_weight=True),
    )


def test_sample_weight_routes_to_fit_and_score(routing, imbalanced):
    X, X_test, y, y_test = imbalanced
    sw = compute_sample_weight("balanced", y)
    pipe = quiet(_routed_pipeline().fit, X, y, sample_weight=sw)
    scaled = StandardScaler().fit(X)
    direct = quiet(MLPClassifier(**_params()).fit, scaled.transform(X), y, sw)
    np.testing.assert_allclose(
        pipe.predict_proba(X_test), direct.predict_proba(scaled.transform(X_test))
    )
    sw_test = compute_sample_weight("balanced", y_test)
    expected = accuracy_score(y_test, pipe.predict(X_test), sample_weight=sw_test)
    assert pipe.score(X_test, y_test, sample_weight=sw_test) == expected
    assert expected != pipe.score(X_test, y_test)


def test_sample_weight_routes_through_cross_validate_and_grid_search(
    routing, imbalanced
):
    X, _, y, _ = imbalanced
    sw = compute_sample_weight("balanced", y)
    scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = cross_validate(
            _routed_pipeline(), X, y, cv=2, scoring=scorer, params={"sample_weight": sw}
        )
        search = GridSearchCV(
            _routed_pipeline(),
            {"mlpclassifier__alpha": [1e-4, 1e-2]},
            cv=2,
            scoring=scorer,
        ).fit(X, y, sample_weight=sw)
        plain = cross_validate(
            make_pipeline(StandardScaler(), MLPClassifier(**_params())), X, y, cv=2
        )
    assert not np.allclose(weighted["test_score"], plain["test_score"])
    row = list(search.cv_results_["param_mlpclassifier__alpha"]).index(1e-4)
    np.testing.assert_allclose(
        [search.cv_results_[f"split{i}_test_score"][row] for i in range(2)],
        weighted["test_score"],
    )
