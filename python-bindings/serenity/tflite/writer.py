"""Writes `.tflite` files (python3-flatbuffers' Builder), from the layout
schema.fbs publishes, for the ops the importer takes: how tests make TFLite
models of their own, and how Serenity's models will reach TFLite Micro.

    data = write_model(tensors, operators, inputs, outputs)

`tensors`: TensorSpec; `operators`: (opcode name, input tensor indices,
output tensor indices, options dict). Options by op: CONV_2D and
DEPTHWISE_CONV_2D `padding` ("SAME"/"VALID"), `stride` (h, w), `dilation`
(h, w), `activation` (None, "RELU", "RELU6", "RELU_N1_TO_1"),
DEPTHWISE_CONV_2D `depth_multiplier`; the pools `padding`, `stride`,
`filter` (h, w), `activation`; FULLY_CONNECTED, ADD, MUL `activation`;
RELU none;
CONCATENATION `axis`, `activation`; SOFTMAX `beta`; RESHAPE `new_shape`;
SUB `activation`; SQUEEZE `squeeze_dims`; PAD, TRANSPOSE, RELU6, QUANTIZE
and DEQUANTIZE none; STRIDED_SLICE the masks (`begin_mask`, ...). schema.read_options
reads them back in this form, and `model_specs` turns a read model into
these arguments, so that a rewrite of a `.tflite` model is written anew.
"""

from dataclasses import dataclass
from typing import List, Optional

import flatbuffers
import numpy as np

from .schema import ACTIVATIONS, BUILTIN_OPERATORS, PADDINGS, TENSOR_TYPES

OPCODES = {name: code for code, name in BUILTIN_OPERATORS.items()}
TYPE_CODES = {element: code for code, (_, _, element) in TENSOR_TYPES.items()}
ACTIVATION_CODES = {name: code for code, name in ACTIVATIONS.items()}
PADDING_CODES = {name: code for code, name in PADDINGS.items()}
# BuiltinOptions union members (their position in the union, from 1).
OPTIONS_TYPES = {"CONV_2D": 1, "DEPTHWISE_CONV_2D": 2, "AVERAGE_POOL_2D": 5, "MAX_POOL_2D": 5,
                 "FULLY_CONNECTED": 8, "SOFTMAX": 9, "CONCATENATION": 10, "ADD": 11,
                 "RESHAPE": 17, "MUL": 21, "PAD": 22, "TRANSPOSE": 26, "SUB": 28, "SQUEEZE": 30,
                 "STRIDED_SLICE": 32, "MEAN": 27, "SUM": 27}


@dataclass
class TensorSpec:
    name: str
    shape: List[int]
    element: str  # "i8", "i32", "f32", ...
    data: Optional[np.ndarray] = None
    scales: Optional[List[float]] = None
    zero_points: Optional[List[int]] = None
    axis: int = 0
    is_variable = False

    @property
    def bytes(self):
        """Its size, as TFLite Micro allocates it."""
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(
            TENSOR_TYPES[TYPE_CODES[self.element]][1]).itemsize

    @property
    def quant(self):
        """(scale, zero point) of a per-tensor quantized tensor, else None."""
        if not self.scales:
            return None
        return self.scales[0], (self.zero_points or [0])[0]


def _int_vector(b, values, width=4):
    prepend = {4: b.PrependInt32, 8: b.PrependInt64}[width]
    b.StartVector(width, len(values), width)
    for v in reversed(list(values)):
        prepend(int(v))
    return b.EndVector()


def _float_vector(b, values):
    b.StartVector(4, len(values), 4)
    for v in reversed(list(values)):
        b.PrependFloat32(float(v))
    return b.EndVector()


def _table_vector(b, offsets):
    b.StartVector(4, len(offsets), 4)
    for o in reversed(offsets):
        b.PrependUOffsetTRelative(o)
    return b.EndVector()


