#!/usr/bin/env python3
"""The zoo cells on an emulated Cortex-M4: arena, instructions, compile time.

Every zoo cell at the reduced size of the execution tests, and the demo
network, compiled with serenity-compile and run under QEMU (mps2-an386) by
serenity-run-qemu in three ways:

- *as written*: the converter's order, placed by TFLite Micro's greedy
  planner (`--pipeline "algorithm=program placement=tflm-greedy"`);
- *Serenity*: the optimal order, placed exactly (the default);
- *Serenity + rewrite*: memory-aware rewriting first (`rewrite=1`).

Every cell is also built in int8 (`generate.py --dtype int8`, the Serenity
build), next to f32 with instructions per MAC (the MACs of its convolutions,
from the int8 builder's trace: the same architecture in both types).

Writes benchmarks/results/cortex-m.md and cortex-m.csv. Instructions are
QEMU's (-icount shift=0), per inference, to 40 instructions; compile time is
serenity-compile's wall time for the Serenity build.

    /usr/bin/python3 benchmarks/cortex_m.py
"""

import argparse
import csv
import datetime
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import harness  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "zoo"))
import generate  # noqa: E402

# The sizes of test/CortexM (and test/Execution/pipeline.test).
CELLS = [("darts_v2_cell", 8, 8), ("nasnet_cell", 8, 8), ("amoebanet_cell", 8, 8),
         ("pnasnet_cell", 8, 8), ("randwire_s1_cell", 8, 6), ("randwire_s2_cell", 8, 6),
         ("randwire_s3_cell", 8, 6), ("densenet121_block", 6, 8), ("inception_v3_a", 6, 8)]
BUILDS = [("written", "algorithm=program placement=tflm-greedy"), ("serenity", ""),
          ("rewrite", "rewrite=1")]
# The int8 builds: Serenity's, and the upstream lowering's whole i32 maps
# (requantization not fused) for the instructions the fusion costs or saves.
INT8_BUILDS = [("int8", ""), ("int8_unfused", "fuse-requantize=0")]


def run_device(build, model, pipeline, work):
    command = ["/usr/bin/python3", os.path.join(build, "bin", "serenity-run-qemu"), model,
               "--keep", work, "--serenity-compile", os.path.join(build, "bin", "serenity-compile")]
    if pipeline:
        command.append("--pipeline=" + pipeline)
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit("cortex_m.py: %s (%s) failed:\n%s" % (model, pipeline, result.stderr))
    with open(os.path.join(work, "model.json")) as f:
        report = json.load(f)
    return {"arena": report["arena"]["bytes"], "code": report["code_bytes"],
            "instructions": int(re.search(r"serenity: instructions (\d+)", result.stdout).group(1)),
            "elf_arena": int(re.search(r"elf arena symbol \S+ (\d+) bytes", result.stdout).group(1))}


def convolution_macs(name, size, channels):
    """Multiply-accumulates of the model's convolutions (dense and
    depthwise), from the int8 builder's trace."""
    _, builder = generate.generate(name, size=size, channels=channels, dtype="int8")
    macs = 0
    for op in builder.trace:
        if op["op"] == "conv2d":
            _, kh, kw, cin = op["weight"].shape
            macs += math.prod(op["shape"]) * kh * kw * cin
        elif op["op"] == "depthwise_conv2d":
            kh, kw = op["weight"].shape[:2]
            macs += math.prod(op["shape"]) * kh * kw
    return macs


