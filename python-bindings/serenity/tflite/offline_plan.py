"""A `.tflite` file with Serenity's arena plan inside, for stock TFLite Micro.

TFLite Micro reads offline-planned offsets from the model's
`OfflineMemoryAllocation` metadata (an int32 buffer: version, subgraph,
the number of tensors, then each tensor's byte offset in the arena, -1 for
one TFLM plans itself) and runs the operators in the order the subgraph
stores them. tflm.py gives each tensor the lifetime TFLM's
AllocationInfoBuilder gives it; `write_planned` writes the model with a
new operator order and the offsets.

Without rewrites, the file is rewritten without re-encoding it: the new
Model, SubGraph and vectors go in front of the original bytes, which stay
as they are (every flatbuffer offset is relative and points forward, so the
old tables remain valid behind the new ones), and the root offset names the
new Model. With them (rewrite.py: spatial patches, values in place of
others), the model is written anew (writer.py) and then so.
"""

import struct
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import numpy as np

from . import patches
from .rewrite import OBJECTIVES, best_rewrite
from .patches import Patched
from .schema import Table, read_model
from .tflm import (NO_SCRATCH, SCRATCH, persistent_bytes, place_online, place_tensors,
                   scratch_lifetimes, tflm_lifetimes)
from .writer import model_specs, write_model

OFFLINE_METADATA = "OfflineMemoryAllocation"
ONLINE = -1
class _FrontWriter:
    """Objects laid out front to back at known positions, each referring
    only to later ones (a flatbuffer's offsets point forward)."""

    def __init__(self):
        self.data = bytearray()

    def align(self, alignment, extra=0):
        while (len(self.data) + extra) % alignment:
            self.data += b"\0"

    def reserve(self, size):
        position = len(self.data)
        self.data += bytes(size)
        return position

    def put_uoffset(self, at, target):
        assert target > at, "flatbuffer offsets point forward"
        struct.pack_into("<I", self.data, at, target - at)


def _vector_start(table, slot):
    """The position of a vector field's length word, or None."""
    o = table._offset(slot)
    if not o:
        return None
    return table.t.Vector(o) - 4


def _ref(table, slot):
    """The position of the object a reference field points to, or None."""
    o = table._offset(slot)
    return table.t.Indirect(o + table.t.Pos) if o else None


