//===- Passes.td - Serenity passes -------------------------*- tablegen -*-===//

#ifndef SERENITY_TRANSFORMS_PASSES_TD
#define SERENITY_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SerenityLiveness : Pass<"serenity-liveness", "::mlir::ModuleOp"> {
  let summary = "Report the activation memory of every function as written";
  let description = [{
    For every function with a body, walks its ops in their current order and
    reports, per op, the bytes live while it runs (its footprint), the bytes
    it allocates and the bytes freed right after it, then the peak and the op
    where it first occurs. Weight ops (constants) cost zero bytes and are
    only counted. Byte counts follow docs/memory-model.md under
    `memory-model`.

    The IR is not changed. A function that cannot be sized (several blocks,
    a dynamic or unranked tensor) gets an error and the pass fails. The
    report goes to stderr (or to `output`), never into the IR on stdout, so
    that `serenity-opt --serenity-liveness | serenity-opt ...` works. A
    module pass: it reports every function of the module in one document.

    Example: `serenity-opt --serenity-liveness="format=json output=r.json"`.
  }];
  let options = [
    Option<"memoryModel", "memory-model", "::serenity::MemoryModel",
           "::serenity::MemoryModel::Strict", "Memory model",
           "::serenity::EnumChoices<::serenity::MemoryModel>()">,
    Option<"format", "format", "::serenity::ReportFormat",
           "::serenity::ReportFormat::Text", "Report format",
           "::serenity::EnumChoices<::serenity::ReportFormat>()">,
    Option<"output", "output", "std::string", "\"-\"",
           "File to write the report to ('-': stderr, so that stdout "
           "carries the IR alone)">,
  ];
}

def SerenitySchedule : Pass<"serenity-schedule", "::mlir::func::FuncOp"> {
  let summary = "Reorder a function's ops for the lowest peak activation memory";
  let description = [{
    Builds the dataflow graph of the function's single block, finds the order
    of its ops with the lowest peak activation memory under `memory-model`,
    and moves the ops into that order: weight ops (constants) first in their
    original order, then every other op, the terminator last. The order is
    the result that bufferization and memory planners downstream consume.

    `algorithm=optimal` (the default) runs SERENITY's dynamic program over
    partial schedules, memoized by the set of scheduled ops, with the best
    heuristic's peak as its budget; it proves its result optimal or, when
    `time-limit-ms` or `max-states` stops it, keeps the best order found and
    reports `best-found`. The heuristics `program`, `rpo`, `list` (XLA's list
    scheduler), `dfs` (XLA's DFS scheduler) and `best-heuristic` (the lowest
    peak of those four) are available for comparison.

    The pass records a `#serenity.schedule` report on the function under the
    attribute name `serenity.schedule`: the new peak, the peak of the order
    it received, a proven lower bound, the algorithm, the memory model and
    the status.

    A function with several blocks, a dynamic or unranked tensor, or an
    invalid option gets an error at the function or op and is left unchanged.
  }];
  let options = [
    Option<"algorithm", "algorithm", "::serenity::Algorithm",
           "::serenity::Algorithm::Optimal", "Scheduling algorithm",
           "::serenity::EnumChoices<::serenity::Algorithm>()">,
    Option<"memoryModel", "memory-model", "::serenity::MemoryModel",
           "::serenity::MemoryModel::Strict", "Memory model",
           "::serenity::EnumChoices<::serenity::MemoryModel>()">,
    Option<"timeLimitMs", "time-limit-ms", "uint64_t",
           "::serenity::SchedulerOptions().timeLimitMs",
           "Wall-time limit of the optimal search in ms (0: none)">,
    Option<"maxStates", "max-states", "uint64_t",
           "::serenity::SchedulerOptions().maxStates",
           "Limit on the partial schedules the optimal search creates "
           "(0: none)">,
    Option<"lowerBounds", "lower-bounds", "bool", "true",
           "Let the optimal search start from, rank its states by and stop "
           "at proven lower bounds (off: the plain dynamic program, for "
           "comparison)">,
    Option<"dominance", "dominance", "bool", "true",
           "Let the optimal search take, without branching, a ready op that "
           "raises neither the peak so far nor the live bytes, and a chain of "
           "ops as one step where some optimal order runs it back to back">,
    Option<"fuseRequantize", "fuse-requantize", "bool", "true",
           "Schedule for the lowering with --serenity-fuse-requantize (int8 "
           "requantization computed with its producer; what "
           "--serenity-pipeline runs); false for a lowering without it">,
  ];
  let dependentDialects = ["::serenity::SerenityDialect"];
}

