"""Which rewrites serenity-plan-tflite makes: spatial patches of the
first operators (patches.py), results in place of their inputs and values
laid over the rows other values no longer need (inplace.py), each kept
where it lowers TFLite Micro's arena (tflm.py).
"""

from . import inplace, patches
from .tflm import persistent_bytes, place_tensors, tflm_lifetimes

# The search ranks candidates by the live-bytes bound of their blocks (what
# the exact placement reaches but for a time limit; a greedy arena can be
# far above it), and places only the best few exactly.


def _bound(lifetimes, aliases):
    return place_tensors(lifetimes, "tflm-greedy", aliases)[2].live_bound_bytes


def add_inplace(graph, aliases):
    """`aliases` with every in-place result (inplace.candidate, operators in
    order) that does not raise the arena; returns (aliases, count)."""
    lifetimes = tflm_lifetimes(graph)
    last = inplace.last_uses(graph)
    best = _bound(lifetimes, aliases)
    aliases, count = dict(aliases), 0
    for i in range(len(graph.operators)):
        found = inplace.candidate(graph, i, aliases, last)
        if found is None:
            continue
        trial = dict(aliases)
        trial[found[0]] = found[1]
        arena = _bound(lifetimes, trial)
        if arena <= best:
            aliases, best, count = trial, arena, count + 1
    return aliases, count


def add_overlaps(graph, aliases):
    """`aliases` with each value assembled part by part laid over a graph
    input that the bands read row by row (inplace.overlap), where that
    lowers the arena; returns (aliases, count)."""
    lifetimes = tflm_lifetimes(graph)
    best = _bound(lifetimes, aliases)
    aliases, count = dict(aliases), 0
    roots = {inplace.root_of(aliases, t) for t in lifetimes}
    assembled = sorted({base for t, (base, _) in aliases.items()} & roots)
    for source in graph.inputs:
        if source not in roots or source in graph.outputs:
            continue
        for target in assembled:
            if target == source or target in aliases or inplace.root_of(aliases, source) != source:
                continue
            offset = inplace.overlap(graph, aliases, lifetimes, source, target)
            if offset is None:
                continue
            trial = dict(aliases)
            trial[target] = (source, offset)
            arena = _bound(lifetimes, trial)
            if arena < best:
                aliases, best, count = trial, arena, count + 1
                break
    return aliases, count


# Bands of rows the patch search tries.
PATCH_COUNTS = (2, 3, 4, 6, 8, 12, 16)


# How the patch search computes halos and padded windows
# (patches.patch_graph's `halos` and `same_windows`).
PATCH_MODES = (("recompute", True), ("cache", False), ("cache", True))


# What the search lowers: TFLM's whole arena (the activations and the
# persistent part, which grows with every operator and tensor a rewrite
# adds), or the activations alone.
OBJECTIVES = ("total", "activations")


def cost(graph, arena, objective):
    return arena + (persistent_bytes(graph) if objective == "total" else 0)


# How many group sizes the patch search tries: those after which the fewest
# bytes leave the group (patches.patch_graph assembles them whole).
GROUP_CANDIDATES = 8


def group_candidates(graph, count=GROUP_CANDIDATES):
    """The numbers of first operators worth patching: of the prefixes that
    can be patched and after which fewer bytes leave than after the ones
    around them (the first of equals), the `count` with the fewest (the
    shallowest first among equals: smaller halos), and the longest."""
    last = inplace.last_uses(graph)
    outputs = set(graph.outputs)
    live, leaving = {}, []
    for k, op in enumerate(graph.operators):
        if patches.why_not_patchable(graph, op):
            break
        for t in op.outputs:
            live[t] = graph.tensors[t].bytes
        for t in list(live):
            if last.get(t, -1) <= k and t not in outputs:
                del live[t]
        leaving.append((sum(live.values()), k + 1))
    if not leaving:
        return []
    bytes_after = [b for b, _ in leaving]
    minima = [leaving[i] for i in range(len(leaving))
              if (i == 0 or bytes_after[i] < bytes_after[i - 1])
              and (i + 1 == len(leaving) or bytes_after[i] <= bytes_after[i + 1])]
    chosen = {k for _, k in sorted(minima)[:count]} | {len(leaving)}
    return sorted(chosen)


def best_patches(graph, max_extra_macs, objective="total", keep=3):
    """Up to `keep` spatial patchings of `graph` (patches.patch_graph: each
    group_candidates prefix, in each of PATCH_COUNTS bands, each of
    PATCH_MODES) of the lowest cost within `max_extra_macs` percent more
    MACs, lowest first."""
    base = patches.macs(graph)
    found = []
    for ops in group_candidates(graph):
        for count in PATCH_COUNTS:
            for mode, (halos, same_windows) in enumerate(PATCH_MODES):
                try:
                    patched = patches.patch_graph(graph, ops, count, halos, same_windows)
                except ValueError:
                    continue  # a band this op cannot compute exactly
                if patched.macs > base * (1 + max_extra_macs / 100.0):
                    continue
                # Overlaid on the input (cheap to find, often most of the
                # gain) before the ranking.
                aliases, _ = add_overlaps(patched.graph, patched.aliases)
                arena = _bound(tflm_lifetimes(patched.graph), aliases)
                found.append((cost(patched.graph, arena, objective), patched.macs, ops, count,
                              mode, patched))
    found.sort(key=lambda f: f[:5])
    return [f[-1] for f in found[:keep]]


def best_rewrite(graph, max_extra_macs, objective="total", algorithm="exact"):
    """The rewrite of `graph` of the lowest cost: as it is or patched
    (best_patches), with results in place and values overlaid where that
    lowers the arena, each placed by `algorithm`. Returns (patches.Patched,
    aliases, how many in place or overlaid)."""
    if objective not in OBJECTIVES:
        raise ValueError("the objective must be one of %s" % ", ".join(OBJECTIVES))
    options = [patches.Patched(graph, {}, patches.macs(graph))]
    options += best_patches(graph, max_extra_macs, objective)
    best = None
    for option in options:
        aliases, count = add_inplace(option.graph, option.aliases)
        aliases, overlaid = add_overlaps(option.graph, aliases)
        arena = place_tensors(tflm_lifetimes(option.graph), algorithm, aliases)[1]
        key = (cost(option.graph, arena, objective), option.macs)
        if best is None or key < best[0]:
            best = (key, option, aliases, count + overlaid)
    return best[1:]
