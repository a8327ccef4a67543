"""serenity-plan-tflite's rewrites (issue 29): spatial patches in TFLite
ops, values in place of others, and the arena TFLite Micro gives them.
Every patched model computes its original's outputs bit for bit: under
mlir-runner through our importer everywhere, and in stock TFLM where
../shared/tflm/tflm_run is built."""

import os

import numpy as np
import pytest

from serenity.tflite import inplace
from serenity.tflite.importer import import_tflite
from serenity.tflite.offline_plan import main as plan_main, plan_model, write_planned
from serenity.tflite.patches import Graph, Op, macs, patch_graph
from serenity.tflite.rewrite import add_overlaps, group_candidates
from serenity.tflite.schema import read_model
from serenity.tflite.tflm import persistent_bytes, place_tensors, tflm_lifetimes
from serenity.tflite.writer import TensorSpec, model_specs, write_model

from execution import run_function
from test_tflite_import import MODELS, require_tflm, run_tflm, shared_model


def cell_model():
    """A small cell of the ops patches take: a 3x3 convolution (SAME, fused
    RELU), a strided 3x3 depthwise one (SAME), an average pool that pads
    (SAME), an ADD, a channel CONCATENATION and a max pool (VALID)."""
    rng = np.random.default_rng(7)
    w_scales, dw_scales = rng.uniform(0.005, 0.02, 8), rng.uniform(0.005, 0.02, 8)
    act = lambda name, shape, scale, zp: TensorSpec(name, shape, "i8", scales=[scale],
                                                    zero_points=[zp])
    tensors = [act("x", [1, 13, 12, 3], 0.05, -3),
               TensorSpec("w", [8, 3, 3, 3], "i8", rng.integers(-127, 128, (8, 3, 3, 3)),
                          scales=list(w_scales), zero_points=[0] * 8),
               TensorSpec("wb", [8], "i32", rng.integers(-300, 300, 8),
                          scales=list(0.05 * w_scales), zero_points=[0] * 8),
               act("a", [1, 13, 12, 8], 0.1, -128),
               TensorSpec("dw", [1, 3, 3, 8], "i8", rng.integers(-127, 128, (1, 3, 3, 8)),
                          scales=list(dw_scales), zero_points=[0] * 8, axis=3),
               TensorSpec("dwb", [8], "i32", rng.integers(-300, 300, 8),
                          scales=list(0.1 * dw_scales), zero_points=[0] * 8),
               act("b", [1, 7, 6, 8], 0.2, 4),
               act("c", [1, 7, 6, 8], 0.2, 4),
               act("d", [1, 7, 6, 8], 0.3, -2),
               act("e", [1, 7, 6, 16], 0.2, 4),
               act("y", [1, 3, 3, 16], 0.2, 4)]
    operators = [("CONV_2D", [0, 1, 2], [3], {"padding": "SAME", "activation": "RELU"}),
                 ("DEPTHWISE_CONV_2D", [3, 4, 5], [6], {"padding": "SAME", "stride": (2, 2)}),
                 ("AVERAGE_POOL_2D", [6], [7], {"padding": "SAME", "filter": (3, 3)}),
                 ("ADD", [6, 7], [8], {}),
                 ("CONCATENATION", [6, 7], [9], {"axis": 3}),
                 ("MAX_POOL_2D", [9], [10], {"padding": "VALID", "filter": (2, 2),
                                             "stride": (2, 2)})]
    # d (the ADD) leaves as a second output.
    return write_model(tensors, operators, [0], [10, 8], "cell")


def run_model(tmp_path, data, inputs):
    results, _ = run_function(tmp_path, import_tflite(data, "m"), inputs)
    return [np.asarray(r).ravel().tolist() for r in results]


# (halos, same_windows, bands): each way a band computes its rows.
MODES = [("recompute", True, 3), ("cache", False, 4), ("cache", True, 3)]


