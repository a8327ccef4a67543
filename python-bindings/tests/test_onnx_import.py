"""The ONNX importer: structure, errors, and numerics against numpy through
the upstream MLIR lowering and mlir-runner."""

import os
import re
import subprocess

import numpy as np
import onnx
import pytest
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

import serenity
from serenity.onnx_import import import_model

from conftest import BUILD
from execution import count_mismatches

rng = np.random.default_rng(7)


def weight(name, shape, scale=0.3):
    return nh.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


def model(nodes, inputs, outputs, inits, name="net", opset=14):
    graph = h.make_graph(nodes, name, inputs, outputs, inits)
    m = h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])
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


def pool_ref(x, kernel, strides, pads, kind, ceil_mode=0, count_include_pad=0):
    """PyTorch's pooling: the padding counts in an average when asked; in
    ceil mode a last partial window starts inside the (padded) input."""
    if kind == "avg" and count_include_pad:
        x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
        pads = [0, 0, 0, 0]
    fill = -np.inf if kind == "max" else np.nan
    sizes = []
    for axis in (0, 1):
        span = x.shape[2 + axis] + pads[axis] + pads[axis + 2] - kernel[axis]
        out = (-(-span // strides[axis]) if ceil_mode else span // strides[axis]) + 1
        if ceil_mode and (out - 1) * strides[axis] >= x.shape[2 + axis] + pads[axis]:
            out -= 1
        sizes.append(out)
    extra = [max(0, (sizes[a] - 1) * strides[a] + kernel[a] - (x.shape[2 + a] + pads[a] + pads[a + 2]))
             for a in (0, 1)]
    x = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2] + extra[0]), (pads[1], pads[3] + extra[1])),
               constant_values=fill)
    oh, ow = sizes
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
        elif op == "Cast":
            out = ins[0].astype({T.FLOAT: np.float32, T.INT64: np.int64,
                                 T.INT32: np.int32}[attr(node, "to")])
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
                           attr(node, "pads", [0] * 4), "max" if op == "MaxPool" else "avg",
                           attr(node, "ceil_mode", 0), attr(node, "count_include_pad", 0))
        elif op == "GlobalMaxPool":
            out = ins[0].max(axis=(2, 3), keepdims=True)
        elif op in ("ReduceMean", "ReduceSum", "ReduceMax"):
            axes = tuple(int(a) for a in (ins[1] if len(ins) > 1 else attr(node, "axes")))
            reduce = {"ReduceMean": np.mean, "ReduceSum": np.sum, "ReduceMax": np.max}[op]
            out = reduce(ins[0], axis=axes, keepdims=bool(attr(node, "keepdims", 1)))
        elif op == "Softmax":
            e = np.exp(ins[0] - ins[0].max(axis=attr(node, "axis", -1), keepdims=True))
            out = e / e.sum(axis=attr(node, "axis", -1), keepdims=True)
        elif op == "LeakyRelu":
            out = np.where(ins[0] > 0, ins[0], ins[0] * attr(node, "alpha", 0.01))
        elif op == "HardSigmoid":
            out = np.clip(ins[0] * attr(node, "alpha", 0.2) + attr(node, "beta", 0.5), 0, 1)
        elif op == "Resize":
            factors = [int(f) for f in ins[2]] if len(ins) > 2 and ins[2] is not None and ins[2].size else [
                int(o // i) for o, i in zip(ins[3], ins[0].shape)]
            out = ins[0]
            for axis, factor in enumerate(factors):
                out = np.repeat(out, factor, axis=axis)
        elif op == "LayerNormalization":
            axes = tuple(range(attr(node, "axis", -1) % ins[0].ndim, ins[0].ndim))
            mean = ins[0].mean(axis=axes, keepdims=True)
            var = ((ins[0] - mean) ** 2).mean(axis=axes, keepdims=True)
            out = (ins[0] - mean) / np.sqrt(var + attr(node, "epsilon", 1e-5)) * ins[1] + ins[2]
        elif op == "Constant":
            out = nh.to_array(attr(node, "value")).astype(np.float64)
        elif op == "Shape":
            out = np.array(ins[0].shape, np.float64)
        elif op == "Gather":
            out = np.take(ins[0], ins[1].astype(np.int64), axis=attr(node, "axis", 0))
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
    return count_mismatches(tmp_path, import_model(m, "candidate"), x, expected)


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
    assert text.startswith('func.func @net(%arg0: tensor<1x4x8x8xf32> {serenity.layout = "NCHW"}) '
                           "-> (tensor<1x5xf32>)")
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


def import_with_the_tool(tmp_path, m):
    """serenity-import-onnx on `m` saved to a file: its run and the path it
    was told to write."""
    path = tmp_path / "m.onnx"
    onnx.save(m, str(path))
    out = tmp_path / "m.mlir"
    result = subprocess.run([os.path.join(BUILD, "bin", "serenity-import-onnx"), str(path), "-o", str(out)],
                            stderr=subprocess.PIPE, text=True)
    return result, out


def test_unsupported_op_names_the_node(tmp_path):
    m = model([h.make_node("LRN", ["x"], ["y"], size=3, name="local_response")],
              [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 5, 5])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 4, 5, 5])], [])
    result, out = import_with_the_tool(tmp_path, m)
    assert result.returncode == 1
    assert "LRN node 'local_response': unsupported op type" in result.stderr
    assert not out.exists()


