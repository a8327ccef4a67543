"""Quantization parameters of the ONNX importer, and the integer arithmetic
chosen for them (which rescale, which rounding, which table).

Inside an imported function every quantized activation is i8: a uint8 one
(PyTorch's activations) holds q - 128 with its zero point shifted by -128,
the same reals, so that TOSA's int8 ops apply. Only the function's
arguments and results keep the model's storage type.
"""

import numpy as np

from ..tosa import INTEGER_RANGES

# The ONNX element types (TensorProto enum) a function argument may have, as
# MLIR names them.
ONNX_ELEMENTS = {1: "f32", 2: "ui8", 3: "i8", 4: "ui16", 5: "i16", 6: "i32", 7: "i64", 9: "i1",
                 10: "f16", 11: "f64", 12: "ui32", 13: "ui64", 16: "bf16"}
# What a uint8 value is shifted by inside the function.
UNSIGNED_OFFSET = 128
# The integer arithmetic of a producer: "qnnpack" (PyTorch's) rounds each
# requantization once (measured on MobileNetV2: all 545,152 outputs of its 52
# convolutions match) and adds as qnnpack does; "tflite" rounds twice and
# adds as TFLite does.
ROUNDINGS = ("pytorch", "tflite")


def qnnpack_add_parameters(a_scale, b_scale, output_scale):
    """qnnpack's add (pytorch_qnnp_compute_add_quantization_params): each
    operand less its zero point times an integer multiplier below 2^22, the
    sum shifted right by `shift` (13..31), rounded half away from zero. The
    ratios are float32 divisions, the multipliers rounded half to even, as
    qnnpack computes them. Returns (a_multiplier, b_multiplier, shift)."""
    a_ratio = np.float32(a_scale) / np.float32(output_scale)
    b_ratio = np.float32(b_scale) / np.float32(output_scale)
    exponent = int(np.frexp(max(a_ratio, b_ratio))[1]) - 1
    shift = 21 - exponent
    if not 13 <= shift <= 31:
        raise ValueError("input to output scale ratios %g and %g are outside qnnpack's range"
                         % (a_ratio, b_ratio))
    power = np.float32(2.0 ** shift)
    return int(np.rint(a_ratio * power)), int(np.rint(b_ratio * power)), shift


def storage_of(dtype):
    """'ui8' or 'i8' for a zero point's numpy dtype."""
    if dtype == np.uint8:
        return "ui8"
    if dtype == np.int8:
        return "i8"
    return None


class Quantization:
    """How an activation's i8 integers hold reals: real = scale * (q -
    zero_point), one scale per tensor. `zero_point` is the i8 one (shifted
    for uint8); `storage` is the model's element type ('ui8' or 'i8')."""

    def __init__(self, scale, zero_point, storage):
        self.scale = float(np.float32(scale))
        self.zero_point = int(zero_point)
        self.storage = storage

    @classmethod
    def of(cls, scale, zero_point):
        """From ONNX's scale and zero point (a uint8 zero point by default,
        as the specification says); None if they are not one scalar each or
        not 8-bit."""
        scale = np.asarray(scale)
        zero_point = np.zeros([], np.uint8) if zero_point is None else np.asarray(zero_point)
        storage = storage_of(zero_point.dtype)
        if scale.size != 1 or zero_point.size != 1 or storage is None:
            return None
        shift = UNSIGNED_OFFSET if storage == "ui8" else 0
        return cls(scale.reshape(-1)[0], int(zero_point.reshape(-1)[0]) - shift, storage)

    @property
    def storage_zero_point(self):
        return self.zero_point + (UNSIGNED_OFFSET if self.storage == "ui8" else 0)

    def same_as(self, other):
        return other is not None and (self.scale, self.zero_point) == (other.scale, other.zero_point)

    def attribute(self):
        """The `serenity.quantization` of a boundary value."""
        return "serenity.quantization = !quant.uniform<%s:f32, %r:%d>" % (
            "u8" if self.storage == "ui8" else "i8", self.scale, self.storage_zero_point)

    def quantize(self, real):
        """The i8 value of `real` as QuantizeLinear gives it (half to even,
        saturated)."""
        q = np.rint(np.float32(real) / np.float32(self.scale)) + self.zero_point
        return int(np.clip(q, *INTEGER_RANGES["i8"]))

    def clamp_range(self, low, high):
        """The i8 range of a real clamp to [low, high] after quantization:
        the quantized bounds (quantization is monotonic)."""
        lo = -128 if low is None else self.quantize(low)
        hi = 127 if high is None else self.quantize(high)
        return lo, hi