def _options(b, opcode, options):
    o = dict(options or {})
    activation = ACTIVATION_CODES[o.get("activation")]
    stride = o.get("stride", (1, 1))
    dilation = o.get("dilation", (1, 1))
    if opcode == "RESHAPE":
        shape = _int_vector(b, o["new_shape"])
        b.StartObject(1)
        b.PrependUOffsetTRelativeSlot(0, shape, 0)
        return b.EndObject()
    if opcode == "CONV_2D":
        b.StartObject(6)
        b.PrependInt8Slot(0, PADDING_CODES[o.get("padding", "SAME")], 0)
        b.PrependInt32Slot(1, stride[1], 0)
        b.PrependInt32Slot(2, stride[0], 0)
        b.PrependInt8Slot(3, activation, 0)
        b.PrependInt32Slot(4, dilation[1], 1)
        b.PrependInt32Slot(5, dilation[0], 1)
        return b.EndObject()
    if opcode == "DEPTHWISE_CONV_2D":
        b.StartObject(7)
        b.PrependInt8Slot(0, PADDING_CODES[o.get("padding", "SAME")], 0)
        b.PrependInt32Slot(1, stride[1], 0)
        b.PrependInt32Slot(2, stride[0], 0)
        b.PrependInt32Slot(3, o.get("depth_multiplier", 1), 0)
        b.PrependInt8Slot(4, activation, 0)
        b.PrependInt32Slot(5, dilation[1], 1)
        b.PrependInt32Slot(6, dilation[0], 1)
        return b.EndObject()
    if opcode in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        kernel = o["filter"]
        b.StartObject(6)
        b.PrependInt8Slot(0, PADDING_CODES[o.get("padding", "VALID")], 0)
        b.PrependInt32Slot(1, stride[1], 0)
        b.PrependInt32Slot(2, stride[0], 0)
        b.PrependInt32Slot(3, kernel[1], 0)
        b.PrependInt32Slot(4, kernel[0], 0)
        b.PrependInt8Slot(5, activation, 0)
        return b.EndObject()
    if opcode == "FULLY_CONNECTED":
        b.StartObject(3)
        b.PrependInt8Slot(0, activation, 0)
        b.PrependBoolSlot(2, bool(o.get("keep_num_dims", False)), False)
        return b.EndObject()
    if opcode in ("ADD", "MUL", "SUB"):
        b.StartObject(1)
        b.PrependInt8Slot(0, activation, 0)
        return b.EndObject()
    if opcode == "SQUEEZE":
        dims = _int_vector(b, o.get("squeeze_dims", []))
        b.StartObject(1)
        b.PrependUOffsetTRelativeSlot(0, dims, 0)
        return b.EndObject()
    if opcode in ("PAD", "TRANSPOSE"):
        b.StartObject(0)
        return b.EndObject()
    if opcode == "STRIDED_SLICE":
        b.StartObject(6)
        for slot, key in enumerate(("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask",
                                    "shrink_axis_mask")):
            b.PrependInt32Slot(slot, o.get(key, 0), 0)
        b.PrependBoolSlot(5, bool(o.get("offset", False)), False)
        return b.EndObject()
    if opcode == "CONCATENATION":
        b.StartObject(2)
        b.PrependInt32Slot(0, o.get("axis", 0), 0)
        b.PrependInt8Slot(1, activation, 0)
        return b.EndObject()
    if opcode in ("MEAN", "SUM"):
        b.StartObject(1)
        b.PrependBoolSlot(0, bool(o.get("keep_dims", False)), False)
        return b.EndObject()
    if opcode == "SOFTMAX":
        b.StartObject(1)
        b.PrependFloat32Slot(0, o.get("beta", 1.0), 0.0)
        return b.EndObject()
    raise ValueError("the writer has no options for %s" % opcode)


