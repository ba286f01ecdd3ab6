"""Layers: the modules a network is chained from.

The layer contract (after Torch7's ``nn.Module``):

* ``param_specs()`` lists the layer's parameters as ``(name, shape, decay)``;
  ``decay`` says whether L2 weight decay applies to it (weights yes, biases and
  normalization parameters no).
* ``bind(params, grads)`` hands the layer dicts of views into the network's
  flat parameter and gradient buffers; ``initialize(rng)`` fills the
  parameter views in place.
* ``forward(X, training)`` computes the output. Only with ``training=True``
  does it cache what ``backward`` needs, so prediction (``training=False``)
  never mutates the layer and is safe to run from several threads.
* ``backward(dLdy)`` receives dL/d(output), writes the gradients of the
  layer's own parameters into its ``grads`` views and returns dL/d(input)
  (or ``None`` when ``needs_input_grad`` is False, as for the first layer).
  ``dLdy`` belongs to the callee, which may overwrite it.
* A layer with ``fresh_output = True`` returns a new array that it keeps no
  reference to; the network then lets the next layer, if its
  ``inplace`` attribute exists, compute in place in that array.
* Layers with running state that is not learned by gradient (batch
  normalization's statistics) list it in ``buffer_specs()``; it lives in the
  network's flat ``buffers`` array and is saved and restored with the
  parameters.
* A layer with ``uses_sample_weight = True`` receives the batch's sample
  weights as ``forward(X, training, sample_weight)``; a layer with
  ``needs_rng = True`` draws from the Generator in its ``rng`` attribute.
"""

from .activations import (
    ACTIVATIONS,
    ELU,
    GELU,
    Activation,
    Identity,
    LeakyReLU,
    Logistic,
    ReLU,
    SiLU,
    Tanh,
)
from .base import Layer
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding, PeriodicEmbedding, default_embedding_dim
from .ensemble import EnsembleHeads, EnsembleInput, EnsembleMean
from .noise import MaskingNoise
from .normalization import BatchNorm
from .piecewise import PiecewiseLinearEmbedding
from .tabular import Columns, FeatureScale, ParametricActivation
from .tied import TiedDense

__all__ = [
    "Layer",
    "Dense",
    "TiedDense",
    "Activation",
    "Identity",
    "Logistic",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "GELU",
    "SiLU",
    "Dropout",
    "MaskingNoise",
    "BatchNorm",
    "FeatureScale",
    "ParametricActivation",
    "PeriodicEmbedding",
    "PiecewiseLinearEmbedding",
    "Embedding",
    "Columns",
    "EnsembleInput",
    "EnsembleHeads",
    "EnsembleMean",
    "default_embedding_dim",
    "ACTIVATIONS",
]
