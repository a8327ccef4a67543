"""serenity-report: the peak memory of a model before and after Serenity.

    serenity-report model.mlir [-o model] [--memory-model inplace] [--rewrite]

Writes model.png and model.svg (live bytes at every step, the order as
written against Serenity's, peaks marked) and prints a short summary.
"""

import argparse
import os
import sys

import serenity


def summarize(before, result):
    lines = []
    for report, scheduled in zip(before, result.functions):
        lines.append("@%s (%s model, %d ops, %d weights)" % (
            report.function, report.model, len(report.steps), report.weights))
        lines.append("  as written: peak %d bytes at step %s (%s)" % (
            report.peak_bytes, report.peak_step, report.peak_op))
        lines.append("  serenity:   peak %d bytes (%s, %s; lower bound %d)" % (
            scheduled.peak_bytes, scheduled.status, scheduled.algorithm,
            scheduled.lower_bound_bytes))
        if scheduled.peak_bytes:
            lines.append("  %.2fx lower" % (report.peak_bytes / scheduled.peak_bytes))
    return "\n".join(lines)


def plot(before, result, prefix):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    count = len(before)
    fig, axes = plt.subplots(count, 1, figsize=(9, 3.2 * count), squeeze=False)
    for ax, report, scheduled in zip(axes[:, 0], before, result.functions):
        for values, color, label in (
                ([s.live_bytes for s in report.steps], "tab:red", "as written"),
                (scheduled.live_bytes, "tab:blue", "Serenity")):
            kib = [v / 1024.0 for v in values]
            ax.plot(range(len(kib)), kib, color=color, lw=1, label=label)
            if kib:
                peak = max(range(len(kib)), key=kib.__getitem__)
                ax.plot([peak], [kib[peak]], "o", color=color, ms=5)
                ax.annotate("%.1f KiB" % kib[peak], (peak, kib[peak]),
                            textcoords="offset points", xytext=(4, 4),
                            fontsize=8, color=color)
        ax.set_title("@%s (%s)" % (report.function, report.model), fontsize=10)
        ax.set_xlabel("step")
        ax.set_ylabel("live KiB")
        ax.margins(y=0.15)
        ax.legend(loc="best", fontsize=8)
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
        plot(before, result, prefix)
    except OSError as error:
        return fail("cannot write '%s': %s" % (error.filename or prefix, error.strerror))
    print(summarize(before, result))
    print("plots: %s.png, %s.svg" % (prefix, prefix))
    return 0


if __name__ == "__main__":
    sys.exit(main())
