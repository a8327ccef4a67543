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
import re
import struct
import sys

FUNC_RE = re.compile(r"func\.func @([\w.$-]+)\((.*?)\)\s*(?:->\s*(.*?))?\s*(?:attributes\s*\{.*\})?\s*\{\s*$")
TENSOR_RE = re.compile(r"tensor<([0-9x]+)xf32>")


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


def shape_of(type_text):
    return [int(d) for d in TENSOR_RE.fullmatch(type_text.strip()).group(1).split("x")]


def count_mismatches(index, actual, expected, type_text):
    """TOSA ops that print how many elements of `actual` are off."""
    shape = shape_of(type_text)
    rank = len(shape)
    ones = "tensor<%sxf32>" % "x".join(["1"] * rank)
    v = lambda name: "%%%s%d" % (name, index)
    out = []

    def op(result, text):
        out.append("  %s = %s" % (v(result), text))

    def constant(name, value):
        op(name, '"tosa.const"() <{values = dense<%.8e> : %s}> : () -> %s' % (value, ones, ones))

    def reduce_all(reduction, value):
        """`value` reduced over every axis, one at a time (shape all ones)."""
        for axis in range(rank):
            name = "%s_%d_" % (reduction, axis)
            op(name, '"tosa.%s"(%s) <{axis = %d : i32}> : (%s) -> %s' % (
                reduction, value, axis, prev_type(shape, axis), prev_type(shape, axis + 1)))
            value = v(name)
        return value

    op("diff", '"tosa.sub"(%s, %s) : (%s, %s) -> %s' % (actual, expected, type_text, type_text, type_text))
    op("adiff", '"tosa.abs"(%s) : (%s) -> %s' % (v("diff"), type_text, type_text))
    op("aexp", '"tosa.abs"(%s) : (%s) -> %s' % (expected, type_text, type_text))
    # The largest |original|, broadcast back over the tensor.
    largest = reduce_all("reduce_max", v("aexp"))
    op("shift", '"tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>')
    constant("rtol", 1e-5)
    constant("atol", 1e-4)
    op("rel", '"tosa.mul"(%s, %s, %s) : (%s, %s, tensor<1xi8>) -> %s' % (
        v("aexp"), v("rtol"), v("shift"), type_text, ones, type_text))
    op("abs", '"tosa.mul"(%s, %s, %s) : (%s, %s, tensor<1xi8>) -> %s' % (
        largest, v("atol"), v("shift"), ones, ones, ones))
    op("tol", '"tosa.add"(%s, %s) : (%s, %s) -> %s' % (v("rel"), v("abs"), type_text, ones, type_text))
    bool_type = type_text.replace("xf32>", "xi1>")
    op("bad", '"tosa.greater"(%s, %s) : (%s, %s) -> %s' % (v("adiff"), v("tol"), type_text, type_text, bool_type))
    op("badf", '"tosa.cast"(%s) : (%s) -> %s' % (v("bad"), bool_type, type_text))
    count = reduce_all("reduce_sum", v("badf"))
    op("zero", "arith.constant 0 : index")
    op("count", "tensor.extract %s[%s] : %s" % (count, ", ".join([v("zero")] * rank), ones))
    op("count_i", "arith.fptosi %s : f32 to i64" % v("count"))
    out.append("  call @printI64(%s) : (i64) -> ()" % v("count_i"))
    out.append("  call @printNewline() : () -> ()")
    return out


def input_data(index, shape):
    """The hex of input `index`: a sine pattern, so no element is special."""
    count = math.prod(shape)
    values = [math.sin(0.37 * i + 1.3 * index) * 2.0 for i in range(count)]
    return struct.pack("<%df" % count, *values).hex().upper()


def prev_type(shape, reduced_axes):
    """The type of `shape` after reducing its first `reduced_axes` axes to 1."""
    dims = [1] * reduced_axes + list(shape[reduced_axes:])
    return "tensor<%sxf32>" % "x".join(str(d) for d in dims)


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
    for i, type_text in enumerate(result_types):
        ref = "#%d" % i if n > 1 else ""
        lines += count_mismatches(i, "%%actual%s" % ref, "%%expected%s" % ref, type_text)
    lines.append("  return")
    lines.append("}")
    with open(args.output, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
