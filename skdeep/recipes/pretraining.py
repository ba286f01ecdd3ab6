"""Greedy layer-wise pre-training of a network's hidden layers.

Each hidden Dense layer in turn is trained as the encoder of a denoising
autoencoder with tied weights (masking noise, one hidden layer of the
layer's width) that reconstructs the codes of the layer before it (the
input for the first); its weights and bias then replace the layer's and its
codes feed the next one. The output layer keeps its initialization. The
autoencoders are trained by :func:`skdeep.train.run`, with the policies of
the MLPs at a fixed budget of epochs.
"""

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..nn import LOSSES, Dense, Predictor
from ..train import (
    NON_FINITE_MESSAGE,
    ProgressBar,
    TrainingData,
    TrainingPlan,
    TrainState,
    run,
    schedule_callbacks,
)
from .autoencoder import AutoencoderArchitecture, build_network, n_encoder_layers
from .mlp import make_optimizer

__all__ = ["PretrainingSettings", "pretrain"]


@dataclass(frozen=True)
class PretrainingSettings:
    """How the autoencoders of :func:`pretrain` are trained.

    Attributes
    ----------
    max_iter : int
        Epochs per layer (all of them run).
    corruption : float
        Masking-noise rate of each autoencoder's input.
    solver : str
        Stochastic optimizer ('sgd', 'adam', 'adagrad', 'rmsprop').
    optimizer : dict
        Its hyperparameters, as :func:`~skdeep.recipes.mlp.make_optimizer`
        takes them (``learning_rate_init``, ``momentum``, ...).
    activation, weight_init : str
        As the network's.
    alpha : float
        L2 penalty.
    batch_size : int
        Rows per mini-batch (clipped to the number of rows).
    verbose : bool
        Print one row per epoch.
    progress : bool
        Show a progress bar.
    backend : backend or None
        Where to train.
    """

    max_iter: int
    corruption: float
    solver: str
    optimizer: dict
    activation: str
    weight_init: str
    alpha: float
    batch_size: int
    verbose: bool = False
    progress: bool = False
    backend: Any = None


def _loss(codes):
    """Cross-entropy where the inputs lie in [0, 1] (as in Vincent et al.):
    squared error lets the codes of logistic layers collapse to constants."""
    if codes.min() >= 0 and codes.max() <= 1:
        return LOSSES["logistic"]()
    return LOSSES["identity"]()


def _train_layer(codes, sample_weight, n_units, seed, settings):
    """Train one tied autoencoder of ``n_units`` code units on ``codes``;
    return its network and the loss of each epoch."""
    arch = AutoencoderArchitecture(
        n_features=codes.shape[1],
        hidden=(n_units,),
        activation=settings.activation,
        weight_init=settings.weight_init,
        corruption=settings.corruption,
        tied=True,
        dtype=codes.dtype.name,
    )
    network = build_network(arch)
    rng = np.random.default_rng(seed)
    network.initialize(rng)
    callbacks = schedule_callbacks(
        solver=settings.solver,
        learning_rate="constant",
        learning_rate_init=settings.optimizer["learning_rate_init"],
        power_t=0.5,
        tol=1e-4,
        n_iter_no_change=np.inf,  # a fixed budget of epochs
        plateau_factor=2.0,
        plateau_patience=5,
        restore_best=False,
        verbose=settings.verbose,
    )
    if settings.progress:
        callbacks.append(ProgressBar("Autoencoder"))
    state = TrainState(None)
    plan = TrainingPlan(
        network,
        _loss(codes),
        TrainingData(codes, codes, sample_weight),
        solver=settings.solver,
        optimizer=make_optimizer(settings.solver, network, **settings.optimizer),
        callbacks=callbacks,
        max_epochs=settings.max_iter,
        batch_size=min(settings.batch_size, codes.shape[0]),
        alpha=settings.alpha,
        backend=settings.backend,
    )
    trainer = run(plan, state, rng)
    if (trainer.diverged and trainer.epoch == 0) or not np.isfinite(
        network.params
    ).all():
        raise ValueError(NON_FINITE_MESSAGE)
    if trainer.interrupted:
        warnings.warn(
            "Pre-training interrupted by user after %d complete epoch(s) of a "
            "layer." % trainer.epoch,
            UserWarning,
        )
    return network, arch, [float(loss) for loss in state.column("train_loss")]


def pretrain(network, X, sample_weight, rng, settings):
    """Initialize the hidden layers of a fresh ``network`` greedily.

    Parameters
    ----------
    network : Sequential
        An initialized MLP network (Dense layers, activations, no batch
        normalization), on the host.
    X : ndarray of shape (n_samples, n_features)
        Every row, labeled or not, in the network's dtype.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the rows in the reconstruction losses.
    rng : numpy.random.Generator
        Source of the autoencoders' seeds.
    settings : PretrainingSettings
        How the autoencoders are trained.

    Returns
    -------
    loss_curves : list of list of float
        Per hidden layer, the reconstruction loss of every epoch.
    """
    dense = [layer for layer in network.layers if isinstance(layer, Dense)]
    weights = [layer.params["W"] for layer in dense]
    biases = [layer.params["b"] for layer in dense]
    curves, codes = [], X
    for k, layer in enumerate(dense[:-1]):
        seed = int(rng.integers(np.iinfo(np.int32).max))
        autoencoder, arch, curve = _train_layer(
            codes, sample_weight, layer.n_out, seed, settings
        )
        encoder = next(lay for lay in autoencoder.layers if isinstance(lay, Dense))
        weights[k], biases[k] = encoder.params["W"], encoder.params["b"]
        curves.append(curve)
        if k + 1 < len(dense) - 1:
            predictor = Predictor(autoencoder, ops=settings.backend)
            codes = predictor.run(codes, stop=n_encoder_layers(arch))
    network.set_layer_params("W", weights)
    network.set_layer_params("b", biases)
    return curves
