#!/usr/bin/env python3
"""Appends a @main to a bufferized module so that mlir-runner can run it.

    make_runner.py MODEL.mlir LOWERED.mlir -o RUN.mlir

MODEL.mlir holds the function as written, on tensors (its first public
func.func gives the signature); LOWERED.mlir holds it bufferized with
identity layouts and its results turned into out-params (the calling
convention of --serenity-pipeline and of
`one-shot-bufferize{bufferize-function-boundaries
function-boundary-type-conversion=identity-layout-map},
buffer-results-to-out-params{hoist-static-allocs modify-public-functions}`).
@main feeds the function the deterministic inputs of make_comparison.py,
prints every result's bits (as i32, so that runs compare exactly) and then
the heap statistics of heap_counter.c. Inputs and outputs live in globals,
so that @main itself takes no heap; so does the arena when the function
takes it as an argument (`arena=argument`).
"""

import argparse
import math
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_comparison import function_of, input_data, shape_of  # noqa: E402


def memref(shape, element):
    return "memref<%sx%s>" % ("x".join(str(d) for d in shape), element)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("lowered")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()

    signature = function_of(open(args.model).read())
    name = signature.group(1)
    inputs = [shape_of(t) for t in re.findall(r"%[\w]+:\s*(tensor<[^>]*>)", signature.group(2))]
    outputs = [shape_of(t) for t in re.findall(r"tensor<[^>]*>", signature.group(3) or "")]
    lowered = open(args.lowered).read().rstrip()
    if not lowered.endswith("}") or "module" not in lowered:
        sys.exit("make_runner.py: %s is not a printed module" % args.lowered)

    # With --serenity-plan-memory{arena=argument}, the caller provides the
    # arena: one more i8 argument after the out-params.
    callee = re.search(r"func\.func @%s\(([^)]*)\)" % re.escape(name), lowered)
    arguments = re.findall(r"%[\w]+:\s*(memref<[^>]*>)", callee.group(1)) if callee else []
    arena = None
    if len(arguments) == len(inputs) + len(outputs) + 1:
        arena = re.fullmatch(r"memref<(\d+)xi8>", arguments[-1])
        if not arena:
            sys.exit("make_runner.py: unexpected extra argument %s" % arguments[-1])

    lines = []
    operands, types = [], []
    if arena:
        lines.append('  memref.global "private" @__runner_arena : memref<%sxi8> = uninitialized {alignment = 16 : i64}'
                     % arena.group(1))
    for index, shape in enumerate(inputs):
        data = input_data(index, shape)
        lines.append('  memref.global "private" @__runner_in%d : %s = dense<"0x%s"> {alignment = 16 : i64}'
                     % (index, memref(shape, "f32"), data))
    for index, shape in enumerate(outputs):
        lines.append('  memref.global "private" @__runner_out%d : memref<%dxi8> = uninitialized {alignment = 16 : i64}'
                     % (index, 4 * math.prod(shape)))
    lines.append("  func.func private @printMemrefI32(memref<*xi32>)")
    lines.append("  func.func private @serenityPrintHeapStats()")
    lines.append("  func.func @main() {")
    lines.append("    %zero = arith.constant 0 : index")
    for index, shape in enumerate(inputs):
        lines.append("    %%in%d = memref.get_global @__runner_in%d : %s" % (index, index, memref(shape, "f32")))
        operands.append("%%in%d" % index)
        types.append(memref(shape, "f32"))
    for index, shape in enumerate(outputs):
        size = 4 * math.prod(shape)
        lines.append("    %%bytes%d = memref.get_global @__runner_out%d : memref<%dxi8>" % (index, index, size))
        lines.append("    %%out%d = memref.view %%bytes%d[%%zero][] : memref<%dxi8> to %s"
                     % (index, index, size, memref(shape, "f32")))
        operands.append("%%out%d" % index)
        types.append(memref(shape, "f32"))
    if arena:
        lines.append("    %%arena = memref.get_global @__runner_arena : memref<%sxi8>" % arena.group(1))
        operands.append("%arena")
        types.append("memref<%sxi8>" % arena.group(1))
    lines.append("    call @%s(%s) : (%s) -> ()" % (name, ", ".join(operands), ", ".join(types)))
    for index, shape in enumerate(outputs):
        size = 4 * math.prod(shape)
        lines.append("    %%bits%d = memref.view %%bytes%d[%%zero][] : memref<%dxi8> to %s"
                     % (index, index, size, memref(shape, "i32")))
        lines.append("    %%print%d = memref.cast %%bits%d : %s to memref<*xi32>" % (index, index, memref(shape, "i32")))
        lines.append("    call @printMemrefI32(%%print%d) : (memref<*xi32>) -> ()" % index)
    lines.append("    call @serenityPrintHeapStats() : () -> ()")
    lines.append("    return")
    lines.append("  }")
    with open(args.output, "w") as f:
        f.write(lowered[:-1].rstrip() + "\n" + "\n".join(lines) + "\n}\n")


if __name__ == "__main__":
    main()
