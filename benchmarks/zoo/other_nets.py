"""RandWire, DenseNet and Inception models of the zoo (docs/zoo.md)."""

import numpy as np


def watts_strogatz(n, k, p, rng):
    """WS(n, k, p) as networkx draws it: a ring lattice where node i links to
    i+1..i+k/2 (mod n); then for j = 1..k/2 and every node i, with
    probability p the edge (i, i+j) is replaced by (i, x), x uniform among the
    nodes neither i nor adjacent to i. Edges are then oriented from the lower
    index to the higher. Returns the sorted predecessor list of every node."""
    adjacent = [set() for _ in range(n)]
    for i in range(n):
        for j in range(1, k // 2 + 1):
            adjacent[i].add((i + j) % n)
            adjacent[(i + j) % n].add(i)
    for j in range(1, k // 2 + 1):
        for i in range(n):
            if rng.random() < p:
                v = (i + j) % n
                if v not in adjacent[i]:
                    continue  # Already rewired away.
                choices = [x for x in range(n) if x != i and x not in adjacent[i]]
                if not choices:
                    continue
                x = choices[rng.integers(len(choices))]
                adjacent[i].discard(v)
                adjacent[v].discard(i)
                adjacent[i].add(x)
                adjacent[x].add(i)
    return [sorted(u for u in adjacent[v] if u < v) for v in range(n)]


def randwire_stage(b, x, channels, rng, n=32, k=4, p=0.75):
    """One RandWire stage: every node sums its inputs (a chain of adds), then
    ReLU, depthwise 3x3 (no bias), 1x1 conv to C. Input nodes read the stage
    input with a stride-2 depthwise; the output is the mean of the output
    nodes (a chain of adds, then a multiply by 1/k)."""
    predecessors = watts_strogatz(n, k, p, rng)
    has_successor = [False] * n
    for v in range(n):
        for u in predecessors[v]:
            has_successor[u] = True
    outputs = []
    for v in range(n):
        if predecessors[v]:
            y = outputs[predecessors[v][0]]
            for u in predecessors[v][1:]:
                y = b.add(y, outputs[u])
            stride = 1
        else:
            y = x
            stride = 2
        y = b.relu(y)
        y = b.depthwise(y, 3, stride, bias=False)
        outputs.append(b.conv(y, channels))
    sinks = [outputs[v] for v in range(n) if not has_successor[v]]
    y = sinks[0]
    for s in sinks[1:]:
        y = b.add(y, s)
    return b.mul(y, b.scalar(1.0 / len(sinks), 4))


def randwire_network(b, x, seed, channels=78):
    """`channels`: the first stage's (78 in the paper's small regime); the
    stem has half, the later stages twice and four times as many."""
    rng = np.random.default_rng(seed)
    y = b.relu(b.conv(x, channels // 2, kernel=(3, 3), stride=2))
    y = b.conv(y, channels, kernel=(3, 3), stride=2)
    for stage_channels in (channels, 2 * channels, 4 * channels):
        y = randwire_stage(b, y, stage_channels, rng)
    return b.global_avg_pool(y)


def densenet121_block(b, x, layers=6, growth=32, bottleneck=128):
    """Each layer: ReLU, 1x1 conv to 128, ReLU, 3x3 conv to 32, reading the
    concat of the block input and every earlier layer's output."""
    features = [x]
    for _ in range(layers):
        y = features[0] if len(features) == 1 else b.concat(features)
        y = b.conv(b.relu(y), bottleneck)
        y = b.conv(b.relu(y), growth, kernel=(3, 3))
        features.append(y)
    return b.concat(features)


def inception_v3_a(b, x, pool_channels=32):
    """Inception-v3 module A; every conv is followed by its ReLU (BasicConv2d
    with batch norm folded)."""

    def conv_relu(y, channels, size=1):
        return b.relu(b.conv(y, channels, kernel=(size, size)))

    branch1 = conv_relu(x, 64)
    branch5 = conv_relu(conv_relu(x, 48), 64, 5)
    branch3 = conv_relu(conv_relu(conv_relu(x, 64), 96, 3), 96, 3)
    branch_pool = conv_relu(b.avg_pool(x, 3, 1, 1), pool_channels)
    return b.concat([branch1, branch5, branch3, branch_pool])
