"""Tests for skdeep.TrainingHistoryDisplay."""

import pickle
import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.image import imread  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402

from skdeep import MLPClassifier, MLPRegressor, TrainingHistoryDisplay  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def classification_data():
    return make_classification(n_samples=300, n_features=10, random_state=0)


@pytest.fixture(scope="module")
def early_stopping_clf(classification_data):
    """Early stopping with a plateau schedule: validated epochs, rate drops."""
    X, y = classification_data
    clf = MLPClassifier(
        hidden_layer_sizes=(20,),
        early_stopping=True,
        learning_rate="plateau",
        max_iter=60,
        random_state=0,
    )
    return clf.fit(X, y)


@pytest.fixture(scope="module")
def plain_regressor():
    """No validation set, invscaling schedule."""
    X, y = make_regression(n_samples=150, n_features=5, random_state=0)
    reg = MLPRegressor(
        hidden_layer_sizes=(10,),
        solver="sgd",
        learning_rate="invscaling",
        max_iter=15,
        random_state=0,
    )
    return reg.fit(X, y / 100)


def field(history, key, validated_only=False):
    records = [r for r in history if not validated_only or r[key] is not None]
    return [r["epoch"] for r in records], [r[key] for r in records]


def assert_line_matches(line, history, key, validated_only=False):
    epochs, values = field(history, key, validated_only)
    np.testing.assert_array_equal(line.get_xdata(), epochs)
    np.testing.assert_array_equal(line.get_ydata(), values)


def expected_rate_drops(history):
    return [
        cur["epoch"]
        for prev, cur in zip(history, history[1:])
        if cur["learning_rate"] < prev["learning_rate"]
    ]


