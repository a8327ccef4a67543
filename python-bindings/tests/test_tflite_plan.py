"""serenity-plan-tflite (issue 29): a .tflite with Serenity's arena plan as
OfflineMemoryAllocation metadata, which stock TFLite Micro honors."""

import os

import numpy as np
import pytest

from serenity.tflite.importer import import_tflite
from serenity.tflite.offline_plan import (OFFLINE_METADATA, main as plan_main, plan_model,
                                          tflm_lifetimes, write_planned)
from serenity.tflite.schema import read_model

from test_tflite_import import MODELS, require_tflm, run_tflm, shared_model


def test_planned_file_reads_back_as_the_model():
    """The rewritten file holds the same graph (its TOSA import is the same
    text) and the offsets: version 1, subgraph 0, one per tensor, -1 for
    the constants."""
    path = shared_model("person_detect")
    data = open(path, "rb").read()
    plan = plan_model(data)
    planned, placement, lifetimes = plan.data, plan.placement, plan.lifetimes
    assert import_tflite(planned, "m") == import_tflite(data, "m")
    model = read_model(planned)
    words = np.frombuffer(model.metadata[OFFLINE_METADATA], "<i4")
    assert list(words[:3]) == [1, 0, len(model.tensors)]
    offsets = dict(zip(sorted(lifetimes), placement.offsets))
    assert [int(w) for w in words[3:]] == [offsets.get(i, -1) for i in range(len(model.tensors))]
    # A chain: the exact plan is TFLM's own arena, the live-bytes bound.
    assert placement.arena_bytes == placement.live_bound_bytes == 55296
    assert placement.status == "optimal"


def test_lifetimes_are_tflm_scopes():
    """Graph inputs from scope 0, each operator's tensors at its index + 1,
    the outputs kept to the last scope; sizes rounded up to 16."""
    model = read_model(open(shared_model("hello_world_int8"), "rb").read())
    lifetimes = tflm_lifetimes(model)
    assert sorted(lifetimes.values(), key=lambda l: l[1]) == [
        (16, 0, 1), (16, 1, 2), (16, 2, 3), (16, 3, 3)]