@pytest.mark.parametrize("halos,same_windows,count", MODES)
def test_patched_cell_computes_the_original(tmp_path, halos, same_windows, count):
    """The whole cell in bands: the same outputs, bit for bit; cached halos
    with explicit PADs add no MAC, recomputed ones do; in stock TFLM the
    planned file (views and bands at offsets inside others) gives the same
    outputs in the arena predicted."""
    data = cell_model()
    graph = Graph.of(model_specs(read_model(data)))
    patched = patch_graph(graph, len(graph.operators), count, halos, same_windows)
    opcodes = {op.opcode for op in patched.graph.operators}
    assert {"STRIDED_SLICE", "CONCATENATION"} <= opcodes
    assert ("PAD" in opcodes) == (not same_windows)
    if same_windows:
        assert patched.macs > macs(graph)
    else:
        assert patched.macs == macs(graph)
    written = write_model(*patched.graph.specs())
    x = np.random.default_rng(11).integers(-128, 128, (1, 13, 12, 3)).astype(np.int8)
    expected = run_model(tmp_path, data, [x])
    assert len(set(expected[0])) > 10
    assert run_model(tmp_path, written, [x]) == expected

    require_tflm()
    offsets, arena, _ = place_tensors(tflm_lifetimes(patched.graph), "exact", patched.aliases)
    planned = run_tflm(tmp_path, write_planned(written, None, offsets), x, "planned")
    assert planned.output == run_tflm(tmp_path, data, x, "original").output
    assert planned.head == arena


def test_patched_zoo_cell_of_two_inputs(tmp_path):
    """NASNet's cell at 8x8x8 (two inputs, separable convolutions, pools
    that pad, ADDs, a 5-way concatenation) patched whole with cached halos:
    the same output bit for bit."""
    import sys
    from conftest import SOURCE
    sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "zoo"))
    import generate
    data, _ = generate.generate("nasnet_cell", size=8, channels=8, dtype="tflite")
    graph = Graph.of(model_specs(read_model(data)))
    patched = patch_graph(graph, len(graph.operators), 4, "cache", False)
    assert patched.macs == macs(graph)
    rng = np.random.default_rng(4)
    inputs = [rng.integers(-128, 128, graph.tensors[i].shape).astype(np.int8)
              for i in graph.inputs]
    expected = run_model(tmp_path, data, inputs)
    assert run_model(tmp_path, write_model(*patched.graph.specs()), inputs) == expected


def chain(*ops):
    """A graph of [1, 4, 4, 8] int8 maps (index 0 the input) and `ops`
    ((opcode, inputs, output, options)), every map's last index an output."""
    count = 1 + max(out for _, _, out, _ in ops)
    tensors = [TensorSpec("t%d" % i, [1, 4, 4, 8], "i8", scales=[0.1], zero_points=[0])
               for i in range(count)]
    return Graph(tensors, [Op(code, ins, [out], opts) for code, ins, out, opts in ops], [0],
                 [count - 1])


def test_in_place_results():
    """An ADD takes an input's place only if no later op reads it; a
    concatenation's last input lies at its tail, unless its chunks are more
    than half of each output row (a copy would overlap its own source)."""
    graph = chain(("RELU", [0], 1, None), ("RELU", [0], 2, None), ("ADD", [1, 2], 3, {}),
                  ("ADD", [3, 1], 4, {}))
    last = inplace.last_uses(graph)
    assert inplace.candidate(graph, 2, {}, last) == (3, (2, 0))  # 1 is read again
    assert inplace.candidate(graph, 3, {3: (2, 0)}, last) == (4, (3, 0))
    graph.tensors[4] = TensorSpec("t4", [1, 4, 4, 16], "i8", scales=[0.1], zero_points=[0])
    graph.operators[3] = Op("CONCATENATION", [1, 3], [4], {"axis": 3})
    # 3 lies at 2 (an in-place chain): the chain moves to the tail.
    assert inplace.candidate(graph, 3, {3: (2, 0)}, last) == (2, (4, 128))
    graph.tensors[3] = TensorSpec("t3", [1, 4, 4, 12], "i8", scales=[0.1], zero_points=[0])
    graph.tensors[1] = TensorSpec("t1", [1, 4, 4, 4], "i8", scales=[0.1], zero_points=[0])
    graph.tensors[4] = TensorSpec("t4", [1, 4, 4, 16], "i8", scales=[0.1], zero_points=[0])
    assert inplace.candidate(graph, 3, {}, last) is None  # 12 of 16 channels


