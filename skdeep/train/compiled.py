"""When a run trains with the compiled epoch, and how it is bound.

:class:`~skdeep.train.Trainer` asks :func:`compiled_epoch` once per run.
The answer is an :class:`~skdeep.backend._epoch.EpochProgram` bound to the
network's parameter views, or None to train batch by batch in Python. The
compiled epoch applies to a network of Dense layers with biases, each
hidden one followed by an ``identity``, ``relu``, ``tanh`` or ``logistic``
activation, on the NumPy backend, with a softmax, logistic or squared-error
loss without label smoothing, Adam or SGD, dense input, and no policy acting
after every batch (a progress bar over batches).

With ``skdeep.set_config(compiled_epoch='auto')`` (the default) it is used
where it is faster: numba is installed and the run may take
:data:`MIN_BATCHES` batches or more (its epochs times its batches per
epoch). Loading the cached kernel costs 0.3 to 0.6 s once per process
(compiling it, once per installation, some 8 s); it saves about 0.12 ms a
batch on a 20-64-64-2 network. The choice depends on the run alone, never
on what the process did before, so a seed gives the same weights in any
process. ``True`` uses it wherever it applies, ``False`` never.
"""

import numpy as np

from ..backend import NUMPY, _epoch
from ..backend.config import _CONFIG
from ..nn.layers import Activation, Dense
from ..nn.losses import BinaryCrossEntropy, SoftmaxCrossEntropy, SquaredError
from ..nn.optimizers import SGD, Adam

__all__ = ["MIN_BATCHES", "compiled_epoch"]

#: int: batches a run may take from which 'auto' loads the compiled epoch.
MIN_BATCHES = 2000

_LOSSES = (SoftmaxCrossEntropy, BinaryCrossEntropy, SquaredError)


def compiled_epoch(trainer, data, max_epochs):
    """The compiled epoch of ``trainer``'s run on ``data``, or None.

    Parameters
    ----------
    trainer : Trainer
        The run (its network, loss, optimizer and policies).
    data : TrainingData
        The training rows, on the network's backend.
    max_epochs : int
        The bound on the run's epochs.

    Returns
    -------
    program : EpochProgram or None
    """
    setting = _CONFIG["compiled_epoch"]
    if setting is False:
        return None
    activations = _hidden_activations(trainer.net.layers)
    if activations is None or not _applies(trainer, data):
        return None
    if setting == "auto" and not _pays(trainer, data, max_epochs):
        return None
    if _epoch.load() is None:  # numba missing
        return None
    return _bind(trainer, activations)


def _applies(trainer, data):
    """Whether the loss, optimizer, policies and data suit the kernel."""
    net, loss = trainer.net, trainer.loss
    X, y = data.X, data.y
    return (
        net.ops is NUMPY
        and not trainer._batch_callbacks
        and type(loss) in _LOSSES
        and not loss.label_smoothing
        and type(trainer.optimizer) in (Adam, SGD)
        and isinstance(X, np.ndarray)
        and X.dtype == net.dtype
        and X.flags.c_contiguous
        and isinstance(y, np.ndarray)
        and y.ndim == 2
        and y.dtype == net.dtype
        and y.flags.c_contiguous
        and (data.sample_weight is None or data.sample_weight.dtype == net.dtype)
    )


def _pays(trainer, data, max_epochs):
    batches = len(trainer.batch_bounds(data.X.shape[0])) * max_epochs
    return batches >= MIN_BATCHES


def _plain_dense(layer):
    return (
        type(layer) is Dense
        and layer.use_bias
        and not getattr(layer, "accumulate_grad", False)
    )


def _hidden_activations(layers):
    """The activation after each hidden Dense layer, or None when the
    layers are not Dense (with bias) and supported activations in turn."""
    activations = []
    expect_dense = True
    for layer in layers:
        if type(layer) is Dense:
            if not _plain_dense(layer):
                return None
            if not expect_dense:  # two dense layers in a row: identity
                activations.append("identity")
            expect_dense = False
        elif (
            not expect_dense
            and isinstance(layer, Activation)
            and layer.name in _epoch.ACTIVATIONS
        ):
            activations.append(layer.name)
            expect_dense = True
        else:
            return None
    if expect_dense:  # no layers, or no dense layer last
        return None
    return activations


def _bind(trainer, activations):
    net = trainer.net
    net._ensure_grads()
    dense = [layer for layer in net.layers if type(layer) is Dense]
    loss = trainer.loss
    scale = 1.0
    if loss.average_outputs and dense[-1].n_out > 1:
        scale = 1.0 / dense[-1].n_out
    return _epoch.EpochProgram(
        [layer.params["W"] for layer in dense],
        [layer.params["b"] for layer in dense],
        [layer.grads["W"] for layer in dense],
        [layer.grads["b"] for layer in dense],
        activations,
        loss.link,
        scale,
    )


def optimizer_arguments(optimizer):
    """The optimizer as the compiled epoch takes it."""
    if type(optimizer) is Adam:
        hyper = (optimizer.beta_1, optimizer.beta_2, optimizer.learning_rate,
                 optimizer.epsilon)
        return ("adam", optimizer.m, optimizer.v, hyper, optimizer.t)
    hyper = (optimizer.learning_rate, optimizer.momentum, optimizer.nesterov)
    return ("sgd", optimizer.velocity, hyper)
