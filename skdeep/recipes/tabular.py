"""The recipe of the tabular estimators (after RealMLP-TD).

The network: ``Columns`` (periodic embeddings of the continuous columns |
the 0/1 columns | learned embeddings of the category codes) ->
``FeatureScale`` -> ``[Dense -> ParametricActivation -> Dropout]`` per hidden
layer -> a Dense output layer that starts at zero. The training: a fixed
budget of epochs of Adam, the learning rate warmed up then decayed along a
cosine, dropout and weight decay decaying to 0 in the second half, the best
validation epoch kept (the run stops once a quarter of the budget has not
bettered it).

The recipe's fixed choices are the fields of :class:`TabularRecipe`; the
estimators follow :data:`RECIPE` (the ablation benchmark replaces it to
measure each ingredient).
"""

import math
from dataclasses import dataclass

from ..nn import (
    ACTIVATIONS,
    Columns,
    Dense,
    Dropout,
    Embedding,
    EnsembleHeads,
    EnsembleInput,
    EnsembleMean,
    FeatureScale,
    ParametricActivation,
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    Sequential,
)
from ..train import (
    Callback,
    CosineLearningRate,
    DropoutSchedule,
    EarlyStopping,
    EpochLogger,
    WeightDecaySchedule,
)

__all__ = [
    "RECIPE",
    "StopAfter",
    "TabularRecipe",
    "build_network",
    "epoch_budget",
    "policies",
]


@dataclass(frozen=True)
class TabularRecipe:
    """The fixed choices of the tabular recipe.

    Attributes
    ----------
    lr_shape : str, default="cos"
        Shape of the learning rate after the warmup
        (:func:`skdeep.train.schedule_factor`).
    warmup : float, default=0.05
        Fraction of the budget of the learning rate's linear warmup.
    budget_steps : int, default=2000
        Optimizer steps of the ``max_iter='auto'`` budget.
    feature_scale : bool, default=True
        The learned per-input scaling layer.
    parametric : bool, default=True
        Parametric activations (else the base activation).
    zero_output : bool, default=True
        The output layer starts at zero (else He-uniform).
    missing : str, default="indicator"
        The preprocessor's handling of missing values.
    patience : float or None, default=0.25
        The selection run (with a validation split) stops once this
        fraction of its budget -- of its epochs, and of ``budget_steps``
        optimizer steps, whichever is longer -- has passed without a better
        validation score (None: the whole budget runs). The schedules span
        the whole budget either way, so the best epoch is the one the whole
        run would have chosen unless a better one came later.
    refit_schedule : {"compressed", "same"}, default="compressed"
        How a refit on every row trains for the best epoch's number of
        epochs ``e``: with the schedules over those ``e`` epochs
        ("compressed", so the learning rate ends at 0), or along the
        selection run's schedules, stopping after ``e`` epochs ("same").
    """

    lr_shape: str = "cos"
    warmup: float = 0.05
    budget_steps: int = 2000
    feature_scale: bool = True
    parametric: bool = True
    zero_output: bool = True
    missing: str = "indicator"
    patience: float | None = 0.25
    refit_schedule: str = "compressed"


#: TabularRecipe: the recipe the tabular estimators follow.
RECIPE = TabularRecipe()


def epoch_budget(max_iter, n_samples, batch_size, recipe=None):
    """Epochs of a fit: ``max_iter``, or with 'auto' enough epochs for
    about ``recipe.budget_steps`` optimizer steps, from 16 to 256."""
    if max_iter != "auto":
        return max_iter
    recipe = RECIPE if recipe is None else recipe
    steps_per_epoch = math.ceil(n_samples / batch_size)
    return int(min(256, max(16, round(recipe.budget_steps / steps_per_epoch))))


def policies(
    *,
    verbose,
    validating,
    schedules,
    budget=None,
    steps_per_epoch=1,
    stop_after=None,
    recipe=None,
):
    """The callbacks of a fit: the per-epoch rows, the best validation
    epoch kept (with a stop once ``recipe.patience`` of the ``budget``
    epochs, or of the recipe's steps at ``steps_per_epoch``, has not
    bettered it; without validation or a budget the epochs run out, or
    ``stop_after`` of them), and with ``schedules`` those of the learning
    rate, dropout and weight decay over the budget."""
    recipe = RECIPE if recipe is None else recipe
    patience = math.inf
    if validating and budget is not None and recipe.patience is not None:
        patience = _patience(budget, steps_per_epoch, recipe)
    callbacks = [
        EpochLogger(verbose),
        # a tie with the best is no improvement: the first best epoch is kept
        EarlyStopping(patience, _TIE, restore_best=validating),
    ]
    if stop_after is not None:
        callbacks.append(StopAfter(stop_after))
    if schedules:
        callbacks += [
            CosineLearningRate(warmup=recipe.warmup, kind=recipe.lr_shape),
            DropoutSchedule(kind="flat_cos"),
            WeightDecaySchedule(kind="flat_cos"),
        ]
    return callbacks


# an improvement of the validation score below this is a tie
_TIE = 1e-12


