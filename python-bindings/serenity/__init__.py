"""Serenity from Python: schedule MLIR functions for the lowest peak memory.

    import serenity
    result = serenity.schedule(open("model.mlir").read())
    print(result.input_peak_bytes, "->", result.peak_bytes, result.status)
    open("scheduled.mlir", "w").write(result.ir)

    for function in serenity.analyze(text):
        print(function.function, function.peak_bytes, function.peak_op)

    planned = serenity.plan(text, tile_spatial=True)   # the arena that runs
    print(planned.arena_bytes, [(b.offset, b.bytes) for b in planned.functions[0].buffers])

Byte counts follow docs/memory-model.md. Errors in the IR (unparsable IR, a
dynamic shape, a multi-block function) raise serenity.Error, whose
`diagnostics` hold the MLIR diagnostics with their locations. A bad option
raises ValueError (an unknown name; `ALGORITHMS` and `MEMORY_MODELS` list
the names) or TypeError (a limit that is not an int).
"""

from dataclasses import dataclass, field
from typing import List, Optional



def _native():
    """The compiled half, imported on first use: serenity.tosa and the
    importer's emitter work from the source tree without it."""
    from . import _core
    return _core

__all__ = ["Error", "Diagnostic", "Step", "FunctionReport", "ScheduledFunction",
           "ScheduleResult", "ArenaBuffer", "PlannedFunction", "PlanResult", "verify",
           "analyze", "schedule", "plan", "Placement", "place", "GraphSchedule", "schedule_graph", "ALGORITHMS", "MEMORY_MODELS"]



def __getattr__(name):
    # ALGORITHMS and MEMORY_MODELS: the names the C++ passes accept, from
    # their one table.
    keys = {"ALGORITHMS": "algorithm", "MEMORY_MODELS": "memory_model"}
    if name in keys:
        return tuple(_native().names[keys[name]])
    raise AttributeError("module 'serenity' has no attribute %r" % name)


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # "error", "warning", "note" or "remark"
    message: str
    location: str  # e.g. loc("<input>":3:10)

    def __str__(self):
        return "%s: %s: %s" % (self.location, self.severity, self.message)


class Error(Exception):
    """What MLIR reported when parsing or scheduling failed."""

    def __init__(self, diagnostics: List[Diagnostic]):
        errors = [d for d in diagnostics if d.severity == "error"] or diagnostics
        super().__init__("\n".join(str(d) for d in errors) or "serenity failed")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Step:
    """One op of a function, in order: the bytes live while it runs, the bytes
    it allocates, and the bytes freed right after it."""
    op: str
    location: str
    live_bytes: int
    allocated_bytes: int
    freed_bytes: int


@dataclass(frozen=True)
class FunctionReport:
    """The liveness of one function in its current order."""
    function: str
    model: str
    weights: int
    peak_bytes: int
    peak_step: Optional[int]
    steps: List[Step]

    @property
    def peak_op(self) -> Optional[str]:
        return None if self.peak_step is None else self.steps[self.peak_step].op


@dataclass(frozen=True)
class ScheduledFunction:
    function: str
    peak_bytes: int
    input_peak_bytes: int
    lower_bound_bytes: int
    status: str  # "optimal", "best-found" or "heuristic"
    algorithm: str
    produced_by: str
    states: int
    live_bytes: List[int]
    liveness: FunctionReport


@dataclass(frozen=True)
class ScheduleResult:
    """The scheduled module and, per function, what the schedule did. The
    summary fields describe the whole module: the largest peaks, the weakest
    status, and the live bytes of the function with the largest peak."""
    ir: str
    functions: List[ScheduledFunction]
    # Remarks and warnings of the run: what a rewrite did, a search that
    # stopped at its limit.
    diagnostics: List[Diagnostic] = field(default_factory=list)

    @property
    def peak_bytes(self) -> int:
        return max((f.peak_bytes for f in self.functions), default=0)

    @property
    def input_peak_bytes(self) -> int:
        return max((f.input_peak_bytes for f in self.functions), default=0)

    @property
    def status(self) -> str:
        for status in ("heuristic", "best-found"):
            if any(f.status == status for f in self.functions):
                return status
        return "optimal"

    @property
    def live_bytes(self) -> List[int]:
        if not self.functions:
            return []
        return max(self.functions, key=lambda f: f.peak_bytes).live_bytes


