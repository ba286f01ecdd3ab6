import math

import numpy as np
import pytest

from skdeep.nn import SGD, Adam, Dense, Sequential
from skdeep.nn.layers import Tanh
from skdeep.nn.losses import SoftmaxCrossEntropy, SquaredError
from skdeep.train import (
    HISTORY_FIELDS,
    Callback,
    EarlyStopping,
    InvScaling,
    ReduceLROnPlateau,
    Trainer,
    TrainingData,
    TrainState,
    Validation,
    train,
)


def _problem(seed=0, n=120):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, np.eye(2)[labels]


def _setup(optimizer=None, seed=0, monitor="train_loss"):
    net = Sequential([Dense(3, 8), Tanh(), Dense(8, 2)])
    rng = np.random.default_rng(seed)
    net.initialize(rng)
    optimizer = optimizer or Adam(0.01)
    optimizer.init(net.params)
    return net, TrainState(optimizer, monitor), rng


def _train(data, callbacks=(), max_epochs=1, optimizer=None, **kwargs):
    net, state, rng = _setup(optimizer)
    return train(
        net,
        SoftmaxCrossEntropy(),
        state,
        data,
        callbacks,
        rng=rng,
        max_epochs=max_epochs,
        batch_size=32,
        **kwargs,
    )


def test_training_decreases_the_loss_and_records_history():
    X, y = _problem()
    trainer = _train(TrainingData(X, y), max_epochs=30)
    history = trainer.state.history
    assert trainer.epoch == 30 and len(history) == 30
    assert [r["epoch"] for r in history] == list(range(1, 31))
    assert all(set(r) == set(HISTORY_FIELDS) for r in history)
    assert history[-1]["train_loss"] < 0.5 * history[0]["train_loss"]
    assert history[0]["valid_loss"] is None and history[0]["valid_score"] is None
    assert all(r["learning_rate"] == 0.01 and r["seconds"] > 0 for r in history)
    assert trainer.state.n_samples_seen == 30 * 120


def test_history_continues_across_runs_and_records_validation():
    X, y = _problem()
    net, state, rng = _setup(monitor="valid_score")
    loss = SoftmaxCrossEntropy()
    score = lambda Z: float(np.mean(Z.argmax(1) == y[:40].argmax(1)))  # noqa: E731
    data = TrainingData(
        X[40:], y[40:], validation=Validation(X[:40], y[:40], None, score)
    )
    for _ in range(2):
        train(net, loss, state, data, rng=rng, max_epochs=3, batch_size=32)
    assert [r["epoch"] for r in state.history] == [1, 2, 3, 4, 5, 6]
    last = state.history[-1]
    Z = net.forward(X[:40])
    assert last["valid_score"] == score(Z)
    assert last["valid_loss"] == pytest.approx(loss.forward(Z, y[:40]), rel=1e-12)
    scores = state.column("valid_score")
    assert state.best_value == max(scores)
    assert state.best_epoch == 1 + scores.index(max(scores))


def test_epoch_loss_is_mean_of_batch_losses_weighted_by_size():
    X, y = _problem(n=50)
    losses = []

    class Recorder(Trainer):
        def train_batch(self, X, y, sample_weight=None, weight_sum=None):
            loss = super().train_batch(X, y, sample_weight, weight_sum)
            losses.append((loss, len(X)))
            return losses[-1][0]

    net = Sequential([Dense(3, 2)])
    net.initialize(np.random.default_rng(0))
    opt = SGD(0.1)
    opt.init(net.params)
    trainer = Recorder(
        net,
        SoftmaxCrossEntropy(),
        TrainState(opt),
        np.random.default_rng(0),
        batch_size=20,
    ).run(TrainingData(X, y))
    assert [n for _, n in losses] == [20, 20, 10]
    expected = sum(v * n for v, n in losses) / 50
    assert trainer.state.history[0]["train_loss"] == pytest.approx(expected)


def test_callback_stop_flag_ends_training():
    class StopAtThree(Callback):
        def on_epoch_end(self, trainer):
            trainer.stop = trainer.epoch == 3

    X, y = _problem()
    assert _train(TrainingData(X, y), [StopAtThree()], max_epochs=50).epoch == 3


def _replay(values, callbacks, monitor="train_loss"):
    """Feed a sequence of monitored values through the policies; return the
    learning rate in effect at each epoch and the trainer."""
    net, state, rng = _setup(SGD(0.1), monitor=monitor)
    trainer = Trainer(net, SquaredError(), state, rng, callbacks=callbacks)
    trainer.stop, trainer.epoch, rates = False, 0, []
    for value in values:
        rates.append(state.learning_rate)
        trainer.epoch += 1
        state.record(train_loss=value, valid_score=value, learning_rate=rates[-1])
        for callback in callbacks:
            callback.on_epoch_end(trainer)
    return rates, trainer


