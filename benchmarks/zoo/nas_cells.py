"""NAS cells of the DARTS search space (docs/zoo.md), built op by op
in model-definition order: preprocessing, then every step in genotype order,
each op chain written out in full before the next, then the output concat."""

GENOTYPES = {
    "darts_v2": {
        "normal": [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0),
                   ("sep_conv_3x3", 1), ("sep_conv_3x3", 1), ("skip_connect", 0),
                   ("skip_connect", 0), ("dil_conv_3x3", 2)],
        "normal_concat": [2, 3, 4, 5],
        "reduce": [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2),
                   ("max_pool_3x3", 1), ("max_pool_3x3", 0), ("skip_connect", 2),
                   ("skip_connect", 2), ("max_pool_3x3", 1)],
        "reduce_concat": [2, 3, 4, 5],
    },
    "nasnet": {
        "normal": [("sep_conv_5x5", 1), ("sep_conv_3x3", 0), ("sep_conv_5x5", 0),
                   ("sep_conv_3x3", 0), ("avg_pool_3x3", 1), ("skip_connect", 0),
                   ("avg_pool_3x3", 0), ("avg_pool_3x3", 0), ("sep_conv_3x3", 1),
                   ("skip_connect", 1)],
        "normal_concat": [2, 3, 4, 5, 6],
        "reduce": [("sep_conv_5x5", 1), ("sep_conv_7x7", 0), ("max_pool_3x3", 1),
                   ("sep_conv_7x7", 0), ("avg_pool_3x3", 1), ("sep_conv_5x5", 0),
                   ("skip_connect", 3), ("avg_pool_3x3", 2), ("sep_conv_3x3", 2),
                   ("max_pool_3x3", 1)],
        "reduce_concat": [4, 5, 6],
    },
    "amoebanet": {
        "normal": [("avg_pool_3x3", 0), ("max_pool_3x3", 1), ("sep_conv_3x3", 0),
                   ("sep_conv_5x5", 2), ("sep_conv_3x3", 0), ("avg_pool_3x3", 3),
                   ("sep_conv_3x3", 1), ("skip_connect", 1), ("skip_connect", 0),
                   ("avg_pool_3x3", 1)],
        "normal_concat": [4, 5, 6],
        "reduce": [("avg_pool_3x3", 0), ("sep_conv_3x3", 1), ("max_pool_3x3", 0),
                   ("sep_conv_7x7", 2), ("sep_conv_7x7", 0), ("avg_pool_3x3", 1),
                   ("max_pool_3x3", 0), ("max_pool_3x3", 1), ("conv_7x1_1x7", 0),
                   ("sep_conv_3x3", 5)],
        "reduce_concat": [3, 4, 6],
    },
    "pnasnet": {
        "normal": [("sep_conv_5x5", 0), ("max_pool_3x3", 0), ("sep_conv_7x7", 1),
                   ("max_pool_3x3", 1), ("sep_conv_5x5", 1), ("sep_conv_3x3", 1),
                   ("sep_conv_3x3", 4), ("max_pool_3x3", 1), ("sep_conv_3x3", 0),
                   ("skip_connect", 1)],
        "normal_concat": [2, 3, 4, 5, 6],
    },
}
GENOTYPES["pnasnet"]["reduce"] = GENOTYPES["pnasnet"]["normal"]
GENOTYPES["pnasnet"]["reduce_concat"] = GENOTYPES["pnasnet"]["normal_concat"]


def relu_conv(b, x, channels):
    return b.conv(b.relu(x), channels)