def _check(outcome):
    ok, diagnostics, payload = outcome
    if not ok:
        raise Error([Diagnostic(*d) for d in diagnostics])
    return payload


def _report(data) -> FunctionReport:
    return FunctionReport(
        function=data["function"], model=data["model"], weights=data["weights"],
        peak_bytes=data["peak_bytes"], peak_step=data["peak_step"],
        steps=[Step(**step) for step in data["steps"]])


def _text(mlir_text: str) -> str:
    """The MLIR text itself; a file's path by mistake is a clear error."""
    if not isinstance(mlir_text, str):
        raise TypeError("mlir_text must be MLIR text (a str), got %s"
                        % type(mlir_text).__name__)
    if "\n" not in mlir_text and mlir_text.strip().endswith(".mlir"):
        raise ValueError("'%s' looks like a file name: pass its text, "
                         "open(path).read(), and filename=path for locations"
                         % mlir_text.strip())
    return mlir_text


def verify(mlir_text: str, filename: str = "<input>") -> None:
    """Parses `mlir_text` and runs MLIR's verifier on it; raises
    serenity.Error with the diagnostics when it is not valid IR."""
    _check(_native().verify(_text(mlir_text), filename))


def analyze(mlir_text: str, memory_model: str = "strict",
            filename: str = "<input>") -> List[FunctionReport]:
    """The liveness report of every function of `mlir_text`, as written.
    `filename` names the text in locations."""
    return [_report(f) for f in _check(_native().analyze(_text(mlir_text), memory_model,
                                                          filename))]


