"""Layers of tabular-data MLPs: a learned feature scale, a parametric
activation (after RealMLP, Holzmueller et al. 2024), and :class:`Columns`,
which applies a layer to each block of input columns."""

from .activations import ACTIVATIONS
from .base import Layer

__all__ = ["FeatureScale", "ParametricActivation", "Columns"]


class FeatureScale(Layer):
    """One learned scale per feature: ``outputs = inputs * scale``.

    RealMLP's first layer: it lets the network learn the importance of each
    (standardized) input feature. The parameter ``scale``, of shape
    (n_features,), starts at 1 and has no weight decay.

    Parameters
    ----------
    n_features : int
        Number of input (and output) features.
    """

    fresh_output = True

    def __init__(self, n_features):
        super().__init__()
        self.n_features = n_features

    def param_specs(self):
        return [("scale", (self.n_features,), False)]

    def initialize(self, rng):
        self.params["scale"][...] = 1

    def forward(self, X, training=False):
        if training:
            self._cache = X
        return X * self.params["scale"]

    def backward(self, dLdy):
        self.ops.sum_rows(dLdy * self._cache, out=self.grads["scale"])
        if not self.needs_input_grad:
            return None
        dLdy *= self.params["scale"]
        return dLdy


class ParametricActivation(Layer):
    """Activation blended with the identity, one learned blend per unit:
    ``outputs = x + alpha * (g(x) - x)``.

    RealMLP's parametric activation: with ``alpha = 1`` (the start) it is
    the activation ``g``, with ``alpha = 0`` the identity. The parameter
    ``alpha``, of shape (n_units,), has no weight decay.

    Parameters
    ----------
    n_units : int
        Number of units.
    base : str, default="silu"
        The activation ``g``: a key of ``ACTIVATIONS`` other than
        ``"identity"`` (with its default options, e.g. slope 0.01 for
        ``"leaky_relu"``), computed by ``ops.parametric_activation``.
    """

    fresh_output = True

    def __init__(self, n_units, base="silu"):
        super().__init__()
        if base not in ACTIVATIONS or base == "identity":
            names = sorted(set(ACTIVATIONS) - {"identity"})
            raise ValueError(f"base must be one of {names}, got {base!r}")
        self.n_units = n_units
        self.base = base

    def param_specs(self):
        return [("alpha", (self.n_units,), False)]

    def initialize(self, rng):
        self.params["alpha"][...] = 1

    def forward(self, X, training=False):
        out, cache = self.ops.parametric_activation(
            self.base, X, self.params["alpha"]
        )
        if training:
            self._cache = cache
        return out

    def backward(self, dLdy):
        # dy/dx = 1 + alpha * (g'(x) - 1)
        return self.ops.parametric_activation_grad(
            self.base,
            self._cache,
            self.params["alpha"],
            dLdy,
            self.grads["alpha"],
            self.needs_input_grad,
        )


