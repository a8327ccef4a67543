#!/usr/bin/env python3
"""Builds one module that runs two versions of a function on the same input
and counts the output elements where they differ.

    make_comparison.py ORIGINAL.mlir CANDIDATE.mlir -o BOTH.mlir

Each file holds one public func.func (optionally inside `module { }`, as
serenity-opt prints it). The output module holds them as @original and
@candidate, plus a @main that feeds both the same deterministic, non-trivial
input (a sine pattern, so no element is special) and prints, per result, the
number of elements where @candidate differs from @original beyond float
rounding, one number per line. Rewrites reassociate sums (a convolution over
a concat becomes a sum of partial convolutions), so an element may differ by
a few ulps of the terms summed, which can exceed a small relative error
where terms cancel: an element counts as different when
|candidate - original| > 1e-5 * |original| + 1e-4 * max|original|; a wrong
weight, bias or channel order is off by the values themselves. The schedule
report attribute is dropped (mlir-runner does not know it).
"""

import argparse
import math
import os
import re
import struct
import sys

import numpy as np

# serenity.tosa from the source tree: the one TOSA emitter (numpy only).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "python-bindings"))
from serenity import tosa  # noqa: E402

FUNC_RE = re.compile(r"func\.func @([\w.$-]+)\((.*?)\)\s*(?:->\s*(.*?))?\s*(?:attributes\s*\{.*\})?\s*\{\s*$")
TENSOR_RE = re.compile(r"tensor<([0-9x]+)x(\w+)>")

# The element types the runners feed and print: the packed format of an
# input's bytes, and the extension that widens an integer result to i32 for
# printMemrefI32 (mlir-runner's printMemrefI8 prints characters); f32 results
# are printed as their bits. Arith takes signless integers only: an unsigned
# result is seen as its signless `storage` first (the same bits).
ELEMENT_TYPES = {
    "f32": {"format": "f", "widen": None},
    "i32": {"format": "i", "widen": None},
    "i16": {"format": "h", "widen": "arith.extsi"},
    "i8": {"format": "b", "widen": "arith.extsi"},
    "ui8": {"format": "B", "widen": "arith.extui", "storage": "i8"},
}


def strip_module(text):
    # The runner knows no serenity dialect: drop the schedule report.
    text = re.sub(r"\s*attributes\s*\{serenity\.schedule = #serenity\.schedule<[^>]*>\}", "", text)
    lines = text.strip().splitlines()
    if lines and lines[0].strip() == "module {":
        lines = lines[1:-1]
    return "\n".join(lines)


def function_of(text):
    for line in text.splitlines():
        match = FUNC_RE.search(line.strip())
        if match and "private" not in line:
            return match
    sys.exit("make_comparison.py: no public func.func found")


def rename(text, old, new):
    return re.sub(r"@%s\b" % re.escape(old), "@" + new, text)


def tensor_of(type_text):
    """(shape, element type) of a statically shaped tensor type of
    ELEMENT_TYPES; exits naming the type otherwise."""
    match = TENSOR_RE.fullmatch(type_text.strip())
    if not match or match.group(2) not in ELEMENT_TYPES:
        sys.exit("make_comparison.py: cannot feed or print %s (element types: %s)"
                 % (type_text.strip(), ", ".join(ELEMENT_TYPES)))
    return [int(d) for d in match.group(1).split("x")], match.group(2)


def shape_of(type_text):
    """The shape of an f32 tensor type (the comparison's tolerance is for
    floats)."""
    shape, element = tensor_of(type_text)
    if element != "f32":
        sys.exit("make_comparison.py: %s is not f32" % type_text.strip())
    return shape


