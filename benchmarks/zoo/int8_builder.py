"""The zoo in int8: the same layers as TosaBuilder, written as a quantized
TOSA model would be (TFLite's int8 scheme as TOSA spells it).

Every activation is i8 with one zero point (ZERO_POINT). A convolution
accumulates in i32 from i8 inputs (input zero point subtracted, weight zero
point 0) and i8 weights with per-channel ranges, adds an i32 bias that
shifts each channel by up to a quarter of its spread, and a per-channel
`tosa.rescale` (double rounding) brings each channel back to i8; an add
rescales both operands to i32 (single rounding, a left shift of 20 as TFLite
does), adds, and rescales the sum back; a multiply by a constant factor is
folded into the output scale (a rescale). Each requantization's scale is
chosen from the spreads of its inputs and weights, so that its output
spreads over about OUTPUT_SPREAD steps: outputs use most of the i8 range
without saturating (at most 0.1% of a model's output elements clip, the
DenseNet block's at 8x8). Pools, concats and slices keep the scale.

Every TOSA op is also recorded in `trace` with its integer parameters, so
that a reference written from the TOSA specification
(test/Execution/Inputs/int8_reference.py) can compute the model's outputs
without MLIR.
"""

import math

import numpy as np

from tosa_builder import TosaBuilder, Value, tosa

# The zero point of every i8 activation: not 0, so that every op that must
# subtract it is checked.
ZERO_POINT = -3
# The spread that convolutions aim their outputs at (a standard deviation in
# i8 steps, well inside -128..127).
OUTPUT_SPREAD = 24.0
# The spread of the model's inputs (make_comparison.input_data: about 85).
INPUT_SPREAD = 85.0
# An add's operands are scaled by 2^20 in i32 before they are added.
ADD_LEFT_SHIFT = 20


# One definition for the zoo and the ONNX importer.
quantize_multiplier = tosa.quantize_multiplier


