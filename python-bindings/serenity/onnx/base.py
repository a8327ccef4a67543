"""What every op family of the ONNX importer builds on: values, their
NCHW/NHWC layout, attributes, constants and errors."""

import numpy as np

from .. import tosa
from ..tosa import tensor_type

TO_NHWC = (0, 2, 3, 1)
TO_NCHW = (0, 3, 1, 2)
# An NCHW axis in NHWC.
NHWC_AXIS = {0: 0, 1: 3, 2: 1, 3: 2}


class ImportError_(Exception):
    pass


def with_input_shapes(model, input_shapes):
    """A copy of `model` whose graph inputs have the static shapes
    `input_shapes` ({name: [dims]}) gives, for shape inference to carry on
    from."""
    import onnx

    model = onnx.ModelProto.FromString(model.SerializeToString())
    inputs = {info.name: info for info in model.graph.input}
    for name, dims in input_shapes.items():
        info = inputs.get(name)
        if info is None:
            raise ImportError_("--input-shape names '%s', which is not a graph input (inputs: %s)"
                               % (name, ", ".join(inputs) or "none"))
        shape = info.type.tensor_type.shape
        if len(shape.dim) and len(shape.dim) != len(dims):
            raise ImportError_("--input-shape gives '%s' %d dimensions; the model has %d"
                               % (name, len(dims), len(shape.dim)))
        del shape.dim[:]
        for d in dims:
            shape.dim.add().dim_value = int(d)
    if input_shapes:
        # Shapes inferred for the old input shapes would contradict the new ones.
        del model.graph.value_info[:]
    return model


class Value:
    """An SSA tensor value; `nhwc` marks a 4-D tensor stored NHWC for an NCHW
    one. A quantized value is an i8 tensor with `quant` (its Quantization);
    a dequantized one (DequantizeLinear's output) has no name until a float
    op reads it: `dequantized` is the quantized value it stands for."""

    def __init__(self, name, shape, nhwc=False, constant=None, element="f32", quant=None,
                 dequantized=None, storage=None):
        self.name = name
        self.shape = tuple(int(d) for d in shape)
        self.nhwc = nhwc
        self.constant = constant  # numpy array of an initializer (ONNX layout)
        self.element = element
        self.quant = quant
        self.dequantized = dequantized
        # The model's integer type ('ui8' or 'i8') of an i8 value whose
        # quantization is not known (an integer graph input).
        self._storage = storage

    @property
    def storage(self):
        return self.quant.storage if self.quant is not None else self._storage

    @property
    def type(self):
        return tensor_type(self.shape, self.element)

    def like(self, name, shape=None, nhwc=None):
        """A value of the same element type and quantization."""
        return Value(name, self.shape if shape is None else shape,
                     self.nhwc if nhwc is None else nhwc, element=self.element, quant=self.quant,
                     storage=self._storage)

    def with_quant(self, quant):
        value = self.like(self.name)
        value.quant = quant
        return value


