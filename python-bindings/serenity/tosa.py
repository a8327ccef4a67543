"""TOSA text for MLIR 22: the one place that knows its syntax.

The ONNX importer (serenity.onnx_import), the zoo generator
(benchmarks/zoo/tosa_builder.py) and the test helpers
(test/Execution/Inputs/make_comparison.py) all emit through this module, so
that a change of TOSA's syntax in MLIR is one edit here. It needs numpy only
(not the compiled part of the package): the generator and the helpers import
it from the source tree.

Ops are written in MLIR's generic form, one per line, in the order they are
emitted:

    %conv3 = "tosa.conv2d"(%x, %w1, %b2, %zp0, %zp0) <{acc_type = f32, ...}>
        : (tensor<...>, ...) -> tensor<...>
"""

import math
import os
import sys

import numpy as np

F32_MAX = 3.4028234663852886e38


def mlir_string(text):
    """`text` as an MLIR string literal (a location's name, ...): printable
    ASCII as it is, every other byte of its UTF-8 as a \\XX escape."""
    return '"%s"' % "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else "\\%02X" % b
                            for b in str(text).encode("utf-8"))


def tensor_type(shape, element="f32"):
    if not len(shape):
        return "tensor<%s>" % element
    return "tensor<%sx%s>" % ("x".join(str(int(d)) for d in shape), element)


def float_literal(value):
    """An f32 as MLIR reads it back exactly."""
    return repr(float(np.float32(value)))


def dense_literal(array, element="f32"):
    """The `dense<...>` of a constant: a splat when every element is equal,
    else the little-endian bytes in hex."""
    array = np.ascontiguousarray(array)
    if array.size and np.all(array == array.flat[0]):
        value = array.flat[0]
        return "dense<%s>" % (float_literal(value) if element == "f32" else int(value))
    dtype = {"f32": "<f4", "i8": "i1", "ui8": "u1", "i16": "<i2", "i32": "<i4"}[element]
    return 'dense<"0x%s">' % array.astype(dtype).tobytes().hex().upper()


class Operand:
    """An SSA name and its type (tensor or not)."""

    def __init__(self, name, type_):
        self.name = name
        self.type = type_


def _name_and_type(operand):
    if isinstance(operand, tuple):
        return operand
    return operand.name, operand.type


# -- windows (convolution and pooling) ----------------------------------------

def pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def window_output(size, kernel, stride, pad_before, pad_after, dilation=1):
    """The output size of a window sliding over `size` elements."""
    return (size + pad_before + pad_after - dilation * (kernel - 1) - 1) // stride + 1


def fit_window(height, width, kernel, stride, pad, dilation=1, output=None):
    """TOSA wants every strided window to fit exactly. For a window over an
    input of `height` x `width` with pads (top, bottom, left, right) and the
    `output` size (rows, columns; default: PyTorch's floor), returns the pads
    TOSA takes and how many input rows and columns the windows read: trailing
    padding that no window reaches is dropped, trailing input rows and
    columns that no window reads must be sliced off, and a ceil-mode output
    gets the padding its last window needs."""
    pad = list(pad)
    extent = []
    for axis, (size, k, s) in enumerate(zip((height, width), pair(kernel), pair(stride))):
        before, after = pad[2 * axis], pad[2 * axis + 1]
        out = output[axis] if output else window_output(size, k, s, before, after, dilation)
        spanned = (out - 1) * s + dilation * (k - 1) + 1
        surplus = before + size + after - spanned
        if surplus < 0:
            after -= surplus
        else:
            trimmed = min(surplus, after)
            after -= trimmed
            size -= surplus - trimmed
        pad[2 * axis + 1] = after
        extent.append(size)
    return tuple(pad), tuple(extent)


def fit_pads(height, width, kernel, stride, pad, dilation=1):
    """The exact-fit pads of fit_window for an input that every window
    reads. Raises ValueError where some trailing rows or columns are never
    read (slice them off first)."""
    pad, extent = fit_window(height, width, kernel, stride, pad, dilation)
    for axis, (size, used) in enumerate(zip((height, width), extent)):
        if used != size:
            raise ValueError("a %dx%d stride-%d window leaves %d trailing input %s of %d unread"
                             % (pair(kernel)[0], pair(kernel)[1], pair(stride)[axis], size - used,
                                "rows" if axis == 0 else "columns", size))
    return pad


def window_attrs(stride, pad, dilation=None, kernel=None, accumulate=True, acc_type="f32"):
    """The attributes of conv2d, depthwise_conv2d and the pools."""
    attrs = ["acc_type = %s" % acc_type] if accumulate else []
    if dilation is not None:
        attrs.append("dilation = array<i64: %d, %d>" % pair(dilation))
    if kernel is not None:
        attrs.append("kernel = array<i64: %d, %d>" % tuple(kernel))
    attrs.append("pad = array<i64: %d, %d, %d, %d>" % tuple(pad))
    attrs.append("stride = array<i64: %d, %d>" % pair(stride))
    return ", ".join(attrs)


