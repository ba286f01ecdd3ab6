"""scikit-learn's callbacks (``sklearn.callback``, scikit-learn >= 1.9) on
skdeep's estimators: epochs reported as tasks, nested under a search."""

import importlib.util
import pickle
import re
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn.callback")

from sklearn.base import BaseEstimator  # noqa: E402
from sklearn.callback import ProgressBar, ScoringMonitor  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402

import skdeep.estimators._sklearn_callbacks as bridge  # noqa: E402
from skdeep import MLPClassifier, MLPRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, y = make_classification(n_samples=60, n_features=4, random_state=0)


def _mlp(**params):
    params = {"hidden_layer_sizes": (5,), "max_iter": 5, "random_state": 0, **params}
    return MLPClassifier(**params)


class Recorder:
    """A callback recording every hook call: ``(hook, context, kwargs)``."""

    def __init__(self, stop_at=None, fail_at=None):
        self.record = []
        self.stop_at = stop_at
        self.fail_at = fail_at

    def __getstate__(self):
        # the records hold estimators and contexts: not worth pickling
        return {**self.__dict__, "record": []}

    def setup(self, estimator, context):
        self.record.append(("setup", context, {"estimator": estimator}))

    def teardown(self, estimator, context):
        self.record.append(("teardown", context, {"estimator": estimator}))

    def on_fit_task_begin(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        kwargs = {"X": X, "y": y, "metadata": metadata}
        self.record.append(("begin", context, {**kwargs, "fitted": fitted_estimator}))

    def on_fit_task_end(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        kwargs = {"X": X, "y": y, "metadata": metadata}
        self.record.append(("end", context, {**kwargs, "fitted": fitted_estimator}))
        if context.task_name == self.fail_at:
            raise RuntimeError("callback failed")
        return context.task_name == self.stop_at

    def hooks(self, *names):
        return [(hook, ctx) for hook, ctx, _ in self.record if hook in names]

    def epochs(self, hook):
        return [
            (ctx, kwargs)
            for name, ctx, kwargs in self.record
            if name == hook and ctx.task_name.startswith("epoch")
        ]


class PropagatedRecorder(Recorder):
    """Set on a meta-estimator, propagated to the estimators it fits."""

    max_propagation_depth = None


def _path(context):
    """The contexts from the root of the task tree down to ``context``."""
    path = [context]
    while path[0].parent is not None:
        path.insert(0, path[0].parent)
    return path


def test_epochs_are_tasks_of_the_fit():
    recorder = Recorder()
    est = _mlp().set_callbacks(recorder)
    est.fit(X, y)

    events = [
        (hook, ctx.task_name, ctx.task_id)
        for hook, ctx in recorder.hooks("setup", "begin", "end", "teardown")
    ]
    epochs = [
        event
        for i in range(5)
        for event in [("begin", f"epoch {i + 1}", i), ("end", f"epoch {i + 1}", i)]
    ]
    assert events == [
        ("setup", "fit", 0),
        ("begin", "fit", 0),
        *epochs,
        ("end", "fit", 0),
        ("teardown", "fit", 0),
    ]
    root = recorder.record[0][1]
    assert root.parent is None
    assert root.max_subtasks == 5 and root.estimator_name == "MLPClassifier"
    for ctx, _ in recorder.epochs("begin"):
        assert ctx.parent is root and ctx.max_subtasks == 0
        assert ctx.root_uuid == root.root_uuid
    assert list(root) == [root] + [ctx for ctx, _ in recorder.epochs("end")]


def test_hooks_receive_data_and_the_model_of_the_epoch():
    weights = np.linspace(0.5, 1.5, len(y))
    recorder = Recorder()
    est = _mlp().set_callbacks(recorder)
    est.fit(X, y, sample_weight=weights)

    ends = recorder.epochs("end")
    for i, (_, kwargs) in enumerate(ends):
        assert kwargs["X"] is X and kwargs["y"] is y  # as given to fit
        np.testing.assert_array_equal(kwargs["metadata"]["sample_weight"], weights)
        fitted = kwargs["fitted"]
        assert fitted is not est and fitted.n_iter_ == i + 1
        assert len(fitted.loss_curve_) == i + 1
        # the model of that epoch: as if fit had stopped there
        alone = _mlp(max_iter=i + 1).fit(X, y, sample_weight=weights)
        for a, b in zip(fitted.coefs_, alone.coefs_):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(fitted.predict_proba(X), alone.predict_proba(X))
    for a, b in zip(ends[-1][1]["fitted"].coefs_, est.coefs_):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(ends[0][1]["fitted"].coefs_[0], est.coefs_[0])


def test_scoring_monitor_scores_every_epoch():
    monitor = ScoringMonitor(scoring="accuracy")
    _mlp().set_callbacks(monitor).fit(X, y)

    rows = monitor.get_logs().data
    assert [row["task_name"] for row in rows] == ["fit"] + [
        f"epoch {i}" for i in range(1, 6)
    ]
    for i, row in enumerate(rows[1:]):
        assert row["task_id_path"] == (0, i)
        assert row["accuracy"] == _mlp(max_iter=i + 1).fit(X, y).score(X, y)
    assert rows[0]["accuracy"] == rows[-1]["accuracy"]


def test_scoring_monitor_regressor_with_feature_names():
    pd = pytest.importorskip("pandas")
    Xr, yr = make_regression(n_samples=40, n_features=3, random_state=0)
    frame = pd.DataFrame(Xr, columns=["a", "b", "c"])
    monitor = ScoringMonitor(scoring="r2")
    est = MLPRegressor(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        # scoring on the data as given: no "X does not have valid feature names"
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.set_callbacks(monitor).fit(frame, yr)
    rows = monitor.get_logs().data
    assert len(rows) == 4
    assert rows[0]["r2"] == pytest.approx(est.score(frame, yr))


def test_callback_can_stop_training():
    recorder = Recorder(stop_at="epoch 2")
    est = _mlp().set_callbacks(recorder)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopped, not capped
        est.fit(X, y)

    assert est.n_iter_ == 2 and len(est.loss_curve_) == 2
    assert [ctx.task_id for ctx, _ in recorder.epochs("begin")] == [0, 1]
    assert [ctx.task_id for ctx, _ in recorder.epochs("end")] == [0, 1]
    assert recorder.hooks("end")[-1][1].task_name == "fit"


def test_divergence_closes_every_task():
    rng = np.random.default_rng(0)
    Xr = rng.standard_normal((200, 5))
    yr = Xr @ np.ones(5) * 100
    recorder = Recorder()
    est = MLPRegressor(solver="sgd", learning_rate_init=10.0, max_iter=50)
    est.set_params(random_state=0).set_callbacks(recorder)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est.fit(Xr, yr)

    begun, ended = recorder.epochs("begin"), recorder.epochs("end")
    assert [ctx for ctx, _ in begun] == [ctx for ctx, _ in ended]
    n_epochs = len(est.loss_curve_)
    # the epoch that diverged began and ended, with no model to show
    assert len(ended) == n_epochs + 1 < 50
    assert ended[-1][1]["fitted"] is None
    assert all(kwargs["fitted"] is not None for _, kwargs in ended[:-1])
    # the fit ends with the weights kept: those of the best epoch
    root_end = recorder.record[-2]
    assert root_end[:2] == ("end", recorder.record[0][1])
    np.testing.assert_array_equal(root_end[2]["fitted"].predict(Xr), est.predict(Xr))


def test_nothing_finite_closes_every_task_and_tears_down():
    recorder = Recorder()
    est = MLPRegressor(max_iter=5).set_callbacks(recorder)
    with pytest.raises(ValueError, match="non-finite parameter"):
        est.fit(np.full((20, 2), 1e300), np.arange(20.0))

    assert [
        hook for hook, _ in recorder.hooks("setup", "begin", "end", "teardown")
    ] == [
        "setup",
        "begin",
        "begin",
        "end",
        "end",
        "teardown",
    ]
    assert not hasattr(est, "coefs_") and est._skl_callbacks == [recorder]


def test_partial_fit_is_a_one_epoch_task():
    recorder = Recorder()
    est = _mlp().set_callbacks(recorder)
    for _ in range(2):
        est.partial_fit(X, y, classes=np.unique(y))

    roots = [ctx for hook, ctx in recorder.hooks("setup")]
    assert [ctx.task_name for ctx in roots] == ["partial_fit", "partial_fit"]
    assert all(ctx.max_subtasks == 1 for ctx in roots)
    # epochs are numbered as in history_
    assert [ctx.task_name for ctx, _ in recorder.epochs("end")] == [
        "epoch 1",
        "epoch 2",
    ]
    assert [ctx.task_id for ctx, _ in recorder.epochs("end")] == [0, 0]


def test_lbfgs_fit_is_a_single_task():
    recorder = Recorder()
    est = _mlp(solver="lbfgs").set_callbacks(recorder)
    est.fit(X, y)

    hooks = [
        (hook, ctx.task_name, ctx.max_subtasks)
        for hook, ctx in recorder.hooks("setup", "begin", "end", "teardown")
    ]
    assert hooks == [
        ("setup", "fit", 0),
        ("begin", "fit", 0),
        ("end", "fit", 0),
        ("teardown", "fit", 0),
    ]
    fitted = recorder.record[2][2]["fitted"]
    assert fitted.n_iter_ == est.n_iter_
    np.testing.assert_array_equal(fitted.predict_proba(X), est.predict_proba(X))


def test_progress_bar(capsys):
    pytest.importorskip("rich")
    est = _mlp().set_callbacks(ProgressBar())
    est.fit(X, y)
    out = capsys.readouterr().out
    assert re.search(r"MLPClassifier - fit", out)
    assert re.search(r"100%", out)


def _search(n_jobs=None):
    return GridSearchCV(_mlp(max_iter=3), {"alpha": [1e-4, 1e-2]}, cv=2, n_jobs=n_jobs)


def test_grid_search_nests_the_epochs():
    recorder = PropagatedRecorder()
    search = _search().set_callbacks(recorder)
    search.fit(X, y)

    # propagated: set up once, by the search, on its root task
    assert len(recorder.hooks("setup")) == len(recorder.hooks("teardown")) == 1
    root = recorder.hooks("setup")[0][1]
    assert (root.estimator_name, root.task_name, root.parent) == (
        "GridSearchCV",
        "fit",
        None,
    )

    epochs = [ctx for ctx, _ in recorder.epochs("end")]
    assert len(epochs) == 5 * 3  # 2 candidates x 2 splits + the refit
    assert [ctx for ctx, _ in recorder.epochs("begin")] == epochs
    fits = {}
    for ctx in epochs:
        assert ctx.root_uuid == root.root_uuid
        path = _path(ctx)
        assert path[0] is root
        fit = path[-2]
        # the fit's root task is the search's task that fits it
        assert (fit.estimator_name, fit.task_name, fit.max_subtasks) == (
            "MLPClassifier",
            "fit",
            3,
        )
        assert fit.source_estimator_name == "GridSearchCV"
        fits.setdefault(id(fit), (fit, path))
    evaluations = [
        (fit, path)
        for fit, path in fits.values()
        if fit.source_task_name == "candidate-split-evaluation"
    ]
    refits = [
        (fit, path)
        for fit, path in fits.values()
        if fit.source_task_name == "refit-with-best-params"
    ]
    assert len(evaluations) == 4 and len(refits) == 1
    assert sorted(fit.task_id for fit, _ in evaluations) == [0, 1, 2, 3]
    for fit, path in evaluations:
        assert [(c.estimator_name, c.task_name) for c in path[:2]] == [
            ("GridSearchCV", "fit"),
            ("GridSearchCV", "search"),
        ]
        assert [c.task_id for c in list(fit)[1:]] == [0, 1, 2]
    fit, path = refits[0]
    assert path[0] is root and len(path) == 3 and fit.task_id == 1
    # one task tree: the search, its evaluations and refit, their epochs
    tree = list(root)
    assert len(tree) == 1 + 1 + 4 + 1 + 15
    assert all(ctx in tree for ctx in epochs)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_grid_search_with_callbacks_on_the_estimator(n_jobs):
    monitor = ScoringMonitor(scoring="accuracy")
    search = GridSearchCV(
        _mlp(max_iter=3).set_callbacks(monitor),
        {"alpha": [1e-4, 1e-2]},
        cv=2,
        n_jobs=n_jobs,
    )
    search.fit(X, y)

    # one run, the search's; its 5 fits of 3 epochs each, and their roots
    log = monitor.get_logs()
    assert log.estimator_name == "GridSearchCV"
    rows = log.data
    epochs = [row for row in rows if row["task_name"].startswith("epoch")]
    assert len(epochs) == 15
    assert sum(row["task_name"] == "fit" for row in rows) == 5
    assert {len(row["task_id_path"]) for row in epochs} == {3, 4}
    assert all(0 <= row["accuracy"] <= 1 for row in rows)


def test_grid_search_progress_bar(capsys):
    pytest.importorskip("rich")
    _search().set_callbacks(ProgressBar()).fit(X, y)
    out = capsys.readouterr().out
    assert "GridSearchCV - search" in out
    assert "candidate-split-evaluation | MLPClassifier - fit" in out
    assert "refit-with-best-params | MLPClassifier - fit" in out


def _callback_factories():
    factories = [
        pytest.param(Recorder, id="Recorder"),
        pytest.param(lambda: ScoringMonitor(scoring="accuracy"), id="ScoringMonitor"),
    ]
    if importlib.util.find_spec("rich") is not None:
        factories.append(pytest.param(ProgressBar, id="ProgressBar"))
    return factories


@pytest.mark.parametrize("factory", _callback_factories())
def test_pickle_after_fit(factory):
    est = _mlp().set_callbacks(factory())
    est.fit(X, y)
    assert not any(
        key in est.__dict__ for key in bridge.CALLBACK_ATTRIBUTES - {"_skl_callbacks"}
    )

    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    assert len(restored._skl_callbacks) == 1
    restored.fit(X, y)  # and fits again, with its callback


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_callbacks_do_not_change_training(solver):
    plain = _mlp(solver=solver).fit(X, y)
    assert not bridge.CALLBACK_ATTRIBUTES & set(plain.__dict__)

    watched = _mlp(solver=solver).set_callbacks(
        Recorder(), ScoringMonitor(scoring="accuracy")
    )
    watched.fit(X, y)
    assert watched.n_iter_ == plain.n_iter_
    assert watched.loss_ == plain.loss_
    for a, b in zip(
        watched.coefs_ + watched.intercepts_, plain.coefs_ + plain.intercepts_
    ):
        np.testing.assert_array_equal(a, b)


def test_failed_fit_tears_down_and_keeps_the_callbacks():
    recorder = Recorder(fail_at="epoch 2")
    monitor = ScoringMonitor(scoring="accuracy")
    est = _mlp().set_callbacks(recorder, monitor)
    with pytest.raises(RuntimeError, match="callback failed"):
        est.fit(X, y)

    assert len(recorder.hooks("setup")) == len(recorder.hooks("teardown")) == 1
    # the rollback keeps the user's callbacks, not copies of them
    assert est._skl_callbacks[0] is recorder and est._skl_callbacks[1] is monitor
    assert not hasattr(est, "_callback_fit_ctx")
    assert not hasattr(est, "n_iter_")  # rolled back: never fitted


def test_without_sklearn_callback_module(monkeypatch):
    """With a scikit-learn without ``sklearn.callback`` the seam is inert."""
    monkeypatch.setitem(sys.modules, "sklearn.callback", None)  # import fails
    spec = importlib.util.spec_from_file_location(
        "skdeep.estimators._sklearn_callbacks_without", bridge.__file__
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    assert not module.SKLEARN_CALLBACKS

    class Estimator(module.CALLBACK_MIXIN, BaseEstimator):
        def fit(self, X, y=None):
            return self

    assert not hasattr(Estimator(), "set_callbacks")
    assert module.fit_with_callbacks(Estimator.fit) is Estimator.fit
    est = _mlp()
    assert module.epoch_callback(est, 5, X=X, y=y) is None
    with module.fit_task(est, X=X, y=y):
        pass
    assert not bridge.CALLBACK_ATTRIBUTES & set(est.__dict__)
