"""The Python API against serenity-opt, on small functions."""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

import pytest

import serenity
from conftest import BUILD, SOURCE

BRANCHES = """
func.func @branches(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> tensor<1xf32> {
  %a = tosa.concat %arg0, %arg0 {axis = 0 : i32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %c = tosa.concat %arg1, %arg1 {axis = 0 : i32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %b = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<8xf32>) -> tensor<1xf32>
  %d = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<8xf32>) -> tensor<1xf32>
  %e = tosa.add %b, %d : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %e : tensor<1xf32>
}
"""


def test_schedule_lowers_the_peak():
    result = serenity.schedule(BRANCHES)
    # Arguments 16 bytes each, concats 32, sums 4 (see test/Plugin).
    assert result.input_peak_bytes == 80
    assert result.peak_bytes == 64
    assert result.status == "optimal"
    assert result.live_bytes == [64, 52, 52, 40, 12]
    assert max(result.live_bytes) == result.peak_bytes
    (function,) = result.functions
    assert function.function == "branches"
    assert function.algorithm == "optimal"
    assert function.lower_bound_bytes == 64
    assert "serenity.schedule = #serenity.schedule<peak = 64" in result.ir


def test_schedule_matches_serenity_opt(serenity_opt):
    for model in ("strict", "inplace"):
        result = serenity.schedule(BRANCHES, memory_model=model)
        expected = serenity_opt(BRANCHES, "--serenity-schedule=memory-model=" + model)
        assert result.ir.strip() == expected.strip()
        peak = int(re.search(r"#serenity.schedule<peak = (\d+)", expected).group(1))
        assert result.peak_bytes == peak


# An int8 add as TOSA writes it: both operands rescaled to i32, added,
# rescaled back (1x8x8x4: 256 bytes in i8, 1024 in i32).
INT8_ADD = """
func.func @add(%a: tensor<1x8x8x4xi8>, %b: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s10 = "tosa.const"() <{values = dense<10> : tensor<1xi8>}> : () -> tensor<1xi8>
  %s51 = "tosa.const"() <{values = dense<51> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp8 = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %wa = tosa.rescale %a, %m, %s10, %zp8, %zp32 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x8x8x4xi32>
  %wb = tosa.rescale %b, %m, %s10, %zp8, %zp32 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x8x8x4xi32>
  %sum = tosa.add %wa, %wb : (tensor<1x8x8x4xi32>, tensor<1x8x8x4xi32>) -> tensor<1x8x8x4xi32>
  %r = tosa.rescale %sum, %m, %s51, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8>
  return %r : tensor<1x8x8x4xi8>
}
"""


def test_int8_add_is_one_fused_op():
    # The pipeline computes the chain as one i8, i8 -> i8 op (no i32 map):
    # one node, whose footprint is the two inputs and the output.
    (report,) = serenity.analyze(INT8_ADD)
    assert len(report.steps) == 1
    assert report.peak_bytes == 3 * 256
    # Under `bufferized` all three are the caller's.
    assert serenity.schedule(INT8_ADD, memory_model="bufferized").peak_bytes == 0


def test_report_on_int8(tmp_path):
    # serenity-report counts the fused int8 add as one op of i8 bytes.
    path = tmp_path / "add.mlir"
    path.write_text(INT8_ADD)
    # Under the strict model, which counts inputs and outputs (the
    # pipeline's, the default, plans none of them here: arena 0).
    result = subprocess.run([os.path.join(BUILD, "bin", "serenity-report"), str(path),
                             "-o", str(tmp_path / "plot"), "--memory-model", "strict"],
                            check=True, stdout=subprocess.PIPE, text=True)
    assert "@add (strict model, 1 ops, 5 weights)" in result.stdout
    assert "as written: peak 768 bytes" in result.stdout
    assert (tmp_path / "plot.png").stat().st_size > 1000


def test_heuristics_and_options():
    program = serenity.schedule(BRANCHES, algorithm="program")
    assert program.status == "heuristic"
    assert program.peak_bytes == 80


