"""Quantized ONNX models (QDQ and QLinear ops) imported to int8 TOSA and run
with mlir-runner on integer inputs, against numpy integer arithmetic: bit
for bit. Each reference is written from the producer's definition (qnnpack's
float32 requantization and add, TOSA's apply_scale_32, ONNX's QLinear ops),
not from the importer; each result is also within one step of the model's
real-valued meaning (dequantize, compute exactly, quantize)."""

import math
import os
import re
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

from serenity.onnx_import import import_model, main as import_main
from serenity.onnx.base import ImportError_

from conftest import SOURCE
from execution import run_function
from test_onnx_import import conv_ref

sys.path.insert(0, os.path.join(SOURCE, "test", "Execution", "Inputs"))
from int8_reference import apply_scale_32  # noqa: E402

rng = np.random.default_rng(27)
STORAGE = {"ui8": (np.uint8, T.UINT8, 0, 255), "i8": (np.int8, T.INT8, -128, 127)}


def model(nodes, inputs, outputs, inits, opset=13, domains=()):
    graph = h.make_graph(nodes, "q", inputs, outputs, inits)
    m = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)]
                     + [h.make_opsetid(d, 1) for d in domains])
    if not domains:
        onnx.checker.check_model(m)
    return m


def scalar(name, value, dtype):
    return nh.from_array(np.array(value, dtype), name)


def qdq(prefix, source, scale, zero_point, storage, inits, nodes):
    """QuantizeLinear then DequantizeLinear of `source`; returns the names
    of the quantized and the dequantized values."""
    dtype = STORAGE[storage][0]
    inits += [scalar(prefix + "_s", scale, np.float32), scalar(prefix + "_z", zero_point, dtype)]
    nodes += [h.make_node("QuantizeLinear", [source, prefix + "_s", prefix + "_z"], [prefix + "_q"]),
              h.make_node("DequantizeLinear", [prefix + "_q", prefix + "_s", prefix + "_z"],
                          [prefix + "_dq"])]
    return prefix + "_q", prefix + "_dq"


def quantized_weights(name, values, scales, axis, inits, nodes, zero_point=0):
    """A DequantizeLinear of int8 constants (per tensor or along `axis`)."""
    scales = np.asarray(scales, np.float32)
    inits += [nh.from_array(values.astype(np.int8), name + "_w"),
              nh.from_array(scales.reshape(-1) if scales.size > 1 else scales.reshape(()), name + "_ws"),
              nh.from_array(np.full(scales.shape, zero_point, np.int8).reshape(-1) if scales.size > 1
                            else np.array(zero_point, np.int8), name + "_wz")]
    attrs = {"axis": axis} if scales.size > 1 else {}
    nodes.append(h.make_node("DequantizeLinear", [name + "_w", name + "_ws", name + "_wz"],
                             [name + "_wdq"], **attrs))
    return name + "_wdq"


def quantized_bias(name, values, scales, inits, nodes):
    inits += [nh.from_array(values.astype(np.int32), name + "_b"),
              nh.from_array(np.asarray(scales, np.float32).reshape(-1), name + "_bs"),
              nh.from_array(np.zeros(np.asarray(scales).size, np.int32), name + "_bz")]
    attrs = {"axis": 0} if np.asarray(scales).size > 1 else {}
    nodes.append(h.make_node("DequantizeLinear", [name + "_b", name + "_bs", name + "_bz"],
                             [name + "_bdq"], **attrs))
    return name + "_bdq"


def random_ints(shape, storage):
    _, _, low, high = STORAGE[storage]
    return rng.integers(low, high + 1, size=shape).astype(STORAGE[storage][0])


def run(tmp_path, m, inputs, **options):
    text = import_model(m, "q", **options)
    results, heap = run_function(tmp_path, text, inputs)
    return text, results


