#!/usr/bin/env python3
"""Arena against extra MACs: what --serenity-tile-spatial tried on each zoo model.

Each zoo model is lowered to Linalg, scheduled (`bufferized`), and given to
`--serenity-tile-spatial{report-candidates=1}` with a wider MAC budget than the
default, so that the trade-off shows. The pass reports every candidate it
measured (a group, a patch count, halos recomputed or cached) as the whole
function's modeled arena (the `bufferized` memory model's peak, which is the
live-bytes bound of its bufferized buffers; docs/memory-model.md) and MACs.
Writes

    benchmarks/results/patches-pareto.csv   every candidate
    benchmarks/results/patches-pareto.md    the Pareto front of each model
    benchmarks/results/patches-pareto.png   one plot per model

A candidate of a later greedy round includes the groups of the earlier ones.
The arenas here are the pass's modeled ones; the exact placements of the tiling
the pass keeps (at the default budget) are in latest.md.

Usage (after scripts/setup.sh):

    /usr/bin/python3 benchmarks/patches_pareto.py [--max-extra-macs 40] [--models a,b]
"""

import argparse
import csv
import datetime
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402
import generate  # noqa: E402  (harness put benchmarks/zoo on the path)

AS_IT_IS_RE = re.compile(r"serenity-tile-spatial: as it is: arena (\d+) bytes "
                         r"\(modeled\), MACs (\d+)")
CANDIDATE_RE = re.compile(r"serenity-tile-spatial: candidate (\d+) ops from (\d+) in (\d+) "
                          r"patches(?: of (\d+) columns)?, halos (\w+): arena (\d+) bytes "
                          r"\(modeled\), MACs (\d+)")


def measure(build, path, budget):
    """(arena, MACs) of the function as it is, its candidates as dicts, and the
    (arena, MACs) the pass kept, or None."""
    pipeline = ("builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith"
                "{include-apply-rescale=true},"
                "tosa-to-tensor),func.func(serenity-schedule{memory-model=bufferized "
                "time-limit-ms=5000}),func.func(serenity-tile-spatial{report-candidates=1 "
                "max-extra-macs=%s}))" % budget)
    remarks = harness.opt_remarks(build, path, "--pass-pipeline=" + pipeline)
    base = AS_IT_IS_RE.search(remarks)
    if not base:
        sys.exit("patches_pareto.py: no report from serenity-tile-spatial on %s:\n%s"
                 % (path, remarks))
    candidates = [{"ops": int(m.group(1)), "start": int(m.group(2)),
                   "patches": int(m.group(3)), "columns": int(m.group(4) or 1),
                   "halos": m.group(5), "arena": int(m.group(6)), "macs": int(m.group(7))}
                  for m in CANDIDATE_RE.finditer(remarks)]
    kept = harness.tile_spatial_kept(remarks)
    return ((int(base.group(1)), int(base.group(2))), candidates,
            (kept["arena"], kept["macs_after"]) if kept else None)


def pareto_front(points):
    """The points (MACs, arena) no other point beats on both, by MACs."""
    front = []
    for macs, arena in sorted(set(points)):
        if not front or arena < front[-1][1]:
            front.append((macs, arena))
    return front


def measured_points(arena, macs, candidates, kept):
    """(MACs, arena) of the function as it is, of every candidate measured and
    of the kept tiling (a later round's candidate that lands on it again is
    skipped as no lower, so it may not be among the candidates)."""
    return ([(macs, arena)] + [(c["macs"], c["arena"]) for c in candidates]
            + ([(kept[1], kept[0])] if kept else []))


def best_within(points, macs, percent):
    """The (MACs, arena) of least arena among `points` whose MACs are at most
    `percent` over `macs` (fewer MACs first among equal arenas)."""
    allowed = [p for p in points if 100.0 * (p[0] - macs) / macs <= percent + 1e-9]
    return min(allowed, key=lambda p: (p[1], p[0]))


