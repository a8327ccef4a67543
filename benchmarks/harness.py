#!/usr/bin/env python3
"""Runs every zoo model (and any extra .mlir files) through every scheduling
algorithm under each memory model, lowers each order to the arena that runs,
and writes

    benchmarks/results/latest.md        tables per model family, geomean rows
    benchmarks/results/latest.csv       one row per (model, memory model, algorithm)
    benchmarks/results/latest-arena.csv one row per (model, memory model, order, planner)
    benchmarks/results/latest-linalg.csv one row per (model, memory model) lowered to Linalg
    benchmarks/results/plots/*.png      live bytes over the schedule per model

Usage (after scripts/setup.sh):

    /usr/bin/python3 benchmarks/harness.py [extra.mlir ...]

Scheduling times are measured inside build/bin/serenity-harness around the
core scheduler only (median of up to --repetitions runs), not parsing.
"""

import argparse
import concurrent.futures
import csv
import datetime
import functools
import io
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "zoo"))
# The package's plotting from the source tree (it needs matplotlib only).
sys.path.insert(0, os.path.join(ROOT, "python-bindings"))

import generate  # noqa: E402
from serenity.report import draw_live_bytes  # noqa: E402

ALGORITHMS = ["program", "rpo", "list", "dfs", "best-heuristic", "optimal"]
# --serenity-rewrite (memory-aware) then --serenity-schedule, run by serenity-harness
# through the passes; its time is the rewrite pass's own.
REWRITE = "rewrite+optimal"
MEMORY_MODELS = ["strict", "inplace", "bufferized"]
# The model --serenity-pipeline schedules under: the arena summary's headline.
ARENA_MODEL = "bufferized"
BASELINE_PLANNERS = ["tflm-greedy", "tflite-arena", "tvm-greedy", "iree-in-order"]
FULL_REPORT_RE = re.compile(r"#serenity\.schedule<peak = (\d+), input_peak = (\d+), "
                            r"lower_bound = (\d+), .*?status = \"?([a-z-]+)\"?, "
                            r"states = (\d+)>")
LIVENESS_HEADER_RE = re.compile(r"\((?:model \w+, )?(\d+) ops")
ARENA_REMARK_RE = re.compile(r"live-bytes bound (\d+), .*would peak at (\d+) bytes")
# The remark of the tiling --serenity-tile-spatial keeps.
TILE_KEPT_RE = re.compile(r"serenity-tile-spatial: (\d+) ops in (\d+) group\(s\), .*: arena (\d+) "
                          r"-> (\d+) bytes \(modeled\), MACs (\d+) -> (\d+)")


def geomean(values):
    values = list(values)
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def opt_remarks(build, path, *options):
    """The diagnostics (remarks) of serenity-opt with `options` on `path`."""
    return subprocess.run([os.path.join(build, "bin", "serenity-opt"), path, *options,
                           "-o", os.devnull, "--mlir-print-op-on-diagnostic=false"],
                          check=True, stderr=subprocess.PIPE, text=True).stderr


def tile_spatial_kept(remarks):
    """What --serenity-tile-spatial kept, from its remark: ops, groups, arena
    before and after (modeled), MACs before and after; None if nothing."""
    kept = TILE_KEPT_RE.search(remarks)
    if not kept:
        return None
    return dict(zip(("ops", "groups", "arena_before", "arena", "macs_before", "macs_after"),
                    (int(value) for value in kept.groups())))


def kib(value):
    return "%.1f" % (int(value) / 1024.0)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def add_driver_arguments(parser, repetitions):
    """The options that run_harness and run_arena_harness read, for every
    script that measures through them."""
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    parser.add_argument("--time-limit-ms", type=int, default=5000)
    parser.add_argument("--max-states", type=int, default=2000000)
    parser.add_argument("--repetitions", type=int, default=repetitions)
    parser.add_argument("--no-rewrite", action="store_true",
                        help="skip the rewrite + schedule column")
    parser.add_argument("--no-patches", action="store_true",
                        help="skip the arenas with --serenity-tile-spatial")


def add_jobs_argument(parser):
    """--jobs, for the scripts that run their drivers through run_jobs."""
    parser.add_argument("--jobs", type=int, default=1,
                        help="drivers run at once, one model each (1 for the committed "
                             "runs: their times are measured alone)")


