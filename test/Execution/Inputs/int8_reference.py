#!/usr/bin/env python3
"""The outputs of an int8 zoo model, computed from the TOSA specification's
integer arithmetic in numpy, without MLIR.

    int8_reference.py NAME [--size S] [--channels C] -o EXPECTED.txt

The model is built by benchmarks/zoo/generate.py (--dtype int8), whose
builder records every TOSA op with its integer parameters; the inputs are
make_comparison.py's. The output has the layout of make_runner.py's
(one `Unranked Memref ... data = [...]` per result, integers), so that
compare_runs.py compares it with an mlir-runner run, bit for bit.

Each op follows the specification's pseudo-code: convolutions sum
(input - input_zp) * (weight - weight_zp) in 64 bits over the input (padding
contributes nothing) and add the bias; apply_scale_32 rounds with
1 << (shift - 1), plus or minus 1 << 30 under double rounding when the shift
exceeds 31; an average pool divides by the count of the input elements under
the window (padding excluded) through reciprocal_scale; a max pool ignores
padding.
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "benchmarks", "zoo"))
from generate import generate  # noqa: E402
from make_comparison import input_data  # noqa: E402

RANGES = {"i8": (-128, 127), "i32": (-(1 << 31), (1 << 31) - 1)}


def apply_scale_32(value, multiplier, shift, double_round):
    """The specification's apply_scale_32, element-wise on int64 arrays
    (multiplier and shift broadcast over the last axis)."""
    value = value.astype(np.int64)
    multiplier = np.asarray(multiplier, np.int64)
    shift = np.asarray(shift, np.int64)
    assert np.all((value >= -(np.int64(1) << (shift - 1))) & (value < (np.int64(1) << (shift - 1)))), \
        "apply_scale_32: value out of range"
    rounding = np.int64(1) << (shift - 1)
    if double_round:
        rounding = rounding + np.where(shift > 31, np.where(value >= 0, 1 << 30, -(1 << 30)), 0)
    # value * multiplier fits in 63 bits: |value| < 2^(shift-1), multiplier < 2^31.
    result = (value * multiplier + rounding) >> shift
    assert np.all((result >= RANGES["i32"][0]) & (result <= RANGES["i32"][1]))
    return result


def reciprocal_scale(count):
    """(multiplier, shift) of 1 / count."""
    k = int(count - 1).bit_length()
    numerator = ((1 << 30) + 1) << k
    return numerator // count, 30 + k


def clip(values, element):
    low, high = RANGES[element]
    return np.clip(values, low, high)


def windows(x, kernel, stride, pad, dilation, fill):
    """(N, OH, OW, KH, KW, C) views of x padded with `fill`, and a mask of
    the window positions inside the input (same shape, C = 1)."""
    n, h, w, c = x.shape
    top, bottom, left, right = pad
    padded = np.full((n, h + top + bottom, w + left + right, c), fill, np.int64)
    padded[:, top:top + h, left:left + w, :] = x
    inside = np.zeros((1, h + top + bottom, w + left + right, 1), bool)
    inside[:, top:top + h, left:left + w, :] = True
    kh, kw = kernel
    sh, sw = stride
    dh, dw = dilation
    oh = (h + top + bottom - dh * (kh - 1) - 1) // sh + 1
    ow = (w + left + right - dw * (kw - 1) - 1) // sw + 1
    rows = (np.arange(oh) * sh)[:, None] + np.arange(kh)[None, :] * dh
    cols = (np.arange(ow) * sw)[:, None] + np.arange(kw)[None, :] * dw
    gather = lambda t: t[:, rows[:, None, :, None], cols[None, :, None, :], :]
    return gather(padded), gather(inside)


def evaluate(op, operands):
    kind = op["op"]
    if kind in ("conv2d", "depthwise_conv2d"):
        (x,) = operands
        weight = op["weight"].astype(np.int64) - op["weight_zp"]
        # Padding holds the zero point: it contributes (zp - zp) * w = 0.
        win, _ = windows(x.astype(np.int64) - op["input_zp"], weight.shape[1:3]
                         if kind == "conv2d" else weight.shape[0:2], op["stride"], op["pad"],
                         op["dilation"], 0)
        if kind == "conv2d":
            acc = np.einsum("nyxijc,oijc->nyxo", win, weight)
        else:
            kh, kw, c, m = weight.shape
            acc = np.einsum("nyxijc,ijcm->nyxcm", win, weight).reshape(win.shape[:3] + (c * m,))
        return acc + op["bias"]
    if kind == "rescale":
        (x,) = operands
        scaled = apply_scale_32(x.astype(np.int64) - op["input_zp"], op["multipliers"],
                                op["shifts"], op["double_round"])
        return clip(scaled + op["output_zp"], op["element"])
    if kind == "clamp":
        return np.clip(operands[0], op["low"], op["high"])
    if kind == "add":
        return operands[0] + operands[1]
    if kind == "avg_pool2d":
        (x,) = operands
        win, inside = windows(x.astype(np.int64) - op["input_zp"], op["kernel"], op["stride"],
                              op["pad"], (1, 1), 0)
        sums = win.sum(axis=(3, 4))
        counts = inside.sum(axis=(3, 4))
        result = np.empty_like(sums)
        for count in np.unique(counts):
            multiplier, shift = reciprocal_scale(int(count))
            where = np.broadcast_to(counts == count, sums.shape)
            result[where] = apply_scale_32(sums[where], multiplier, shift, False)
        return clip(result + op["output_zp"], "i8")
    if kind == "max_pool2d":
        (x,) = operands
        win, _ = windows(x, op["kernel"], op["stride"], op["pad"], (1, 1), -(1 << 40))
        return win.max(axis=(3, 4))
    if kind == "concat":
        return np.concatenate(operands, axis=op["axis"])
    if kind == "slice":
        (x,) = operands
        index = tuple(slice(s, s + n) for s, n in zip(op["start"], op["size"]))
        return x[index]
    raise ValueError("int8_reference.py: no reference for tosa.%s" % kind)


def run(builder):
    values = {}
    for index, argument in enumerate(builder.arguments):
        data = bytes.fromhex(input_data(index, argument.shape, argument.element))
        values[argument.name] = np.frombuffer(data, np.int8).astype(np.int64).reshape(
            argument.shape)
    for op in builder.trace:
        result = evaluate(op, [values[name] for name in op["operands"]])
        assert result.shape == tuple(op["shape"]), (op["op"], result.shape, op["shape"])
        values[op["result"]] = result
    return [values[name] for name in builder.results]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--size", type=int)
    parser.add_argument("--channels", type=int)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    _, builder = generate(args.name, size=args.size, channels=args.channels, dtype="int8")
    with open(args.output, "w") as f:
        for result in run(builder):
            f.write("Unranked Memref rank = %d sizes = %s data = \n%s\n"
                    % (result.ndim, list(result.shape), result.flatten().tolist()))


if __name__ == "__main__":
    main()