def write_planned(data, order=None, offsets=None):
    """The `.tflite` bytes `data` with subgraph 0's operators in `order`
    (operator indices; default: as stored) and `offsets` ({tensor index:
    byte offset}) as OfflineMemoryAllocation metadata for every tensor of
    subgraph 0 (-1 for the rest). An existing OfflineMemoryAllocation entry
    is replaced. Only single-subgraph models are planned."""
    data = bytes(data)
    model = read_model(data)
    buf = bytearray(data)
    root = Table(buf, struct.unpack_from("<I", buf, 0)[0])
    subgraphs = root.tables(2)
    if len(subgraphs) != 1:
        raise ValueError("only models of one subgraph can be planned")
    graph = subgraphs[0]
    operators = graph.tables(3)
    order = list(range(len(operators))) if order is None else list(order)
    if sorted(order) != list(range(len(operators))):
        raise ValueError("the order must name each of the %d operators once" % len(operators))
    buffers = root.tables(4)
    metadata = [m for m in root.tables(6) if m.string(0) != OFFLINE_METADATA]

    plan = np.full([len(model.tensors)], ONLINE, np.int64)
    for index, offset in (offsets or {}).items():
        plan[index] = offset
    plan_words = np.concatenate([[1, 0, len(model.tensors)], plan]).astype("<i4").tobytes()

    w = _FrontWriter()
    # Header: the root offset and the file identifier.
    root_slot = w.reserve(4)
    w.data += b"TFL3"

    def table(fields):
        """A table of (slot, kind, value) fields, kind "u32" (a scalar) or
        "ref" (an offset to fill in later: value is ignored here). Returns
        the table's position and {slot: position of the field}."""
        slots = max(slot for slot, _, _ in fields) + 1
        vtable_size = 4 + 2 * slots
        w.align(4, vtable_size)
        vtable = w.reserve(vtable_size)
        table_pos = w.reserve(4 + 4 * len(fields))
        struct.pack_into("<i", w.data, table_pos, table_pos - vtable)
        struct.pack_into("<HH", w.data, vtable, vtable_size, 4 + 4 * len(fields))
        positions = {}
        for k, (slot, kind, value) in enumerate(fields):
            field = table_pos + 4 + 4 * k
            struct.pack_into("<H", w.data, vtable + 4 + 2 * slot, field - table_pos)
            if kind == "u32":
                struct.pack_into("<I", w.data, field, value)
            positions[slot] = field
        return table_pos, positions

    def vector_of_refs(count):
        w.align(4)
        start = w.reserve(4 + 4 * count)
        struct.pack_into("<I", w.data, start, count)
        return start

    # The new Model: every field of the old one, the subgraphs, buffers and
    # metadata replaced.
    old_fields = []
    for slot in range(8):
        if root.has(slot) and slot not in (2, 4, 6):
            old_fields.append(slot)
    model_fields = [(0, "u32", root.uint32(0))] if root.has(0) else []
    model_fields += [(slot, "ref", None) for slot in old_fields if slot != 0]
    model_fields += [(2, "ref", None), (4, "ref", None), (6, "ref", None)]
    model_pos, model_slots = table(model_fields)
    pending = []  # (field position, "old" slot of the old root) to fill at the end
    for slot in old_fields:
        if slot != 0:
            target = (_vector_start(root, slot) if slot in (1, 5, 7)
                      else _ref(root, slot))
            pending.append((model_slots[slot], target))

    subgraphs_vector = vector_of_refs(1)
    w.put_uoffset(model_slots[2], subgraphs_vector)
    graph_fields = [(slot, "ref", None) for slot in (0, 1, 2, 4) if graph.has(slot)]
    graph_fields.append((3, "ref", None))
    graph_pos, graph_slots = table(graph_fields)
    w.put_uoffset(subgraphs_vector + 4, graph_pos)
    for slot in (0, 1, 2, 4):
        if graph.has(slot):
            pending.append((graph_slots[slot], _ref(graph, slot) if slot == 4
                            else _vector_start(graph, slot)))
    operators_vector = vector_of_refs(len(order))
    w.put_uoffset(graph_slots[3], operators_vector)
    for k, index in enumerate(order):
        pending.append((operators_vector + 4 + 4 * k, operators[index].t.Pos))

    buffers_vector = vector_of_refs(len(buffers) + 1)
    w.put_uoffset(model_slots[4], buffers_vector)
    for k, old in enumerate(buffers):
        pending.append((buffers_vector + 4 + 4 * k, old.t.Pos))
    metadata_vector = vector_of_refs(len(metadata) + 1)
    w.put_uoffset(model_slots[6], metadata_vector)
    for k, old in enumerate(metadata):
        pending.append((metadata_vector + 4 + 4 * k, old.t.Pos))

    entry_pos, entry_slots = table([(0, "ref", None), (1, "u32", len(buffers))])
    w.put_uoffset(metadata_vector + 4 + 4 * len(metadata), entry_pos)
    w.align(4)
    name = w.reserve(4 + len(OFFLINE_METADATA) + 1)
    struct.pack_into("<I", w.data, name, len(OFFLINE_METADATA))
    w.data[name + 4:name + 4 + len(OFFLINE_METADATA)] = OFFLINE_METADATA.encode()
    w.put_uoffset(entry_slots[0], name)

    buffer_pos, buffer_slots = table([(0, "ref", None)])
    w.put_uoffset(buffers_vector + 4 + 4 * len(buffers), buffer_pos)
    w.align(16, 4)  # the data 16-aligned (Buffer.data is force_align 16)
    words = w.reserve(4 + len(plan_words))
    struct.pack_into("<I", w.data, words, len(plan_words))
    w.data[words + 4:words + 4 + len(plan_words)] = plan_words
    w.put_uoffset(buffer_slots[0], words)

    # The original bytes, 16-aligned, then every reference into them.
    w.align(16)
    base = len(w.data)
    for position, old_position in pending:
        w.put_uoffset(position, base + old_position)
    w.put_uoffset(root_slot, model_pos)
    return bytes(w.data) + data


def schedule_tflite(model, algorithm="optimal"):
    """Serenity's order of the model's operators for TFLite Micro's memory:
    its allocated tensors (tflm_lifetimes' sizes), the graph's inputs live
    from the start and its outputs to the end (serenity.schedule_graph under
    `strict`)."""
    from .. import schedule_graph

    sizes = {i: size for i, (size, _, _) in tflm_lifetimes(model).items()}
    value = {}
    arguments = []
    for index in model.inputs:
        value[index] = len(arguments)
        arguments.append(sizes.get(index, 0))
    count = len(arguments)
    nodes = []
    for op in model.operators:
        operands = [value[t] for t in op.inputs if t in value]
        results = []
        for t in op.outputs:
            value[t] = count
            count += 1
            results.append(sizes.get(t, 0))
        nodes.append(("%s %d" % (op.opcode, op.index), operands, results))
    return schedule_graph(arguments, nodes, [value[t] for t in model.outputs if t in value],
                          algorithm)


