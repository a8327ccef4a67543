"""Quantized ops of the ONNX importer: QDQ patterns (DequantizeLinear ->
float op [-> Relu/Clip] -> QuantizeLinear, as PyTorch and ONNX Runtime's
quantizer write them) and QLinearConv / QLinearMatMul (and Microsoft's
QLinearAdd / QLinearGlobalAveragePool), as int8 TOSA ops: i8 activations
with zero points, i32 accumulators and `tosa.rescale`.

A pattern is matched before anything is emitted (match_patterns) and
emitted at its QuantizeLinear, where every input exists. A float op outside
every pattern reads its DequantizeLinear inputs as floats (cast, subtract
the zero point, multiply by the scale) and a QuantizeLinear of a float value
computes it (multiply by the inverse scale, add the zero point, round half
to even and saturate): an unquantized island, explicit, never silently
wrong.
"""

import numpy as np

from ..tosa import clamp_attrs, rescale_parameters
from .base import Value
from .quantization import (ONNX_ELEMENTS, TABLE_FUNCTIONS, UNSIGNED_OFFSET, Quantization,
                           QuantizedConstant, qnnpack_add_parameters, table_of)

# Float ops that a QDQ pattern turns into int8 ops (besides the tables).
ANCHORS = {"Conv", "Gemm", "MatMul", "Add", "Mul", "MaxPool", "AveragePool", "GlobalAveragePool",
           "ReduceMean",
           "GlobalMaxPool", "Concat", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose",
           "Identity", "Dropout", "Relu", "Clip"} | set(TABLE_FUNCTIONS)
ACTIVATIONS = {"Relu", "Clip"}
# Inputs of an anchor that are plain constants (shapes, bounds), not
# quantized tensors.
CONSTANT_INPUTS = {"Reshape": {1}, "Squeeze": {1}, "Unsqueeze": {1}, "Clip": {1, 2},
                   "ReduceMean": {1}}
# An add's operands are scaled by 2^20 in i32 before they are added
# (TFLite's scheme).
ADD_LEFT_SHIFT = 20


class Pattern:
    """A float op (`anchor`, None for a lone activation), the Relu or Clip
    after it (`activation`) and the QuantizeLinear that ends it."""

    def __init__(self, anchor, activation, quantize):
        self.anchor = anchor
        self.activation = activation
        self.quantize = quantize


def match_patterns(graph, producers, consumers, dequantized):
    """{QuantizeLinear output: Pattern} for every QuantizeLinear whose float
    input is a pattern: an anchor whose tensor inputs are all
    DequantizeLinear outputs, optionally followed by Relu or Clip, each
    read by the next node alone."""
    def only_reader(name, node):
        readers = consumers.get(name, [])
        return len(readers) == 1 and readers[0] is node

    def quantized_inputs(node):
        for index, name in enumerate(node.input):
            if not name or index in CONSTANT_INPUTS.get(node.op_type, ()):
                continue
            producer = producers.get(name)
            if name in dequantized:
                continue
            if producer is None or producer.op_type != "DequantizeLinear":
                return False
        return True

    patterns = {}
    outputs = {o.name for o in graph.output}
    for node in graph.node:
        if node.op_type != "QuantizeLinear":
            continue
        source = producers.get(node.input[0])
        if source is None or not only_reader(source.output[0], node) or len(source.output) != 1 \
                or source.output[0] in outputs:
            continue
        anchor, activation = source, None
        if source.op_type in ACTIVATIONS:
            inner = producers.get(source.input[0])
            if (inner is not None and inner.op_type in ANCHORS and inner.op_type not in ACTIVATIONS
                    and len(inner.output) == 1 and only_reader(inner.output[0], source)
                    and inner.output[0] not in outputs and quantized_inputs(inner)):
                anchor, activation = inner, source
        if anchor.op_type not in ANCHORS or not quantized_inputs(anchor):
            continue
        if activation is None and anchor.op_type in ACTIVATIONS:
            anchor, activation = None, anchor
        patterns[node.output[0]] = Pattern(anchor, activation, node)
    return patterns


