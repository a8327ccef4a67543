#!/usr/bin/env python3
"""Compares the output of two runs of make_runner.py modules.

    compare_runs.py REFERENCE.txt CANDIDATE.txt [--tolerance] [--no-heap]

The reference may also be int8_reference.py's output (integers computed
from the TOSA specification, no heap statistics).

Prints, per result, how many elements differ, then both heap peaks, and exits
non-zero if any element differs, if the runs have different results or none,
or (with --no-heap) if the candidate allocated on the heap. Without
--tolerance the bits must match exactly (scheduling and memory planning do
not change arithmetic); with it, the rule of make_comparison.py applies
(rewrites reassociate sums).
"""

import argparse
import re
import struct
import sys


def parse(path, heap_required=True):
    text = open(path).read()
    results = []
    for block in re.split(r"Unranked Memref", text)[1:]:
        data = block.split("data =", 1)[1]
        data = data.split("heap peak bytes:")[0]
        results.append([int(v) for v in re.findall(r"-?\d+", data)])
    heap = re.search(r"heap peak bytes: (\d+)", text)
    allocations = re.search(r"heap allocations: (\d+)", text)
    if not heap or not allocations:
        if heap_required:
            sys.exit("compare_runs.py: %s has no heap statistics" % path)
        return results, None, None
    return results, int(heap.group(1)), int(allocations.group(1))


def as_float(bits):
    return struct.unpack("<f", struct.pack("<i", bits))[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("reference")
    parser.add_argument("candidate")
    parser.add_argument("--tolerance", action="store_true")
    parser.add_argument("--no-heap", action="store_true")
    args = parser.parse_args()
    expected, ref_heap, _ = parse(args.reference, heap_required=False)
    actual, cand_heap, cand_allocations = parse(args.candidate)
    failed = False
    if not expected or len(expected) != len(actual):
        print("results: %d in the reference, %d in the candidate" % (len(expected), len(actual)))
        failed = True
    for index, (e, a) in enumerate(zip(expected, actual)):
        if len(e) != len(a) or not e:
            print("result %d: %d elements against %d" % (index, len(a), len(e)))
            failed = True
            continue
        if args.tolerance:
            ef = [as_float(v) for v in e]
            af = [as_float(v) for v in a]
            largest = max(abs(v) for v in ef)
            bad = sum(1 for x, y in zip(af, ef) if abs(x - y) > 1e-5 * abs(y) + 1e-4 * largest)
        else:
            bad = sum(1 for x, y in zip(a, e) if x != y)
        print("result %d: %d of %d elements differ" % (index, bad, len(e)))
        failed |= bad != 0
    if ref_heap is not None:
        print("reference heap peak bytes: %d" % ref_heap)
    print("candidate heap peak bytes: %d in %d allocations" % (cand_heap, cand_allocations))
    if args.no_heap and cand_heap != 0:
        failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
