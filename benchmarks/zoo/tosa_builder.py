"""Builds the zoo's TOSA functions layer by layer, in the order they are built.

The order in which a model calls the builder is the order of the ops in the
emitted function: the model-definition ("TFLite") order that Serenity's
schedules are compared with. The TOSA text itself comes from serenity.tosa,
the emitter the ONNX importer uses too; this file knows layers and weights.
"""

import os
import sys

import numpy as np

# serenity.tosa from the source tree: it needs numpy only, not the build.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "python-bindings"))
from serenity import tosa  # noqa: E402

F32_MAX = tosa.F32_MAX


class Value:
    def __init__(self, name, shape, element="f32"):
        self.name = name
        self.shape = tuple(shape)
        self.element = element

    @property
    def type(self):
        return tosa.tensor_type(self.shape, self.element)


class TosaBuilder:
    """Builds one func.func. Weights are constants: random normal values from
    a seeded generator (non-splat), or splats when `splat_weights` is set to
    keep files small."""

    def __init__(self, name, seed=0, splat_weights=False):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.splat_weights = splat_weights
        self.arguments = []
        self.emit = tosa.Emitter(constants_first=True)
        self.op_counts = {}

    # -- values ------------------------------------------------------------
    # The element type of activations (Int8TosaBuilder: i8).
    element = "f32"

    def argument(self, shape):
        value = Value("%arg" + str(len(self.arguments)), shape, self.element)
        self.arguments.append(value)
        return value

    def _constant(self, shape, scale=0.1):
        """Random weights of the given scale; zeros when scale is 0."""
        if self.splat_weights or scale == 0.0:
            data = np.full(shape, scale, np.float32)
        else:
            data = (self.rng.standard_normal(int(np.prod(shape))) * scale).astype(
                np.float32).reshape(shape)
        return self.emit.const(data, hint="w")

    def _op(self, op, operands, attrs, shape, hint, element=None):
        element = element or self.element
        self.op_counts[op] = self.op_counts.get(op, 0) + 1
        return Value(self.emit.op(op, operands, attrs, shape, hint,
                                  result_type=tosa.tensor_type(shape, element)),
                     shape, element)

    # -- ops -----------------------------------------------------------------
    def relu(self, x):
        return self._op("clamp", [x], tosa.clamp_attrs(0.0, F32_MAX), x.shape, "relu")

    def add(self, a, b):
        return self._op("add", [a, b], "", a.shape, "add")

    def mul(self, a, b):
        return self._op("mul", [a, b, self.emit.shift()], "", a.shape, "mul")

    def scalar(self, value, rank):
        shape = (1,) * rank
        return Value(self.emit.const(np.full(shape, value, np.float32)).name, shape)

    def _window(self, x, kernel, stride, pad, dilation=1):
        """The exact-fit pads and the output height and width of a kernel
        sliding over x (NHWC)."""
        pad = tosa.fit_pads(x.shape[1], x.shape[2], kernel, stride, pad, dilation)
        (kh, kw), (sh, sw) = tosa.pair(kernel), tosa.pair(stride)
        return pad, (tosa.window_output(x.shape[1], kh, sh, pad[0], pad[1], dilation),
                     tosa.window_output(x.shape[2], kw, sw, pad[2], pad[3], dilation))

    def _conv_window(self, x, kernel, stride, pad, dilation):
        """A convolution's pads (default: half the kernel) and output shape."""
        kh, kw = kernel
        if pad is None:
            pad = (kh // 2, kh // 2, kw // 2, kw // 2)
        return self._window(x, kernel, stride, pad, dilation)

    def _depthwise_window(self, x, kernel, stride, pad, dilation):
        """A depthwise convolution's pads (default: same size) and output
        shape."""
        if pad is None:
            p = dilation * (kernel - 1) // 2
            pad = (p, p, p, p)
        return self._window(x, (kernel, kernel), stride, pad, dilation)

    def conv(self, x, out_channels, kernel=(1, 1), stride=1, pad=None, dilation=1,
             bias=True):
        kh, kw = kernel
        pad, (oh, ow) = self._conv_window(x, kernel, stride, pad, dilation)
        fan_in = kh * kw * x.shape[3]
        weight = self._constant((out_channels, kh, kw, x.shape[3]),
                                scale=(2.0 / fan_in) ** 0.5)
        b = self._constant((out_channels,), scale=0.01 if bias else 0.0)
        zp = self.emit.zero_point()
        return self._op("conv2d", [x, weight, b, zp, zp],
                        tosa.window_attrs(stride, pad, dilation),
                        (x.shape[0], oh, ow, out_channels), "conv")

    def depthwise(self, x, kernel=3, stride=1, dilation=1, multiplier=1, pad=None,
                  bias=True):
        c = x.shape[3]
        pad, (oh, ow) = self._depthwise_window(x, kernel, stride, pad, dilation)
        weight = self._constant((kernel, kernel, c, multiplier),
                                scale=(2.0 / (kernel * kernel)) ** 0.5)
        b = self._constant((c * multiplier,), scale=0.01 if bias else 0.0)
        zp = self.emit.zero_point()
        return self._op("depthwise_conv2d", [x, weight, b, zp, zp],
                        tosa.window_attrs(stride, pad, dilation),
                        (x.shape[0], oh, ow, c * multiplier), "dw")

    def _pool(self, op, x, kernel, stride, pad, operands, hint):
        pads, (oh, ow) = self._window(x, kernel, stride, (pad, pad, pad, pad))
        attrs = tosa.window_attrs(stride, pads, kernel=kernel,
                                  accumulate=op == "avg_pool2d")
        return self._op(op, [x] + operands, attrs, (x.shape[0], oh, ow, x.shape[3]), hint)

    def max_pool(self, x, kernel=3, stride=1, pad=1):
        return self._pool("max_pool2d", x, (kernel, kernel), stride, pad, [], "maxpool")

    def avg_pool(self, x, kernel=3, stride=1, pad=1):
        zp = self.emit.zero_point()
        return self._pool("avg_pool2d", x, (kernel, kernel), stride, pad, [zp, zp], "avgpool")

    def global_avg_pool(self, x):
        zp = self.emit.zero_point()
        return self._pool("avg_pool2d", x, (x.shape[1], x.shape[2]), 1, 0, [zp, zp], "gap")

    def concat(self, values, axis=3):
        shape = list(values[0].shape)
        shape[axis] = sum(v.shape[axis] for v in values)
        return self._op("concat", values, "axis = %d : i32" % axis, shape, "cat")

    def slice(self, x, start, size):
        return self._op("slice", [x, self.emit.const_shape(start), self.emit.const_shape(size)],
                        "", size, "slice")

    # -- output --------------------------------------------------------------
    def render(self, results):
        return tosa.render_function(self.name, self.arguments, results, self.emit.body())