def SerenityRewrite : Pass<"serenity-rewrite", "::mlir::func::FuncOp"> {
  let summary = "Partition convolutions over concats so that the concat is "
                "never materialized";
  let description = [{
    Identity graph rewrites of SERENITY that let a schedule go below the
    optimum of the graph as written, on TOSA (NHWC, f32 or integer: the
    parts of an int8 convolution subtract the zero points from their own
    elements, and their i32 sums add up exactly):

    - channel-wise partitioning: `tosa.conv2d(concat(x1..xn))` along the
      channel axis becomes `sum_i tosa.conv2d(x_i, W[..., channels of x_i])`,
      the bias added once (in the first partial convolution). Each partial
      convolution can run as soon as its `x_i` exists, and `x_i` can die
      right after.
    - kernel-wise partitioning: `tosa.depthwise_conv2d(concat(x1..xn))`
      becomes `concat_i tosa.depthwise_conv2d(x_i, W[:, :, channels of x_i])`
      with the matching bias slices.

    The same two rewrites apply to Linalg on tensors:
    `linalg.conv_2d_nhwc_hwcf` over a `tensor.concat` along the channels
    becomes a chain of partial convolutions, each accumulating into the
    previous one's result (destination-passing style, so one-shot
    bufferization sums in place in the destination), and
    `linalg.depthwise_conv_2d_nhwc_hwc` becomes one convolution per part into
    its slice of the destination, concatenated. Filters must be
    `arith.constant`s.

    - in-place concat: a `tosa.concat` or `tensor.concat` becomes
      `tensor.insert_slice`s of its inputs into one `tensor.empty`
      destination, so that each input can die once it is written and the
      inputs and the result never coexist whole (one-shot bufferization
      writes the slices in place). Tried after the partitionings, on the
      concats that remain.

    On TOSA, both partitionings also apply through single-operand element-wise ops between the
    concat and the convolution (`tosa.clamp` as ReLU, `tosa.sigmoid`, ...),
    which commute with the concat. Weights and biases must be `tosa.const`;
    they are sliced at compile time. Any stride, padding, dilation and
    depthwise multiplier is kept. Other element types, a concat along
    another axis, or non-constant weights are left alone. A concat with
    other users stays for them.

    `mode=memory-aware` (the default) works on copies of the function and
    keeps a rewrite only when the optimal scheduled peak under
    `memory-model` drops: first every rewrite at once, then, repeatedly, the
    convolutions over the concats live at the scheduled peak, or else those
    concats. If nothing lowers the peak, the IR is left as it was. Each
    candidate is searched only below the current peak, and a function
    without a concat is left alone without a search.
    `mode=always` applies every rewrite. Run `--serenity-schedule` afterwards for the order:
    `serenity-opt --serenity-rewrite --serenity-schedule`.
  }];
  let options = [
    Option<"mode", "mode", "::serenity::RewriteMode",
           "::serenity::RewriteMode::MemoryAware", "How to decide",
           "::serenity::EnumChoices<::serenity::RewriteMode>()">,
    ListOption<"patterns", "patterns", "std::string",
               "Rewrites to use: channel, kernel or concat (default: all)">,
    Option<"memoryModel", "memory-model", "::serenity::MemoryModel",
           "::serenity::MemoryModel::Strict",
           "Memory model of the memory-aware comparison",
           "::serenity::EnumChoices<::serenity::MemoryModel>()">,
    Option<"timeLimitMs", "time-limit-ms", "uint64_t", "10000",
           "Time limit of each optimal search of the comparison (ms)">,
  ];
  let dependentDialects = ["::mlir::tosa::TosaDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def SerenityTileSpatial : Pass<"serenity-tile-spatial", "::mlir::func::FuncOp"> {
  let summary = "Compute the first ops of a function patch by patch (bands "
                "of rows, or tiles of rows and columns), so that their large "
                "maps never exist whole";
  let description = [{
    Patch-based inference (MCUNetV2, StreamNet) on Linalg on tensors, after
    TOSA to Linalg and before bufferization. A group of consecutive ops that
    can be computed on a band of rows (Linalg ops whose result rows are a
    parallel loop and whose operands read rows through dimension 1 only,
    `tensor.pad`, `tensor.empty`, `tensor.extract_slice`, a concat's
    `tensor.insert_slice`s, and reshapes that keep the rows; constants and
    scalar arithmetic on them are skipped) is computed in `patches` bands of
    rows, one patch after the other, where its last op stood. Each op of a
    patch computes the rows its consumers in the group read, halos included.
    The halos are recomputed by both neighbouring patches (extra MACs), or
    cached: a patch copies the rows the next one reads into a buffer of
    their own, and the next one computes only the rows no patch computed
    before (no extra MACs). `halos=auto` (the default) recomputes where the
    MAC budget allows and caches otherwise. A band can also be cut into
    `column-patches` tiles of columns, run left to right (where every op of
    the group reads columns as it reads rows, through dimension 2): the
    halos along columns are then cached, those along rows recomputed
    (StreamNet's split), so the tiles cost the MACs of the bands alone and
    hold a share of their columns. The values that
    leave the group are assembled whole, each patch writing its share of
    their rows (computed in place where it can). Each patch has static
    shapes, so bufferization and the arena planner see plain buffers: a
    patch's buffers are free again when the next one starts.

    Memory-aware (the default), the pass makes up to 6 groups in greedy
    rounds: groups that open the body (ending where the fewest bytes live
    on, the deepest within the budget for 2, 3, 4, 6, 8, 12 or 16 patches
    and the one with the fewest bytes across its end, each also in 2 and 4
    columns of patches a band (and 8 in bands of 2, 4 or 8 patches), and
    one cut deeper with halos cached)
    and groups around the op where the arena peaks (from the quiet cuts
    with the fewest bytes and the nearest ones, in 2, 4 or 8 patches).
    Each candidate is tiled in a copy of the function, and its arena is
    the peak of the `bufferized` memory model in program order, which is
    the live-bytes bound of the buffers bufferization makes of it
    (docs/memory-model.md; `verify-arena` checks it). A round keeps the
    lowest within `max-extra-macs` (percent of the function's MACs,
    serenity's `countMacs`, for all groups together) if it is below the
    arena so far; among equals the one of fewest MACs, then the one whose
    own patches hold the fewest bytes. Where the first group holds the
    peak at the end, the rounds go on again from the first round's next
    best trade-off of arena against MACs (two at most), and the lowest
    arena at the end wins. When no new group lowers the arena and
    the peak lies in a group tiled before (chosen when a peak elsewhere
    bounded the arena), that group is tiled again in a finer grid or the
    other halo mode, the others as they were, if that is lower. Otherwise
    the IR is left as it was. `group-ops` and
    `patches` restrict the choice to the first N ops or N patches;
    `memory-aware=0` applies them as they are (`group-ops=0`: every op at
    the top that can be).

    Every estimate tiles and fuses a copy of the whole function (an
    ImageNet-size NAS network in 8 columns of patches is a copy of up to
    300,000 ops): the search takes seconds on large networks.
    `time-limit-ms` and `max-estimates` stop it early; the lowest tiling
    measured by then is kept, and the remark says that the search stopped.

    The pass reports its choice in a remark (the ops, groups and patches,
    the modeled arena before and after, the MACs) and in a
    `serenity.patches` dictionary on the function (`groups`,
    `cached_groups`, `group_ops`, `patches`, `macs_before`, `macs_after`,
    and `column_patches` where a group is tiled in columns).
  }];
  let options = [
    Option<"patches", "patches", "unsigned", "0",
           "Bands of rows (0: choose among 2, 3, 4, 6 and 8)">,
    Option<"columnPatches", "column-patches", "unsigned", "0",
           "Tiles of columns a band is cut into, halos cached along columns "
           "(0: choose among 1, 2 and 4; memory-aware=0: 1)">,
    Option<"groupOps", "group-ops", "unsigned", "0",
           "Ops of the group, counted from the top of the body, constants "
           "aside (0: choose)">,
    Option<"maxExtraMacs", "max-extra-macs", "double", "20.0",
           "Most MACs the halos may add, in percent of the function's">,
    Option<"halos", "halos", "::serenity::HaloMode",
           "::serenity::HaloMode::Auto",
           "What the patches do with the rows they share",
           "::serenity::EnumChoices<::serenity::HaloMode>()">,
    Option<"memoryAware", "memory-aware", "bool", "true",
           "Keep a tiling only if it lowers the estimated arena">,
    Option<"reportCandidates", "report-candidates", "bool", "false",
           "Memory-aware: a remark for every candidate estimated (its "
           "modeled arena and MACs, the whole function's, or that it cannot "
           "be tiled and modeled)">,
    Option<"verifyArena", "verify-arena", "bool", "false",
           "Memory-aware: bufferize the function as it is and as tiled, "
           "warn where the memory model's arena is not the live-bytes bound "
           "of the buffers, and keep the tiling only if the bound drops">,
    Option<"alignment", "alignment", "uint64_t",
           "::serenity::PlacementOptions().alignment",
           "Alignment of verify-arena's buffers, in bytes">,
    Option<"fuseRequantize", "fuse-requantize", "bool", "true",
           "Estimate (and verify) each candidate as "
           "--serenity-fuse-requantize, run after this pass, lowers it: "
           "int8 requantization tiled with its producer">,
    Option<"timeLimitMs", "time-limit-ms", "uint64_t", "0",
           "Memory-aware: start no estimate that would end after this many "
           "milliseconds at the pace of those before (the lowest tiling "
           "measured by then is kept; 0: no limit)">,
    Option<"maxEstimates", "max-estimates", "uint64_t", "0",
           "Memory-aware: estimate at most this many tilings besides the "
           "function as it is (as time-limit-ms, but reproducible; 0: no "
           "limit)">,
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect",
                           "::serenity::SerenityDialect"];
}

def SerenityPlanMemory : Pass<"serenity-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place every buffer of a bufferized function in one static "
                "arena";
  let description = [{
    Runs on bufferized IR (after `one-shot-bufferize`, in place of
    `buffer-deallocation-pipeline`). In every function with a body, each
    statically shaped `memref.alloc` of the body's single block gets a byte
    offset in one arena and becomes a `memref.view` into it; its
    `memref.dealloc`s go.

    A buffer is live from the first to the last op of the block that uses it
    or any view of it (`memref.subview`, `expand_shape`, `collapse_shape`,
    `cast`, `reinterpret_cast`, `view`, ...), in the block's order; a use
    inside a nested region counts at its top-level op. (Its contents are
    undefined before the first use, so the alloc's own position does not
    matter.) Two buffers live at the same op never overlap. The placement is
    checked independently before the IR is changed.

    `arena=global` (the default; what a microcontroller build wants: the size
    is known at link time) places the arena in a private `memref.global`;
    `arena=argument` appends a `memref<Nxi8>` argument that the caller
    provides; `arena=alloc` allocates it once at the top of the function and
    frees it before the return. Every offset is a multiple of `alignment`,
    and so is the arena's base; the alignment of the original allocs is
    replaced by it.

    `algorithm=exact` (the default) reaches the live-bytes lower bound
    whenever that is possible and proves its result optimal, or returns the
    best placement found when `time-limit-ms` stops it. `tflm-greedy`,
    `tflite-arena`, `tvm-greedy` and `iree-in-order` are the planners of
    TensorFlow Lite Micro, TensorFlow Lite, TVM's USMP and IREE, for
    comparison (docs/passes.md).

    The function gets a `#serenity.arena` report under `serenity.arena` and
    a remark with the same figures.

    `io-in-arena=1` (with `arena=global`) places the memref arguments of
    each function that nothing in the module calls (its inputs and, after
    `buffer-results-to-out-params`, its outputs) in the arena as well, as
    TensorFlow Lite Micro does: the function then takes no arguments, and
    `serenity.arena_io = array<i64: ...>` gives the byte offset of each
    former argument, in order. The caller writes the inputs there before the
    call and reads the outputs after it. An argument is live from the start
    of the body when the function reads it and to its end when the function
    writes it (otherwise from its first to its last use), so the planner
    reuses an input's bytes once it is dead: the inputs do not survive the
    call.

    Left as they are, each with a warning: allocations with a dynamic shape
    or a non-identity layout, allocations inside a region (a loop), buffers
    returned by the function (run `buffer-results-to-out-params` first) and
    buffers that reach an op whose aliasing is not visible (an op that
    returns a memref or a tensor and is not a view). A function with several
    blocks is skipped with a warning. Invalid options are errors.
  }];
  let options = [
    Option<"algorithm", "algorithm", "::serenity::PlacementAlgorithm",
           "::serenity::PlacementAlgorithm::Exact", "Placement algorithm",
           "::serenity::EnumChoices<::serenity::PlacementAlgorithm>()">,
    Option<"arena", "arena", "::serenity::ArenaKind",
           "::serenity::ArenaKind::Global", "Where the arena lives",
           "::serenity::EnumChoices<::serenity::ArenaKind>()">,
    Option<"alignment", "alignment", "uint64_t",
           "::serenity::PlacementOptions().alignment",
           "Alignment of every offset and of the arena, in bytes (a power "
           "of two)">,
    Option<"timeLimitMs", "time-limit-ms", "uint64_t",
           "::serenity::PlacementOptions().timeLimitMs",
           "Wall-time limit of the exact placement search in ms (0: none)">,
    Option<"ioInArena", "io-in-arena", "bool", "false",
           "Place the inputs and outputs in the arena too (arena=global); "
           "the function then takes no arguments">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::serenity::SerenityDialect"];
}

def SerenityDropReports : Pass<"serenity-drop-reports", "::mlir::ModuleOp"> {
  let summary = "Remove Serenity's report attributes";
  let description = [{
    Removes every `serenity.*` attribute (the `#serenity.schedule` and
    `#serenity.arena` reports) from every op, so that the IR is plain
    upstream MLIR that tools without Serenity (stock `mlir-opt`,
    `mlir-runner`, `mlir-translate`) read. The figures stay available as
    remarks of the passes that made them. `serenity.arena_io` stays: it is
    the calling convention of a function planned with `io-in-arena=1` (where
    its caller writes the inputs and reads the outputs), a plain
    `array<i64>`.
  }];
}

def SerenityPadFreeWindows
    : Pass<"serenity-pad-free-windows", "::mlir::func::FuncOp"> {
  let summary = "Compute padded convolutions and pools without a padded copy "
                "of their whole input";
  let description = [{
    TOSA-to-Linalg writes a padded convolution, depthwise convolution or
    pool as a `tensor.pad` of its whole input and the op that reads the copy;
    bufferized, the copy is one more whole map in the arena. This pass splits
    each such NHWC op into its interior, whose windows lie inside the input
    and read it directly (a slice, a view once bufferized), and the border
    strips around it (top, left, right, bottom), each of which pads only the
    rows or columns its windows read. Every part writes its region of the
    op's destination in place (`tensor.insert_slice`); the results are those
    of the op, element for element. An op whose every window reaches the
    padding (a map smaller than its window: MobileNetV3-Large's 5x5
    depthwise convolutions over 3x3 maps at 96x96) has no interior: a
    depthwise convolution or pool then runs one channel at a time (an
    `scf.for`), each iteration padding its own input channel; a
    convolution, which reads every channel, is left as it is, as is an op
    whose pad something else reads too or pads a patch's tile
    (`serenity.tile_pad`: tile-sized already). Pad amounts may be
    attributes or constant index values (tosa-to-tensor lowers an explicit
    `tosa.pad` so). A remark names each padded copy of a whole map that
    remains (the benchmarks check that none does).

    `--serenity-pipeline` runs it right before bufferization (after
    `--serenity-fuse-requantize`, whose row loops pad their own rows, and
    after `--serenity-tile-spatial`), and the `bufferized` memory model
    counts one border strip at a time (docs/memory-model.md).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def SerenityCopiesToLinalg
    : Pass<"serenity-copies-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into linalg.copy";
  let description = [{
    Bufferization writes pads, concats and inserted slices as `memref.copy`,
    which `finalize-memref-to-llvm` lowers to a call of `memrefCopy`: a
    function of MLIR's host runtime library, absent on a microcontroller.
    `linalg.copy` lowers to plain loops (`convert-linalg-to-loops`) that need
    no runtime, so a bare-metal build runs this before lowering to LLVM.
    Copies between ranked memrefs of one rank and element type, of static
    or dynamic sizes; any other copy is left alone, with a warning, for the
    runtime to provide.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def SerenityFuseRequantize
    : Pass<"serenity-fuse-requantize", "::mlir::func::FuncOp"> {
  let summary = "Compute int8 requantization with its producer, so that no "
                "whole i32 map is stored";
  let description = [{
    An int8 model lowered by TOSA-to-Linalg stores whole i32 maps: every
    convolution's and average pool's accumulator, and an int8 add's
    operands rescaled to i32 and their sum, each as large as four int8
    maps. Integer MCU kernels (TFLite Micro's, CMSIS-NN's) requantize each
    output while it is in registers instead. This pass, on Linalg on
    tensors, does the same in two steps:

    - Element-wise ops on integers fuse into their single consumer
      (`linalg-fuse-elementwise-ops`, restricted to values read by one op
      where the value or the consumer's result is integer): an int8 add
      (rescale, rescale, add, rescale, clamp) becomes one i8 -> i8 op, a
      rescale and its clamp one i32 -> i8 op, and a float32 requantization
      (cast to f32, multiply, cast to i32, rescale: PyTorch's arithmetic)
      one i32 -> i8 op, since it fuses from its integer end up. A
      transpose of such an op's result (an NCHW input's rescale to int8,
      then to NHWC) becomes a generic op first, so the rescale fuses into
      it: one op reads the input where it lies and writes NHWC rows, which
      patches can band.
    - An integer depthwise convolution of channel multiplier 1, which
      TOSA-to-Linalg writes into a 5-D accumulator behind a collapse_shape,
      becomes the 4-D depthwise convolution; one over a single input
      channel (TFLite's first layer of a grey image) with a constant filter
      becomes a plain convolution of its M filters (the filter transposed
      to a new constant).
    - An element-wise op that reads the integer result of a convolution or
      a matmul, its only reader, is tiled one output row at a time (N and H
      of NHWC; all but the last dimension of a matmul's result) with that
      op and the ops that initialize its result (the bias broadcast, the
      zero fill) fused into the loop
      (`scf::tileConsumerAndFuseProducersUsingSCF`): each iteration holds an
      i32 tile of one row. An average pool's sum is tiled with its division
      alone: pools make int8 maps, and fused into a consumer that reads
      other maps too they would hold their inputs at once with those.
      An integer element-wise op whose result only a tiled 1x1
      convolution (of several input channels, unpadded) reads, as its
      input, and that reads one map besides constants that other ops read
      too, runs in the loop as well: each iteration computes the input row
      the convolution reads. A NAS cell's ReLU of a cell output that the
      next cell reads too would otherwise store a clamped copy of that
      whole output. An op whose every reader is a slice that such a
      convolution alone reads (a factorized reduction's ReLU, read by two
      offset slices) becomes the op on each slice of its input, computed
      so in that convolution's loop.
      A tiled op over a padded input reads no padded copy of all of it:
      each iteration fills the padded rows its output row reads with the
      padding value and copies in the input rows they cover (a tile of the
      loop, hoisted with the others).
    - A depthwise convolution of channel multiplier 1 runs in place, as
      TinyEngine's do, when its input dies at it (FusedRequantization.h's
      `getInPlaceDepthwise` gives the rule; the memory model applies the
      same): a loop over channels carries the input map, each iteration
      computes one channel of the requantized result (tiled by rows as
      above) into a one-channel temporary and inserts it where the input
      channel it read was. One-shot bufferization writes that loop into
      the input's buffer; a stride-2 result is its corner (a strided
      view), which keeps the whole buffer until it dies.
    - With `write-parts-in-place` (after --serenity-tile-spatial, as
      --serenity-pipeline runs it), a tile loop whose result goes into a
      part of another tensor (an `insert_slice`: a patch's band or an
      assembled value) writes that part in place, as the op it tiled did
      before the element-wise fusion made its destination a new
      `tensor.empty`.
    - Patches repeat the same ops on the same shapes. What the tiling made
      of ops equal to ones tiled before (the same ops, attributes, types,
      locations and constants, reading values from outside in the same
      pattern) is cloned with those values instead of tiled again:
      upstream's tiling composes and folds affine maps for every slice,
      most of the time of fusing a function of patches.
      `reuse-tile-loops=0` tiles each (the same IR).

    Floating-point chains that end in floats are left alone. After one-shot
    bufferization,
    `buffer-loop-hoisting` moves the tile buffers out of the loops, where
    `--serenity-plan-memory` places them. Ops in tile loops are left alone,
    so a second run changes nothing. `tile-window-ops=0` does the
    element-wise fusions alone (before `--serenity-tile-spatial`, which
    bands whole ops).
  }];
  let options = [
    Option<"tileWindowOps", "tile-window-ops", "bool", "true",
           "Tile convolutions and average pools with their requantization "
           "(otherwise only the element-wise fusions)">,
    Option<"writePartsInPlace", "write-parts-in-place", "bool", "false",
           "A tile loop whose result goes into a part of another tensor "
           "writes that part in place (after --serenity-tile-spatial)">,
    Option<"reuseTileLoops", "reuse-tile-loops", "bool", "true",
           "Clone what the tiling made of equal ops before instead of "
           "tiling them again">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def SerenitySimplifyTileLoops
    : Pass<"serenity-simplify-tile-loops", "::mlir::func::FuncOp"> {
  let summary = "Drop the iteration arguments of bufferized tile loops";
  let description = [{
    After one-shot bufferization, a tile loop of
    `--serenity-fuse-requantize` passes its output buffer through its
    iteration arguments and yields it unchanged; loops of one trip remain.
    This pass applies `scf.for`'s canonicalization patterns alone, so that
    the loop's result is its output buffer itself: a returned output then
    becomes the caller's out-param (`buffer-results-to-out-params
    {hoist-static-allocs}`) instead of a buffer copied into it. Inside each
    loop it then merges equal ops (CSE) and drops the copy of a row onto
    itself that the insertion of each row leaves.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def SerenityOutlineKernels
    : Pass<"serenity-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Give each Linalg op of a bufferized function its own function";
  let description = [{
    A bufferized model is one function of hundreds of loop nests, and
    LLVM's optimizer and register allocator take time that grows faster than
    the function: a RandWire cell at 8x8 takes 12 s to compile for a
    Cortex-M as one function. This pass moves every top-level Linalg op of
    every public function into a private function of its own (a kernel,
    named `<function>_kernel<N>`) and calls it in its place, so that the
    back end compiles many small functions; the op order, and so the
    memory plan, stay as they are.

    The kernel takes the arena's buffers it uses (`memref.view`s of a
    global at constant offsets), the globals it reads (the weights) and the
    function's arguments as arguments, each marked `llvm.noalias` when it
    overlaps no other argument (the plan knows every buffer's bytes). The
    views derived from them (`subview`, reshapes, casts) and constants are
    cloned into it. A back end can so compile each kernel for any buffers:
    its code does not depend on where the plan put them or on the weights.
    Ops that need the same kernel (the same signature, `noalias` marks and
    ops, up to locations) share one: the cells of a NAS network repeat a
    few shapes, and a RandWire cell at 8x8 needs 15 kernels for its 300 ops,
    which cuts its code 13x and its compile time 4x. The tile loops of
    `--serenity-fuse-requantize` (an int8 convolution computed row by row
    with its requantization) are kernels too: inlined into the entry, their
    code lost the `noalias` marks and took 18-24% more instructions than the
    unfused lowering on the int8 DenseNet block and Inception A at 8x8;
    outlined, they take 0.1-6% fewer. An op whose arguments would include
    anything but statically shaped memrefs with the identity layout (the
    calling convention of a bare-metal entry point) or scalars stays where
    it is.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

#endif // SERENITY_TRANSFORMS_PASSES_TD
