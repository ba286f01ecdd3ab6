"""A fitted TabularPreprocessor as ONNX nodes, from the raw columns.

The inputs are those skl2onnx makes of a table: one tensor of every
column (a numeric array), or one tensor per column (a DataFrame: numbers as
float, double or int64, categories as strings). A numeric missing value is
NaN; a categorical one is the string ``'nan'`` (``str(np.nan)``, what
``astype(str)`` makes of it) or the empty string. Categories are matched as
the preprocessor reads them: numbers in canonical form (``'1'`` for 1 and
1.0, ``'2.5'``), other values by ``str``.
"""

import numpy as np
from onnx import TensorProto

__all__ = ["emit_preprocessor"]

_MISSING = ("nan", "")


def _numeric_block(graph, pre, x):
    """Imputed, scaled (and smoothly clipped) numeric columns, and their
    missing indicators."""
    x = graph.cast(x)
    missing = graph.node("IsNaN", x)
    imputed = graph.node("Where", missing, graph.const(pre.center_), x)
    centered = graph.node("Sub", imputed, graph.const(pre.center_))
    scaled = graph.node("Div", centered, graph.const(pre.scale_))
    if pre.smooth_clip:  # x / sqrt(1 + (x / 3)^2)
        ratio = graph.mul(scaled, 1.0 / 3.0)
        root = graph.node("Sqrt", graph.add(graph.node("Mul", ratio, ratio), 1.0))
        scaled = graph.node("Div", scaled, root)
    indicators = None
    if pre.indicated_.size:
        columns = graph.const(pre.indicated_.astype(np.int64))
        chosen = graph.node("Gather", missing, columns, axis=1)
        indicators = graph.cast(chosen)
    return scaled, indicators


def _codes(graph, categories, x, unknown):
    """The index of each row's category among ``categories`` (the missing
    category, NaN, matched by ``'nan'`` and ``''``), ``unknown`` when none."""
    keys, values = [], []
    for i, category in enumerate(categories):
        if isinstance(category, float) and np.isnan(category):
            keys += list(_MISSING)
            values += [i, i]
        else:
            keys.append(str(category))
            values.append(i)
    flat = graph.reshape(x, -1)
    codes = graph.node(
        "LabelEncoder",
        flat,
        domain="ai.onnx.ml",
        keys_strings=keys,
        values_int64s=values,
        default_int64=unknown,
    )
    return graph.reshape(codes, -1, 1)


def _onehot(graph, categories, x):
    codes = _codes(graph, categories, x, -1)
    index = graph.const(np.arange(len(categories), dtype=np.int64))
    hits = graph.node("Equal", codes, index)
    return graph.cast(hits)


def _ordinal(graph, categories, x):
    """Codes as the preprocessor gives them: 0 for unknown, 1..m."""
    one = graph.const(np.array(1, dtype=np.int64))
    codes = graph.node("Add", _codes(graph, categories, x, -1), one)
    return graph.cast(codes)


def _column_inputs(graph, pre, inputs):
    """The numeric block (one tensor) and the categorical columns (one
    tensor each, in input order), from the operator's inputs."""
    if len(inputs) == 1:
        if pre.is_categorical_.any():
            raise ValueError(
                "This model was fitted on a table with categorical columns: "
                "convert it with one input per column (a DataFrame, or "
                "initial_types naming every column)."
            )
        return inputs[0], []
    if len(inputs) != pre.n_features_in_:
        raise ValueError(
            f"The model has {pre.n_features_in_} columns, the ONNX graph "
            f"{len(inputs)} inputs: give one input per column."
        )
    numeric = [x for x, cat in zip(inputs, pre.is_categorical_) if not cat]
    numeric = [graph.cast(x) for x in numeric]
    block = None
    if numeric:
        block = numeric[0]
        if len(numeric) > 1:
            block = graph.node("Concat", *numeric, axis=1)
    categorical = [x for x, cat in zip(inputs, pre.is_categorical_) if cat]
    return block, categorical


def emit_preprocessor(graph, pre, inputs):
    """``pre.transform`` of the raw ``inputs`` (names of the operator's
    input tensors): the ``[continuous | binary | codes]`` columns."""
    numeric, categorical = _column_inputs(graph, pre, inputs)
    blocks, binary = [], []
    if numeric is not None and pre.n_numeric_:
        scaled, indicators = _numeric_block(graph, pre, numeric)
        blocks.append(scaled)
        if indicators is not None:
            binary.append(indicators)
    index = {j: k for k, j in enumerate(np.flatnonzero(pre.is_categorical_))}
    for j in pre.onehot_features_:
        binary.append(_onehot(graph, pre.categories_[index[j]], categorical[index[j]]))
    blocks += binary
    for j in pre.code_features_:
        blocks.append(_ordinal(graph, pre.categories_[index[j]], categorical[index[j]]))
    if not blocks:
        raise ValueError("the preprocessor has no output columns")
    return blocks[0] if len(blocks) == 1 else graph.node("Concat", *blocks, axis=1)


def string_input(variable_type):
    """Whether an skl2onnx input type holds strings."""
    return getattr(variable_type, "to_onnx_type", None) is not None and (
        variable_type.to_onnx_type().tensor_type.elem_type == TensorProto.STRING
    )
