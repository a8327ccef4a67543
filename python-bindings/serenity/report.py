"""serenity-report: the peak memory of a model before and after Serenity.

    serenity-report model.mlir [-o model] [--memory-model inplace] [--rewrite]
                               [--ram 256K] [--no-arena]

Writes model.png and model.svg (live bytes at every step, the order as
written against Serenity's, peaks marked) and prints a short summary: the
peaks under the chosen memory model, then the arena that runs, as
--serenity-pipeline plans it (bufferized, exact placement): TFLite Micro's
greedy planner on the order as written, Serenity's, and Serenity's with
spatial patches, against a RAM budget when --ram gives one.
"""

import argparse
import os
import sys

import serenity


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
            if location.startswith('loc("') and location.endswith('")'):
                location = location[5:-2]  # a name: loc("/features/2/conv/Conv")
            where = " at %s" % location
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


def arena_lines(text, filename, ram=None):
    """The arena that runs, per function: as written under TFLite Micro's
    planner, Serenity's, and with patches (serenity.plan, as
    --serenity-pipeline plans them), and the budget."""
    written = serenity.plan(text, options="algorithm=program placement=tflm-greedy",
                            filename=filename).functions
    ours = serenity.plan(text, filename=filename).functions
    patched = serenity.plan(text, tile_spatial=True, filename=filename).functions
    lines = ["arena that runs (--serenity-pipeline: bufferized, placed in one arena):"]
    for w, o, p in zip(written, ours, patched):
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


def draw_live_bytes(ax, curves, title, budget=None):
    """Live bytes at every step, one curve per order, peaks marked and
    labelled in bytes (as the text reports them). `curves`: (bytes per step,
    color, label). The y axis starts at 0; steps are whole numbers; a curve
    equal to an earlier one is drawn dashed over it and says so."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

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
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("step", fontsize=8)
    ax.set_ylabel("live bytes", fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format(int(v), ",")))
    ax.tick_params(labelsize=7)
    top = max((max(v) for v, _, _ in curves if v), default=1)
    if budget is not None:
        ax.axhline(budget, color="tab:gray", lw=1, ls=":", label="--ram %s B" % format(budget, ","))
        top = max(top, budget)
    ax.set_ylim(0, top * 1.18)
    # Outside the curves: right of the plot, not over them.
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="serenity-report", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="an MLIR file (TOSA or Linalg on tensors)")
    parser.add_argument("-o", "--output", help="prefix of the plot files "
                        "(default: the model's path without .mlir)")
    parser.add_argument("--memory-model", default="strict", choices=serenity.MEMORY_MODELS)
    parser.add_argument("--algorithm", default="optimal", choices=serenity.ALGORITHMS)
    parser.add_argument("--rewrite", action="store_true",
                        help="run --serenity-rewrite before scheduling")
    parser.add_argument("--time-limit-ms", type=int,
                        help="limit of the optimal search (default: the pass's)")
    parser.add_argument("--ram", type=parse_size,
                        help="a RAM budget (256K, 1M): a line on the plot, and whether "
                             "the arena fits")
    parser.add_argument("--no-arena", action="store_true",
                        help="skip the arena that runs (three pipeline runs)")
    args = parser.parse_args(argv)

    def fail(message):
        print("serenity-report: %s" % message, file=sys.stderr)
        return 1

    try:
        with open(args.model) as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as error:
        return fail("cannot read '%s': %s" % (args.model, getattr(error, "strerror", None)
                                               or "not a text file"))
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
        arena = [] if args.no_arena else arena_lines(text, args.model, args.ram)
    except serenity.Error as error:
        return fail(error)
    try:
        plot(before, result, prefix, args.rewrite, args.ram)
    except OSError as error:
        return fail("cannot write '%s': %s" % (error.filename or prefix, error.strerror))
    print(summarize(before, result, args.rewrite))
    for line in arena:
        print(line)
    print("plots: %s.png, %s.svg" % (prefix, prefix))
    return 0


if __name__ == "__main__":
    sys.exit(main())
