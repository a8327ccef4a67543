"""Real models: torchvision's CNN classifiers, exported with random weights
as a user would (torch.onnx.export, opset 13, batch 1), imported, verified,
scheduled, and run with mlir-runner against PyTorch's output.

By default the models run at a reduced input size that each architecture
allows (64x64; Inception-v3 needs 75x75), and VGG-11 and AlexNet, whose
adaptive pooling only exports at 224x224 and whose 133 M and 61 M weights
take a minute each to lower and run, are skipped. `--full` runs every model
at 224x224 (Inception-v3 at 299x299), as benchmarks/real_models.py does.
"""

import os
import sys

import numpy as np
import pytest

import serenity
from serenity.onnx_import import import_model
from conftest import SOURCE
from execution import count_mismatches

torch = pytest.importorskip("torch")
pytest.importorskip("torchvision.models")
onnx = pytest.importorskip("onnx")

# The models, built as the real-models benchmark builds them.
sys.path.insert(0, os.path.join(SOURCE, "benchmarks"))
from real_models import MODELS, build  # noqa: E402
import real_models  # noqa: E402
# Only at full size: the adaptive pooling before the classifier exports
# only where it divides the feature map evenly (7x7 and 6x6 at 224x224).
FULL_SIZE_ONLY = {"vgg11", "alexnet"}


def input_size(name, full):
    if full:
        return real_models.input_size(name)
    return 75 if name == "inception_v3" else 64


@pytest.mark.parametrize("name", MODELS)
def test_torchvision_model_imports_schedules_and_matches_pytorch(name, tmp_path, request):
    full = request.config.getoption("--full")
    if name in FULL_SIZE_ONLY and not full:
        pytest.skip("%s exports only at 224x224; run with --full" % name)
    size = input_size(name, full)
    network = build(name)
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((1, 3, size, size)).astype(np.float32))
    with torch.no_grad():
        expected = network(x).numpy()
    path = tmp_path / ("%s.onnx" % name)
    torch.onnx.export(network, x, str(path), opset_version=13, input_names=["input"],
                      output_names=["logits"])

    # Imported and verified (import_model runs MLIR's verifier).
    text = import_model(onnx.load(str(path)), name)
    assert text.startswith('func.func @%s(%%arg0: tensor<1x3x%dx%dxf32> {serenity.layout = "NCHW"}) '
                           "-> (tensor<1x1000xf32>)"
                           % (name, size, size))

    # Scheduled: proven optimal, never above the exported order.
    for memory_model in ("strict", "bufferized"):
        (function,) = serenity.schedule(text, memory_model=memory_model).functions
        assert function.status == "optimal", (memory_model, function)
        assert function.peak_bytes <= function.input_peak_bytes

    # The same outputs as PyTorch, element by element.
    assert count_mismatches(tmp_path, text, x.numpy(), expected) == 0
