#!/usr/bin/env python3
"""An int8 TOSA function of depthwise convolutions that
--serenity-fuse-requantize writes in place (for the in-place depthwise
execution test): each reads a map of its own (a clamp of the input, which
only it reads), requantizes per channel with double rounding, and a 1x1
convolution to fewer channels, requantized, reads its result (so that it is
not returned; a smaller result runs in place when its reader makes no
more). The paddings
and strides are the zoo's and torchvision's: 3x3 stride 1, stride 2 with
PyTorch's top-left and TFLite's bottom-right pads, dilated 3x3, 5x5 stride
2, and unpadded 3x3.

    inplace_depthwise.py -o OUT.mlir
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python-bindings"))
from serenity import tosa  # noqa: E402

SIZE, CHANNELS, OUT_CHANNELS = 12, 4, 3
# (kernel, stride, pad [top, bottom, left, right], dilation)
DEPTHWISE = [(3, 1, [1, 1, 1, 1], 1), (3, 2, [1, 0, 1, 0], 1), (3, 2, [0, 1, 0, 1], 1),
             (3, 1, [2, 2, 2, 2], 2), (5, 2, [2, 1, 2, 1], 1), (3, 1, [0, 0, 0, 0], 1)]
INPUT_ZP, MAP_ZP = -3, 5


def build():
    rng = np.random.default_rng(0)
    emit = tosa.Emitter()
    x = tosa.Operand("%arg0", tosa.tensor_type([1, SIZE, SIZE, CHANNELS], "i8"))
    weight_zp = emit.int_zero_point(0, "i8")
    results = []
    for index, (k, s, pad, d) in enumerate(DEPTHWISE):
        in_shape = [1, SIZE, SIZE, CHANNELS]
        low, high = -100 + 10 * index, 100 - 10 * index
        mapped = tosa.Operand(
            emit.op("clamp", [x], tosa.clamp_attrs(low, high, "i8"), in_shape, "x",
                    result_type=tosa.tensor_type(in_shape, "i8")),
            tosa.tensor_type(in_shape, "i8"))
        out = (SIZE + pad[0] + pad[1] - (d * (k - 1) + 1)) // s + 1
        shape = [1, out, out, CHANNELS]
        weight = emit.const(rng.integers(-127, 128, [k, k, CHANNELS, 1]), "i8", "w")
        bias = emit.const(rng.integers(-500, 500, [CHANNELS]), "i32", "b")
        acc = emit.op("depthwise_conv2d",
                      [mapped, weight, bias, emit.int_zero_point(INPUT_ZP, "i8"), weight_zp],
                      tosa.window_attrs(s, pad, d, acc_type="i32"), shape, "dw",
                      result_type=tosa.tensor_type(shape, "i32"))
        multipliers, shifts = tosa.rescale_parameters(rng.uniform(0.002, 0.02, CHANNELS))
        requantized = emit.rescale(tosa.Operand(acc, tosa.tensor_type(shape, "i32")),
                                   multipliers, shifts, 0, MAP_ZP, shape, "i8",
                                   double_round=True, in_element="i32")
        relu = tosa.Operand(
            emit.op("clamp", [tosa.Operand(requantized, tosa.tensor_type(shape, "i8"))],
                    tosa.clamp_attrs(MAP_ZP, 127, "i8"), shape, "relu",
                    result_type=tosa.tensor_type(shape, "i8")),
            tosa.tensor_type(shape, "i8"))
        pointwise = emit.const(rng.integers(-127, 128, [OUT_CHANNELS, 1, 1, CHANNELS]), "i8",
                               "pw")
        pointwise_bias = emit.const(rng.integers(-500, 500, [OUT_CHANNELS]), "i32", "pb")
        result_shape = [1, out, out, OUT_CHANNELS]
        projected = emit.op("conv2d",
                            [relu, pointwise, pointwise_bias, emit.int_zero_point(MAP_ZP, "i8"),
                             weight_zp],
                            tosa.window_attrs(1, [0, 0, 0, 0], 1, acc_type="i32"), result_shape,
                            "pw", result_type=tosa.tensor_type(result_shape, "i32"))
        multipliers, shifts = tosa.rescale_parameters([0.004])
        name = emit.rescale(tosa.Operand(projected, tosa.tensor_type(result_shape, "i32")),
                            multipliers, shifts, 0, MAP_ZP, result_shape, "i8",
                            double_round=True, in_element="i32")
        results.append(tosa.Operand(name, tosa.tensor_type(result_shape, "i8")))
    return tosa.render_function("inplace_depthwise", [x], results, emit.body())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args()
    tosa.write_text(args.output, build())


if __name__ == "__main__":
    main()
