#!/usr/bin/env python3
"""Runs a model on the emulated Cortex-M4 and on the host, and compares.

    check_on_device.py MODEL.mlir --work DIR --build BUILD [--pipeline OPTIONS] [--ram SIZE]

The device: serenity-run-qemu --print-outputs on the inputs of
make_comparison.py (a sine pattern), written as a raw file in each input's
element type (float32, int8, ...). The
host: the same function bufferized by the upstream passes as written and run
by mlir-runner (make_runner.py, which prints every result's bits). Prints

    outputs: N compared, M elements differ
    arena: device A bytes, elf symbol E bytes, planner P bytes
    stack: used S bytes, within the estimate of T   (the painted stack's
           high-water mark under the entry point, against serenity-compile's)
    instructions: I
    ram: serenity-compile C bytes, linked L bytes = that + the runtime's data R (agree)

A float element differs when |device - host| > 2e-5 * |host| + 1e-4 *
max|host|: the device prints 6 significant digits (%g, as printMemrefF32
does), and the Cortex-M4 may fuse multiplies and adds that the host rounds
twice. An integer element differs when it is not equal.
"""

import argparse
import json
import os
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TEST, "Execution", "Inputs"))
sys.path.insert(0, TEST)
import lowering  # noqa: E402
from make_comparison import function_of, input_data, tensor_of  # noqa: E402


def values_of_device(text):
    results = []
    for block in text.split("Unranked Memref")[1:]:
        data = block.split("data =", 1)[1].split("serenity:")[0]
        results.append([float(v) for v in re.findall(r"[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan)", data)])
    return results


def values_of_host(text, elements):
    """make_runner.py's results: f32 as bits, integers as themselves."""
    results = []
    for block, element in zip(text.split("Unranked Memref")[1:], elements):
        data = block.split("data =", 1)[1].split("heap peak bytes:")[0]
        values = [int(v) for v in re.findall(r"-?\d+", data)]
        if element == "f32":
            values = [struct.unpack("<f", struct.pack("<i", b))[0] for b in values]
        results.append(values)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--work", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--pipeline", default="")
    parser.add_argument("--ram", help="the RAM budget of the device run")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    bin_dir = os.path.join(args.build, "bin")
    text = open(args.model).read()
    signature = function_of(text)
    inputs = [tensor_of(t) for t in re.findall(r"%[\w]+:\s*(tensor<[^>]*>)", signature.group(2))]
    outputs = [tensor_of(t)[1] for t in re.findall(r"tensor<[^>]*>", signature.group(3) or "")]
    raw = os.path.join(args.work, "inputs.raw")
    with open(raw, "wb") as f:
        for index, (shape, element) in enumerate(inputs):
            f.write(bytes.fromhex(input_data(index, shape, element)))

    command = [sys.executable, os.path.join(bin_dir, "serenity-run-qemu"), args.model, "--input", raw,
               "--print-outputs", "--keep", os.path.join(args.work, "device"),
               "--serenity-compile", os.path.join(bin_dir, "serenity-compile")]
    if args.pipeline:
        command.append("--pipeline=" + args.pipeline)
    if args.ram:
        command += ["--ram", args.ram]
    device = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if device.returncode != 0:
        sys.exit("check_on_device.py: the device run failed:\n%s" % device.stderr)

    reference = os.path.join(args.work, "reference.mlir")
    runner = os.path.join(args.work, "reference.run.mlir")
    subprocess.run([os.path.join(bin_dir, "serenity-opt"), args.model,
                    "--pass-pipeline=" + lowering.BUFFERIZE_UPSTREAM, "-o", reference], check=True)
    subprocess.run([sys.executable, os.path.join(TEST, "Execution", "Inputs", "make_runner.py"),
                    args.model, reference, "-o", runner], check=True)
    lowered = subprocess.run([os.path.join(bin_dir, "serenity-opt"), runner,
                              "--pass-pipeline=" + lowering.LOWER_MEMREFS_TO_LLVM],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
    counter = os.path.join(args.build, "lib", "libSerenityHeapCounter.so")
    host = subprocess.run(lowering.runner_command(lowering.llvm_tools_dir(), lowering.llvm_lib_dir(),
                                                  [counter]),
                          input=lowered, check=True, stdout=subprocess.PIPE, text=True).stdout

    expected, actual = values_of_host(host, outputs), values_of_device(device.stdout)
    if len(expected) != len(actual) or not expected:
        sys.exit("check_on_device.py: %d results on the host, %d on the device" % (len(expected), len(actual)))
    differ = 0
    for want, got, element in zip(expected, actual, outputs):
        if len(want) != len(got):
            sys.exit("check_on_device.py: %d elements on the host, %d on the device" % (len(want), len(got)))
        if element != "f32":
            differ += sum(1 for w, g in zip(want, got) if w != g)
            continue
        largest = max(abs(v) for v in want)
        differ += sum(1 for w, g in zip(want, got) if not abs(g - w) <= 2e-5 * abs(w) + 1e-4 * largest)
    print("outputs: %d compared, %d elements differ" % (len(expected), differ))
    with open(os.path.join(args.work, "device", "model.json")) as f:
        report = json.load(f)
    device_arena = re.search(r"serenity: arena (\d+) bytes", device.stdout).group(1)
    elf_arena = re.search(r"serenity: elf arena symbol \S+ (\d+) bytes", device.stdout).group(1)
    print("arena: device %s bytes, elf symbol %s bytes, planner %d bytes"
          % (device_arena, elf_arena, report["arena"]["bytes"]))
    used, estimate = (int(v) for v in re.search(r"serenity: stack (\d+) bytes \(estimate (\d+)\)",
                                                device.stdout).groups())
    print("stack: used %d bytes, %s the estimate of %d" % (used, "within" if used <= estimate else "OVER",
                                                           estimate))
    print("instructions: %s" % re.search(r"serenity: instructions (\d+)", device.stdout).group(1))
    # One RAM accounting: the linked program's RAM is serenity-compile's
    # total plus the runtime's own data.
    used, runtime = (int(v) for v in re.search(
        r"serenity: ram (\d+) bytes \(.*; the runtime's data and alignment (\d+)\)", device.stdout).groups())
    print("ram: serenity-compile %d bytes, linked %d bytes = that + the runtime's data %d (%s)"
          % (report["ram"]["total"], used, runtime,
             "agree" if used == report["ram"]["total"] + runtime else "DISAGREE"))


if __name__ == "__main__":
    main()