def compile_seconds(build, model, work):
    start = time.perf_counter()
    subprocess.run([os.path.join(build, "bin", "serenity-compile"), model, "-o",
                    os.path.join(work, "timed"), "--quiet"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        models = []
        for name, size, channels in CELLS:
            path = os.path.join(work, name + ".mlir")
            subprocess.run(["/usr/bin/python3", os.path.join(HERE, "zoo", "generate.py"), name,
                            "--size", str(size), "--channels", str(channels), "-o", path], check=True)
            int8_path = os.path.join(work, name + ".int8.mlir")
            subprocess.run(["/usr/bin/python3", os.path.join(HERE, "zoo", "generate.py"), name,
                            "--size", str(size), "--channels", str(channels), "--dtype", "int8",
                            "-o", int8_path], check=True)
            models.append((name, "%dx%dx%d" % (size, size, channels), path,
                           (int8_path, convolution_macs(name, size, channels))))
        models.append(("darts_v2_demo", "32x32x3", os.path.join(ROOT, "examples", "darts_v2_demo.mlir"),
                       None))
        for name, shape, path, int8 in models:
            row = {"model": name, "input": shape}
            if int8:
                int8_path, row["macs"] = int8
                for build, pipeline in INT8_BUILDS:
                    result = run_device(args.build, int8_path, pipeline,
                                        os.path.join(work, name + "." + build))
                    if result["arena"] != result["elf_arena"]:
                        raise SystemExit("cortex_m.py: %s (%s): the ELF's arena %d is not the "
                                         "planner's %d" % (name, build, result["elf_arena"],
                                                           result["arena"]))
                    for key in ("arena", "instructions", "code"):
                        row["%s_%s" % (build, key)] = result[key]
            for build, pipeline in BUILDS:
                result = run_device(args.build, path, pipeline, os.path.join(work, name + "." + build))
                if result["arena"] != result["elf_arena"]:
                    raise SystemExit("cortex_m.py: %s (%s): the ELF's arena %d is not the planner's %d"
                                     % (name, build, result["elf_arena"], result["arena"]))
                for key in ("arena", "instructions", "code"):
                    row["%s_%s" % (build, key)] = result[key]
            row["compile_s"] = round(compile_seconds(args.build, path, work), 2)
            print("%s: %s" % (name, row), file=sys.stderr)
            rows.append(row)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "cortex-m.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), restval="")
        writer.writeheader()
        writer.writerows(rows)
    out = ["# The zoo cells on an emulated Cortex-M4\n",
           "Generated by `benchmarks/cortex_m.py` on %s (%s, %d cores), commit %s. Each model is "
           "compiled by `serenity-compile` (cortex-m4, hard float, LLVM -O2) and run by "
           "`serenity-run-qemu` on QEMU's mps2-an386; outputs are checked against the host by "
           "test/CortexM. Arena in bytes (the ELF symbol's size, equal to the planner's report); "
           "instructions per inference from QEMU's `-icount shift=0` (to 40 instructions).\n"
           % (datetime.date.today().isoformat(), harness.cpu_name(), os.cpu_count(), harness.git_commit()),
           "- *as written*: the converter's order placed by TFLite Micro's greedy planner;",
           "- *Serenity*: optimal order, exact placement; *+ rewrite*: memory-aware rewriting first;",
           "- *instructions +%*: what the rewrite adds over Serenity without it (0 where it keeps no "
           "rewrite);",
           "- *compile*: `serenity-compile` wall time for the Serenity build.\n",
           "| model | input | arena as written | arena Serenity | arena + rewrite | as written / Serenity + rewrite | "
           "instructions as written | instructions Serenity | instructions + rewrite | instructions +% | "
           "code (bytes) | compile (s) |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        extra = 100.0 * (row["rewrite_instructions"] - row["serenity_instructions"]) / row["serenity_instructions"]
        out.append("| %s | %s | %d | %d | %d | %.2fx | %d | %d | %d | %+.1f%% | %d | %.2f |" % (
            row["model"], row["input"], row["written_arena"], row["serenity_arena"], row["rewrite_arena"],
            row["written_arena"] / row["rewrite_arena"], row["written_instructions"],
            row["serenity_instructions"], row["rewrite_instructions"], extra, row["serenity_code"],
            row["compile_s"]))
    out.append("")
    out.append("## int8 next to f32\n")
    out.append("The same cells in int8 (`generate.py --dtype int8`), the Serenity build"
               " (optimal order, exact placement; requantization computed with its"
               " producer). *MACs*: the convolutions' multiply-accumulates, the same in both"
               " types. test/CortexM/int8-cells.test checks the outputs against the host.\n")
    out.append("*unfused*: the same int8 model with `fuse-requantize=0` (whole i32 maps, as"
               " the upstream lowering makes them); *fused +%*: the instructions the fusion"
               " adds to that (issue 26 allows at most 10%).\n")
    out.append("| model | input | MACs | arena f32 | arena int8 | int8 / f32 | arena int8 unfused |"
               " instructions f32 | instructions int8 | instructions int8 unfused | fused +% |"
               " instructions / MAC f32 | instructions / MAC int8 |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
               " ---: |")
    for row in rows:
        if "macs" not in row:
            continue
        out.append("| %s | %s | %d | %d | %d | %.3f | %d | %d | %d | %d | %+.1f%% | %.2f | %.2f |" % (
            row["model"], row["input"], row["macs"], row["serenity_arena"], row["int8_arena"],
            row["int8_arena"] / row["serenity_arena"], row["int8_unfused_arena"],
            row["serenity_instructions"], row["int8_instructions"],
            row["int8_unfused_instructions"],
            100.0 * (row["int8_instructions"] - row["int8_unfused_instructions"])
            / row["int8_unfused_instructions"],
            row["serenity_instructions"] / row["macs"], row["int8_instructions"] / row["macs"]))
    out.append("")
    with open(os.path.join(args.out, "cortex-m.md"), "w") as f:
        f.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