def run_jobs(jobs, calls):
    """The results of `calls` (functions of no argument), in order, `jobs` at a
    time. Each starts a driver process, so threads are enough; with at most one
    job per core, each time-limited search still has a core to itself."""
    if jobs <= 1:
        return [call() for call in calls]
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def by_size(files):
    """`files`, largest first: a long job started last would hold up a run."""
    return sorted(files, key=os.path.getsize, reverse=True)


def run_harness(build, files, args, trace_dir):
    command = [os.path.join(build, "bin", "serenity-harness"),
               "--repetitions=%d" % args.repetitions,
               "--time-limit-ms=%d" % args.time_limit_ms,
               "--max-states=%d" % args.max_states,
               "--trace-dir=" + trace_dir] + files
    if args.no_rewrite:
        command.append("--no-rewrite")
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return list(csv.DictReader(io.StringIO(result.stdout)))


def run_arena_harness(build, files, args):
    """Rows of serenity-arena-harness: the bufferized body of each order, placed
    by every planner, and the upstream pipeline's heap as written."""
    command = [os.path.join(build, "bin", "serenity-arena-harness"),
               "--time-limit-ms=%d" % args.time_limit_ms,
               "--max-states=%d" % args.max_states] + files
    if args.no_rewrite:
        command.append("--no-rewrite")
    if args.no_patches:
        command.append("--no-patches")
    result = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return list(csv.DictReader(io.StringIO(result.stdout)))


def model_groups(families, models_in_order):
    """(title, membership test) of the geomean rows: the whole zoo, then each
    family."""
    groups = [("all zoo models", lambda m: m in generate.MODELS)]
    groups += [(family, (lambda f: lambda m: families.get(m) == f)(family))
               for family in dict.fromkeys(families[m] for m in models_in_order)]
    return groups


def grouped(families, models_in_order, rows):
    """(title, memory model, rows) of each geomean row that has rows: `rows`
    maps (model, memory model) to a model's entry."""
    for title, member in model_groups(families, models_in_order):
        for memory_model in MEMORY_MODELS:
            selected = [rows[(m, memory_model)] for m in models_in_order
                        if member(m) and (m, memory_model) in rows]
            if selected:
                yield title, memory_model, selected


def summarize_arena(rows):
    """{model: {(memory_model, order, algorithm): row}}"""
    table = {}
    for row in rows:
        table.setdefault(row["model"], {})[
            (row["memory_model"], row["order"], row["algorithm"])] = row
    return table


def serenity_arena(entries, memory_model):
    """Serenity's arena for a model: rewrite + optimal order + exact
    placement (the optimal order alone when the rewrite was skipped)."""
    return entries.get((memory_model, "rewrite+serenity", "exact"),
                       entries[(memory_model, "serenity", "exact")])


def check_pad_copies(arena):
    """No padded copy of a whole map reaches an arena of Serenity's pipeline
    (the rows count what --serenity-pad-free-windows kept)."""
    return ["%s/%s/%s/%s: %s padded copies of whole maps kept" % (
                model, memory_model, order, algorithm, row["whole_map_pad_copies"])
            for model, entries in arena.items()
            for (memory_model, order, algorithm), row in entries.items()
            if row.get("whole_map_pad_copies") not in (None, "", "-", "0")]


def check_arena_invariants(arena):
    problems = check_pad_copies(arena)
    for model, entries in arena.items():
        # Judged under the model of the arena, a kept rewrite lowers the bound.
        # (Only between proven orders: a search stopped at a time limit
        # depends on the machine's load.)
        rewritten = entries.get((ARENA_MODEL, "rewrite+serenity", "exact"))
        plain = entries[(ARENA_MODEL, "serenity", "exact")]
        if (rewritten and int(rewritten["live_bound_bytes"]) > int(plain["live_bound_bytes"])
                and rewritten["schedule_status"] == "optimal"
                and plain["schedule_status"] == "optimal"):
            problems.append("%s/%s: the rewrite raised the live-bytes bound (%s > %s)" % (
                model, ARENA_MODEL, rewritten["live_bound_bytes"], plain["live_bound_bytes"]))
        for (memory_model, order, algorithm), row in entries.items():
            if algorithm != "exact":
                continue
            if int(row["bytes"]) < int(row["live_bound_bytes"]):
                problems.append("%s/%s/%s: arena below its live-bytes bound" % (
                    model, memory_model, order))
            for baseline in BASELINE_PLANNERS:
                other = entries.get((memory_model, order, baseline))
                if other and int(row["bytes"]) > int(other["bytes"]):
                    problems.append("%s/%s/%s: exact %s above %s %s" % (
                        model, memory_model, order, row["bytes"], baseline,
                        other["bytes"]))
    return problems