def test_orders_and_models_it_cannot_plan(tmp_path, capsys):
    data = open(shared_model("person_detect"), "rb").read()
    order = list(range(31))
    order[0], order[1] = order[1], order[0]
    with pytest.raises(ValueError, match="operator 1 runs before operator 0"):
        plan_model(data, order=order)
    path = shared_model("keyword_scrambled_8bit")
    assert plan_main([path, "-o", str(tmp_path / "out.tflite")]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and ": SVDF may request scratch buffers" in error[0]
    assert not (tmp_path / "out.tflite").exists()
    with pytest.raises(ValueError, match="each of the 31 operators once"):
        write_planned(data, order=[0, 0])


def tflm_on_shipped_input(tmp_path, data, name):
    """Stock TFLM on ../shared/tflite's input for the example `name`."""
    return run_tflm(tmp_path, data, np.fromfile(os.path.join(MODELS, name + ".in.bin"), np.int8),
                    name)


@pytest.mark.parametrize("name", ["person_detect", "hello_world_int8"])
def test_stock_tflm_runs_the_plan(tmp_path, name):
    """Where stock TFLM is built: the planned file gives the original's
    output bit for bit, every buffer is planned offline at our offsets, the
    arena is the plan's, and TFLM's own plan of the original file is our
    tflm-greedy's (its tie order)."""
    path = shared_model(name)
    require_tflm()
    data = open(path, "rb").read()
    plan = plan_model(data)
    expected = open(os.path.join(MODELS, name + ".out.bin"), "rb").read()
    run = tflm_on_shipped_input(tmp_path, plan.data, name)
    assert run.output == expected
    assert run.buffers == run.offline == len(plan.lifetimes)
    assert run.head == plan.placement.arena_bytes
    assert all(int(r["tflm_offset"]) == int(r["offline_offset"]) for r in run.rows)
    greedy = plan_model(data, "tflm-greedy")
    assert tflm_on_shipped_input(tmp_path, data, name).head == greedy.arena_bytes


def branches_model():
    """Two branches of two 1x1 int8 convolutions each, concatenated, stored
    in the order that keeps both 2 KiB maps live at once (a, b, a2, b2),
    written by the project's own writer."""
    from serenity.tflite.writer import TensorSpec, write_model

    rng = np.random.default_rng(0)

    def weights(o, i):
        return rng.integers(-127, 128, (o, 1, 1, i)).astype(np.int8)

    def conv(name, shape, scale, zero_point, w_shape, bias_scale):
        return [TensorSpec("w" + name, list(w_shape), "i8", weights(*w_shape[::3]),
                           scales=[0.01], zero_points=[0]),
                TensorSpec("b" + name, [w_shape[0]], "i32", np.zeros(w_shape[0]),
                           scales=[bias_scale], zero_points=[0]),
                TensorSpec(name, shape, "i8", scales=[scale], zero_points=[zero_point])]

    tensors = [TensorSpec("x", [1, 8, 8, 4], "i8", scales=[0.05], zero_points=[-3])]
    tensors += conv("a", [1, 8, 8, 32], 0.2, 1, (32, 1, 1, 4), 0.0005)     # 1-3
    tensors += conv("b", [1, 8, 8, 32], 0.2, 1, (32, 1, 1, 4), 0.0005)     # 4-6
    tensors += conv("a2", [1, 8, 8, 4], 0.5, 0, (4, 1, 1, 32), 0.002)      # 7-9
    tensors += conv("b2", [1, 8, 8, 4], 0.5, 0, (4, 1, 1, 32), 0.002)      # 10-12
    tensors.append(TensorSpec("y", [1, 8, 8, 8], "i8", scales=[0.5], zero_points=[0]))
    operators = [("CONV_2D", [0, 1, 2], [3], {"padding": "VALID", "activation": "RELU"}),
                 ("CONV_2D", [0, 4, 5], [6], {"padding": "VALID"}),
                 ("CONV_2D", [3, 7, 8], [9], {"padding": "VALID"}),
                 ("CONV_2D", [6, 10, 11], [12], {"padding": "VALID"}),
                 ("CONCATENATION", [9, 12], [13], {"axis": 3})]
    return write_model(tensors, operators, [0], [13], "branches")


def test_writer_reads_back():
    model = read_model(branches_model())
    assert [op.opcode for op in model.operators] == ["CONV_2D"] * 4 + ["CONCATENATION"]
    assert [t.name for t in model.tensors[:4]] == ["x", "wa", "ba", "a"]
    assert model.tensors[1].data.shape == (32, 1, 1, 4)
    assert model.tensors[3].quantization.zero_points.tolist() == [1]
    assert model.operators[4].options.int32(0) == 3  # the concatenation's axis


def test_serenity_order_lowers_tflm_arena(tmp_path):
    """Serenity's operator order (a, a2, b, b2) and exact plan: stock TFLM's
    activations fall from 4,352 to 2,560 bytes, with the same outputs."""
    data = branches_model()
    model = read_model(data)
    from serenity.tflite.offline_plan import schedule_tflite
    schedule = schedule_tflite(model)
    assert schedule.order == [1, 3, 0, 2, 4] or schedule.order == [0, 2, 1, 3, 4]
    plan = plan_model(data, order="serenity")
    planned, placement = plan.data, plan.placement
    assert placement.arena_bytes == placement.live_bound_bytes == 2560
    written = plan_model(data, "tflm-greedy")
    assert written.arena_bytes == 4352
    x = np.random.default_rng(5).integers(-128, 128, 256).astype(np.int8)
    runs = [run_tflm(tmp_path, content, x, name)
            for name, content in (("written", data), ("planned", planned))]
    outputs = [run.output for run in runs]
    assert [run.head for run in runs] == [4352, 2560]
    assert outputs[0] == outputs[1] and len(set(outputs[0])) > 50


def test_report_takes_a_tflite_model(tmp_path, capsys):
    """serenity-report on a .tflite: imported, scheduled and reported like
    MLIR, plus TFLite Micro's own figures (text and JSON)."""
    import json
    from serenity.report import main as report_main
    path = shared_model("person_detect")
    out = tmp_path / "pd"
    assert report_main([path, "-o", str(out), "--no-arena", "--json", str(tmp_path / "pd.json")]) == 0
    text = capsys.readouterr().out
    assert "@person_detect" in text
    assert ("TFLite Micro: activations 55296 bytes as written (its greedy planner, the stored "
            "order), 55296 planned") in text
    figures = json.load(open(tmp_path / "pd.json"))["tflite_micro"]
    assert figures["written_activation_bytes"] == figures["planned_activation_bytes"] == 55296
    assert figures["persistent_bytes_estimate"] == 29368
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(open(shared_model("keyword_scrambled_8bit"), "rb").read())
    assert report_main([str(bad), "-o", str(out), "--no-arena"]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "SVDF" in error[0]


ZOO = ["darts_v2_cell", "nasnet_cell", "amoebanet_cell", "pnasnet_cell", "randwire_s1_cell",
       "randwire_s2_cell", "randwire_s3_cell", "densenet121_block", "inception_v3_a",
       "darts_v2_demo"]


def test_tflm_greedy_places_every_buffer_where_tflm_does(tmp_path):
    """The zoo's models written as .tflite, the cells at 8x8 with 8 channels
    (so most buffers tie at 512 bytes), the demo as it is: stock TFLM's planner (tflm_run's PLAN.csv)
    puts every buffer at the offset our tflm-greedy gives it, on TFLM's
    lifetimes in the stored order: TFLM's tie order, buffer by buffer."""
    require_tflm()
    import sys
    from conftest import SOURCE
    sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "zoo"))
    import generate
    ties = 0
    for name in ZOO:
        sizes = {} if name == "darts_v2_demo" else {"size": 8, "channels": 8}
        data, _ = generate.generate(name, dtype="tflite", **sizes)
        model = read_model(data)
        rows = run_tflm(tmp_path, data, np.zeros(model.tensors[model.inputs[0]].bytes, np.int8),
                        name).rows
        ours = plan_model(data, "tflm-greedy").offsets
        assert len(rows) == len(ours), name
        # `what`: t and the tensor's index.
        assert {int(r["what"][1:]): int(r["tflm_offset"]) for r in rows} == ours, name
        sizes = [int(r["size"]) for r in rows]
        ties += len(sizes) - len(set(sizes))
    assert ties > 300


