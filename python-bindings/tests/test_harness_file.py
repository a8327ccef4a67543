"""benchmarks/harness.py on a user's file whose function is not named after it."""

import csv
import os
import subprocess

from conftest import BUILD, SOURCE


def test_harness_runs_on_any_file(tmp_path):
    with open(os.path.join(SOURCE, "examples", "darts_v2_demo.mlir")) as f:
        text = f.read().replace("@darts_v2_demo", "@renamed_cell")
    model = tmp_path / "my_model.mlir"
    model.write_text(text)
    out = tmp_path / "out"
    run = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "benchmarks", "harness.py"),
                          "--build", BUILD, "--out", str(out), "--no-zoo", "--no-arena",
                          "--repetitions", "1", str(model)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.returncode == 0, run.stderr
    with open(out / "latest.csv") as f:
        rows = list(csv.DictReader(f))
    optimal = [r for r in rows if r["algorithm"] == "optimal" and r["memory_model"] == "strict"]
    assert [(r["model"], r["function"], r["peak_bytes"]) for r in optimal] == [
        ("my_model", "renamed_cell", "655360")]
    rewritten = [r for r in rows if r["algorithm"] == "rewrite+optimal"]
    assert {r["function"] for r in rewritten} == {"renamed_cell"}
    assert (out / "plots" / "my_model.png").stat().st_size > 0


def test_harness_refuses_several_functions_with_one_line(tmp_path):
    model = tmp_path / "two.mlir"
    model.write_text("""
func.func @a(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @b(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.tanh %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
""")
    run = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE, "benchmarks", "harness.py"),
                          "--build", BUILD, "--out", str(tmp_path / "out"), "--no-zoo",
                          "--no-arena", "--no-plots", "--repetitions", "1", str(model)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.returncode != 0
    assert run.stderr.strip() == ("harness.py: two.mlir holds 2 functions (a, b); "
                                  "the harness measures one function per file")
