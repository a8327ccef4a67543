#!/usr/bin/env python3
"""How long --serenity-tile-spatial searches, and what a time limit costs.

Each zoo model in int8 (splat weights, as int8.py) is scheduled and lowered as
`--serenity-pipeline="tile-spatial=1"` does up to the pass (optimal order under
`bufferized`, time limit 5 s; TOSA to Linalg; the element-wise fusions), once;
then `--serenity-tile-spatial` runs on it without a limit and with each of
`--limits` (its `time-limit-ms`, the pipeline's `tile-time-limit-ms`). Per run:
the pass's own wall time (`--mlir-timing`, threads on), the arena it keeps (the
`bufferized` model's peak, which is the live-bytes bound of the bufferized
buffers; latest.md and int8.md give the placed arenas) and its extra MACs.
Writes

    benchmarks/results/tile-time.md    per model and limit
    benchmarks/results/tile-time.csv   the same rows

With python3-torch, a last row is torchvision's MobileNetV2 at 224x224 in int8
(random weights, exported as real_models.py does) at +10% MACs, the budget of
issue 30's target (an arena of at most 128 KiB).

Usage (after scripts/setup.sh):

    /usr/bin/python3 benchmarks/tile_time.py [--limits 1000,2000,3000] [--models a,b]
                                             [--no-mobilenet-v2]
"""

import argparse
import csv
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402
import generate  # noqa: E402  (harness put benchmarks/zoo on the path)

# As --serenity-pipeline="tile-spatial=1" runs them before the pass.
BEFORE_TILING = ("builtin.module(func.func(serenity-schedule{memory-model=bufferized "
                 "time-limit-ms=5000 fuse-requantize=1}),func.func(tosa-to-linalg-named,"
                 "tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor),"
                 "func.func(serenity-fuse-requantize{tile-window-ops=0}))")
NONE_RE = re.compile(r"serenity-tile-spatial: no tiling lowers the arena \((\d+) bytes")
STOPPED_RE = re.compile(r"the search stopped at its limit \([^,]*, after (\d+) estimates?\)")
TIME_RE = re.compile(r"^\s*([0-9.]+) \([^)]*\)\s+SerenityTileSpatial\s*$", re.M)


# MobileNetV2's row: issue 30's MAC budget.
MOBILENET_V2 = "mobilenet_v2 (torchvision, 224x224)"
MOBILENET_V2_EXTRA_MACS = 10


def tile(build, path, limit, max_extra_macs=20):
    """The pass's wall time (ms), arena before and kept, extra MACs (percent),
    groups, and the estimates after which the limit stopped it (or None)."""
    remarks = harness.opt_remarks(
        build, path, "--pass-pipeline=builtin.module(func.func(serenity-tile-spatial{"
        "time-limit-ms=%d max-extra-macs=%g}))" % (limit, max_extra_macs), "--mlir-timing")
    seconds = TIME_RE.search(remarks)
    if not seconds:
        sys.exit("tile_time.py: no timing of serenity-tile-spatial on %s:\n%s" % (path, remarks))
    kept, none = harness.tile_spatial_kept(remarks), NONE_RE.search(remarks)
    stopped = STOPPED_RE.search(remarks)
    row = {"limit_ms": limit, "tile_ms": round(1000 * float(seconds.group(1))),
           "stopped_after": int(stopped.group(1)) if stopped else ""}
    if kept:
        before, after = kept["macs_before"], kept["macs_after"]
        row.update(groups=kept["groups"], arena_before=kept["arena_before"], arena=kept["arena"],
                   extra_macs="%.1f" % (100.0 * (after - before) / before if before else 0.0))
    elif none:
        row.update(groups=0, arena_before=int(none.group(1)), arena=int(none.group(1)),
                   extra_macs="0.0")
    else:
        sys.exit("tile_time.py: no report from serenity-tile-spatial on %s:\n%s"
                 % (path, remarks))
    return row


def lower(build, tosa, linalg):
    """`tosa` scheduled and lowered as the pipeline does before the pass."""
    subprocess.run([os.path.join(build, "bin", "serenity-opt"), tosa,
                    "--pass-pipeline=" + BEFORE_TILING, "-o", linalg], check=True)


