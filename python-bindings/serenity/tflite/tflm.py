"""TensorFlow Lite Micro's arena, as its MicroAllocator and
GreedyMemoryPlanner use it (tensorflow/tflite-micro at the commit
../shared/tflm/README.md names): the lifetimes it gives tensors, the
persistent part it adds, and the offsets of tensors placed in it, some
lying at others (aliases).
"""

# TFLM rounds every buffer up to this (MicroArenaBufferAlignment).
TFLM_ALIGNMENT = 16


def _aligned(size):
    return (size + TFLM_ALIGNMENT - 1) // TFLM_ALIGNMENT * TFLM_ALIGNMENT

# Ops whose TFLM reference kernels request no scratch buffer.
NO_SCRATCH = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D",
              "MAX_POOL_2D", "RESHAPE", "SOFTMAX", "ADD", "SUB", "CONCATENATION", "RELU", "RELU6",
              "MUL", "PAD", "STRIDED_SLICE", "SQUEEZE", "TRANSPOSE", "QUANTIZE", "DEQUANTIZE",
              "LOGISTIC", "HARD_SWISH")


def _elements(shape):
    count = 1
    for d in shape:
        count *= int(d)
    return count


def _mean_scratch(model, op):
    # PrepareMeanOrSum: an int8 sum per output element, then the index
    # and the resolved axes (one int per input dimension, per axis).
    x = model.tensors[op.inputs[0]]
    axes = model.tensors[op.inputs[1]]
    sums = [4 * _elements(model.tensors[op.outputs[0]].shape)] if x.element == "i8" else []
    return sums + [4 * len(x.shape), 4 * _elements(axes.shape)]


# Ops whose reference kernels request scratch buffers in Prepare: opcode ->
# (model, op) -> the bytes of each request, in order. Measured with
# ../shared/tflm/tflm_run's PLAN.csv.
SCRATCH = {"MEAN": _mean_scratch}


def scratch_lifetimes(model):
    """(bytes rounded up to 16, scope, scope) of every scratch buffer, in
    the order TFLM adds them to its planner: after the tensors, operator by
    operator, each live in its operator's scope only."""
    buffers = []
    for i, op in enumerate(model.operators):
        for size in SCRATCH[op.opcode](model, op) if op.opcode in SCRATCH else []:
            buffers.append((_aligned(size), i + 1, i + 1))
    return buffers


def place_online(placed, online):
    """Where TFLM's GreedyMemoryPlanner puts the `online` buffers ((size,
    first, last), in the order they were added) around the `placed` ones
    ((offset, size, first, last): offline-planned): largest first, among
    equal sizes the one added last first, each at the lowest offset where
    it fits among the buffers already placed and live with it. Returns
    their offsets, in `online`'s order."""
    entries = sorted(placed, key=lambda e: e[0])
    offsets = [None] * len(online)
    for k in sorted(range(len(online)), key=lambda k: (-online[k][0], -k)):
        size, first, last = online[k]
        candidate = 0
        for offset, other, other_first, other_last in entries:
            if other_first > last or first > other_last:
                continue
            if offset - candidate >= size:
                break
            candidate = max(candidate, offset + other)
        offsets[k] = candidate
        entry = (candidate, size, first, last)
        entries.insert(sum(1 for e in entries if e[0] <= candidate), entry)
    return offsets


def tflm_lifetimes(model):
    """{tensor index: (bytes rounded up to 16, first, last)} of the tensors
    TFLM plans, with its allocation scopes: 0 for the graph's inputs and
    outputs, operator i's scope i + 1 for what it creates and reads, the
    graph's outputs kept to the last operator's scope. `model`: a read
    schema.Model or a patches.Graph."""
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
        lifetimes[index] = (_aligned(size), first[index], last[index])
    return lifetimes


# The persistent part (the arena's tail) TFLM allocates for a model: a
# base, each tensor's TfLiteEvalTensor, each operator's NodeAndRegistration
# and its kernel's OpData (reference kernels; a convolution also keeps a
# multiplier and a shift per output channel, each array 16-aligned).
# Measured with ../shared/tflm/tflm_run on one-operator models; it
# estimates real models within a few percent, below (docs/memory-model.md).
PERSISTENT_BASE = 696
PERSISTENT_PER_TENSOR = 24
PERSISTENT_PER_OPERATOR = 64
PERSISTENT_OP_DATA = {"RELU": 24, "MUL": 24, "RESHAPE": 24, "SQUEEZE": 24, "QUANTIZE": 24,
                      "CONCATENATION": 40, "ADD": 72, "SUB": 72, "SOFTMAX": 72,
                      "FULLY_CONNECTED": 72, "AVERAGE_POOL_2D": 72, "MAX_POOL_2D": 72,
                      "PAD": 64, "STRIDED_SLICE": 128, "LOGISTIC": 8, "HARD_SWISH": 8,
                      "MEAN": 48}
# (RELU6, TRANSPOSE and DEQUANTIZE measured at 0.)
PERSISTENT_CONV_DATA = 88


def persistent_bytes(model):
    """An estimate of the persistent part TFLM adds to the arena for
    `model` (a read schema.Model or a patches.Graph)."""
    total = (PERSISTENT_BASE + PERSISTENT_PER_TENSOR * len(model.tensors)
             + PERSISTENT_PER_OPERATOR * len(model.operators))
    for op in model.operators:
        if op.opcode in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            channels = model.tensors[op.outputs[0]].shape[-1]
            total += PERSISTENT_CONV_DATA + 2 * _aligned(4 * channels)
        else:
            total += PERSISTENT_OP_DATA.get(op.opcode, 0)
    return total


def place_tensors(lifetimes, algorithm, aliases=None):
    """Offsets of the tensors of `lifetimes` (tflm_lifetimes), placed by
    `algorithm` (serenity.place). A tensor of `aliases` ({tensor: (tensor it
    lies at, byte offset from it)}) takes no space of its own: it lies at
    its base, which with all that lie at it is one block, live as long as
    any of them. Returns ({tensor: offset}, the arena's bytes, the
    placement of the blocks)."""
    from .. import place

    from .inplace import base_of

    aliases = aliases or {}
    spans, extents = {}, {}
    for index, (size, first, last) in lifetimes.items():
        base, delta = base_of(aliases, index)
        if base not in lifetimes:
            raise ValueError("tensor %d lies at tensor %d, which is not planned" % (index, base))
        span = spans.get(base, (first, last))
        spans[base] = (min(span[0], first), max(span[1], last))
        extent = extents.get(base, (0, lifetimes[base][0]))
        extents[base] = (min(extent[0], delta), max(extent[1], delta + size))
    bases = sorted(spans)
    blocks = []
    for b in bases:
        low, high = extents[b]
        blocks.append((_aligned(high - low),) + spans[b])
    placement = place(blocks, algorithm, TFLM_ALIGNMENT)
    base_offsets = {b: offset - extents[b][0] for b, offset in zip(bases, placement.offsets)}
    offsets = {}
    for index in lifetimes:
        base, delta = base_of(aliases, index)
        offsets[index] = base_offsets[base] + delta
    arena = max([offsets[i] + lifetimes[i][0] for i in lifetimes], default=0)
    return offsets, arena, placement
