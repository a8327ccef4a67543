#!/usr/bin/env python3
"""From a PyTorch model to a board that fits (issue 28's route), measured.

torchvision's MobileNetV3-Large at 96x96, random weights, at width 1.0 and
0.35 (`_mobilenet_v3_conf(width_mult=0.35)`), in f32 (torch.onnx) and int8
(real_models.export_quantized: qnnpack post-training quantization), imported
with serenity-import-onnx and compiled by serenity-compile for a Cortex-M4
with a 256 KiB / 4 MiB budget, five ways: as written (TFLite Micro's planner
on the converter's order), Serenity, with patches, with the inputs and
outputs in the arena, and both. Each row is serenity-compile's one RAM
accounting (arena, inputs and outputs outside it, 8K stack, 4K heap) and its
flash (weights, code). Every build whose flash fits the board (4 MiB) also
runs on QEMU's mps2-an386 (serenity-run-qemu, the model's own input): the
linked RAM, the instructions, and for int8 how many of the 1000 logits
equal PyTorch's quantized run.

Writes benchmarks/results/fit-a-board.md and fit-a-board.csv.

    /usr/bin/python3 benchmarks/fit_a_board.py
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import real_models  # noqa: E402

SIZE = 96
RAM = 256 * 1024
FLASH = 4 * 1024 * 1024
BUILDS = [
    ("as written (TFLM planner)", "algorithm=program placement=tflm-greedy"),
    ("Serenity", ""),
    ("+ patches", "tile-spatial=1"),
    ("+ io in arena", "io-in-arena=1"),
    ("+ patches + io in arena", "tile-spatial=1 io-in-arena=1"),
]


def narrow_mobilenet(width):
    """torchvision's MobileNetV3-Large builders at `width` (1.0: as shipped):
    the float constructor and the quantizable one's, as real_models calls
    them."""
    from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf
    from torchvision.models.quantization import mobilenetv3 as quantizable

    def float_model():
        setting, last = _mobilenet_v3_conf("mobilenet_v3_large", width_mult=width)
        return MobileNetV3(setting, last)

    def quantizable_model(weights=None, quantize=False, **kwargs):
        setting, last = _mobilenet_v3_conf("mobilenet_v3_large", width_mult=width)
        return quantizable._mobilenet_v3_model(setting, last, None, True, quantize)

    return float_model, quantizable_model


def export(width, dtype, directory):
    """The ONNX file, the raw input for the device, and (int8) PyTorch's
    logits."""
    import numpy as np
    import torch
    import torchvision.models.quantization as quantization

    float_model, quantizable_model = narrow_mobilenet(width)
    stem = os.path.join(directory, "mobilenet_v3_large_%s_%s" % (width, dtype))
    if dtype == "f32":
        torch.manual_seed(0)
        x = np.random.default_rng(1).standard_normal((1, 3, SIZE, SIZE)).astype(np.float32)
        torch.onnx.export(float_model().eval(), torch.from_numpy(x), stem + ".onnx",
                          opset_version=13, input_names=["input"], output_names=["logits"])
        x.tofile(stem + ".in")
        return stem, None
    original = quantization.mobilenet_v3_large
    quantization.mobilenet_v3_large = quantizable_model
    try:
        x, logits, _, _ = real_models.export_quantized("mobilenet_v3_large", SIZE, stem + ".onnx")
    finally:
        quantization.mobilenet_v3_large = original
    x.astype(np.uint8).tofile(stem + ".in")
    return stem, logits.astype(int).ravel().tolist()


def compile_build(bin_dir, model, options, stem):
    """serenity-compile's report, whether it fit, and its first error line."""
    command = [os.path.join(bin_dir, "serenity-compile"), model, "-o", stem, "--report",
               stem + ".json", "--quiet", "--pipeline=" + options]
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    with open(stem + ".json") as f:
        return json.load(f)


def run_device(bin_dir, model, options, inputs):
    run = subprocess.run([sys.executable, os.path.join(bin_dir, "serenity-run-qemu"), model,
                          "--ram", str(RAM), "--pipeline=" + options, "--input", inputs,
                          "--print-outputs", "--timeout", "1200"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        return None
    text = run.stdout
    data = text[text.index("data =") + 6:].split("serenity:")[0]
    return {"ram": int(re.search(r"serenity: ram (\d+) bytes", text).group(1)),
            "instructions": int(re.search(r"serenity: instructions (\d+)", text).group(1)),
            "values": [float(v) for v in re.findall(r"-?[\d.]+(?:e[-+]?\d+)?", data)]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args(argv)
    bin_dir = os.path.join(args.build, "bin")
    rows = []
    with tempfile.TemporaryDirectory(prefix="serenity-fit-") as work:
        for width in (1.0, 0.35):
            for dtype in ("f32", "int8"):
                stem, logits = export(width, dtype, work)
                subprocess.run([os.path.join(bin_dir, "serenity-import-onnx"), stem + ".onnx",
                                "-o", stem + ".mlir"], check=True)
                for label, options in BUILDS:
                    report = compile_build(bin_dir, stem + ".mlir", options, stem + ".build")
                    ram, flash = report["ram"], report["weight_bytes"] + report["code_bytes"]
                    row = {"model": "mobilenet_v3_large %s" % width, "dtype": dtype,
                           "build": label, "arena": ram["arena"],
                           "io_outside": ram["inputs_outputs"], "ram": ram["total"],
                           "fits_ram": ram["total"] <= RAM, "flash": flash,
                           "fits_flash": flash <= FLASH, "linked_ram": "", "instructions": "",
                           "logits_equal": ""}
                    if row["fits_ram"] and row["fits_flash"]:
                        device = run_device(bin_dir, stem + ".mlir", options, stem + ".in")
                        if device:
                            row["linked_ram"] = device["ram"]
                            row["instructions"] = device["instructions"]
                            if logits is not None:
                                row["logits_equal"] = "%d/%d" % (
                                    sum(int(a) == b for a, b in zip(device["values"], logits)),
                                    len(logits))
                    rows.append(row)
                    print(row, flush=True)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "fit-a-board.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = ["# From a PyTorch model to a board that fits",
             "",
             "torchvision MobileNetV3-Large at %dx%d, random weights, imported from ONNX and "
             "compiled by serenity-compile for a Cortex-M4 with %d KiB of RAM and %d MiB of "
             "flash (`benchmarks/fit_a_board.py`). RAM is serenity-compile's one accounting: "
             "the arena, the inputs and outputs outside it, the 8 KiB stack and the 4 KiB "
             "heap; *linked* is the RAM of the program serenity-run-qemu linked (that plus "
             "the runtime's own data) where the build fits the board and ran on QEMU's "
             "mps2-an386; int8 logits are compared with PyTorch's quantized run."
             % (SIZE, SIZE, RAM // 1024, FLASH // (1024 * 1024)),
             "",
             "| model | type | build | arena B | inputs+outputs outside B | RAM B | fits 256 KiB | "
             "flash B | fits 4 MiB | linked RAM B | instructions | logits = PyTorch |",
             "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: |"]
    for r in rows:
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["model"], r["dtype"], r["build"], format(r["arena"], ","),
            format(r["io_outside"], ","), format(r["ram"], ","),
            "yes" if r["fits_ram"] else "no (%s over)" % format(r["ram"] - RAM, ","),
            format(r["flash"], ","), "yes" if r["fits_flash"] else "no",
            format(r["linked_ram"], ",") if r["linked_ram"] != "" else "",
            format(r["instructions"], ",") if r["instructions"] != "" else "",
            r["logits_equal"]))
    with open(os.path.join(args.out, "fit-a-board.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
