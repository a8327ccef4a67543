#!/usr/bin/env python3
"""Writes the models of Serenity's benchmark zoo as TOSA MLIR functions.

    /usr/bin/python3 benchmarks/zoo/generate.py NAME -o FILE.mlir
    /usr/bin/python3 benchmarks/zoo/generate.py --list

The output is deterministic: the same name and options give the same file.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nas_cells import GENOTYPES, build_cell  # noqa: E402
from tosa_builder import TosaBuilder  # noqa: E402


def nas_cell(family):
    def build(b):
        s0 = b.argument((1, 28, 28, 48))
        s1 = b.argument((1, 28, 28, 48))
        return [build_cell(b, GENOTYPES[family], s0, s1, 48, reduction=False)]

    return build


def nas_stack(family, num_cells, size, channels):
    """A stem and `num_cells` normal cells, each reading its two predecessors
    (CIFAR layout, reductions left out): a small irregular network."""

    def build(b):
        x = b.argument((1, size, size, 3))
        stem = b.conv(x, 3 * channels, kernel=(3, 3))
        s0 = s1 = stem
        for _ in range(num_cells):
            s0, s1 = s1, build_cell(b, GENOTYPES[family], s0, s1, channels, reduction=False)
        return [b.global_avg_pool(s1)]

    return build


MODELS = {
    "darts_v2_cell": nas_cell("darts_v2"),
    "nasnet_cell": nas_cell("nasnet"),
    "amoebanet_cell": nas_cell("amoebanet"),
    "pnasnet_cell": nas_cell("pnasnet"),
    # The README demo: small enough to prove optimal in a moment.
    "darts_v2_demo": nas_stack("darts_v2", 3, 32, 16),
}


def generate(name, seed=0, splat_weights=False):
    builder = TosaBuilder(name, seed=seed, splat_weights=splat_weights)
    results = MODELS[name](builder)
    return builder.render(results), builder


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", help="model to generate")
    parser.add_argument("-o", "--output", default="-", help="output file ('-': stdout)")
    parser.add_argument("--list", action="store_true", help="list the models")
    parser.add_argument("--seed", type=int, default=0, help="weight seed")
    parser.add_argument("--splat-weights", action="store_true",
                        help="splat constants instead of random ones (small files)")
    args = parser.parse_args()
    if args.list:
        print("\n".join(MODELS))
        return 0
    if args.name not in MODELS:
        parser.error("unknown model %r; --list shows them" % args.name)
    text, _ = generate(args.name, args.seed, args.splat_weights)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