# The two points the issue asks of each model: no extra MACs (cached halos
# or none), and the best within 10% more MACs.
MARKED_PERCENTS = (0.0, 10.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(harness.ROOT, "build"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    parser.add_argument("--max-extra-macs", type=float, default=40.0)
    parser.add_argument("--models", default=",".join(generate.MODELS))
    args = parser.parse_args()

    start = time.time()
    models = args.models.split(",")
    measured = {}
    with tempfile.TemporaryDirectory() as work:
        for name in models:
            text, _ = generate.generate(name, splat_weights=True)
            path = os.path.join(work, name + ".mlir")
            with open(path, "w") as f:
                f.write(text)
            measured[name] = measure(args.build, path, args.max_extra_macs)
            print("%s: %d candidates" % (name, len(measured[name][1])), file=sys.stderr)
    elapsed = time.time() - start

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "patches-pareto.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["model", "start", "ops", "patches", "columns", "halos", "arena_bytes",
                         "macs", "extra_macs_percent"])
        for name in models:
            (arena, macs), candidates, _ = measured[name]
            writer.writerow([name, 0, 0, 0, 0, "-", arena, macs, "0.0"])
            for c in candidates:
                writer.writerow([name, c["start"], c["ops"], c["patches"], c["columns"],
                                 c["halos"], c["arena"], c["macs"],
                                 "%.1f" % (100.0 * (c["macs"] - macs) / macs)])

    commit = harness.git_commit()
    lines = ["# Spatial patches: arena against extra MACs\n",
             "- date: %s UTC; commit %s" % (
                 datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), commit),
             "- machine: %s, %d cores" % (harness.cpu_name(), os.cpu_count() or 1),
             "- command: `/usr/bin/python3 benchmarks/patches_pareto.py --max-extra-macs %g`"
             % args.max_extra_macs,
             "- whole run: %.0f s\n" % elapsed,
             "Every candidate `--serenity-tile-spatial` measured on each zoo model (it skips"
             " those that a measured one beats on both, by the bytes live outside the group"
             " and the MACs counted before tiling; order:"
             " optimal under `bufferized`; budget +%g%% MACs, twice the default so that the"
             " trade-off shows), as the whole function's modeled arena (the `bufferized`"
             " model, the live-bytes bound of the bufferized buffers, KiB) and its MACs over"
             " the model's. *front*: the"
             " candidates and the kept tiling that no other beats on both (extra MACs:"
             " arena), *r* halos recomputed,"
             " *c* cached, *g* tiles of rows and columns (column halos cached); *kept*: the pass's choice at this budget; *at 0%%* and"
             " *within 10%%*: the least arena with no extra MACs and with at most 10%% more."
             " patches-pareto.png"
             " plots them; patches-pareto.csv lists every candidate.\n" % args.max_extra_macs,
             "| model | as it is | candidates | front | kept | at 0% | within 10% |",
             "| --- | ---: | ---: | --- | --- | ---: | --- |"]
    for name in models:
        (arena, macs), candidates, kept = measured[name]
        halos = {}  # the function as it is needs no tag
        for c in candidates:
            if (c["macs"], c["arena"]) == (macs, arena):
                continue
            key = (c["macs"], c["arena"])
            halos[key] = halos.get(key, "") or ("g" if c["columns"] > 1 else c["halos"][0])
        points = measured_points(arena, macs, candidates, kept)
        front = pareto_front(points)
        at_zero, within = (best_within(points, macs, p) for p in MARKED_PERCENTS)
        lines.append("| %s | %s | %d | %s | %s | %s | %s |" % (
            name, harness.kib(arena), len(candidates),
            ", ".join("+%.1f%%: %s%s" % (100.0 * (m - macs) / macs, harness.kib(a),
                                           " (%s)" % halos[(m, a)] if (m, a) in halos else "")
                      for m, a in front),
            "+%.1f%%: %s" % (100.0 * (kept[1] - macs) / macs, harness.kib(kept[0]))
            if kept else "-",
            harness.kib(at_zero[1]),
            "+%.1f%%: %s" % (100.0 * (within[0] - macs) / macs, harness.kib(within[1]))))
    with open(os.path.join(args.out, "patches-pareto.md"), "w") as f:
        f.write("\n".join(lines) + "\n")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = 4
    rows = (len(models) + columns - 1) // columns
    figure, axes = plt.subplots(rows, columns, figsize=(4 * columns, 3.2 * rows), squeeze=False)
    for axis, name in zip(axes.flat, models):
        (arena, macs), candidates, kept = measured[name]
        kinds = (("halos recomputed", "o", "tab:blue",
                  lambda c: c["columns"] == 1 and c["halos"] == "recomputed"),
                 ("halos cached", "s", "tab:green",
                  lambda c: c["columns"] == 1 and c["halos"] == "cached"),
                 ("rows x columns", "^", "tab:brown", lambda c: c["columns"] > 1))
        for label, marker, color, member in kinds:
            chosen = [c for c in candidates if member(c)]
            axis.scatter([100.0 * (c["macs"] - macs) / macs for c in chosen],
                         [c["arena"] / 1024.0 for c in chosen], marker=marker, s=14,
                         color=color, alpha=0.6, label=label)
        points = measured_points(arena, macs, candidates, kept)
        front = pareto_front(points)
        axis.step([100.0 * (m - macs) / macs for m, _ in front], [a / 1024.0 for _, a in front],
                  where="post", color="black", linewidth=1, label="front")
        axis.scatter([0], [arena / 1024.0], marker="x", color="red", label="as it is")
        if kept:
            axis.scatter([100.0 * (kept[1] - macs) / macs], [kept[0] / 1024.0], marker="*",
                         s=80, color="orange", label="kept")
        for percent, color in zip(MARKED_PERCENTS, ("purple", "magenta")):
            best = best_within(points, macs, percent)
            axis.scatter([100.0 * (best[0] - macs) / macs], [best[1] / 1024.0], marker="D",
                         s=40, facecolors="none", edgecolors=color,
                         label="least arena within +%g%% MACs" % percent)
            axis.axvline(percent, color=color, linestyle=":", linewidth=1)
        axis.axvline(20.0, color="grey", linestyle=":", linewidth=1)
        axis.set_title(name, fontsize=9)
        axis.set_xlabel("extra MACs (%)", fontsize=8)
        axis.set_ylabel("arena (KiB)", fontsize=8)
        axis.tick_params(labelsize=7)
    for axis in list(axes.flat)[len(models):]:
        axis.axis("off")
    axes.flat[0].legend(fontsize=6)
    figure.tight_layout()
    figure.savefig(os.path.join(args.out, "patches-pareto.png"), dpi=80)
    print("wrote %s (%.0f s)" % (os.path.join(args.out, "patches-pareto.md"), elapsed),
          file=sys.stderr)


if __name__ == "__main__":
    main()