def test_every_unsupported_op_is_listed_at_once(tmp_path):
    nodes = [h.make_node("LRN", ["x"], ["a"], size=3, name="lrn1"),
             h.make_node("Relu", ["a"], ["b"], name="relu"),
             h.make_node("Hardmax", ["b"], ["c"], name="hardmax"),
             h.make_node("LRN", ["c"], ["y"], size=3, name="lrn2")]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 5, 5])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 4, 5, 5])], [])
    result, out = import_with_the_tool(tmp_path, m)
    assert result.returncode == 1 and not out.exists()
    assert result.stderr.splitlines() == [
        "serenity-import-onnx: 3 nodes of unsupported op types (Hardmax, LRN):",
        "  LRN node 'lrn1'", "  Hardmax node 'hardmax'", "  LRN node 'lrn2'"]


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
                             "-o", str(tmp_path / "plot"), "--json", str(tmp_path / "r.json")],
                            check=True, stdout=subprocess.PIPE, text=True)
    # The report's figures are the pipeline's on an imported model too: the
    # arena serenity.plan plans, each buffer by its ONNX node's name, and
    # the curves' peak its live-bytes bound.
    import json

    import serenity
    (function,) = json.loads((tmp_path / "r.json").read_text())["functions"]
    (planned,) = serenity.plan(path.read_text()).functions
    assert function["arena"]["serenity_bytes"] == planned.arena_bytes
    assert function["serenity"]["peak_bytes"] == planned.live_bound_bytes
    assert {b["location"] for b in function["arena"]["serenity_map"]["buffers"]} >= {"a", "b"}
    # Ops: transpose in, two convs, concat, transpose out; weights: two
    # filters, two (zero) biases, the zero point.
    assert "@cell (bufferized model, 5 ops, 5 weights)" in result.stdout
    # The peak op by its ONNX node's name, not only its SSA name.
    assert re.search(r"as written: peak \d+ bytes at step \d+ \(%\S+ = tosa\.\w+ at (a|b|cat)\)",
                     result.stdout), result.stdout
    assert "serenity:   peak" in result.stdout
    assert "(status optimal, algorithm optimal;" in result.stdout
    assert (tmp_path / "plot.png").stat().st_size > 1000
    assert (tmp_path / "plot.svg").read_text().lstrip().startswith("<?xml")


# -- what torchvision's exports need (issue 12), each on a small graph -------

def ints(name, values):
    return nh.from_array(np.array(values, dtype=np.int64), name)


