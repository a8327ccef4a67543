"""Quantized real models: torchvision's quantizable classifiers quantized as
a user does with Debian's torch (qnnpack post-training static quantization,
benchmarks/real_models.py builds them), exported to ONNX (QDQ, opset 13),
imported to int8 TOSA, verified, scheduled, run through --serenity-pipeline
with mlir-runner, and compared with PyTorch's quantized logits: bit for
bit, with no heap.

One model without a quantizable variant (real_models.FX_QUANTIZED_MODEL) is
quantized with FX graph mode instead.

By default the models run at 64x64 (Inception-v3 at 75x75); `--full` runs
them at 224x224 (Inception-v3 at 299x299).
"""

import os
import re
import subprocess
import sys

import numpy as np
import pytest

import serenity
from serenity.onnx_import import import_model
from conftest import BUILD, SOURCE
from execution import run_function

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision.models.quantization")
onnx = pytest.importorskip("onnx")

sys.path.insert(0, os.path.join(SOURCE, "benchmarks"))
from real_models import (FX_QUANTIZED_MODEL, QUANTIZED_MODELS, export_quantized,  # noqa: E402
                         input_size)


@pytest.mark.parametrize("name,fx", [(name, False) for name in QUANTIZED_MODELS]
                         + [(FX_QUANTIZED_MODEL, True)])
def test_quantized_torchvision_model_runs_bit_exact(name, fx, tmp_path, request):
    full = request.config.getoption("--full")
    size = input_size(name) if full else (75 if name == "inception_v3" else 64)
    path = tmp_path / ("%s.onnx" % name)
    x, expected, scale, zero_point = export_quantized(name, size, str(path), fx)
    # A spread of logits, not one value: the comparison means something.
    assert len(np.unique(expected)) > 50

    # Imported (and verified): uint8 in and out, with their quantization.
    text = import_model(onnx.load(str(path)), name)
    assert text.startswith('func.func @%s(%%arg0: tensor<1x3x%dx%dxui8> {serenity.layout = "NCHW", '
                           "serenity.quantization = "
                           "!quant.uniform<u8:f32, " % (name, size, size))
    assert ("-> (tensor<1x1000xui8> {serenity.quantization = !quant.uniform<u8:f32, %r:%d>})"
            % (scale, zero_point)) in text

    # Scheduled: proven optimal.
    (function,) = serenity.schedule(text, memory_model="bufferized").functions
    assert function.status == "optimal", function
    assert function.peak_bytes <= function.input_peak_bytes

    # The pipeline's memory model predicts the arena that runs: its peak is
    # the placed arena's live-bytes bound.
    reports = subprocess.run([os.path.join(BUILD, "bin", "serenity-opt"), "-",
                              "--serenity-pipeline=keep-reports=1"], input=text, check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    bound, peak = re.search(r"live_bound = (\d+),.*serenity\.schedule<peak = (\d+),", reports).groups()
    assert peak == bound

    # Through the pipeline: PyTorch's logits bit for bit, and no heap.
    (logits,), heap = run_function(tmp_path, text, [x], pipeline=True)
    mismatches = int(np.count_nonzero(logits != expected.reshape(-1)))
    print("%s at %dx%d: %d of %d logits differ from PyTorch's" % (name, size, size, mismatches,
                                                                  logits.size))
    assert mismatches == 0
    assert heap == 0


def test_mobilenet_v2_in_patches_runs_bit_exact(tmp_path, request):
    """MobileNetV2 through --serenity-pipeline with patches within 10% extra
    MACs (the issue's budget): halo caches copied before a band is written
    over in place, parts of bands written where they go while the next op
    reads them. PyTorch's logits bit for bit, no heap, and the arena that
    runs is the one the pass modeled."""
    full = request.config.getoption("--full")
    size = input_size("mobilenet_v2") if full else 64
    path = tmp_path / "mobilenet_v2.onnx"
    x, expected, _, _ = export_quantized("mobilenet_v2", size, str(path), False)
    text = import_model(onnx.load(str(path)), "mobilenet_v2")
    options = "tile-spatial=1 max-extra-macs=10"
    remarks = subprocess.run([os.path.join(BUILD, "bin", "serenity-opt"), "-",
                              "--serenity-pipeline=" + options, "-o", os.devnull], input=text,
                             check=True, stderr=subprocess.PIPE, text=True).stderr
    tiled = re.search(r"serenity-tile-spatial: .* group\(s\).*-> (\d+) bytes \(modeled\), "
                      r"MACs (\d+) -> (\d+) .*halos cached in [1-9]", remarks)
    assert tiled, remarks
    modeled, macs_before, macs_after = (int(v) for v in tiled.groups())
    assert macs_after <= 1.1 * macs_before
    bound = re.search(r"serenity-plan-memory: arena of \d+ bytes for \d+ buffers, "
                      r"live-bytes bound (\d+)", remarks)
    assert bound and int(bound.group(1)) == modeled, remarks

    (logits,), heap = run_function(tmp_path, text, [x], pipeline=options)
    assert int(np.count_nonzero(logits != expected.reshape(-1))) == 0
    assert heap == 0