def import_mobilenet_v2(build, work):
    """torchvision's MobileNetV2 in int8 as real_models.py imports it, or None
    without python3-torch."""
    try:
        import real_models
        onnx_path = os.path.join(work, "mobilenet_v2.onnx")
        real_models.export_quantized("mobilenet_v2", 224, onnx_path)
    except ImportError as error:
        print("tile_time.py: no MobileNetV2 row (%s)" % error, file=sys.stderr)
        return None
    path = os.path.join(work, "mobilenet_v2.mlir")
    subprocess.run([os.path.join(build, "bin", "serenity-import-onnx"), onnx_path, "-o", path,
                    "--name", "mobilenet_v2"], check=True)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(harness.ROOT, "build"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    parser.add_argument("--limits", default="1000,2000,3000",
                        help="time-limit-ms values to run besides none (0)")
    parser.add_argument("--models", default=",".join(generate.MODELS))
    parser.add_argument("--no-mobilenet-v2", action="store_true",
                        help="skip torchvision's MobileNetV2 (needs python3-torch)")
    args = parser.parse_args()
    limits = [0] + [int(limit) for limit in args.limits.split(",") if limit]
    models = args.models.split(",")

    start = time.time()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name in models:
            text, _ = generate.generate(name, splat_weights=True, dtype="int8")
            tosa = os.path.join(work, name + ".mlir")
            linalg = os.path.join(work, name + ".linalg.mlir")
            with open(tosa, "w") as f:
                f.write(text)
            lower(args.build, tosa, linalg)
            for limit in limits:
                row = dict(model=name, **tile(args.build, linalg, limit))
                rows.append(row)
                print("%s, limit %d ms: %d ms, arena %d" % (name, limit, row["tile_ms"],
                                                             row["arena"]), file=sys.stderr)
        tosa = None if args.no_mobilenet_v2 else import_mobilenet_v2(args.build, work)
        if tosa:
            linalg = os.path.join(work, "mobilenet_v2.linalg.mlir")
            lower(args.build, tosa, linalg)
            for limit in limits:
                row = dict(model=MOBILENET_V2,
                           **tile(args.build, linalg, limit, MOBILENET_V2_EXTRA_MACS))
                rows.append(row)
                print("mobilenet_v2, limit %d ms: %d ms, arena %d" % (
                    limit, row["tile_ms"], row["arena"]), file=sys.stderr)
            models.append(MOBILENET_V2)
    elapsed = time.time() - start

    os.makedirs(args.out, exist_ok=True)
    fields = ["model", "limit_ms", "tile_ms", "stopped_after", "groups", "arena_before",
              "arena", "extra_macs"]
    with open(os.path.join(args.out, "tile-time.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)

    by = {(r["model"], r["limit_ms"]): r for r in rows}

    def limit_name(limit):
        return "no limit" if limit == 0 else "%d ms" % limit

    lines = ["# Spatial patches: search time and what a time limit costs\n",
             "- date: %s UTC; commit %s" % (
                 datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                 harness.git_commit()),
             "- machine: %s, %d cores" % (harness.cpu_name(), os.cpu_count() or 1),
             "- command: `/usr/bin/python3 benchmarks/tile_time.py --limits %s`" % args.limits,
             "- whole run: %.0f s\n" % elapsed,
             "Each zoo model in int8, scheduled and lowered as `--serenity-pipeline="
             "\"tile-spatial=1\"` does, then `--serenity-tile-spatial` (default budget, +20%%"
             " MACs) with no limit and with `time-limit-ms` (the pipeline's"
             " `tile-time-limit-ms`). *ms*: the pass's wall time (`--mlir-timing`, threads"
             " on); *arena*: the tiling it keeps, KiB under the `bufferized` memory model (the"
             " live-bytes bound of its buffers), with its extra MACs; *stopped*: the limit"
             " ended the search after that many estimates (each tiles, fuses and models a copy"
             " of the whole function). The search starts no estimate that would end after the"
             " limit at the pace of those before it; an estimate slower than those overruns"
             " it. The last row, where present, is torchvision's MobileNetV2 at 224x224 in"
             " int8 at +%d%% MACs (issue 30's target: at most 128 KiB).\n" % MOBILENET_V2_EXTRA_MACS,
             "| model | as it is | " + " | ".join(
                 "%s: ms | arena" % limit_name(limit) for limit in limits) + " |",
             "| --- | ---: | " + " | ".join("---: | ---" for _ in limits) + " |"]
    for name in models:
        cells = []
        for limit in limits:
            r = by[(name, limit)]
            cells.append("%d%s | %s%s" % (
                r["tile_ms"], " (stopped: %d)" % r["stopped_after"] if r["stopped_after"] != ""
                else "", harness.kib(r["arena"]),
                " (+%s%%)" % r["extra_macs"] if r["groups"] else " (none)"))
        lines.append("| %s | %s | %s |" % (name, harness.kib(by[(name, 0)]["arena_before"]),
                                           " | ".join(cells)))
    lines.append("")
    zoo = [name for name in models if name != MOBILENET_V2]
    for limit in limits:
        chosen = [by[(name, limit)] for name in zoo]
        lines.append("- zoo, %s: %d of %d models under 1 s, slowest %d ms, total %.1f s; arena"
                     " (geomean over the models) %.3f of the unlimited search's" % (
                         limit_name(limit), sum(r["tile_ms"] < 1000 for r in chosen),
                         len(chosen), max(r["tile_ms"] for r in chosen),
                         sum(r["tile_ms"] for r in chosen) / 1000.0,
                         harness.geomean([r["arena"] / by[(r["model"], 0)]["arena"]
                                  for r in chosen])))
    with open(os.path.join(args.out, "tile-time.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