def mean_model(axes, keep_dims):
    """x -> 1x1 CONV_2D (32 channels) -> MEAN over `axes` -> FULLY_CONNECTED
    (10): TFLM's MEAN kernel asks for three scratch buffers."""
    from serenity.tflite.writer import TensorSpec, write_model
    rng = np.random.default_rng(1)
    shape = [1, 8, 8, 32]
    reduced = [1 if a in axes else d for a, d in enumerate(shape)]
    if not keep_dims:
        reduced = [d for a, d in enumerate(shape) if a not in axes]
    depth = int(np.prod(reduced))
    act = lambda name, s, scale, zp: TensorSpec(name, s, "i8", scales=[scale], zero_points=[zp])
    tensors = [act("x", [1, 8, 8, 4], 0.05, -3),
               TensorSpec("w", [32, 1, 1, 4], "i8", rng.integers(-127, 128, (32, 1, 1, 4)),
                          scales=[0.01], zero_points=[0]),
               TensorSpec("b", [32], "i32", rng.integers(-300, 300, 32), scales=[0.0005],
                          zero_points=[0]),
               act("a", shape, 0.1, -5),
               TensorSpec("axes", [len(axes)], "i32", np.array(axes)),
               act("m", reduced, 0.04, 2),
               TensorSpec("fw", [10, depth], "i8", rng.integers(-127, 128, (10, depth)),
                          scales=[0.02], zero_points=[0]),
               TensorSpec("fb", [10], "i32", np.zeros(10), scales=[0.0008], zero_points=[0]),
               act("y", [1, 10], 0.3, 0)]
    operators = [("CONV_2D", [0, 1, 2], [3], {"padding": "VALID"}),
                 ("MEAN", [3, 4], [5], {"keep_dims": keep_dims}),
                 ("FULLY_CONNECTED", [5, 6, 7], [8], {})]
    return write_model(tensors, operators, [0], [8], "mean")


@pytest.mark.parametrize("axes,keep_dims", [([1, 2], True), ([3], False)])
@pytest.mark.parametrize("rewrite", [False, True])
def test_scratch_buffers_tflm_places_online(tmp_path, axes, keep_dims, rewrite):
    """A MEAN's scratch buffers are not ours to place: TFLM puts them online
    around the offline plan. The plan predicts where (tflm.place_online),
    so stock TFLM's arena is the plan's, with the original's output; and
    the model as written gets the arena written_arena says."""
    from serenity.tflite.offline_plan import written_arena
    from serenity.tflite.tflm import scratch_lifetimes
    data = mean_model(axes, keep_dims)
    scratch = scratch_lifetimes(read_model(data))
    assert [b[0] for b in scratch] == [4 * (32 if keep_dims else 64), 16, 16]
    plan = plan_model(data, rewrite=rewrite)
    x = np.random.default_rng(2).integers(-128, 128, 256).astype(np.int8)
    written, planned = run_tflm(tmp_path, data, x, "w"), run_tflm(tmp_path, plan.data, x, "p")
    assert planned.output == written.output and len(set(written.output)) > 5
    assert written.head == written_arena(data)
    assert planned.offline == len(plan.lifetimes)
    assert planned.buffers == planned.offline + len(scratch)
    assert planned.head == plan.arena_bytes
    online = [(int(r["tflm_offset"]), int(r["size"])) for r in planned.rows
              if r["what"] == "scratch"]
    from serenity.tflite.tflm import place_online
    lifetimes = plan.lifetimes
    expected = place_online([(plan.offsets[i],) + lifetimes[i] for i in lifetimes], scratch)
    assert online == list(zip(expected, [b[0] for b in scratch]))


def test_online_buffers_take_the_first_gap_largest_first():
    """tflm.place_online as GreedyMemoryPlanner: the 200-byte buffer first,
    into the gap between the offline ones; of the two 64-byte ones the one
    added last goes first; a buffer live at other times does not block."""
    from serenity.tflite.tflm import place_online
    placed = [(0, 100, 0, 5), (300, 100, 0, 5), (100, 500, 6, 9)]
    assert place_online(placed, [(64, 1, 1), (200, 1, 1), (64, 1, 1)]) == [464, 100, 400]
    assert place_online(placed, [(64, 7, 7)]) == [0]
