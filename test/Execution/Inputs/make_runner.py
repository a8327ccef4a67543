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
@main feeds the function the deterministic inputs of make_comparison.py (or
the bytes --input-data gives),
prints every result (f32 as its bits in i32, integers widened to i32, so
that runs compare exactly; make_comparison.ELEMENT_TYPES) and then
the heap statistics of heap_counter.c. Inputs and outputs live in globals,
so that @main itself takes no heap; so does the arena when the function
takes it as an argument (`arena=argument`). A function planned with
`io-in-arena=1` takes nothing: @main copies the inputs into its arena and
the outputs out of it, at the offsets its `serenity.arena_io` gives.
"""

import argparse
import math
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_comparison import ELEMENT_TYPES, function_of, input_data, tensor_of  # noqa: E402


def memref(shape, element):
    return "memref<%sx%s>" % ("x".join(str(d) for d in shape), element)


def bytes_of(shape, element):
    return struct.calcsize(ELEMENT_TYPES[element]["format"]) * math.prod(shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("lowered")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--input-data",
                        help="a file of one line per input: its little-endian bytes in hex "
                             "(default: make_comparison.py's deterministic inputs)")
    args = parser.parse_args()

    signature = function_of(open(args.model).read())
    name = signature.group(1)
    inputs = [tensor_of(t) for t in re.findall(r"%[\w]+:\s*(tensor<[^>]*>)", signature.group(2))]
    outputs = [tensor_of(t) for t in re.findall(r"tensor<[^>]*>", signature.group(3) or "")]
    lowered = open(args.lowered).read().rstrip()
    if not lowered.endswith("}") or "module" not in lowered:
        sys.exit("make_runner.py: %s is not a printed module" % args.lowered)

    # With --serenity-plan-memory{arena=argument}, the caller provides the
    # arena: one more i8 argument after the out-params.
    callee = re.search(r"func\.func @%s\(([^)]*)\)" % re.escape(name), lowered)
    arguments = re.findall(r"%[\w]+:\s*(memref<[^>]*>)", callee.group(1)) if callee else []
    arena = None
    # With io-in-arena=1, the function takes nothing: @main writes the
    # inputs into the arena and reads the outputs from it, at the offsets
    # serenity.arena_io gives.
    io_offsets = None
    header = re.search(r"func\.func @%s\(\)[^{]*attributes \{[^\n]*serenity\.arena_io = array<i64: ([0-9, ]+)>"
                       % re.escape(name), lowered)
    if header and inputs + outputs:
        io_offsets = [int(o) for o in header.group(1).split(",")]
        arena_size = re.search(r'memref\.global "private" @__serenity_arena_%s : memref<(\d+)xi8>'
                               % re.escape(name), lowered).group(1)
        if len(io_offsets) != len(inputs) + len(outputs):
            sys.exit("make_runner.py: serenity.arena_io has %d offsets for %d inputs and outputs"
                     % (len(io_offsets), len(inputs) + len(outputs)))
    if len(arguments) == len(inputs) + len(outputs) + 1:
        arena = re.fullmatch(r"memref<(\d+)xi8>", arguments[-1])
        if not arena:
            sys.exit("make_runner.py: unexpected extra argument %s" % arguments[-1])

    lines = []
    operands, types = [], []
    if arena:
        lines.append('  memref.global "private" @__runner_arena : memref<%sxi8> = uninitialized {alignment = 16 : i64}'
                     % arena.group(1))
    given = open(args.input_data).read().split() if args.input_data else None
    if given is not None and len(given) != len(inputs):
        sys.exit("make_runner.py: %s has %d inputs, the function takes %d"
                 % (args.input_data, len(given), len(inputs)))
    for index, (shape, element) in enumerate(inputs):
        data = given[index].upper() if given else input_data(index, shape, element)
        if len(data) != 2 * bytes_of(shape, element):
            sys.exit("make_runner.py: input %d has %d bytes, %s needs %d"
                     % (index, len(data) // 2, memref(shape, element), bytes_of(shape, element)))
        lines.append('  memref.global "private" @__runner_in%d : %s = dense<"0x%s"> {alignment = 16 : i64}'
                     % (index, memref(shape, element), data))
    for index, (shape, element) in enumerate(outputs):
        lines.append('  memref.global "private" @__runner_out%d : memref<%dxi8> = uninitialized {alignment = 16 : i64}'
                     % (index, bytes_of(shape, element)))
        if ELEMENT_TYPES[element]["widen"]:
            lines.append('  memref.global "private" @__runner_wide%d : %s = uninitialized {alignment = 16 : i64}'
                         % (index, memref(shape, "i32")))
    lines.append("  func.func private @printMemrefI32(memref<*xi32>)")
    lines.append("  func.func private @serenityPrintHeapStats()")
    lines.append("  func.func @main() {")
    lines.append("    %zero = arith.constant 0 : index")
    for index, (shape, element) in enumerate(inputs):
        lines.append("    %%in%d = memref.get_global @__runner_in%d : %s" % (index, index, memref(shape, element)))
        operands.append("%%in%d" % index)
        types.append(memref(shape, element))
    for index, (shape, element) in enumerate(outputs):
        size = bytes_of(shape, element)
        lines.append("    %%bytes%d = memref.get_global @__runner_out%d : memref<%dxi8>" % (index, index, size))
        lines.append("    %%out%d = memref.view %%bytes%d[%%zero][] : memref<%dxi8> to %s"
                     % (index, index, size, memref(shape, element)))
        operands.append("%%out%d" % index)
        types.append(memref(shape, element))
    if arena:
        lines.append("    %%arena = memref.get_global @__runner_arena : memref<%sxi8>" % arena.group(1))
        operands.append("%arena")
        types.append("memref<%sxi8>" % arena.group(1))
    if io_offsets is None:
        lines.append("    call @%s(%s) : (%s) -> ()" % (name, ", ".join(operands), ", ".join(types)))
    else:
        lines.append("    %%io_arena = memref.get_global @__serenity_arena_%s : memref<%sxi8>" % (name, arena_size))
        views = []
        for index, (operand, type_, offset) in enumerate(zip(operands, types, io_offsets)):
            lines.append("    %%io_offset%d = arith.constant %d : index" % (index, offset))
            lines.append("    %%io%d = memref.view %%io_arena[%%io_offset%d][] : memref<%sxi8> to %s"
                         % (index, index, arena_size, type_))
            views.append("%%io%d" % index)
        for operand, view, type_ in list(zip(operands, views, types))[:len(inputs)]:
            lines.append("    memref.copy %s, %s : %s to %s" % (operand, view, type_, type_))
        lines.append("    call @%s() : () -> ()" % name)
        for operand, view, type_ in list(zip(operands, views, types))[len(inputs):]:
            lines.append("    memref.copy %s, %s : %s to %s" % (view, operand, type_, type_))
    for index, (shape, element) in enumerate(outputs):
        wide = memref(shape, "i32")
        widen = ELEMENT_TYPES[element]["widen"]
        if widen:
            # Widened element by element (linalg.generic on memrefs, lowered
            # to loops): the global holds no heap.
            identity = "affine_map<(%s) -> (%s)>" % ((", ".join("d%d" % i for i in range(len(shape))),) * 2)
            lines.append("    %%bits%d = memref.get_global @__runner_wide%d : %s" % (index, index, wide))
            storage = ELEMENT_TYPES[element].get("storage", element)
            narrow = "%%out%d" % index
            if storage != element:
                # The same bits as signless integers, which arith widens.
                lines.append("    %%signless%d = builtin.unrealized_conversion_cast %%out%d : %s to %s"
                             % (index, index, memref(shape, element), memref(shape, storage)))
                narrow = "%%signless%d" % index
            lines.append('    linalg.generic {indexing_maps = [%s, %s], iterator_types = [%s]} '
                         'ins(%s : %s) outs(%%bits%d : %s) {'
                         % (identity, identity, ", ".join(['"parallel"'] * len(shape)),
                            narrow, memref(shape, storage), index, wide))
            lines.append("    ^bb0(%%narrow: %s, %%unused: i32):" % storage)
            lines.append("      %%widened = %s %%narrow : %s to i32" % (widen, storage))
            lines.append("      linalg.yield %widened : i32")
            lines.append("    }")
        else:
            lines.append("    %%bits%d = memref.view %%bytes%d[%%zero][] : memref<%dxi8> to %s"
                         % (index, index, bytes_of(shape, element), wide))
        lines.append("    %%print%d = memref.cast %%bits%d : %s to memref<*xi32>" % (index, index, wide))
        lines.append("    call @printMemrefI32(%%print%d) : (memref<*xi32>) -> ()" % index)
    lines.append("    call @serenityPrintHeapStats() : () -> ()")
    lines.append("    return")
    lines.append("  }")
    with open(args.output, "w") as f:
        f.write(lowered[:-1].rstrip() + "\n" + "\n".join(lines) + "\n}\n")


if __name__ == "__main__":
    main()