def write_arena_markdown(out, arena, families, models_in_order):
    out.append("## The memory that runs: arenas after bufferization\n")
    out.append("`serenity-arena-harness` lowers each order as `--serenity-pipeline` does"
               " (TOSA to Linalg, one-shot bufferization, results as out-params) and"
               " places the bufferized body's buffers (KiB, 16-byte alignment):\n")
    out.append("- *upstream heap*: the upstream pipeline a user runs today"
               " (`buffer-deallocation-pipeline`, order as written): the peak of the"
               " bytes its allocations hold, simulated op by op (its deallocs all sit at"
               " the end);")
    out.append("- *TFLM, written*: TFLite Micro's greedy planner on the order as written;")
    out.append("- *TFLM / TFLite / TVM / IREE*: each baseline planner on Serenity's order;")
    out.append("- *Serenity*: memory-aware rewrite + optimal order + exact placement;"
               " *bound*: that order's live-bytes bound (no placement needs less);"
               " *status*: the exact placement's; *planner ms*: its time.")
    out.append("- *written / Serenity*: TFLM greedy on the written order divided by"
               " Serenity's arena, the comparison SERENITY (MLSys 2020) makes against"
               " TFLite: 1.68x from scheduling, 1.86x with rewriting.\n")
    out.append("| models | memory model | count | written / Serenity (geomean) |"
               " Serenity / bound (geomean) | Serenity / bound (max) |"
               " at the bound | proven optimal | upstream heap / Serenity |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for title, member in model_groups(families, models_in_order):
        for memory_model in MEMORY_MODELS:
            selected = [arena[m] for m in models_in_order if member(m) and m in arena]
            if not selected:
                continue
            ours = [serenity_arena(e, memory_model) for e in selected]
            written = [int(e[("-", "written", "tflm-greedy")]["bytes"]) for e in selected]
            upstream = [int(e[("-", "written", "upstream-heap")]["bytes"]) for e in selected]
            ratios = [int(r["bytes"]) / int(r["live_bound_bytes"]) for r in ours]
            out.append("| %s | %s | %d | %.3fx | %.4f | %.4f | %d/%d | %d/%d | %.2fx |" % (
                title, memory_model, len(selected),
                geomean(w / int(r["bytes"]) for w, r in zip(written, ours)),
                geomean(ratios), max(ratios),
                sum(r["bytes"] == r["live_bound_bytes"] for r in ours), len(ours),
                sum(r["status"] == "optimal" for r in ours), len(ours),
                geomean(u / int(r["bytes"]) for u, r in zip(upstream, ours))))
    out.append("")
    out.append("| model | memory model | upstream heap | TFLM, written | TFLM | TFLite | TVM |"
               " IREE | Serenity | bound | Serenity / bound | status | planner ms |"
               " written / Serenity |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
               " --- | ---: | ---: |")
    for model in models_in_order:
        entries = arena.get(model)
        if not entries:
            continue
        for memory_model in MEMORY_MODELS:
            ours = serenity_arena(entries, memory_model)
            written = int(entries[("-", "written", "tflm-greedy")]["bytes"])
            out.append("| %s | %s | %s | %s | %s | **%s** | %s | %.4f | %s | %s | %.2fx |" % (
                model, memory_model,
                kib(entries[("-", "written", "upstream-heap")]["bytes"]), kib(written),
                " | ".join(kib(entries[(memory_model, "serenity", p)]["bytes"])
                           for p in BASELINE_PLANNERS),
                kib(ours["bytes"]), kib(ours["live_bound_bytes"]),
                int(ours["bytes"]) / int(ours["live_bound_bytes"]), ours["status"],
                ours["time_ms"], written / int(ours["bytes"])))
    out.append("")


def is_imagenet_size(model):
    """The models whose input is 224x224 (the NAS ImageNet networks and the
    RandWire networks): their stems hold the largest maps."""
    return model.endswith("_imagenet") or model.endswith("_net")


def patches_rows(entries):
    """The rows of the two pipelines with tile-spatial=1 (with and without the
    rewrite) that were measured."""
    rows = [entries.get((ARENA_MODEL, order, "exact"))
            for order in ("serenity+patches", "rewrite+serenity+patches")]
    return [r for r in rows if r]


def patches_entry(entries):
    """Serenity with patches for a model: the lower of the two pipelines with
    tile-spatial=1, or none if not measured."""
    rows = patches_rows(entries)
    return min(rows, key=lambda r: int(r["bytes"])) if rows else None


def check_patch_invariants(arena):
    """Never worse than without patches: the pass keeps a tiling only if it
    lowers the live-bytes bound of the same order."""
    problems = []
    for model, entries in arena.items():
        for order in ("serenity", "rewrite+serenity"):
            plain = entries.get((ARENA_MODEL, order, "exact"))
            tiled = entries.get((ARENA_MODEL, order + "+patches", "exact"))
            if plain and tiled and int(tiled["live_bound_bytes"]) > int(plain["live_bound_bytes"]):
                problems.append("%s/%s: patches raised the live-bytes bound (%s > %s)" % (
                    model, order, tiled["live_bound_bytes"], plain["live_bound_bytes"]))
    return problems


def write_patches_markdown(out, arena, models_in_order):
    selected = [m for m in models_in_order if m in arena and patches_entry(arena[m])]
    if not selected:
        return
    out.append("## Below the optimum: spatial patches\n")
    out.append("`--serenity-tile-spatial` (memory-aware, at most %s%% extra MACs) after"
               " scheduling, in both pipelines (with and without the rewrite); the lower"
               " arena is kept (KiB, memory model `%s`, exact placement):\n" % (
                   "20", ARENA_MODEL))
    out.append("- *Serenity*: rewrite + optimal order + exact placement, as above;")
    out.append("- *+ patches*: the same with patches; *extra MACs*: over the model's"
               " MACs (halos recomputed where the budget allows, otherwise cached);"
               " *patches*: the ops tiled, in how many groups, the most patches of a"
               " group, and how many groups cache their halos; `-` where no tiling"
               " lowers the arena;")
    out.append("- *written / ...*: TFLM greedy on the written order divided by the arena"
               " (SERENITY reports 1.86x against TFLite with rewriting);")
    out.append("- *tile ms*: `--serenity-tile-spatial`'s own time in the pipeline kept"
               " (in `serenity-arena-harness`, threads on, one run); *slowest* and"
               " *under 1 s*: of both pipelines.\n")
    out.append("| models | count | written / Serenity (geomean) |"
               " written / Serenity + patches (geomean) | tiled | extra MACs (max) |"
               " tile ms (slowest) | tile under 1 s |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    groups = [("all zoo models", lambda m: True),
              ("ImageNet-size (224x224)", is_imagenet_size),
              ("cells and CIFAR", lambda m: not is_imagenet_size(m))]
    for title, member in groups:
        models = [m for m in selected if member(m)]
        if not models:
            continue
        written = [int(arena[m][("-", "written", "tflm-greedy")]["bytes"]) for m in models]
        plain = [int(serenity_arena(arena[m], ARENA_MODEL)["bytes"]) for m in models]
        tiled = [patches_entry(arena[m]) for m in models]
        macs = [int(arena[m][("-", "written", "upstream-heap")]["macs"]) for m in models]
        extra = [100.0 * (int(t["macs"]) - b) / b if b else 0.0 for t, b in zip(tiled, macs)]
        times = [float(r["tile_ms"]) for m in models for r in patches_rows(arena[m])]
        out.append("| %s | %d | %.3fx | %.3fx | %d/%d | %+.1f%% | %.0f | %d/%d |" % (
            title, len(models), geomean(w / p for w, p in zip(written, plain)),
            geomean(w / int(t["bytes"]) for w, t in zip(written, tiled)),
            sum(t["patches"] != "-" for t in tiled), len(tiled), max(extra),
            max(times), sum(t < 1000 for t in times), len(times)))
    out.append("")
    out.append("| model | TFLM, written | Serenity | + patches | patches | extra MACs |"
               " written / Serenity | written / + patches | tile ms |")
    out.append("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for model in selected:
        entries = arena[model]
        written = int(entries[("-", "written", "tflm-greedy")]["bytes"])
        plain = int(serenity_arena(entries, ARENA_MODEL)["bytes"])
        tiled = patches_entry(entries)
        base = int(entries[("-", "written", "upstream-heap")]["macs"])
        out.append("| %s | %s | %s | **%s** | %s | %+.1f%% | %.2fx | %.2fx | %s |" % (
            model, kib(written), kib(plain), kib(tiled["bytes"]), tiled["patches"],
            100.0 * (int(tiled["macs"]) - base) / base if base else 0.0,
            written / plain, written / int(tiled["bytes"]), tiled["tile_ms"]))
    out.append("")


def summarize(rows):
    """{(model, memory_model): {algorithm: row}}"""
    table = {}
    for row in rows:
        table.setdefault((row["model"], row["memory_model"]), {})[row["algorithm"]] = row
    return table


def check_invariants(table, zoo_models):
    """What must hold of the scheduler rows. Only the proof is evidence: the
    optimal search starts from the best heuristic and the rewrite keeps only
    a lower peak, so the comparisons below hold by construction (they stay
    as documentation). The README claims every zoo model is proven optimal
    under each memory model, with and without the rewrite: a row that is
    not (a search stopped at a limit) is a problem."""
    problems = []
    for (model, memory_model), algos in table.items():
        for algorithm in ("optimal", REWRITE):
            row = algos.get(algorithm)
            if model in zoo_models and row and row["status"] != "optimal":
                problems.append("%s/%s: %s is %s, not proven optimal (%s states)" % (
                    model, memory_model, algorithm, row["status"], row["states"]))
        optimal = int(algos["optimal"]["peak_bytes"])
        for algorithm in ALGORITHMS[:-1]:
            if optimal > int(algos[algorithm]["peak_bytes"]):
                problems.append("%s/%s: optimal %d above %s %s" % (
                    model, memory_model, optimal, algorithm,
                    algos[algorithm]["peak_bytes"]))
        # Only proven results are comparable: a search stopped at a time limit
        # depends on the machine's load.
        rewrite = algos.get(REWRITE)
        if (rewrite and int(rewrite["peak_bytes"]) > optimal
                and rewrite["status"] == "optimal"
                and algos["optimal"]["status"] == "optimal"):
            problems.append("%s/%s: rewriting made the schedule worse (%s > %d)" % (
                model, memory_model, algos[REWRITE]["peak_bytes"], optimal))
    return problems


def reduction(algos, baseline, by="optimal"):
    return int(algos[baseline]["peak_bytes"]) / int(algos[by]["peak_bytes"])


def run_linalg(build, files, args, work):
    """One row per (model, memory model) for the model lowered to Linalg on
    tensors (--tosa-to-linalg-pipeline) and scheduled there; its time is the
    whole serenity-opt run. Under the pipeline's model, also the agreement of
    the modeled peak with the bufferized body: the live-bytes bound of its
    buffers and their peak with each allocated where it stands and freed after
    its last use (the --serenity-plan-memory remark)."""
    opt = os.path.join(build, "bin", "serenity-opt")
    rows = []
    for path in files:
        model = os.path.splitext(os.path.basename(path))[0]
        lowered = os.path.join(work, model + ".linalg.mlir")
        subprocess.run([opt, path, "--tosa-to-linalg-pipeline", "-o", lowered], check=True)
        header = subprocess.run([opt, lowered, "--serenity-liveness", "-o", os.devnull],
                                check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True).stdout
        ops = LIVENESS_HEADER_RE.search(header).group(1)
        for memory_model in MEMORY_MODELS:
            command = [opt, lowered, "--serenity-schedule=memory-model=%s time-limit-ms=%d "
                       "max-states=%d" % (memory_model, args.time_limit_ms, args.max_states)]
            start = time.time()
            result = subprocess.run(command, check=True, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            seconds = time.time() - start
            peak, lowered_peak, bound, status, states = \
                FULL_REPORT_RE.search(result.stdout).groups()
            row = {"model": model, "memory_model": memory_model, "ops": ops,
                   "lowered_peak_bytes": lowered_peak, "peak_bytes": peak,
                   "lower_bound_bytes": bound, "status": status, "states": states,
                   "time_ms": "%.1f" % (seconds * 1000), "arena_live_bound_bytes": "",
                   "last_use_peak_bytes": "", "pipeline_peak_bytes": ""}
            if memory_model == ARENA_MODEL:
                piped = subprocess.run([opt, lowered, "--serenity-pipeline=keep-reports=1"],
                                       check=True, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
                live_bound, last_use = ARENA_REMARK_RE.search(piped.stderr).groups()
                row["arena_live_bound_bytes"] = live_bound
                row["last_use_peak_bytes"] = last_use
                row["pipeline_peak_bytes"] = FULL_REPORT_RE.search(piped.stdout).group(1)
            rows.append(row)
    return rows


def agrees(row):
    """Whether a Linalg row's modeled peak equals its bufferized body's
    live-bytes bound and last-use peak (rows under the arena's model)."""
    return (row["pipeline_peak_bytes"] == row["arena_live_bound_bytes"]
            == row["last_use_peak_bytes"])


def check_linalg_invariants(rows):
    problems = []
    for row in rows:
        where = "%s/%s (Linalg)" % (row["model"], row["memory_model"])
        if int(row["peak_bytes"]) > int(row["lowered_peak_bytes"]):
            problems.append("%s: optimal %s above the order as lowered %s" % (
                where, row["peak_bytes"], row["lowered_peak_bytes"]))
        if row["last_use_peak_bytes"] and not agrees(row):
            problems.append("%s: modeled peak %s, bufferized live-bytes bound %s, "
                            "last-use peak %s disagree" % (
                                where, row["pipeline_peak_bytes"],
                                row["arena_live_bound_bytes"], row["last_use_peak_bytes"]))
    return problems


def write_linalg_markdown(out, linalg, table, families, models_in_order):
    out.append("## Linalg on tensors\n")
    out.append("Each model lowered with `serenity-opt --tosa-to-linalg-pipeline` first, then"
               " `--serenity-schedule` (same limits). *ops*: nodes of the scheduled graph (ops"
               " without activation inputs are glued to their consumer, docs/memory-model.md);"
               " *as lowered*: the peak of the order the lowering emits; *time*: the whole"
               " serenity-opt run; *TOSA ratio*: the same model's optimal vs program order at"
               " the TOSA level. *agrees* (under `%s`): the modeled peak of"
               " `--serenity-pipeline` equals the live-bytes bound of the bufferized body's"
               " buffers and their peak when each is allocated where it stands and freed after"
               " its last use.\n" % ARENA_MODEL)
    by_key = {(r["model"], r["memory_model"]): r for r in linalg}
    out.append("| models | memory model | count | proven optimal | under 1 s |"
               " ratio vs as lowered (geomean) | TOSA ratio (geomean) | agrees |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for title, memory_model, selected in grouped(families, models_in_order, by_key):
        agreeing = [r for r in selected if r["last_use_peak_bytes"]]
        out.append("| %s | %s | %d | %d/%d | %d/%d | %.3fx | %.3fx | %s |" % (
            title, memory_model, len(selected),
            sum(r["status"] == "optimal" for r in selected), len(selected),
            sum(float(r["time_ms"]) < 1000 for r in selected), len(selected),
            geomean(int(r["lowered_peak_bytes"]) / int(r["peak_bytes"]) for r in selected),
            geomean(reduction(table[(r["model"], memory_model)], "program")
                    for r in selected),
            "%d/%d" % (sum(agrees(r) for r in agreeing),
                       len(agreeing)) if agreeing else "-"))
    out.append("")
    out.append("| model | memory model | ops | as lowered | optimal | vs as lowered |"
               " TOSA ratio | status | states | time (ms) | agrees |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |")
    for model in models_in_order:
        for memory_model in MEMORY_MODELS:
            r = by_key.get((model, memory_model))
            if not r:
                continue
            agreement = "-"
            if r["last_use_peak_bytes"]:
                agreement = "yes" if agrees(r) else "no (%s / %s / %s)" % (
                    r["pipeline_peak_bytes"], r["arena_live_bound_bytes"],
                    r["last_use_peak_bytes"])
            out.append("| %s | %s | %s | %s | **%s** | %.3fx | %.3fx | %s | %s | %s | %s |" % (
                model, memory_model, r["ops"], kib(r["lowered_peak_bytes"]),
                kib(r["peak_bytes"]),
                int(r["lowered_peak_bytes"]) / int(r["peak_bytes"]),
                reduction(table[(model, memory_model)], "program"),
                r["status"], r["states"], r["time_ms"], agreement))
    out.append("")


def write_markdown(path, table, arena, linalg, families, args, elapsed, command):
    models_in_order = list(dict.fromkeys(model for model, _ in table))
    out = []
    out.append("# Serenity scheduler benchmark: latest run\n")
    out.append("- date: %s UTC; commit %s" % (
        datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"), git_commit()))
    out.append("- machine: %s, %d cores" % (cpu_name(), os.cpu_count()))
    out.append("- command: `%s`" % command)
    out.append("- optimal search limits: %d ms, %d states per model and memory model;"
               " times are medians of up to %d runs of the scheduler alone"
               % (args.time_limit_ms, args.max_states, args.repetitions))
    out.append("- whole run: %.0f s\n" % elapsed)
    out.append("Peaks in KiB (1024 bytes) under docs/memory-model.md. *vs program* and"
               " *vs best* are the peak of the program order (the converter's, TFLite's)"
               " and of the best heuristic divided by the optimal peak. *rewrite + optimal*"
               " is `serenity-opt --serenity-rewrite --serenity-schedule` (memory-aware"
               " rewriting, then the optimal order); its time is the rewrite pass's.\n")

    out.append("## Geomean peak reduction of `optimal`\n")
    out.append("| models | memory model | count | vs program order | vs best heuristic |"
               " proven optimal | rewrite + optimal vs program order |")
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for title, memory_model, selected in grouped(families, models_in_order, table):
        proven = sum(a["optimal"]["status"] == "optimal" for a in selected)
        rewritten = [a for a in selected if REWRITE in a]
        out.append("| %s | %s | %d | %.3fx | %.3fx | %d/%d | %s |" % (
            title, memory_model, len(selected),
            geomean(reduction(a, "program") for a in selected),
            geomean(reduction(a, "best-heuristic") for a in selected),
            proven, len(selected),
            "%.3fx" % geomean(reduction(a, "program", REWRITE) for a in rewritten)
            if rewritten else "-"))
    out.append("")

    if arena:
        write_arena_markdown(out, arena, families, models_in_order)
        write_patches_markdown(out, arena, models_in_order)
    if linalg:
        write_linalg_markdown(out, linalg, table, families, models_in_order)

    for family in dict.fromkeys(families[m] for m in models_in_order):
        out.append("## %s\n" % family)
        out.append("| model | memory model | ops | program | rpo | list | dfs |"
                   " best heuristic | optimal | vs program | vs best | status |"
                   " lower bound | states | time (ms) | rewrite + optimal |"
                   " rewrite time (ms) |")
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
                   " ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for model in models_in_order:
            if families[model] != family:
                continue
            for memory_model in MEMORY_MODELS:
                algos = table[(model, memory_model)]
                opt = algos["optimal"]
                rewrite = algos.get(REWRITE)
                out.append("| %s | %s | %s | %s | %s | %s | %s | %s | **%s** | %.3fx | %.3fx |"
                           " %s | %s | %s | %s | %s | %s |" % (
                               model, memory_model, opt["nodes"],
                               *(kib(algos[a]["peak_bytes"]) for a in ALGORITHMS),
                               reduction(algos, "program"),
                               reduction(algos, "best-heuristic"),
                               opt["status"], kib(opt["lower_bound_bytes"]),
                               opt["states"], opt["time_ms"],
                               kib(rewrite["peak_bytes"]) if rewrite else "-",
                               rewrite["time_ms"] if rewrite else "-"))
        out.append("")
        out.append("Plots: " + ", ".join(
            "[%s](plots/%s.png)" % (m, m) for m in models_in_order if families[m] == family))
        out.append("")
    with open(path, "w") as f:
        f.write("\n".join(out))


def write_csv(path, rows, families):
    fields = ["family"] + list(rows[0].keys())
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({"family": families[row["model"]], **row})


def plot(trace_dir, plot_dir, models, functions):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(plot_dir, exist_ok=True)
    for model in models:
        fig, axes = plt.subplots(1, len(MEMORY_MODELS), figsize=(15, 3.2), dpi=80)
        for ax, memory_model in zip(axes, MEMORY_MODELS):
            path = os.path.join(trace_dir, "%s.%s.%s.json" % (model, functions[model],
                                                              memory_model))
            with open(path) as f:
                trace = json.load(f)
            draw_live_bytes(ax, [(trace["program"], "tab:red", "program order"),
                                 (trace["optimal"], "tab:blue", "Serenity optimal")],
                            "%s (%s)" % (model, memory_model))
        fig.tight_layout()
        fig.savefig(os.path.join(plot_dir, model + ".png"))
        plt.close(fig)


def git_commit():
    """HEAD, and whether the sources measured differ from it (results aside)."""
    try:
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
        changed = subprocess.run(["git", "-C", ROOT, "diff", "--quiet", "HEAD", "--", ".",
                                  ":(exclude)benchmarks/results"]).returncode != 0
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" with uncommitted changes" if changed else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("extra", nargs="*", help="more .mlir files to measure")
    add_driver_arguments(parser, repetitions=5)
    add_jobs_argument(parser)
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--no-linalg", action="store_true",
                        help="skip the models lowered to Linalg on tensors")
    parser.add_argument("--no-arena", action="store_true",
                        help="skip the arenas after bufferization")
    parser.add_argument("--no-zoo", action="store_true",
                        help="measure only the extra files")
    args = parser.parse_args()

    start = time.time()
    with tempfile.TemporaryDirectory() as work:
        files = []
        families = {}
        for name in [] if args.no_zoo else generate.MODELS:
            text, _ = generate.generate(name, splat_weights=True)
            path = os.path.join(work, name + ".mlir")
            with open(path, "w") as f:
                f.write(text)
            files.append(path)
            families[name] = generate.family_of(name)
        for extra in args.extra:
            files.append(os.path.abspath(extra))
            families[os.path.splitext(os.path.basename(extra))[0]] = "extra files"
        trace_dir = os.path.join(work, "traces")
        os.makedirs(trace_dir)
        zoo_files = files[:len(files) - len(args.extra)]
        # The schedulers on every model in one job, then the arenas and the
        # Linalg rows one model a job, largest first; rows in file order.
        calls = [functools.partial(run_harness, args.build, files, args, trace_dir)]
        arena_files = [] if args.no_arena else by_size(files)
        linalg_files = [] if args.no_linalg else by_size(zoo_files)
        calls += [functools.partial(run_arena_harness, args.build, [path], args)
                  for path in arena_files]
        calls += [functools.partial(run_linalg, args.build, [path], args, work)
                  for path in linalg_files]
        results = run_jobs(args.jobs, calls)
        rows = results[0]
        arena_by_file = dict(zip(arena_files, results[1:1 + len(arena_files)]))
        linalg_by_file = dict(zip(linalg_files, results[1 + len(arena_files):]))
        arena_rows = [row for path in files if path in arena_by_file
                      for row in arena_by_file[path]]
        linalg_rows = [row for path in zoo_files if path in linalg_by_file
                       for row in linalg_by_file[path]]
        # One function per file: the tables and plots are per file.
        functions = {}
        for row in rows:
            functions.setdefault(row["model"], set()).add(row["function"])
        for model, names in functions.items():
            if len(names) != 1:
                sys.exit("harness.py: %s.mlir holds %d functions (%s); the harness measures "
                         "one function per file" % (model, len(names), ", ".join(sorted(names))))
        functions = {model: names.pop() for model, names in functions.items()}
        table = summarize(rows)
        os.makedirs(args.out, exist_ok=True)
        if not args.no_plots:
            plot(trace_dir, os.path.join(args.out, "plots"),
                 list(dict.fromkeys(r["model"] for r in rows)), functions)
    elapsed = time.time() - start
    command = "/usr/bin/python3 benchmarks/harness.py " + " ".join(sys.argv[1:])
    arena = summarize_arena(arena_rows)
    write_csv(os.path.join(args.out, "latest.csv"), rows, families)
    if arena_rows:
        write_csv(os.path.join(args.out, "latest-arena.csv"), arena_rows, families)
    if linalg_rows:
        write_csv(os.path.join(args.out, "latest-linalg.csv"), linalg_rows, families)
    write_markdown(os.path.join(args.out, "latest.md"), table, arena, linalg_rows, families,
                   args, elapsed, command.strip())
    zoo_models = {os.path.splitext(os.path.basename(path))[0] for path in zoo_files}
    problems = (check_invariants(table, zoo_models) + check_arena_invariants(arena)
                + check_patch_invariants(arena)
                + check_linalg_invariants(linalg_rows))
    for problem in problems:
        print("INVARIANT VIOLATED: " + problem, file=sys.stderr)
    print("wrote %s (%.0f s)" % (os.path.join(args.out, "latest.md"), elapsed))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
