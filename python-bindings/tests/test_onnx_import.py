"""The ONNX importer: structure, errors, and numerics against numpy through
the upstream MLIR lowering and mlir-runner."""

import os
import subprocess
import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import serenity
from serenity.onnx_import import import_model

from conftest import BUILD, SOURCE

sys.path.insert(0, os.path.join(SOURCE, "test"))
import lowering  # noqa: E402

rng = np.random.default_rng(7)


def weight(name, shape, scale=0.3):
    return nh.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def model(nodes, inputs, outputs, inits, name="net"):
    graph = h.make_graph(nodes, name, inputs, outputs, inits)
    m = h.make_model(graph, opset_imports=[h.make_opsetid("", 14)])
    onnx.checker.check_model(m)
    return m


# -- a numpy reference of the ONNX ops the tests use ------------------------
def conv_ref(x, w, b, pads, strides, dilations, group):
    n, c, height, width = x.shape
    o, cg, kh, kw = w.shape
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (x.shape[2] - dilations[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (x.shape[3] - dilations[1] * (kw - 1) - 1) // strides[1] + 1
    y = np.zeros((n, o, oh, ow), np.float64)
    per_out = o // group
    for oc in range(o):
        g = oc // per_out
        for i in range(kh):
            for j in range(kw):
                patch = x[:, g * cg:(g + 1) * cg,
                          i * dilations[0]:i * dilations[0] + strides[0] * (oh - 1) + 1:strides[0],
                          j * dilations[1]:j * dilations[1] + strides[1] * (ow - 1) + 1:strides[1]]
                y[:, oc] += np.einsum("ncij,c->nij", patch, w[oc, :, i, j])
        y[:, oc] += 0 if b is None else b[oc]
    return y


def pool_ref(x, kernel, strides, pads, kind):
    fill = -np.inf if kind == "max" else np.nan
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])), constant_values=fill)
    oh = (x.shape[2] - kernel[0]) // strides[0] + 1
    ow = (x.shape[3] - kernel[1]) // strides[1] + 1
    y = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * strides[0]:i * strides[0] + kernel[0], j * strides[1]:j * strides[1] + kernel[1]]
            y[:, :, i, j] = window.max(axis=(2, 3)) if kind == "max" else np.nanmean(window, axis=(2, 3))
    return y


