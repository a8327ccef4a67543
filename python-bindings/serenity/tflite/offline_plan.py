"""A `.tflite` file with Serenity's arena plan inside, for stock TFLite Micro.

TFLite Micro reads offline-planned offsets from the model's
`OfflineMemoryAllocation` metadata (an int32 buffer: version, subgraph,
the number of tensors, then each tensor's byte offset in the arena, -1 for
one TFLM plans itself) and runs the operators in the order the subgraph
stores them. `tflm_lifetimes` gives each tensor the lifetime TFLM's
AllocationInfoBuilder gives it; `write_planned` writes the model with a
new operator order and the offsets.

The file is rewritten without re-encoding it: the new Model, SubGraph and
vectors go in front of the original bytes, which stay as they are (every
flatbuffer offset is relative and points forward, so the old tables remain
valid behind the new ones), and the root offset names the new Model.
"""

import struct

import numpy as np

from .schema import Table, read_model

OFFLINE_METADATA = "OfflineMemoryAllocation"
ONLINE = -1
# TFLM rounds every buffer up to this (MicroArenaBufferAlignment).
TFLM_ALIGNMENT = 16
# Ops whose TFLM reference kernels request no scratch buffer.
NO_SCRATCH = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D",
              "MAX_POOL_2D", "RESHAPE", "SOFTMAX", "ADD", "CONCATENATION", "RELU", "MUL")


def tflm_lifetimes(model):
    """{tensor index: (bytes rounded up to 16, first, last)} of the tensors
    TFLM plans, with its allocation scopes: 0 for the graph's inputs and
    outputs, operator i's scope i + 1 for what it creates and reads, the
    graph's outputs kept to the last operator's scope."""
    n = len(model.operators)
    first, last = {}, {}
    for index in model.inputs + model.outputs:
        first[index] = last[index] = 0
    for i, op in enumerate(model.operators):
        scope = i + 1
        for index in op.outputs:
            first[index] = last[index] = scope
        for index in op.inputs:
            if index >= 0:
                last[index] = scope
        for index in op.outputs:
            last[index] = scope
    for index in model.outputs:
        last[index] = n
    lifetimes = {}
    for index, tensor in enumerate(model.tensors):
        if index not in first or tensor.data is not None or tensor.is_variable:
            continue
        size = tensor.bytes
        if size == 0:
            continue
        aligned = (size + TFLM_ALIGNMENT - 1) // TFLM_ALIGNMENT * TFLM_ALIGNMENT
        lifetimes[index] = (aligned, first[index], last[index])
    return lifetimes


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
    for field, old_position in pending:
        w.put_uoffset(field, base + old_position)
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


def plan_model(data, algorithm="exact", order=None):
    """TFLM's lifetimes of `data`'s tensors (in `order` when given: a list
    of operator indices, or "serenity" for schedule_tflite's), placed by
    `algorithm` (serenity.place); returns (the planned bytes, the
    placement, the lifetimes)."""
    from .. import place

    model = read_model(data)
    if order == "serenity":
        order = schedule_tflite(model).order
    # TFLM plans an op's scratch buffers online, around the offline offsets
    # (keyword_scrambled_8bit's SVDFs: 672 bytes online, 800 so): plan only
    # models whose every op, in TFLM's reference kernels, asks for none.
    others = sorted({op.opcode for op in model.operators} - set(NO_SCRATCH))
    if others:
        raise ValueError("%s may request scratch buffers, which TFLite Micro plans online "
                         "around an offline plan; serenity-plan-tflite plans models of %s"
                         % (", ".join(others), ", ".join(NO_SCRATCH)))
    if order is not None:
        check_order(model, order)
        model.operators = [model.operators[i] for i in order]
    lifetimes = tflm_lifetimes(model)
    indices = sorted(lifetimes)
    placement = place([lifetimes[i] for i in indices], algorithm, TFLM_ALIGNMENT)
    offsets = dict(zip(indices, placement.offsets))
    return write_planned(data, order, offsets), placement, lifetimes


def main(argv=None):
    import argparse

    from ..cli import failer, read_bytes

    from .schema import SchemaError

    parser = argparse.ArgumentParser(prog="serenity-plan-tflite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a .tflite file")
    parser.add_argument("-o", "--output", required=True, help="the planned .tflite")
    parser.add_argument("--placement", default="exact",
                        help="the planner of the offsets (exact; tflm-greedy, tflite-arena, ...)")
    args = parser.parse_args(argv)

    fail = failer("serenity-plan-tflite")
    try:
        data = read_bytes(args.model)
    except OSError as error:
        return fail("cannot read '%s': %s" % (args.model, error.strerror))
    try:
        planned, placement, lifetimes = plan_model(data, args.placement, "serenity")
        _, written, _ = plan_model(data, "tflm-greedy")
    except (SchemaError, ValueError) as error:
        return fail("%s: %s" % (args.model, error))
    from .. import tosa
    try:
        tosa.write_text(args.output, planned)
    except OSError as error:
        return fail("cannot write '%s': %s" % (args.output, error.strerror))
    print("%s: %d tensors planned offline; TFLM's activation arena: %d bytes as its planner "
          "places them in the stored order, %d bytes planned (Serenity's operator order, %s "
          "placement %s; live-bytes bound %d)" % (
              args.model, len(lifetimes), written.arena_bytes, placement.arena_bytes,
              args.placement, placement.status, placement.live_bound_bytes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