# -- references -----------------------------------------------------------------
def qnnpack_requantize(acc, factors, zero_point, low, high):
    """qnnpack's float32 requantization: the accumulator in float32 times the
    float32 factor, rounded half to even, plus the zero point, saturated."""
    scaled = acc.astype(np.float32) * np.asarray(factors, np.float32)
    return np.clip(np.rint(scaled).astype(np.int64) + zero_point, low, high)


def tosa_multiplier(real):
    """TFLite's QuantizeMultiplier: real = m * 2^-shift, 2^30 <= m < 2^31."""
    mantissa, exponent = math.frexp(real)
    m = int(round(mantissa * (1 << 31)))
    if m == 1 << 31:
        m, exponent = m // 2, exponent + 1
    return m, 31 - exponent


def real_quantize(real, scale, zero_point, low, high):
    return np.clip(np.rint(real / scale) + zero_point, low, high).astype(np.int64)


def conv_case(storage, per_channel, group=1, relu=True):
    """A QDQ convolution: x -> Q/DQ -> Conv(DQ(w), DQ(bias)) -> Relu -> Q/DQ."""
    dtype, onnx_type, low, high = STORAGE[storage]
    c, o, k = 4, 6 if group == 1 else 4, 3
    x_scale, x_zp = 0.05, (130 if storage == "ui8" else 3)
    y_scale, y_zp = 0.09, (120 if storage == "ui8" else -7)
    w = rng.integers(-127, 128, size=(o, c // group, k, k))
    w_scales = (np.linspace(0.004, 0.011, o) if per_channel else np.array(0.007)).astype(np.float32)
    acc_scales = (np.float32(x_scale) * np.broadcast_to(w_scales, (o,))).astype(np.float32)
    bias = rng.integers(-3000, 3000, size=o)
    inits, nodes = [], []
    _, x_dq = qdq("x", "x", x_scale, x_zp, storage, inits, nodes)
    w_dq = quantized_weights("c", w, w_scales, 0, inits, nodes)
    b_dq = quantized_bias("c", bias, acc_scales, inits, nodes)
    nodes.append(h.make_node("Conv", [x_dq, w_dq, b_dq], ["conv"], pads=[1, 1, 1, 1],
                             strides=[2, 1], group=group))
    last = "conv"
    if relu:
        nodes.append(h.make_node("Relu", ["conv"], ["relu"]))
        last = "relu"
    y_q, y_dq = qdq("y", last, y_scale, y_zp, storage, inits, nodes)
    nodes.append(h.make_node("Identity", [y_dq], ["y"]))
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, c, 6, 5])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, o, 3, 5])], inits)
    x = random_ints((1, c, 6, 5), storage)
    acc = conv_ref(x.astype(np.int64) - x_zp, w, bias, [1, 1, 1, 1], [2, 1], [1, 1],
                   group).astype(np.int64)
    inverse = np.float32(1) / np.float32(y_scale)
    factors = ((np.broadcast_to(w_scales, (o,)).astype(np.float32) * np.float32(x_scale))
               * inverse).reshape(1, o, 1, 1)
    expected = qnnpack_requantize(acc, factors, y_zp, y_zp if relu else low, high)
    real = acc * acc_scales.reshape(1, o, 1, 1).astype(np.float64)
    real = np.maximum(real, 0) if relu else real
    meant = real_quantize(real, y_scale, y_zp, low, high)
    return m, x, expected, meant