def clamp_attrs(low, high, element="f32"):
    if element == "f32":
        return "max_val = %s : f32, min_val = %s : f32" % (float_literal(high), float_literal(low))
    return "max_val = %d : %s, min_val = %d : %s" % (int(high), element, int(low), element)


# -- integers (quantized models) ----------------------------------------------

# The values each integer element type holds.
INTEGER_RANGES = {"i8": (-128, 127), "ui8": (0, 255), "i16": (-(1 << 15), (1 << 15) - 1),
                  "i32": (-(1 << 31), (1 << 31) - 1)}


def quantize_multiplier(real):
    """(multiplier, shift) of a positive real factor below 2^31: real =
    multiplier * 2^-shift with 2^30 <= multiplier < 2^31, as TFLite's
    QuantizeMultiplier; shift stays within TOSA's 2..62. Raises ValueError
    for a factor that tosa.rescale cannot apply."""
    mantissa, exponent = math.frexp(real)
    multiplier = int(round(mantissa * (1 << 31)))
    if multiplier == 1 << 31:
        multiplier //= 2
        exponent += 1
    shift = 31 - exponent
    if not real > 0 or not 2 <= shift <= 62:
        raise ValueError("a scale of %g cannot be a TOSA rescale (shift %d outside 2..62)"
                         % (real, shift))
    return multiplier, shift


def rescale_parameters(reals):
    """The (multipliers, shifts) of tosa.rescale applying each real factor
    (one, or one per channel), from the float scales in double precision. A
    factor too small to move an i32 by half a step is a multiplier of 0.
    Raises ValueError for a factor tosa.rescale cannot apply."""
    multipliers, shifts = [], []
    for real in np.asarray(reals, np.float64).reshape(-1):
        if 0.0 <= real < 2.0 ** -32:
            multiplier, shift = 0, 31
        else:
            multiplier, shift = quantize_multiplier(float(real))
        multipliers.append(multiplier)
        shifts.append(shift)
    if len(set(zip(multipliers, shifts))) == 1:
        return multipliers[:1], shifts[:1]
    return multipliers, shifts


