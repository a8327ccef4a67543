"""Constant folding for the ONNX importer: `Constant` nodes, and the nodes
that compute on static shapes and constants only (a channel shuffle's
Shape, Gather, Div, Slice, ...), computed with numpy before the import.
Their results become initializers: nothing is emitted until a real op reads
them."""

import numpy as np


def _int_div(a, b):
    # ONNX's integer Div truncates toward zero.
    return np.trunc(np.true_divide(a, b)).astype(np.result_type(a, b))


def _axes(attr, axes):
    """Axes from the input (opset 13) or else the attribute (before)."""
    if axes is None:
        axes = attr("axes")
    return None if axes is None else [int(a) for a in np.asarray(axes).reshape(-1)]


def _slice(attr, x, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps):
        index[int(axis)] = slice(int(start), int(end), int(step))
    return x[tuple(index)]


def _unsqueeze(attr, x, axes=None):
    axes = _axes(attr, axes)
    for axis in sorted(a % (x.ndim + len(axes)) for a in axes):
        x = np.expand_dims(x, axis)
    return x


def _squeeze(attr, x, axes=None):
    axes = _axes(attr, axes)
    return np.squeeze(x, axis=None if axes is None else tuple(axes))


def numpy_dtype(onnx_type):
    """The numpy dtype of an ONNX tensor element type (TensorProto's enum):
    onnx.helper.tensor_dtype_to_np_dtype exists from onnx 1.13 on, Debian's
    1.12 has the mapping table."""
    from onnx import helper
    if hasattr(helper, "tensor_dtype_to_np_dtype"):
        return helper.tensor_dtype_to_np_dtype(onnx_type)
    from onnx import mapping
    return mapping.TENSOR_TYPE_TO_NP_TYPE[onnx_type]


def _cast(attr, x):
    return x.astype(numpy_dtype(attr("to")))


def _constant_of_shape(attr, shape):
    from onnx import numpy_helper
    value = attr("value")
    fill = numpy_helper.to_array(value) if value is not None else np.zeros([1], np.float32)
    return np.full([int(d) for d in shape], fill.reshape(-1)[0], fill.dtype)


def per_axis(array, rank, axis):
    """A per-axis (1-D) parameter shaped to broadcast along `axis` of a
    tensor of `rank`; a scalar or one-element parameter as it is."""
    array = np.asarray(array)
    if array.size <= 1 or rank == 0:
        return array.reshape(()) if array.size == 1 else array
    shape = [1] * rank
    shape[axis % rank] = array.size
    return array.reshape(shape)


def _dequantize(attr, x, scale, zero_point=None):
    axis = attr("axis", 1)
    zero_point = np.zeros([], x.dtype) if zero_point is None else zero_point
    return ((x.astype(np.float32) - per_axis(zero_point, x.ndim, axis).astype(np.float32))
            * per_axis(scale, x.ndim, axis).astype(np.float32)).astype(np.float32)


# Op type -> numpy over the inputs (constants, as numpy arrays).
FOLDERS = {
    "Add": lambda attr, a, b: a + b,
    "Sub": lambda attr, a, b: a - b,
    "Mul": lambda attr, a, b: a * b,
    "Div": lambda attr, a, b: (_int_div(a, b) if np.issubdtype(np.result_type(a, b), np.integer)
                                  else a / b),
    "Neg": lambda attr, a: -a,
    "Gather": lambda attr, x, i: np.take(x, i, axis=attr("axis", 0)),
    "Concat": lambda attr, *xs: np.concatenate(xs, axis=attr("axis")),
    "Slice": _slice,
    "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze,
    "Cast": _cast,
    "Reshape": lambda attr, x, shape: x.reshape([int(d) for d in shape]),
    "Identity": lambda attr, x: x,
    "ConstantOfShape": _constant_of_shape,
    "Range": lambda attr, start, limit, delta: np.arange(start, limit, delta),
    "Equal": lambda attr, a, b: a == b,
    "Where": lambda attr, c, a, b: np.where(c, a, b),
    "Floor": lambda attr, a: np.floor(a),
    "Ceil": lambda attr, a: np.ceil(a),
    "Sqrt": lambda attr, a: np.sqrt(a),
    # Quantized weights and biases; fold_constants records what they were.
    "DequantizeLinear": _dequantize,
}

def _constant(attr):
    from onnx import numpy_helper

    for name, dtype in (("value_float", np.float32), ("value_floats", np.float32),
                        ("value_int", np.int64), ("value_ints", np.int64)):
        if attr(name) is not None:
            return np.array(attr(name), dtype)
    if attr("value") is not None:
        return numpy_helper.to_array(attr("value"))
    raise ValueError("only tensor and number constants are supported")


def _folded(node, constants, shapes):
    """The outputs of `node` if it computes on constants (or, for Shape, on a
    static shape) alone, else None."""
    from onnx import helper

    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    attr = lambda name, default=None: attributes.get(name, default)
    if node.op_type == "Constant":
        return [_constant(attr)]
    if node.op_type == "Shape":
        shape = shapes.get(node.input[0])
        if shape is None or any(d is None or d <= 0 for d in shape):
            return None
        start, end = attr("start", 0), attr("end", len(shape))
        return [np.array(shape[start:end], np.int64)]
    folder = FOLDERS.get(node.op_type)
    if folder is None or len(node.output) != 1:
        return None
    if not all(name in constants for name in node.input if name):
        return None
    inputs = [constants[name] if name else None for name in node.input]
    while inputs and inputs[-1] is None:
        inputs.pop()
    return [np.asarray(folder(attr, *inputs))]


def value_shapes(graph):
    """{value name: [dims]} of the values whose shape `graph` knows; None
    for a dimension that is not static."""
    shapes = {}
    for info in list(graph.value_info) + list(graph.output) + list(graph.input):
        if info.type.tensor_type.HasField("shape"):
            shapes[info.name] = [d.dim_value if d.HasField("dim_value") else None
                                 for d in info.type.tensor_type.shape.dim]
    return shapes


def fold_constants(model, fail, dequantized=None):
    """`model` with its Constant nodes, and the nodes that compute on
    constants and static shapes, turned into initializers. Shape inference
    runs again after each round, since a folded Reshape target or Slice
    bound makes more shapes static. `fail(node, reason)` raises. Each folded
    DequantizeLinear is recorded in `dequantized` ({output name:
    QuantizedConstant}), so that a quantized op reads the integers."""
    from onnx import numpy_helper, shape_inference

    from .quantization import QuantizedConstant

    graph = model.graph
    constants = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    while True:
        inferred = shape_inference.infer_shapes(model).graph
        shapes = value_shapes(inferred)
        kept = []
        for node in graph.node:
            try:
                outputs = _folded(node, constants, shapes)
            except (ValueError, IndexError, TypeError) as error:
                fail(node, "cannot fold its constant inputs: %s" % error)
            if outputs is None:
                kept.append(node)
                continue
            if node.op_type == "DequantizeLinear" and dequantized is not None:
                dequantized[node.output[0]] = QuantizedConstant.of_node(
                    node, [constants[name] if name else None for name in node.input])
            for name, array in zip(node.output, outputs):
                constants[name] = array
                graph.initializer.append(numpy_helper.from_array(array, name))
        if len(kept) == len(graph.node):
            return inferred
        del graph.node[:]
        graph.node.extend(kept)
