"""A fitted network as ONNX nodes: one emitter per layer, in prediction
mode (dropout and masking noise are the identity, batch normalization is
folded into the dense layer before it, an ensemble's members are averaged
through the output link)."""

import math

import numpy as np
from onnx import TensorProto

from ..nn import (
    Activation,
    BatchNorm,
    Columns,
    Dense,
    Dropout,
    Embedding,
    EnsembleHeads,
    EnsembleInput,
    EnsembleMean,
    FeatureScale,
    MaskingNoise,
    ParametricActivation,
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    TiedDense,
)

__all__ = ["Graph", "emit_network"]


class Graph:
    """Nodes and constants added to skl2onnx's container, in one dtype.

    Parameters
    ----------
    scope, container : skl2onnx's Scope and ModelComponentContainer
        Where the nodes go.
    dtype : numpy dtype
        float32 or float64: the dtype of every constant and computation.
    """

    def __init__(self, scope, container, dtype):
        self.scope = scope
        self.container = container
        self.dtype = np.dtype(dtype)
        double = self.dtype == np.float64
        self.proto = TensorProto.DOUBLE if double else TensorProto.FLOAT
        self.opset = container.target_opset

    def name(self, hint):
        return self.scope.get_unique_variable_name(hint)

    def const(self, values, dtype=None, hint="c"):
        """A constant (initializer) of ``values``, in the graph's dtype."""
        values = np.asarray(values)
        if dtype is not None:
            values = values.astype(dtype)
        elif values.dtype.kind in "fb":
            values = values.astype(self.dtype)
        proto = {
            np.dtype(np.int64): TensorProto.INT64,
            np.dtype(np.float32): TensorProto.FLOAT,
            np.dtype(np.float64): TensorProto.DOUBLE,
        }.get(values.dtype, self.proto)
        if values.dtype.kind in "OUS":
            proto = TensorProto.STRING
            values = np.array([str(v).encode("utf-8") for v in values.ravel()])
        name = self.name(hint)
        self.container.add_initializer(name, proto, list(values.shape), values.ravel())
        return name

    def node(self, op, *inputs, domain="", hint=None, **attrs):
        """Add one node; return the name of its (first) output."""
        out = self.name(hint or op.lower())
        self.container.add_node(
            op,
            list(inputs),
            [out],
            op_domain=domain,
            # ai.onnx.ml's LabelEncoder with keys_strings/values_int64
            op_version=2 if domain == "ai.onnx.ml" else None,
            name=self.scope.get_unique_operator_name(op),
            **attrs,
        )
        return out

    def shape(self, *dims):
        return self.const(np.array(dims, dtype=np.int64), hint="shape")

    def reshape(self, x, *dims):
        return self.node("Reshape", x, self.shape(*dims))

    def cast(self, x, to=None):
        return self.node("Cast", x, to=self.proto if to is None else to)

    def unsqueeze(self, x, axis):
        if self.opset >= 13:
            return self.node("Unsqueeze", x, self.shape(axis))
        return self.node("Unsqueeze", x, axes=[axis])

    def mean(self, x, axis):
        """The mean of ``x`` over ``axis``, which disappears."""
        if self.opset >= 18:
            return self.node("ReduceMean", x, self.shape(axis), keepdims=0)
        return self.node("ReduceMean", x, axes=[axis], keepdims=0)

    def add(self, x, values):
        return self.node("Add", x, self.const(values))

    def mul(self, x, values):
        return self.node("Mul", x, self.const(values))


# ----------------------------------------------------------- activations
def emit_activation(graph, name, x, slope=0.01):
    """``g(x)`` for the hidden activation ``name``."""
    if name == "identity":
        return x
    simple = {"relu": "Relu", "tanh": "Tanh", "logistic": "Sigmoid"}
    if name in simple:
        return graph.node(simple[name], x)
    if name == "leaky_relu":
        return graph.node("LeakyRelu", x, alpha=float(slope))
    if name == "elu":
        return graph.node("Elu", x, alpha=1.0)
    if name == "silu":
        return graph.node("Mul", x, graph.node("Sigmoid", x))
    if name == "gelu":  # exact: x * Phi(x) = x (1 + erf(x / sqrt 2)) / 2
        erf = graph.node("Erf", graph.mul(x, 1.0 / math.sqrt(2.0)))
        return graph.mul(graph.node("Mul", x, graph.add(erf, 1.0)), 0.5)
    raise ValueError(f"no ONNX form of the activation {name!r}")