def randwire_cell():
    """The RandWire s3 cell (splat weights): 143 ops whose optimal order takes
    the search about 740,000 states and 0.9 s to prove."""
    sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "zoo"))
    import generate  # after serenity: its `serenity.tosa` is the build's
    return generate.generate("randwire_s3_cell", splat_weights=True)[0]


def test_each_limit_alone_stops_the_search():
    """Mutations this catches: either limit not passed to the pass (the
    search then proves the optimum: status optimal)."""
    cell = randwire_cell()
    (by_states,) = serenity.schedule(cell, time_limit_ms=0, max_states=5000).functions
    assert by_states.status == "best-found"
    # The search stops at the first look at the count past the limit.
    assert 5000 <= by_states.states < 5100
    assert by_states.lower_bound_bytes < by_states.peak_bytes
    assert max(by_states.live_bytes) == by_states.peak_bytes

    start = time.monotonic()
    (by_time,) = serenity.schedule(cell, time_limit_ms=50, max_states=0).functions
    elapsed = time.monotonic() - start
    assert by_time.status == "best-found"
    assert elapsed >= 0.05
    assert 0 < by_time.states
    assert by_time.lower_bound_bytes < by_time.peak_bytes
    assert max(by_time.live_bytes) == by_time.peak_bytes


def test_analyze_reports_each_op():
    (report,) = serenity.analyze(BRANCHES)
    assert report.function == "branches"
    assert report.model == "strict"
    assert report.peak_bytes == 80
    assert report.peak_step == 1
    assert report.peak_op == "%1 = tosa.concat"
    assert [s.live_bytes for s in report.steps] == [64, 80, 68, 40, 12]
    assert [s.allocated_bytes for s in report.steps] == [32, 32, 4, 4, 4]
    assert [s.freed_bytes for s in report.steps] == [16, 16, 32, 32, 8]
    assert report.steps[0].location.endswith(":3:8")


def test_analyze_matches_serenity_opt_json(serenity_opt):
    import json
    # The report goes to output= (or stderr); stdout carries the IR.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "live.json")
        serenity_opt(BRANCHES, "--serenity-liveness=format=json output=" + path)
        with open(path) as f:
            expected = json.load(f)["functions"][0]
    (report,) = serenity.analyze(BRANCHES)
    assert report.peak_bytes == expected["peak_bytes"]
    assert [s.op for s in report.steps] == [s["op"] for s in expected["steps"]]
    assert [s.live_bytes for s in report.steps] == [s["live_bytes"] for s in expected["steps"]]


def test_rewrite_through_python():
    text = """
func.func @pays_off(%arg0: tensor<1x4x4x8xf32>, %arg1: tensor<1x4x4x8xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x16xf32>} : () -> tensor<2x1x1x16xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x16xf32>
  %o = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x16xf32>, tensor<2x1x1x16xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}
"""
    assert serenity.schedule(text).peak_bytes == 2048
    rewritten = serenity.schedule(text, rewrite=True)
    assert rewritten.peak_bytes == 1152
    # The peak as the user wrote it, not that of the rewritten IR (1152).
    assert rewritten.input_peak_bytes == 2048
    assert "tosa.concat" not in rewritten.ir
    assert any("optimal peak 2048 -> 1152 bytes" in d.message
               for d in rewritten.diagnostics)


def test_errors_carry_diagnostics():
    with pytest.raises(serenity.Error) as info:
        serenity.schedule("func.func @f(%a: tensor<?xf32>) -> tensor<?xf32> {\n"
                          "  return %a : tensor<?xf32>\n}\n")
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.severity == "error"
    assert "has no static size" in diagnostic.message
    assert diagnostic.location == 'loc("<input>":1:1)'
    assert "has no static size" in str(info.value)


