"""TensorFlow Lite models (`.tflite`) as TOSA.

    from serenity.tflite.importer import import_tflite
    text = import_tflite(open("model.tflite", "rb").read())

One func.func in the subgraph's operator order (the order TFLite Micro
runs). Tensors are NHWC as TFLite stores them; every 4-D argument and
result says so (`serenity.layout`), and every int8 one its scale and zero
point (`serenity.quantization`). Each op's location is its output tensor's
name. The integer arithmetic is that of TFLite's reference kernels, so int8
outputs are bit-identical to TFLite Micro's:

- CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: an i32 accumulator (input
  less its zero point, weights with none), the i32 bias, then
  MultiplyByQuantizedMultiplier per channel (tosa.rescale, double rounding)
  and the fused activation's range;
- AVERAGE_POOL_2D: the raw sum of each window's valid elements divided by
  their count, rounding half away from zero (tosa.intdiv);
- ADD, SUB: each input less its zero point shifted left by 20, scaled to
  twice the larger input scale, added or subtracted and rescaled
  (reference_ops::Add, SubElementwise; SUB's multipliers from float32
  divisions, as TFLM computes them);
- MAX_POOL_2D, RESHAPE, SQUEEZE, TRANSPOSE, CONCATENATION (inputs of the
  output's quantization, as TFLite Micro requires), STRIDED_SLICE (strides
  of 1, no masks): as they are; PAD with the zero point; RELU6 a clamp in
  the input's quantization; QUANTIZE int8 to int8 a requantization;
  DEQUANTIZE int8 to float32 one float32 multiply;
- SOFTMAX (int8 to int8): gemmlowp's fixed-point exp per input difference
  as a table (fixedpoint.py), and its reciprocal of each row's sum in TOSA
  integer ops;
- LOGISTIC, HARD_SWISH (int8): TFLM's kernel of each of the 256 inputs as
  a tosa.table (tables.py); float: sigmoid, x * relu6(x + 3) / 6;
- MEAN: int8 as QuantizedMeanOrSum (1 / count in the multiplier); float,
  the sum times 1 / count;
- QUANTIZE float32 to int8: fl32(x / scale) rounded half away from zero,
  exactly, from a reciprocal and a table of thresholds.

Anything else is one ImportError_ that lists every unsupported op with its
index and output tensor, and nothing is written.
"""

import numpy as np

from .. import tosa
from ..tosa import Emitter, Operand, clamp_attrs, tensor_type, window_attrs
from . import fixedpoint, tables
from .fixedpoint import tflite_round
from .schema import ACTIVATIONS, PADDINGS, SchemaError, read_model, read_options, same_pads


class ImportError_(Exception):
    pass


class Value(Operand):
    """An SSA value of the function: its shape, element type and, for
    integers, its (scale, zero point) or None."""

    def __init__(self, name, shape, element, quant=None):
        super().__init__(name, tensor_type(shape, element))
        self.shape = list(shape)
        self.element = element
        self.quant = quant


SUPPORTED = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D",
             "RESHAPE", "SOFTMAX", "ADD", "SUB", "CONCATENATION", "RELU", "RELU6", "MUL", "PAD",
             "STRIDED_SLICE", "SQUEEZE", "TRANSPOSE", "QUANTIZE", "DEQUANTIZE", "LOGISTIC",
             "HARD_SWISH", "MEAN")
# The (input, output) types each type-changing op is supported for.
CONVERSIONS = {"QUANTIZE": (("INT8", "INT8"), ("FLOAT32", "INT8"), ("INT16", "INT8"),
                            ("INT8", "INT16")),
               "DEQUANTIZE": (("INT8", "FLOAT32"), ("INT16", "FLOAT32"))}
# TFLite's int8 ADD: both inputs less their zero points, shifted left by
# this, then each scaled to twice the larger input scale.
ADD_LEFT_SHIFT = 20
ELEMENTS = ("f32", "i8")
# Integer tensors of TFLite's 16x8 scheme: only into and out of QUANTIZE
# and DEQUANTIZE (a model's int16 input), zero point 0.
INT16_OPS = ("QUANTIZE", "DEQUANTIZE")


def quant_of(tensor):
    """(scale, zero point) of a per-tensor quantized tensor, else None."""
    q = tensor.quantization
    if q is None or not len(q.scales):
        return None
    return float(np.float32(q.scales[0])), int(q.zero_points[0]) if len(q.zero_points) else 0


def activation_range(activation, quant, element):
    """(low, high) of a fused activation, in the output's values: for int8,
    CalculateActivationRangeQuantized (each bound quantized in float32)."""
    if element == "f32":
        return {None: None, "RELU": (0.0, float("inf")), "RELU6": (0.0, 6.0),
                "RELU_N1_TO_1": (-1.0, 1.0)}[activation]
    scale, zero_point = quant
    quantize = lambda real: zero_point + tflite_round(np.float32(real) / np.float32(scale))
    low, high = -128, 127
    if activation in ("RELU", "RELU6"):
        low = max(low, quantize(0.0))
    if activation == "RELU6":
        high = min(high, quantize(6.0))
    if activation == "RELU_N1_TO_1":
        low, high = max(low, quantize(-1.0)), min(high, quantize(1.0))
    return low, high