@pytest.mark.parametrize("storage", ["ui8", "i8"])
@pytest.mark.parametrize("per_channel", [False, True], ids=["per-tensor", "per-channel"])
def test_qdq_conv_is_bit_exact(tmp_path, storage, per_channel):
    m, x, expected, meant = conv_case(storage, per_channel)
    text, (result,) = run(tmp_path, m, [x])
    # Integers at the boundary, with the model's quantization.
    element = "ui8" if storage == "ui8" else "i8"
    assert re.search(r"%%arg0: tensor<1x4x6x5x%s> \{serenity.layout = \"NCHW\", serenity.quantization = "
                     r"!quant.uniform<%s:f32, "
                     r"0.05\d*:%s>\}" % (element, "u8" if storage == "ui8" else "i8",
                                         130 if storage == "ui8" else 3), text)
    assert '"tosa.conv2d"' in text and "acc_type = i32" in text and "xf32>" not in text.split(
        "func.func")[1].split("tosa.conv2d")[0]
    assert np.array_equal(result, expected.reshape(-1))
    assert np.abs(result - meant.reshape(-1)).max() <= 1


def test_qdq_depthwise_conv_is_bit_exact(tmp_path):
    m, x, expected, _ = conv_case("ui8", True, group=4, relu=False)
    text, (result,) = run(tmp_path, m, [x])
    assert '"tosa.depthwise_conv2d"' in text
    assert np.array_equal(result, expected.reshape(-1))


def test_tflite_arithmetic_rounds_twice(tmp_path):
    """rounding="tflite": a fixed-point rescale with double rounding."""
    m, x, _, meant = conv_case("i8", True)
    text, (result,) = run(tmp_path, m, [x], rounding="tflite")
    assert "DOUBLE_ROUND" in text
    w_scales = np.linspace(0.004, 0.011, 6).astype(np.float32)
    inits = {i.name: nh.to_array(i) for i in m.graph.initializer}
    acc = conv_ref(x.astype(np.int64) - 3, inits["c_w"].astype(np.int64), inits["c_b"],
                   [1, 1, 1, 1], [2, 1], [1, 1], 1).astype(np.int64).transpose(0, 2, 3, 1)
    params = [tosa_multiplier(np.float64(np.float32(0.05)) * np.float64(s) / np.float64(np.float32(0.09)))
              for s in w_scales]
    scaled = apply_scale_32(acc, [p[0] for p in params], [p[1] for p in params], True)
    expected = np.clip(np.clip(scaled - 7, -128, 127), -7, 127).transpose(0, 3, 1, 2)
    assert np.array_equal(result, expected.reshape(-1))
    assert np.abs(result - meant.reshape(-1)).max() <= 1


def qnnpack_add(a, za, sa, b, zb, sb, zy, sy, low, high):
    """qnnpack's add: integer multipliers below 2^22 of the float32 scale
    ratios, the sum shifted right rounding half away from zero."""
    ra, rb = np.float32(sa) / np.float32(sy), np.float32(sb) / np.float32(sy)
    shift = 21 - (int(np.frexp(max(ra, rb))[1]) - 1)
    ma, mb = (int(np.rint(r * np.float32(2.0 ** shift))) for r in (ra, rb))
    acc = (a.astype(np.int64) - za) * ma + (b.astype(np.int64) - zb) * mb
    magnitude = (np.abs(acc) + (1 << (shift - 1))) >> shift
    return np.clip(np.sign(acc) * magnitude + zy, low, high)


@pytest.mark.parametrize("scales", [(0.031, 0.017, 0.043), (0.02, 0.01, 0.04)],
                         ids=["any", "halfway"])
def test_qdq_add_of_different_scales_is_bit_exact(tmp_path, scales):
    """Scales of ratios 1/2 and 1/4 make a quarter of the sums fall halfway
    (half of them negative): the rounding is checked."""
    sa, sb, sy = scales
    inits, nodes = [], []
    _, a_dq = qdq("a", "a", sa, 120, "ui8", inits, nodes)
    _, b_dq = qdq("b", "b", sb, 140, "ui8", inits, nodes)
    nodes.append(h.make_node("Add", [a_dq, b_dq], ["sum"]))
    _, y_dq = qdq("y", "sum", sy, 128, "ui8", inits, nodes)
    nodes.append(h.make_node("Identity", [y_dq], ["y"]))
    shape = [1, 3, 4, 5]
    m = model(nodes, [h.make_tensor_value_info(n, T.FLOAT, shape) for n in "ab"],
              [h.make_tensor_value_info("y", T.FLOAT, shape)], inits)
    a, b = random_ints(shape, "ui8"), random_ints(shape, "ui8")
    text, (result,) = run(tmp_path, m, [a, b])
    expected = qnnpack_add(a, 120, sa, b, 140, sb, 128, sy, 0, 255)
    assert np.array_equal(result, expected.reshape(-1))
    real = (a.astype(np.float64) - 120) * np.float32(sa) + (b.astype(np.float64) - 140) * np.float32(sb)
    assert np.abs(result - real_quantize(real, np.float32(sy), 128, 0, 255).reshape(-1)).max() <= 1