def reference(m, feeds):
    values = dict(feeds)
    values.update({i.name: nh.to_array(i).astype(np.float64) for i in m.graph.initializer})
    attr = lambda node, name, default=None: next(
        (h.get_attribute_value(a) for a in node.attribute if a.name == name), default)
    for node in m.graph.node:
        ins = [values[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            out = conv_ref(ins[0], ins[1], ins[2] if len(ins) > 2 else None, attr(node, "pads", [0] * 4),
                           attr(node, "strides", [1, 1]), attr(node, "dilations", [1, 1]), attr(node, "group", 1))
        elif op == "BatchNormalization":
            x, g, b, mean, var = ins
            s = (g / np.sqrt(var + attr(node, "epsilon", 1e-5))).reshape(1, -1, 1, 1)
            out = (x - mean.reshape(1, -1, 1, 1)) * s + b.reshape(1, -1, 1, 1)
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "Clip":
            out = np.clip(ins[0], ins[1], ins[2])
        elif op == "Sigmoid":
            out = 1 / (1 + np.exp(-ins[0]))
        elif op == "Tanh":
            out = np.tanh(ins[0])
        elif op in ("Neg", "Abs", "Exp"):
            out = {"Neg": np.negative, "Abs": np.abs, "Exp": np.exp}[op](ins[0])
        elif op == "HardSwish":
            out = ins[0] * np.clip(ins[0] + 3, 0, 6) / 6
        elif op in ("Add", "Sub", "Mul", "Div"):
            out = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[op](ins[0], ins[1])
        elif op == "Concat":
            out = np.concatenate(ins, axis=attr(node, "axis"))
        elif op in ("MaxPool", "AveragePool"):
            out = pool_ref(ins[0], attr(node, "kernel_shape"), attr(node, "strides", [1, 1]),
                           attr(node, "pads", [0] * 4), "max" if op == "MaxPool" else "avg")
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            out = ins[0].reshape(ins[0].shape[0], -1)
        elif op == "Reshape":
            out = ins[0].reshape([int(d) for d in ins[1]])
        elif op == "Gemm":
            b = ins[1].T if attr(node, "transB", 0) else ins[1]
            out = ins[0] @ b + (ins[2] if len(ins) > 2 else 0)
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        elif op == "Transpose":
            out = ins[0].transpose(attr(node, "perm"))
        elif op == "Pad":
            p = [int(v) for v in ins[1]]
            r = ins[0].ndim
            out = np.pad(ins[0], list(zip(p[:r], p[r:])))
        elif op == "Slice":
            sl = [slice(None)] * ins[0].ndim
            for s, e, a in zip(ins[1], ins[2], ins[3]):
                sl[int(a)] = slice(int(s), int(e))
            out = ins[0][tuple(sl)]
        elif op == "Split":
            outs = np.split(ins[0], np.cumsum([int(v) for v in ins[1]])[:-1], axis=attr(node, "axis", 0))
            for name, value in zip(node.output, outs):
                values[name] = value
            continue
        elif op in ("Identity", "Dropout"):
            out = ins[0]
        elif op == "Squeeze":
            out = np.squeeze(ins[0], axis=tuple(int(a) for a in ins[1]))
        elif op == "Unsqueeze":
            out = np.expand_dims(ins[0], axis=tuple(int(a) for a in ins[1]))
        else:
            raise NotImplementedError(op)
        values[node.output[0]] = out
    return [values[o.name] for o in m.graph.output]


def run_against_numpy(tmp_path, m, input_shape):
    """Imports `m`, runs it with mlir-runner on a random input, and returns
    the number of output elements that differ from numpy's."""
    x = rng.standard_normal(input_shape).astype(np.float32)
    (expected,) = reference(m, {m.graph.input[0].name: x.astype(np.float64)})
    text = import_model(m, "candidate")
    arg_type = "tensor<%sxf32>" % "x".join(map(str, input_shape))
    out_type = "tensor<%sxf32>" % "x".join(map(str, expected.shape))
    data = expected.astype("<f4").tobytes().hex().upper()
    original = ('func.func @original(%%arg0: %s) -> %s {\n  %%0 = "tosa.const"() {values = dense<"0x%s"> : %s}'
                ' : () -> %s\n  return %%0 : %s\n}\n' % (arg_type, out_type, data, out_type, out_type, out_type))
    (tmp_path / "original.mlir").write_text(original)
    (tmp_path / "candidate.mlir").write_text(text)
    subprocess.run([sys.executable, os.path.join(SOURCE, "test", "Execution", "Inputs", "make_comparison.py"),
                    str(tmp_path / "original.mlir"), str(tmp_path / "candidate.mlir"),
                    "-o", str(tmp_path / "both.mlir")], check=True)
    # make_comparison feeds a sine pattern; feed our x instead: replace it.
    both = (tmp_path / "both.mlir").read_text()
    start = both.index('%in0 = arith.constant dense<"0x') + len('%in0 = arith.constant dense<"0x')
    end = both.index('"', start)
    both = both[:start] + x.astype("<f4").tobytes().hex().upper() + both[end:]
    lowered = subprocess.run([os.path.join(BUILD, "bin", "serenity-opt"), "-",
                              "--pass-pipeline=" + lowering.LOWER_TO_LLVM], input=both,
                             check=True, stdout=subprocess.PIPE, text=True).stdout
    run = subprocess.run(lowering.runner_command(lowering.llvm_tools_dir(), lowering.llvm_lib_dir()),
                         input=lowered, check=True, stdout=subprocess.PIPE, text=True).stdout
    return int(run.strip().splitlines()[-1])


def test_small_cnn_matches_numpy(tmp_path):
    nodes = [
        h.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 1, 1, 1], name="conv1"),
        h.make_node("BatchNormalization", ["c1", "g", "be", "mu", "var"], ["bn"], name="bn1"),
        h.make_node("Relu", ["bn"], ["r1"], name="relu1"),
        h.make_node("Conv", ["x", "w2"], ["c2"], group=4, pads=[1, 1, 1, 1], strides=[1, 1], name="depthwise"),
        h.make_node("Concat", ["r1", "c2"], ["cat"], axis=1, name="cat"),
        h.make_node("MaxPool", ["cat"], ["p"], kernel_shape=[2, 2], strides=[2, 2], name="pool"),
        h.make_node("GlobalAveragePool", ["p"], ["gap"], name="gap"),
        h.make_node("Flatten", ["gap"], ["flat"], name="flatten"),
        h.make_node("Gemm", ["flat", "wg", "bg"], ["y"], transB=1, name="fc"),
    ]
    var = nh.from_array((np.abs(rng.standard_normal(6)) + 0.5).astype(np.float32), "var")
    inits = [weight("w1", [6, 4, 3, 3]), weight("b1", [6]), weight("g", [6]), weight("be", [6]),
             weight("mu", [6]), var, weight("w2", [4, 1, 3, 3]), weight("wg", [5, 10]), weight("bg", [5])]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 8, 8])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 5])], inits)
    text = import_model(m)
    assert "BatchNormalization" not in text and '"tosa.mul"' not in text  # folded
    assert text.count('"tosa.conv2d"') == 1 and text.count('"tosa.depthwise_conv2d"') == 1
    assert text.startswith("func.func @net(%arg0: tensor<1x4x8x8xf32>) -> (tensor<1x5xf32>)")
    assert run_against_numpy(tmp_path, m, [1, 4, 8, 8]) == 0