def _patience(budget, steps_per_epoch, recipe):
    """Epochs without a better validation score tolerated: the fraction
    ``recipe.patience`` of the ``budget`` epochs or of the recipe's budget
    of steps, whichever is more epochs."""
    return max(
        math.ceil(recipe.patience * budget),
        math.ceil(recipe.patience * recipe.budget_steps / steps_per_epoch),
    )


class StopAfter(Callback):
    """Stop training after ``epochs`` epochs of the run (the schedules still
    span the run's whole budget): a refit that follows the path of the
    selection run up to its best epoch."""

    def __init__(self, epochs):
        self.epochs = int(epochs)

    def on_epoch_end(self, trainer):
        if trainer.epoch >= self.epochs:
            trainer.stop = True


def _numeric_embedding(n_continuous, embedding):
    """The embedding layer of the continuous columns (None: as they are)."""
    if embedding["kind"] == "periodic":
        return PeriodicEmbedding(
            n_continuous,
            n_frequencies=embedding["n_frequencies"],
            n_out=embedding["size"],
            sigma=embedding["scale"],
        )
    if embedding["kind"] == "piecewise_linear":
        return PiecewiseLinearEmbedding(embedding["bins"], n_out=embedding["size"])
    return None


def _input_layer(block_sizes, cardinalities, embedding):
    """The first layer: embeddings of the continuous columns, the 0/1
    columns as they are, learned embeddings of the category codes (code 0,
    an unseen category, a neutral zero vector).

    Returns
    -------
    layer : Columns
    width : int
        Its number of outputs.
    """
    n_continuous, n_binary, n_codes = block_sizes
    blocks, width = [], n_binary
    if n_continuous:
        layer = _numeric_embedding(n_continuous, embedding)
        blocks.append((n_continuous, layer))
        width += n_continuous if layer is None else layer.n_outputs
    if n_binary:
        blocks.append((n_binary, None))
    if n_codes:
        layer = Embedding(cardinalities, unknown_code=0)
        blocks.append((n_codes, layer))
        width += layer.n_outputs
    return Columns(blocks), width


def build_network(
    block_sizes,
    cardinalities,
    n_outputs,
    *,
    hidden,
    activation,
    dropout,
    embedding,
    dtype,
    n_heads=1,
    link="identity",
    recipe=None,
    zero_output=None,
):
    """Build the network of a tabular estimator, not yet initialized.

    ``Columns`` (embeddings) -> ``FeatureScale`` -> (``EnsembleInput``) ->
    ``[Dense -> ParametricActivation -> Dropout]`` per hidden layer -> the
    output: one Dense layer, or with ``n_heads > 1`` a head per member
    (``EnsembleHeads``) and their mean (``EnsembleMean``) -- TabM's
    parameter-efficient ensemble, its members sharing every hidden layer.

    Parameters
    ----------
    block_sizes : tuple of int
        Widths of the continuous, 0/1 and code blocks of the input.
    cardinalities : list of int
        Number of codes of each code column.
    n_outputs : int
        Number of output units.
    hidden : sequence of int
        Widths of the hidden layers (none: a linear model of the embedded
        inputs).
    activation : str
        Base of the parametric activations.
    dropout : float
        Dropout rate after every hidden layer (0: none).
    embedding : dict
        ``kind`` ('periodic', 'piecewise_linear' or None), ``size``, and
        ``n_frequencies`` and ``scale`` (periodic) or ``bins`` (piecewise
        linear: the edges of each continuous column's bins).
    dtype : dtype
        Floating point type of the network.
    n_heads : int, default=1
        Members of the ensemble (1: a single network).
    link : str, default="identity"
        The output link, by which the members' outputs are averaged.
    recipe : TabularRecipe, default=None
        The fixed choices (None: :data:`RECIPE`).
    zero_output : bool, default=None
        Start the output layer at zero (None: as the recipe says). A
        gradient check draws it at random: at zero, every earlier layer's
        gradient is exactly zero.

    Returns
    -------
    network : Sequential
    """
    recipe = RECIPE if recipe is None else recipe
    zero_output = recipe.zero_output if zero_output is None else zero_output
    first, width = _input_layer(block_sizes, cardinalities, embedding)
    layers = [first, FeatureScale(width)] if recipe.feature_scale else [first]
    if n_heads > 1:
        layers.append(EnsembleInput(width, n_heads))
    hidden = list(hidden)
    for n_in, n_out in zip([width, *hidden[:-1]], hidden):
        unit = (
            ParametricActivation(n_out, activation)
            if recipe.parametric
            else ACTIVATIONS[activation]()
        )
        layers += [Dense(n_in, n_out, "he_uniform"), unit]
        if dropout:
            layers.append(Dropout(dropout))
    n_last = hidden[-1] if hidden else width
    init = "zeros" if zero_output else "he_uniform"
    if n_heads > 1:
        layers += [
            EnsembleHeads(n_last, n_outputs, n_heads, init),
            EnsembleMean(n_heads, link),
        ]
    else:
        layers.append(Dense(n_last, n_outputs, init))
    return Sequential(layers, dtype=dtype)