def test_qdq_concat_of_different_scales_is_bit_exact(tmp_path):
    """Inputs of other scales are rescaled to the output's (single
    rounding, TOSA's apply_scale_32); the one of the same scale is kept."""
    inits, nodes = [], []
    _, a_dq = qdq("a", "a", 0.02, -5, "i8", inits, nodes)
    _, b_dq = qdq("b", "b", 0.05, 10, "i8", inits, nodes)
    nodes.append(h.make_node("Concat", [a_dq, b_dq], ["cat"], axis=1))
    _, y_dq = qdq("y", "cat", 0.05, 10, "i8", inits, nodes)
    nodes.append(h.make_node("Identity", [y_dq], ["y"]))
    m = model(nodes, [h.make_tensor_value_info(n, T.FLOAT, [1, 2, 3, 3]) for n in "ab"],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 4, 3, 3])], inits)
    a, b = random_ints([1, 2, 3, 3], "i8"), random_ints([1, 2, 3, 3], "i8")
    text, (result,) = run(tmp_path, m, [a, b])
    assert text.count('"tosa.rescale"') == 1
    multiplier, shift = tosa_multiplier(np.float64(np.float32(0.02)) / np.float64(np.float32(0.05)))
    rescaled = np.clip(apply_scale_32(a.astype(np.int64) + 5, multiplier, shift, False) + 10,
                       -128, 127)
    expected = np.concatenate([rescaled, b.astype(np.int64)], axis=1)
    assert np.array_equal(result, expected.reshape(-1))


def test_qlinear_conv_and_matmul_are_bit_exact(tmp_path):
    """QLinearConv (uint8 input, int8 weights, i32 bias) then a flatten and
    a QLinearMatMul: integer graph inputs and outputs, as the ops say."""
    x_s, x_z, c_s, c_z, y_s, y_z = 0.04, 128, 0.08, 100, 0.3, 131
    w = rng.integers(-100, 101, size=(3, 2, 3, 3))
    bias = rng.integers(-500, 500, size=3)
    k = rng.integers(-90, 91, size=(27, 5))
    inits = [scalar("xs", x_s, np.float32), scalar("xz", x_z, np.uint8),
             nh.from_array(w.astype(np.int8), "w"), scalar("ws", 0.006, np.float32),
             scalar("wz", 0, np.int8), scalar("cs", c_s, np.float32), scalar("cz", c_z, np.uint8),
             nh.from_array(bias.astype(np.int32), "b"), nh.from_array(k.astype(np.int8), "k"),
             scalar("ks", 0.01, np.float32), scalar("kz", 0, np.int8),
             scalar("ys", y_s, np.float32), scalar("yz", y_z, np.uint8),
             nh.from_array(np.array([1, 27], np.int64), "flat")]
    nodes = [h.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "cs", "cz", "b"], ["c"],
                         pads=[0, 0, 0, 0]),
             h.make_node("Reshape", ["c", "flat"], ["f"]),
             h.make_node("QLinearMatMul", ["f", "cs", "cz", "k", "ks", "kz", "ys", "yz"], ["y"])]
    m = model(nodes, [h.make_tensor_value_info("x", T.UINT8, [1, 2, 5, 5])],
              [h.make_tensor_value_info("y", T.UINT8, [1, 5])], inits)
    x = random_ints([1, 2, 5, 5], "ui8")
    text, (result,) = run(tmp_path, m, [x])
    assert "%arg0: tensor<1x2x5x5xui8> {serenity.layout" in text and "-> (tensor<1x5xui8>" in text
    acc = conv_ref(x.astype(np.int64) - x_z, w, bias, [0, 0, 0, 0], [1, 1], [1, 1], 1).astype(np.int64)
    factor = (np.float32(0.006) * np.float32(x_s)) * (np.float32(1) / np.float32(c_s))
    c = qnnpack_requantize(acc, factor, c_z, 0, 255)
    product = (c.reshape(1, 27) - c_z) @ k
    factor = (np.float32(0.01) * np.float32(c_s)) * (np.float32(1) / np.float32(y_s))
    expected = qnnpack_requantize(product, factor, y_z, 0, 255)
    assert np.array_equal(result, expected.reshape(-1))


