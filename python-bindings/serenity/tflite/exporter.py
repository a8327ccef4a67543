"""A float TOSA function as a TensorFlow Lite model (`.tflite`), in the
order as written.

    from serenity.tflite.exporter import export_tflite
    data = export_tflite(open("model.mlir").read())

The MLIR is parsed by MLIR itself (serenity._core.functions), so any form
it prints reads. Each TOSA op becomes the TFLite op that computes the same
thing; a clamp that TFLite can fuse (RELU, RELU6, RELU_N1_TO_1) into its
only producer is fused:

- conv2d, depthwise_conv2d: CONV_2D, DEPTHWISE_CONV_2D (TOSA's OHWI
  weights are TFLite's; [KH, KW, C, M] depthwise weights become
  [1, KH, KW, C*M]); pads equal to TFLite's SAME are SAME, zero pads VALID,
  other pads an explicit PAD before a VALID convolution;
- avg_pool2d, max_pool2d: the pools, SAME or VALID (both skip padded
  positions, as TOSA does); other pads are refused;
- add, sub, mul, maximum, minimum, negate, sigmoid, tanh, exp: ADD, SUB,
  MUL, MAXIMUM, MINIMUM, NEG, LOGISTIC, TANH, EXP; a clamp that is no
  activation: MAXIMUM and MINIMUM with constants;
- concat, reshape, transpose, slice, pad (of zeros), reduce_sum:
  CONCATENATION, RESHAPE, TRANSPOSE, STRIDED_SLICE, PAD, SUM (keeping
  dimensions);
- matmul of a constant right operand (batch 1): FULLY_CONNECTED.

Float only: an int8 TOSA model carries requantization multipliers, not the
float scales TFLite's kernels derive them from, and most multipliers have
no float32 scales that give them back; such a model is refused in one line
(plan its `.tflite` with serenity-plan-tflite instead). Every op that cannot
be written is named with its location in one ExportError, and nothing is
written.
"""

import numpy as np

from .patches import Graph, Op, compact
from .schema import same_pads
from .writer import TensorSpec, write_model


class ExportError(Exception):
    pass


# Element types of dense constants, as numpy reads their raw bytes.
DTYPES = {"f32": "<f4", "i32": "<i4", "i64": "<i8", "index": "<i8", "i8": "i1", "i16": "<i2"}
F32_MAX = float(np.finfo(np.float32).max)
# Clamps TFLite fuses into the op before them.
ACTIVATION_OF_CLAMP = {(0.0, F32_MAX): "RELU", (0.0, 6.0): "RELU6", (-1.0, 1.0): "RELU_N1_TO_1"}
ACTIVATION_OPS = {"RELU", "RELU6", "RELU_N1_TO_1"}
# TFLite ops with a fused activation (an `activation` option) that TFLM
# applies (its CONCATENATION refuses one).
FUSING = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D",
          "ADD", "SUB", "MUL")
# Elementwise TOSA ops and their TFLite ops (mul's third operand, its
# shift, is 0 in float).
UNARY = {"tosa.sigmoid": "LOGISTIC", "tosa.tanh": "TANH", "tosa.exp": "EXP",
         "tosa.negate": "NEG"}
BINARY = {"tosa.add": "ADD", "tosa.sub": "SUB", "tosa.mul": "MUL", "tosa.maximum": "MAXIMUM",
          "tosa.minimum": "MINIMUM"}


def dense(attribute):
    """The numpy array of a dense elements attribute (serenity._core's
    plain form)."""
    shape = attribute["shape"]
    dtype = DTYPES.get(attribute["element"])
    if dtype is None:
        raise ExportError("constants of %s are not supported" % attribute["element"])
    values = np.frombuffer(attribute["raw"], dtype)
    if attribute["splat"]:
        return np.full(shape, values[0])
    return values.reshape(shape)


