"""The zoo as int8 TensorFlow Lite models (`generate.py --dtype tflite`):
the same graphs as the TOSA builders, written with serenity.tflite.writer,
for stock TFLite Micro.

Every activation shares one quantization (ACTIVATION), so that ADD,
CONCATENATION and the pools take their inputs as TFLite Micro requires;
convolutions have random symmetric int8 weights, per output channel, whose
scale keeps the maps' spread, and int32 biases of zero. RELU, MUL by a
scalar and the pools are TFLite ops of their own.
"""

import numpy as np

from serenity.tflite.writer import TensorSpec, write_model

# One scale and zero point for every activation.
ACTIVATION = (0.05, 0)


class Value:
    def __init__(self, index, shape):
        self.index = index
        self.shape = tuple(shape)


class TfliteBuilder:
    element = "i8"

    def __init__(self, name, seed=0, splat_weights=False):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.splat_weights = splat_weights
        self.tensors = []
        self.operators = []
        self.arguments = []
        self.op_counts = {}

    def _tensor(self, spec):
        self.tensors.append(spec)
        return len(self.tensors) - 1

    def _activation(self, shape, name):
        scale, zero_point = ACTIVATION
        return Value(self._tensor(TensorSpec("%s_%d" % (name, len(self.tensors)), list(shape),
                                             "i8", scales=[scale], zero_points=[zero_point])),
                     shape)

    def _op(self, opcode, inputs, shape, options=None, name=None):
        self.op_counts[opcode] = self.op_counts.get(opcode, 0) + 1
        out = self._activation(shape, name or opcode.lower())
        self.operators.append((opcode, inputs, [out.index], options or {}))
        return out

    def argument(self, shape):
        value = self._activation(shape, "input")
        self.arguments.append(value.index)
        return value

    def _weights(self, shape, fan_in, channel_axis):
        """Random int8 weights, per-channel scales keeping the output's
        spread near the input's."""
        channels = shape[channel_axis]
        if self.splat_weights:
            values = np.full(shape, 64, np.int8)
        else:
            values = self.rng.integers(-127, 128, shape).astype(np.int8)
        scale = 1.5 / (127.0 * np.sqrt(fan_in))
        scales = [float(scale)] * channels
        return values, scales

    @staticmethod
    def _padding(pad, kernel, dilation=1):
        """TFLite's padding for the TOSA builders' explicit pads: none is
        VALID, half the (dilated) kernel SAME."""
        kh, kw = kernel if isinstance(kernel, tuple) else (kernel, kernel)
        if pad is None:
            return "SAME"
        pad = tuple(pad) if isinstance(pad, (tuple, list)) else (pad,) * 4
        if not any(pad):
            return "VALID"
        same = (dilation * (kh - 1) // 2,) * 2 + (dilation * (kw - 1) // 2,) * 2
        if pad == same:
            return "SAME"
        raise ValueError("TFLite pads SAME or VALID, not %s" % (pad,))

    @staticmethod
    def _output(size, kernel, stride, padding, dilation=1):
        if padding == "SAME":
            return -(-size // stride)
        return (size - dilation * (kernel - 1) - 1) // stride + 1

    def _window_op(self, opcode, x, weights, scales, out_channels, kernel, stride, padding,
                   dilation, options):
        kh, kw = kernel
        shape = (x.shape[0], self._output(x.shape[1], kh, stride, padding, dilation),
                 self._output(x.shape[2], kw, stride, padding, dilation), out_channels)
        input_scale = ACTIVATION[0]
        w = self._tensor(TensorSpec("w_%d" % len(self.tensors), list(weights.shape), "i8",
                                    weights, scales=scales, zero_points=[0] * len(scales),
                                    axis=3 if opcode == "DEPTHWISE_CONV_2D" else 0))
        b = self._tensor(TensorSpec("b_%d" % len(self.tensors), [out_channels], "i32",
                                    np.zeros(out_channels, np.int64),
                                    scales=[input_scale * s for s in scales],
                                    zero_points=[0] * out_channels))
        options = dict(options, padding=padding, stride=(stride, stride),
                       dilation=(dilation, dilation))
        return self._op(opcode, [x.index, w, b], shape, options)

    def conv(self, x, out_channels, kernel=(1, 1), stride=1, pad=None, dilation=1, bias=True):
        kh, kw = kernel
        padding = self._padding(pad, kernel, dilation)
        fan_in = kh * kw * x.shape[3]
        weights, scales = self._weights((out_channels, kh, kw, x.shape[3]), fan_in, 0)
        return self._window_op("CONV_2D", x, weights, scales, out_channels, kernel, stride,
                               padding, dilation, {})

    def depthwise(self, x, kernel=3, stride=1, dilation=1, multiplier=1, pad=None, bias=True):
        padding = self._padding(pad, kernel, dilation)
        channels = x.shape[3] * multiplier
        weights, scales = self._weights((1, kernel, kernel, channels), kernel * kernel, 3)
        return self._window_op("DEPTHWISE_CONV_2D", x, weights, scales, channels,
                               (kernel, kernel), stride, padding, dilation,
                               {"depth_multiplier": multiplier})

    def relu(self, x):
        return self._op("RELU", [x.index], x.shape)

    def add(self, a, b):
        return self._op("ADD", [a.index, b.index], a.shape)

    def scalar(self, value, rank):
        """A constant of one value, quantized int8 (scale value / 100)."""
        scale = abs(value) / 100.0
        index = self._tensor(TensorSpec("scalar_%d" % len(self.tensors), [1] * rank, "i8",
                                        np.full([1] * rank, 100 if value > 0 else -100, np.int8),
                                        scales=[scale], zero_points=[0]))
        return Value(index, (1,) * rank)

    def mul(self, a, b):
        return self._op("MUL", [a.index, b.index], a.shape)

    def _pool(self, opcode, x, kernel, stride, pad):
        padding = "VALID" if pad == 0 else self._padding(pad, kernel)
        shape = (x.shape[0], self._output(x.shape[1], kernel[0], stride, padding),
                 self._output(x.shape[2], kernel[1], stride, padding), x.shape[3])
        return self._op(opcode, [x.index], shape,
                        {"padding": padding, "stride": (stride, stride), "filter": kernel})

    def max_pool(self, x, kernel=3, stride=1, pad=1):
        return self._pool("MAX_POOL_2D", x, (kernel, kernel), stride, pad)

    def avg_pool(self, x, kernel=3, stride=1, pad=1):
        return self._pool("AVERAGE_POOL_2D", x, (kernel, kernel), stride, pad)

    def global_avg_pool(self, x):
        return self._pool("AVERAGE_POOL_2D", x, (x.shape[1], x.shape[2]), 1, 0)

    def concat(self, values, axis=3):
        shape = list(values[0].shape)
        shape[axis] = sum(v.shape[axis] for v in values)
        return self._op("CONCATENATION", [v.index for v in values], shape, {"axis": axis})

    def slice(self, x, start, size):
        raise ValueError("the TFLite zoo builder has no slices yet (reduction cells)")

    def render(self, results):
        return write_model(self.tensors, self.operators, self.arguments,
                           [r.index for r in results], self.name)
