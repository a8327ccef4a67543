"""Spatial patches of a TFLite model, in TFLite ops that stock TFLite Micro
runs (MCUNetV2's patch-based inference, without a runtime of our own).

A group of operators that opens the graph (a prefix of the operator order)
is computed in bands of rows, one band after the other. Each operator of a
band computes the rows its consumers in the group read, halos included:
recomputed by the next band (extra MACs), or cached (the rows the next band
reads again are copied out and back, no extra MAC):

- the rows an operator reads are a STRIDED_SLICE of the rows its producer
  computed in this band, or of a graph input;
- the zero padding of a SAME convolution at a band's edge is an explicit
  PAD (with the input's zero point, which is what TFLite's kernels add for
  a padded position: exact) before a VALID convolution, or a row or two
  more computed on SAME where that is exact (a pool always: a PAD would
  change what it averages);
- each value that leaves the group is assembled by a CONCATENATION of its
  bands along the rows.

None of the slices and concatenations copies anything in the arena: a
slice of whole rows is a contiguous part of its input, and a band is a
contiguous part of the value it is concatenated into, so the plan places
each at its byte offset inside the other (`Patched.aliases`), and the
kernels copy every byte onto itself. PADs, cached rows and SAME bands'
extra rows take memory of their own.

    patched = patch_graph(graph, group_ops=12, patches=4, halos="cache")
    write_model(*patched.graph.specs())
"""

from dataclasses import dataclass, field, replace
from typing import Dict, List, NamedTuple, Optional, Tuple

import numpy as np

from .schema import same_pads
from .writer import TensorSpec

WINDOWED = ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D")
POOLS = ("AVERAGE_POOL_2D", "MAX_POOL_2D")
ELEMENTWISE = ("ADD", "MUL", "RELU")


class Op(NamedTuple):
    opcode: str
    inputs: List[int]
    outputs: List[int]
    options: Optional[dict]


@dataclass
class Graph:
    """A one-subgraph model as write_model takes it, operators in the order
    TFLM runs them."""
    tensors: List[TensorSpec]
    operators: List[Op]
    inputs: List[int]
    outputs: List[int]

    @staticmethod
    def of(specs):
        tensors, operators, inputs, outputs = specs
        return Graph(list(tensors), [Op(*op) for op in operators], list(inputs), list(outputs))

    def specs(self):
        return self.tensors, self.operators, self.inputs, self.outputs


@dataclass
class Patched:
    graph: Graph
    # {tensor: (tensor it lies inside, byte offset there)}
    aliases: Dict[int, Tuple[int, int]] = field(default_factory=dict)
    macs: int = 0
    group_ops: int = 0
    patches: int = 1
    halos: str = "recompute"
    same_windows: bool = True


def _window(graph, op):
    """(kernel, stride, dilation, (top, bottom), (left, right)) of a windowed op."""
    o = op.options
    x, out = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    if op.opcode in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        kernel = tuple(graph.tensors[op.inputs[1]].shape[1:3])
    else:
        kernel = tuple(o["filter"])
    stride, dilation = tuple(o["stride"]), tuple(o.get("dilation", (1, 1)))
    pads = [(0, 0), (0, 0)]
    if o["padding"] == "SAME":
        pads = [same_pads(x.shape[1 + a], kernel[a], stride[a], dilation[a], out.shape[1 + a])
                for a in range(2)]
    return kernel, stride, dilation, pads[0], pads[1]


def macs(graph):
    """Multiply-accumulates of the convolutions and fully connected ops."""
    total = 0
    for op in graph.operators:
        out = graph.tensors[op.outputs[0]].shape
        if op.opcode == "CONV_2D":
            w = graph.tensors[op.inputs[1]].shape
            total += int(np.prod(out)) * w[1] * w[2] * w[3]
        elif op.opcode == "DEPTHWISE_CONV_2D":
            w = graph.tensors[op.inputs[1]].shape
            total += int(np.prod(out)) * w[1] * w[2]
        elif op.opcode == "FULLY_CONNECTED":
            total += int(np.prod(out)) * graph.tensors[op.inputs[1]].shape[-1]
    return total


def _is_activation(graph, index):
    return index >= 0 and graph.tensors[index].data is None


def why_not_patchable(graph, op):
    """None if `op` can be computed in bands of rows, else why not."""
    tensors = graph.tensors
    out = tensors[op.outputs[0]]
    if len(op.outputs) != 1 or len(out.shape) != 4 or out.shape[0] != 1:
        return "its result is not one [1, H, W, C] map"
    activations = [i for i in op.inputs if _is_activation(graph, i)]
    if any(tensors[i].shape != [1] + tensors[i].shape[1:] or len(tensors[i].shape) != 4
           for i in activations):
        return "an input is not a [1, H, W, C] map"
    if op.opcode in WINDOWED:
        if op.options is None:
            return "no options"
        return None
    if op.opcode in ELEMENTWISE:
        if any(tensors[i].shape != out.shape for i in activations):
            return "a broadcast"
        return None
    if op.opcode == "CONCATENATION":
        if op.options["axis"] not in (3, -1):
            return "a concatenation along another axis than the channels"
        return None
    return "%s is not computed in bands" % op.opcode