def test_import_does_not_import_matplotlib():
    code = (
        "import sys, skdeep, skdeep.display; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_classifier_early_stopping_plateau(early_stopping_clf):
    history = early_stopping_clf.history_
    display = TrainingHistoryDisplay.from_estimator(early_stopping_clf)

    assert display is not None and display.history == history
    assert display.estimator_name == "MLPClassifier"
    assert set(display.lines_) == {
        "train_loss",
        "valid_loss",
        "valid_score",
        "learning_rate",
    }
    assert_line_matches(display.lines_["train_loss"], history, "train_loss")
    assert_line_matches(display.lines_["valid_loss"], history, "valid_loss", True)
    assert_line_matches(display.lines_["valid_score"], history, "valid_score", True)
    assert_line_matches(display.lines_["learning_rate"], history, "learning_rate")
    np.testing.assert_array_equal(display.epochs, [r["epoch"] for r in history])
    assert display.epochs[-1] == early_stopping_clf.n_iter_

    # the restored epoch: highest validation score, first one on ties
    scores = [r["valid_score"] for r in history]
    best = history[int(np.argmax(scores))]["epoch"]
    assert display.best_epoch == best
    assert history[best - 1]["valid_score"] == early_stopping_clf.best_validation_score_
    assert len(display.best_epoch_lines_) == 3
    for line, ax in zip(display.best_epoch_lines_, display.ax_):
        assert line.axes is ax
        np.testing.assert_array_equal(line.get_xdata(), [best, best])
        assert line.get_linestyle() == "--"
    _, labels = display.ax_[0].get_legend_handles_labels()
    assert f"best epoch {best}" in labels

    # rate drops of the plateau schedule, marked on the learning-rate panel
    drops = expected_rate_drops(history)
    assert drops, "the plateau schedule should have lowered the rate"
    np.testing.assert_array_equal(display.rate_drops, drops)
    markers = display.rate_drop_markers_
    assert markers.axes is display.ax_[2]
    np.testing.assert_array_equal(markers.get_xdata(), drops)
    np.testing.assert_array_equal(
        markers.get_ydata(), [history[e - 1]["learning_rate"] for e in drops]
    )
    assert display.ax_[2].get_yscale() == "log"

    # layout: three stacked panels sharing x, labelled and titled
    assert isinstance(display.ax_, np.ndarray) and display.ax_.shape == (3,)
    assert display.figure_ is display.ax_[0].figure
    assert display.ax_[0].get_shared_x_axes().joined(*display.ax_[:2])
    assert display.ax_[0].get_title() == "MLPClassifier"
    assert display.ax_[0].get_ylabel() == "loss"
    assert display.ax_[1].get_ylabel() == "validation score"
    assert display.ax_[2].get_ylabel() == "learning rate"
    assert display.ax_[2].get_xlabel() == "epoch"


def test_regressor_without_validation(plain_regressor):
    history = plain_regressor.history_
    assert all(r["valid_score"] is None for r in history)
    display = TrainingHistoryDisplay.from_estimator(plain_regressor)

    assert set(display.lines_) == {"train_loss", "learning_rate"}
    assert_line_matches(display.lines_["train_loss"], history, "train_loss")
    assert_line_matches(display.lines_["learning_rate"], history, "learning_rate")
    assert display.best_epoch is None
    assert display.best_epoch_lines_ == []
    assert np.isnan(display.valid_score).all()
    assert np.isnan(display.valid_loss).all()
    # the score panel says there is no score instead of drawing a line
    score_ax = display.ax_[1]
    assert not score_ax.get_lines()
    texts = [t.get_text() for t in score_ax.texts]
    assert any("no validation score" in t for t in texts)
    np.testing.assert_array_equal(display.rate_drops, expected_rate_drops(history))


def test_partial_fit_and_warm_start_continue_epochs(classification_data):
    X, y = classification_data
    clf = MLPClassifier(hidden_layer_sizes=(10,), random_state=0)
    for _ in range(3):
        clf.partial_fit(X, y, classes=[0, 1])
    clf.set_params(warm_start=True, early_stopping=True, max_iter=6).fit(X, y)
    history = clf.history_
    assert [r["epoch"] for r in history] == list(range(1, len(history) + 1))
    assert len(history) > 3

    display = TrainingHistoryDisplay.from_estimator(clf)
    np.testing.assert_array_equal(display.epochs, np.arange(1, len(history) + 1))
    assert_line_matches(display.lines_["train_loss"], history, "train_loss")
    assert_line_matches(display.lines_["learning_rate"], history, "learning_rate")
    # validation only in the warm-started call: the curves start at epoch 4
    assert_line_matches(display.lines_["valid_loss"], history, "valid_loss", True)
    assert_line_matches(display.lines_["valid_score"], history, "valid_score", True)
    assert display.lines_["valid_score"].get_xdata()[0] == 4
    scores = [
        -np.inf if r["valid_score"] is None else r["valid_score"] for r in history
    ]
    assert display.best_epoch == int(np.argmax(scores)) + 1


def test_best_epoch_and_rate_drops_from_records():
    def record(epoch, score, rate):
        return {
            "epoch": epoch,
            "train_loss": 1.0 / epoch,
            "valid_loss": None if score is None else 1.0 - score,
            "valid_score": score,
            "learning_rate": rate,
            "seconds": 0.01,
        }

    history = [
        record(1, None, 0.1),
        record(2, 0.5, 0.1),
        record(3, 0.7, 0.05),
        record(4, 0.7, 0.05),  # tie: the first one is the best
        record(5, 0.6, 0.1),  # a warm start resets the rate: not a drop
        record(6, 0.6, 0.025),
    ]
    display = TrainingHistoryDisplay(history=history)
    assert display.best_epoch == 3
    np.testing.assert_array_equal(display.rate_drops, [3, 6])
    display.plot(mark_best=False)
    assert display.best_epoch_lines_ == []
    assert display.ax_[0].get_title() == "Training history"
    # the display keeps its own copy of the records
    history[0]["train_loss"] = 123.0
    assert display.history[0]["train_loss"] == 1.0


def test_invalid_history_record():
    with pytest.raises(ValueError, match="lacks"):
        TrainingHistoryDisplay(history=[{"epoch": 1, "train_loss": 0.5}])


def test_renders_png(early_stopping_clf, tmp_path):
    display = TrainingHistoryDisplay.from_estimator(early_stopping_clf)
    assert display.plot() is display
    path = tmp_path / "history.png"
    display.figure_.savefig(path, dpi=50)
    assert path.stat().st_size > 0
    image = imread(path)
    rgb = image[..., :3]
    assert np.ptp(rgb) > 0.5
    non_white = np.any(rgb < 0.9, axis=-1).mean()
    assert non_white > 0.01


@pytest.mark.parametrize("shape", [(3,), (3, 1)])
def test_plot_on_given_axes(early_stopping_clf, shape):
    fig, axes = plt.subplots(*shape)
    given = list(np.ravel(axes))
    display = TrainingHistoryDisplay.from_estimator(early_stopping_clf, ax=axes)
    assert list(display.ax_) == given
    assert display.figure_ is fig
    assert display.lines_["train_loss"].axes is given[0]
    assert display.lines_["valid_score"].axes is given[1]
    assert display.lines_["learning_rate"].axes is given[2]


def test_plot_kwargs(early_stopping_clf):
    display = TrainingHistoryDisplay.from_estimator(
        early_stopping_clf,
        loss_kw={"c": "black", "lw": 3},
        score_kw={"color": "purple"},
        lr_kw={"drawstyle": "default"},
    )
    assert display.lines_["train_loss"].get_color() == "black"
    assert display.lines_["valid_loss"].get_linewidth() == 3
    assert display.lines_["valid_score"].get_color() == "purple"
    assert display.lines_["learning_rate"].get_drawstyle() == "default"


@pytest.mark.parametrize(
    "make_ax",
    [
        lambda: plt.subplots()[1],
        lambda: plt.subplots(2)[1],
        lambda: plt.subplots(2, 2)[1],
        lambda: ["a", "b", "c"],
    ],
    ids=["one-axes", "two-axes", "four-axes", "not-axes"],
)
def test_wrong_ax_raises(early_stopping_clf, make_ax):
    display = TrainingHistoryDisplay(history=early_stopping_clf.history_)
    with pytest.raises(ValueError, match="sequence of 3 matplotlib Axes"):
        display.plot(ax=make_ax())


def test_lbfgs_raises(classification_data):
    X, y = classification_data
    clf = MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=5)
    clf.fit(X, y)
    with pytest.raises(ValueError, match="stochastic solver"):
        TrainingHistoryDisplay.from_estimator(clf)