class Emitter:
    """The lines of one function body. Operands are anything with `name` and
    `type` (or (name, type) pairs); every method returns the new SSA name, or
    an Operand for constants."""

    def __init__(self, constants_first=False):
        self.lines = []
        # Constants in a block of their own before the ops, or interleaved.
        self.constant_lines = [] if constants_first else self.lines
        self.counter = 0
        self.cache = {}
        # The source location of the ops emitted next (an ONNX node's name),
        # or None for none.
        self.location = None

    def body(self):
        """Every line, constants first when asked."""
        if self.constant_lines is self.lines:
            return list(self.lines)
        return self.constant_lines + self.lines

    def _loc(self):
        if self.location is None:
            return ""
        return " loc(%s)" % mlir_string(self.location)

    def fresh(self, hint="v"):
        self.counter += 1
        return "%%%s%d" % (hint, self.counter)

    def op(self, name, operands, attrs, shape, hint="v", result_type=None):
        """`"tosa.<name>"(operands) <{attrs}>`, its result of `shape`."""
        result = self.fresh(hint)
        pairs = [_name_and_type(o) for o in operands]
        properties = " <{%s}>" % attrs if attrs else ""
        self.lines.append('  %s = "tosa.%s"(%s)%s : (%s) -> %s%s' % (
            result, name, ", ".join(n for n, _ in pairs), properties,
            ", ".join(t for _, t in pairs), result_type or tensor_type(shape), self._loc()))
        return result

    def const(self, array, element="f32", hint="c"):
        """A `tosa.const` of `array`'s values and shape."""
        array = np.asarray(array, dtype=np.float32 if element == "f32" else None)
        name = self.fresh(hint)
        type_ = tensor_type(array.shape, element)
        self.constant_lines.append('  %s = "tosa.const"() <{values = %s : %s}> : () -> %s%s' % (
            name, dense_literal(array, element), type_, type_, self._loc()))
        return Operand(name, type_)

    def const_shape(self, dims):
        """A `tosa.const_shape` (the start and size of a slice, ...)."""
        name = self.fresh("s")
        self.constant_lines.append("  %s = tosa.const_shape {values = dense<[%s]> : tensor<%dxindex>}"
                                   " : () -> !tosa.shape<%d>%s" % (
                                       name, ", ".join(str(int(d)) for d in dims), len(dims),
                                       len(dims), self._loc()))
        return Operand(name, "!tosa.shape<%d>" % len(dims))

    def _shared(self, make):
        """A constant that many ops read: it belongs to no one node."""
        location, self.location = self.location, None
        try:
            return make()
        finally:
            self.location = location

    def shared_const(self, key, array, element="f32", hint="c"):
        """A constant emitted once per function under `key`, belonging to no
        op's location (many ops read it)."""
        if key not in self.cache:
            self.cache[key] = self._shared(lambda: self.const(array, element, hint=hint))
        return self.cache[key]

    def zero_point(self):
        """The f32 zero point that conv2d, depthwise_conv2d, avg_pool2d and
        negate take (one per function)."""
        return self.shared_const("zp", np.zeros([1], np.float32), hint="zp")

    def shift(self):
        """The i8 shift that tosa.mul takes (one per function)."""
        return self.shared_const("shift", np.zeros([1], np.int8), "i8", hint="shift")

    def int_zero_point(self, value, element):
        """An integer zero point operand of `element` (one per value and
        type in the function)."""
        return self.shared_const(("zp", element, int(value)), np.full([1], int(value)), element,
                                 hint="zp")

    def rescale(self, x, multipliers, shifts, input_zp, output_zp, shape, out_element,
                double_round=False, *, in_element, hint="rq"):
        """tosa.rescale of `x`, of `in_element`, (per channel, along the last
        axis, when there are several multipliers). An unsigned (ui8) input or
        output is flagged as such."""
        operands = [x, self.const(np.array(multipliers, np.int64), "i32", "mult"),
                    self.const(np.array(shifts, np.int64), "i8", "shift"),
                    self.int_zero_point(input_zp, in_element),
                    self.int_zero_point(output_zp, out_element)]
        attrs = ("input_unsigned = %s, output_unsigned = %s, per_channel = %s, "
                 "rounding_mode = #tosa.rounding_mode<%s>, scale32 = true"
                 % ("true" if in_element == "ui8" else "false",
                    "true" if out_element == "ui8" else "false",
                    "true" if len(multipliers) > 1 else "false",
                    "DOUBLE_ROUND" if double_round else "SINGLE_ROUND"))
        return self.op("rescale", operands, attrs, shape, hint,
                       result_type=tensor_type(shape, out_element))

    # -- ops whose operand lists TOSA fixes ------------------------------------
    def mul(self, a, b, shape, hint="mul"):
        return self.op("mul", [a, b, self.shift()], "", shape, hint)

    def negate(self, x, shape, hint="neg"):
        zp = self.zero_point()
        return self.op("negate", [x, zp, zp], "", shape, hint)

    def conv2d(self, x, weight, bias, attrs, shape, hint="conv", depthwise=False):
        zp = self.zero_point()
        return self.op("depthwise_conv2d" if depthwise else "conv2d",
                       [x, weight, bias, zp, zp], attrs, shape, hint)

    def avg_pool2d(self, x, attrs, shape, hint="pool"):
        zp = self.zero_point()
        return self.op("avg_pool2d", [x, zp, zp], attrs, shape, hint)


def render_function(name, arguments, results, body_lines, argument_attrs=None,
                    result_attrs=None):
    """`func.func @name(arguments) -> (results)` around `body_lines`;
    arguments and results have `name` and `type`. `argument_attrs` and
    `result_attrs`: an attribute dictionary's text (or None) per argument and
    per result."""
    def with_attrs(text, attrs):
        return text + (" {%s}" % attrs if attrs else "")
    argument_attrs = argument_attrs or [None] * len(arguments)
    result_attrs = result_attrs or [None] * len(results)
    args = ", ".join(with_attrs("%s: %s" % _name_and_type(a), attrs)
                     for a, attrs in zip(arguments, argument_attrs))
    result_types = ", ".join(_name_and_type(r)[1] for r in results)
    signature_results = ", ".join(with_attrs(_name_and_type(r)[1], attrs)
                                  for r, attrs in zip(results, result_attrs))
    lines = ["func.func @%s(%s) -> (%s) {" % (name, args, signature_results)]
    lines += body_lines
    lines.append("  return %s : %s" % (", ".join(_name_and_type(r)[0] for r in results),
                                       result_types))
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_text(path, text):
    """Emitted text (or bytes) to the file `path` (whole or not at all:
    through a temporary file beside it), or to stdout for "-"."""
    binary = isinstance(text, (bytes, bytearray))
    if path == "-":
        (sys.stdout.buffer if binary else sys.stdout).write(text)
        return
    temporary = "%s.%d.tmp" % (path, os.getpid())
    try:
        with open(temporary, "wb" if binary else "w") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