class QuantizedOps:
    """Mixed into the Importer (serenity.onnx_import)."""

    # -- values ----------------------------------------------------------------
    def quantization_of(self, node, scale_index, zero_point_index):
        """The Quantization of node's scale and zero point inputs."""
        scale = self.constant_input(node, scale_index)
        zero_point = (self.constant_input(node, zero_point_index)
                      if zero_point_index < len(node.input) else None)
        quant = Quantization.of(scale, zero_point)
        if quant is None:
            self.fail(node, "only 8-bit quantization with one scale per tensor is supported for "
                            "activations (scale %s, zero point %s)"
                      % (np.asarray(scale).shape, None if zero_point is None
                         else "%s %s" % (np.asarray(zero_point).dtype, np.asarray(zero_point).shape)))
        return quant

    def quantized_constant(self, node, index):
        """Input `index` as a QuantizedConstant: a folded DequantizeLinear
        of a constant, or None."""
        name = node.input[index] if index < len(node.input) else ""
        return self.dequantized.get(name) if name else None

    def quantized_operand(self, node, index):
        """Input `index` of a pattern's anchor as an i8 value with its
        quantization: a DequantizeLinear's input, or a quantized constant
        (emitted as an i8 tensor)."""
        name = node.input[index]
        value = self.values.get(name)
        if value is not None and value.dequantized is not None:
            return value.dequantized
        constant = self.dequantized.get(name)
        if constant is not None:
            if constant.per_axis or constant.values.dtype not in (np.int8, np.uint8):
                self.fail(node, "a per-axis or wider than 8-bit quantized constant operand is not "
                                "supported")
            quant = Quantization.of(constant.scale, constant.zero_point.astype(constant.values.dtype))
            values = constant.values.astype(np.int64)
            if quant.storage == "ui8":
                values = values - UNSIGNED_OFFSET
            emitted = self.emit.const(values, "i8")
            return Value(emitted.name, values.shape, constant=values, element="i8", quant=quant)
        self.fail(node, "input '%s' is not a quantized value" % name)

    def int8_operand(self, node, index, scale_index, zero_point_index):
        """Input `index` of a QLinear op or a DequantizeLinear, an i8 value
        given the quantization of node's scale and zero point inputs."""
        name = node.input[index]
        value = self.values.get(name)
        if value is None or value.element != "i8":
            self.fail(node, "input '%s' is not an 8-bit integer value" % name)
        quant = self.quantization_of(node, scale_index, zero_point_index)
        if value.storage is not None and value.storage != quant.storage:
            self.fail(node, "input '%s' holds %s integers, its zero point is %s"
                      % (name, value.storage, quant.storage))
        return value.like(value.name).with_quant(quant)

    # -- integer arithmetic ----------------------------------------------------
    def rescale_parameters(self, node, reals):
        try:
            return rescale_parameters(reals)
        except ValueError as error:
            self.fail(node, str(error))

    def rescale(self, node, x, reals, out_element, output_zp=0, hint="rq"):
        """tosa.rescale of `x` (i8 with its zero point, or i32) by `reals`
        (one, or one per channel of the last axis)."""
        multipliers, shifts = self.rescale_parameters(node, reals)
        input_zp = x.quant.zero_point if x.element == "i8" and x.quant else 0
        name = self.emit.rescale(x, multipliers, shifts, input_zp, output_zp, x.shape, out_element,
                                 self.rounding == "tflite", in_element=x.element, hint=hint)
        return Value(name, x.shape, x.nhwc, element=out_element)

    def requantize(self, node, x, reals, quant, clamp=None, float32_factors=None):
        """`x` rescaled by `reals` to i8 of `quant`, then clamped to the i8
        range of `clamp` (a (low, high) of reals, None for none). Under
        "pytorch", an accumulator whose kernel requantizes in float32 is
        multiplied by those `float32_factors` instead, as that kernel
        does."""
        if self.rounding == "pytorch" and float32_factors is not None:
            result = self.float_requantize(x, float32_factors, quant)
        else:
            result = self.rescale(node, x, reals, "i8", quant.zero_point).with_quant(quant)
        return self.clamp_int8(result, clamp)

    def clamp_int8(self, x, clamp):
        if clamp is None:
            return x
        low, high = x.quant.clamp_range(*clamp)
        if (low, high) == (-128, 127):
            return x
        return x.like(self.op("clamp", [x], clamp_attrs(low, high, "i8"), x.shape, "relu", "i8"))

    def to_quantization(self, node, x, quant, clamp=None):
        """The i8 `x` requantized to `quant` (nothing if it has it already)
        and clamped."""
        if not x.quant.same_as(quant):
            x = self.requantize(node, x, x.quant.scale / quant.scale, quant)
        return self.clamp_int8(x.with_quant(quant), clamp)

    # -- patterns ----------------------------------------------------------------
    def activation_range(self, node):
        """The (low, high) reals a Relu or Clip keeps (None: unbounded)."""
        if node is None:
            return None
        if node.op_type == "Relu":
            return (0.0, None)
        low = (self.constant_input(node, 1) if len(node.input) > 1 and node.input[1]
               else self.attr(node, "min"))
        high = (self.constant_input(node, 2) if len(node.input) > 2 and node.input[2]
                else self.attr(node, "max"))
        scalar = lambda v: None if v is None else float(np.asarray(v).reshape(-1)[0])
        return (scalar(low), scalar(high))

    def emit_pattern(self, pattern):
        quant = self.quantization_of(pattern.quantize, 1, 2)
        clamp = self.activation_range(pattern.activation)
        anchor = pattern.anchor
        if anchor is None:
            x = self.quantized_operand(pattern.activation, 0)
            return self.to_quantization(pattern.activation, x, quant, clamp)
        self.emit.location = anchor.name or anchor.output[0]
        op = anchor.op_type
        if op in TABLE_FUNCTIONS:
            result = self.table(anchor, self.quantized_operand(anchor, 0), quant)
            return self.clamp_int8(result, clamp)
        if op == "Conv":
            return self.quantized_conv(anchor, self.quantized_operand(anchor, 0),
                                       self.weight_of(anchor, 1), self.bias_of(anchor, 2),
                                       quant, clamp)
        if op in ("Gemm", "MatMul"):
            return self.quantized_matmul(anchor, self.quantized_operand(anchor, 0),
                                         self.weight_of(anchor, 1), self.bias_of(anchor, 2),
                                         quant, clamp)
        if op in ("Add", "Mul"):
            a, b = (self.quantized_operand(anchor, i) for i in (0, 1))
            return (self.quantized_add if op == "Add" else self.quantized_mul)(
                anchor, a, b, quant, clamp)
        x = self.quantized_operand(anchor, 0)
        if op in ("MaxPool", "GlobalMaxPool"):
            x = self.emit_pool(anchor, x, "max_pool2d", op == "GlobalMaxPool")
        elif op in ("AveragePool", "GlobalAveragePool"):
            return self.quantized_average(anchor, x, quant, clamp, op == "GlobalAveragePool")
        elif op == "ReduceMean":
            return self.quantized_mean(anchor, x, quant, clamp)
        elif op == "Concat":
            inputs = [self.quantized_operand(anchor, i) for i in range(len(anchor.input))]
            x = self.emit_concat(anchor, [self.to_quantization(anchor, v, quant) for v in inputs])
        elif op == "Transpose":
            x = self.emit_transpose(anchor, x)
        elif op in ("Flatten", "Reshape", "Squeeze", "Unsqueeze"):
            x = self.emit_reshape_like(anchor, x)
        return self.to_quantization(anchor, x, quant, clamp)

    def weight_of(self, node, index):
        weight = self.quantized_constant(node, index)
        if weight is None or weight.values.dtype not in (np.int8, np.uint8):
            self.fail(node, "the weight (input %d) must be a DequantizeLinear of 8-bit integer "
                            "constants" % index)
        return weight

    def bias_of(self, node, index):
        """The bias: a QuantizedConstant, float constants, or None."""
        if index >= len(node.input) or not node.input[index]:
            return None
        constant = self.quantized_constant(node, index)
        if constant is not None:
            return constant
        return self.constant_input(node, index).astype(np.float32)

    def accumulator_bias(self, node, bias, scales):
        """The i32 bias of an accumulator whose channels have `scales`: the
        model's integers where its scales are the accumulator's (as
        quantizers write them), else the float bias rounded."""
        if bias is None:
            return np.zeros(scales.shape, np.int64)
        if isinstance(bias, QuantizedConstant):
            given = bias.scales_along(0, scales.size)
            if (given is not None and bias.uniform_zero_point() == 0
                    and np.allclose(given, scales, rtol=1e-6, atol=0)):
                return bias.values.astype(np.int64).reshape(-1)
            bias = bias.dequantized()
        values = np.rint(np.asarray(bias, np.float64).reshape(-1) / scales)
        if np.any(np.abs(values) >= 2 ** 31):
            self.fail(node, "the bias does not fit in i32 at the accumulator's scale")
        return values.astype(np.int64)

    def weight_scales(self, node, weight, axis, count):
        scales = weight.scales_along(axis, count)
        if scales is None:
            self.fail(node, "weights quantized along axis %d are not supported (only along the "
                            "output channels)" % weight.axis)
        zero_point = weight.uniform_zero_point()
        if zero_point is None:
            self.fail(node, "weights with a zero point per channel are not supported")
        return scales.astype(np.float64), zero_point

    @staticmethod
    def signed_weights(weight, zero_point):
        """uint8 weights as i8 (shifted, with their zero point)."""
        values = weight.values.astype(np.int64)
        if weight.values.dtype == np.uint8:
            return values - UNSIGNED_OFFSET, zero_point - UNSIGNED_OFFSET
        return values, zero_point

    def quantized_conv(self, node, x, weight, bias, quant, clamp):
        out_channels = weight.values.shape[0]
        scales, weight_zp = self.weight_scales(node, weight, 0, out_channels)
        values, weight_zp = self.signed_weights(weight, weight_zp)
        accumulator_scales = np.float64(x.quant.scale) * scales
        bias = self.accumulator_bias(node, bias, accumulator_scales)
        x = self.to_nhwc(x)
        accumulator = self.emit_conv(node, x, values, bias, (x.quant.zero_point, weight_zp))
        return self.requantize(node, accumulator, accumulator_scales / quant.scale, quant, clamp,
                               self.qnnpack_factors(scales, x.quant, quant))

    @staticmethod
    def qnnpack_factors(weight_scales, input_quant, output_quant):
        """qnnpack's float32 requantization scales of a convolution or a
        linear layer: (weight scale * input scale) * (1 / output scale)."""
        inverse = np.float32(1) / np.float32(output_quant.scale)
        return (weight_scales.astype(np.float32) * np.float32(input_quant.scale)) * inverse

    def quantized_matmul(self, node, a, weight, bias, quant, clamp):
        a = self.to_nchw(a)
        if len(a.shape) != 2 or weight.values.ndim != 2:
            self.fail(node, "only a 2-D input times 2-D constant weights is supported")
        transposed = node.op_type == "Gemm" and self.attr(node, "transB", 0)
        if node.op_type == "Gemm" and self.attr(node, "transA", 0):
            self.fail(node, "transA is not supported")
        n, k = a.shape
        m = weight.values.shape[0 if transposed else 1]
        scales, weight_zp = self.weight_scales(node, weight, 0 if transposed else 1, m)
        values, weight_zp = self.signed_weights(weight, weight_zp)
        if transposed:
            values = values.T
        alpha = self.attr(node, "alpha", 1.0) if node.op_type == "Gemm" else 1.0
        beta = self.attr(node, "beta", 1.0) if node.op_type == "Gemm" else 1.0
        accumulator_scales = np.float64(a.quant.scale) * scales
        if bias is not None and beta != 1.0:
            bias = (bias.dequantized() if isinstance(bias, QuantizedConstant) else bias) * beta
        bias = self.accumulator_bias(node, bias, accumulator_scales * alpha)
        a3 = a.like(self.op("reshape", [a, self.emit.const_shape([1, n, k])], "", [1, n, k], "r",
                            "i8"), [1, n, k])
        b3 = self.emit.const(values.reshape(1, k, m), "i8")
        zero_points = [self.emit.int_zero_point(a.quant.zero_point, "i8"),
                       self.emit.int_zero_point(weight_zp, "i8")]
        product = Value(self.op("matmul", [a3, b3] + zero_points, "", [1, n, m], "mm", "i32"),
                        [1, n, m], element="i32")
        if np.any(bias):
            c = self.emit.const(bias.reshape(1, 1, m), "i32")
            product = Value(self.op("add", [product, c], "", [1, n, m], "v", "i32"), [1, n, m],
                            element="i32")
        result = self.requantize(node, product, accumulator_scales * alpha / quant.scale, quant,
                                 clamp, None if alpha != 1.0 else
                                 self.qnnpack_factors(scales, a.quant, quant))
        return result.like(self.op("reshape", [result, self.emit.const_shape([n, m])], "", [n, m],
                                   "r", "i8"), [n, m])

    def quantized_average(self, node, x, quant, clamp, global_=False):
        """An average pool as PyTorch computes it (qnnpack's average and
        global average pooling, which adaptive_avg_pool2d and mean use): the
        sum of each window less the zero points (padding counted as zeros),
        in float32 times input scale / (output scale * count), rounded half
        to even. Under "tflite", and where padding is not counted, TOSA's i8
        average and a rescale."""
        x = self.to_nhwc(x)
        pads = [0, 0, 0, 0] if global_ else self.attr(node, "pads", [0, 0, 0, 0])
        counts_padding = global_ or not any(pads) or self.attr(node, "count_include_pad", 0)
        if self.rounding != "pytorch" or not counts_padding or len(x.shape) != 4:
            pooled = self.emit_pool(node, x, "avg_pool2d", global_)
            return self.to_quantization(node, pooled, quant, clamp)
        kernel = [x.shape[1], x.shape[2]] if global_ else self.attr(node, "kernel_shape")
        channels, count = x.shape[3], kernel[0] * kernel[1]
        geometry = {"group": channels, "pads": pads, "dilations": [1, 1],
                    "strides": [1, 1] if global_ else self.attr(node, "strides", [1, 1]),
                    "output_shape": [x.shape[0], 1, 1, channels] if global_ else None}
        ones = np.ones([channels, 1] + list(kernel), np.int64)
        total = self.emit_conv(node, x, ones, np.zeros([channels], np.int64),
                               (x.quant.zero_point, 0), geometry)
        factor = np.float32(x.quant.scale) / (np.float32(quant.scale) * np.float32(count))
        return self.clamp_int8(self.float_requantize(total, factor, quant), clamp)

    def quantized_mean(self, node, x, quant, clamp):
        """A mean over height and width (x.mean([2, 3]), a global average
        pool as PyTorch and FX write it) is one; other means cannot be
        int8 ops here."""
        x = self.to_nhwc(x)
        if len(x.shape) != 4 or self.reduction_axes(node, x) != [1, 2]:
            self.fail(node, "a quantized mean over other axes than height and width is not "
                            "supported")
        result = self.quantized_average(node, x, quant, clamp, global_=True)
        if self.attr(node, "keepdims", 1):
            return result
        return self.emit_reshape_like(node, result)

    def float_requantize(self, x, factors, quant):
        """The i32 `x` in float32 times `factors` (one, or one per channel of
        the last axis), rounded half to even (tosa.cast), to i8 of `quant`:
        PyTorch's float32 requantization (qnnpack's x86 kernels)."""
        shape = x.shape
        factors = np.asarray(factors, np.float32).reshape(-1)
        broadcast = [1] * (len(shape) - 1) + [factors.size]
        real = Value(self.op("cast", [x], "", shape, "f"), shape, x.nhwc)
        scaled = Value(self.emit.mul(real, self.emit.const(factors.reshape(broadcast)), shape),
                       shape, x.nhwc)
        rounded = Value(self.op("cast", [scaled], "", shape, "r", "i32"), shape, x.nhwc,
                        element="i32")
        name = self.emit.rescale(rounded, [1 << 30], [30], 0, quant.zero_point, shape, "i8",
                                 in_element="i32")
        return Value(name, shape, x.nhwc, element="i8", quant=quant)

    def binary_operands(self, node, a, b):
        """Two i8 operands in one layout and rank (an NCHW one transposed),
        and their result shape."""
        if a.nhwc != b.nhwc:
            a, b = self.to_nhwc(a), self.to_nhwc(b)
        if len(a.shape) != len(b.shape) or any(x != y and 1 not in (x, y)
                                               for x, y in zip(a.shape, b.shape)):
            self.fail(node, "cannot broadcast %s with %s" % (a.shape, b.shape))
        return a, b, [max(x, y) for x, y in zip(a.shape, b.shape)]

    def widen(self, node, x, real):
        """The i8 `x` less its zero point, times `real`, in i32."""
        return self.rescale(node, x, real, "i32", hint="wide")

    def quantized_add(self, node, a, b, quant, clamp):
        a, b, shape = self.binary_operands(node, a, b)
        if self.rounding == "pytorch":
            return self.qnnpack_add(node, a, b, shape, quant, clamp)
        return self.tflite_add(node, a, b, shape, quant, clamp)

    def qnnpack_add(self, node, a, b, shape, quant, clamp):
        """qnnpack's add, bit for bit: (a - za) * ma + (b - zb) * mb in i32
        (each product exact: a rescale by the multiplier times 4, shift 2),
        one less where negative, and shifted right rounding half up: half
        away from zero, as qnnpack rounds."""
        try:
            a_multiplier, b_multiplier, shift = qnnpack_add_parameters(a.quant.scale,
                                                                       b.quant.scale, quant.scale)
        except ValueError as error:
            self.fail(node, str(error))
        nhwc = a.nhwc or b.nhwc
        wide = []
        for value, multiplier in ((a, a_multiplier), (b, b_multiplier)):
            name = self.emit.rescale(value, [multiplier << 2], [2], value.quant.zero_point, 0,
                                     value.shape, "i32", in_element="i8", hint="wide")
            wide.append(Value(name, value.shape, value.nhwc, element="i32"))
        total = Value(self.op("add", wide, "", shape, "add", "i32"), shape, nhwc, element="i32")
        zero = self.emit.const(np.zeros([1] * len(shape)), "i32")
        negative = self.emit.op("greater", [zero, total], "", shape, "neg",
                                result_type="tensor<%sxi1>" % "x".join(map(str, shape)))
        ones = Value(self.op("cast", [(negative, "tensor<%sxi1>" % "x".join(map(str, shape)))], "",
                             shape, "neg", "i32"), shape, nhwc, element="i32")
        total = Value(self.op("sub", [total, ones], "", shape, "add", "i32"), shape, nhwc,
                      element="i32")
        name = self.emit.rescale(total, [1 << 30], [shift + 30], 0, quant.zero_point, shape, "i8",
                                 in_element="i32")
        return self.clamp_int8(Value(name, shape, nhwc, element="i8", quant=quant), clamp)

    def tflite_add(self, node, a, b, shape, quant, clamp):
        """TFLite's int8 add: both operands to i32 at twice the larger
        scale, shifted left by 20 bits, added, and rescaled."""
        twice = 2.0 * max(a.quant.scale, b.quant.scale)
        wide = [self.widen(node, v, v.quant.scale / twice * (1 << ADD_LEFT_SHIFT)) for v in (a, b)]
        total = Value(self.op("add", wide, "", shape, "add", "i32"), shape, a.nhwc or b.nhwc,
                      element="i32")
        return self.requantize(node, total, twice / (1 << ADD_LEFT_SHIFT) / quant.scale, quant,
                               clamp)

    def quantized_mul(self, node, a, b, quant, clamp):
        """Both operands less their zero points in i32, multiplied, and
        rescaled by the product of their scales."""
        a, b, shape = self.binary_operands(node, a, b)
        wide = [self.widen(node, v, 1.0) for v in (a, b)]
        product = Value(self.op("mul", wide + [self.emit.shift()], "", shape, "mul", "i32"), shape,
                        a.nhwc or b.nhwc, element="i32")
        return self.requantize(node, product, a.quant.scale * b.quant.scale / quant.scale, quant,
                               clamp)

    def table(self, node, x, quant):
        function = TABLE_FUNCTIONS[node.op_type](lambda name, default=None: self.attr(node, name,
                                                                                      default))
        table = self.emit.const(table_of(function, x.quant, quant), "i8", hint="table")
        return x.like(self.op("table", [x, table], "", x.shape, "table", "i8")).with_quant(quant)

    # -- op handlers -------------------------------------------------------------
    def quantize_linear(self, node):
        pattern = self.patterns.get(node.output[0])
        if pattern is not None:
            self.values[node.output[0]] = self.emit_pattern(pattern)
            return
        quant = self.quantization_of(node, 1, 2)
        value = self.values.get(node.input[0])
        if value is not None and value.element == "i8" and value.dequantized is None:
            # A quantized argument (the graph's float input, quantized by
            # the caller).
            self.values[node.output[0]] = self.to_quantization(node, value, quant)
            return
        # An island's end: the float value quantized here, rounded (half to
        # even, as tosa.cast rounds) before the zero point is added.
        x = self.input(node, 0)
        ones = [1] * len(x.shape)
        scaled = Value(self.emit.mul(x, self.emit.const(
            np.full(ones, 1.0 / np.float32(quant.scale), np.float32)), x.shape), x.shape, x.nhwc)
        rounded = Value(self.op("cast", [scaled], "", x.shape, "q", "i32"), x.shape, x.nhwc,
                        element="i32")
        shifted = Value(self.op("add", [rounded, self.emit.const(np.full(ones, quant.zero_point),
                                                                 "i32")], "", x.shape, "q", "i32"),
                        x.shape, x.nhwc, element="i32")
        saturated = Value(self.op("clamp", [shifted], clamp_attrs(-128, 127, "i32"), x.shape, "q",
                                  "i32"), x.shape, x.nhwc, element="i32")
        self.values[node.output[0]] = Value(self.op("cast", [saturated], "", x.shape, "q", "i8"),
                                            x.shape, x.nhwc, element="i8", quant=quant)

    def dequantize_linear(self, node):
        # Nothing is emitted: the integers stand for the dequantized value
        # until a float op reads it (materialize_dequantized).
        x = self.int8_operand(node, 0, 1, 2)
        self.values[node.output[0]] = Value(None, x.shape, x.nhwc, dequantized=x)

    def materialize_dequantized(self, value):
        """A DequantizeLinear's output computed in float, for an op outside
        every quantized pattern."""
        x = value.dequantized
        quant = x.quant
        ones = [1] * len(x.shape)
        real = Value(self.op("cast", [x], "", x.shape, "dq"), x.shape, x.nhwc)
        if quant.zero_point:
            real = Value(self.op("sub", [real, self.emit.const(
                np.full(ones, float(quant.zero_point), np.float32))], "", x.shape), x.shape, x.nhwc)
        return Value(self.emit.mul(real, self.emit.const(np.full(ones, quant.scale, np.float32)),
                                   x.shape), x.shape, x.nhwc)

    def cast(self, node):
        value = self.values.get(node.input[0])
        to = ONNX_ELEMENTS.get(self.attr(node, "to"))
        if value is not None and value.element == "i8" and value.dequantized is None \
                and to == (value.storage or "i8"):
            self.values[node.output[0]] = value
            return
        if value is not None and value.element == "f32" and to == "f32":
            self.values[node.output[0]] = self.input(node, 0)
            return
        self.fail(node, "a Cast of a computed value to %s is not supported" % (to or "this type"))

    def qlinear_conv(self, node):
        x = self.int8_operand(node, 0, 1, 2)
        weight = self.qlinear_weight(node, 3, 4, 5)
        quant = self.quantization_of(node, 6, 7)
        bias = None
        if len(node.input) > 8 and node.input[8]:
            # ONNX: the bias is i32 at x_scale * w_scale, zero point 0.
            values = self.constant_input(node, 8)
            bias = QuantizedConstant(values, np.float64(x.quant.scale) * weight.scale.astype(
                np.float64), None, 0)
        self.values[node.output[0]] = self.quantized_conv(node, x, weight, bias, quant, None)

    def qlinear_weight(self, node, values_index, scale_index, zero_point_index):
        values = self.constant_input(node, values_index)
        if values is None:
            self.fail(node, "the weights (input %d) must be constant" % values_index)
        return QuantizedConstant(values, self.constant_input(node, scale_index),
                                 self.constant_input(node, zero_point_index),
                                 0 if node.op_type == "QLinearConv" else 1)

    def qlinear_matmul(self, node):
        a = self.int8_operand(node, 0, 1, 2)
        weight = self.qlinear_weight(node, 3, 4, 5)
        quant = self.quantization_of(node, 6, 7)
        self.values[node.output[0]] = self.quantized_matmul(node, a, weight, None, quant, None)

    def qlinear_add(self, node):
        a = self.int8_operand(node, 0, 1, 2)
        b = self.int8_operand(node, 3, 4, 5)
        quant = self.quantization_of(node, 6, 7)
        self.values[node.output[0]] = self.quantized_add(node, a, b, quant, None)

    def qlinear_global_average_pool(self, node):
        if self.attr(node, "channels_last", 0):
            self.fail(node, "channels_last is not supported")
        x = self.int8_operand(node, 0, 1, 2)
        quant = self.quantization_of(node, 3, 4)
        self.values[node.output[0]] = self.quantized_average(node, x, quant, None, global_=True)

    QUANTIZED_OPS = {
        "QuantizeLinear": quantize_linear,
        "DequantizeLinear": dequantize_linear,
        "Cast": cast,
        "QLinearConv": qlinear_conv,
        "QLinearMatMul": qlinear_matmul,
        "QLinearAdd": qlinear_add,
        "QLinearGlobalAveragePool": qlinear_global_average_pool,
    }