def test_channel_shuffle_shape_arithmetic_folds_to_constants(tmp_path):
    """ShuffleNet's channel shuffle and chunk as torch exports them: Constant
    nodes and Shape/Gather/Div/Mul/Slice on static shapes, folded at import
    time, so that only the real ops are emitted."""
    const = lambda name, values: h.make_node("Constant", [], [name], name="const_" + name,
                                             value=nh.from_array(np.array(values, np.int64)))
    nodes = [
        const("one", [1]), const("two", [2]), const("zero", [0]),
        h.make_node("Shape", ["x"], ["shape"], name="shape"),
        h.make_node("Gather", ["shape", "one"], ["channels"], axis=0, name="gather_channels"),
        h.make_node("Div", ["channels", "two"], ["half"], name="half_channels"),
        h.make_node("Mul", ["half", "two"], ["all"], name="all_channels"),
        h.make_node("Slice", ["x", "zero", "half", "one"], ["left"], name="chunk_left"),
        h.make_node("Slice", ["x", "half", "all", "one"], ["right"], name="chunk_right"),
        h.make_node("Relu", ["right"], ["branch"], name="branch_relu"),
        h.make_node("Concat", ["left", "branch"], ["cat"], axis=1, name="cat"),
        const("grouped", [1, 2, 2, 3, 3]),
        h.make_node("Reshape", ["cat", "grouped"], ["g"], name="shuffle_view"),
        h.make_node("Transpose", ["g"], ["gt"], perm=[0, 2, 1, 3, 4], name="shuffle_transpose"),
        const("flat", [1, 4, 3, 3]),
        h.make_node("Reshape", ["gt", "flat"], ["y"], name="shuffle_flatten"),
    ]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 3, 3])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 4, 3, 3])], [], name="shuffle")
    text = import_model(m)
    ops = [line.split('"tosa.')[1].split('"')[0] for line in text.splitlines() if '"tosa.' in line]
    # In to NHWC, the chunks, the branch, the concat; back to NCHW for the
    # 5-D view; the shuffle.
    assert [op for op in ops if op != "const"] == [
        "transpose", "slice", "slice", "clamp", "concat", "transpose", "reshape", "transpose",
        "reshape"]
    assert run_against_numpy(tmp_path, m, [1, 4, 3, 3]) == 0


def test_foldable_cast_imports_with_debians_onnx(tmp_path):
    """A shape computed through Cast (torch exports them around shape
    arithmetic and quantization parameters) folds with python3-onnx 1.12,
    which has no onnx.helper.tensor_dtype_to_np_dtype (issue 27: it crashed
    with an AttributeError)."""
    nodes = [
        h.make_node("Constant", [], ["flat_f"], name="flat_as_float",
                    value=nh.from_array(np.array([1, 36], np.float32))),
        h.make_node("Cast", ["flat_f"], ["flat"], to=T.INT64, name="flat_to_int"),
        h.make_node("Reshape", ["x", "flat"], ["r"], name="flatten"),
        h.make_node("Relu", ["r"], ["y"], name="relu"),
    ]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 4, 3, 3])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 36])], [], name="cast")
    text = import_model(m)
    assert "tosa.cast" not in text and "tosa.reshape" in text
    assert run_against_numpy(tmp_path, m, [1, 4, 3, 3]) == 0


def test_strided_windows_over_even_sizes_fit_exactly(tmp_path):
    """ResNet's 1x1 stride-2 shortcut and SqueezeNet's 3x3 stride-2 stem over
    an even size (the last row is never read: sliced off, not padded by -1),
    pooling in ceil mode (GoogLeNet, SqueezeNet), and an average that counts
    its padding (Inception-v3)."""
    nodes = [
        h.make_node("Conv", ["x", "w1"], ["shortcut"], strides=[2, 2], name="shortcut_1x1_s2"),
        h.make_node("MaxPool", ["shortcut"], ["pooled_shortcut"], kernel_shape=[3, 3], strides=[2, 2],
                    ceil_mode=1, name="maxpool_ceil_3x3"),
        h.make_node("Conv", ["x", "w3", "b3"], ["stem"], kernel_shape=[3, 3], strides=[2, 2], name="stem_3x3_s2"),
        h.make_node("MaxPool", ["stem"], ["pooled_stem"], kernel_shape=[2, 2], strides=[2, 2],
                    ceil_mode=1, name="maxpool_ceil_2x2"),
        h.make_node("Add", ["pooled_shortcut", "pooled_stem"], ["sum"], name="add"),
        h.make_node("AveragePool", ["sum"], ["y"], kernel_shape=[3, 3], strides=[1, 1],
                    pads=[1, 1, 1, 1], count_include_pad=1, name="avgpool_counting_pads"),
    ]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 4, 2, 2])],
              [weight("w1", [4, 3, 1, 1]), weight("w3", [4, 3, 3, 3]), weight("b3", [4])])
    text = import_model(m)
    assert "-1" not in "".join(line for line in text.splitlines() if "pad = " in line)
    # The shortcut reads rows and columns 0..6 of 8, and the stem 0..6 too:
    # the input is sliced.
    assert "-> tensor<1x7x7x3xf32>" in text
    # Ceil mode: two 3x3 windows every 2 over 4 rows need one row of
    # padding, and two 2x2 windows over 3 rows too.
    assert "kernel = array<i64: 3, 3>, pad = array<i64: 0, 1, 0, 1>" in text
    assert "kernel = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>" in text
    assert run_against_numpy(tmp_path, m, [1, 3, 8, 8]) == 0


