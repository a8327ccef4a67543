"""serenity-report: the peak memory of a model before and after Serenity.

    serenity-report model.mlir [-o model] [--memory-model strict] [--rewrite]
                               [--ram 256K] [--no-arena] [--json model.json]

Writes model.png and model.svg (live bytes at every step, the order as
written against Serenity's, peaks marked), model.arena.png and
model.arena.svg (the arena map: each buffer a rectangle over its lifetime
at its offset, labelled with its source location, the peak marked; for
Serenity's arena and, when they lower it, the patches'), and prints a short
summary: the peaks under the memory model the pipeline schedules with
(`bufferized`, whose peak is the arena's live-bytes bound), then the arena
that runs, as --serenity-pipeline plans it (exact placement): TFLite Micro's
greedy planner on the order as written, Serenity's, and Serenity's with
spatial patches, against a RAM budget when --ram gives one. --json writes
all of it as data.

A `.tflite` file is imported first (serenity-import-tflite), and the
report adds TFLite Micro's own accounting of it (python-bindings/serenity/
tflite/tflm.py): its activation arena as written (TFLM's greedy planner in
the stored order) and as serenity-plan-tflite plans it without rewrites,
and the persistent part TFLM adds (estimated).
"""

import argparse
import json
import os
import re
import sys

import serenity

from .cli import cannot, failer


def summarize(before, result, rewrite=False):
    lines = []
    for report, scheduled in zip(before, result.functions):
        lines.append("@%s (%s model, %d ops, %d weights)" % (
            report.function, report.model, len(report.steps), report.weights))
        # The op by the name the user's graph gives it (an imported ONNX
        # node's), not only its SSA name, which is not in the user's file.
        where = ""
        if report.peak_step is not None:
            location = report.steps[report.peak_step].location
            where = " at %s" % short_location(location)
        lines.append("  as written: peak %d bytes at step %s (%s%s)" % (
            report.peak_bytes, report.peak_step, report.peak_op, where))
        lines.append("  serenity:   peak %d bytes (status %s, algorithm %s%s; "
                     "lower bound %d bytes)" % (
                         scheduled.peak_bytes, scheduled.status, scheduled.algorithm,
                         ", after the rewrite: %d ops" % len(scheduled.liveness.steps)
                         if rewrite else "", scheduled.lower_bound_bytes))
        if scheduled.peak_bytes:
            lines.append("  %.2fx lower" % (report.peak_bytes / scheduled.peak_bytes))
    return "\n".join(lines)


def parse_size(text):
    """"256K", "1M", "4096" as bytes (serenity-compile's sizes)."""
    scale = {"k": 1024, "kb": 1024, "m": 1 << 20, "mb": 1 << 20}
    lower = text.strip().lower()
    for suffix in ("kb", "mb", "k", "m"):
        if lower.endswith(suffix):
            return int(lower[:-len(suffix)]) * scale[suffix]
    return int(lower)


def plan_arenas(text, filename):
    """The arena that runs, per function: (as written under TFLite Micro's
    planner, Serenity's, with patches), serenity.plan's PlannedFunctions as
    --serenity-pipeline plans them."""
    written = serenity.plan(text, options="algorithm=program placement=tflm-greedy",
                            filename=filename).functions
    ours = serenity.plan(text, filename=filename).functions
    patched = serenity.plan(text, tile_spatial=True, filename=filename).functions
    return list(zip(written, ours, patched))


def arena_lines(arenas, ram=None):
    """plan_arenas' figures, one line per function, and the budget."""
    lines = ["arena that runs (--serenity-pipeline: bufferized, placed in one arena):"]
    for w, o, p in arenas:
        best = min(o.arena_bytes, p.arena_bytes)
        lines.append("  @%s: TFLM's planner on the order as written %d B; Serenity %d B%s; "
                     "+ patches %d B%s" % (
                         o.function, w.arena_bytes, o.arena_bytes,
                         " (%.2fx lower)" % (w.arena_bytes / o.arena_bytes)
                         if o.arena_bytes else "",
                         p.arena_bytes,
                         " (%.2fx lower)" % (w.arena_bytes / p.arena_bytes)
                         if p.arena_bytes else ""))
        if ram is not None:
            lines.append("  --ram %d: the arena %s" % (
                ram, "fits, %d bytes to spare (add the stack and inputs and outputs: "
                "serenity-compile --ram)" % (ram - best) if best <= ram
                else "is %d bytes over even with patches" % (best - ram)))
    return lines