class Exporter:
    def __init__(self, function):
        self.function = function
        self.tensors = []
        self.operators = []
        self.tensor_of = {}    # value number: tensor index
        self.constant_of = {}  # value number: numpy array
        self.types = {}        # value number: (shape, element)
        self.names = {}        # value number: a name for its tensor

    # -- tensors ---------------------------------------------------------------
    def new_tensor(self, name, shape, data=None, element="f32"):
        self.tensors.append(TensorSpec(name, [int(d) for d in shape], element,
                                       None if data is None else np.asarray(data)))
        return len(self.tensors) - 1

    def constant(self, values, name, element="f32"):
        array = np.asarray(values, {"f32": np.float32, "i32": np.int32}[element])
        return self.new_tensor(name, array.shape, array, element)

    def tensor(self, value):
        """The tensor of an operand: computed, or a constant written now."""
        if value in self.tensor_of:
            return self.tensor_of[value]
        if value in self.constant_of:
            array = self.constant_of[value]
            self.tensor_of[value] = self.constant(array, self.names[value])
            return self.tensor_of[value]
        raise ExportError("value %d is not computed" % value)

    def output(self, op):
        value = op["results"][0]
        shape, _ = self.types[value]
        self.tensor_of[value] = self.new_tensor(self.names[value], shape)
        return self.tensor_of[value]

    def emit(self, opcode, inputs, outputs, options=None):
        self.operators.append((opcode, list(inputs), list(outputs), options))

    # -- the function ------------------------------------------------------------
    def run(self):
        f = self.function
        problems = []
        for what in ("argument", "result"):
            for position, entry in enumerate(f[what + "s"]):
                if not _is_f32(entry["type"]):
                    problems.append("%s %d is %s" % (what, position, _type_text(entry["type"])))
        for position, argument in enumerate(f["arguments"]):
            self.types[position] = argument["type"]
        for op in f["ops"]:
            for k, (value, type_) in enumerate(zip(op["results"], op["types"])):
                self.types[value] = type_
                self.names[value] = ("%s:%d" % (op["location"], k) if len(op["results"]) > 1
                                     else op["location"])
            problem = self.check(op)
            if problem:
                problems.append("%s (at %s): %s" % (op["name"], op["location"], problem))
        if problems:
            raise ExportError("cannot write '%s' as TFLite: %s" % (f["name"], "; ".join(problems)))
        inputs = []
        for position, argument in enumerate(f["arguments"]):
            shape, _ = argument["type"]
            index = self.new_tensor("input_%d" % position, shape)
            self.tensor_of[position] = index
            inputs.append(index)
        for op in f["ops"]:
            self.handler(op["name"])(op)
        outputs = [self.tensor(value) for value in f["returned"]]
        self.fuse_activations(set(outputs))
        graph, _ = compact(Graph(self.tensors, [Op(*op) for op in self.operators], inputs,
                                 outputs), {})
        return write_model(*graph.specs(), name=f["name"])

    def handler(self, name):
        """The method that writes a TOSA op `name`, or None."""
        if name in UNARY:
            return lambda op: self.unary(op, UNARY[name])
        if name in BINARY:
            return lambda op: self.binary(op, BINARY[name])
        if name.startswith("tosa."):
            return getattr(self, "op_" + name.split(".", 1)[1], None)
        return None

    def check(self, op):
        """Why `op` cannot be written, or None."""
        name = op["name"]
        if op["regions"]:
            return "an op with regions"
        if self.handler(name) is None:
            return "no TFLite op for it in the exporter"
        for type_ in op["types"]:
            if name not in ("tosa.const", "tosa.const_shape") and not _is_f32(type_):
                return ("a %s result; the exporter writes float32 models (an int8 TOSA model "
                        "carries requantization multipliers, not the scales TFLite derives "
                        "them from: plan its .tflite with serenity-plan-tflite)"
                        % _type_text(type_))
        # A convolution pads explicitly; a pool cannot (a PAD changes what
        # it averages or takes the maximum of).
        if name in ("tosa.avg_pool2d", "tosa.max_pool2d") and self.window_padding(op) is None:
            return "pads %s are neither TFLite's SAME nor VALID" % op["attributes"]["pad"]
        return None

    # -- ops -----------------------------------------------------------------------
    def op_const(self, op):
        value = op["results"][0]
        self.constant_of[value] = dense(op["attributes"]["values"])

    op_const_shape = op_const

    def constant_operand(self, op, position):
        value = op["operands"][position]
        if value not in self.constant_of:
            raise ExportError("%s (at %s): operand %d is not a constant"
                              % (op["name"], op["location"], position))
        return self.constant_of[value]

    def window_padding(self, op, kernel=None):
        """"SAME" or "VALID" where op's pads are TFLite's, else None."""
        a = op["attributes"]
        (in_shape, _), (out_shape, _) = self.types[op["operands"][0]], op["types"][0]
        kernel = kernel or a["kernel"]
        dilation = a.get("dilation", [1, 1])
        pad = list(a["pad"])
        if not any(pad):
            return "VALID"
        same = []
        for axis in range(2):
            same += same_pads(in_shape[1 + axis], kernel[axis], a["stride"][axis],
                              dilation[axis], out_shape[1 + axis])
        return "SAME" if pad == same else None

    def convolution(self, op, opcode, weights, kernel, extra):
        a = op["attributes"]
        x = self.tensor(op["operands"][0])
        padding = self.window_padding(op, kernel)
        if padding is None:
            top, bottom, left, right = a["pad"]
            shape = list(self.tensors[x].shape)
            padded = self.new_tensor(self.names[op["results"][0]] + "/pad",
                                     [shape[0], shape[1] + top + bottom,
                                      shape[2] + left + right, shape[3]])
            amounts = self.constant([[0, 0], [top, bottom], [left, right], [0, 0]],
                                    self.tensors[padded].name + "/amounts", "i32")
            self.emit("PAD", [x, amounts], [padded], {})
            x, padding = padded, "VALID"
        w = self.constant(weights, self.names[op["operands"][1]])
        b = self.tensor(op["operands"][2])
        options = dict(padding=padding, stride=tuple(a["stride"]),
                       dilation=tuple(a["dilation"]), activation=None, **extra)
        self.emit(opcode, [x, w, b], [self.output(op)], options)

    def op_conv2d(self, op):
        weights = self.constant_operand(op, 1)
        self.convolution(op, "CONV_2D", weights, weights.shape[1:3], {})

    def op_depthwise_conv2d(self, op):
        weights = self.constant_operand(op, 1)
        kh, kw, channels, multiplier = weights.shape
        self.convolution(op, "DEPTHWISE_CONV_2D",
                         weights.reshape(1, kh, kw, channels * multiplier), (kh, kw),
                         {"depth_multiplier": multiplier})

    def pool(self, op, opcode):
        a = op["attributes"]
        options = dict(padding=self.window_padding(op), stride=tuple(a["stride"]),
                       filter=tuple(a["kernel"]), activation=None)
        self.emit(opcode, [self.tensor(op["operands"][0])], [self.output(op)], options)

    def op_avg_pool2d(self, op):
        self.pool(op, "AVERAGE_POOL_2D")

    def op_max_pool2d(self, op):
        self.pool(op, "MAX_POOL_2D")

    def binary(self, op, opcode):
        inputs = [self.tensor(v) for v in op["operands"][:2]]
        options = {"activation": None} if opcode in FUSING else None
        self.emit(opcode, inputs, [self.output(op)], options)

    def unary(self, op, opcode):
        self.emit(opcode, [self.tensor(op["operands"][0])], [self.output(op)], None)

    def op_clamp(self, op):
        a = op["attributes"]
        low, high = float(a["min_val"]), min(float(a["max_val"]), F32_MAX)
        activation = ACTIVATION_OF_CLAMP.get((low, high))
        if activation:
            self.unary(op, activation)
            return
        x = self.tensor(op["operands"][0])
        name = self.names[op["results"][0]]
        shape = self.tensors[x].shape
        if low > -F32_MAX:
            floor = self.new_tensor(name + "/max", shape)
            self.emit("MAXIMUM", [x, self.constant([low], name + "/low")], [floor])
            x = floor
        self.emit("MINIMUM", [x, self.constant([high], name + "/high")], [self.output(op)])

    def op_concat(self, op):
        self.emit("CONCATENATION", [self.tensor(v) for v in op["operands"]], [self.output(op)],
                  {"axis": op["attributes"]["axis"], "activation": None})

    def op_reshape(self, op):
        shape, _ = op["types"][0]
        new_shape = self.constant(shape, self.names[op["results"][0]] + "/shape", "i32")
        self.emit("RESHAPE", [self.tensor(op["operands"][0]), new_shape], [self.output(op)],
                  {"new_shape": list(shape)})

    def op_transpose(self, op):
        perms = self.constant(op["attributes"]["perms"],
                              self.names[op["results"][0]] + "/perm", "i32")
        self.emit("TRANSPOSE", [self.tensor(op["operands"][0]), perms], [self.output(op)], {})

    def op_slice(self, op):
        start = self.constant_operand(op, 1)
        size = self.constant_operand(op, 2)
        name = self.names[op["results"][0]]
        begin = self.constant(start, name + "/begin", "i32")
        end = self.constant(start + size, name + "/end", "i32")
        strides = self.constant(np.ones_like(start), name + "/strides", "i32")
        self.emit("STRIDED_SLICE", [self.tensor(op["operands"][0]), begin, end, strides],
                  [self.output(op)], {})

    def op_pad(self, op):
        amounts = self.constant_operand(op, 1)
        value = self.constant_operand(op, 2)
        if np.any(value != 0):
            raise ExportError("%s (at %s): a pad of %g; TFLite's PAD pads with zeros"
                              % (op["name"], op["location"], float(value.ravel()[0])))
        padding = self.constant(amounts.reshape(-1, 2), self.names[op["results"][0]] +
                                "/amounts", "i32")
        self.emit("PAD", [self.tensor(op["operands"][0]), padding], [self.output(op)], {})

    def op_reduce_sum(self, op):
        axis = self.constant([op["attributes"]["axis"]], self.names[op["results"][0]] + "/axis",
                             "i32")
        self.emit("SUM", [self.tensor(op["operands"][0]), axis], [self.output(op)],
                  {"keep_dims": True})

    def op_matmul(self, op):
        """[1, H, C] x a constant [1, C, W]: FULLY_CONNECTED of [H, C] by the
        [W, C] weights."""
        a_shape, _ = self.types[op["operands"][0]]
        weights = self.constant_operand(op, 1)
        if a_shape[0] != 1 or weights.shape[0] != 1:
            raise ExportError("%s (at %s): only a batch of 1 times a constant is supported"
                              % (op["name"], op["location"]))
        name = self.names[op["results"][0]]
        w = self.constant(weights[0].T, name + "/weights")
        bias = self.constant(np.zeros(weights.shape[2]), name + "/bias")
        self.emit("FULLY_CONNECTED", [self.tensor(op["operands"][0]), w, bias],
                  [self.output(op)], {"activation": None, "keep_num_dims": True})

    # -- fused activations -------------------------------------------------------------
    def fuse_activations(self, outputs):
        """RELU, RELU6 and RELU_N1_TO_1 fused into the op before them where
        that op fuses activations and nothing else reads its result."""
        readers = {}
        for opcode, inputs, _, _ in self.operators:
            for t in inputs:
                readers[t] = readers.get(t, 0) + 1
        producer = {out: k for k, (_, _, outs, _) in enumerate(self.operators) for out in outs}
        kept = []
        for opcode, inputs, outs, options in self.operators:
            source = inputs[0] if opcode in ACTIVATION_OPS else None
            k = producer.get(source)
            if k is not None and readers[source] == 1 and source not in outputs:
                before = self.operators[k]
                if before[0] in FUSING and before[3].get("activation") is None:
                    before[3]["activation"] = opcode
                    before[2][0] = outs[0]
                    continue
            kept.append((opcode, inputs, outs, options))
        self.operators = kept