class QuantizedConstant:
    """A DequantizeLinear of a constant: its integers, scales and zero
    points (per tensor, or along `axis`)."""

    def __init__(self, values, scale, zero_point, axis):
        self.values = np.asarray(values)
        self.scale = np.asarray(scale, np.float32).reshape(-1)
        self.zero_point = (np.zeros(self.scale.shape, np.int64) if zero_point is None
                           else np.asarray(zero_point).astype(np.int64).reshape(-1))
        self.axis = axis % max(self.values.ndim, 1)

    @classmethod
    def of_node(cls, node, inputs):
        from onnx import helper
        axis = next((helper.get_attribute_value(a) for a in node.attribute if a.name == "axis"), 1)
        values, scale = inputs[0], inputs[1]
        zero_point = inputs[2] if len(inputs) > 2 else None
        return cls(values, scale, zero_point, axis)

    @property
    def per_axis(self):
        return self.scale.size > 1

    def scales_along(self, axis, count):
        """Its scales, one per index of `axis` (a per-tensor scale
        repeated)."""
        if not self.per_axis:
            return np.full([count], self.scale[0], np.float32)
        if axis != self.axis or self.scale.size != count:
            return None
        return self.scale

    def uniform_zero_point(self):
        """The zero point if every channel has the same, else None."""
        if np.all(self.zero_point == self.zero_point[0]):
            return int(self.zero_point[0])
        return None

    def dequantized(self):
        shape = [1] * self.values.ndim
        if self.per_axis:
            shape[self.axis] = -1
        return ((self.values.astype(np.float32) - self.zero_point.reshape(shape).astype(np.float32))
                * self.scale.reshape(shape))


def table_of(function, input_quant, output_quant):
    """The 256-entry i8 table of `function` (numpy, in float32) from
    `input_quant` to `output_quant`, indexed by the i8 input + 128: each
    input dequantized, mapped and quantized again, as qnnpack builds its
    lookup tables."""
    q = np.arange(-128, 128)
    real = np.float32(input_quant.scale) * (q - input_quant.zero_point).astype(np.float32)
    with np.errstate(over="ignore"):
        mapped = function(real.astype(np.float32)).astype(np.float32)
    out = np.rint(mapped / np.float32(output_quant.scale)) + output_quant.zero_point
    return np.clip(out, -128, 127).astype(np.int8)


def _hard_sigmoid(alpha, beta):
    return lambda x: np.clip(np.float32(alpha) * x + np.float32(beta), 0, 1).astype(np.float32)


# Unary float functions a quantized model applies through a table: op type
# -> (node attribute reader -> numpy function on float32).
TABLE_FUNCTIONS = {
    "Sigmoid": lambda attr: lambda x: (np.float32(1) / (np.float32(1) + np.exp(-x))),
    "Tanh": lambda attr: np.tanh,
    "HardSigmoid": lambda attr: _hard_sigmoid(attr("alpha", 0.2), attr("beta", 0.5)),
    # PyTorch's (and qnnpack's) x * relu6(x + 3) / 6, ONNX's x *
    # hardsigmoid(x) with alpha 1/6.
    "HardSwish": lambda attr: lambda x: (x * np.clip(x + np.float32(3), 0, 6)
                                         / np.float32(6)).astype(np.float32),
    "LeakyRelu": lambda attr: (lambda alpha: lambda x: np.where(x >= 0, x, np.float32(alpha) * x))(
        attr("alpha", 0.01)),
}