def test_reductions_softmax_and_gated_activations_match_numpy(tmp_path):
    """Global pooling as ReduceMean (MNASNet, ShuffleNet), the other
    reductions, Softmax, LeakyReLU, HardSigmoid (MobileNetV3's gate)."""
    nodes = [
        h.make_node("LeakyRelu", ["x"], ["leaky"], alpha=0.1, name="leaky"),
        h.make_node("HardSigmoid", ["leaky"], ["gate"], alpha=1.0 / 6, beta=0.5, name="gate"),
        h.make_node("Mul", ["leaky", "gate"], ["gated"], name="gated"),
        h.make_node("GlobalMaxPool", ["gated"], ["gmax"], name="global_max"),
        h.make_node("ReduceSum", ["gated", "channel_axis"], ["csum"], keepdims=1, name="sum_channels"),
        h.make_node("ReduceMax", ["csum"], ["cmax"], axes=[2], keepdims=1, name="max_rows"),
        h.make_node("Add", ["gmax", "cmax"], ["both"], name="both"),
        h.make_node("ReduceMean", ["both"], ["mean"], axes=[2, 3], keepdims=0, name="global_mean"),
        h.make_node("Softmax", ["mean"], ["y"], axis=1, name="softmax"),
    ]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 6, 5, 4])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 6])], [ints("channel_axis", [1])])
    assert run_against_numpy(tmp_path, m, [1, 6, 5, 4]) == 0


def test_ops_carry_the_onnx_node_names_as_locations():
    nodes = [h.make_node("Conv", ["x", "w"], ["c"], name="stem/conv \"a\""),
             h.make_node("Relu", ["c"], ["y"], name="stem/relu")]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 2, 4, 4])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 3, 4, 4])], [weight("w", [3, 2, 1, 1])])
    text = import_model(m)
    assert '"tosa.conv2d"' in text and 'loc("stem/conv \\22a\\22")' in text
    steps = {step.op.split(" = ")[1]: step.location for step in serenity.analyze(text)[0].steps}
    assert steps["tosa.conv2d"] == 'loc("stem/conv \\22a\\22")'
    assert steps["tosa.clamp"] == 'loc("stem/relu")'


def test_input_shape_fixes_a_dynamic_batch(tmp_path):
    m = model([h.make_node("Conv", ["x", "w"], ["y"], strides=[2, 2], name="conv")],
              [h.make_tensor_value_info("x", T.FLOAT, ["batch", 2, 6, 6])],
              [h.make_tensor_value_info("y", T.FLOAT, ["batch", 3, 3, 3])], [weight("w", [3, 2, 1, 1])])
    path = tmp_path / "dynamic.onnx"
    onnx.save(m, str(path))
    tool = os.path.join(BUILD, "bin", "serenity-import-onnx")
    out = tmp_path / "static.mlir"
    run = lambda *args: subprocess.run([tool, str(path), "-o", str(out), *args], stderr=subprocess.PIPE, text=True)
    result = run()
    assert result.returncode == 1 and not out.exists()
    assert "give it with --input-shape x=1x2x6x6" in result.stderr
    for wrong, message in (("y=1x2x6x6", "names 'y', which is not a graph input (inputs: x)"),
                           ("x=1x2x6", "gives 'x' 3 dimensions; the model has 4"),
                           ("x=1x2xAx6", "expected NAME=DIMxDIMx...")):
        result = run("--input-shape", wrong)
        assert result.returncode != 0 and message in result.stderr and not out.exists()
        # One error line, after argparse's usage (however long the options
        # make it) where argparse rejects the value: no traceback.
        *usage, error = result.stderr.strip().splitlines()
        assert error.startswith("serenity-import-onnx: ")
        assert not usage or (usage[0].startswith("usage: serenity-import-onnx")
                             and all(line.startswith(" ") for line in usage[1:]))
    result = run("--input-shape", "x=1x2x6x6")
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith('func.func @net(%arg0: tensor<1x2x6x6xf32> {serenity.layout = "NCHW"}) '
                                      '-> (tensor<1x3x3x3xf32> {serenity.layout = "NCHW"})')