def _is_f32(type_):
    """Whether a type of serenity._core.functions is an f32 tensor."""
    return isinstance(type_, tuple) and type_[1] == "f32"


def _type_text(type_):
    if isinstance(type_, tuple):
        shape, element = type_
        return "tensor<%s>" % "x".join([str(d) for d in shape] + [element])
    return type_


def export_tflite(text, function=None, filename="<input>"):
    """The `.tflite` bytes of a float TOSA function of `text` (the only one,
    or the one named `function`)."""
    from .. import _check, _native, _text

    functions = _check(_native().functions(_text(text), filename))
    if function is not None:
        functions = [f for f in functions if f["name"] == function]
    if len(functions) != 1:
        raise ExportError("expected one function%s, found %d" % (
            "" if function is None else " named '%s'" % function, len(functions)))
    return Exporter(functions[0]).run()


def main(argv=None):
    import argparse

    from .. import Error
    from ..cli import cannot, failer

    parser = argparse.ArgumentParser(prog="serenity-export-tflite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="an .mlir file of TOSA ('-': stdin)")
    parser.add_argument("-o", "--output", required=True, help="the .tflite to write")
    parser.add_argument("--function", help="the function to write (default: the only one)")
    args = parser.parse_args(argv)

    fail = failer("serenity-export-tflite")
    try:
        import sys
        text = sys.stdin.read() if args.model == "-" else open(args.model).read()
    except OSError as error:
        return fail(cannot("read", args.model, error))
    try:
        data = export_tflite(text, args.function, args.model)
    except ExportError as error:
        return fail("%s: %s" % (args.model, error))
    except Error as error:
        return fail(str(error))
    try:
        with open(args.output, "wb") as f:
            f.write(data)
    except OSError as error:
        return fail(cannot("write", args.output, error))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
