#!/usr/bin/env python3
"""Writes the models of Serenity's benchmark zoo as TOSA MLIR functions.

    /usr/bin/python3 benchmarks/zoo/generate.py NAME -o FILE.mlir
    /usr/bin/python3 benchmarks/zoo/generate.py --list
    /usr/bin/python3 benchmarks/zoo/generate.py --all -o DIR

Architectures follow docs/zoo.md; ops are emitted in model-definition
order (the converter's, TFLite's order). The output is deterministic: the same
name and options give the same file.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nas_cells import (  # noqa: E402
    CIFAR_CHANNELS,
    CIFAR_LAYOUT,
    GENOTYPES,
    IMAGENET_LAYOUT,
    build_cell,
    build_network,
)
from other_nets import (  # noqa: E402
    densenet121_block,
    inception_v3_a,
    randwire_network,
    randwire_stage,
)
from int8_builder import Int8TosaBuilder  # noqa: E402
from tflite_builder import TfliteBuilder  # noqa: E402
from tosa_builder import TosaBuilder, tosa  # noqa: E402

import numpy as np  # noqa: E402

NAS_FAMILIES = {
    "darts_v2": "DARTS_V2",
    "nasnet": "NASNet-A",
    "amoebanet": "AmoebaNet-A",
    "pnasnet": "PNASNet",
}


def nas_cell(family):
    def build(b, size=28, channels=48):
        s0 = b.argument((1, size, size, channels))
        s1 = b.argument((1, size, size, channels))
        return [build_cell(b, GENOTYPES[family], s0, s1, channels, reduction=False)]

    return build


def nas_cifar(family):
    def build(b, size=32, channels=CIFAR_CHANNELS[family]):
        x = b.argument((1, size, size, 3))
        c = channels
        return [build_network(b, GENOTYPES[family], x, 3 * c, 1, c, CIFAR_LAYOUT)]

    return build


def nas_imagenet(family):
    def build(b, size=224, channels=12):
        x = b.argument((1, size, size, 3))
        return [build_network(b, GENOTYPES[family], x, 32, 2, channels, IMAGENET_LAYOUT)]

    return build


def nas_stack(family, num_cells, size, channels):
    """A stem and `num_cells` normal cells, each reading its two predecessors
    (CIFAR layout, reductions left out): a small irregular network."""

    def build(b):
        x = b.argument((1, size, size, 3))
        layout = "n" * num_cells
        return [build_network(b, GENOTYPES[family], x, 3 * channels, 1, channels, layout)]

    return build


def randwire_cell(seed):
    def build(b, size=56, channels=78):
        x = b.argument((1, size, size, channels))
        return [randwire_stage(b, x, channels, np.random.default_rng(seed))]

    return build


def randwire_net(seed):
    def build(b, size=224, channels=78):
        return [randwire_network(b, b.argument((1, size, size, 3)), seed, channels)]

    return build


# name -> (family, builder). The order is the order of the results tables.
MODELS = {}
for _family, _title in NAS_FAMILIES.items():
    MODELS[_family + "_cell"] = (_title, nas_cell(_family))
    MODELS[_family + "_cifar"] = (_title, nas_cifar(_family))
    MODELS[_family + "_imagenet"] = (_title, nas_imagenet(_family))
for _seed in (1, 2, 3):
    MODELS["randwire_s%d_cell" % _seed] = ("RandWire WS(32,4,0.75)", randwire_cell(_seed))
    MODELS["randwire_s%d_net" % _seed] = ("RandWire WS(32,4,0.75)", randwire_net(_seed))
MODELS["densenet121_block"] = (
    "Dense/Inception",
    lambda b, size=56, channels=64: [
        densenet121_block(b, b.argument((1, size, size, channels)))],
)
MODELS["inception_v3_a"] = (
    "Dense/Inception",
    lambda b, size=35, channels=192: [
        inception_v3_a(b, b.argument((1, size, size, channels)))],
)
# Not part of the zoo: the README demo, small enough to prove optimal at once.
EXTRA_MODELS = {"darts_v2_demo": ("demo", nas_stack("darts_v2", 3, 32, 16))}


def family_of(name):
    return {**MODELS, **EXTRA_MODELS}[name][0]


# --dtype: the builder of each element type of activations.
BUILDERS = {"f32": TosaBuilder, "int8": Int8TosaBuilder, "tflite": TfliteBuilder}


def generate(name, seed=0, splat_weights=False, size=None, channels=None, dtype="f32"):
    """The model's MLIR text and the builder (op counts, shapes; in int8 the
    trace of its ops)."""
    builder = BUILDERS[dtype](name, seed=seed, splat_weights=splat_weights)
    overrides = {}
    if size is not None:
        overrides["size"] = size
    if channels is not None:
        overrides["channels"] = channels
    # Every zoo model's input can shrink, e.g. for execution tests (not the
    # extra models'). `channels` is a cell's input channels, a NAS network's
    # C, a RandWire network's first stage.
    if overrides and name not in MODELS:
        raise ValueError("only zoo models take --size/--channels, not " + name)
    results = {**MODELS, **EXTRA_MODELS}[name][1](builder, **overrides)
    return builder.render(results), builder


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("name", nargs="?", help="model to generate")
    parser.add_argument("-o", "--output", default="-",
                        help="output file ('-': stdout); a folder with --all")
    parser.add_argument("--list", action="store_true", help="list the zoo's models")
    parser.add_argument("--all", action="store_true", help="write every zoo model")
    parser.add_argument("--seed", type=int, default=0, help="weight seed")
    parser.add_argument("--splat-weights", action="store_true",
                        help="splat constants instead of random ones (small files)")
    parser.add_argument("--size", type=int,
                        help="the input's height and width (smaller: faster to run)")
    parser.add_argument("--channels", type=int,
                        help="a cell's input channels, a NAS network's C, a RandWire "
                        "network's first stage")
    parser.add_argument("--dtype", choices=sorted(BUILDERS), default="f32",
                        help="the activations' element type (int8: quantized, i32 "
                        "accumulators and per-channel requantization; tflite: an int8 "
                        ".tflite file for TFLite Micro)")
    args = parser.parse_args()
    if args.list:
        print("\n".join(MODELS))
        return 0
    if args.all:
        os.makedirs(args.output, exist_ok=True)
        for name in MODELS:
            text, _ = generate(name, args.seed, args.splat_weights, dtype=args.dtype)
            tosa.write_text(os.path.join(args.output, name + (
                ".tflite" if args.dtype == "tflite" else ".mlir")), text)
        return 0
    if args.name not in MODELS and args.name not in EXTRA_MODELS:
        parser.error("unknown model %r; --list shows them" % args.name)
    try:
        text, _ = generate(args.name, args.seed, args.splat_weights, args.size,
                           args.channels, args.dtype)
    except ValueError as error:
        parser.error(str(error))
    tosa.write_text(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