def test_quantized_tables_and_pools(tmp_path):
    """HardSwish through a 256-entry table (qnnpack's lookup: dequantize, map
    in float32, quantize), a max pool and a global average (qnnpack's: the
    sum in float32 times in / (out * count), that factor computed in
    float32, rounded half to even)."""
    inits, nodes = [], []
    _, x_dq = qdq("x", "x", 0.05, 128, "ui8", inits, nodes)
    nodes.append(h.make_node("HardSwish", [x_dq], ["hs"]))
    _, hs_dq = qdq("hs", "hs", 0.03, 20, "ui8", inits, nodes)
    nodes.append(h.make_node("MaxPool", [hs_dq], ["mp"], kernel_shape=[2, 2], strides=[2, 2]))
    _, mp_dq = qdq("mp", "mp", 0.03, 20, "ui8", inits, nodes)
    nodes.append(h.make_node("GlobalAveragePool", [mp_dq], ["gap"]))
    _, y_dq = qdq("y", "gap", 0.025, 10, "ui8", inits, nodes)
    nodes.append(h.make_node("Identity", [y_dq], ["y"]))
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 6, 6])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 3, 1, 1])], inits, opset=14)
    x = random_ints([1, 3, 6, 6], "ui8")
    text, (result,) = run(tmp_path, m, [x])
    assert '"tosa.table"' in text and '"tosa.max_pool2d"' in text
    real = np.float32(0.05) * (x.astype(np.float32) - np.float32(128))
    mapped = real * np.clip(real + np.float32(3), 0, 6) / np.float32(6)
    hs = np.clip(np.rint(mapped / np.float32(0.03)) + 20, 0, 255).astype(np.int64)
    mp = hs.reshape(1, 3, 3, 2, 3, 2).max(axis=(3, 5))
    total = (mp - 20).sum(axis=(2, 3))
    factor = np.float32(0.03) / (np.float32(0.025) * np.float32(9))
    expected = qnnpack_requantize(total, factor, 10, 0, 255)
    assert np.array_equal(result, expected.reshape(-1))


def test_an_unquantized_island_is_explicit(tmp_path):
    """A float op outside every pattern (Softmax) runs in float between an
    explicit dequantization and quantization."""
    inits, nodes = [], []
    _, x_dq = qdq("x", "x", 0.1, 0, "i8", inits, nodes)
    nodes.append(h.make_node("Softmax", [x_dq], ["sm"], axis=1))
    _, y_dq = qdq("y", "sm", 1.0 / 256, -128, "i8", inits, nodes)
    nodes.append(h.make_node("Identity", [y_dq], ["y"]))
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 8])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 8])], inits)
    x = random_ints([1, 8], "i8")
    text, (result,) = run(tmp_path, m, [x])
    assert re.search(r'"tosa.cast"\(%arg0\) : \(tensor<1x8xi8>\) -> tensor<1x8xf32>', text)
    assert '"tosa.exp"' in text
    real = x.astype(np.float64) * np.float32(0.1)
    soft = np.exp(real - real.max()) / np.exp(real - real.max()).sum()
    assert np.abs(result - real_quantize(soft, 1.0 / 256, -128, -128, 127).reshape(-1)).max() <= 1