def emit_link(graph, link, z, axis=1):
    """The output link ``link`` of ``z``."""
    if link == "identity":
        return z
    if link == "logistic":
        return graph.node("Sigmoid", z)
    if link == "softmax":
        return graph.node("Softmax", z, axis=axis)
    if link == "exp":
        return graph.node("Exp", z)
    raise ValueError(f"no ONNX form of the link {link!r}")


# ----------------------------------------------------------------- layers
def _dense(graph, layer, x, fold=None):
    """``x @ W + b``, with a following batch normalization folded in."""
    W = np.asarray(layer.params["W"], dtype=np.float64)
    b = np.asarray(layer.params.get("b", np.zeros(W.shape[1])), dtype=np.float64)
    if fold is not None:
        scale = fold.params["gamma"] / np.sqrt(fold.buffers["running_var"] + fold.eps)
        W = W * scale
        b = (b - fold.buffers["running_mean"]) * scale + fold.params["beta"]
    return graph.add(graph.node("MatMul", x, graph.const(W)), b)


def _tied(graph, layer, x):
    W = np.asarray(layer.encoder.params["W"], dtype=np.float64).T
    out = graph.node("MatMul", x, graph.const(W))
    if "b" in layer.params:
        out = graph.add(out, layer.params["b"])
    return out


def _parametric(graph, layer, x):
    """``x + a (g(x) - x)``."""
    diff = graph.node("Sub", emit_activation(graph, layer.base, x), x)
    return graph.node("Add", x, graph.mul(diff, layer.params["alpha"]))


def _per_feature_map(graph, layer, E, x, relu):
    """``[x_j, h_j]`` per feature, ``h_j = E_j @ weight[j] + bias[j]`` for
    encodings ``E`` of shape (n, F, k)."""
    F, d = layer.n_features, layer.n_out
    E = graph.node("Transpose", E, perm=[1, 0, 2])  # (F, n, k)
    H = graph.node("MatMul", E, graph.const(layer.params["weight"]))  # (F, n, d)
    H = graph.add(H, np.asarray(layer.params["bias"])[:, None, :])
    if relu:
        H = graph.node("Relu", H)
    H = graph.node("Transpose", H, perm=[1, 0, 2])  # (n, F, d)
    if layer.keep_input:
        H = graph.node("Concat", graph.unsqueeze(x, 2), H, axis=2)
    return graph.reshape(H, -1, F * (d + bool(layer.keep_input)))


def _periodic(graph, layer, x):
    p = layer.params
    U = graph.mul(graph.unsqueeze(x, 2), p["frequencies"])  # (n, F, k)
    U = graph.mul(graph.add(U, p["phases"]), 2.0 * math.pi)
    return _per_feature_map(graph, layer, graph.node("Cos", U), x, relu=True)


def _piecewise(graph, layer, x):
    b = layer.buffers
    U = graph.node("Sub", graph.unsqueeze(x, 2), graph.const(b["left"]))
    U = graph.mul(U, b["inv_width"])  # (n, F, T)
    low, high = np.asarray(b["low"]), np.asarray(b["high"])
    # A = clip below at 0 where low; E = clip A above at 1 where high
    A = graph.node("Add", graph.mul(graph.node("Relu", U), low), graph.mul(U, 1 - low))
    top = graph.node("Relu", graph.node("Sub", graph.const(1.0), A))
    clipped = graph.node("Sub", graph.const(1.0), top)
    E = graph.node("Add", graph.mul(clipped, high), graph.mul(A, 1 - high))
    return _per_feature_map(graph, layer, E, x, relu=False)