def test_verify_reports_what_the_verifier_rejects():
    serenity.verify(BRANCHES)  # valid: no exception
    bad_pad = ('func.func @f(%a: tensor<1x4x4x1xf32>) -> tensor<1x3x3x1xf32> {\n'
               '  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x1x1x1xf32>}> '
               ': () -> tensor<1x1x1x1xf32>\n'
               '  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>\n'
               '  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>\n'
               '  %c = "tosa.conv2d"(%a, %w, %b, %z, %z) <{acc_type = f32, dilation = array<i64: 1, 1>, '
               'pad = array<i64: 0, -1, 0, -1>, stride = array<i64: 1, 1>}> : (tensor<1x4x4x1xf32>, '
               'tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x1xf32> '
               'loc("the_conv")\n'
               '  return %c : tensor<1x3x3x1xf32>\n}\n')
    with pytest.raises(serenity.Error) as info:
        serenity.verify(bad_pad, filename="model.mlir")
    (error,) = [d for d in info.value.diagnostics if d.severity == "error"]
    assert error.location == 'loc("the_conv")'
    assert "padding" in error.message


def test_parse_errors_and_bad_options():
    with pytest.raises(serenity.Error) as info:
        serenity.analyze("func.func @f( {")
    assert info.value.diagnostics[0].severity == "error"
    # Bad options: one short exception, the names from the passes' table.
    with pytest.raises(ValueError) as info:
        serenity.schedule(BRANCHES, algorithm="fastest")
    assert str(info.value) == ("unknown algorithm 'fastest'; expected optimal, "
                               "best-heuristic, list, dfs, rpo or program")
    for call in (serenity.analyze, serenity.schedule):
        with pytest.raises(ValueError) as info:
            call(BRANCHES, memory_model="loose")
        assert str(info.value) == ("unknown memory model 'loose'; expected "
                                   "strict, inplace or bufferized")
    with pytest.raises(TypeError) as info:
        serenity.schedule(BRANCHES, max_states="x")
    assert str(info.value) == "max_states must be an int, got str"
    with pytest.raises(ValueError) as info:
        serenity.schedule(BRANCHES, time_limit_ms=-1)
    assert str(info.value) == "time_limit_ms must not be negative, got -1"
    assert serenity.ALGORITHMS[0] == "optimal"
    assert serenity.MEMORY_MODELS == ("strict", "inplace", "bufferized")


def test_locations_name_the_file_and_paths_are_refused():
    with pytest.raises(serenity.Error) as info:
        serenity.analyze("func.func @f( {", filename="model.mlir")
    assert info.value.diagnostics[0].location.startswith('loc("model.mlir":1:')
    with pytest.raises(ValueError) as info:
        serenity.schedule("examples/darts_v2_demo.mlir")
    assert "looks like a file name" in str(info.value)