def count_mismatches(emit, actual, expected, type_text):
    """TOSA ops that print how many elements of `actual` are off."""
    shape = shape_of(type_text)
    rank = len(shape)
    ones = [1] * rank
    x = lambda name, shape_: tosa.Operand(name, tosa.tensor_type(shape_))
    actual, expected = x(actual, shape), x(expected, shape)

    def reduce_all(reduction, value):
        """`value` reduced over every axis, one at a time (shape all ones)."""
        for axis in range(rank):
            reduced = [1] * (axis + 1) + list(shape[axis + 1:])
            value = x(emit.op(reduction, [value], "axis = %d : i32" % axis, reduced), reduced)
        return value

    diff = x(emit.op("sub", [actual, expected], "", shape), shape)
    adiff = x(emit.op("abs", [diff], "", shape), shape)
    aexp = x(emit.op("abs", [expected], "", shape), shape)
    # The largest |original|, broadcast back over the tensor.
    largest = reduce_all("reduce_max", aexp)
    rtol = emit.const(np.full(ones, 1e-5, np.float32))
    atol = emit.const(np.full(ones, 1e-4, np.float32))
    rel = x(emit.mul(aexp, rtol, shape), shape)
    absolute = x(emit.mul(largest, atol, ones), ones)
    tol = x(emit.op("add", [rel, absolute], "", shape), shape)
    bad = tosa.Operand(emit.op("greater", [adiff, tol], "", shape,
                               result_type=tosa.tensor_type(shape, "i1")),
                       tosa.tensor_type(shape, "i1"))
    badf = x(emit.op("cast", [bad], "", shape), shape)
    count = reduce_all("reduce_sum", badf)
    zero, as_int = emit.fresh("zero"), emit.fresh("count")
    emit.lines.append("  %s = arith.constant 0 : index" % zero)
    scalar = emit.fresh("scalar")
    emit.lines.append("  %s = tensor.extract %s[%s] : %s" % (
        scalar, count.name, ", ".join([zero] * rank), count.type))
    emit.lines.append("  %s = arith.fptosi %s : f32 to i64" % (as_int, scalar))
    emit.lines.append("  call @printI64(%s) : (i64) -> ()" % as_int)
    emit.lines.append("  call @printNewline() : () -> ()")


def input_data(index, shape, element="f32"):
    """The hex of input `index`: a sine pattern, so no element is special;
    integers span most of their range (i8: -120..120, ui8: 0..255)."""
    count = math.prod(shape)
    wave = [math.sin(0.37 * i + 1.3 * index) for i in range(count)]
    values = {"f32": lambda v: v * 2.0,
              "i32": lambda v: round(v * 100000),
              "i16": lambda v: round(v * 30000),
              "i8": lambda v: round(v * 120),
              "ui8": lambda v: round(127.5 + v * 127.5),
              }[element]
    return struct.pack("<%d%s" % (count, ELEMENT_TYPES[element]["format"]),
                       *[values(v) for v in wave]).hex().upper()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("original")
    parser.add_argument("candidate")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()

    original = strip_module(open(args.original).read())
    candidate = strip_module(open(args.candidate).read())
    signature = function_of(original)
    name = signature.group(1)
    arg_types = re.findall(r"%[\w]+:\s*(tensor<[^>]*>)", signature.group(2))
    results = signature.group(3) or ""
    result_types = re.findall(r"tensor<[^>]*>", results)

    lines = [rename(original, name, "original"),
             rename(candidate, function_of(candidate).group(1), "candidate"),
             "func.func private @printI64(i64)",
             "func.func private @printNewline()",
             "func.func @main() {"]
    operands = []
    for index, type_text in enumerate(arg_types):
        data = input_data(index, shape_of(type_text))
        lines.append('  %%in%d = arith.constant dense<"0x%s"> : %s' % (index, data, type_text))
        operands.append("%%in%d" % index)
    call_type = "(%s) -> (%s)" % (", ".join(arg_types), ", ".join(result_types))
    n = len(result_types)
    suffix = ":%d" % n if n > 1 else ""
    lines.append("  %%expected%s = call @original(%s) : %s" % (suffix, ", ".join(operands), call_type))
    lines.append("  %%actual%s = call @candidate(%s) : %s" % (suffix, ", ".join(operands), call_type))
    emit = tosa.Emitter()
    for i, type_text in enumerate(result_types):
        ref = "#%d" % i if n > 1 else ""
        count_mismatches(emit, "%%actual%s" % ref, "%%expected%s" % ref, type_text)
    lines += emit.body()
    lines.append("  return")
    lines.append("}")
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