def short_location(location):
    """A location as the user's file names it: an imported node's name
    without loc("..."), a file position as it is."""
    if location.startswith('loc("') and location.endswith('")'):
        return location[5:-2]
    return location


def label_of(location):
    """A short label for a map: a file position without its directories,
    an imported node's name by its last three parts."""
    location = short_location(location)
    if re.search(r":\d+:\d+$", location):
        return os.path.basename(location)
    return "/".join(location.split("/")[-3:])


def arena_peak(planned):
    """The first step where the most arena bytes are live, those bytes, and
    the indices of the buffers live then (serenity-compile's summary
    reads its arena the same way)."""
    steps = max((b.last_step for b in planned.buffers), default=-1) + 1
    best = (0, 0, [])
    for step in range(steps):
        live = [i for i, b in enumerate(planned.buffers) if b.first_step <= step <= b.last_step]
        total = sum(planned.buffers[i].bytes for i in live)
        if total > best[1]:
            best = (step, total, live)
    return best


def draw_arena_map(ax, planned, title, budget=None, max_labels=12):
    """The arena over time: each buffer a rectangle from its first to past
    its last step, at its offset, as tall as its bytes; the largest ones
    labelled with their source location; the peak step marked. Returns the
    rectangles drawn as (x, y, width, height), in the order of
    planned.buffers."""
    from matplotlib.patches import Rectangle

    peak_step, peak_bytes, live = arena_peak(planned)
    rectangles = []
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:olive",
              "tab:cyan", "tab:pink"]
    for index, b in enumerate(planned.buffers):
        box = (b.first_step, b.offset, b.last_step + 1 - b.first_step, b.bytes)
        rectangles.append(box)
        ax.add_patch(Rectangle(box[:2], box[2], box[3], facecolor=colors[index % len(colors)],
                               edgecolor="black", lw=0.3, alpha=0.75 if index in live else 0.35))
    # Labels on the rectangles a label fits in: the largest of the peak
    # first, then of the rest. The steps before the first buffer (constants)
    # are left out.
    start = min((x for x, _, _, _ in rectangles), default=0)
    steps = max((x + w for x, _, w, _ in rectangles), default=1) - start
    order = sorted(range(len(rectangles)), key=lambda i: (i not in live, -rectangles[i][3]))
    labelled = 0
    for index in order:
        x, y, width, height = rectangles[index]
        if labelled == max_labels or height < 0.045 * planned.arena_bytes or width < 0.1 * steps:
            continue
        ax.annotate(label_of(planned.buffers[index].location),
                    (x + width / 2, y + height / 2), ha="center", va="center", fontsize=6,
                    annotation_clip=True)
        labelled += 1
    ax.axvline(peak_step + 0.5, color="tab:red", lw=1, ls="--",
               label="peak: step %d, %s B live" % (peak_step, format(peak_bytes, ",")))
    ax.axhline(planned.arena_bytes, color="black", lw=1,
               label="arena: %s B" % format(planned.arena_bytes, ","))
    top = max(planned.arena_bytes, draw_budget(ax, budget))
    ax.set_xlim(start, start + steps)
    ax.set_ylim(0, max(top, 1) * 1.05)
    style_axes(ax, title, "step (top-level op of the planned function)", "arena offset (bytes)")
    # What the peak holds, largest first: a peak is often a sliver.
    largest = sorted(live, key=lambda i: -planned.buffers[i].bytes)[:6]
    ax.text(1.01, 0.6, "live at the peak:\n" + "\n".join(
        "%s B  %s" % (format(planned.buffers[i].bytes, ","), label_of(planned.buffers[i].location))
        for i in largest) + ("\n(%d more)" % (len(live) - len(largest))
                             if len(live) > len(largest) else ""),
        transform=ax.transAxes, fontsize=6, va="top", ha="left")
    return rectangles


