"""skl2onnx's shape calculators and converters for skdeep's estimators."""

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import (
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)

from ..estimators import (
    Autoencoder,
    MLPClassifier,
    MLPRegressor,
    TabularMLPClassifier,
    TabularMLPRegressor,
)
from ..preprocessing import TabularPreprocessor
from ..recipes.autoencoder import code_size, encoder_depth
from ._graph import Graph, emit_network
from ._preprocessing import emit_preprocessor, string_input

__all__ = ["CONVERTERS"]

_TABULAR = (TabularMLPClassifier, TabularMLPRegressor)


# ------------------------------------------------------------------ types
def _double(operator):
    """Whether the graph computes in float64: a double numeric input."""
    return any(isinstance(v.type, DoubleTensorType) for v in operator.inputs)


def _float_type(operator):
    return DoubleTensorType if _double(operator) else FloatTensorType


def _rows(operator):
    return operator.inputs[0].get_first_dimension()


def _check_inputs(operator):
    model = operator.raw_operator
    if isinstance(model, _TABULAR) or isinstance(model, TabularPreprocessor):
        return
    if len(operator.inputs) != 1 or string_input(operator.inputs[0].type):
        raise ValueError(
            f"{type(model).__name__} converts from one numeric input tensor of "
            f"{model.n_features_in_} columns."
        )


def classifier_shapes(operator):
    """Labels of shape (N,) ((N, n_labels) multilabel) and probabilities."""
    _check_inputs(operator)
    model = operator.raw_operator
    N = _rows(operator)
    multilabel = model._label_binarizer.y_type_ == "multilabel-indicator"
    width = model.n_outputs_ if multilabel else len(model.classes_)
    classes = np.asarray(model.classes_)
    label = StringTensorType if classes.dtype.kind in "OUS" else Int64TensorType
    operator.outputs[0].type = label([N, width] if multilabel else [N])
    operator.outputs[1].type = _float_type(operator)([N, width])


def regressor_shapes(operator):
    _check_inputs(operator)
    model = operator.raw_operator
    shape = [_rows(operator), model.n_outputs_]
    operator.outputs[0].type = _float_type(operator)(shape)


def transformer_shapes(operator):
    _check_inputs(operator)
    model = operator.raw_operator
    width = (
        code_size(model._network)
        if isinstance(model, Autoencoder)
        else sum(model.block_sizes_)
    )
    operator.outputs[0].type = _float_type(operator)([_rows(operator), width])


# ------------------------------------------------------------- converters
def _graph(scope, operator, container):
    dtype = np.float64 if _double(operator) else np.float32
    return Graph(scope, container, dtype)


def _network_input(graph, model, operator):
    """The network's input: the raw inputs preprocessed (tabular), or the
    one input in the graph's dtype."""
    names = [v.full_name for v in operator.inputs]
    if isinstance(model, _TABULAR):
        return emit_preprocessor(graph, model.preprocessor_, names)
    return graph.cast(names[0])


def convert_classifier(scope, operator, container):
    model = operator.raw_operator
    graph = _graph(scope, operator, container)
    x = _network_input(graph, model, operator)
    P = emit_network(graph, model._network, x, link=model.out_activation_)
    label, proba = (v.full_name for v in operator.outputs[:2])
    multilabel = model._label_binarizer.y_type_ == "multilabel-indicator"
    if model.n_outputs_ == 1 and not multilabel:  # binary: [1 - p, p]
        P = graph.node("Concat", graph.node("Sub", graph.const(1.0), P), P, axis=1)
    container.add_node(
        "Identity", [P], [proba], name=scope.get_unique_operator_name("P")
    )
    if multilabel:
        positive = graph.node("Greater", P, graph.const(0.5))
        container.add_node(
            "Cast", [positive], [label], to=TensorProto.INT64,
            name=scope.get_unique_operator_name("Cast"),
        )
        return
    best = graph.node("ArgMax", P, axis=1, keepdims=0)
    classes = np.asarray(model.classes_)
    if classes.dtype.kind in "OUS":
        table = graph.const(classes.astype(str), hint="classes")
    else:
        table = graph.const(classes.astype(np.int64), dtype=np.int64, hint="classes")
    container.add_node(
        "Gather", [table, best], [label], axis=0,
        name=scope.get_unique_operator_name("Gather"),
    )


def convert_regressor(scope, operator, container):
    model = operator.raw_operator
    graph = _graph(scope, operator, container)
    x = _network_input(graph, model, operator)
    y = emit_network(graph, model._network, x, link=model.out_activation_)
    if isinstance(model, TabularMLPRegressor):  # back to the targets' scale
        scaler = model._target_scaler
        scale = np.ones(model.n_outputs_) if scaler.scale_ is None else scaler.scale_
        y = graph.add(graph.mul(y, scale), scaler.mean_)
    container.add_node(
        "Identity", [y], [operator.outputs[0].full_name],
        name=scope.get_unique_operator_name("Identity"),
    )


def convert_autoencoder(scope, operator, container):
    model = operator.raw_operator
    graph = _graph(scope, operator, container)
    x = graph.cast(operator.inputs[0].full_name)
    codes = emit_network(graph, model._network, x, stop=encoder_depth(model._network))
    container.add_node(
        "Identity", [codes], [operator.outputs[0].full_name],
        name=scope.get_unique_operator_name("Identity"),
    )


def convert_preprocessor(scope, operator, container):
    model = operator.raw_operator
    graph = _graph(scope, operator, container)
    out = emit_preprocessor(graph, model, [v.full_name for v in operator.inputs])
    container.add_node(
        "Identity", [out], [operator.outputs[0].full_name],
        name=scope.get_unique_operator_name("Identity"),
    )


_CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
}

#: list of (class, alias, shape calculator, converter, options).
CONVERTERS = [
    (MLPClassifier, "SkdeepMLPClassifier", classifier_shapes, convert_classifier,
     _CLASSIFIER_OPTIONS),
    (TabularMLPClassifier, "SkdeepTabularMLPClassifier", classifier_shapes,
     convert_classifier, _CLASSIFIER_OPTIONS),
    (MLPRegressor, "SkdeepMLPRegressor", regressor_shapes, convert_regressor, None),
    (TabularMLPRegressor, "SkdeepTabularMLPRegressor", regressor_shapes,
     convert_regressor, None),
    (Autoencoder, "SkdeepAutoencoder", transformer_shapes, convert_autoencoder, None),
    (TabularPreprocessor, "SkdeepTabularPreprocessor", transformer_shapes,
     convert_preprocessor, None),
]