def _same_band(height, rows, kernel, stride, dilation, top):
    """Input rows [x0, x1) on which a SAME window op computes rows
    [a', b') covering `rows`, every row of `rows` exactly (a window that
    leaves the band leaves the image there, so it skips the same positions
    as on the whole map): (x0, x1, a', b') with the fewest rows, or None."""
    a, b = rows
    span = (kernel - 1) * dilation + 1
    start, end = a * stride - top, (b - 1) * stride - top + span
    best = None
    for x0 in range(max(0, start - 2 * stride), max(0, start) + 1):
        for x1 in range(min(height, end), min(height, end + 2 * stride) + 1):
            n = x1 - x0
            m = -(-n // stride)
            band_top = max((m - 1) * stride + span - n, 0) // 2
            if (x0 - band_top + top) % stride:
                continue
            first = (x0 - band_top + top) // stride
            if first > a or first + m < b:
                continue
            exact = all(max(j * stride - top, 0) >= x0 and
                        min(j * stride - top + span, height) <= x1 for j in range(a, b))
            if exact and (best is None or (m, n) < (best[3] - best[2], best[1] - best[0])):
                best = (x0, x1, first, first + m)
    return best


def _band_plan(graph, op, rows, prefer_same=True):
    """How `op` computes its output rows `rows` = [a, b) in a band:
    (rows it computes, padding option, {input: (first, end, pads)}) with
    pads ((top, bottom), (left, right)) an explicit PAD around input rows
    [first, end). A SAME window op that would need a PAD computes a few
    more rows on SAME instead where that is exact (_same_band): always for
    a pool, for a convolution if `prefer_same`."""
    a, b = rows
    if op.opcode in WINDOWED:
        kernel, stride, dilation, (top, _), columns = _window(graph, op)
        height = graph.tensors[op.inputs[0]].shape[1]
        start = a * stride[0] - top
        end = (b - 1) * stride[0] - top + (kernel[0] - 1) * dilation[0] + 1
        first, last = max(start, 0), min(end, height)
        pads = ((first - start, end - last), columns)
        if any(pads[0] + pads[1]) and (prefer_same or op.opcode in POOLS):
            same = _same_band(height, rows, kernel[0], stride[0], dilation[0], top)
            if same is not None:
                x0, x1, a0, b0 = same
                return (a0, b0), "SAME", {op.inputs[0]: (x0, x1, ((0, 0), (0, 0)))}
            if op.opcode in POOLS:
                # A padded window averages (or takes the max of) its valid
                # elements only, which an explicit PAD would change.
                raise ValueError("a %s cannot compute rows %d to %d of its output exactly in a "
                                 "band" % (op.opcode, a, b))
        return rows, "VALID", {op.inputs[0]: (first, last, pads)}
    return rows, None, {index: (a, b, ((0, 0), (0, 0))) for index in op.inputs
                        if _is_activation(graph, index)}


def _hull(rows, other):
    return other if rows is None else (min(rows[0], other[0]), max(rows[1], other[1]))


HALOS = ("recompute", "cache")
# TFLM's CONCATENATION takes at most this many inputs (kMaxInputNum).
MAX_CONCATENATED = 10


def patch_graph(graph, group_ops, patches, halos="recompute", same_windows=None):
    """`graph` with its first `group_ops` operators computed in `patches`
    bands of rows (see the module's doc). Raises ValueError when an op of
    the group cannot be.

    The rows a band reads that the band before computed too (halos) are
    computed again (`recompute`: extra MACs), or kept (`cache`): each band
    computes only rows no band computed before, and a value's rows that the
    next band reads again are copied (STRIDED_SLICE) to the head of that
    band's buffer of the value, where the new rows follow them
    (CONCATENATION along the rows, both in place).

    A SAME convolution that needs padding at a band's edge pads it
    explicitly (a PAD: a buffer), or, with `same_windows`, computes a row
    or two more on SAME where that is exact (MACs); default: with
    recomputed halos only. Pools always do the latter."""
    if halos not in HALOS:
        raise ValueError("halos must be one of %s" % ", ".join(HALOS))
    cache = halos == "cache"
    if same_windows is None:
        same_windows = not cache
    group = graph.operators[:group_ops]
    rest = graph.operators[group_ops:]
    for k, op in enumerate(group):
        why = why_not_patchable(graph, op)
        if why:
            raise ValueError("operator %d (%s) cannot be patched: %s" % (k, op.opcode, why))
    used_later = {i for op in rest for i in op.inputs} | set(graph.outputs)
    leaving = [op.outputs[0] for op in group if op.outputs[0] in used_later]

    # Per band: which rows of each value the band needs (its share of the
    # values that leave the group, and what the group's ops read), and
    # which rows each op computes (all it needs, or only those no band
    # computed before).
    bands = []
    done = {}
    for p in range(patches):
        need, share, computes = {}, {}, {}
        for t in leaving:
            height = graph.tensors[t].shape[1]
            rows = (p * height // patches, (p + 1) * height // patches)
            if rows[1] > rows[0]:
                share[t] = need[t] = rows
        for k in reversed(range(len(group))):
            op = group[k]
            out = op.outputs[0]
            rows = need.get(out)
            if rows is None:
                continue
            if cache:
                rows = (max(rows[0], done.get(out, 0)), rows[1])
                if rows[1] <= rows[0]:
                    continue  # every row it reads here, an earlier band computed
            plan = _band_plan(graph, op, rows, prefer_same=same_windows)
            computes[k] = (rows, plan)
            for index, (first, end, _) in plan[2].items():
                need[index] = _hull(need.get(index), (first, end))
        for k, (rows, _) in computes.items():
            out = group[k].outputs[0]
            done[out] = max(done.get(out, 0), rows[1])
        bands.append((need, share, computes))

    tensors = list(graph.tensors)
    operators = []
    aliases = {}

    def new_tensor(like, name, rows=None, shape=None):
        spec = tensors[like]
        shape = list(shape or [1, rows, spec.shape[2], spec.shape[3]])
        tensors.append(replace(spec, name=name, shape=shape, data=None))
        return len(tensors) - 1

    constants = {}

    def constant(name, values):
        """An int32 constant, one tensor per distinct value (each tensor
        costs TFLM persistent bytes)."""
        key = (np.shape(values), tuple(np.ravel(values)))
        if key not in constants:
            tensors.append(TensorSpec(name, list(np.shape(values)), "i32",
                                      np.asarray(values, np.int32)))
            constants[key] = len(tensors) - 1
        return constants[key]

    def row_bytes(index):
        spec = tensors[index]
        return spec.bytes // spec.shape[1]

    def rows_of(source, have, first, end, name, view=True, copy=False):
        """Rows [first, end) of `source`, which holds rows `have`: a view of
        them (an alias), or a copy the caller places (`copy`: even of all
        the rows)."""
        if first < have[0] or end > have[1]:
            raise ValueError("rows %d to %d of '%s' are not in the band's rows %d to %d"
                             % (first, end, tensors[source].name, have[0], have[1]))
        if (first, end) == tuple(have) and not copy:
            return source
        spec = tensors[source]
        sliced = new_tensor(source, name, end - first)
        begin = constant(name + "/begin", [0, first - have[0], 0, 0])
        stop = constant(name + "/end", [1, end - have[0]] + spec.shape[2:])
        strides = constant(name + "/strides", [1, 1, 1, 1])
        operators.append(Op("STRIDED_SLICE", [source, begin, stop, strides], [sliced], {}))
        if view:
            aliases[sliced] = (source, (first - have[0]) * row_bytes(source))
        return sliced

    def assemble(parts, whole, first):
        """CONCATENATION of `parts` ((tensor, its first row)) along the rows
        into `whole`, whose first row is `first`, each part in its place in
        `whole`; by a tree of them where there are more parts than TFLM's
        concatenation takes."""
        while len(parts) > MAX_CONCATENATED:
            size = -(-len(parts) // MAX_CONCATENATED)
            groups = [parts[i:i + size] for i in range(0, len(parts), size)]
            parts = []
            for group in groups:
                rows = sum(tensors[part].shape[1] for part, _ in group)
                block = new_tensor(whole, "%s/rows%d" % (tensors[whole].name, group[0][1]), rows)
                assemble(group, block, group[0][1])
                parts.append((block, group[0][1]))
        for part, row in parts:
            aliases[part] = (whole, (row - first) * row_bytes(whole))
        operators.append(Op("CONCATENATION", [part for part, _ in parts], [whole],
                            {"axis": 1, "activation": None}))

    last_reader = {}
    for k, op in enumerate(group):
        for index in op.inputs:
            last_reader[index] = k
    def emit(p, k, op, need, share, computes, current):
        """Operator k of the group in band p, and what it leaves."""
        out = op.outputs[0]
        name = "%s/patch%d" % (tensors[out].name, p)
        wanted = need[out]
        if k not in computes:
            # Every row it needs here, an earlier band computed.
            kept, kept_rows = held[out]
            current[out] = (rows_of(kept, kept_rows, wanted[0], wanted[1],
                                    "%s/kept%d" % (tensors[out].name, p)), wanted)
        else:
            rows, (computed, padding, reads) = computes[k]
            inputs = list(op.inputs)
            for index, (first, end, pads) in reads.items():
                source, have = current.get(index, (index, (0, tensors[index].shape[1])))
                x = rows_of(source, have, first, end,
                            "%s/rows%d" % (tensors[index].name, p))
                if any(pads[0] + pads[1]):
                    spec = tensors[x]
                    padded = new_tensor(x, "%s/pad%d" % (tensors[index].name, p), shape=[
                        1, spec.shape[1] + sum(pads[0]), spec.shape[2] + sum(pads[1]),
                        spec.shape[3]])
                    amounts = constant(tensors[padded].name + "/amounts",
                                       [[0, 0], list(pads[0]), list(pads[1]), [0, 0]])
                    operators.append(Op("PAD", [x, amounts], [padded], {}))
                    x = padded
                inputs = [x if i == index else i for i in inputs]
            result = new_tensor(out, name, computed[1] - computed[0])
            options = dict(op.options or {})
            if padding:
                options["padding"] = padding
            operators.append(Op(op.opcode, inputs, [result], options))
            if wanted[0] < rows[0]:
                # Rows an earlier band computed, kept, and the new ones
                # after them (in place; a SAME band's exact rows copied).
                window = new_tensor(out, name + "/window", wanted[1] - wanted[0])
                exact = rows_of(result, computed, rows[0], rows[1], name + "/exact",
                                view=False)
                aliases[exact] = (window, (rows[0] - wanted[0]) * row_bytes(window))
                kept, kept_rows = held[out]
                operators.append(Op("CONCATENATION", [kept, exact], [window],
                                    {"axis": 1, "activation": None}))
                current[out] = (window, wanted)
            else:
                # Only `rows` are exact (a SAME band computes a few more).
                current[out] = (rows_of(result, computed, rows[0], rows[1],
                                        name + "/exact"), rows)
        if out in share:
            # Its share in place in the value the group computes, or,
            # where those rows lie in another buffer already, copied there.
            source, have = current[out]
            first, end = share[out]
            part = rows_of(source, have, first, end, "%s/share%d" % (tensors[out].name, p),
                           view=False, copy=source in aliases)
            aliases[part] = (out, first * row_bytes(out))
            parts[out].append((part, first))

    held = {}  # value: (the tensor of its rows kept for the next band, those rows)
    parts = {t: [] for t in leaving}
    for p, (need, share, computes) in enumerate(bands):
        current = {}  # value: (its tensor in this band, the rows it holds)
        for k, op in enumerate(group):
            out = op.outputs[0]
            if out in need:
                emit(p, k, op, need, share, computes, current)
            # After a value's last reader in this band, the rows the next
            # band reads again are copied out, so that this band's buffer
            # can die.
            for index in [out] + list(op.inputs):
                if not cache or index not in current or p + 1 == patches:
                    continue
                if last_reader.get(index, -1) != k and not (index == out and
                                                              out not in last_reader):
                    continue
                following = next((bands[q][0][index] for q in range(p + 1, patches)
                                  if index in bands[q][0]), None)
                source, have = current[index]
                if following is None or following[0] >= have[1]:
                    continue
                held[index] = (rows_of(source, have, following[0], have[1],
                                       "%s/held%d" % (tensors[index].name, p), view=False,
                                       copy=True), (following[0], have[1]))
    for t in leaving:
        assemble(parts[t], t, 0)
    operators += rest

    result = compact(Graph(tensors, operators, list(graph.inputs), list(graph.outputs)),
                      aliases)
    return Patched(result[0], result[1], macs(result[0]), group_ops, patches, halos,
                   same_windows)


def compact(graph, aliases):
    """Drops the tensors no operator or graph input/output names (the
    group's values as a whole), renumbering the rest."""
    used = set(graph.inputs) | set(graph.outputs)
    for op in graph.operators:
        used.update(i for i in op.inputs + op.outputs if i >= 0)
    number = {old: new for new, old in enumerate(sorted(used))}
    renumber = lambda indices: [number[i] if i >= 0 else i for i in indices]
    tensors = [graph.tensors[i] for i in sorted(used)]
    operators = [op._replace(inputs=renumber(op.inputs), outputs=renumber(op.outputs))
                 for op in graph.operators]
    moved = {number[t]: (number[base], offset) for t, (base, offset) in aliases.items()}
    return Graph(tensors, operators, renumber(graph.inputs), renumber(graph.outputs)), moved