def test_elementwise_and_shape_ops_match_numpy(tmp_path):
    c = lambda name, values: nh.from_array(np.array(values, dtype=np.int64), name)
    nodes = [
        h.make_node("Conv", ["x", "wgrp"], ["g2"], group=2, pads=[0, 0, 0, 0], strides=[2, 2],
                    dilations=[1, 1], name="grouped"),
        h.make_node("Clip", ["g2", "lo", "hi"], ["clip"], name="clip"),
        h.make_node("Sigmoid", ["clip"], ["sig"], name="sigmoid"),
        h.make_node("HardSwish", ["g2"], ["hs"], name="hardswish"),
        h.make_node("Add", ["sig", "hs"], ["sum"], name="add"),
        h.make_node("Mul", ["sum", "scale"], ["prod"], name="mul_const"),
        h.make_node("Sub", ["prod", "hs"], ["diff"], name="sub"),
        h.make_node("Div", ["diff", "two"], ["half"], name="div_const"),
        h.make_node("Pad", ["half", "pads"], ["padded"], name="pad"),
        h.make_node("AveragePool", ["padded"], ["avg"], kernel_shape=[3, 3], strides=[1, 1],
                    pads=[1, 1, 1, 1], name="avgpool"),
        h.make_node("Slice", ["avg", "starts", "ends", "axes"], ["sl"], name="slice"),
        h.make_node("Split", ["sl", "split"], ["s1", "s2"], axis=1, name="split"),
        h.make_node("Identity", ["s1"], ["id"], name="identity"),
        h.make_node("Dropout", ["s2"], ["drop"], name="dropout"),
        h.make_node("Concat", ["drop", "id"], ["cat"], axis=1, name="concat"),
        h.make_node("Transpose", ["cat"], ["tr"], perm=[0, 2, 3, 1], name="transpose"),
        h.make_node("Reshape", ["tr", "shape"], ["flat"], name="reshape"),
        h.make_node("MatMul", ["flat", "wm"], ["mm"], name="matmul"),
        h.make_node("Unsqueeze", ["mm", "ax0"], ["un"], name="unsqueeze"),
        h.make_node("Squeeze", ["un", "ax0"], ["y"], name="squeeze"),
    ]
    inits = [weight("wgrp", [4, 2, 3, 3]),
             nh.from_array(np.array(-0.5, np.float32), "lo"), nh.from_array(np.array(0.75, np.float32), "hi"),
             weight("scale", [4, 1, 1]), nh.from_array(np.array([2.0], np.float32), "two"),
             c("pads", [0, 0, 1, 0, 0, 0, 0, 1]),
             c("starts", [0, 1]), c("ends", [4, 4]), c("axes", [1, 2]), c("split", [3, 1]),
             c("shape", [1, 60]), weight("wm", [60, 6]), c("ax0", [0])]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 9, 9])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 6])], inits)
    assert run_against_numpy(tmp_path, m, [1, 4, 9, 9]) == 0


def test_unsupported_op_names_the_node(tmp_path):
    m = model([h.make_node("Softmax", ["x"], ["y"], name="probabilities")],
              [h.make_tensor_value_info("x", T.FLOAT, [1, 10])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 10])], [])
    path = tmp_path / "m.onnx"
    onnx.save(m, str(path))
    out = tmp_path / "m.mlir"
    result = subprocess.run([os.path.join(BUILD, "bin", "serenity-import-onnx"), str(path), "-o", str(out)],
                            stderr=subprocess.PIPE, text=True)
    assert result.returncode == 1
    assert "Softmax node 'probabilities': unsupported op type" in result.stderr
    assert not out.exists()


def test_dynamic_shape_is_an_error():
    m = model([h.make_node("Relu", ["x"], ["y"], name="relu")],
              [h.make_tensor_value_info("x", T.FLOAT, ["batch", 4])],
              [h.make_tensor_value_info("y", T.FLOAT, ["batch", 4])], [])
    with pytest.raises(Exception, match="graph input 'x' has a dynamic or unknown shape"):
        import_model(m)


