"""The schedules over training (RealMLP's recipe): learning rate, dropout
rate and weight decay as functions of the fraction of the budget done, set
before every batch; checked at t = 0, 1/2, 1 and against what the trainer
actually used (spies on the optimizer's step and the dropout layers, and a
hand-written loop)."""

import math

import numpy as np
import pytest

from skdeep.nn import SGD, Adam, Dense, Dropout, Sequential
from skdeep.nn.layers import Tanh
from skdeep.nn.losses import SoftmaxCrossEntropy
from skdeep.train import (
    CosineLearningRate,
    DropoutSchedule,
    Trainer,
    TrainingData,
    TrainState,
    WeightDecaySchedule,
    schedule_factor,
    train,
)

N, BATCH, EPOCHS = 100, 32, 3
N_BATCHES = 4  # ceil(100 / 32)
BUDGET = EPOCHS * N_BATCHES


def _data(seed=0, n=N):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    return TrainingData(X, np.eye(2)[labels])


def _net(dropout=(), seed=0):
    layers = [Dense(3, 8), Tanh()]
    layers += [Dropout(p) for p in dropout]
    net = Sequential([*layers, Dense(8, 2)])
    net.initialize(np.random.default_rng(seed))
    return net


def _state(net, optimizer=None):
    optimizer = optimizer or Adam(0.01)
    optimizer.init(net.params)
    return TrainState(optimizer)


def _run(net, state, callbacks=(), seed=1, max_epochs=EPOCHS, data=None, **kw):
    kw.setdefault("batch_size", BATCH)
    return train(
        net, SoftmaxCrossEntropy(), state, data or _data(), callbacks,
        rng=np.random.default_rng(seed), max_epochs=max_epochs, **kw,
    )


def _spy_steps(optimizer):
    """Record (learning_rate, decay) at every optimizer step."""
    calls = []
    step = type(optimizer).step

    def spy(params, grads, decay=0.0, n_decay=0):
        calls.append((optimizer.learning_rate, decay))
        step(optimizer, params, grads, decay, n_decay)

    optimizer.step = spy
    return calls


def _expected(fn):
    return [fn(j / BUDGET) for j in range(BUDGET)]


# ---- the shapes ------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, at_0, at_half, at_1",
    [
        ("constant", 1.0, 1.0, 1.0),
        ("linear", 1.0, 0.5, 0.0),
        ("cos", 1.0, 0.5, 0.0),
        ("flat_cos", 1.0, 1.0, 0.0),
        ("coslog4", 0.0, 0.5 * (1 - math.cos(2 * math.pi * math.log2(8.5))), 0.0),
    ],
)
def test_shapes_at_start_middle_and_end(kind, at_0, at_half, at_1):
    got = [schedule_factor(kind, t) for t in (0.0, 0.5, 1.0)]
    assert got == pytest.approx([at_0, at_half, at_1], abs=1e-12)


def test_shapes_in_between():
    assert schedule_factor("flat_cos", 0.25) == 1.0
    assert schedule_factor("flat_cos", 0.75) == pytest.approx(0.5)
    assert schedule_factor("cos", 0.25) == pytest.approx((1 + math.sqrt(0.5)) / 2)
    # coslog4: peaks where log2(1 + 15 t) is 1/2, 3/2, 5/2, 7/2; zeros at the
    # integers (t = 1/15, 3/15, 7/15 are the ends of the first three cycles)
    for k in (0.5, 1.5, 2.5, 3.5):
        assert schedule_factor("coslog4", (2**k - 1) / 15) == pytest.approx(1.0)
    for k in (1, 2, 3):
        assert schedule_factor("coslog4", (2**k - 1) / 15) == pytest.approx(
            0.0, abs=1e-12
        )
    assert schedule_factor("coslog2", 1 / 3) == pytest.approx(0.0, abs=1e-12)
    assert schedule_factor(lambda t: t * t, 0.5) == 0.25
    assert schedule_factor("cos", 2.0) == 0.0 and schedule_factor("cos", -1) == 1.0


@pytest.mark.parametrize("kind", ["cosine", "coslog", "coslog0", "flat"])
def test_unknown_shapes_are_refused(kind):
    with pytest.raises(ValueError, match="unknown schedule kind"):
        CosineLearningRate(0.1, kind=kind)
    with pytest.raises(ValueError, match="unknown schedule kind"):
        schedule_factor(kind, 0.5)