def write_model(tensors, operators, inputs, outputs, name="main"):
    """The bytes of a one-subgraph `.tflite` model."""
    b = flatbuffers.Builder(1024)
    # Buffers: 0 is the empty sentinel; each constant gets its own.
    buffer_tables, buffer_of = [], {}
    empty = None
    for index, t in enumerate(tensors):
        if t.data is None:
            continue
        raw = np.ascontiguousarray(t.data, TENSOR_TYPES[TYPE_CODES[t.element]][1]).tobytes()
        b.StartVector(1, len(raw), 16)
        b.head = b.head - len(raw)
        b.Bytes[b.head:b.head + len(raw)] = raw
        data = b.EndVector()
        b.StartObject(1)
        b.PrependUOffsetTRelativeSlot(0, data, 0)
        buffer_tables.append(b.EndObject())
        buffer_of[index] = len(buffer_tables)
    b.StartObject(1)
    empty = b.EndObject()
    buffers = _table_vector(b, [empty] + buffer_tables)

    tensor_tables = []
    for index, t in enumerate(tensors):
        quantization = None
        if t.scales is not None:
            scales = _float_vector(b, t.scales)
            zero_points = _int_vector(b, t.zero_points or [0] * len(t.scales), 8)
            b.StartObject(7)
            b.PrependUOffsetTRelativeSlot(2, scales, 0)
            b.PrependUOffsetTRelativeSlot(3, zero_points, 0)
            b.PrependInt32Slot(6, t.axis, 0)
            quantization = b.EndObject()
        tensor_name = b.CreateString(t.name)
        shape = _int_vector(b, t.shape)
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(0, shape, 0)
        b.PrependInt8Slot(1, TYPE_CODES[t.element], 0)
        b.PrependUint32Slot(2, buffer_of.get(index, 0), 0)
        b.PrependUOffsetTRelativeSlot(3, tensor_name, 0)
        if quantization is not None:
            b.PrependUOffsetTRelativeSlot(4, quantization, 0)
        tensor_tables.append(b.EndObject())
    tensor_vector = _table_vector(b, tensor_tables)

    codes = sorted({op[0] for op in operators}, key=lambda c: OPCODES[c])
    operator_tables = []
    for opcode, op_inputs, op_outputs, options in operators:
        options_table = _options(b, opcode, options) if opcode in OPTIONS_TYPES else None
        ins, outs = _int_vector(b, op_inputs), _int_vector(b, op_outputs)
        b.StartObject(5)
        b.PrependUint32Slot(0, codes.index(opcode), 0)
        b.PrependUOffsetTRelativeSlot(1, ins, 0)
        b.PrependUOffsetTRelativeSlot(2, outs, 0)
        if options_table is not None:
            b.PrependUint8Slot(3, OPTIONS_TYPES[opcode], 0)
            b.PrependUOffsetTRelativeSlot(4, options_table, 0)
        operator_tables.append(b.EndObject())
    operator_vector = _table_vector(b, operator_tables)
    graph_name = b.CreateString(name)
    graph_inputs, graph_outputs = _int_vector(b, inputs), _int_vector(b, outputs)
    b.StartObject(5)
    b.PrependUOffsetTRelativeSlot(0, tensor_vector, 0)
    b.PrependUOffsetTRelativeSlot(1, graph_inputs, 0)
    b.PrependUOffsetTRelativeSlot(2, graph_outputs, 0)
    b.PrependUOffsetTRelativeSlot(3, operator_vector, 0)
    b.PrependUOffsetTRelativeSlot(4, graph_name, 0)
    subgraph = b.EndObject()
    subgraphs = _table_vector(b, [subgraph])

    code_tables = []
    for code in codes:
        b.StartObject(4)
        b.PrependInt8Slot(0, min(OPCODES[code], 127), 0)
        b.PrependInt32Slot(2, 1, 1)
        b.PrependInt32Slot(3, OPCODES[code], 0)
        code_tables.append(b.EndObject())
    code_vector = _table_vector(b, code_tables)
    description = b.CreateString("written by Serenity")
    b.StartObject(5)
    b.PrependUint32Slot(0, 3, 0)
    b.PrependUOffsetTRelativeSlot(1, code_vector, 0)
    b.PrependUOffsetTRelativeSlot(2, subgraphs, 0)
    b.PrependUOffsetTRelativeSlot(3, description, 0)
    b.PrependUOffsetTRelativeSlot(4, buffers, 0)
    b.Finish(b.EndObject(), file_identifier=b"TFL3")
    return bytes(b.Output())


def model_specs(model):
    """A read model (schema.Model) as write_model's arguments: (tensors,
    operators, inputs, outputs). Raises ValueError for an op whose options
    the writer cannot write, or a tensor type it has no element for."""
    from .schema import read_options

    tensors = []
    for t in model.tensors:
        if t.type_code not in TENSOR_TYPES:
            raise ValueError("tensor '%s' is %s, which the writer cannot write"
                             % (t.name, t.type_name))
        q = t.quantization
        tensors.append(TensorSpec(t.name, list(t.shape), t.element, t.data,
                                  None if q is None else [float(v) for v in q.scales],
                                  None if q is None else [int(v) for v in q.zero_points],
                                  0 if q is None else q.axis))
    operators = []
    for op in model.operators:
        if op.opcode not in OPCODES:
            raise ValueError("operator %d (%s): the writer cannot write it" % (op.index, op.opcode))
        options = read_options(op)
        if options is None and op.opcode in OPTIONS_TYPES:
            raise ValueError("operator %d (%s): the writer cannot write its options"
                             % (op.index, op.opcode))
        operators.append((op.opcode, list(op.inputs), list(op.outputs), options))
    return tensors, operators, list(model.inputs), list(model.outputs)
