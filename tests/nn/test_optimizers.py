import numpy as np
import pytest

from skdeep.nn import SGD, Adam


def test_sgd_classical_momentum_by_hand():
    opt = SGD(learning_rate=0.1, momentum=0.5, nesterov=False)
    w = np.array([1.0, -1.0])
    opt.init(w)
    opt.step(w, np.array([2.0, 4.0]))  # v = -0.1 * g = [-0.2, -0.4]
    np.testing.assert_allclose(w, [0.8, -1.4])
    opt.step(w, np.array([2.0, 4.0]))  # v = 0.5 v - 0.1 g = [-0.3, -0.6]
    np.testing.assert_allclose(w, [0.5, -2.0])


def test_sgd_nesterov_by_hand():
    opt = SGD(learning_rate=0.1, momentum=0.5, nesterov=True)
    w = np.array([1.0])
    opt.init(w)
    opt.step(w, np.array([2.0]))
    # v = -0.2; step = 0.5 * v - 0.1 * g = -0.1 - 0.2 = -0.3
    np.testing.assert_allclose(w, [0.7])
    opt.step(w, np.array([1.0]))
    # v = 0.5 * -0.2 - 0.1 = -0.2; step = -0.1 - 0.1 = -0.2
    np.testing.assert_allclose(w, [0.5])


def test_adam_two_steps_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    opt = Adam(lr, b1, b2, eps)
    w = np.array([0.5, -0.5])
    opt.init(w)
    g1, g2 = np.array([1.0, -2.0]), np.array([0.5, 3.0])
    m = (1 - b1) * g1
    v = (1 - b2) * g1**2
    w_ref = w - lr * np.sqrt(1 - b2) / (1 - b1) * m / (np.sqrt(v) + eps)
    opt.step(w, g1)
    np.testing.assert_allclose(w, w_ref)
    m = b1 * m + (1 - b1) * g2
    v = b2 * v + (1 - b2) * g2**2
    w_ref = w_ref - lr * np.sqrt(1 - b2**2) / (1 - b1**2) * m / (np.sqrt(v) + eps)
    opt.step(w, g2)
    np.testing.assert_allclose(w, w_ref)
    assert opt.t == 2


@pytest.mark.parametrize("opt", [SGD(0.1), Adam(0.1)])
def test_float32_parameters_stay_float32(opt):
    w = np.ones(3, dtype=np.float32)
    opt.init(w)
    opt.step(w, np.full(3, 0.5, dtype=np.float32))
    assert w.dtype == np.float32 and opt.__dict__["_buf"].dtype == np.float32