class Columns(Layer):
    """Split the input's columns into consecutive blocks, apply a layer to
    each (or pass it through), and join the outputs along the columns.

    The first layer of a tabular network, e.g. ``Columns([(n_numeric,
    PeriodicEmbedding(n_numeric)), (n_onehot, None), (n_categorical,
    Embedding(cardinalities))])`` followed by :class:`Dense` layers. The
    input must be dense.

    The children's parameters are the layer's, named ``"<block index>.<name>"``
    (``"0.frequencies"``), with their own weight decay; likewise their
    buffers. ``bind`` hands each child its views and the backend, so the
    children follow :meth:`Sequential.to` and unpickling; the children's
    backward caches are kept in this layer's cache, so that the network's
    ``clear_caches`` drops them too. ``needs_input_grad`` is passed on to
    the children, and the layer needs a Generator (``needs_rng``) or the
    sample weights (``uses_sample_weight``) when a child does. Normalization
    children get neither ``batch_rows`` nor population statistics.

    Parameters
    ----------
    blocks : list of (int, Layer or None)
        The number of input columns of each block and the layer applied to
        it (None: the columns pass unchanged).
    """

    fresh_output = True

    def __init__(self, blocks):
        super().__init__()
        self.blocks = [(int(width), layer) for width, layer in blocks]
        if any(width < 0 for width, _ in self.blocks):
            raise ValueError("block widths must be non-negative")
        self.n_in = sum(width for width, _ in self.blocks)
        self.needs_input_grad = True

    @property
    def n_outputs(self):
        """Number of output columns, from each child's ``n_outputs`` (or a
        :class:`Dense` child's ``n_out``; other children keep their width)."""
        return sum(
            width
            if layer is None
            else getattr(layer, "n_outputs", getattr(layer, "n_out", width))
            for width, layer in self.blocks
        )

    def _children(self):
        """``(index, layer)`` of the blocks that have a layer."""
        return [
            (i, layer) for i, (_, layer) in enumerate(self.blocks) if layer is not None
        ]

    # ---- flags passed on to the children ---------------------------------
    @property
    def needs_input_grad(self):
        return self._needs_input_grad

    @needs_input_grad.setter
    def needs_input_grad(self, value):
        self._needs_input_grad = value
        for _, layer in self._children():
            layer.needs_input_grad = value

    @property
    def needs_rng(self):
        return any(layer.needs_rng for _, layer in self._children())

    @property
    def uses_sample_weight(self):
        return any(layer.uses_sample_weight for _, layer in self._children())

    @property
    def rng(self):
        return next(
            (layer.rng for _, layer in self._children() if layer.needs_rng), None
        )

    @rng.setter
    def rng(self, rng):
        for _, layer in self._children():
            if layer.needs_rng:
                layer.rng = rng

    @property
    def frozen(self):
        return any(getattr(layer, "frozen", False) for _, layer in self._children())

    @frozen.setter
    def frozen(self, value):
        for _, layer in self._children():
            if hasattr(layer, "frozen"):
                layer.frozen = value

    # ---- parameters --------------------------------------------------------
    def param_specs(self):
        return [
            (f"{i}.{name}", shape, decay)
            for i, layer in self._children()
            for name, shape, decay in layer.param_specs()
        ]

    def buffer_specs(self):
        return [
            (f"{i}.{name}", shape)
            for i, layer in self._children()
            for name, shape in layer.buffer_specs()
        ]

    def bind(self, params, grads, buffers=None, ops=None):
        super().bind(params, grads, buffers, ops)
        for i, layer in self._children():
            layer.bind(
                *(_part(views, i) for views in (self.params, self.grads, self.buffers)),
                self.ops,
            )

    def initialize(self, rng):
        for _, layer in self._children():
            layer.initialize(rng)

    # ---- computation -------------------------------------------------------
    def forward(self, X, training=False, sample_weight=None):
        if X.shape[1] != self.n_in:
            raise ValueError(f"Columns expects {self.n_in} columns, got {X.shape[1]}")
        if training:
            self._restore_caches()
        outputs, start = [], 0
        for width, layer in self.blocks:
            block = X[:, start : start + width]
            start += width
            if layer is None:
                outputs.append(block)
            elif layer.uses_sample_weight:
                outputs.append(layer.forward(block, training, sample_weight))
            else:
                outputs.append(layer.forward(block, training))
        if training:
            self._cache = ([out.shape[1] for out in outputs], self._take_caches())
        return self.ops.hstack(outputs)

    def backward(self, dLdy):
        widths, _ = self._cache
        self._restore_caches()
        grads, start = [], 0
        for (_, layer), width in zip(self.blocks, widths):
            block = dLdy[:, start : start + width]
            start += width
            grads.append(block if layer is None else layer.backward(block))
        self._cache = (widths, self._take_caches())
        if not self.needs_input_grad:
            return None
        return self.ops.hstack(grads)

    def _take_caches(self):
        """Move the children's caches into this layer's cache."""
        return [layer.__dict__.pop("_cache", None) for _, layer in self._children()]

    def _restore_caches(self):
        """Give the children back the caches kept by :meth:`_take_caches`."""
        cache = getattr(self, "_cache", None)
        if cache is None:
            return
        for (_, layer), child_cache in zip(self._children(), cache[1]):
            if child_cache is not None:
                layer._cache = child_cache


def _part(views, index):
    """The views of block ``index``, without their ``"<index>."`` prefix."""
    prefix = f"{index}."
    return {
        name[len(prefix) :]: view
        for name, view in views.items()
        if name.startswith(prefix)
    }