class ImporterBase:
    """The graph being imported and the TOSA it becomes (self.emit)."""

    def __init__(self, model, input_shapes=None, rounding="pytorch"):
        import onnx
        from onnx import numpy_helper

        from .constants import fold_constants, value_shapes
        from .quantized import match_patterns

        self.onnx = onnx
        # Folding changes the graph: work on a copy.
        model = with_input_shapes(model, input_shapes or {})
        # {name: QuantizedConstant} of the folded DequantizeLinear nodes.
        self.dequantized = {}
        self.graph = fold_constants(model, self.fail, self.dequantized)
        self.emit = tosa.Emitter()
        # How requantizations round (serenity.onnx.quantization.ROUNDINGS).
        self.rounding = rounding
        self.values = {}
        self.consumers = {}
        self.producers = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
            for name in node.output:
                self.producers[name] = node
        # The quantized patterns, emitted at their QuantizeLinear; the
        # nodes inside them are skipped where they stand.
        self.patterns = match_patterns(self.graph, self.producers, self.consumers,
                                       self.dequantized)
        self.inside_patterns = {id(n) for p in self.patterns.values()
                                for n in (p.anchor, p.activation) if n is not None}
        self.initializers = {i.name: numpy_helper.to_array(i) for i in self.graph.initializer}
        self.shapes = value_shapes(self.graph)
        self.folded = set()

    def fail(self, node, reason):
        raise ImportError_("%s node '%s': %s" % (node.op_type, node.name or node.output[0], reason))

    def attr(self, node, name, default=None):
        for a in node.attribute:
            if a.name == name:
                return self.onnx.helper.get_attribute_value(a)
        return default

    def static_shape(self, node, name):
        shape = self.shapes.get(name)
        if shape is None or any(d is None or d <= 0 for d in shape):
            self.fail(node, "value '%s' has a dynamic or unknown shape %s" % (name, shape))
        return shape

    def op(self, name, operands, attrs, shape, hint="v", element="f32"):
        """Emits `"tosa.<name>"` with a result of `shape` and `element`."""
        return self.emit.op(name, operands, attrs, shape, hint,
                            result_type=tensor_type(shape, element))

    def input(self, node, index):
        """The float value of input `index`: a dequantized value is
        computed in float here (an op outside every quantized pattern)."""
        name = node.input[index]
        if name in self.values:
            value = self.values[name]
            if value.dequantized is not None:
                value = self.materialize_dequantized(value)
                self.values[name] = value
            return value
        if name in self.initializers:
            array = self.initializers[name].astype(np.float32)
            value = Value(self.emit.const(array).name, array.shape, constant=array)
            self.values[name] = value
            return value
        self.fail(node, "input '%s' is not defined" % name)

    def constant_input(self, node, index):
        if index >= len(node.input) or not node.input[index]:
            return None
        name = node.input[index]
        if name in self.initializers:
            return self.initializers[name]
        producer = self.values.get(name)
        if producer is not None and producer.constant is not None:
            return producer.constant
        self.fail(node, "input '%s' must be a constant" % name)

    def to_nchw(self, value):
        if not value.nhwc:
            return value
        shape = [value.shape[i] for i in TO_NCHW]
        name = self.op("transpose", [value], "perms = array<i32: 0, 3, 1, 2>", shape, "t",
                       value.element)
        return value.like(name, shape, nhwc=False)

    def to_nhwc(self, value):
        if value.nhwc or len(value.shape) != 4:
            return value
        shape = [value.shape[i] for i in TO_NHWC]
        name = self.op("transpose", [value], "perms = array<i32: 0, 2, 3, 1>", shape, "t",
                       value.element)
        return value.like(name, shape, nhwc=True)

    def broadcast_operand(self, node, value, like):
        """Brings an operand of a binary op to `like`'s rank and layout."""
        if value.nhwc == like.nhwc and len(value.shape) == len(like.shape):
            return value
        if value.constant is not None:
            array = value.constant.astype(np.float32)
            if like.nhwc:
                array = array.reshape((1,) * (4 - array.ndim) + array.shape).transpose(TO_NHWC)
            else:
                array = array.reshape((1,) * (len(like.shape) - array.ndim) + array.shape)
            name = self.emit.const(array).name
            return Value(name, array.shape, constant=array)
        if like.nhwc and not value.nhwc and len(value.shape) == 4:
            return self.to_nhwc(value)
        if value.nhwc and not like.nhwc:
            return self.to_nchw(value)
        self.fail(node, "cannot broadcast %s with %s" % (value.shape, like.shape))

    def fit(self, node, x, kernel, strides, pads, dilation=1, output=None):
        """A window over the NHWC `x` as TOSA takes it: `x` without the
        trailing rows and columns that no window reads, and the exact-fit
        pads (top, bottom, left, right) for ONNX pads (top, left, bottom,
        right) and the `output` size (rows, columns) ONNX gives."""
        top, left, bottom, right = pads
        pad, (rows, columns) = tosa.fit_window(x.shape[1], x.shape[2], kernel, strides,
                                               (top, bottom, left, right), dilation, output)
        if (rows, columns) != (x.shape[1], x.shape[2]):
            size = [x.shape[0], rows, columns, x.shape[3]]
            x = x.like(self.op("slice", [x, self.emit.const_shape([0, 0, 0, 0]),
                                         self.emit.const_shape(size)], "", size, "fit", x.element),
                       size, nhwc=True)
        return x, pad

    def output_shape(self, node, nhwc):
        shape = self.static_shape(node, node.output[0])
        return [shape[i] for i in TO_NHWC] if nhwc else shape

    def define(self, node, name, shape, nhwc=False, index=0):
        self.values[node.output[index]] = Value(name, shape, nhwc)

    # -- ops ---------------------------------------------------------------