def test_unfitted_raises():
    with pytest.raises(NotFittedError):
        TrainingHistoryDisplay.from_estimator(MLPClassifier())


def test_missing_matplotlib(early_stopping_clf, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    display = TrainingHistoryDisplay(history=early_stopping_clf.history_)
    assert display.best_epoch is not None  # no matplotlib needed for the data
    with pytest.raises(ImportError, match=r"pip install 'scikit-deep\[plot\]'"):
        display.plot()
    with pytest.raises(ImportError, match="needs matplotlib"):
        TrainingHistoryDisplay.from_estimator(early_stopping_clf)


def test_estimator_still_pickles_after_plotting(early_stopping_clf):
    X, _ = make_classification(n_samples=20, n_features=10, random_state=1)
    before = early_stopping_clf.history_
    TrainingHistoryDisplay.from_estimator(early_stopping_clf)
    assert not any(
        isinstance(v, TrainingHistoryDisplay) for v in vars(early_stopping_clf).values()
    )
    restored = pickle.loads(pickle.dumps(early_stopping_clf))
    assert restored.history_ == before
    np.testing.assert_array_equal(
        restored.predict_proba(X), early_stopping_clf.predict_proba(X)
    )


def test_from_estimator_reads_the_mlp_of_a_pipeline_or_search():
    from sklearn.datasets import load_iris
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(max_iter=5, random_state=0))
    pipe.fit(X, y)
    search = GridSearchCV(pipe, {"mlpclassifier__alpha": [1e-4, 1e-2]}, cv=2)
    search.fit(X, y)
    for fitted, mlp in [(pipe, pipe[-1]), (search, search.best_estimator_[-1])]:
        display = TrainingHistoryDisplay.from_estimator(fitted)
        np.testing.assert_array_equal(
            display.lines_["train_loss"].get_ydata(), mlp.loss_curve_
        )
        assert display.ax_[0].get_title() == "MLPClassifier"
        plt.close(display.figure_)
