#!/usr/bin/env python3
"""Counts ops by name in MLIR text, so a test can check what a rewrite made
whatever order the scheduler put it in.

    count_ops.py OP [OP ...] < FILE.mlir

Prints one line per OP, in the order given: `OP COUNT` (0 when absent). An
op counts where its name stands as an op: after `= ` or at the start of a
line's code, in generic ("tosa.add") or custom (tosa.add) form.
"""

import re
import sys


def count(text, name):
    pattern = re.compile(r'(?:^\s*|=\s*)"?' + re.escape(name) + r'"?(?=[\s(<{]|$)',
                         re.MULTILINE)
    return len(pattern.findall(text))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: count_ops.py OP [OP ...] < FILE.mlir")
    text = sys.stdin.read()
    for name in sys.argv[1:]:
        print(name, count(text, name))


if __name__ == "__main__":
    main()
