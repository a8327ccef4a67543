"""Runs an imported function with mlir-runner on a given input and counts
the output elements that differ from the expected values (the tolerance is
make_comparison.py's: float rounding, not a wrong weight or channel)."""

import os
import subprocess
import sys

import numpy as np

from conftest import BUILD, SOURCE

sys.path.insert(0, os.path.join(SOURCE, "test"))
import lowering  # noqa: E402


def tensor_type(shape):
    return "tensor<%sxf32>" % "x".join(str(int(d)) for d in shape)


def hex_of(array):
    return np.ascontiguousarray(array, dtype="<f4").tobytes().hex().upper()


def count_mismatches(tmp_path, text, x, expected):
    """`text` holds one public function of one input and one output; runs it
    on `x` and returns how many elements differ from `expected`."""
    out_type = tensor_type(expected.shape)
    # The expected values as a function of the same signature, so that
    # make_comparison.py compares the two.
    original = ('func.func @original(%%arg0: %s) -> %s {\n  %%0 = "tosa.const"() '
                '{values = dense<"0x%s"> : %s} : () -> %s\n  return %%0 : %s\n}\n'
                % (tensor_type(x.shape), out_type, hex_of(expected), out_type, out_type, out_type))
    (tmp_path / "original.mlir").write_text(original)
    (tmp_path / "candidate.mlir").write_text(text)
    subprocess.run([sys.executable, os.path.join(SOURCE, "test", "Execution", "Inputs", "make_comparison.py"),
                    str(tmp_path / "original.mlir"), str(tmp_path / "candidate.mlir"),
                    "-o", str(tmp_path / "both.mlir")], check=True)
    # make_comparison feeds a sine pattern; feed x instead.
    both = (tmp_path / "both.mlir").read_text()
    marker = '%in0 = arith.constant dense<"0x'
    start = both.index(marker) + len(marker)
    end = both.index('"', start)
    both = both[:start] + hex_of(x) + both[end:]
    lowered = subprocess.run([os.path.join(BUILD, "bin", "serenity-opt"), "-",
                              "--pass-pipeline=" + lowering.LOWER_TO_LLVM], input=both,
                             check=True, stdout=subprocess.PIPE, text=True).stdout
    run = subprocess.run(lowering.runner_command(lowering.llvm_tools_dir(), lowering.llvm_lib_dir()),
                         input=lowered, check=True, stdout=subprocess.PIPE, text=True).stdout
    # One output: exactly one count (a stray line before it would hide a
    # failure if only the last were read).
    lines = run.split()
    assert len(lines) == 1, "expected one count, mlir-runner printed: %r" % run
    return int(lines[0])


def run_function(tmp_path, text, inputs, pipeline=False):
    """Runs the one public function of `text` on `inputs` (numpy arrays of
    its argument types) with mlir-runner: bufferized as upstream does, or
    through --serenity-pipeline (`pipeline` True, or its options as a
    string). Returns its results (integers; f32 as their bits) and the heap
    peak in bytes."""
    sources = os.path.join(SOURCE, "test", "Execution", "Inputs")
    sys.path.insert(0, sources)
    import compare_runs  # noqa: E402
    model = tmp_path / "model.mlir"
    model.write_text(text)
    opt = os.path.join(BUILD, "bin", "serenity-opt")
    if isinstance(pipeline, str):
        flags = ["--serenity-pipeline=" + pipeline]
    else:
        flags = (["--serenity-pipeline"] if pipeline
                 else ["--pass-pipeline=" + lowering.BUFFERIZE_UPSTREAM])
    bufferized = subprocess.run([opt, str(model)] + flags, check=True, stdout=subprocess.PIPE,
                                text=True).stdout
    (tmp_path / "bufferized.mlir").write_text(bufferized)
    (tmp_path / "inputs.txt").write_text("\n".join(
        np.ascontiguousarray(x).tobytes().hex() for x in inputs) + "\n")
    subprocess.run([sys.executable, os.path.join(sources, "make_runner.py"), str(model),
                    str(tmp_path / "bufferized.mlir"), "--input-data", str(tmp_path / "inputs.txt"),
                    "-o", str(tmp_path / "run.mlir")], check=True)
    lowered = subprocess.run([opt, str(tmp_path / "run.mlir"),
                              "--pass-pipeline=" + lowering.LOWER_MEMREFS_TO_LLVM], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
    counter = os.path.join(BUILD, "lib", "libSerenityHeapCounter.so")
    run = subprocess.run(lowering.runner_command(lowering.llvm_tools_dir(), lowering.llvm_lib_dir(),
                                                 [counter]),
                         input=lowered, check=True, stdout=subprocess.PIPE, text=True).stdout
    (tmp_path / "run.txt").write_text(run)
    results, heap, _ = compare_runs.parse(str(tmp_path / "run.txt"))
    return [np.array(r, np.int64) for r in results], heap