def check_order(model, order):
    """Raises ValueError unless `order` runs every operator after the
    producers of its inputs."""
    producer = {t: i for i, op in enumerate(model.operators) for t in op.outputs}
    done = set()
    for i in order:
        for t in model.operators[i].inputs:
            if t in producer and producer[t] not in done:
                raise ValueError("operator %d runs before operator %d, which computes its "
                                 "input '%s'" % (i, producer[t], model.tensors[t].name))
        done.add(i)


@dataclass
class Plan:
    """A model planned for TFLM: its bytes, every activation's offset, the
    arena of the activations (with the scratch buffers TFLM places online
    around them), and the rewrites made (`patched`: the spatial
    patches, or None; `inplace`: results in place of an input or values
    laid over another)."""
    data: bytes
    offsets: Dict[int, int]
    arena_bytes: int
    placement: object  # serenity.place's result, over the tensors no alias places
    lifetimes: Dict[int, Tuple[int, int, int]]
    aliases: Dict[int, Tuple[int, int]] = field(default_factory=dict)
    patched: Optional[Patched] = None
    inplace: int = 0
    macs: Tuple[int, int] = (0, 0)
    # tflm.persistent_bytes of the planned model and of the model as given
    persistent: int = 0
    persistent_before: int = 0


def _check_kernels(model):
    # TFLM plans an op's scratch buffers online, around the offline offsets:
    # plan only models whose every op's requests are known (tflm.SCRATCH),
    # so that the arena can be predicted.
    known = set(NO_SCRATCH) | set(SCRATCH)
    others = sorted({op.opcode for op in model.operators} - known)
    if others:
        raise ValueError("%s may request scratch buffers of sizes not modeled, which TFLite "
                         "Micro plans online around an offline plan; serenity-plan-tflite "
                         "plans models of %s" % (", ".join(others), ", ".join(sorted(known))))


def _scratch_keys(lifetimes, scratch):
    # Keys after every tensor's: TFLM adds scratch buffers after tensors.
    top = max(lifetimes, default=-1) + 1
    return {top + k: buffer for k, buffer in enumerate(scratch)}


def place_with_scratch(lifetimes, scratch, algorithm, aliases=None):
    """The tensors' offsets (written offline) and TFLM's arena once it has
    put the `scratch` buffers (tflm.scratch_lifetimes) online around them
    (tflm.place_online). The tensors are placed by `algorithm` with and
    without room reserved for the scratch buffers, and the smaller arena is
    kept. Returns (offsets, arena, the placement)."""
    best = None
    for reserve in (False, True) if scratch else (False,):
        blocks = dict(lifetimes)
        if reserve:
            blocks.update(_scratch_keys(lifetimes, scratch))
        offsets, _, placement = place_tensors(blocks, algorithm, aliases)
        offsets = {i: offsets[i] for i in lifetimes}
        online = place_online([(offsets[i],) + lifetimes[i] for i in lifetimes], scratch)
        arena = max([offsets[i] + lifetimes[i][0] for i in lifetimes]
                    + [o + b[0] for o, b in zip(online, scratch)], default=0)
        if best is None or arena < best[1]:
            best = (offsets, arena, placement)
    return best


def written_arena(data):
    """TFLM's activations for the model `data` as stored, planned by TFLM
    itself: every tensor and scratch buffer online, in the order TFLM adds
    them (tflm-greedy follows its ties)."""
    model = read_model(data)
    lifetimes = tflm_lifetimes(model)
    blocks = dict(lifetimes)
    blocks.update(_scratch_keys(lifetimes, scratch_lifetimes(model)))
    return place_tensors(blocks, "tflm-greedy")[1]