def test_output_that_does_not_verify_is_not_written(tmp_path, monkeypatch, capsys):
    """The importer verifies what it emits: a wrong pad (here forced) is an
    error naming the node, and nothing is written."""
    from serenity import onnx_import, tosa

    m = model([h.make_node("Conv", ["x", "w"], ["y"], name="the_conv")],
              [h.make_tensor_value_info("x", T.FLOAT, [1, 2, 4, 4])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 3, 4, 4])], [weight("w", [3, 2, 1, 1])])
    path = tmp_path / "m.onnx"
    onnx.save(m, str(path))
    out = tmp_path / "m.mlir"
    fit = tosa.fit_window
    monkeypatch.setattr(tosa, "fit_window", lambda *a, **k: ((0, -1, 0, -1), fit(*a, **k)[1]))
    assert onnx_import.main([str(path), "-o", str(out)]) == 1
    error = capsys.readouterr().err
    assert error.startswith("serenity-import-onnx: the imported IR does not verify")
    assert 'loc("the_conv")' in error and "padding" in error
    assert not out.exists() and list(tmp_path.iterdir()) == [path]


def test_nearest_upsampling_and_layer_norm_match_numpy(tmp_path):
    """nn.Upsample(mode="nearest") as torch exports it (asymmetric, floor)
    by 2 and by 3 with ONNX's default half-pixel centres, and a layer norm
    over channels and width."""
    empty = nh.from_array(np.zeros([0], np.float32), "no_roi")
    nodes = [
        h.make_node("Resize", ["x", "no_roi", "by2"], ["up2"], mode="nearest",
                    coordinate_transformation_mode="asymmetric", nearest_mode="floor", name="upsample2"),
        h.make_node("Resize", ["x", "no_roi", "", "sizes"], ["up6"], mode="nearest", name="upsample3"),
        h.make_node("Conv", ["up2", "w"], ["c"], strides=[1, 1], name="conv"),
        h.make_node("Slice", ["up6", "starts", "ends", "axes"], ["up6_cropped"], name="crop"),
        h.make_node("Add", ["c", "up6_cropped"], ["sum"], name="add"),
        h.make_node("LayerNormalization", ["sum", "gamma", "beta"], ["y"], axis=2, epsilon=1e-3,
                    name="layer_norm"),
    ]
    inits = [empty, nh.from_array(np.array([1, 1, 2, 2], np.float32), "by2"),
             ints("sizes", [1, 2, 9, 9]), ints("starts", [0, 0]), ints("ends", [6, 6]), ints("axes", [2, 3]),
             weight("w", [2, 2, 1, 1]), weight("gamma", [6, 6]), weight("beta", [6, 6])]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 2, 3, 3])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 2, 6, 6])], inits, opset=17)
    text = import_model(m)
    assert text.count('"tosa.resize"') == 2
    assert run_against_numpy(tmp_path, m, [1, 2, 3, 3]) == 0


def unsupported(nodes, x_shape, y_shape, inits=(), extra_inputs=(), opset=14, outputs=None):
    """A model the importer must reject (not checked by onnx: some are not
    valid ONNX either)."""
    inputs = [h.make_tensor_value_info("x", T.FLOAT, x_shape)] + list(extra_inputs)
    outputs = outputs or [h.make_tensor_value_info("y", T.FLOAT, y_shape)]
    graph = h.make_graph(nodes, "bad", inputs, outputs, list(inits))
    return h.make_model(graph, opset_imports=[h.make_opsetid("", opset)])


def floats(name, values):
    return nh.from_array(np.array(values, np.float32), name)


