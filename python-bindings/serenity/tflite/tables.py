"""TFLite Micro's int8 elementwise kernels as tables, and its float-to-int8
QUANTIZE as thresholds, in Python integers and float32.

An int8 op whose output depends on one input element only (LOGISTIC,
HARD_SWISH) is a function of 256 values: its table, from each value
through the integer arithmetic of TFLite's reference kernel and of the
parameters TFLM's Prepare computes, is that op exactly (tosa.table). The
arithmetic follows the published reference_integer_ops::Logistic,
reference_ops::HardSwish and DownScaleInt32ToInt16Multiplier; rounding,
QuantizeMultiplier and gemmlowp's fixed point are fixedpoint.py's.

QUANTIZE from float32 rounds fl32(x / scale) half away from zero. That is
monotonic in x, so it is one float32 threshold per output step: the
smallest x that reaches it.
"""

import math

import numpy as np

from .fixedpoint import (INT32_MAX, exp_on_negative_values, multiply_by_quantized_multiplier,
                         one_over_one_plus_x_for_x_in_0_1, quantize_multiplier, rdbp,
                         tflite_round, trunc_div, wrap32)

INT8_VALUES = range(-128, 128)
INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1


# -- LOGISTIC --------------------------------------------------------------------
LOGISTIC_INPUT_INTEGER_BITS = 4
LOGISTIC_OUTPUT_ZERO_POINT = -128


def logistic_q4(a):
    """gemmlowp::logistic of a raw Q4.27, as a raw Q0.31."""
    if a == 0:
        return 1 << 30
    positive = one_over_one_plus_x_for_x_in_0_1(
        exp_on_negative_values(-abs(a), LOGISTIC_INPUT_INTEGER_BITS))
    return positive if a > 0 else wrap32(INT32_MAX - positive)


def logistic_int8(input_quant):
    """TFLM's int8 LOGISTIC of each input value -128..127 (its output is
    scale 1/256, zero point -128, whatever the output tensor says)."""
    scale, zero_point = input_quant
    real = float(np.float32(scale)) * (1 << (31 - LOGISTIC_INPUT_INTEGER_BITS))
    mantissa, left_shift = math.frexp(real)
    multiplier = tflite_round(mantissa * (1 << 31))
    # CalculateInputRadius
    radius = math.floor(((1 << LOGISTIC_INPUT_INTEGER_BITS) - 1)
                        * (1 << (31 - LOGISTIC_INPUT_INTEGER_BITS)) / 2.0 ** left_shift)
    table = []
    for value in INT8_VALUES:
        x = value - zero_point
        if x <= -radius:
            table.append(-128)
        elif x >= radius:
            table.append(127)
        else:
            q4 = multiply_by_quantized_multiplier(x, multiplier, left_shift)
            out = rdbp(logistic_q4(q4), 31 - 8) + LOGISTIC_OUTPUT_ZERO_POINT
            table.append(max(-128, min(127, out)))
    return table


# -- HARD_SWISH ------------------------------------------------------------------
def wrap16(x):
    return ((x + (1 << 15)) & 0xFFFF) - (1 << 15)


def srdhm16(a, b):
    """gemmlowp's SaturatingRoundingDoublingHighMul on int16."""
    if a == b == INT16_MIN:
        return INT16_MAX
    ab = a * b
    nudge = (1 << 14) if ab >= 0 else 1 - (1 << 14)
    return wrap16(trunc_div(ab + nudge, 1 << 15))


def sdhm16(a, b):
    """SaturatingDoublingHighMul on int16: truncating, not rounding."""
    if a == b == INT16_MIN:
        return INT16_MAX
    return wrap16(trunc_div(a * b, 1 << 15))


def saturating_left_shift16(value, amount):
    return max(INT16_MIN, min(INT16_MAX, value * (1 << amount)))


def int16_multiplier(real):
    """QuantizeMultiplier then DownScaleInt32ToInt16Multiplier."""
    multiplier, exponent = quantize_multiplier(real)
    if multiplier >= INT32_MAX - (1 << 15):
        return INT16_MAX, exponent
    return (multiplier + (1 << 15)) >> 16, exponent


def hard_swish_parameters(input_quant, output_quant):
    """TFLM's HardSwishPrepare: the output and "reluish" int16 multipliers
    and exponents, from float32 scales."""
    f32 = np.float32
    hires_input_scale = f32(1.0 / 128.0) * f32(input_quant[0])
    reluish_scale = f32(3.0) / f32(32768.0)
    output = int16_multiplier(float(f32(hires_input_scale / f32(output_quant[0]))))
    reluish = int16_multiplier(float(f32(hires_input_scale / reluish_scale)))
    return output, reluish


def hard_swish_int8(input_quant, output_quant):
    """TFLM's int8 HARD_SWISH (reference_ops::HardSwish) of each input value
    -128..127. Raises ValueError where TFLM's Prepare fails (an output
    multiplier above one)."""
    (out_multiplier, out_exponent), (reluish_multiplier, reluish_exponent) = \
        hard_swish_parameters(input_quant, output_quant)
    if out_exponent > 0:
        raise ValueError("input scale / 128 over the output scale is above 1, which "
                         "TFLite's HARD_SWISH does not take")
    table = []
    for value in INT8_VALUES:
        hires = wrap16((value - input_quant[1]) * (1 << 7))
        preshift_output = srdhm16(hires, out_multiplier)
        reluish = hires
        if reluish_exponent > 0:
            reluish = saturating_left_shift16(reluish, reluish_exponent - 1)
        reluish = srdhm16(reluish, reluish_multiplier)
        if reluish_exponent > 0:
            reluish = saturating_left_shift16(reluish, 1)
        if reluish_exponent < 0:
            reluish = rdbp(reluish, -reluish_exponent)
        reluish = (reluish + (1 << 15)) >> 1
        out = wrap16(rdbp(sdhm16(reluish, preshift_output), -out_exponent) + output_quant[1])
        table.append(max(-128, min(127, out)))
    return table


# -- QUANTIZE from float32 ---------------------------------------------------------
def _float32_of_order(k):
    """The float32 of order `k` (ascending over all finite float32s and the
    infinities, -0 and +0 merged at 0)."""
    bits = np.array([k if k >= 0 else (-k) | 0x80000000], np.uint32)
    return float(bits.view(np.float32)[0])


def quantize_float(x, quant):
    """TFLite's AffineQuantize of one float32 to int8."""
    scale, zero_point = quant
    with np.errstate(over="ignore"):
        quotient = float(np.float32(x) / np.float32(scale))
    if math.isinf(quotient):
        return 127 if quotient > 0 else -128
    return max(-128, min(127, tflite_round(quotient) + zero_point))


def quantize_thresholds(quant):
    """For each output q in -127..127, the smallest float32 x that TFLite's
    QUANTIZE takes to q or above (finite scales > 0)."""
    low_order, high_order = -0x7F800000, 0x7F800000  # -inf, +inf
    thresholds = []
    for q in range(-127, 128):
        low, high = low_order, high_order
        while low < high:  # the first order whose float32 reaches q
            middle = (low + high) // 2
            if quantize_float(_float32_of_order(middle), quant) >= q:
                high = middle
            else:
                low = middle + 1
        thresholds.append(_float32_of_order(low))
        low_order = low
    return thresholds
