#!/usr/bin/env python3
"""A TOSA function of padded window ops, each reading the input: the padding
and stride combinations the zoo and torchvision use (for
--serenity-pad-free-windows' execution test).

    padded_windows.py --dtype f32|int8 -o OUT.mlir

Convolutions 3x3 stride 1 and 2 (PyTorch's top-left pads and TFLite's
bottom-right SAME pads), 5x5 pad 2, 7x7 stride 2 pad 3 (ResNet's stem);
depthwise 3x3 stride 1 and 2, dilated 3x3 (pad 2), 5x5 stride 2, with a
channel multiplier of 2; average pools 3x3 stride 1 pad 1 and stride 2
bottom-right pads; max pools 3x3 stride 2 top-left pads and stride 1 pad 1;
and a depthwise convolution and pools of 13x13 windows over the 12x12 map
(pad 6), no window of which lies inside it (run channel by channel); and
explicit tosa.pad ops (an ONNX Pad before an average pool, as torchvision's
Inception-v3 exports) read by ops of no padding of their own: one pad by an
average pool, a max pool and a 3x3 convolution, another by a stride-2
depthwise convolution. In int8
the input has a zero point (-3), which a padded convolution pads with; each
i32 result is returned as it is (no requantization: the accumulators
themselves are compared).
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python-bindings"))
from serenity import tosa  # noqa: E402

SIZE, CHANNELS = 12, 4
# (kind, kernel, stride, pad [top, bottom, left, right], dilation); TOSA
# wants each window count exact, so on an even map a stride-2 window pads one
# side less (as the ONNX importer trims it).
CONVOLUTIONS = [("conv2d", 3, 1, [1, 1, 1, 1], 1), ("conv2d", 3, 2, [1, 0, 1, 0], 1),
                ("conv2d", 3, 2, [0, 1, 0, 1], 1), ("conv2d", 5, 1, [2, 2, 2, 2], 1),
                ("conv2d", 7, 2, [3, 2, 3, 2], 1),
                ("depthwise_conv2d", 3, 1, [1, 1, 1, 1], 1),
                ("depthwise_conv2d", 3, 2, [1, 0, 1, 0], 1),
                ("depthwise_conv2d", 3, 1, [2, 2, 2, 2], 2),
                ("depthwise_conv2d", 5, 2, [2, 1, 2, 1], 1),
                ("depthwise_conv2d", 13, 1, [6, 6, 6, 6], 1)]
POOLS = [("avg_pool2d", 3, 1, [1, 1, 1, 1]), ("avg_pool2d", 3, 2, [0, 1, 0, 1]),
         ("max_pool2d", 3, 2, [1, 0, 1, 0]), ("max_pool2d", 3, 1, [1, 1, 1, 1]),
         ("avg_pool2d", 13, 1, [6, 6, 6, 6]), ("max_pool2d", 13, 1, [6, 6, 6, 6])]
# Explicit pads [top, bottom, left, right] and their readers (kind, kernel,
# stride), each of no padding of its own.
EXPLICIT = [([1, 1, 1, 1], [("avg_pool2d", 3, 1), ("max_pool2d", 3, 1), ("conv2d", 3, 1)]),
            ([1, 0, 1, 0], [("depthwise_conv2d", 3, 2)])]
ZERO_POINT = -3


def emit_convolution(emit, rng, kind, source, source_shape, k, s, pad, d, multiplier,
                     quantized):
    """A (depthwise) convolution of `source` (NHWC, of `source_shape`) with
    random weights; its accumulator result."""
    _, height, _, channels_in = source_shape
    out = (height + pad[0] + pad[1] - (d * (k - 1) + 1)) // s + 1
    depthwise = kind == "depthwise_conv2d"
    channels = channels_in * multiplier if depthwise else 6
    shape = [k, k, channels_in, multiplier] if depthwise else [channels, k, k, channels_in]
    acc = "i32" if quantized else "f32"
    if quantized:
        weight = emit.const(rng.integers(-127, 128, shape), "i8", "w")
        bias = emit.const(rng.integers(-500, 500, [channels]), "i32", "b")
        zps = [emit.int_zero_point(ZERO_POINT, "i8"), emit.int_zero_point(0, "i8")]
    else:
        weight = emit.const(rng.standard_normal(shape).astype(np.float32), "f32", "w")
        bias = emit.const(rng.standard_normal([channels]).astype(np.float32), "f32", "b")
        zps = [emit.zero_point()] * 2
    result = tosa.tensor_type([1, out, out, channels], acc)
    name = emit.op(kind, [source, weight, bias] + zps, tosa.window_attrs(s, pad, d, acc_type=acc),
                   [1, out, out, channels], kind, result_type=result)
    return tosa.Operand(name, result)


def emit_pool(emit, kind, source, source_shape, k, s, pad, quantized):
    """A max or average pool of `source` (NHWC, of `source_shape`); its
    result."""
    _, height, _, channels = source_shape
    out = (height + pad[0] + pad[1] - k) // s + 1
    shape = [1, out, out, channels]
    element = "i8" if quantized else "f32"
    if kind == "max_pool2d":
        attrs = tosa.window_attrs(s, pad, kernel=(k, k), accumulate=False)
        name = emit.op(kind, [source], attrs, shape, "max",
                       result_type=tosa.tensor_type(shape, element))
    else:
        zp = (emit.int_zero_point(ZERO_POINT, "i8") if quantized else emit.zero_point())
        attrs = tosa.window_attrs(s, pad, kernel=(k, k), acc_type="i32" if quantized else "f32")
        name = emit.op(kind, [source, zp, zp], attrs, shape, "avg",
                       result_type=tosa.tensor_type(shape, element))
    return tosa.Operand(name, tosa.tensor_type(shape, element))


def build(dtype):
    rng = np.random.default_rng(0)
    emit = tosa.Emitter()
    quantized = dtype == "int8"
    element = "i8" if quantized else "f32"
    shape = [1, SIZE, SIZE, CHANNELS]
    x = tosa.Operand("%arg0", tosa.tensor_type(shape, element))
    results = [emit_convolution(emit, rng, kind, x, shape, k, s, pad, d, 2, quantized)
               for kind, k, s, pad, d in CONVOLUTIONS]
    results += [emit_pool(emit, kind, x, shape, k, s, pad, quantized)
                for kind, k, s, pad in POOLS]
    for pad, readers in EXPLICIT:
        padded_shape = [1, SIZE + pad[0] + pad[1], SIZE + pad[2] + pad[3], CHANNELS]
        value = (emit.int_zero_point(ZERO_POINT, "i8") if quantized else emit.zero_point())
        padded = emit.op("pad", [x, emit.const_shape([0, 0] + pad + [0, 0]), value], "",
                         padded_shape, "pad", result_type=tosa.tensor_type(padded_shape, element))
        source = tosa.Operand(padded, tosa.tensor_type(padded_shape, element))
        for kind, k, s in readers:
            if kind in ("conv2d", "depthwise_conv2d"):
                results.append(emit_convolution(emit, rng, kind, source, padded_shape, k, s,
                                                [0, 0, 0, 0], 1, 1, quantized))
            else:
                results.append(emit_pool(emit, kind, source, padded_shape, k, s, [0, 0, 0, 0],
                                         quantized))
    return tosa.render_function("padded_windows", [x], results, emit.body())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dtype", choices=("f32", "int8"), default="f32")
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args()
    tosa.write_text(args.output, build(args.dtype))


if __name__ == "__main__":
    main()