X4 = [1, 2, 4, 4]
W = weight("w", [3, 2, 3, 3])
UNSUPPORTED = {
    "conv 1-D": (unsupported([h.make_node("Conv", ["x", "w1"], ["y"], name="n")], [1, 2, 5], [1, 3, 3],
                             [weight("w1", [3, 2, 3])]),
                 "Conv node 'n': only 2-D convolutions are supported"),
    "conv without weight": (unsupported([h.make_node("Conv", ["x"], ["y"], name="n")], X4, [1, 3, 2, 2]),
                            "Conv node 'n': has no weight (its second input)"),
    "conv weight not constant": (
        unsupported([h.make_node("Conv", ["x", "wx"], ["y"], name="n")], X4, [1, 3, 2, 2],
                    extra_inputs=[h.make_tensor_value_info("wx", T.FLOAT, [3, 2, 3, 3])]),
        "Conv node 'n': input 'wx' must be a constant"),
    "conv auto_pad": (unsupported([h.make_node("Conv", ["x", "w"], ["y"], name="n", auto_pad="SAME_UPPER")],
                                  X4, [1, 3, 4, 4], [W]),
                      "Conv node 'n': auto_pad is not supported; give explicit pads"),
    "conv dilations": (unsupported([h.make_node("Conv", ["x", "w"], ["y"], name="n", dilations=[1, 2],
                                                pads=[2, 2, 2, 2])], X4, [1, 3, 6, 4], [W]),
                       "Conv node 'n': different dilations along height and width are not supported"),
    "pool 1-D": (unsupported([h.make_node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[3])],
                             [1, 2, 5], [1, 2, 3]),
                 "MaxPool node 'n': only 2-D pooling is supported"),
    "pool dilated": (unsupported([h.make_node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[2, 2],
                                              dilations=[2, 2])], X4, [1, 2, 2, 2]),
                     "MaxPool node 'n': dilated pooling is not supported"),
    "pool padding": (unsupported([h.make_node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[2, 2],
                                              pads=[2, 2, 2, 2])], X4, [1, 2, 7, 7]),
                     "MaxPool node 'n': padding as large as the window is not supported"),
    "pad mode": (unsupported([h.make_node("Pad", ["x", "p"], ["y"], name="n", mode="reflect")],
                             X4, [1, 2, 6, 6], [ints("p", [0, 0, 1, 1, 0, 0, 1, 1])]),
                 "Pad node 'n': only constant padding is supported"),
    "slice steps": (unsupported([h.make_node("Slice", ["x", "s", "e", "a", "st"], ["y"], name="n")],
                                X4, [1, 2, 2, 4],
                                [ints("s", [0]), ints("e", [4]), ints("a", [2]), ints("st", [2])]),
                    "Slice node 'n': only steps of 1 are supported"),
    "leaky alpha": (unsupported([h.make_node("LeakyRelu", ["x"], ["y"], name="n", alpha=2.0)], X4, X4),
                    "LeakyRelu node 'n': alpha outside [0, 1] is not supported"),
    "layer norm statistics": (
        unsupported([h.make_node("LayerNormalization", ["x", "g", "b"], ["y", "mean", "inv"], name="n")],
                    X4, X4, [floats("g", [1.0] * 4), floats("b", [0.0] * 4)], opset=17),
        "LayerNormalization node 'n': the mean and inverse deviation outputs are not supported"),
    "resize linear": (unsupported([h.make_node("Resize", ["x", "", "sc"], ["y"], name="n", mode="linear")],
                                  X4, [1, 2, 8, 8], [floats("sc", [1, 1, 2, 2])]),
                      "Resize node 'n': only nearest-neighbour resizing of 4-D tensors is supported"),
    "resize corners": (
        unsupported([h.make_node("Resize", ["x", "", "sc"], ["y"], name="n",
                                 coordinate_transformation_mode="align_corners")],
                    X4, [1, 2, 8, 8], [floats("sc", [1, 1, 2, 2])]),
        "Resize node 'n': coordinate_transformation_mode 'align_corners' with nearest_mode "
        "'round_prefer_floor' is not supported"),
    "resize factor": (unsupported([h.make_node("Resize", ["x", "", "sc"], ["y"], name="n")],
                                  X4, [1, 2, 6, 6], [floats("sc", [1, 1, 1.5, 1.5])]),
                      "Resize node 'n': only whole upsampling factors are supported (4 to 6)"),
    "gemm transA": (unsupported([h.make_node("Gemm", ["x", "m"], ["y"], name="n", transA=1)],
                                [4, 3], [3, 5], [weight("m", [4, 5])]),
                    "Gemm node 'n': transA is not supported"),
    "gemm 3-D input": (unsupported([h.make_node("MatMul", ["x", "m"], ["y"], name="n")], [1, 3, 4],
                                   [1, 3, 5], [weight("m", [4, 5])]),
                       "MatMul node 'n': needs a 2-D input and a constant second operand"),
    "undefined input": (unsupported([h.make_node("Relu", ["ghost"], ["y"], name="n")], X4, X4),
                        "Relu node 'n': input 'ghost' is not defined"),
    "broadcast": (unsupported([h.make_node("Add", ["x", "c"], ["y"], name="n")], X4, X4,
                              [floats("c", [1, 2, 3])]),
                  "Add node 'n': cannot broadcast [1, 2, 4, 4] with [3]"),
    "dynamic value": (
        unsupported([h.make_node("Reshape", ["x", "shape"], ["y"], name="n")], X4, ["k", 32],
                    extra_inputs=[h.make_tensor_value_info("shape", T.INT64, [2])]),
        "Reshape node 'n': value 'y' has a dynamic or unknown shape [None, 32]"),
    "resize channels": (unsupported([h.make_node("Resize", ["x", "", "sc"], ["y"], name="n")],
                                    X4, [1, 4, 8, 8], [floats("sc", [1, 2, 2, 2])]),
                        "Resize node 'n': only height and width can be resized"),
    "unsupported op": (unsupported([h.make_node("LRN", ["x"], ["y"], name="n", size=3)], X4, X4),
                       "LRN node 'n': unsupported op type"),
    "output not computed": (unsupported([h.make_node("Relu", ["x"], ["y"], name="n")], X4, X4,
                                        outputs=[h.make_tensor_value_info("z", T.FLOAT, X4)]),
                            "graph output 'z' is not computed"),
}


