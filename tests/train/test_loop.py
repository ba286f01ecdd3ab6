import numpy as np
import pytest

from skdeep.nn import SGD, Adam, Dense, Sequential
from skdeep.nn.layers import Tanh
from skdeep.nn.losses import SoftmaxCrossEntropy, SquaredError
from skdeep.train import Callback, InvScaling, PlateauMonitor, Trainer


def _problem(seed=0, n=120):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, np.eye(2)[labels]


def _trainer(callbacks=(), optimizer=None, seed=0, **kwargs):
    net = Sequential([Dense(3, 8), Tanh(), Dense(8, 2)])
    rng = np.random.default_rng(seed)
    net.initialize(rng)
    optimizer = optimizer or Adam(0.01)
    optimizer.init(net.params)
    return Trainer(
        net,
        SoftmaxCrossEntropy(),
        optimizer,
        rng,
        batch_size=32,
        callbacks=callbacks,
        **kwargs,
    )


def test_training_decreases_the_loss_and_records_history():
    X, y = _problem()
    trainer = _trainer().run(X, y, max_epochs=30)
    assert trainer.epoch == 30 and len(trainer.loss_curve) == 30
    assert trainer.loss_curve[-1] < 0.5 * trainer.loss_curve[0]
    assert trainer.n_samples_seen == 30 * 120


def test_epoch_loss_is_mean_of_batch_losses_weighted_by_size():
    X, y = _problem(n=50)
    losses = []

    class Recorder(Trainer):
        def train_batch(self, X, y, sample_weight=None):
            losses.append((super().train_batch(X, y, sample_weight), len(X)))
            return losses[-1][0]

    net = Sequential([Dense(3, 2)])
    net.initialize(np.random.default_rng(0))
    opt = SGD(0.1)
    opt.init(net.params)
    trainer = Recorder(
        net, SoftmaxCrossEntropy(), opt, np.random.default_rng(0), batch_size=20
    ).run(X, y)
    assert [n for _, n in losses] == [20, 20, 10]
    assert trainer.loss_curve[0] == pytest.approx(sum(v * n for v, n in losses) / 50)


def test_callback_stop_flag_ends_training():
    class StopAtThree(Callback):
        def on_epoch_end(self, trainer):
            trainer.stop = trainer.epoch == 3

    X, y = _problem()
    assert _trainer([StopAtThree()]).run(X, y, max_epochs=50).epoch == 3


def test_plateau_monitor_stops_after_patience():
    calls = []

    def on_plateau(trainer, message):
        calls.append((trainer.epoch, message))
        return True

    monitor = PlateauMonitor(tol=0.0, patience=2, on_plateau=on_plateau)
    trainer = _trainer([monitor])
    trainer.loss_curve = []

    for epoch, loss in enumerate([1.0, 0.5, 0.6, 0.7, 0.55], start=1):
        trainer.epoch = epoch
        trainer.loss_curve.append(loss)
        monitor.on_epoch_end(trainer)
    # epochs 3, 4, 5 do not beat 0.5: the count passes patience=2 at epoch 5
    assert [e for e, _ in calls] == [5]
    assert "Training loss did not improve" in calls[0][1]
    assert trainer.stop


def test_plateau_monitor_restores_best_validation_state():
    scores = []
    monitor = PlateauMonitor(tol=0.0, patience=100, on_plateau=None, scores=scores)
    trainer = _trainer([monitor])
    states = []
    for score in [0.5, 0.9, 0.7]:
        trainer.net.params += 1.0
        states.append(trainer.net.get_state())
        scores.append(score)
        monitor.on_epoch_end(trainer)
    monitor.on_train_end(trainer)
    np.testing.assert_array_equal(trainer.net.params, states[1][0])


def test_invscaling_schedule():
    X, y = _problem(n=40)
    opt = SGD(0.5)
    trainer = _trainer([InvScaling(0.5, 0.5)], optimizer=opt).run(X, y, max_epochs=2)
    assert opt.learning_rate == pytest.approx(0.5 / (80 + 1) ** 0.5)
    assert trainer.epoch == 2


def test_divergence_restores_last_finite_parameters():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3)) * 1e3
    y = rng.standard_normal((64, 1)) * 1e3
    net = Sequential([Dense(3, 16), Tanh(), Dense(16, 1)])
    net.initialize(rng)
    opt = SGD(learning_rate=10.0)
    opt.init(net.params)
    trainer = Trainer(net, SquaredError(), opt, rng, batch_size=16).run(
        X, y, max_epochs=20
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
    trainer = _trainer([CtrlC()]).run(X, y, max_epochs=10)
    assert trainer.interrupted and trainer.epoch == 2
    assert np.isfinite(trainer.net.params).all()


def test_zero_weight_batch_is_skipped():
    X, y = _problem(n=40)
    trainer = _trainer()
    before = trainer.net.get_state()
    assert trainer.train_batch(X[:8], y[:8], np.zeros(8)) is None
    np.testing.assert_array_equal(trainer.net.params, before[0])
