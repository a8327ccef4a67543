"""A reader of TensorFlow Lite flatbuffers (`.tflite`), on python3-flatbuffers.

Written from the layout that tensorflow/lite/schema/schema.fbs publishes:
each table's fields in declaration order are its vtable slots (a union
takes two: its type, then its table). Only what the importer needs is read:
Model, SubGraph, Tensor, Buffer, Operator, OperatorCode,
QuantizationParameters, Metadata and the options of the supported ops. A
file that is not a TFLite model raises SchemaError.
"""

from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
from flatbuffers import number_types as N
from flatbuffers import table as fb_table

# TensorType: the numpy type of each element type the importer takes, and
# its MLIR spelling.
TENSOR_TYPES = {0: ("FLOAT32", np.float32, "f32"), 2: ("INT32", np.int32, "i32"),
                3: ("UINT8", np.uint8, "ui8"), 4: ("INT64", np.int64, "i64"),
                7: ("INT16", np.int16, "i16"), 9: ("INT8", np.int8, "i8"),
                6: ("BOOL", np.bool_, "i1")}
TENSOR_TYPE_NAMES = {1: "FLOAT16", 5: "STRING", 8: "COMPLEX64", 10: "FLOAT64",
                     11: "COMPLEX128", 12: "UINT64", 13: "RESOURCE", 14: "VARIANT",
                     15: "UINT32", 16: "UINT16", 17: "INT4"}

# BuiltinOperator codes, by name (the ones the importer knows, and the ones
# its errors name).
BUILTIN_OPERATORS = {
    0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D",
    5: "DEPTH_TO_SPACE", 6: "DEQUANTIZE", 7: "EMBEDDING_LOOKUP", 8: "FLOOR",
    9: "FULLY_CONNECTED", 10: "HASHTABLE_LOOKUP", 11: "L2_NORMALIZATION", 12: "L2_POOL_2D",
    13: "LOCAL_RESPONSE_NORMALIZATION", 14: "LOGISTIC", 15: "LSH_PROJECTION", 16: "LSTM",
    17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 20: "RELU_N1_TO_1", 21: "RELU6", 22: "RESHAPE",
    23: "RESIZE_BILINEAR", 24: "RNN", 25: "SOFTMAX", 26: "SPACE_TO_DEPTH", 27: "SVDF",
    28: "TANH", 32: "CUSTOM", 34: "PAD", 36: "GATHER", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB",
    42: "DIV", 43: "SQUEEZE", 44: "UNIDIRECTIONAL_SEQUENCE_LSTM", 45: "STRIDED_SLICE",
    47: "EXP", 49: "SPLIT", 53: "CAST", 55: "MAXIMUM", 57: "MINIMUM", 59: "NEG", 60: "PADV2",
    65: "SLICE", 70: "EXPAND_DIMS", 74: "SUM", 83: "PACK", 88: "UNPACK", 102: "SPLIT_V",
    114: "QUANTIZE", 117: "HARD_SWISH", 126: "BATCH_MATMUL",
}