@pytest.mark.parametrize("case", sorted(UNSUPPORTED))
def test_each_unsupported_construct_is_named(case):
    """Every rejection names the node and the reason (base.py's `fail`)."""
    m, message = UNSUPPORTED[case]
    with pytest.raises(serenity.onnx.base.ImportError_) as info:
        import_model(m)
    assert str(info.value) == message


def test_file_errors_are_one_line_and_write_nothing(tmp_path):
    tool = os.path.join(BUILD, "bin", "serenity-import-onnx")
    good = tmp_path / "good.onnx"
    onnx.save(model([h.make_node("Relu", ["x"], ["y"], name="relu")],
                    [h.make_tensor_value_info("x", T.FLOAT, [1, 4])],
                    [h.make_tensor_value_info("y", T.FLOAT, [1, 4])], []), str(good))
    text = tmp_path / "notes.onnx"
    text.write_text("not a protobuf\n")
    out = tmp_path / "out.mlir"
    for args, message in (
            ([str(tmp_path / "missing.onnx"), "-o", str(out)],
             "cannot read '%s': No such file or directory" % (tmp_path / "missing.onnx")),
            ([str(text), "-o", str(out)], "'%s' is not an ONNX model" % text),
            ([str(good), "-o", str(tmp_path / "no" / "out.mlir")],
             "cannot write '%s': No such file or directory" % (tmp_path / "no" / "out.mlir"))):
        result = subprocess.run([tool, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert result.returncode == 1
        assert result.stderr == "serenity-import-onnx: %s\n" % message
        assert result.stdout == "" and not out.exists()


def test_channels_last_takes_nhwc_without_a_transposed_copy(tmp_path):
    """--channels-last: the function takes and returns NHWC (as a camera
    writes images), states it, and holds no transposed copy of its input;
    its outputs are the NCHW import's, transposed."""
    from execution import run_function

    nodes = [h.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1], name="conv"),
             h.make_node("Relu", ["c"], ["y"], name="relu")]
    m = model(nodes, [h.make_tensor_value_info("x", T.FLOAT, [1, 3, 5, 4])],
              [h.make_tensor_value_info("y", T.FLOAT, [1, 2, 5, 4])], [weight("w", [2, 3, 3, 3])])
    nchw = import_model(m, "net")
    nhwc = import_model(m, "net", channels_last=True)
    assert nhwc.startswith('func.func @net(%arg0: tensor<1x5x4x3xf32> {serenity.layout = "NHWC"}) '
                           '-> (tensor<1x5x4x2xf32> {serenity.layout = "NHWC"})')
    assert '"tosa.transpose"' in nchw and '"tosa.transpose"' not in nhwc
    x = rng.standard_normal((1, 3, 5, 4)).astype(np.float32)
    for layout in ("nchw", "nhwc"):
        (tmp_path / layout).mkdir()
    (expected,), _ = run_function(tmp_path / "nchw", nchw, [x])
    (result,), _ = run_function(tmp_path / "nhwc", nhwc, [x.transpose(0, 2, 3, 1)])
    assert np.array_equal(result, expected.reshape(1, 2, 5, 4).transpose(0, 2, 3, 1).reshape(-1))