def _embedding(graph, layer, x):
    codes = graph.cast(x, TensorProto.INT64)
    outputs = []
    for j, table in enumerate(layer.tables()):
        index = graph.const(np.array(j, dtype=np.int64))
        column = graph.node("Gather", codes, index, axis=1)
        outputs.append(graph.node("Gather", graph.const(table), column, axis=0))
    return outputs[0] if len(outputs) == 1 else graph.node("Concat", *outputs, axis=1)


def _columns(graph, layer, x):
    outputs, start = [], 0
    for width, child in layer.blocks:
        if width == 0:
            continue
        block = graph.node(
            "Slice",
            x,
            graph.shape(start),
            graph.shape(start + width),
            graph.shape(1),
        )
        start += width
        outputs.append(block if child is None else emit_layer(graph, child, block))
    return outputs[0] if len(outputs) == 1 else graph.node("Concat", *outputs, axis=1)


def _ensemble_input(graph, layer, x):
    r = np.asarray(layer.params["r"])[:, None, :]  # (k, 1, d)
    copies = graph.mul(graph.unsqueeze(x, 0), r)
    return graph.reshape(copies, -1, layer.n_features)


def _ensemble_heads(graph, layer, x):
    H = graph.reshape(x, layer.k, -1, layer.n_in)
    Z = graph.node("MatMul", H, graph.const(layer.params["weight"]))
    Z = graph.add(Z, np.asarray(layer.params["bias"])[:, None, :])
    return graph.reshape(Z, -1, layer.n_out)


def emit_layer(graph, layer, x):
    """The output of ``layer`` (not Dense, EnsembleMean) for input ``x``."""
    if isinstance(layer, (Dropout, MaskingNoise)):
        return x
    if isinstance(layer, TiedDense):
        return _tied(graph, layer, x)
    if isinstance(layer, ParametricActivation):
        return _parametric(graph, layer, x)
    if isinstance(layer, Activation):
        return emit_activation(graph, layer.name, x, getattr(layer, "slope", 0.01))
    if isinstance(layer, FeatureScale):
        return graph.mul(x, layer.params["scale"])
    emitters = {
        PeriodicEmbedding: _periodic,
        PiecewiseLinearEmbedding: _piecewise,
        Embedding: _embedding,
        Columns: _columns,
        EnsembleInput: _ensemble_input,
        EnsembleHeads: _ensemble_heads,
    }
    for kind, emit in emitters.items():
        if isinstance(layer, kind):
            return emit(graph, layer, x)
    raise ValueError(f"no ONNX form of the layer {type(layer).__name__}")


def emit_network(graph, network, x, link=None, stop=None):
    """The output of ``network.layers[:stop]`` for input ``x``, through the
    output link ``link`` (None: the raw output).

    An ensemble's mean (``EnsembleMean``) becomes the mean of the members'
    linked outputs: the mean of their probabilities for a classifier.
    """
    layers = network.layers[:stop]
    i = 0
    while i < len(layers):
        layer = layers[i]
        if isinstance(layer, Dense):
            following = layers[i + 1] if i + 1 < len(layers) else None
            fold = following if isinstance(following, BatchNorm) else None
            x = _dense(graph, layer, x, fold)
            i += 2 if fold is not None else 1
            continue
        if isinstance(layer, EnsembleMean):
            members = graph.reshape(x, layer.k, -1, _width(layers, i))
            linked = emit_link(graph, link or "identity", members, axis=2)
            return graph.mean(linked, 0)
        x = emit_layer(graph, layer, x)
        i += 1
    return x if link is None else emit_link(graph, link, x)


def _width(layers, index):
    """The output width of the layer before ``layers[index]``."""
    for layer in reversed(layers[:index]):
        for attribute in ("n_out", "n_outputs"):
            if hasattr(layer, attribute):
                return int(getattr(layer, attribute))
    raise ValueError("cannot tell the width of the ensemble's output")
