//===- SerenityDialect.td - The serenity dialect -----------*- tablegen -*-===//

#ifndef SERENITY_DIALECT_SERENITY_SERENITYDIALECT_TD
#define SERENITY_DIALECT_SERENITY_SERENITYDIALECT_TD

include "mlir/IR/OpBase.td"

def Serenity_Dialect : Dialect {
  let name = "serenity";
  let cppNamespace = "::serenity";
  let summary = "Memory-aware scheduling reports";
  let description = [{
    The `serenity` dialect holds what Serenity's passes record on the IR: the
    `#serenity.schedule` report that `--serenity-schedule` attaches to every
    function it reorders, under the discardable attribute name
    `serenity.schedule`, and the `#serenity.arena` report that
    `--serenity-plan-memory` attaches under `serenity.arena`.
    `--serenity-rewrite` records the peaks of a function as written under
    `serenity.written_peaks` (a dictionary from memory model to bytes), so
    that the schedule report after a rewrite compares with what the user
    wrote. `--serenity-drop-reports` removes them all, for tools that do not
    load Serenity.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The discardable attribute that holds a function's schedule report.
    static constexpr ::llvm::StringLiteral kScheduleAttrName =
        "serenity.schedule";
    /// The discardable attribute that holds a function's arena report.
    static constexpr ::llvm::StringLiteral kArenaAttrName = "serenity.arena";
    /// The peaks of a function as its author wrote it, per memory model
    /// (a dictionary from model name to bytes), which --serenity-rewrite
    /// records when it changes the function and --serenity-schedule reports
    /// as `input_peak`.
    static constexpr ::llvm::StringLiteral kWrittenPeaksAttrName =
        "serenity.written_peaks";
    /// What --serenity-tile-spatial did: a dictionary of integers
    /// (`group_ops`, `patches`, `macs_before`, `macs_after`).
    static constexpr ::llvm::StringLiteral kPatchesAttrName =
        "serenity.patches";
    /// On a function's argument or result: how its integers stand for real
    /// numbers, a `!quant.uniform` type (scale and zero point, per tensor or
    /// per channel) of the value's element type. TOSA keeps scales inside
    /// the rescales; the boundary's are what a caller needs to quantize its
    /// inputs and read its outputs (serenity-compile's header states them).
    static constexpr ::llvm::StringLiteral kQuantizationAttrName =
        "serenity.quantization";
    /// On a function's argument or result: what its dimensions are, one
    /// letter each ("NCHW", "NHWC"), as the caller lays the data out (an
    /// imported ONNX model takes NCHW unless imported channels-last).
    /// serenity-compile's header states it.
    static constexpr ::llvm::StringLiteral kLayoutAttrName = "serenity.layout";
    /// On a function planned with --serenity-plan-memory{io-in-arena=1}: the
    /// byte offset in its arena of each argument it had (inputs, then the
    /// out-params of its results), in order. Not a report: the caller writes
    /// the inputs and reads the outputs there, so serenity-drop-reports
    /// keeps it.
    static constexpr ::llvm::StringLiteral kArenaIOAttrName =
        "serenity.arena_io";
    /// A unit attribute on a `tensor.pad` that --serenity-tile-spatial made
    /// for one tile of a patch: it pads a tile, not a whole map, so
    /// --serenity-pad-free-windows (and the memory model) leave it whole
    /// where no window lies inside it, instead of running its reader
    /// channel by channel (docs/memory-model.md says why).
    static constexpr ::llvm::StringLiteral kTilePadAttrName =
        "serenity.tile_pad";
  }];
}

#endif // SERENITY_DIALECT_SERENITY_SERENITYDIALECT_TD