def test_float_io_keeps_the_float_boundary(tmp_path):
    m, x, expected, _ = conv_case("ui8", False)
    text = import_model(m, "q", quantized_io=False)
    assert "%arg0: tensor<1x4x6x5xf32>" in text and "-> (tensor<1x6x3x5xf32>" in text
    assert "serenity.quantization" not in text


def test_unsupported_quantized_patterns_are_named(tmp_path):
    """Per-channel weight zero points and per-axis activation scales cannot
    be TOSA: one line names the node; nothing is written."""
    m, _, _, _ = conv_case("ui8", True)
    for init in m.graph.initializer:
        if init.name == "c_wz":
            init.CopyFrom(nh.from_array(np.arange(6, dtype=np.int8), "c_wz"))
    with pytest.raises(ImportError_, match="^Conv node 'conv': weights with a zero point per "
                                           "channel are not supported$"):
        import_model(m, "q")
    path, out = tmp_path / "bad.onnx", tmp_path / "bad.mlir"
    onnx.save(m, str(path))
    assert import_main([str(path), "-o", str(out)]) == 1 and not out.exists()

    inits, nodes = [nh.from_array(np.array([0.1, 0.2], np.float32), "s"),
                    nh.from_array(np.array([0, 0], np.int8), "z")], []
    nodes.append(h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=1, name="quant"))
    nodes.append(h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], axis=1))
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 2])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 2])], inits)
    with pytest.raises(ImportError_, match="^QuantizeLinear node 'quant': only 8-bit quantization "
                                           "with one scale per tensor"):
        import_model(m, "q")


def test_rounding_option_is_checked():
    m, _, _, _ = conv_case("ui8", False)
    with pytest.raises(ImportError_, match="rounding must be one of pytorch, tflite"):
        import_model(m, "q", rounding="nearest")