def test_irregular_cell_end_to_end():
    """A zoo-like cell (two 1x1-widened branches concatenated into a 1x1
    conv), imported in ONNX order, then rewritten and scheduled."""
    nodes = [
        h.make_node("Conv", ["x", "wa"], ["a1"], name="branch_a_widen"),
        h.make_node("Conv", ["x", "wb"], ["b1"], name="branch_b_widen"),
        h.make_node("Relu", ["a1"], ["a2"], name="branch_a_relu"),
        h.make_node("Relu", ["b1"], ["b2"], name="branch_b_relu"),
        h.make_node("Conv", ["a2", "wa2"], ["a3"], name="branch_a_narrow"),
        h.make_node("Conv", ["b2", "wb2"], ["b3"], name="branch_b_narrow"),
        h.make_node("Concat", ["a3", "b3"], ["cat"], axis=1, name="concat"),
        h.make_node("Relu", ["cat"], ["r"], name="preprocess_relu"),
        h.make_node("Conv", ["r", "wo"], ["y"], name="preprocess_conv"),
    ]
    inits = [weight("wa", [32, 8, 1, 1]), weight("wb", [32, 8, 1, 1]), weight("wa2", [16, 32, 1, 1]),
             weight("wb2", [16, 32, 1, 1]), weight("wo", [8, 32, 1, 1])]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 8, 16, 16])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 8, 16, 16])], inits)
    text = import_model(m)
    as_imported = serenity.analyze(text)[0].peak_bytes
    scheduled = serenity.schedule(text)
    rewritten = serenity.schedule(text, rewrite=True)
    assert scheduled.input_peak_bytes == as_imported
    assert scheduled.peak_bytes < as_imported
    assert rewritten.peak_bytes < scheduled.peak_bytes
    assert rewritten.status == "optimal"


def test_unfolded_batch_norm_unary_ops_dilated_conv_and_padded_pool_match_numpy(tmp_path):
    nodes = [
        h.make_node("Relu", ["x"], ["r"], name="relu_first"),
        h.make_node("BatchNormalization", ["r", "g", "be", "mu", "var"], ["bn"], name="bn_alone"),
        h.make_node("Tanh", ["bn"], ["t0"], name="tanh"),
        h.make_node("Neg", ["t0"], ["n"], name="neg"),
        h.make_node("Abs", ["n"], ["ab"], name="abs"),
        h.make_node("Exp", ["ab"], ["t"], name="exp"),
        h.make_node("Conv", ["t", "w", "b"], ["c"], pads=[2, 1, 1, 2], strides=[2, 2], dilations=[2, 2],
                    name="dilated"),
        h.make_node("MaxPool", ["c"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
                    name="padded_pool"),
    ]
    var = nh.from_array((np.abs(rng.standard_normal(3)) + 0.5).astype(np.float32), "var")
    inits = [weight("g", [3]), weight("be", [3]), weight("mu", [3]), var,
             weight("w", [5, 3, 3, 3]), weight("b", [5])]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 11, 11])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 5, 3, 3])], inits)
    text = import_model(m)
    assert '"tosa.mul"' in text  # the batch norm, not foldable after a ReLU
    assert run_against_numpy(tmp_path, m, [1, 3, 11, 11]) == 0


def test_report_plots_and_summarizes(tmp_path):
    path = tmp_path / "cell.mlir"
    path.write_text(import_model(h.make_model(h.make_graph(
        [h.make_node("Conv", ["x", "wa"], ["a"], name="a"), h.make_node("Conv", ["x", "wb"], ["b"], name="b"),
         h.make_node("Concat", ["a", "b"], ["y"], axis=1, name="cat")],
        "cell", [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 8, 8])],
        [h.make_tensor_value_info("y", T.FLOAT, [1, 32, 8, 8])],
        [weight("wa", [16, 4, 1, 1]), weight("wb", [16, 4, 1, 1])]),
        opset_imports=[h.make_opsetid("", 14)])))
    result = subprocess.run([os.path.join(BUILD, "bin", "serenity-report"), str(path),
                             "-o", str(tmp_path / "plot")], check=True, stdout=subprocess.PIPE, text=True)
    # Ops: transpose in, two convs, concat, transpose out; weights: two
    # filters, two (zero) biases, the zero point.
    assert "@cell (strict model, 5 ops, 5 weights)" in result.stdout
    assert "serenity:   peak" in result.stdout
    assert "(status optimal, algorithm optimal;" in result.stdout
    assert (tmp_path / "plot.png").stat().st_size > 1000
    assert (tmp_path / "plot.svg").read_text().lstrip().startswith("<?xml")