# ActivationFunctionType and Padding.
ACTIVATIONS = {0: None, 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
PADDINGS = {0: "SAME", 1: "VALID"}


def same_pads(size, kernel, stride, dilation, output):
    """TFLite's SAME padding along one axis: (before, after), the odd one
    after."""
    total = max((output - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2


class SchemaError(Exception):
    pass


class Table:
    """One flatbuffer table: field i is vtable slot i."""

    def __init__(self, buf, pos):
        self.t = fb_table.Table(buf, pos)

    def _offset(self, slot):
        return self.t.Offset(4 + 2 * slot)

    def has(self, slot):
        return self._offset(slot) != 0

    def scalar(self, slot, flags, default=0):
        o = self._offset(slot)
        return self.t.Get(flags, o + self.t.Pos) if o else default

    def int32(self, slot, default=0):
        return self.scalar(slot, N.Int32Flags, default)

    def uint32(self, slot, default=0):
        return self.scalar(slot, N.Uint32Flags, default)

    def int8(self, slot, default=0):
        return self.scalar(slot, N.Int8Flags, default)

    def bool(self, slot, default=False):
        return bool(self.scalar(slot, N.BoolFlags, default))

    def float32(self, slot, default=0.0):
        return self.scalar(slot, N.Float32Flags, default)

    def string(self, slot):
        o = self._offset(slot)
        return self.t.String(o + self.t.Pos).decode("utf-8", "replace") if o else None

    def array(self, slot, flags):
        """A vector of scalars as a numpy array (empty when absent)."""
        o = self._offset(slot)
        if not o:
            return np.zeros([0], flags.nptype)
        return self.t.GetVectorAsNumpy(flags, o)

    def table(self, slot):
        o = self._offset(slot)
        return Table(self.t.Bytes, self.t.Indirect(o + self.t.Pos)) if o else None

    def tables(self, slot):
        """A vector of tables."""
        o = self._offset(slot)
        if not o:
            return []
        start, count = self.t.Vector(o), self.t.VectorLen(o)
        return [Table(self.t.Bytes, self.t.Indirect(start + 4 * i)) for i in range(count)]


@dataclass
class Quantization:
    scales: np.ndarray
    zero_points: np.ndarray
    axis: int

    @property
    def per_channel(self):
        return len(self.scales) > 1


@dataclass
class Tensor:
    index: int
    name: str
    shape: List[int]
    type_code: int
    buffer: int
    quantization: Optional[Quantization]
    data: Optional[np.ndarray] = None  # constant values, shaped
    is_variable: bool = False

    @property
    def bytes(self):
        """Its size, as TFLite Micro allocates it."""
        if self.type_code not in TENSOR_TYPES:
            return 0
        return int(np.prod(self.shape, dtype=np.int64)) * np.dtype(
            TENSOR_TYPES[self.type_code][1]).itemsize

    @property
    def element(self):
        """The MLIR element type ("i8", "f32", ...)."""
        return TENSOR_TYPES[self.type_code][2]

    @property
    def type_name(self):
        if self.type_code in TENSOR_TYPES:
            return TENSOR_TYPES[self.type_code][0]
        return TENSOR_TYPE_NAMES.get(self.type_code, "type %d" % self.type_code)


@dataclass
class Operator:
    index: int
    opcode: str  # a BuiltinOperator name, or "CUSTOM:<code>"
    inputs: List[int]
    outputs: List[int]
    options: Optional[Table]


@dataclass
class Model:
    tensors: List[Tensor]
    operators: List[Operator]
    inputs: List[int]
    outputs: List[int]
    name: str
    metadata: Dict[str, bytes] = field(default_factory=dict)


def read_model(data):
    """The first subgraph of a `.tflite` file's bytes, with its constants."""
    if len(data) < 8 or data[4:8] != b"TFL3":
        raise SchemaError("not a TFLite model (no TFL3 file identifier)")
    try:
        return _read(bytearray(data))
    except (IndexError, ValueError, UnicodeDecodeError) as error:
        raise SchemaError("a truncated or malformed TFLite model (%s)" % error)


def _read(buf):
    root = Table(buf, N.UOffsetTFlags.py_type(int.from_bytes(buf[0:4], "little")))
    buffers = root.tables(4)
    codes = []
    for code in root.tables(1):
        builtin = max(code.int8(0), code.int32(3))
        if builtin == 32:
            codes.append("CUSTOM:%s" % code.string(1))
        else:
            codes.append(BUILTIN_OPERATORS.get(builtin, "BUILTIN_%d" % builtin))
    subgraphs = root.tables(2)
    if not subgraphs:
        raise SchemaError("the model has no subgraph")
    graph = subgraphs[0]
    tensors = []
    for index, t in enumerate(graph.tables(0)):
        quantization = None
        q = t.table(4)
        if q is not None and q.has(2):
            quantization = Quantization(q.array(2, N.Float32Flags).astype(np.float64),
                                        q.array(3, N.Int64Flags), q.int32(6))
        tensor = Tensor(index, t.string(3) or "tensor_%d" % index,
                        [int(d) for d in t.array(0, N.Int32Flags)], t.int8(1), t.uint32(2),
                        quantization, is_variable=t.bool(5))
        if 0 < tensor.buffer < len(buffers) and buffers[tensor.buffer].has(0):
            raw = buffers[tensor.buffer].array(0, N.Uint8Flags)
            if tensor.type_code in TENSOR_TYPES and len(raw):
                values = np.frombuffer(raw.tobytes(), TENSOR_TYPES[tensor.type_code][1])
                tensor.data = values.reshape(tensor.shape) if tensor.shape else values.reshape([])
        tensors.append(tensor)
    operators = []
    for index, op in enumerate(graph.tables(3)):
        opcode_index = op.uint32(0)
        if opcode_index >= len(codes):
            raise SchemaError("operator %d names op code %d of %d" % (index, opcode_index,
                                                                      len(codes)))
        operators.append(Operator(index, codes[opcode_index],
                                  [int(i) for i in op.array(1, N.Int32Flags)],
                                  [int(i) for i in op.array(2, N.Int32Flags)], op.table(4)))
    metadata = {}
    for entry in root.tables(6):
        b = entry.uint32(1)
        if b < len(buffers):
            metadata[entry.string(0)] = buffers[b].array(0, N.Uint8Flags).tobytes()
    return Model(tensors, operators, [int(i) for i in graph.array(1, N.Int32Flags)],
                 [int(i) for i in graph.array(2, N.Int32Flags)], graph.string(4) or "main",
                 metadata)


# Each op's options as the writer takes them: (key, slot, kind) with kind
# "i8" (an enum), "i32", "f32", "bool", "pair:<h slot>" ((h, w) with w in
# `slot`), "ints" (a vector). Options of ops absent here are not read.
_OPTION_FIELDS = {
    "CONV_2D": [("padding", 0, "padding"), ("stride", 1, "pair:2"), ("activation", 3, "act"),
                ("dilation", 4, "pair:5")],
    "DEPTHWISE_CONV_2D": [("padding", 0, "padding"), ("stride", 1, "pair:2"),
                          ("depth_multiplier", 3, "i32"), ("activation", 4, "act"),
                          ("dilation", 5, "pair:6")],
    "AVERAGE_POOL_2D": [("padding", 0, "padding"), ("stride", 1, "pair:2"),
                        ("filter", 3, "pair:4"), ("activation", 5, "act")],
    "FULLY_CONNECTED": [("activation", 0, "act"), ("keep_num_dims", 2, "bool")],
    "ADD": [("activation", 0, "act")],
    "SUB": [("activation", 0, "act")],
    "SQUEEZE": [("squeeze_dims", 0, "ints")],
    "MUL": [("activation", 0, "act")],
    "CONCATENATION": [("axis", 0, "i32"), ("activation", 1, "act")],
    "SOFTMAX": [("beta", 0, "f32")],
    "RESHAPE": [("new_shape", 0, "ints")],
    "MEAN": [("keep_dims", 0, "bool")],
    "STRIDED_SLICE": [("begin_mask", 0, "i32"), ("end_mask", 1, "i32"),
                      ("ellipsis_mask", 2, "i32"), ("new_axis_mask", 3, "i32"),
                      ("shrink_axis_mask", 4, "i32"), ("offset", 5, "bool")],
}
_OPTION_FIELDS["MAX_POOL_2D"] = _OPTION_FIELDS["AVERAGE_POOL_2D"]
_OPTION_FIELDS["SUM"] = _OPTION_FIELDS["MEAN"]
# Ops whose options hold nothing the importer or the writer uses.
for _opcode in ("TRANSPOSE", "RELU", "RELU6", "QUANTIZE", "DEQUANTIZE", "PAD", "LOGISTIC",
                "HARD_SWISH"):
    _OPTION_FIELDS[_opcode] = []
# Fields whose schema default is not zero.
_OPTION_DEFAULTS = {("CONV_2D", 4): 1, ("CONV_2D", 5): 1, ("DEPTHWISE_CONV_2D", 5): 1,
                    ("DEPTHWISE_CONV_2D", 6): 1}


def read_options(op):
    """`op`'s options as a dict of the writer's keys, or None for an op
    whose options are not read."""
    fields = _OPTION_FIELDS.get(op.opcode)
    if fields is None:
        return None
    o = op.options
    result = {}
    for key, slot, kind in fields:
        default = _OPTION_DEFAULTS.get((op.opcode, slot), 0)
        if o is None:
            value = {"ints": [], "f32": 0.0, "bool": False}.get(kind, default)
            if kind.startswith("pair:"):
                value = (default, default)
            elif kind == "padding":
                value = PADDINGS[0]
            elif kind == "act":
                value = None
        elif kind == "padding":
            value = PADDINGS[o.int8(slot)]
        elif kind == "act":
            value = ACTIVATIONS.get(o.int8(slot))
        elif kind == "i32":
            value = o.int32(slot, default)
        elif kind == "f32":
            value = o.float32(slot)
        elif kind == "bool":
            value = o.bool(slot)
        elif kind == "ints":
            value = [int(v) for v in o.array(slot, N.Int32Flags)]
        else:
            h_slot = int(kind.split(":")[1])
            value = (o.int32(h_slot, _OPTION_DEFAULTS.get((op.opcode, h_slot), 0)),
                     o.int32(slot, default))
        result[key] = value
    return result
