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

import sys

import numpy as np

F32_MAX = 3.4028234663852886e38


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
    dtype = {"f32": "<f4", "i8": "i1", "i32": "<i4"}[element]
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


def fit_pads(height, width, kernel, stride, pad, dilation=1):
    """TOSA wants every strided window to fit exactly: the pads (top, bottom,
    left, right) without the trailing padding that no window reaches (the
    output size stays PyTorch's floor). Raises ValueError where that would
    need negative padding, i.e. the input itself has rows or columns that no
    window reads (slice them off first)."""
    pad = list(pad)
    for axis, (size, k, s) in enumerate(zip((height, width), pair(kernel), pair(stride))):
        extra = (size + pad[2 * axis] + pad[2 * axis + 1] - dilation * (k - 1) - 1) % s
        if extra > pad[2 * axis + 1]:
            raise ValueError("a %dx%d stride-%d window leaves %d trailing input %s of %d unread"
                             % (pair(kernel)[0], pair(kernel)[1], s, extra - pad[2 * axis + 1],
                                "rows" if axis == 0 else "columns", size))
        pad[2 * axis + 1] -= extra
    return tuple(pad)


def window_attrs(stride, pad, dilation=None, kernel=None, accumulate=True):
    """The attributes of conv2d, depthwise_conv2d and the pools."""
    attrs = ["acc_type = f32"] if accumulate else []
    if dilation is not None:
        attrs.append("dilation = array<i64: %d, %d>" % pair(dilation))
    if kernel is not None:
        attrs.append("kernel = array<i64: %d, %d>" % tuple(kernel))
    attrs.append("pad = array<i64: %d, %d, %d, %d>" % tuple(pad))
    attrs.append("stride = array<i64: %d, %d>" % pair(stride))
    return ", ".join(attrs)


def clamp_attrs(low, high):
    return "max_val = %s : f32, min_val = %s : f32" % (float_literal(high), float_literal(low))


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

    def body(self):
        """Every line, constants first when asked."""
        if self.constant_lines is self.lines:
            return list(self.lines)
        return self.constant_lines + self.lines

    def fresh(self, hint="v"):
        self.counter += 1
        return "%%%s%d" % (hint, self.counter)

    def op(self, name, operands, attrs, shape, hint="v", result_type=None):
        """`"tosa.<name>"(operands) <{attrs}>`, its result of `shape`."""
        result = self.fresh(hint)
        pairs = [_name_and_type(o) for o in operands]
        properties = " <{%s}>" % attrs if attrs else ""
        self.lines.append('  %s = "tosa.%s"(%s)%s : (%s) -> %s' % (
            result, name, ", ".join(n for n, _ in pairs), properties,
            ", ".join(t for _, t in pairs), result_type or tensor_type(shape)))
        return result

    def const(self, array, element="f32", hint="c"):
        """A `tosa.const` of `array`'s values and shape."""
        array = np.asarray(array, dtype=np.float32 if element == "f32" else None)
        name = self.fresh(hint)
        type_ = tensor_type(array.shape, element)
        self.constant_lines.append('  %s = "tosa.const"() <{values = %s : %s}> : () -> %s' % (
            name, dense_literal(array, element), type_, type_))
        return Operand(name, type_)

    def const_shape(self, dims):
        """A `tosa.const_shape` (the start and size of a slice, ...)."""
        name = self.fresh("s")
        self.constant_lines.append("  %s = tosa.const_shape {values = dense<[%s]> : tensor<%dxindex>}"
                          " : () -> !tosa.shape<%d>" % (
                              name, ", ".join(str(int(d)) for d in dims), len(dims), len(dims)))
        return Operand(name, "!tosa.shape<%d>" % len(dims))

    def zero_point(self):
        """The f32 zero point that conv2d, depthwise_conv2d, avg_pool2d and
        negate take (one per function)."""
        if "zp" not in self.cache:
            self.cache["zp"] = self.const(np.zeros([1], np.float32), hint="zp")
        return self.cache["zp"]

    def shift(self):
        """The i8 shift that tosa.mul takes (one per function)."""
        if "shift" not in self.cache:
            self.cache["shift"] = self.const(np.zeros([1], np.int8), "i8", hint="shift")
        return self.cache["shift"]

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

    def slice(self, x, start, size, hint="slice"):
        return self.op("slice", [x, self.const_shape(start), self.const_shape(size)], "",
                       size, hint)


def render_function(name, arguments, results, body_lines):
    """`func.func @name(arguments) -> (results)` around `body_lines`;
    arguments and results have `name` and `type`."""
    args = ", ".join("%s: %s" % _name_and_type(a) for a in arguments)
    result_types = ", ".join(_name_and_type(r)[1] for r in results)
    lines = ["func.func @%s(%s) -> (%s) {" % (name, args, result_types)]
    lines += body_lines
    lines.append("  return %s : %s" % (", ".join(_name_and_type(r)[0] for r in results),
                                       result_types))
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_text(path, text):
    """Emitted text to the file `path`, or to stdout for "-"."""
    if path == "-":
        sys.stdout.write(text)
        return
    with open(path, "w") as f:
        f.write(text)
