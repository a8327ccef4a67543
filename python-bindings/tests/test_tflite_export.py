"""serenity-export-tflite (issue 29): float TOSA written as `.tflite`, run
by stock TFLM with the outputs mlir-runner gives the TOSA; what cannot be
written is one line naming it, and nothing is written."""

import os
import subprocess
import sys

import numpy as np
import pytest

from serenity.tflite.exporter import ExportError, export_tflite
from serenity.tflite.importer import import_tflite
from serenity.tflite.offline_plan import plan_model
from serenity.tflite.schema import read_model

from conftest import BUILD, SOURCE
from execution import run_function
from test_tflite_import import run_tflm

sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "zoo"))
import generate  # noqa: E402

ZOO = ["darts_v2_cell", "nasnet_cell", "amoebanet_cell", "pnasnet_cell", "randwire_s1_cell",
       "randwire_s2_cell", "randwire_s3_cell", "densenet121_block", "inception_v3_a",
       "darts_v2_demo"]


def zoo_model(name, dtype="f32"):
    if name == "darts_v2_demo":  # at its own size
        return generate.generate(name, dtype=dtype)[0]
    return generate.generate(name, size=8, channels=8, dtype=dtype)[0]


@pytest.mark.parametrize("name", ZOO)
def test_zoo_exported_runs_in_tflm_as_under_mlir_runner(tmp_path, name):
    """Every zoo cell and the demo: stock TFLM's output of the exported
    file equals mlir-runner's of the TOSA within float tolerance (the
    kernels sum in other orders). tflm_run fills input 0; a second input is
    zeros in both."""
    text = zoo_model(name)
    data = export_tflite(text)
    model = read_model(data)
    shapes = [model.tensors[i].shape for i in model.inputs]
    rng = np.random.default_rng(3)
    inputs = [rng.standard_normal(shapes[0]).astype(np.float32)] + [
        np.zeros(s, np.float32) for s in shapes[1:]]
    expected = np.frombuffer(run_tflm(tmp_path, data, inputs[0]).output, np.float32)
    (result,), _ = run_function(tmp_path, text, inputs)
    got = np.asarray(result, np.int64).astype(np.int32).view(np.float32).ravel()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert np.std(expected) > 0.1


def test_windows_and_activations_map_to_tflite_ops():
    """SAME pads are SAME, PyTorch's stride-2 pads (top 1, bottom 0) an
    explicit PAD, RELU clamps fused into their producer; reading the file
    back gives the same ops, and re-exporting its import gives them too."""
    data = export_tflite(zoo_model("randwire_s1_cell"))
    model = read_model(data)
    ops = [op.opcode for op in model.operators]
    assert ops[:4] == ["RELU", "PAD", "DEPTHWISE_CONV_2D", "CONV_2D"]
    pads = [op for op in model.operators if op.opcode == "PAD"]
    assert model.tensors[pads[0].inputs[1]].data.tolist() == [[0, 0], [1, 0], [1, 0], [0, 0]]
    data = export_tflite(zoo_model("inception_v3_a"))
    model = read_model(data)
    assert "RELU" not in [op.opcode for op in model.operators]
    convs = [op for op in model.operators if op.opcode == "CONV_2D"]
    assert {op.options.int8(3) for op in convs} == {1}   # fused RELU
    again = export_tflite(import_tflite(data, "inception_v3_a"))
    assert [op.opcode for op in read_model(again).operators] == [
        op.opcode for op in model.operators]


def test_exported_model_is_planned_for_tflm(tmp_path):
    """The exported file goes on to serenity-plan-tflite: stock TFLM runs
    the plan in the arena predicted, with the same output."""
    data = export_tflite(zoo_model("inception_v3_a"))
    plan = plan_model(data, rewrite=True, objective="activations")
    x = np.random.default_rng(1).standard_normal((1, 8, 8, 8)).astype(np.float32)
    written, planned = run_tflm(tmp_path, data, x, "w"), run_tflm(tmp_path, plan.data, x, "p")
    assert planned.output == written.output
    assert planned.head == plan.arena_bytes < written.head


def test_int8_and_unknown_ops_are_one_line_and_nothing_is_written(tmp_path):
    tool = os.path.join(BUILD, "bin", "serenity-export-tflite")
    model, out = tmp_path / "m.mlir", tmp_path / "m.tflite"
    model.write_text(zoo_model("inception_v3_a", "int8"))
    run = subprocess.run([tool, str(model), "-o", str(out)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    assert run.returncode == 1 and not out.exists()
    assert len(run.stderr.strip().splitlines()) == 1
    assert "argument 0 is tensor<1x8x8x8xi8>" in run.stderr
    assert "serenity-plan-tflite" in run.stderr
    text = """func.func @f(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %y = tosa.floor %x : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("the_floor")
  return %y : tensor<1x4xf32>
}"""
    with pytest.raises(ExportError, match=r"tosa.floor \(at the_floor\): no TFLite op"):
        export_tflite(text)