def plan_model(data, algorithm="exact", order=None, rewrite=False, max_extra_macs=10.0,
               objective="total"):
    """TFLM's lifetimes of `data`'s tensors (in `order` when given: a list
    of operator indices, or "serenity" for schedule_tflite's), placed by
    `algorithm` (serenity.place). With `rewrite`, the model is written anew
    with the rewrites that lower its `objective` (rewrite.py's OBJECTIVES):
    spatial patches of its first operators (at most `max_extra_macs`
    percent more MACs), results in place of their inputs and values laid
    over others (inplace.py). Returns a Plan."""
    model = read_model(data)
    if order == "serenity":
        order = schedule_tflite(model).order
    _check_kernels(model)
    if order is not None:
        check_order(model, order)
        model.operators = [model.operators[i] for i in order]
    if not rewrite:
        lifetimes = tflm_lifetimes(model)
        offsets, arena, placement = place_with_scratch(lifetimes, scratch_lifetimes(model),
                                                       algorithm)
        persistent = persistent_bytes(model)
        return Plan(write_planned(data, order, offsets), offsets, arena, placement, lifetimes,
                    persistent=persistent, persistent_before=persistent)

    graph = patches.Graph.of(model_specs(model))
    option, aliases, count = best_rewrite(graph, max_extra_macs, objective, algorithm)
    lifetimes = tflm_lifetimes(option.graph)
    offsets, arena, placement = place_with_scratch(lifetimes, scratch_lifetimes(option.graph),
                                                   algorithm, aliases)
    if option.patches > 1:
        planned = write_planned(write_model(*option.graph.specs(), name=model.name), None,
                                offsets)
    else:
        # The same operators and tensors: only the order and the offsets
        # change, and the file keeps all it had.
        planned = write_planned(data, order, offsets)
    return Plan(planned, offsets, arena, placement, lifetimes,
                aliases, option if option.patches > 1 else None, count,
                (patches.macs(graph), option.macs), persistent_bytes(option.graph),
                persistent_bytes(model))


def main(argv=None):
    import argparse

    from ..cli import cannot, failer, read_bytes

    from .schema import SchemaError

    parser = argparse.ArgumentParser(prog="serenity-plan-tflite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a .tflite file")
    parser.add_argument("-o", "--output", required=True, help="the planned .tflite")
    parser.add_argument("--placement", default="exact",
                        help="the planner of the offsets (exact; tflm-greedy, tflite-arena, ...)")
    parser.add_argument("--no-rewrite", dest="rewrite", action="store_false",
                        help="keep the model's operators and tensors as they are (only the "
                             "order and the offsets change)")
    parser.add_argument("--max-extra-macs", type=float, default=10.0,
                        help="most MACs the spatial patches' halos may add, in percent "
                             "(default 10)")
    parser.add_argument("--objective", choices=OBJECTIVES, default="total",
                        help="what the rewrites lower: TFLM's whole arena (activations and "
                             "its persistent part, which every added operator grows; the "
                             "default) or the activations alone")
    args = parser.parse_args(argv)

    fail = failer("serenity-plan-tflite")
    try:
        data = read_bytes(args.model)
    except OSError as error:
        return fail(cannot("read", args.model, error))
    try:
        plan = plan_model(data, args.placement, "serenity", args.rewrite, args.max_extra_macs,
                          args.objective)
        written = written_arena(data)
    except (SchemaError, ValueError) as error:
        return fail("%s: %s" % (args.model, error))
    from .. import tosa
    try:
        tosa.write_text(args.output, plan.data)
    except OSError as error:
        return fail(cannot("write", args.output, error))
    print(describe(args.model, plan, written, args.placement))
    return 0


def describe(name, plan, written_arena, algorithm):
    """The tool's report: TFLM's arena as written and as planned (its
    activations and the persistent part it adds), and the rewrites."""
    before = written_arena + plan.persistent_before
    after = plan.arena_bytes + plan.persistent
    lines = ["%s: TFLM's arena %d bytes as written (activations %d, as its own planner "
             "places them in the stored order, + persistent ~%d), %d bytes planned "
             "(activations %d, %.2fx, + persistent ~%d)" % (
                 name, before, written_arena, plan.persistent_before, after, plan.arena_bytes,
                 written_arena / max(plan.arena_bytes, 1), plan.persistent),
             "  Serenity's operator order, %s placement of %d tensors (%s), all "
             "offline-planned; persistent bytes are an estimate (docs/memory-model.md)"
             % (algorithm, len(plan.lifetimes), plan.placement.status)]
    if plan.patched is not None:
        before_macs, after_macs = plan.macs
        lines.append("  spatial patches: the first %d operators in %d bands of rows (halos %s), "
                     "%d operators in all, %+.1f%% MACs" % (
                         plan.patched.group_ops, plan.patched.patches, {"cache": "cached", "recompute": "recomputed"}[plan.patched.halos],
                         len(plan.patched.graph.operators),
                         100.0 * (after_macs - before_macs) / before_macs))
    if plan.inplace:
        lines.append("  %d values in place of another (an ADD, MUL or RELU on its input, a "
                     "concatenation's last input in it, a patched map over rows no longer read)"
                     % plan.inplace)
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