@pytest.mark.parametrize("case", ["missing", "binary", "not_mlir", "unwritable"])
def test_report_tool_errors_are_one_line(case, tmp_path):
    model, output = str(tmp_path / "model.mlir"), []
    if case == "binary":
        (tmp_path / "model.mlir").write_bytes(bytes(range(256)))
    elif case in ("not_mlir", "unwritable"):
        (tmp_path / "model.mlir").write_text(
            "this is not MLIR" if case == "not_mlir" else BRANCHES)
    if case == "unwritable":
        output = ["-o", str(tmp_path / "missing-folder" / "plot")]
    run = subprocess.run([os.path.join(BUILD, "bin", "serenity-report"), model, *output],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("serenity-report: "), run.stderr
    expected = {"missing": "cannot read", "binary": "not a text file",
                "not_mlir": "error:", "unwritable": "cannot write"}[case]
    assert expected in lines[0]


@pytest.mark.parametrize("case", ["missing", "not_onnx", "truncated"])
def test_import_onnx_file_errors_are_one_line(case, tmp_path):
    model = tmp_path / "model.onnx"
    if case == "not_onnx":
        model.write_text("this is not a protobuf\n")
    elif case == "truncated":
        model.write_bytes(b"\x08\x07\x12\x04onnx\x1a\xff\xff")
    run = subprocess.run([os.path.join(BUILD, "bin", "serenity-import-onnx"), str(model),
                          "-o", str(tmp_path / "out.mlir")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("serenity-import-onnx: "), run.stderr
    assert str(model) in lines[0]
    assert not (tmp_path / "out.mlir").exists()


def test_plan_gives_the_arena_that_runs():
    """serenity.plan: the pipeline's arena, its bound and every buffer's
    offset and lifetime, the figures --serenity-pipeline's remark gives; no
    two buffers live at once overlap; with patches the arena drops."""
    sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "zoo"))
    import generate  # after serenity: its `serenity.tosa` is the build's
    # Placed optimally (an exact placement stopped by its time limit
    # would depend on the machine's load).
    cell = generate.generate("nasnet_cell", size=16, channels=8, splat_weights=True)[0]
    remark = subprocess.run([os.path.join(BUILD, "bin", "serenity-opt"), "-",
                             "--serenity-pipeline", "-o", os.devnull], input=cell,
                            stderr=subprocess.PIPE, text=True, check=True).stderr
    arena, buffers, bound = map(int, re.search(
        r"arena of (\d+) bytes for (\d+) buffers, live-bytes bound (\d+)", remark).groups())

    (planned,) = serenity.plan(cell).functions
    assert planned.placement_status == "optimal"
    assert (planned.arena_bytes, len(planned.buffers), planned.live_bound_bytes) == (
        arena, buffers, bound)
    assert planned.modeled_peak_bytes == planned.live_bound_bytes
    for a in planned.buffers:
        assert a.offset % planned.alignment == 0 and a.offset + a.bytes <= planned.arena_bytes
        assert 0 <= a.first_step <= a.last_step < planned.steps
        for b in planned.buffers:
            if a is not b and a.first_step <= b.last_step and b.first_step <= a.last_step:
                assert a.offset + a.bytes <= b.offset or b.offset + b.bytes <= a.offset

    assert not planned.patched
    patched = serenity.plan(cell, tile_spatial=True)
    assert patched.arena_bytes < planned.arena_bytes
    assert patched.functions[0].patched and patched.functions[0].modeled_peak_bytes is None
    with pytest.raises(serenity.Error, match="'never' is not a value of halos"):
        serenity.plan(cell, options="halos=never")


def test_report_gives_the_arena_that_runs(tmp_path):
    """serenity-report's arena lines are serenity.plan's figures: TFLM's
    planner on the order as written, Serenity's, with patches; --ram adds
    the budget (a line on the plot, and whether the arena fits)."""
    sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "zoo"))
    import generate  # after serenity: its `serenity.tosa` is the build's
    # Placed optimally (an exact placement stopped by its time limit
    # would depend on the machine's load): at 8x8, also with patches (at
    # 16x16 the tiles of rows and columns make more buffers than the
    # placement proves in its time).
    cell = generate.generate("nasnet_cell", size=8, channels=8, splat_weights=True)[0]
    path = tmp_path / "cell.mlir"
    path.write_text(cell)
    written = serenity.plan(cell, options="algorithm=program placement=tflm-greedy").arena_bytes
    ours, patched = (serenity.plan(cell, tile_spatial=tile).functions[0] for tile in (False, True))
    assert ours.placement_status == patched.placement_status == "optimal"
    ours, patched = ours.arena_bytes, patched.arena_bytes
    assert written > ours > patched
    run = subprocess.run([os.path.join(BUILD, "bin", "serenity-report"), str(path), "-o",
                          str(tmp_path / "plot"), "--ram", "40K"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    assert ("@nasnet_cell: TFLM's planner on the order as written %d B; Serenity %d B (%.2fx "
            "lower); + patches %d B (%.2fx lower)" % (written, ours, written / ours, patched,
                                                     written / patched)) in run
    assert "--ram 40960: the arena fits, %d bytes to spare" % (40960 - patched) in run
    tight = subprocess.run([os.path.join(BUILD, "bin", "serenity-report"), str(path), "-o",
                            str(tmp_path / "plot"), "--ram", "8K"], check=True,
                           stdout=subprocess.PIPE, text=True).stdout
    assert "--ram 8192: the arena is %d bytes over even with patches" % (patched - 8192) in tight


def test_report_json_and_arena_map_are_the_plan(tmp_path):
    """serenity-report --json holds the plan's arena map (every buffer's
    offset, bytes and lifetime, and the buffers at its peak), equal to
    serenity.plan's; the map's rectangles are those buffers; the curves
    follow the pipeline's memory model, whose peak is the arena's live-bytes
    bound."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from serenity import report

    sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "zoo"))
    import generate  # after serenity: its `serenity.tosa` is the build's
    cell = generate.generate("nasnet_cell", size=16, channels=8, splat_weights=True)[0]
    path = tmp_path / "cell.mlir"
    path.write_text(cell)
    subprocess.run([os.path.join(BUILD, "bin", "serenity-report"), str(path), "-o",
                    str(tmp_path / "plot"), "--json", str(tmp_path / "report.json")], check=True,
                   stdout=subprocess.PIPE)
    (function,) = json.loads((tmp_path / "report.json").read_text())["functions"]
    (planned,) = serenity.plan(cell).functions
    assert planned.placement_status == "optimal"
    assert function["memory_model"] == "bufferized"
    assert function["serenity"]["peak_bytes"] == planned.live_bound_bytes
    arena = function["arena"]
    assert arena["serenity_bytes"] == planned.arena_bytes
    assert [(b["offset"], b["bytes"], b["first_step"], b["last_step"], b["shape"])
            for b in arena["serenity_map"]["buffers"]] == [
        (b.offset, b.bytes, b.first_step, b.last_step, b.shape) for b in planned.buffers]
    peak = arena["serenity_map"]["peak"]
    live = [i for i, b in enumerate(planned.buffers)
            if b.first_step <= peak["step"] <= b.last_step]
    assert peak["buffers"] == live
    assert peak["bytes"] == sum(planned.buffers[i].bytes for i in live)
    # No step holds more.
    for step in range(max(b.last_step for b in planned.buffers) + 1):
        assert sum(b.bytes for b in planned.buffers
                   if b.first_step <= step <= b.last_step) <= peak["bytes"]
    fig, ax = plt.subplots()
    rectangles = report.draw_arena_map(ax, planned, "cell")
    plt.close(fig)
    assert rectangles == [(b.first_step, b.offset, b.last_step + 1 - b.first_step, b.bytes)
                          for b in planned.buffers]
    for name in ("plot.arena.png", "plot.arena.svg"):
        assert (tmp_path / name).stat().st_size > 1000


def test_schedule_graph_and_place_take_numbers():
    """The core scheduler and placement on a graph and lifetimes given as
    numbers: two branches, each a big map then a small one, concatenated.
    As written both big maps are live at once (4,352 bytes, as stock TFLM
    measures the same model); one branch after the other needs 2,560."""
    graph = serenity.schedule_graph(
        [256], [("a", [0], [2048]), ("b", [0], [2048]), ("a2", [1], [256]),
                ("b2", [2], [256]), ("cat", [3, 4], [512])], [5])
    assert graph.program_peak_bytes == 4352
    assert graph.peak_bytes == graph.lower_bound_bytes == 2560
    assert graph.status == "optimal"
    assert graph.order in ([0, 2, 1, 3, 4], [1, 3, 0, 2, 4])
    placed = serenity.place([(2048, 1, 3), (2048, 2, 4), (256, 3, 5)])
    assert placed.arena_bytes == placed.live_bound_bytes == 4352
    assert placed.offsets == [2048, 0, 4096]
    with pytest.raises(ValueError, match="reads value 5, which no earlier node"):
        serenity.schedule_graph([1], [("a", [5], [1])])
    with pytest.raises(ValueError, match="first step comes after its last"):
        serenity.place([(1, 3, 2)])
    with pytest.raises(ValueError, match="unknown placement algorithm 'first-fit'"):
        serenity.place([(1, 0, 0)], "first-fit")