def test_learning_rate_factor_with_warmup_and_floor():
    schedule = CosineLearningRate(0.1)
    assert [schedule.factor(t) for t in (0, 0.5, 1)] == pytest.approx([1, 0.5, 0])
    schedule = CosineLearningRate(0.1, warmup=0.2, final_fraction=0.1)
    assert schedule.factor(0.0) == 0.0
    assert schedule.factor(0.1) == pytest.approx(0.5)
    assert schedule.factor(0.2) == pytest.approx(1.0)
    assert schedule.factor(0.6) == pytest.approx(0.1 + 0.9 * 0.5)
    assert schedule.factor(1.0) == pytest.approx(0.1)
    coslog = CosineLearningRate(0.1, kind="coslog4")
    assert coslog.factor(0.5) == pytest.approx(schedule_factor("coslog4", 0.5))
    with pytest.raises(ValueError, match="warmup"):
        CosineLearningRate(0.1, warmup=1.0)


def test_bad_bases_are_refused():
    with pytest.raises(ValueError, match="dropout"):
        DropoutSchedule(1.0)
    with pytest.raises(ValueError, match="weight decay"):
        WeightDecaySchedule(-1e-3)


# ---- what the trainer uses -------------------------------------------------


@pytest.mark.parametrize("kind", ["cos", "coslog4"])
def test_trainer_steps_with_the_scheduled_learning_rate(kind):
    net = _net()
    state = _state(net, SGD(0.1, momentum=0.9))
    calls = _spy_steps(state.optimizer)
    schedule = CosineLearningRate(0.2, warmup=0.1, kind=kind)
    _run(net, state, [schedule])
    expected = _expected(lambda t: 0.2 * schedule.factor(t))
    assert [lr for lr, _ in calls] == pytest.approx(expected, abs=0)
    # t = 0 (start: warmup from 0), t = 1/2, and the end of the budget
    assert calls[0][0] == 0.0
    assert calls[BUDGET // 2][0] == pytest.approx(0.2 * schedule.factor(0.5))
    assert schedule.t == 1.0 and schedule.value == pytest.approx(
        0.2 * schedule.factor(1.0)
    )
    # the history has the rate of each epoch's first batch; restored after
    assert state.column("learning_rate") == expected[::N_BATCHES]
    assert state.optimizer.learning_rate == 0.1


def test_learning_rate_base_defaults_to_the_optimizers():
    net = _net()
    state = _state(net, Adam(0.01))
    calls = _spy_steps(state.optimizer)
    _run(net, state, [CosineLearningRate(restore=False)])
    expected = _expected(lambda t: 0.01 * schedule_factor("cos", t))
    assert [lr for lr, _ in calls] == expected
    assert state.optimizer.learning_rate == 0.0  # t = 1, not restored


def test_dropout_layers_use_the_scheduled_rate():
    net = _net(dropout=(0.5, 0.2))
    layers = [layer for layer in net.layers if isinstance(layer, Dropout)]
    seen = {id(layer): [] for layer in layers}
    for layer in layers:
        forward = layer.forward

        def spy(X, training=False, layer=layer, forward=forward):
            out = forward(X, training)
            if training:
                mask = layer._cache
                kept = np.unique(mask[mask > 0])
                # the mask was drawn with the rate the layer has now
                np.testing.assert_allclose(kept, 1 / (1 - layer.p))
                seen[id(layer)].append(layer.p)
            return out

        layer.forward = spy
    schedule = DropoutSchedule()  # base: each layer's own rate; flat_cos
    _run(net, _state(net), [schedule])
    for layer, base in zip(layers, (0.5, 0.2)):
        rates = seen[id(layer)]
        assert rates == _expected(lambda t: base * schedule_factor("flat_cos", t))
        assert rates[0] == base  # t = 0
        assert rates[BUDGET // 2] == base  # t = 1/2: still flat
        assert rates[-1] == pytest.approx(base * schedule_factor("flat_cos", 11 / 12))
        assert layer.p == base  # restored
    assert schedule.value == (0.0, 0.0)  # t = 1


def test_dropout_schedule_with_an_explicit_base_sets_every_layer():
    net = _net(dropout=(0.5, 0.2))
    schedule = DropoutSchedule(0.3, kind="cos", restore=False)
    _run(net, _state(net), [schedule], max_epochs=2)
    final = 0.3 * schedule_factor("cos", 1.0)
    assert [layer.p for layer in net.layers if isinstance(layer, Dropout)] == [
        final, final,
    ]
    _run(_net(), _state(_net()), [DropoutSchedule(0.3)])  # no dropout: fine


def test_weight_decay_schedule_sets_the_decay_of_each_step():
    net = _net()
    state = _state(net, SGD(0.05))
    calls = _spy_steps(state.optimizer)
    schedule = WeightDecaySchedule(1e-2)
    trainer = _run(net, state, [schedule], alpha=1e-3)
    sizes = [BATCH, BATCH, BATCH, N - 3 * BATCH] * EPOCHS
    alphas = _expected(lambda t: 1e-2 * schedule_factor("flat_cos", t))
    assert [d for _, d in calls] == [a / s for a, s in zip(alphas, sizes)]
    assert alphas[0] == alphas[BUDGET // 2] == 1e-2 and alphas[-1] < 1e-3
    assert trainer.alpha == 1e-3  # restored
    # base None: the trainer's alpha
    net = _net()
    state = _state(net, SGD(0.05))
    calls = _spy_steps(state.optimizer)
    _run(net, state, [WeightDecaySchedule(kind="linear")], alpha=1e-3)
    alphas = _expected(lambda t: 1e-3 * (1 - t))
    assert [d for _, d in calls] == [a / s for a, s in zip(alphas, sizes)]


def test_schedules_match_a_hand_written_loop():
    data = _data()
    lr = CosineLearningRate(0.05, warmup=0.25, final_fraction=0.01)
    wd = WeightDecaySchedule(1e-2)
    net = _net()
    _run(net, _state(net, SGD(0.05)), [lr, wd], alpha=0.0)

    manual = _net()
    state = _state(manual, SGD(0.05))
    trainer = Trainer(manual, SoftmaxCrossEntropy(), state, None, batch_size=BATCH)
    rng, j = np.random.default_rng(1), 0
    for _ in range(EPOCHS):
        order = rng.permutation(N)
        for start in range(0, N, BATCH):
            rows = order[start : start + BATCH]
            t = j / BUDGET
            state.optimizer.learning_rate = 0.05 * lr.factor(t)
            trainer.alpha = 1e-2 * schedule_factor("flat_cos", t)
            trainer.train_batch(data.X[rows], data.y[rows])
            j += 1
    np.testing.assert_array_equal(net.params, manual.params)


def test_constant_schedules_leave_training_bit_identical():
    reference = _net(dropout=(0.3,))
    _run(reference, _state(reference), alpha=1e-3)
    net = _net(dropout=(0.3,))
    callbacks = [
        CosineLearningRate(kind="constant"),
        DropoutSchedule(kind="constant"),
        WeightDecaySchedule(kind="constant"),
    ]
    _run(net, _state(net), callbacks, alpha=1e-3)
    np.testing.assert_array_equal(net.params, reference.params)


def test_budget_in_epochs_spans_runs_of_one_epoch():
    """``epochs=``: one schedule over several runs (partial_fit's runs)."""
    net = _net()
    state = _state(net, SGD(0.1))
    calls = _spy_steps(state.optimizer)
    schedule = CosineLearningRate(epochs=EPOCHS)
    for _ in range(EPOCHS + 1):
        _run(net, state, [schedule], max_epochs=1)
        assert state.optimizer.learning_rate == 0.1  # restored between runs
    rates = [lr for lr, _ in calls]
    expected = _expected(lambda t: 0.1 * schedule.factor(t))
    assert rates[:BUDGET] == pytest.approx(expected)
    assert rates[BUDGET:] == [0.0] * N_BATCHES  # past the budget: t = 1


def test_early_stopped_run_stops_partway_along_the_schedule():
    from skdeep.train import Callback

    class StopAfterOne(Callback):
        def on_epoch_end(self, trainer):
            trainer.stop = True

    net = _net()
    state = _state(net, SGD(0.1))
    calls = _spy_steps(state.optimizer)
    schedule = CosineLearningRate(restore=False)
    _run(net, state, [schedule, StopAfterOne()])
    assert len(calls) == N_BATCHES
    assert schedule.t == N_BATCHES / BUDGET
    assert state.optimizer.learning_rate == 0.1 * schedule.factor(1 / EPOCHS)