def factorized_reduce(b, x, channels):
    """ReLU, two 1x1 stride-2 convs (the second on the input shifted by one
    pixel), concat."""
    x = b.relu(x)
    n, h, w, c = x.shape
    assert h % 2 == 0 and w % 2 == 0, "FactorizedReduce halves even sizes"
    # A 1x1 stride-2 conv samples rows 0, 2, ..., h-2: TOSA wants the window
    # to fit exactly, so both paths read an (h-1)x(w-1) slice.
    left = b.conv(b.slice(x, [0, 0, 0, 0], [n, h - 1, w - 1, c]), channels // 2,
                  stride=2, pad=(0, 0, 0, 0))
    shifted = b.slice(x, [0, 1, 1, 0], [n, h - 1, w - 1, c])
    right = b.conv(shifted, channels // 2, stride=2, pad=(0, 0, 0, 0))
    return b.concat([left, right])


def sep_conv(b, x, channels, kernel, stride):
    x = b.relu(x)
    x = b.depthwise(x, kernel, stride, bias=False)
    x = b.conv(x, x.shape[3])
    x = b.relu(x)
    x = b.depthwise(x, kernel, 1, bias=False)
    return b.conv(x, channels)


def dil_conv(b, x, channels, stride):
    x = b.relu(x)
    x = b.depthwise(x, 3, stride, dilation=2, bias=False)
    return b.conv(x, channels)


def conv_7x1_1x7(b, x, channels, stride):
    # As in DARTS: the 1x7 conv strides along the width, the 7x1 along the height.
    x = b.relu(x)
    x = b.conv(x, channels, kernel=(1, 7), stride=(1, stride), pad=(0, 0, 3, 3))
    return b.conv(x, channels, kernel=(7, 1), stride=(stride, 1), pad=(3, 3, 0, 0))


def apply_op(b, name, x, channels, stride):
    if name.startswith("sep_conv_"):
        return sep_conv(b, x, channels, int(name[-1]), stride)
    if name == "dil_conv_3x3":
        return dil_conv(b, x, channels, stride)
    if name == "skip_connect":
        return x if stride == 1 else factorized_reduce(b, x, channels)
    if name == "max_pool_3x3":
        return b.max_pool(x, 3, stride, 1)
    if name == "avg_pool_3x3":
        return b.avg_pool(x, 3, stride, 1)
    if name == "conv_7x1_1x7":
        return conv_7x1_1x7(b, x, channels, stride)
    raise ValueError("unknown op " + name)


def build_cell(b, genotype, s0, s1, channels, reduction):
    """One cell reading s0 (cell k-2) and s1 (cell k-1); returns its output."""
    kind = "reduce" if reduction else "normal"
    if s0.shape[1] != s1.shape[1]:
        s0 = factorized_reduce(b, s0, channels)
    else:
        s0 = relu_conv(b, s0, channels)
    s1 = relu_conv(b, s1, channels)
    states = [s0, s1]
    ops = genotype[kind]
    for step in range(len(ops) // 2):
        branches = []
        for name, index in ops[2 * step:2 * step + 2]:
            stride = 2 if reduction and index < 2 else 1
            branches.append(apply_op(b, name, states[index], channels, stride))
        states.append(b.add(branches[0], branches[1]))
    return b.concat([states[i] for i in genotype[kind + "_concat"]])


def build_network(b, genotype, x, stem_channels, stem_stride, channels, layout):
    """A stem conv, then cells as `layout` says ('n' normal, 'r' reduction;
    C doubles before every reduction cell is built), then a global average
    pool. Every cell reads the outputs of the two cells before it."""
    stem = b.conv(x, stem_channels, kernel=(3, 3), stride=stem_stride)
    s0 = s1 = stem
    for kind in layout:
        reduction = kind == "r"
        if reduction:
            channels *= 2
        s0, s1 = s1, build_cell(b, genotype, s0, s1, channels, reduction)
    return b.global_avg_pool(s1)


CIFAR_LAYOUT = "nnnnnn" + "r" + "nnnnnn" + "r" + "nnnnnn"
IMAGENET_LAYOUT = "rr" + "nnnn" + "r" + "nnnn" + "r" + "nnnn"
CIFAR_CHANNELS = {"darts_v2": 36, "amoebanet": 36, "nasnet": 32, "pnasnet": 32}
