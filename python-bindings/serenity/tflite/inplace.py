"""Operators whose result may lie on top of an input in the arena, given the
order in which TFLite Micro's reference kernels read and write.

- ADD, MUL and RELU without broadcast compute element i from elements i of
  their inputs: the result can overwrite an input that dies there.
- CONCATENATION copies, for each outer index, each input's chunk in turn
  (one memcpy each). Its last input can lie at the tail of the result: its
  chunk k is copied onto itself or backwards by a multiple of the other
  inputs' chunks, never onto a chunk not yet read. Kept only where no copy
  overlaps its own source partly (the other inputs' chunks at least as
  large as the last one's, or one outer index).

A value assembled part by part (spatial patches' CONCATENATION of bands)
can also lie over a value whose parts die one after the other (a map the
bands read row by row): `overlap` finds the offset of the one from the
other where no part is written before the last read of the bytes it
covers.

An operator may overwrite an input only if every tensor that shares that
input's bytes (offline_plan.place_tensors' aliases) is dead after it and is
no graph output; its result must lie nowhere yet.
"""

import numpy as np

ELEMENTWISE = ("ADD", "MUL", "RELU")


def last_uses(graph):
    """{tensor: index of the last operator that reads it}."""
    last = {}
    for i, op in enumerate(graph.operators):
        for index in op.inputs:
            last[index] = i
    return last


def base_of(aliases, index):
    """(the tensor `index` lies at that lies at no other, its byte offset
    from it)."""
    offset = 0
    while index in aliases:
        index, delta = aliases[index]
        offset += delta
    return index, offset


def root_of(aliases, index):
    return base_of(aliases, index)[0]


def _dies_at(graph, aliases, last, x, i):
    """Whether no tensor sharing x's root is read after operator i."""
    root = root_of(aliases, x)
    members = [t for t in aliases if root_of(aliases, t) == root] + [root]
    return all(last.get(t, -1) <= i and t not in graph.outputs for t in members)


def candidate(graph, i, aliases, last):
    """An alias (tensor, (base, offset)) that puts operator i's result on
    one of its inputs, or the concatenation's last input in its result;
    None if there is none."""
    op = graph.operators[i]
    if len(op.outputs) != 1:
        return None
    out = op.outputs[0]
    spec = graph.tensors[out]
    if out in aliases or any(base == out for base, _ in aliases.values()):
        return None
    activations = [x for x in op.inputs if x >= 0 and graph.tensors[x].data is None
                   and graph.tensors[x].element == spec.element]
    if op.opcode in ELEMENTWISE:
        for x in activations:
            if graph.tensors[x].shape == spec.shape and _dies_at(graph, aliases, last, x, i):
                return out, (x, 0)
    elif op.opcode == "CONCATENATION" and activations and op.inputs[-1] == activations[-1]:
        x = op.inputs[-1]
        # The last input may itself lie in place of others (an in-place
        # chain): those move with it, all dead after the concatenation.
        root, offset = base_of(aliases, x)
        if (x in op.inputs[:-1] or offset or graph.tensors[root].bytes != graph.tensors[x].bytes
                or not _dies_at(graph, aliases, last, x, i)):
            return None
        axis = op.options["axis"] % len(spec.shape)
        outer = int(np.prod(spec.shape[:axis], dtype=np.int64))
        chunk = graph.tensors[x].bytes // outer
        if outer == 1 or spec.bytes // outer - chunk >= chunk:
            return root, (out, spec.bytes - graph.tensors[x].bytes)
    return None


def _members(aliases, lifetimes, root):
    """[(tensor, offset from root, bytes, first, last)] of what lies at root."""
    result = []
    for t, (size, first, last) in lifetimes.items():
        base, offset = base_of(aliases, t)
        if base == root:
            result.append((t, offset, size, first, last))
    return result


def _byte_reads(graph, aliases, lifetimes, root):
    """[(start, end, until)]: bytes of root's block read up to scope `until`
    (a view's bytes while the view lives; a tensor's bytes up to its last
    reader, or just those of the views a STRIDED_SLICE makes of it)."""
    readers = {}
    for i, op in enumerate(graph.operators):
        for x in op.inputs:
            readers.setdefault(x, []).append((i, op))
    reads = []
    for t, offset, size, first, last in _members(aliases, lifetimes, root):
        reads.append((offset, offset + size, first))  # written at first
        for i, op in readers.get(t, []):
            out = op.outputs[0] if op.outputs else None
            if op.opcode == "STRIDED_SLICE" and aliases.get(out, (None,))[0] == t:
                continue  # reads only the bytes of its view, a member itself
            reads.append((offset, offset + size, i + 1))
        if t != root:
            reads.append((offset, offset + size, last))
    return reads


def overlap(graph, aliases, lifetimes, source, target):
    """The offset from `source`'s block at which `target`'s block (both
    roots of aliases) can lie, so that each tensor of target's block is
    written after the last read of every byte of source's block it covers,
    and source's block is never read after target's is whole: the one
    whose union with source's is smallest, if smaller than both side by
    side; else None."""
    reads = _byte_reads(graph, aliases, lifetimes, source)
    members = _members(aliases, lifetimes, target)
    source_low = min(start for start, _, _ in reads)
    source_high = max(end for _, end, _ in reads)
    low = min(offset for _, offset, _, _, _ in members)
    high = max(offset + size for _, offset, size, _, _ in members)
    forbidden = []
    for _, offset, size, first, _ in members:
        for start, end, until in reads:
            if first <= until:
                # [o + offset, o + offset + size) must miss [start, end).
                forbidden.append((start - offset - size, end - offset))
    forbidden.sort()
    merged = []
    for a, b in forbidden:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))

    def allowed(o):
        return all(not (a < o < b) for a, b in merged)

    def extent(o):
        return max(source_high, o + high) - min(source_low, o + low)

    # The union is smallest between these two; else at a forbidden range's end.
    points = {source_low - low, source_high - high}
    points |= {a for a, _ in merged} | {b for _, b in merged}
    best = None
    for o in sorted(points):
        if allowed(o) and (best is None or extent(o) < extent(best)):
            best = o
    apart = (source_high - source_low) + (high - low)
    if best is None or extent(best) >= apart:
        return None
    return best