class Importer:
    def __init__(self, model, name):
        self.model = model
        self.name = name
        self.emit = Emitter()
        self.values = {}

    # -- emission helpers ------------------------------------------------------
    def op(self, name, operands, attrs, shape, element, hint="v", quant=None):
        return Value(self.emit.op(name, operands, attrs, shape, hint,
                                  result_type=tensor_type(shape, element)),
                     shape, element, quant)

    def const(self, array, element, hint="c"):
        return self.emit.const(np.asarray(array), element, hint)

    def i32(self, value, rank):
        """A broadcastable i32 constant of one value."""
        return self.emit.shared_const(("i32", int(value), rank),
                                      np.full([1] * rank, int(value), np.int64), "i32", hint="k")

    def reshape(self, x, shape):
        if list(x.shape) == list(shape):
            return x
        return self.op("reshape", [x, self.emit.const_shape(shape)], "", shape, x.element, "r",
                       x.quant)

    def clamp(self, x, bounds):
        if bounds is None:
            return x
        low, high = bounds
        if x.element == "f32":
            if high == float("inf"):
                high = float(np.finfo(np.float32).max)
        elif (low, high) == (-128, 127):
            return x
        return self.op("clamp", [x], clamp_attrs(low, high, x.element), x.shape, x.element,
                       "act", x.quant)

    def tensor(self, op, position):
        return self.model.tensors[op.inputs[position]]

    def input_value(self, op, position):
        index = op.inputs[position]
        tensor = self.model.tensors[index]
        if index not in self.values and tensor.data is not None:
            # A constant operand (a MUL's scalar, an ADD's bias map).
            if tensor.element not in ELEMENTS:
                self.fail(op, "a constant of type %s is not supported" % tensor.type_name)
            self.values[index] = Value(self.const(tensor.data, tensor.element, "k").name,
                                       tensor.shape, tensor.element, quant_of(tensor))
        if index not in self.values:
            raise ImportError_("operator %d (%s): input %d (tensor '%s') is not computed" % (
                op.index, op.opcode, position, self.model.tensors[index].name))
        return self.values[index]

    def output_tensor(self, op):
        return self.model.tensors[op.outputs[0]]

    def fail(self, op, message):
        raise ImportError_("operator %d (%s, output '%s'): %s" % (
            op.index, op.opcode, self.output_tensor(op).name, message))

    # -- the model ---------------------------------------------------------------
    def check(self):
        problems = []
        for op in self.model.operators:
            what = op.opcode
            if op.opcode in CONVERSIONS and op.inputs and op.outputs:
                types = (self.model.tensors[op.inputs[0]].type_name,
                         self.model.tensors[op.outputs[0]].type_name)
                if types not in CONVERSIONS[op.opcode]:
                    what = "%s from %s to %s" % ((op.opcode,) + types)
            if op.opcode not in SUPPORTED or what != op.opcode:
                problems.append("%s (operator %d, output '%s')" % (
                    what, op.index, self.model.tensors[op.outputs[0]].name
                    if op.outputs else "-"))
        if problems:
            raise ImportError_("unsupported TFLite ops: %s" % "; ".join(problems))
        for index in self.model.inputs + self.model.outputs:
            tensor = self.model.tensors[index]
            if tensor.type_code not in (0, 9, 7):
                raise ImportError_("tensor '%s' is %s; the importer takes FLOAT32, INT8 and "
                                   "INT16 inputs and outputs" % (tensor.name, tensor.type_name))

    def boundary_attrs(self, tensor):
        attrs = []
        if len(tensor.shape) == 4:
            attrs.append('serenity.layout = "NHWC"')
        quant = quant_of(tensor)
        if tensor.element in ("i8", "i16") and quant:
            attrs.append("serenity.quantization = !quant.uniform<%s:f32, %r:%d>"
                         % ((tensor.element,) + quant))
        return ", ".join(attrs) or None

    def run(self):
        self.check()
        arguments, argument_attrs = [], []
        for position, index in enumerate(self.model.inputs):
            tensor = self.model.tensors[index]
            value = Value("%%arg%d" % position, tensor.shape, tensor.element, quant_of(tensor))
            self.values[index] = value
            arguments.append(value)
            argument_attrs.append(self.boundary_attrs(tensor))
        for op in self.model.operators:
            self.emit.location = self.output_tensor(op).name
            result = getattr(self, "op_" + op.opcode.lower())(op)
            self.values[op.outputs[0]] = result
        self.emit.location = None
        results, result_attrs = [], []
        for index in self.model.outputs:
            if index not in self.values:
                raise ImportError_("output tensor '%s' is not computed"
                                   % self.model.tensors[index].name)
            results.append(self.values[index])
            result_attrs.append(self.boundary_attrs(self.model.tensors[index]))
        return tosa.render_function(self.name, arguments, results, self.emit.body(),
                                    argument_attrs, result_attrs)

    # -- ops ---------------------------------------------------------------------
    def weights(self, op, position):
        tensor = self.tensor(op, position)
        if tensor.data is None:
            self.fail(op, "input %d ('%s') is not a constant" % (position, tensor.name))
        return tensor

    def bias(self, op, position, channels, element):
        if len(op.inputs) <= position or op.inputs[position] < 0:
            return np.zeros([channels], np.int64 if element == "i32" else np.float32)
        return self.weights(op, position).data

    def convolve(self, op, x, w, weight, channels, attrs, shape, depthwise=False, hint="conv"):
        """op's convolution of `x` by `weight` (w's values, laid out for
        TOSA) plus its bias: for int8, an i32 accumulator (the input less
        its zero point, symmetric weights) requantized per channel by input
        scale x weight scale / output scale; then the fused activation."""
        quantized = x.element == "i8"
        acc = "i32" if quantized else "f32"
        zero_points = ([self.emit.int_zero_point(x.quant[1], "i8"),
                        self.emit.int_zero_point(0, "i8")]
                       if quantized else [self.emit.zero_point()] * 2)
        result = self.op("depthwise_conv2d" if depthwise else "conv2d",
                         [x, self.const(weight, w.element, "w"),
                          self.const(self.bias(op, 2, channels, acc), acc, "b")] + zero_points,
                         attrs, shape, acc, hint)
        if not quantized:
            return self.clamp(result, activation_range(self.activation(op), None, "f32"))
        # The scales are float32, as TFLite reads them; their ratios double.
        weight_scales = np.broadcast_to(w.quantization.scales, [channels])
        reals = x.quant[0] * weight_scales / quant_of(self.output_tensor(op))[0]
        return self.to_output(op, result, reals, self.activation(op))

    def activation(self, op, slot=None):
        slots = {"CONV_2D": 3, "DEPTHWISE_CONV_2D": 4, "FULLY_CONNECTED": 0,
                 "AVERAGE_POOL_2D": 5, "MAX_POOL_2D": 5}
        if op.options is None:
            return None
        activation = ACTIVATIONS.get(op.options.int8(slots[op.opcode] if slot is None else slot))
        if activation not in (None, "RELU", "RELU6", "RELU_N1_TO_1"):
            self.fail(op, "fused activation %s is not supported" % activation)
        return activation

    def check_element(self, op, x):
        if x.element not in ELEMENTS and not (x.element == "i16" and op.opcode in INT16_OPS):
            self.fail(op, "%s inputs are not supported" % x.element)
        if x.element in ("i8", "i16") and x.quant is None:
            self.fail(op, "an integer input without a scale and zero point")
        if x.element == "i16" and x.quant[1] != 0:
            self.fail(op, "an int16 input of zero point %d (TFLite's int16 is symmetric)"
                      % x.quant[1])

    def window(self, op, x, kernel, stride, dilation, out_shape):
        """The TOSA pads of op's padding (SAME or VALID) and the input, sliced
        where no window reads its trailing rows or columns."""
        padding = PADDINGS[op.options.int8(0)]
        pads = [0, 0, 0, 0]
        if padding == "SAME":
            for axis in range(2):
                pads[2 * axis:2 * axis + 2] = same_pads(x.shape[1 + axis], kernel[axis],
                                                        stride[axis], dilation[axis],
                                                        out_shape[1 + axis])
        pad, extent = tosa.fit_window(x.shape[1], x.shape[2], kernel, stride, pads,
                                      dilation[0], out_shape[1:3])
        if list(extent) != x.shape[1:3]:
            size = [x.shape[0], extent[0], extent[1], x.shape[3]]
            x = self.op("slice", [x, self.emit.const_shape([0, 0, 0, 0]),
                                  self.emit.const_shape(size)], "", size, x.element, "sl",
                        x.quant)
        return x, pad

    def convolution(self, op, depthwise):
        x = self.input_value(op, 0)
        self.check_element(op, x)
        w = self.weights(op, 1)
        out = self.output_tensor(op)
        o = op.options
        stride = (o.int32(2), o.int32(1))
        dilation = ((o.int32(6, 1), o.int32(5, 1)) if depthwise else
                    (o.int32(5, 1), o.int32(4, 1)))
        if dilation[0] != dilation[1]:
            self.fail(op, "different dilations along height and width are not supported")
        kernel = w.shape[1:3]
        x, pad = self.window(op, x, kernel, stride, dilation, out.shape)
        channels = out.shape[3]
        if depthwise:
            in_channels = x.shape[3]
            weight = w.data.reshape(kernel[0], kernel[1], in_channels, channels // in_channels)
        else:
            weight = w.data
        acc = "i32" if x.element == "i8" else "f32"
        return self.convolve(op, x, w, weight, channels,
                             window_attrs(stride, pad, dilation[0], acc_type=acc), out.shape,
                             depthwise, "dw" if depthwise else "conv")

    def op_conv_2d(self, op):
        return self.convolution(op, depthwise=False)

    def op_depthwise_conv_2d(self, op):
        return self.convolution(op, depthwise=True)

    def op_fully_connected(self, op):
        """As a 1x1 convolution over [N, 1, 1, K]."""
        x = self.input_value(op, 0)
        self.check_element(op, x)
        w = self.weights(op, 1)
        out = self.output_tensor(op)
        units, depth = w.shape
        batch = int(np.prod(x.shape)) // depth
        x4 = self.reshape(x, [batch, 1, 1, depth])
        acc = "i32" if x.element == "i8" else "f32"
        result = self.convolve(op, x4, w, w.data.reshape(units, 1, 1, depth), units,
                               window_attrs((1, 1), (0, 0, 0, 0), 1, acc_type=acc),
                               [batch, 1, 1, units], hint="fc")
        return self.reshape(result, out.shape)

    def pool_geometry(self, op, x):
        o = op.options
        stride, kernel = (o.int32(2), o.int32(1)), (o.int32(4), o.int32(3))
        return stride, kernel

    def op_max_pool_2d(self, op):
        x = self.input_value(op, 0)
        self.check_element(op, x)
        out = self.output_tensor(op)
        stride, kernel = self.pool_geometry(op, x)
        x, pad = self.window(op, x, kernel, stride, (1, 1), out.shape)
        result = self.op("max_pool2d", [x], window_attrs(stride, pad, kernel=kernel,
                                                         accumulate=False),
                         out.shape, x.element, "pool", x.quant)
        return self.clamp(result, activation_range(self.activation(op), quant_of(out),
                                                   x.element))

    def op_average_pool_2d(self, op):
        x = self.input_value(op, 0)
        self.check_element(op, x)
        out = self.output_tensor(op)
        stride, kernel = self.pool_geometry(op, x)
        in_h, in_w = x.shape[1:3]
        x, pad = self.window(op, x, kernel, stride, (1, 1), out.shape)
        if x.element == "f32":
            result = self.emit.avg_pool2d(x, window_attrs(stride, pad, kernel=kernel),
                                          out.shape)
            return self.clamp(Value(result, out.shape, "f32"),
                              activation_range(self.activation(op), None, "f32"))
        # TFLite: the raw window sums (no zero point) over valid elements,
        # divided by their count, half away from zero.
        channels = x.shape[3]
        ones = np.ones([kernel[0], kernel[1], channels, 1], np.int64)
        total = self.op("depthwise_conv2d",
                        [x, self.const(ones, "i8", "ones"),
                         self.const(np.zeros([channels], np.int64), "i32", "b"),
                         self.emit.int_zero_point(0, "i8"), self.emit.int_zero_point(0, "i8")],
                        window_attrs(stride, pad, 1, acc_type="i32"), out.shape, "i32", "sum")
        counts = np.zeros([1, out.shape[1], out.shape[2], 1], np.int64)
        for oy in range(out.shape[1]):
            for ox in range(out.shape[2]):
                y0, x0 = oy * stride[0] - pad[0], ox * stride[1] - pad[2]
                rows = min(in_h, y0 + kernel[0]) - max(0, y0)
                cols = min(in_w, x0 + kernel[1]) - max(0, x0)
                counts[0, oy, ox, 0] = rows * cols
        count = self.const(counts, "i32", "count")
        half = self.const(counts // 2, "i32", "half")
        shape = out.shape
        up = self.op("add", [total, half], "", shape, "i32")
        down = self.op("sub", [total, half], "", shape, "i32")
        positive = self.op("greater", [total, self.i32(0, 4)], "", shape, "i1")
        rounded = self.op("select", [positive, up, down], "", shape, "i32")
        quotient = self.op("intdiv", [rounded, count], "", shape, "i32", "avg")
        low, high = activation_range(self.activation(op), quant_of(out), "i8")
        clamped = self.op("clamp", [quotient], clamp_attrs(low, high, "i32"), shape, "i32")
        return self.op("cast", [clamped], "", shape, "i8", "avg", quant_of(out))

    def op_reshape(self, op):
        x = self.input_value(op, 0)
        out = self.output_tensor(op)
        if int(np.prod(out.shape)) != int(np.prod(x.shape)):
            self.fail(op, "reshapes %s to %s" % (x.shape, out.shape))
        return self.reshape(x, out.shape)

    def constant_operand(self, op, position):
        """The values of a constant operand (a PAD's amounts, a slice's
        bounds)."""
        tensor = self.model.tensors[op.inputs[position]]
        if tensor.data is None:
            self.fail(op, "operand %d is not a constant" % position)
        return [int(v) for v in np.asarray(tensor.data).ravel()]

    def op_pad(self, op):
        """PAD with the input's zero point (TFLite's value for a quantized
        PAD; the output shares the input's quantization)."""
        x = self.input_value(op, 0)
        out = self.output_tensor(op)
        amounts = self.constant_operand(op, 1)
        if len(amounts) != 2 * len(x.shape):
            self.fail(op, "%d padding amounts for a rank-%d input" % (len(amounts), len(x.shape)))
        if x.element == "i8" and quant_of(out) != x.quant:
            self.fail(op, "the output's quantization differs from the input's")
        pad_value = self.const(np.full([1], x.quant[1] if x.element == "i8" else 0), x.element)
        return self.op("pad", [x, self.emit.const_shape(amounts), pad_value], "", out.shape,
                       x.element, "pad", x.quant)

    def op_strided_slice(self, op):
        """STRIDED_SLICE with strides of 1 and no masks: a tosa.slice."""
        x = self.input_value(op, 0)
        out = self.output_tensor(op)
        begin, end, strides = (self.constant_operand(op, k) for k in (1, 2, 3))
        options = read_options(op)
        if any(options[key] for key in options) or any(s != 1 for s in strides):
            self.fail(op, "only strides of 1 without masks are supported")
        size = [e - b for b, e in zip(begin, end)]
        if size != list(out.shape) or any(b < 0 or e > d for b, e, d in zip(begin, end, x.shape)):
            self.fail(op, "slices %s to %s of %s into %s" % (begin, end, x.shape, out.shape))
        return self.op("slice", [x, self.emit.const_shape(begin), self.emit.const_shape(size)],
                       "", size, x.element, "sl", x.quant)

    def op_add(self, op):
        return self.add_or_sub(op, "add")

    def op_sub(self, op):
        return self.add_or_sub(op, "sub")

    def add_or_sub(self, op, name):
        """TFLite's int8 ADD and SUB (reference_ops::Add, SubElementwise):
        each input less its zero point shifted left by 20 (exact), times its
        scale over twice the larger one
        (MultiplyByQuantizedMultiplierSmallerThanOneExp), added or
        subtracted, times twice the larger scale over 2^20 times the
        output's, plus the output's zero point, in the activation's range.
        TFLM divides the scales in double for ADD and in float32 for SUB
        (its CalculateOpDataSub), which changes some multipliers."""
        a, b = self.input_value(op, 0), self.input_value(op, 1)
        out = self.output_tensor(op)
        activation = ACTIVATIONS.get(op.options.int8(0)) if op.options is not None else None
        if a.element == "f32":
            total = self.op(name, [a, b], "", out.shape, "f32", name)
            return self.clamp(total, activation_range(activation, None, "f32"))
        self.check_element(op, a)
        self.check_element(op, b)
        # TFLM divides the scales in double for ADD, in float32 for SUB.
        f = np.float32 if name == "sub" else float
        twice = f(2.0 * max(a.quant[0], b.quant[0]))
        shifted = []
        for v in (a, b):
            multipliers, shifts = tosa.rescale_parameters([float(f(v.quant[0]) / twice)])
            shifted.append(Value(self.emit.rescale(self.widen(v, ADD_LEFT_SHIFT), multipliers,
                                                   shifts, 0, 0, v.shape, "i32", True,
                                                   in_element="i32", hint="scaled"),
                                 v.shape, "i32"))
        total = self.op(name, shifted, "", out.shape, "i32", name)
        output = float(twice / (f(1 << ADD_LEFT_SHIFT) * f(quant_of(out)[0])))
        return self.to_output(op, total, [output], activation)

    def widen(self, v, left_shift=0):
        """An int8 or int16 value less its zero point, in i32, shifted left
        by `left_shift` bits (exact)."""
        return Value(self.emit.rescale(v, [1 << 30], [30 - left_shift], v.quant[1], 0, v.shape,
                                       "i32", in_element=v.element, hint="wide"),
                     v.shape, "i32")

    def to_output(self, op, accumulator, reals, activation):
        """An i32 `accumulator` times `reals` (one, or one per channel:
        MultiplyByQuantizedMultiplier, double rounding), plus the output's
        zero point, in the activation's range (int8), or saturated (an
        int16 output: QUANTIZE)."""
        out = self.output_tensor(op)
        out_quant = quant_of(out)
        element = "i16" if out.element == "i16" else "i8"
        multipliers, shifts = tosa.rescale_parameters(reals)
        result = Value(self.emit.rescale(accumulator, multipliers, shifts, 0, out_quant[1],
                                         accumulator.shape, element, True, in_element="i32"),
                       accumulator.shape, element, out_quant)
        if element == "i16":
            return result
        return self.clamp(result, activation_range(activation, out_quant, "i8"))

    def op_relu(self, op):
        """TFLM's ReluQuantized: the input requantized to the output (exact
        when they share a scale) and clamped at the output's zero."""
        x = self.input_value(op, 0)
        out_quant = quant_of(self.output_tensor(op))
        if x.element == "f32":
            return self.clamp(x, activation_range("RELU", None, "f32"))
        self.check_element(op, x)
        if x.quant == out_quant:
            return self.clamp(Value(x.name, x.shape, "i8", out_quant),
                              activation_range("RELU", out_quant, "i8"))
        return self.to_output(op, self.widen(x), [x.quant[0] / out_quant[0]], "RELU")

    def op_relu6(self, op):
        """TFLM's Relu6Quantized: the input clamped to its own zero point and
        its quantized 6 (FloatToQuantizedType), not requantized."""
        x = self.input_value(op, 0)
        if x.element == "f32":
            return self.clamp(x, activation_range("RELU6", None, "f32"))
        self.check_element(op, x)
        if quant_of(self.output_tensor(op)) != x.quant:
            self.fail(op, "the output's quantization differs from the input's")
        return self.clamp(x, activation_range("RELU6", x.quant, "i8"))

    def op_squeeze(self, op):
        return self.reshape(self.input_value(op, 0), self.output_tensor(op).shape)

    def op_transpose(self, op):
        x = self.input_value(op, 0)
        out = self.output_tensor(op)
        perms = self.constant_operand(op, 1)
        if sorted(perms) != list(range(len(x.shape))):
            self.fail(op, "%s is not a permutation of %d axes" % (perms, len(x.shape)))
        return self.op("transpose", [x], "perms = array<i32: %s>" % ", ".join(map(str, perms)),
                       out.shape, x.element, "t", x.quant)

    def op_quantize(self, op):
        """QUANTIZE between int8 and int16 (TFLM's Requantize): less the
        input's zero point, times input scale over output scale
        (MultiplyByQuantizedMultiplier), plus the output's zero point,
        saturated. From float32: see quantize_float."""
        x = self.input_value(op, 0)
        out = self.output_tensor(op)
        out_quant = quant_of(out)
        if out.element == "i16" and out_quant[1] != 0:
            self.fail(op, "an int16 output of zero point %d" % out_quant[1])
        if x.element == "f32":
            return self.quantize_float(x, out_quant)
        self.check_element(op, x)
        return self.to_output(op, self.widen(x), [x.quant[0] / out_quant[0]], None)

    def quantize_float(self, x, quant):
        """TFLite's AffineQuantize: fl32(x / scale) rounded half away from
        zero, plus the zero point, in int8. TOSA has no float division, so:
        x times the reciprocal of the scale gives the step within one
        (tables.quantize_thresholds), and the two thresholds around it,
        gathered from a table, correct it exactly. Beyond 2^31 steps TFLite
        converts out of int32's range (undefined in C++); this saturates,
        as Cortex-M's VCVT does."""
        count = int(np.prod(x.shape))
        flat = self.reshape(x, [1, count])
        reciprocal = self.const(np.full([1, 1], np.float32(1) / np.float32(quant[0])), "f32",
                                "inv")
        scaled = Value(self.emit.mul(flat, reciprocal, flat.shape, "scaled"), flat.shape, "f32")
        shifted = self.op("add", [scaled, self.const(np.full([1, 1], quant[1], np.float32),
                                                      "f32", "zp")], "", flat.shape, "f32")
        clamped = self.op("clamp", [shifted], clamp_attrs(-128.0, 127.0, "f32"), flat.shape, "f32")
        step = self.op("cast", [clamped], "", flat.shape, "i32", "step")
        index = self.op("add", [step, self.i32(128, 2)], "", flat.shape, "i32", "index")
        thresholds = tables.quantize_thresholds(quant)
        bounds = []
        for table in ([-np.inf] + thresholds, thresholds + [np.inf]):
            values = self.const(np.array(table, np.float32).reshape(1, 256, 1), "f32", "bound")
            gathered = self.op("gather", [values, index], "", [1, count, 1], "f32")
            bounds.append(self.reshape(gathered, flat.shape))
        lower, upper = bounds
        up = self.op("cast", [self.op("greater_equal", [flat, upper], "", flat.shape, "i1")],
                     "", flat.shape, "i32")
        down = self.op("cast", [self.op("greater", [lower, flat], "", flat.shape, "i1")], "",
                       flat.shape, "i32")
        exact = self.op("sub", [self.op("add", [step, up], "", flat.shape, "i32"), down], "",
                        flat.shape, "i32")
        result = self.op("cast", [exact], "", flat.shape, "i8", "q", quant)
        return self.reshape(result, x.shape)

    def op_logistic(self, op):
        """Float: tosa.sigmoid. Int8: TFLM's kernel as a table
        (tables.logistic_int8); TFLM requires the output's zero point to be
        -128 and takes its scale as 1/256."""
        x = self.input_value(op, 0)
        if x.element == "f32":
            return self.op("sigmoid", [x], "", x.shape, "f32", "sigmoid")
        self.check_element(op, x)
        out_quant = quant_of(self.output_tensor(op))
        if out_quant is None or out_quant[1] != -128:
            self.fail(op, "an int8 LOGISTIC must output zero point -128")
        return self.table(x, tables.logistic_int8(x.quant), out_quant)

    def op_hard_swish(self, op):
        """Float: x * min(6, max(0, x + 3)) / 6. Int8: TFLM's kernel as a
        table (tables.hard_swish_int8)."""
        x = self.input_value(op, 0)
        if x.element == "f32":
            rank = len(x.shape)
            three = self.const(np.full([1] * rank, 3.0, np.float32), "f32", "three")
            relu6 = self.clamp(self.op("add", [x, three], "", x.shape, "f32"),
                               activation_range("RELU6", None, "f32"))
            product = Value(self.emit.mul(x, relu6, x.shape), x.shape, "f32")
            sixth = self.const(np.full([1] * rank, np.float32(1) / np.float32(6)), "f32", "sixth")
            return Value(self.emit.mul(product, sixth, x.shape, "hswish"), x.shape, "f32")
        self.check_element(op, x)
        out_quant = quant_of(self.output_tensor(op))
        try:
            table = tables.hard_swish_int8(x.quant, out_quant)
        except ValueError as error:
            self.fail(op, str(error))
        return self.table(x, table, out_quant)

    def table(self, x, table, quant):
        """tosa.table of an int8 `x`: output = table[x + 128]."""
        return self.op("table", [x, self.const(np.array(table, np.int64), "i8", "table")], "",
                       x.shape, "i8", "table", quant)

    def op_mean(self, op):
        """MEAN over constant axes. Float: the sum times 1 / count. Int8 as
        TFLM's QuantizedMeanOrSum: the sum less count x zero point, times
        input scale over output scale with 1 / count folded into the
        multiplier. (The TFLM of ../shared/tflm takes this path also when
        both quantizations are equal, where newer TFLM divides the raw sum,
        truncating.)"""
        x = self.input_value(op, 0)
        out = self.output_tensor(op)
        rank = len(x.shape)
        axes = sorted({a + rank if a < 0 else a for a in self.constant_operand(op, 1)})
        if any(not 0 <= a < rank for a in axes):
            self.fail(op, "axes %s of a rank-%d input" % (self.constant_operand(op, 1), rank))
        count = int(np.prod([x.shape[a] for a in axes]))
        kept = [1 if a in axes else d for a, d in enumerate(x.shape)]

        def total(v):
            for axis in axes:
                shape = [1 if a <= axis and a in axes else d for a, d in enumerate(x.shape)]
                v = self.op("reduce_sum", [v], "axis = %d : i32" % axis, shape, v.element, "sum")
            return v

        if x.element == "f32":
            inverse = self.const(np.full([1] * rank, np.float32(1) / np.float32(count)), "f32",
                                 "inv")
            mean = Value(self.emit.mul(total(x), inverse, kept, "mean"), kept, "f32")
            return self.reshape(mean, out.shape)
        self.check_element(op, x)
        out_quant = quant_of(out)
        multiplier, shift = fixedpoint.quantize_multiplier(x.quant[0] / out_quant[0])
        folded = min(count.bit_length() - 1, 32, 31 + shift)
        multiplier = (multiplier << folded) // count
        shift -= folded
        if not 2 <= 31 - shift <= 62:
            self.fail(op, "input scale over output scale over %d is not a TOSA rescale" % count)
        result = Value(self.emit.rescale(total(self.widen(x)), [multiplier], [31 - shift], 0,
                                         out_quant[1], kept, "i8", True, in_element="i32"),
                       kept, "i8", out_quant)
        return self.reshape(result, out.shape)

    def op_dequantize(self, op):
        """DEQUANTIZE int8 or int16 to float32: (x - zero point) times the scale, the
        product of an integer and a float32 exact in the double TFLite
        computes it in, so one float32 multiply rounds it the same."""
        x = self.input_value(op, 0)
        out = self.output_tensor(op)
        self.check_element(op, x)
        real = self.op("cast", [self.widen(x)], "", x.shape, "f32", "real")
        scale = self.const(np.full([1] * len(x.shape), x.quant[0], np.float32), "f32", "scale")
        return Value(self.emit.mul(real, scale, out.shape), out.shape, "f32")

    def op_mul(self, op):
        """TFLite's int8 MUL: the inputs less their zero points multiplied in
        i32, times input scales over the output scale."""
        a, b = self.input_value(op, 0), self.input_value(op, 1)
        activation = ACTIVATIONS.get(op.options.int8(0)) if op.options is not None else None
        out = self.output_tensor(op)
        if a.element == "f32":
            product = self.emit.mul(a, b, out.shape)
            return self.clamp(Value(product, out.shape, "f32"),
                              activation_range(activation, None, "f32"))
        self.check_element(op, a)
        self.check_element(op, b)
        product = self.op("mul", [self.widen(a), self.widen(b), self.emit.shift()], "",
                          out.shape, "i32", "mul")
        return self.to_output(op, product, [a.quant[0] * b.quant[0] / quant_of(out)[0]],
                              activation)

    def op_concatenation(self, op):
        """As TFLite Micro's int8 kernel: the inputs side by side, each of
        the output's scale and zero point."""
        values = [self.input_value(op, k) for k in range(len(op.inputs))]
        out = self.output_tensor(op)
        axis = op.options.int32(0) if op.options is not None else 0
        axis = axis + len(out.shape) if axis < 0 else axis
        out_quant = quant_of(out)
        for v in values:
            if v.element == "i8" and v.quant != out_quant:
                self.fail(op, "inputs of another scale or zero point than the output's are not "
                              "supported (as in TFLite Micro)")
        activation = ACTIVATIONS.get(op.options.int8(1)) if op.options is not None else None
        result = self.op("concat", values, "axis = %d : i32" % axis, out.shape, values[0].element,
                         "cat", out_quant)
        return self.clamp(result, activation_range(activation, out_quant, values[0].element))

    def op_softmax(self, op):
        x = self.input_value(op, 0)
        out = self.output_tensor(op)
        beta = op.options.float32(0) if op.options is not None else 1.0
        if x.element == "f32":
            return self.softmax_float(x, beta)
        out_quant = quant_of(out)
        if out.element != "i8" or out_quant is None or out_quant[1] != -128 or \
                not np.isclose(out_quant[0], 1 / 256):
            self.fail(op, "an int8 softmax must output scale 1/256 and zero point -128")
        return self.softmax_int8(x, beta, out_quant, out.shape)

    def softmax_float(self, x, beta):
        """exp(beta (x - the row's maximum)) over the row's sum of them, as
        TFLite's reference computes it (within float tolerance: TOSA takes
        the sum's reciprocal)."""
        rank = len(x.shape)
        row_shape = x.shape[:-1] + [1]
        peak = self.op("reduce_max", [x], "axis = %d : i32" % (rank - 1), row_shape, "f32")
        shifted = self.op("sub", [x, peak], "", x.shape, "f32")
        if beta != 1.0:
            factor = self.const(np.full([1] * rank, beta, np.float32), "f32", "beta")
            shifted = Value(self.emit.mul(shifted, factor, x.shape), x.shape, "f32")
        exp = self.op("exp", [shifted], "", x.shape, "f32", "exp")
        total = self.op("reduce_sum", [exp], "axis = %d : i32" % (rank - 1), row_shape, "f32",
                        "sum")
        inverse = self.op("reciprocal", [total], "", row_shape, "f32")
        return Value(self.emit.mul(exp, inverse, x.shape, "softmax"), x.shape, "f32")

    # -- int8 softmax ----------------------------------------------------------
    def srdhm(self, a, b, shape):
        """SaturatingRoundingDoublingHighMul: TOSA's i32 multiply with a
        shift of 31 rounds half up, as gemmlowp's nudge does both ways."""
        shift = self.emit.shared_const("shift31", np.full([1], 31, np.int64), "i8", hint="shift")
        return self.op("mul", [a, b, shift], "", shape, "i32", "fp")

    def shift_left_saturating(self, v, exponent, shape):
        """SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0."""
        limit = (1 << (31 - exponent)) - 1
        rank = len(shape)
        shifted = self.op("logical_left_shift", [v, self.i32(exponent, rank)], "", shape, "i32")
        high = self.op("greater", [v, self.i32(limit, rank)], "", shape, "i1")
        low = self.op("greater", [self.i32(-limit, rank), v], "", shape, "i1")
        top = self.op("select", [high, self.i32(fixedpoint.INT32_MAX, rank), shifted], "", shape,
                      "i32")
        return self.op("select", [low, self.i32(fixedpoint.INT32_MIN, rank), top], "", shape,
                       "i32")

    def softmax_int8(self, x, beta, out_quant, out_shape):
        depth = x.shape[-1]
        rows = int(np.prod(x.shape)) // depth
        x2 = self.reshape(x, [rows, depth])
        row_shape, shape = [rows, 1], [rows, depth]
        peak = self.op("reduce_max", [x2], "axis = 1 : i32", row_shape, "i8")
        xi = self.op("cast", [x2], "", shape, "i32")
        peak_i = self.op("cast", [peak], "", row_shape, "i32")
        difference = self.op("sub", [peak_i, xi], "", shape, "i32", "diff")
        index = self.reshape(difference, [1, rows * depth])
        exps = fixedpoint.softmax_exp_table(beta, x.quant[0])
        terms = [fixedpoint.rdbp(e, fixedpoint.ACCUMULATION_INTEGER_BITS) for e in exps]

        def lookup(table, hint):
            values = self.const(np.array(table, np.int64).reshape(1, 256, 1), "i32", hint)
            gathered = self.op("gather", [values, index], "", [1, rows * depth, 1], "i32")
            return self.reshape(gathered, shape)

        exp = lookup(exps, "exp")
        total = self.op("reduce_sum", [lookup(terms, "term")], "axis = 1 : i32", row_shape, "i32",
                        "sum")
        # GetReciprocal: the sum's leading zeros, the sum shifted to [1, 2)
        # less one, and 1 / (1 + that) by Newton-Raphson (3 steps).
        zeros = self.op("clz", [total], "", row_shape, "i32", "clz")
        shifted = self.op("logical_left_shift", [total, zeros], "", row_shape, "i32")
        minus_one = self.op("bitwise_and", [shifted, self.i32(fixedpoint.INT32_MAX, 2)], "",
                            row_shape, "i32")
        half_denominator = self.op(
            "add", [self.op("arithmetic_right_shift", [minus_one, self.i32(1, 2)],
                            "round = false", row_shape, "i32"), self.i32(1 << 30, 2)],
            "", row_shape, "i32", "hd")
        estimate = self.op("add", [self.i32(1515870810, 2),
                                   self.srdhm(half_denominator, self.i32(-1010580540, 2),
                                              row_shape)], "", row_shape, "i32", "nr")
        for _ in range(3):
            product = self.srdhm(half_denominator, estimate, row_shape)
            error = self.op("sub", [self.i32(1 << 29, 2), product], "", row_shape, "i32")
            step = self.shift_left_saturating(self.srdhm(estimate, error, row_shape), 2, row_shape)
            estimate = self.op("add", [estimate, step], "", row_shape, "i32", "nr")
        reciprocal = self.shift_left_saturating(estimate, 1, row_shape)
        # exponent = (12 - zeros) + 31 - 8; the result rounded down by it,
        # half away from zero (every product here is >= 0).
        exponent = self.op("sub", [self.i32(35, 2), zeros], "", row_shape, "i32", "exponent")
        scaled = self.srdhm(reciprocal, exp, shape)
        mask = self.op("sub", [self.op("logical_left_shift", [self.i32(1, 2), exponent], "",
                                       row_shape, "i32"), self.i32(1, 2)], "", row_shape, "i32")
        threshold = self.op("arithmetic_right_shift", [mask, self.i32(1, 2)], "round = false",
                            row_shape, "i32")
        remainder = self.op("bitwise_and", [scaled, mask], "", shape, "i32")
        quotient = self.op("arithmetic_right_shift", [scaled, exponent], "round = false", shape,
                           "i32")
        up = self.op("cast", [self.op("greater", [remainder, threshold], "", shape, "i1")], "",
                     shape, "i32")
        rounded = self.op("add", [quotient, up], "", shape, "i32")
        shifted_out = self.op("sub", [rounded, self.i32(128, 2)], "", shape, "i32")
        clamped = self.op("clamp", [shifted_out], clamp_attrs(-128, 127, "i32"), shape, "i32")
        result = self.op("cast", [clamped], "", shape, "i8", "softmax", out_quant)
        return self.reshape(result, out_shape)


def import_tflite(data, name=None):
    """The TOSA text of a `.tflite` file's bytes (its first subgraph)."""
    try:
        model = read_model(data)
    except SchemaError as error:
        raise ImportError_(str(error))
    name = name or model.name or "main"
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return Importer(model, name).run()


def main(argv=None):
    import argparse

    from ..cli import cannot, failer, read_bytes

    parser = argparse.ArgumentParser(prog="serenity-import-tflite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a .tflite file")
    parser.add_argument("-o", "--output", default="-", help="output .mlir ('-': stdout)")
    parser.add_argument("--name", help="function name (default: the subgraph's name)")
    args = parser.parse_args(argv)

    fail = failer("serenity-import-tflite")
    try:
        data = read_bytes(args.model)
    except OSError as error:
        return fail(cannot("read", args.model, error))
    try:
        text = import_tflite(data, args.name)
    except ImportError_ as error:
        return fail("%s: %s" % (args.model, error))
    from .. import Error, verify
    try:
        verify(text)
    except Error as error:
        return fail("%s: the imported IR does not verify: %s" % (args.model, error))
    try:
        tosa.write_text(args.output, text)
    except OSError as error:
        return fail(cannot("write", args.output, error))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