def test_early_stopping_stops_after_patience(capsys):
    # epochs 3, 4, 5 do not beat 0.5: the count passes patience=2 at epoch 5
    rates, trainer = _replay(
        [1.0, 0.5, 0.6, 0.7, 0.55], [EarlyStopping(2, tol=0.0, verbose=True)]
    )
    assert trainer.stop and trainer.state.counters["stopping"] == 3
    assert "Training loss did not improve more than tol=0.000000 for 2" in (
        capsys.readouterr().out
    )
    _, trainer = _replay([1.0, 0.5, 0.6, 0.7], [EarlyStopping(2, tol=0.0)])
    assert not trainer.stop


def test_tol_decides_what_counts_as_improvement():
    _, trainer = _replay([1.0, 0.95, 0.9, 0.85], [EarlyStopping(2, tol=0.1)])
    assert trainer.stop  # 0.05 steps are below tol=0.1
    assert trainer.state.best_value == 0.85  # yet the best value is tracked


def test_early_stopping_restores_best_validation_epoch():
    net, state, rng = _setup(monitor="valid_score")
    trainer = Trainer(net, SquaredError(), state, rng)
    trainer.epoch, params = 0, []
    stopping = EarlyStopping(100, tol=0.0)
    for score in [0.5, 0.9, 0.7]:
        if state.best_epoch == state.epoch and state.best_params is None:
            state.best_params = net.get_state()  # as the loop does
        net.params += 1.0
        params.append(net.params.copy())
        trainer.epoch += 1
        state.record(train_loss=1.0, valid_score=score, learning_rate=0.1)
        stopping.on_epoch_end(trainer)
    stopping.on_train_end(trainer)
    np.testing.assert_array_equal(net.params, params[1])
    assert trainer.restored_epoch == 2


def test_reduce_lr_on_plateau_divides_exactly_after_patience():
    losses = [1.0, 0.5, 0.6, 0.6, 0.6, 0.4, 0.7, 0.7, 0.7, 0.7]
    rates, trainer = _replay(losses, [ReduceLROnPlateau(2.0, 2, tol=0.0)])
    # epochs 3, 4, 5 fail to beat 0.5 (more than patience=2): halved after 5;
    # epochs 7, 8, 9 fail to beat 0.4: halved after 9
    assert rates == [0.1] * 5 + [0.05] * 4 + [0.025]
    assert not trainer.stop


def test_reduce_lr_stops_at_min_lr_like_scikit_learn_adaptive():
    policy = ReduceLROnPlateau(5.0, 0, min_lr=0.01, stop_at_min_lr=True, tol=0.0)
    rates, trainer = _replay([1.0, 1.1, 1.2], [policy])
    assert rates == pytest.approx([0.1, 0.1, 0.02]) and not trainer.stop
    rates, trainer = _replay([1.0, 1.1, 1.2, 1.3], [policy])
    # 0.1 -> 0.02 -> 0.004 (<= min_lr): the next plateau stops
    assert trainer.stop and math.isclose(trainer.state.learning_rate, 0.004)


def test_invscaling_schedule():
    X, y = _problem(n=40)
    opt = SGD(0.5)
    trainer = _train(TrainingData(X, y), [InvScaling(0.5, 0.5)], 2, optimizer=opt)
    assert opt.learning_rate == pytest.approx(0.5 / (80 + 1) ** 0.5)
    assert [r["learning_rate"] for r in trainer.state.history] == pytest.approx(
        [0.5, 0.5 / 41**0.5]
    )


def test_divergence_restores_best_parameters():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3)) * 1e3
    y = rng.standard_normal((64, 1)) * 1e3
    net = Sequential([Dense(3, 16), Tanh(), Dense(16, 1)])
    net.initialize(rng)
    opt = SGD(learning_rate=10.0)
    opt.init(net.params)
    trainer = train(
        net,
        SquaredError(),
        TrainState(opt),
        TrainingData(X, y),
        rng=rng,
        max_epochs=20,
        batch_size=16,
    )
    assert trainer.diverged
    assert np.isfinite(net.params).all()
    assert trainer.epoch < 20


def test_keyboard_interrupt_stops_cleanly():
    class CtrlC(Callback):
        def on_epoch_end(self, trainer):
            if trainer.epoch == 2:
                raise KeyboardInterrupt

    X, y = _problem()
    trainer = _train(TrainingData(X, y), [CtrlC()], max_epochs=10)
    assert trainer.interrupted and trainer.epoch == 2
    assert np.isfinite(trainer.net.params).all()


def test_zero_weight_batch_is_skipped():
    X, y = _problem(n=40)
    net, state, rng = _setup()
    trainer = Trainer(net, SoftmaxCrossEntropy(), state, rng)
    before = net.get_state()
    assert trainer.train_batch(X[:8], y[:8], np.zeros(8)) is None
    np.testing.assert_array_equal(net.params, before[0])
