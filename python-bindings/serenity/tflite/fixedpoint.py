"""TFLite's integer arithmetic in Python integers: its rounding and
QuantizeMultiplier / MultiplyByQuantizedMultiplier, and gemmlowp's
fixed-point exp and reciprocal as TensorFlow Lite's reference kernels use
them (reference_ops::Softmax for int8), written from their published
definitions. The importer takes its tables from here (and from tables.py,
built on it), and the tests their expected outputs.
"""

import math

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
# Q5.26 for the scaled input differences, Q12.19 for the sum of exps.
SCALED_DIFF_INTEGER_BITS = 5
ACCUMULATION_INTEGER_BITS = 12


def wrap32(x):
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def tflite_round(value):
    """TfLiteRound (std::round): half away from zero (of a float32 or
    double, exact in double)."""
    value = float(value)
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def quantize_multiplier(real):
    """TFLite's QuantizeMultiplier: (multiplier, shift) with real =
    multiplier * 2^(shift - 31), the multiplier in [2^30, 2^31)."""
    if real == 0.0:
        return 0, 0
    mantissa, shift = math.frexp(real)
    multiplier = tflite_round(mantissa * (1 << 31))
    if multiplier == 1 << 31:
        multiplier //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return multiplier, shift


def multiply_by_quantized_multiplier(x, multiplier, shift):
    """MultiplyByQuantizedMultiplier on int32 (double rounding)."""
    left, right = max(shift, 0), max(-shift, 0)
    return rdbp(srdhm(wrap32(x * (1 << left)), multiplier), right)


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul on int32."""
    if a == b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    return trunc_div(ab + nudge, 1 << 31)


def trunc_div(a, b):
    """Integer division rounding toward zero, as C's."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def rdbp(x, exponent):
    """RoundingDivideByPOT: a right shift rounding half away from zero."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def multiply_by_pot(x, exponent):
    """SaturatingRoundingMultiplyByPOT<exponent> on int32."""
    if exponent == 0:
        return x
    if exponent < 0:
        return rdbp(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    if x > threshold:
        return INT32_MAX
    if x < -threshold:
        return INT32_MIN
    return wrap32(x << exponent)


def exp_on_interval_between_negative_one_quarter_and_0_excl(a):
    constant_term = 1895147668
    constant_1_over_3 = 715827883
    x = wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = multiply_by_pot(x4, -2)
    polynomial = multiply_by_pot(wrap32(srdhm(wrap32(x4_over_4 + x3), constant_1_over_3) + x2),
                                 -1)
    return wrap32(constant_term + srdhm(constant_term, wrap32(x + polynomial)))


BARREL_SHIFTER = [(-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
                  (2, 39332535), (3, 720401), (4, 242)]


def exp_on_negative_values(a, integer_bits=SCALED_DIFF_INTEGER_BITS):
    """exp(a) of a raw Q(integer_bits) value a <= 0, as a raw Q0.31."""
    fractional_bits = 31 - integer_bits
    one_quarter = 1 << (fractional_bits - 2)
    mask = one_quarter - 1
    a_mod_quarter_minus_one_quarter = wrap32((a & mask) - one_quarter)
    result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits))
    remainder = wrap32(a_mod_quarter_minus_one_quarter - a)
    for exponent, multiplier in BARREL_SHIFTER:
        if integer_bits > exponent:
            if remainder & (1 << (fractional_bits + exponent)):
                result = srdhm(result, multiplier)
    if a == 0:
        result = INT32_MAX
    return result


def one_over_one_plus_x_for_x_in_0_1(a):
    """1 / (1 + a) of a raw Q0.31 a in [0, 1), as a raw Q0.31."""
    sum_ = a + INT32_MAX
    half_denominator = trunc_div(sum_ + (1 if sum_ >= 0 else -1), 2)
    constant_48_over_17 = 1515870810
    constant_neg_32_over_17 = -1010580540
    x = wrap32(constant_48_over_17 + srdhm(half_denominator, constant_neg_32_over_17))
    one_f2 = 1 << 29  # One() of Q2.29
    for _ in range(3):
        half_denominator_times_x = srdhm(half_denominator, x)
        one_minus = wrap32(one_f2 - half_denominator_times_x)
        x = wrap32(x + multiply_by_pot(srdhm(x, one_minus), 2))
    return multiply_by_pot(x, 1)


def count_leading_zeros(x):
    x &= 0xFFFFFFFF
    return 32 - x.bit_length()


def get_reciprocal(x, x_integer_digits):
    """(1 / x as a raw Q0.31 scaled into [0.5, 1), num_bits_over_unit)."""
    headroom_plus_one = count_leading_zeros(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted_sum_minus_one = wrap32(((x & 0xFFFFFFFF) << headroom_plus_one) - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one), num_bits_over_unit


def softmax_parameters(beta, input_scale):
    """(input multiplier, left shift, diff_min) of TFLite's int8 softmax
    (PreprocessSoftmaxScaling and CalculateInputRadius)."""
    real = min(beta * input_scale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    multiplier, left_shift = quantize_multiplier(real)
    max_input_rescaled = (1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                          * (1 << (31 - SCALED_DIFF_INTEGER_BITS)) / (1 << left_shift))
    return multiplier, left_shift, -int(math.floor(max_input_rescaled))


def softmax_exp_table(beta, input_scale):
    """For each difference d = max - x in 0..255: the raw Q0.31 exp that
    TFLite computes for it, 0 where it leaves the element out (d beyond
    diff_min)."""
    multiplier, left_shift, diff_min = softmax_parameters(beta, input_scale)
    table = []
    for d in range(256):
        diff = -d
        if diff < diff_min:
            table.append(0)
            continue
        rescaled = multiply_by_quantized_multiplier(diff, multiplier, left_shift)
        table.append(exp_on_negative_values(rescaled))
    return table


def softmax_int8(row, beta, input_scale):
    """TFLite's reference int8 softmax of one row (ints), output scale 1/256
    and zero point -128."""
    table = softmax_exp_table(beta, input_scale)
    peak = max(row)
    total = 0
    for x in row:
        total = wrap32(total + rdbp(table[peak - x], ACCUMULATION_INTEGER_BITS))
    scale, bits_over_unit = get_reciprocal(total, ACCUMULATION_INTEGER_BITS)
    exponent = bits_over_unit + 31 - 8
    # A left-out element has an exp of 0 in the table: it gives -128.
    return [max(-128, min(127, rdbp(srdhm(scale, table[peak - x]), exponent) - 128))
            for x in row]