def _limit(name: str, value: Optional[int]) -> int:
    """A search limit: the C++ default when None, else a non-negative int."""
    if value is None:
        return _native().defaults[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, got %s" % (name, type(value).__name__))
    if value < 0:
        raise ValueError("%s must not be negative, got %d" % (name, value))
    return value


def schedule(mlir_text: str, algorithm: str = "optimal", memory_model: str = "strict",
             rewrite: bool = False, time_limit_ms: Optional[int] = None,
             max_states: Optional[int] = None,
             filename: str = "<input>") -> ScheduleResult:
    """Runs --serenity-rewrite (if `rewrite`) and --serenity-schedule on every
    function of `mlir_text`. The limits default to the pass's (60000 ms,
    2,000,000 states; 0 for none); `filename` names the text in locations."""
    outcome = _native().schedule(_text(mlir_text), algorithm, memory_model, bool(rewrite),
                                 _limit("time_limit_ms", time_limit_ms),
                                 _limit("max_states", max_states), filename)
    data = _check(outcome)
    functions = [
        ScheduledFunction(
            function=f["function"], peak_bytes=f["peak_bytes"],
            input_peak_bytes=f["input_peak_bytes"],
            lower_bound_bytes=f["lower_bound_bytes"], status=f["status"],
            algorithm=f["algorithm"], produced_by=f["produced_by"],
            states=f["states"], live_bytes=list(f["live_bytes"]),
            liveness=_report(f["liveness"]))
        for f in data["functions"]]
    return ScheduleResult(ir=data["ir"], functions=functions,
                          diagnostics=[Diagnostic(*d) for d in outcome[1]])


@dataclass(frozen=True)
class ArenaBuffer:
    """A buffer of a planned arena: where it sits, how big it is, and the
    steps (top-level ops of the planned function) from its first use to its
    last."""
    offset: int
    bytes: int
    first_step: int
    last_step: int
    shape: str  # e.g. "1x8x8x16xi8"
    location: str  # the op that made it


@dataclass(frozen=True)
class PlannedFunction:
    function: str
    arena_bytes: int
    live_bound_bytes: int
    alignment: int
    placement: str
    placement_status: str
    # The peak the memory model predicted for the pipeline's order, equal to
    # live_bound_bytes when the model holds; None without a schedule, and
    # with patches (made after the schedule: tile-spatial's remark gives
    # their modeled arena).
    modeled_peak_bytes: Optional[int]
    patched: bool
    steps: int
    buffers: List[ArenaBuffer]


@dataclass(frozen=True)
class PlanResult:
    """The planned module (memref IR, the arena a private memref.global) and
    each function's arena."""
    ir: str
    functions: List[PlannedFunction]
    diagnostics: List[Diagnostic] = field(default_factory=list)

    @property
    def arena_bytes(self) -> int:
        return max((f.arena_bytes for f in self.functions), default=0)


def plan(mlir_text: str, tile_spatial: bool = False, rewrite: bool = False,
         options: str = "", filename: str = "<input>") -> PlanResult:
    """Runs --serenity-pipeline on `mlir_text`, as serenity-opt and
    serenity-compile do, and returns the arena of every function: its bytes,
    live-bytes bound, placement, and each buffer's offset, bytes and
    lifetime. `tile_spatial` and `rewrite` turn on those steps; `options`
    gives any other --serenity-pipeline options ("max-extra-macs=10
    placement=tflm-greedy"); the arena is always a global."""
    words = [options] + ["tile-spatial=1"] * bool(tile_spatial) + ["rewrite=1"] * bool(rewrite)
    outcome = _native().plan(_text(mlir_text), " ".join(w for w in words if w), filename)
    data = _check(outcome)
    functions = [
        PlannedFunction(
            function=f["function"], arena_bytes=f["arena_bytes"],
            live_bound_bytes=f["live_bound_bytes"], alignment=f["alignment"],
            placement=f["placement"], placement_status=f["placement_status"],
            modeled_peak_bytes=f["modeled_peak_bytes"], patched=f["patched"], steps=f["steps"],
            buffers=[ArenaBuffer(**b) for b in f["buffers"]])
        for f in data["functions"]]
    return PlanResult(ir=data["ir"], functions=functions,
                      diagnostics=[Diagnostic(*d) for d in outcome[1]])


@dataclass(frozen=True)
class Placement:
    """Buffers placed in one arena: each one's byte offset, in order."""
    offsets: List[int]
    arena_bytes: int
    live_bound_bytes: int
    status: str


def place(buffers, algorithm: str = "exact", alignment: int = 16,
          time_limit_ms: int = 1000) -> Placement:
    """Places buffers given as (bytes, first step, last step), lifetimes
    inclusive, with one of --serenity-plan-memory's planners ("exact",
    "tflm-greedy", ...): for lifetimes from outside MLIR, such as a TFLite
    model's tensors as TFLite Micro's planner sees them. A bad algorithm or
    alignment is a ValueError."""
    outcome = _native().place([tuple(int(v) for v in b) for b in buffers], algorithm,
                              int(alignment), int(time_limit_ms))
    return Placement(list(outcome["offsets"]), outcome["arena_bytes"],
                     outcome["live_bound_bytes"], outcome["status"])


@dataclass(frozen=True)
class GraphSchedule:
    """An order of a graph's nodes and its peak live bytes."""
    order: List[int]
    peak_bytes: int
    lower_bound_bytes: int
    status: str
    program_peak_bytes: int


def schedule_graph(arguments, nodes, returned=(), algorithm: str = "optimal",
                   memory_model: str = "strict", time_limit_ms: Optional[int] = None,
                   max_states: Optional[int] = None) -> GraphSchedule:
    """Schedules a graph given as numbers, as --serenity-schedule schedules
    a function: `arguments` are the input sizes in bytes; `nodes` are
    (name, operand value ids, result sizes), the values numbered arguments
    first, then each node's results in order; `returned` values live to the
    end. For graphs from outside MLIR (a TFLite model's operators). A bad
    name or value id is a ValueError."""
    outcome = _native().schedule_graph(
        [int(b) for b in arguments],
        [(str(name), [int(v) for v in operands], [int(b) for b in results])
         for name, operands, results in nodes],
        [int(v) for v in returned], algorithm, memory_model,
        _limit("time_limit_ms", time_limit_ms), _limit("max_states", max_states))
    return GraphSchedule(list(outcome["order"]), outcome["peak_bytes"],
                         outcome["lower_bound_bytes"], outcome["status"],
                         outcome["program_peak_bytes"])
