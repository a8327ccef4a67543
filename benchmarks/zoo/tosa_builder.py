"""Emits TOSA functions (MLIR 22 syntax) op by op, in the order they are built.

The order in which a model calls the builder is the order of the ops in the
emitted function: the model-definition ("TFLite") order that Serenity's
schedules are compared with.
"""

import struct

import numpy as np

F32_MAX = 3.4028234663852886e38


def tensor_type(shape, element="f32"):
    return "tensor<" + "x".join(str(d) for d in shape) + "x" + element + ">"


class Value:
    def __init__(self, name, shape):
        self.name = name
        self.shape = tuple(shape)

    @property
    def type(self):
        return tensor_type(self.shape)


class TosaBuilder:
    """Builds one func.func. Weights are constants: random normal values from
    a seeded generator (non-splat), or splats when `splat_weights` is set to
    keep files small."""

    def __init__(self, name, seed=0, splat_weights=False):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.splat_weights = splat_weights
        self.arguments = []
        self.constants = []
        self.ops = []
        self.counter = 0
        self.zero_point = None
        self.op_counts = {}

    # -- values ------------------------------------------------------------
    def _fresh(self, hint):
        self.counter += 1
        return "%" + hint + str(self.counter)

    def argument(self, shape):
        value = Value("%arg" + str(len(self.arguments)), shape)
        self.arguments.append(value)
        return value

    def _constant(self, shape, scale=0.1):
        """Random weights of the given scale; zeros when scale is 0."""
        value = Value(self._fresh("w"), shape)
        if self.splat_weights or scale == 0.0:
            literal = "dense<%s>" % repr(float(np.float32(scale)))
        else:
            data = (self.rng.standard_normal(int(np.prod(shape))) * scale).astype(
                "<f4"
            )
            literal = 'dense<"0x%s">' % data.tobytes().hex().upper()
        self.constants.append(
            '  %s = "tosa.const"() <{values = %s : %s}> : () -> %s'
            % (value.name, literal, value.type, value.type)
        )
        return value

    def _zp(self):
        if self.zero_point is None:
            self.zero_point = Value(self._fresh("zp"), (1,))
            self.constants.append(
                '  %s = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}>'
                " : () -> tensor<1xf32>" % self.zero_point.name
            )
        return self.zero_point

    def _shape_constant(self, values):
        name = self._fresh("s")
        self.constants.append(
            "  %s = tosa.const_shape {values = dense<[%s]> : tensor<%dxindex>}"
            " : () -> !tosa.shape<%d>"
            % (name, ", ".join(str(v) for v in values), len(values), len(values))
        )
        return name

    def _emit(self, op, operands, attrs, shape, hint="v"):
        result = Value(self._fresh(hint), shape)
        operand_types = ", ".join(o.type for o in operands)
        operand_names = ", ".join(o.name for o in operands)
        self.ops.append(
            '  %s = "tosa.%s"(%s) {%s} : (%s) -> %s'
            % (result.name, op, operand_names, attrs, operand_types, result.type)
        )
        self.op_counts[op] = self.op_counts.get(op, 0) + 1
        return result

    # -- ops -----------------------------------------------------------------
    def relu(self, x):
        attrs = "max_val = %r : f32, min_val = 0.0 : f32" % F32_MAX
        return self._emit("clamp", [x], attrs, x.shape, "relu")

    def add(self, a, b):
        return self._emit("add", [a, b], "", a.shape, "add")

    def mul(self, a, b):
        return self._emit("mul", [a, b, self._shift()], "", a.shape, "mul")

    def _shift(self):
        if not hasattr(self, "_shift_name"):
            self._shift_name = self._fresh("shift")
            self.constants.append(
                '  %s = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>'
                " : () -> tensor<1xi8>" % self._shift_name
            )
        return _Typed(self._shift_name, "tensor<1xi8>")

    def scalar(self, value, rank):
        shape = (1,) * rank
        name = self._fresh("c")
        self.constants.append(
            '  %s = "tosa.const"() <{values = dense<%r> : %s}> : () -> %s'
            % (name, float(value), tensor_type(shape), tensor_type(shape))
        )
        return Value(name, shape)

    @staticmethod
    def _out_size(size, kernel, stride, pad_before, pad_after, dilation=1):
        return (size + pad_before + pad_after - dilation * (kernel - 1) - 1) // stride + 1

    @classmethod
    def _window(cls, x, kernel, stride, pad, dilation=1):
        """Output height and width of a kernel sliding over x (NHWC); stride is
        one number or a (height, width) pair."""
        kh, kw = kernel
        sh, sw = _pair(stride)
        return (cls._out_size(x.shape[1], kh, sh, pad[0], pad[1], dilation),
                cls._out_size(x.shape[2], kw, sw, pad[2], pad[3], dilation))

    @staticmethod
    def _fit_pads(x, kernel, stride, pad, dilation=1):
        """TOSA wants every strided window to fit exactly; like PyTorch's
        floor, drop the trailing padding that no window reaches."""
        pad = list(pad)
        for axis, (k, s) in enumerate(zip(kernel, _pair(stride))):
            size = x.shape[1 + axis]
            extra = (size + pad[2 * axis] + pad[2 * axis + 1] - dilation * (k - 1) - 1) % s
            if extra > pad[2 * axis + 1]:
                raise ValueError("a stride-%d window does not fit size %d" % (s, size))
            pad[2 * axis + 1] -= extra
        return tuple(pad)

    @staticmethod
    def _window_attrs(stride, pad, dilation=None, kernel=None, accumulate=True):
        attrs = ["acc_type = f32"] if accumulate else []
        if dilation is not None:
            attrs.append("dilation = array<i64: %d, %d>" % (dilation, dilation))
        if kernel is not None:
            attrs.append("kernel = array<i64: %d, %d>" % tuple(kernel))
        attrs.append("pad = array<i64: %d, %d, %d, %d>" % tuple(pad))
        attrs.append("stride = array<i64: %d, %d>" % _pair(stride))
        return ", ".join(attrs)

    def conv(self, x, out_channels, kernel=(1, 1), stride=1, pad=None, dilation=1,
             bias=True):
        kh, kw = kernel
        if pad is None:
            pad = (kh // 2, kh // 2, kw // 2, kw // 2)
        pad = self._fit_pads(x, kernel, stride, pad, dilation)
        fan_in = kh * kw * x.shape[3]
        weight = self._constant((out_channels, kh, kw, x.shape[3]),
                                scale=(2.0 / fan_in) ** 0.5)
        b = self._constant((out_channels,), scale=0.01 if bias else 0.0)
        zp = self._zp()
        oh, ow = self._window(x, kernel, stride, pad, dilation)
        return self._emit("conv2d", [x, weight, b, zp, zp],
                          self._window_attrs(stride, pad, dilation),
                          (x.shape[0], oh, ow, out_channels), "conv")

    def depthwise(self, x, kernel=3, stride=1, dilation=1, multiplier=1, pad=None,
                  bias=True):
        c = x.shape[3]
        if pad is None:
            p = dilation * (kernel - 1) // 2
            pad = (p, p, p, p)
        pad = self._fit_pads(x, (kernel, kernel), stride, pad, dilation)
        weight = self._constant((kernel, kernel, c, multiplier),
                                scale=(2.0 / (kernel * kernel)) ** 0.5)
        b = self._constant((c * multiplier,), scale=0.01 if bias else 0.0)
        zp = self._zp()
        oh, ow = self._window(x, (kernel, kernel), stride, pad, dilation)
        return self._emit("depthwise_conv2d", [x, weight, b, zp, zp],
                          self._window_attrs(stride, pad, dilation),
                          (x.shape[0], oh, ow, c * multiplier), "dw")

    def _pool(self, op, x, kernel, stride, pad, operands, hint):
        pads = self._fit_pads(x, kernel, stride, (pad, pad, pad, pad))
        oh, ow = self._window(x, kernel, stride, pads)
        attrs = self._window_attrs(stride, pads, kernel=kernel,
                                   accumulate=op == "avg_pool2d")
        return self._emit(op, [x] + operands, attrs, (x.shape[0], oh, ow, x.shape[3]), hint)

    def max_pool(self, x, kernel=3, stride=1, pad=1):
        return self._pool("max_pool2d", x, (kernel, kernel), stride, pad, [], "maxpool")

    def avg_pool(self, x, kernel=3, stride=1, pad=1):
        zp = self._zp()
        return self._pool("avg_pool2d", x, (kernel, kernel), stride, pad, [zp, zp], "avgpool")

    def global_avg_pool(self, x):
        zp = self._zp()
        return self._pool("avg_pool2d", x, (x.shape[1], x.shape[2]), 1, 0, [zp, zp], "gap")

    def concat(self, values, axis=3):
        shape = list(values[0].shape)
        shape[axis] = sum(v.shape[axis] for v in values)
        return self._emit("concat", values, "axis = %d : i32" % axis, shape, "cat")

    def slice(self, x, start, size):
        start_name = self._shape_constant(start)
        size_name = self._shape_constant(size)
        shape_type = "!tosa.shape<%d>" % len(start)
        return self._emit("slice", [x, _Typed(start_name, shape_type),
                                    _Typed(size_name, shape_type)], "", size, "slice")

    # -- output --------------------------------------------------------------
    def render(self, results):
        args = ", ".join("%s: %s" % (a.name, a.type) for a in self.arguments)
        result_types = ", ".join(r.type for r in results)
        lines = ["func.func @%s(%s) -> (%s) {" % (self.name, args, result_types)]
        lines += self.constants
        lines += self.ops
        lines.append("  return %s : %s" % (", ".join(r.name for r in results), result_types))
        lines.append("}")
        return "\n".join(lines) + "\n"


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


class _Typed:
    """An SSA name with an explicit type, for non-tensor operands."""

    def __init__(self, name, type_):
        self.name = name
        self.type = type_