def test_python_api_and_report_take_the_int8_model(tmp_path):
    """The convolution, its float32 requantization and its clamp are one op
    of the memory model (as the pipeline fuses them), between the boundary's
    shifts and layout changes: the peak is the uint8 input and its int8
    copy (120 bytes each)."""
    import subprocess

    import serenity
    from conftest import BUILD

    m, _, _, _ = conv_case("ui8", False)
    text = import_model(m, "q")
    (report,) = serenity.analyze(text)
    assert [s.op.split(" = ")[1] for s in report.steps] == [
        "tosa.rescale", "tosa.transpose", "tosa.clamp", "tosa.transpose", "tosa.rescale"]
    assert report.peak_bytes == 240
    path = tmp_path / "q.mlir"
    path.write_text(text)
    result = subprocess.run([os.path.join(BUILD, "bin", "serenity-report"), str(path),
                             "-o", str(tmp_path / "plot"), "--memory-model", "strict"],
                            check=True, stdout=subprocess.PIPE, text=True)
    assert "@q (strict model, 5 ops," in result.stdout
    assert "as written: peak 240 bytes" in result.stdout
    # By default, the pipeline's model (lowering temporaries included).
    (bufferized,) = serenity.analyze(text, "bufferized")
    default = subprocess.run([os.path.join(BUILD, "bin", "serenity-report"), str(path),
                              "-o", str(tmp_path / "plot"), "--no-arena"],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
    assert "@q (bufferized model, 5 ops," in default
    assert "as written: peak %d bytes" % bufferized.peak_bytes in default


def test_input_shape_and_locations_as_for_float_models(tmp_path):
    """A quantized model exported with a dynamic batch takes --input-shape;
    every int8 op carries the name of the node it came from."""
    m, x, expected, _ = conv_case("ui8", False)
    for info in list(m.graph.input) + list(m.graph.output):
        info.type.tensor_type.shape.dim[0].dim_param = "batch"
    with pytest.raises(ImportError_, match="give it with --input-shape x=1x4x6x5"):
        import_model(m, "q")
    text = import_model(m, "q", input_shapes={"x": [1, 4, 6, 5]})
    conv = next(line for line in text.splitlines() if '"tosa.conv2d"' in line)
    assert conv.endswith('loc("conv")')
    requantization = [line for line in text.splitlines() if 'loc("conv")' in line
                      and ('"tosa.cast"' in line or '"tosa.rescale"' in line)]
    assert len(requantization) == 3  # to f32, back to i32, and to i8 with the zero point
    (result,), _ = run_function(tmp_path, text, [x])
    assert np.array_equal(result, expected.reshape(-1))


def test_microsoft_qlinear_add_and_global_average_pool(tmp_path):
    """com.microsoft's QLinearAdd (qnnpack's add) and
    QLinearGlobalAveragePool (a float32 average, half to even) on uint8
    graph inputs."""
    inits = [scalar("as", 0.02, np.float32), scalar("az", 100, np.uint8),
             scalar("bs", 0.01, np.float32), scalar("bz", 140, np.uint8),
             scalar("ss", 0.04, np.float32), scalar("sz", 128, np.uint8),
             scalar("ys", 0.03, np.float32), scalar("yz", 120, np.uint8)]
    nodes = [h.make_node("QLinearAdd", ["a", "as", "az", "b", "bs", "bz", "ss", "sz"], ["s"],
                         domain="com.microsoft"),
             h.make_node("QLinearGlobalAveragePool", ["s", "ss", "sz", "ys", "yz"], ["y"],
                         domain="com.microsoft", channels_last=0)]
    shape = [1, 3, 4, 4]
    m = model(nodes, [h.make_tensor_value_info(n, T.UINT8, shape) for n in "ab"],
              [h.make_tensor_value_info("y", T.UINT8, [1, 3, 1, 1])], inits,
              domains=["com.microsoft"])
    a, b = random_ints(shape, "ui8"), random_ints(shape, "ui8")
    text, (result,) = run(tmp_path, m, [a, b])
    total = qnnpack_add(a, 100, 0.02, b, 140, 0.01, 128, 0.04, 0, 255)
    factor = np.float32(0.04) / (np.float32(0.03) * np.float32(16))
    expected = qnnpack_requantize((total - 128).sum(axis=(2, 3)), factor, 120, 0, 255)
    assert np.array_equal(result, expected.reshape(-1))


def test_global_average_rounds_as_qnnpack(tmp_path):
    """A sum of 490 over 14x14 at equal scales is 2.5 steps: qnnpack's
    float32 factor (0.02267182 / (0.02267182 * 196) = 0.005102041) makes it
    2.50000009, which rounds to 3 (MobileNetV3's first squeeze-and-excite
    block at 224x224 meets it); 1 / (1 / (in / out / count)) would give
    2.49999995 and 2."""
    scale = 0.02267182432115078
    inits, nodes = [], []
    _, x_dq = qdq("x", "x", scale, 17, "ui8", inits, nodes)
    nodes.append(h.make_node("GlobalAveragePool", [x_dq], ["gap"]))
    _, y_dq = qdq("y", "gap", scale, 17, "ui8", inits, nodes)
    nodes.append(h.make_node("Identity", [y_dq], ["y"]))
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 1, 14, 14])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 1, 1, 1])], inits)
    x = np.array([19] * 98 + [20] * 98, np.uint8).reshape(1, 1, 14, 14)
    text, (result,) = run(tmp_path, m, [x])
    assert result.tolist() == [17 + 3]