def plot_arena_maps(arenas, prefix, budget=None):
    """prefix.arena.png and .svg: per function, Serenity's arena and, when
    they lower it, the patches'."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = []
    for _, ours, patched in arenas:
        panels.append((ours, "@%s: Serenity's arena (%s B, %s placement)" % (
            ours.function, format(ours.arena_bytes, ","), ours.placement_status)))
        if patched.arena_bytes < ours.arena_bytes:
            panels.append((patched, "@%s + patches (%s B, %s placement)" % (
                patched.function, format(patched.arena_bytes, ","), patched.placement_status)))
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.6 * len(panels)), squeeze=False)
    for ax, (planned, title) in zip(axes[:, 0], panels):
        draw_arena_map(ax, planned, title, budget)
    fig.tight_layout()
    fig.savefig(prefix + ".arena.png", dpi=110)
    fig.savefig(prefix + ".arena.svg")
    plt.close(fig)


def report_json(before, result, arenas, ram=None):
    """Every figure the text and the plots show, per function: the live
    bytes of both orders, the three arenas, and the map of Serenity's arena
    (and the patches') with the buffers live at its peak."""
    def arena_map(planned):
        peak_step, peak_bytes, live = arena_peak(planned)
        return {"arena_bytes": planned.arena_bytes,
                "live_bound_bytes": planned.live_bound_bytes,
                "placement": planned.placement,
                "placement_status": planned.placement_status,
                "buffers": [{"offset": b.offset, "bytes": b.bytes, "first_step": b.first_step,
                             "last_step": b.last_step, "shape": b.shape,
                             "location": short_location(b.location)} for b in planned.buffers],
                "peak": {"step": peak_step, "bytes": peak_bytes, "buffers": live}}

    plans = {o.function: (w, o, p) for w, o, p in arenas}
    functions = []
    for report, scheduled in zip(before, result.functions):
        entry = {
            "function": report.function,
            "memory_model": report.model,
            "as_written": {
                "peak_bytes": report.peak_bytes, "peak_step": report.peak_step,
                "peak_op": report.peak_op,
                "peak_location": short_location(report.steps[report.peak_step].location)
                if report.peak_step is not None else None,
                "live_bytes": [s.live_bytes for s in report.steps]},
            "serenity": {
                "peak_bytes": scheduled.peak_bytes, "status": scheduled.status,
                "algorithm": scheduled.algorithm,
                "lower_bound_bytes": scheduled.lower_bound_bytes,
                "live_bytes": list(scheduled.live_bytes)},
        }
        if report.function in plans:
            w, o, p = plans[report.function]
            entry["arena"] = {"written_tflm_bytes": w.arena_bytes, "serenity_bytes": o.arena_bytes,
                              "patches_bytes": p.arena_bytes,
                              "serenity_map": arena_map(o), "patches_map": arena_map(p)}
            if ram is not None:
                entry["arena"]["ram_budget_bytes"] = ram
                entry["arena"]["fits"] = min(o.arena_bytes, p.arena_bytes) <= ram
        functions.append(entry)
    return {"functions": functions}


def draw_budget(ax, budget):
    """The --ram line, if any; the height it needs (0 without)."""
    if budget is None:
        return 0
    ax.axhline(budget, color="tab:gray", lw=1, ls=":", label="--ram %s B" % format(budget, ","))
    return budget


def style_axes(ax, title, xlabel, ylabel):
    """Whole steps, bytes with thousands separators, and the legend right
    of the plot, off the data."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.set_title(title, fontsize=9)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format(int(v), ",")))
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def draw_live_bytes(ax, curves, title, budget=None):
    """Live bytes at every step, one curve per order, peaks marked and
    labelled in bytes (as the text reports them). `curves`: (bytes per step,
    color, label). The y axis starts at 0; steps are whole numbers; a curve
    equal to an earlier one is drawn dashed over it and says so."""

    drawn = []
    for values, color, label in curves:
        same = any(values == other for other in drawn)
        if same:
            label += " (same as above)"
        ax.plot(range(len(values)), values, color=color, lw=1.2 if same else 1,
                ls="--" if same else "-", label=label)
        drawn.append(values)
        if values:
            peak = max(range(len(values)), key=values.__getitem__)
            ax.plot([peak], [values[peak]], "o", color=color, ms=5)
            # Left of the point in the right half, so that no label is cut.
            right_half = peak > 0.5 * max(len(v) for v, _, _ in curves)
            ax.annotate("%s B" % format(values[peak], ","), (peak, values[peak]),
                        textcoords="offset points", xytext=(-6 if right_half else 6, 6),
                        ha="right" if right_half else "left", fontsize=7, color=color,
                        annotation_clip=False)
    top = max(max((max(v) for v, _, _ in curves if v), default=1), draw_budget(ax, budget))
    ax.set_ylim(0, top * 1.18)
    style_axes(ax, title, "step", "live bytes")


def plot(before, result, prefix, rewrite=False, budget=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    count = len(before)
    fig, axes = plt.subplots(count, 1, figsize=(11, 3.2 * count), squeeze=False)
    for ax, report, scheduled in zip(axes[:, 0], before, result.functions):
        ours = ("Serenity: rewrite + optimal order (%d ops)" % len(scheduled.live_bytes)
                if rewrite else "Serenity: %s order" % scheduled.algorithm)
        draw_live_bytes(ax, [([s.live_bytes for s in report.steps], "tab:red",
                              "as written (%d ops)" % len(report.steps)),
                             (scheduled.live_bytes, "tab:blue", ours)],
                        "@%s (%s model)" % (report.function, report.model), budget)
    fig.tight_layout()
    fig.savefig(prefix + ".png", dpi=90)
    fig.savefig(prefix + ".svg")
    plt.close(fig)


def tflite_model(data, name):
    """(the TOSA text of a `.tflite` model, TFLite Micro's figures of it)."""
    from .tflite.importer import ImportError_, import_tflite
    from .tflite.offline_plan import plan_model, written_arena
    from .tflite.schema import SchemaError
    try:
        text = import_tflite(data, name)
        written = written_arena(data)
        planned = plan_model(data, "exact", "serenity")
    except (ImportError_, SchemaError) as error:
        raise ValueError(str(error))
    return text, {"written_activation_bytes": written,
                  "planned_activation_bytes": planned.arena_bytes,
                  "persistent_bytes_estimate": planned.persistent}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="serenity-report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="an MLIR file (TOSA or Linalg on tensors) or a .tflite")
    parser.add_argument("-o", "--output", help="prefix of the plot files "
                        "(default: the model's path without .mlir)")
    parser.add_argument("--memory-model", default="bufferized", choices=serenity.MEMORY_MODELS,
                        help="of the curves (default: the pipeline's, whose peak is the arena's "
                             "live-bytes bound)")
    parser.add_argument("--algorithm", default="optimal", choices=serenity.ALGORITHMS)
    parser.add_argument("--rewrite", action="store_true",
                        help="run --serenity-rewrite before scheduling")
    parser.add_argument("--time-limit-ms", type=int,
                        help="limit of the optimal search (default: the pass's)")
    parser.add_argument("--ram", type=parse_size,
                        help="a RAM budget (256K, 1M): a line on the plot, and whether "
                             "the arena fits")
    parser.add_argument("--no-arena", action="store_true",
                        help="skip the arena that runs (three pipeline runs) and its map")
    parser.add_argument("--json", metavar="FILE",
                        help="also write every figure as JSON: live bytes, arenas, the arena "
                             "map and the buffers at its peak")
    args = parser.parse_args(argv)

    fail = failer("serenity-report")

    tflm = None
    try:
        with open(args.model, "rb") as f:
            data = f.read()
        if data[4:8] == b"TFL3":
            text, tflm = tflite_model(data, os.path.splitext(os.path.basename(args.model))[0])
        else:
            text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return fail(cannot("read", args.model, error, "not a text file"))
    except ValueError as error:  # a TFLite model the importer or the planner refuses
        return fail("%s: %s" % (args.model, error))
    try:
        before = serenity.analyze(text, args.memory_model, filename=args.model)
        result = serenity.schedule(text, args.algorithm, args.memory_model,
                                   args.rewrite, args.time_limit_ms, filename=args.model)
    except serenity.Error as error:
        return fail(error)
    if len(before) != len(result.functions):
        # The rewrite may not keep a function one to one: compare by name.
        names = {f.function for f in result.functions}
        before = [r for r in before if r.function in names]
    prefix = args.output or os.path.splitext(args.model)[0]
    try:
        arenas = [] if args.no_arena else plan_arenas(text, args.model)
    except serenity.Error as error:
        return fail(error)
    files = [prefix + ".png", prefix + ".svg"]
    try:
        plot(before, result, prefix, args.rewrite, args.ram)
        if arenas:
            plot_arena_maps(arenas, prefix, args.ram)
            files += [prefix + ".arena.png", prefix + ".arena.svg"]
        if args.json:
            with open(args.json, "w") as f:
                figures = report_json(before, result, arenas, args.ram)
                if tflm is not None:
                    figures["tflite_micro"] = tflm
                json.dump(figures, f, indent=1)
                f.write("\n")
            files.append(args.json)
    except OSError as error:
        return fail(cannot("write", error.filename or prefix, error))
    print(summarize(before, result, args.rewrite))
    for line in arena_lines(arenas, args.ram) if arenas else []:
        print(line)
    if tflm is not None:
        print("TFLite Micro: activations %d bytes as written (its greedy planner, the stored "
              "order), %d planned (serenity-plan-tflite --no-rewrite); persistent part ~%d "
              "(estimated); serenity-plan-tflite's rewrites may lower both" % (
                  tflm["written_activation_bytes"], tflm["planned_activation_bytes"],
                  tflm["persistent_bytes_estimate"]))
    print("written: %s" % ", ".join(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