def test_person_detect_rewrites(tmp_path):
    """person_detect: with the activations as the objective, its first 8
    operators in 12 bands with cached halos, the patched map over input
    rows no longer read: 24,192 bytes of activations (55,296 as written),
    +4.2% MACs; TFLM's whole arena as the objective: fewer operators, the
    lowest whole arena. In stock TFLM: the same output, the arenas as
    planned, the persistent part within 4% of the estimate."""
    data = open(shared_model("person_detect"), "rb").read()
    for_activations = plan_model(data, "exact", "serenity", True, 10.0, "activations")
    patched = for_activations.patched
    assert (patched.group_ops, patched.patches, patched.halos) == (8, 12, "cache")
    assert for_activations.arena_bytes == 24192
    before, after = for_activations.macs
    assert 0 < after / before - 1 < 0.10
    for_total = plan_model(data, "exact", "serenity", True, 10.0, "total")
    assert for_total.arena_bytes == 36864
    totals = [p.arena_bytes + p.persistent for p in (for_total, for_activations)]
    unplanned = plan_model(data, "tflm-greedy")
    assert totals[0] < min(totals[1], unplanned.arena_bytes + unplanned.persistent)

    require_tflm()
    x = np.fromfile(os.path.join(MODELS, "person_detect.in.bin"), np.int8)
    expected = open(os.path.join(MODELS, "person_detect.out.bin"), "rb").read()
    for name, plan in (("activations", for_activations), ("total", for_total)):
        run = run_tflm(tmp_path, plan.data, x, name)
        assert run.output == expected
        assert run.head == plan.arena_bytes
        assert abs(run.tail - plan.persistent) <= 0.04 * run.tail
    tail = run_tflm(tmp_path, data, x, "original").tail
    assert abs(tail - persistent_bytes(read_model(data))) <= 0.04 * tail


def test_patched_map_over_consumed_input():
    """The groups the search tries end where the bytes leaving drop (the
    first op, then 48x48x16 -> 24x24x16, 24x24x32 -> 12x12x32, ...; 29: all
    that can be patched). The overlap: person_detect's band outputs at
    12x12x32 lie over the rows of its 96x96 input that no band reads again;
    without it the same patches take 26,112 bytes."""
    graph = Graph.of(model_specs(read_model(open(shared_model("person_detect"), "rb").read())))
    assert group_candidates(graph) == [1, 4, 8, 12, 24, 29]
    patched = patch_graph(graph, 8, 12, "cache", True)
    lifetimes = tflm_lifetimes(patched.graph)
    assert place_tensors(lifetimes, "exact", patched.aliases)[1] == 26112
    aliases, count = add_overlaps(patched.graph, patched.aliases)
    assert count == 1
    assert place_tensors(lifetimes, "exact", aliases)[1] == 24192


def test_tool_reports_both_parts_of_the_arena(tmp_path, capsys):
    path = shared_model("person_detect")
    out = tmp_path / "planned.tflite"
    assert plan_main([path, "-o", str(out), "--objective", "activations"]) == 0
    report = capsys.readouterr().out
    assert "activations 55296" in report and "activations 24192, 2.29x" in report
    assert "the first 8 operators in 12 bands of rows (halos cached)" in report
    assert "+ persistent ~" in report
    assert read_model(out.read_bytes()).operators[0].opcode == "STRIDED_SLICE"
    assert plan_main([path, "-o", str(out), "--no-rewrite"]) == 0
    report = capsys.readouterr().out
    assert "bands" not in report and "activations 55296, 1.00x" in report
    assert len(read_model(out.read_bytes()).operators) == 31


def test_overlap_keeps_the_bytes_an_op_reads():
    """A 1x1 convolution in 4 bands of 4 rows: band p reads input rows
    4p..4p+3 while it writes the same rows of the result, so the result can
    lie over the input only a band lower: 32 bytes before it (160 bytes
    for both, not 128)."""
    x = TensorSpec("x", [1, 16, 4, 2], "i8", scales=[0.1], zero_points=[0])
    w = TensorSpec("w", [2, 1, 1, 2], "i8", np.ones([2, 1, 1, 2]), scales=[0.1, 0.1],
                   zero_points=[0, 0])
    y = TensorSpec("y", [1, 16, 4, 2], "i8", scales=[0.1], zero_points=[0])
    graph = Graph([x, w, y], [Op("CONV_2D", [0, 1, -1], [2], {"padding": "VALID",
                                                             "stride": (1, 1)})], [0], [2])
    patched = patch_graph(graph, 1, 4, "cache", False)
    g = patched.graph
    source, target = g.inputs[0], g.outputs[0]
    assert inplace.overlap(g, patched.aliases, tflm_lifetimes(g), source, target) == -32