class Int8TosaBuilder(TosaBuilder):
    element = "i8"

    def __init__(self, name, seed=0, splat_weights=False):
        super().__init__(name, seed, splat_weights)
        self.trace = []
        # The spread of each value (by name), to aim the next requantization.
        self.spread = {}

    # -- helpers -------------------------------------------------------------
    def argument(self, shape):
        value = super().argument(shape)
        self.spread[value.name] = INPUT_SPREAD
        return value

    def quantization(self, value):
        """The `serenity.quantization` of a boundary value: a value of 1.0
        spans its spread in steps (the scale this builder aims at)."""
        return "serenity.quantization = !quant.uniform<i8:f32, %r:%d>" % (
            1.0 / self._spread_of(value), ZERO_POINT)

    def _record(self, op, result, operands, **params):
        self.trace.append({"op": op, "result": result.name, "shape": result.shape,
                           "element": result.element,
                           "operands": [v.name for v in operands], **params})
        return result

    def _spread_of(self, x):
        return self.spread.get(x.name, OUTPUT_SPREAD)

    def _int_constant(self, array, element, hint="q"):
        return self.emit.const(np.asarray(array), element, hint=hint)

    def _zero_point(self, value, element):
        return self.emit.int_zero_point(value, element)

    def _weights(self, shape, channel_axis):
        """i8 weights whose range differs per output channel (per-channel
        scales matter), and those ranges."""
        channels = shape[channel_axis]
        ranges = 40 + (87 * np.arange(channels)) // max(channels - 1, 1)
        if self.splat_weights:
            data = np.ones(shape, np.int64)
        else:
            data = self.rng.integers(-1000, 1001, size=shape)
        broadcast = [1] * len(shape)
        broadcast[channel_axis] = channels
        data = (data * ranges.reshape(broadcast)) // 1000
        return data.astype(np.int8), ranges

    def _rescale(self, x, multipliers, shifts, input_zp, output_zp, out_element,
                 double_round, hint="rq"):
        """tosa.rescale of x (per channel when there are several
        multipliers)."""
        self.op_counts["rescale"] = self.op_counts.get("rescale", 0) + 1
        result = Value(self.emit.rescale(x, multipliers, shifts, input_zp, output_zp, x.shape,
                                         out_element, double_round, in_element=x.element,
                                         hint=hint), x.shape, out_element)
        return self._record("rescale", result, [x], multipliers=list(multipliers),
                            shifts=list(shifts), input_zp=input_zp, output_zp=output_zp,
                            double_round=double_round)

    @staticmethod
    def _accumulator_spreads(weight_ranges, fan_in, input_spread):
        """Each channel's accumulator spread: from the spread of the input
        and of the channel's weights (uniform in +-range: spread range /
        sqrt(3))."""
        return np.array([math.sqrt(fan_in) * input_spread * r / math.sqrt(3.0)
                         for r in weight_ranges])

    def _requantize(self, accumulator, weight_ranges, fan_in, input_spread):
        """The per-channel rescale of an i32 accumulator to i8, aimed at
        OUTPUT_SPREAD."""
        multipliers, shifts = [], []
        for spread in self._accumulator_spreads(weight_ranges, fan_in, input_spread):
            multiplier, shift = quantize_multiplier(OUTPUT_SPREAD / spread)
            multipliers.append(multiplier)
            shifts.append(shift)
        result = self._rescale(accumulator, multipliers, shifts, 0, ZERO_POINT, "i8",
                               double_round=True)
        self.spread[result.name] = OUTPUT_SPREAD
        return result

    # -- ops -----------------------------------------------------------------
    def relu(self, x):
        result = self._op("clamp", [x], "max_val = 127 : i8, min_val = %d : i8" % ZERO_POINT,
                          x.shape, "relu")
        self.spread[result.name] = self._spread_of(x) / 2
        return self._record("clamp", result, [x], low=ZERO_POINT, high=127)

    def add(self, a, b):
        one, shift = quantize_multiplier(1.0)
        wide = [self._rescale(v, [one], [shift - ADD_LEFT_SHIFT], ZERO_POINT, 0, "i32",
                              double_round=False, hint="wide") for v in (a, b)]
        total = self._op("add", wide, "", a.shape, "add", element="i32")
        self._record("add", total, wide)
        # Back to i8 at the scale that spreads the sum over OUTPUT_SPREAD (a
        # quantized model's output scale): chains of adds neither grow nor
        # shrink.
        spread = self._spread_of(a) + self._spread_of(b)
        multiplier, shift = quantize_multiplier(OUTPUT_SPREAD / spread / (1 << ADD_LEFT_SHIFT))
        result = self._rescale(total, [multiplier], [shift], 0, ZERO_POINT, "i8",
                               double_round=False)
        self.spread[result.name] = OUTPUT_SPREAD
        return result

    def scalar(self, value, rank):
        """A factor that mul applies as a rescale (no i8 multiply)."""
        return ("factor", value)

    def mul(self, a, b):
        """A constant factor, folded into the output scale as a quantized
        model does: a rescale that spreads the result over OUTPUT_SPREAD."""
        kind, _ = b
        assert kind == "factor", "the int8 zoo multiplies by constant factors only"
        multiplier, shift = quantize_multiplier(OUTPUT_SPREAD / self._spread_of(a))
        result = self._rescale(a, [multiplier], [shift], ZERO_POINT, ZERO_POINT, "i8",
                               double_round=False, hint="mul")
        self.spread[result.name] = OUTPUT_SPREAD
        return result

    def _window_op(self, op, x, weight, channel_ranges, fan_in, stride, pad, dilation,
                   shape, bias, hint):
        """An int8 convolution (dense or depthwise) into its i32 accumulator
        and the per-channel rescale back to i8. The bias shifts each channel
        by up to half its spread, so that channels differ in their means (a
        global average pool of zero-mean channels would give the zero point
        everywhere)."""
        spreads = self._accumulator_spreads(channel_ranges, fan_in, self._spread_of(x))
        bias_values = (np.round((self.rng.random(shape[3]) - 0.5) * spreads / 2).astype(np.int64)
                       if bias and not self.splat_weights else np.zeros(shape[3], np.int64))
        operands = [x, self._int_constant(weight, "i8", "w"),
                    self._int_constant(bias_values, "i32", "b"),
                    self._zero_point(ZERO_POINT, "i8"), self._zero_point(0, "i8")]
        attrs = tosa.window_attrs(stride, pad, dilation).replace("acc_type = f32",
                                                                 "acc_type = i32")
        accumulator = self._op(op, operands, attrs, shape, hint, element="i32")
        self._record(op, accumulator, [x], weight=weight, bias=bias_values,
                     input_zp=ZERO_POINT, weight_zp=0, stride=tosa.pair(stride), pad=pad,
                     dilation=tosa.pair(dilation))
        return self._requantize(accumulator, channel_ranges, fan_in, self._spread_of(x))

    def conv(self, x, out_channels, kernel=(1, 1), stride=1, pad=None, dilation=1,
             bias=True):
        kh, kw = kernel
        pad, (oh, ow) = self._conv_window(x, kernel, stride, pad, dilation)
        weight, ranges = self._weights((out_channels, kh, kw, x.shape[3]), 0)
        return self._window_op("conv2d", x, weight, ranges, kh * kw * x.shape[3], stride, pad,
                               dilation, (x.shape[0], oh, ow, out_channels), bias, "conv")

    def depthwise(self, x, kernel=3, stride=1, dilation=1, multiplier=1, pad=None,
                  bias=True):
        c = x.shape[3]
        pad, (oh, ow) = self._depthwise_window(x, kernel, stride, pad, dilation)
        weight, ranges = self._weights((kernel, kernel, c * multiplier), 2)
        return self._window_op("depthwise_conv2d", x,
                               weight.reshape(kernel, kernel, c, multiplier), ranges,
                               kernel * kernel, stride, pad, dilation,
                               (x.shape[0], oh, ow, c * multiplier), bias, "dw")

    def _pool(self, op, x, kernel, stride, pad, operands, hint):
        pads, (oh, ow) = self._window(x, kernel, stride, (pad, pad, pad, pad))
        attrs = tosa.window_attrs(stride, pads, kernel=kernel, accumulate=op == "avg_pool2d")
        attrs = attrs.replace("acc_type = f32", "acc_type = i32")
        if op == "avg_pool2d":
            operands = [self._zero_point(ZERO_POINT, "i8")] * 2
        result = self._op(op, [x] + operands, attrs, (x.shape[0], oh, ow, x.shape[3]), hint)
        self.spread[result.name] = self._spread_of(x)
        return self._record(op, result, [x], kernel=tuple(kernel), stride=tosa.pair(stride),
                            pad=pads, input_zp=ZERO_POINT, output_zp=ZERO_POINT)

    def concat(self, values, axis=3):
        result = super().concat(values, axis)
        self.spread[result.name] = max(self._spread_of(v) for v in values)
        return self._record("concat", result, values, axis=axis)

    def slice(self, x, start, size):
        result = super().slice(x, start, size)
        self.spread[result.name] = self._spread_of(x)
        return self._record("slice", result, [x], start=list(start), size=list(size))

    def render(self, results):
        self.results = [v.name for v in results]
        return tosa.render_function(
            self.name, self.arguments, results, self.emit.body(),
            argument_attrs=[self.quantization(a) for a in self.arguments],
            result_attrs=[self.quantization(r) for r in results])


