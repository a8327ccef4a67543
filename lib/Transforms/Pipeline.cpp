//===- Pipeline.cpp - --serenity-pipeline ---------------------------------===//
//
// One pipeline for users, built from its own textual form so that the string
// documented for stock mlir-opt and custom pipelines is the one that runs.
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "serenity/Core/MemoryModel.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace serenity;

std::string serenity::getTosaToLinalgPipelineText(bool fuseRequantize) {
  // Int8 requantization runs with its producer (no whole i32 map); the
  // memory model counts it so (FusedRequantization.h).
  return std::string(
             "func.func(tosa-to-linalg-named,tosa-to-linalg,"
             "tosa-to-arith{include-apply-rescale=true},tosa-to-tensor") +
         (fuseRequantize ? ",serenity-fuse-requantize)" : ")");
}

llvm::StringRef serenity::getBufferizePipelineText() {
  // Padded window ops read their inputs in place, padding border strips
  // only (the memory model counts them so: WindowOps.h). Tile loops
  // (--serenity-fuse-requantize) allocate their tiles inside: hoisted out,
  // the arena holds them; their results become their buffers.
  return "func.func(serenity-pad-free-windows),"
         "one-shot-bufferize{bufferize-function-boundaries "
         "function-boundary-type-conversion=identity-layout-map},"
         "func.func(buffer-loop-hoisting,serenity-simplify-tile-loops),"
         "buffer-results-to-out-params{hoist-static-allocs "
         "modify-public-functions}";
}

std::string serenity::getBufferizationPipelineText() {
  return getTosaToLinalgPipelineText() + "," + getBufferizePipelineText().str();
}

std::string serenity::getTileSpatialPipelineText(double maxExtraMacs,
                                                 HaloMode halos,
                                                 uint64_t alignment,
                                                 bool fuseRequantize,
                                                 uint64_t timeLimitMs) {
  // Patches of whole ops (an int8 add or a rescale and its clamp are one op
  // already), then convolutions tiled with their requantization in each
  // band; the pass estimates its candidates so fused.
  return llvm::formatv(
      "func.func({3}serenity-tile-spatial{{max-extra-macs={0} halos={1} "
      "alignment={2} fuse-requantize={4} time-limit-ms={6}}{5})",
      maxExtraMacs, stringifyEnum(halos), alignment,
      fuseRequantize ? "serenity-fuse-requantize{tile-window-ops=0}," : "",
      fuseRequantize,
      fuseRequantize ? ",serenity-fuse-requantize{write-parts-in-place=1}" : "",
      timeLimitMs);
}

std::string
serenity::getSerenityPipelineText(const SerenityPipelineOptions &options) {
  // Linalg int8 input is fused before it is ordered, so that the order is
  // chosen, and modeled, for the function that runs (on TOSA input the
  // fusion finds nothing yet); with patches, after them.
  std::string schedule = llvm::formatv(
      "{0}{6}serenity-schedule{{algorithm={1} memory-model={2} "
      "time-limit-ms={3} max-states={4} fuse-requantize={5}}",
      // The rewrite keeps its own default limit unless one was given.
      options.rewrite
          ? llvm::formatv("serenity-rewrite{{memory-model={0}{1}},",
                          stringifyEnum(options.memoryModel.getValue()),
                          options.timeLimitMs.hasValue()
                              ? llvm::formatv(" time-limit-ms={0}",
                                              options.timeLimitMs.getValue())
                                    .str()
                              : std::string())
                .str()
          : std::string(),
      stringifyEnum(options.algorithm.getValue()),
      stringifyEnum(options.memoryModel.getValue()),
      options.timeLimitMs.getValue(), options.maxStates.getValue(),
      options.fuseRequantize.getValue(),
      options.fuseRequantize && !options.tileSpatial
          ? "serenity-fuse-requantize,"
          : "");
  // With patches, the fusion runs after them (getTileSpatialPipelineText).
  std::string tile = options.tileSpatial
                         ? getTileSpatialPipelineText(
                               options.maxExtraMacs, options.halos.getValue(),
                               options.alignment, options.fuseRequantize,
                               options.tileTimeLimitMs) +
                               ","
                         : std::string();
  std::string text = llvm::formatv(
      "func.func({0}),{6},{7}{1},"
      "serenity-plan-memory{{algorithm={2} arena={3} alignment={4} "
      "time-limit-ms={5} io-in-arena={8}}",
      schedule, getBufferizePipelineText(),
      stringifyEnum(options.placement.getValue()),
      stringifyEnum(options.arena.getValue()), options.alignment.getValue(),
      options.placementTimeLimitMs.getValue(),
      getTosaToLinalgPipelineText(options.fuseRequantize &&
                                  !options.tileSpatial),
      tile, options.ioInArena.getValue());
  if (!options.keepReports)
    text += ",serenity-drop-reports";
  return text;
}

LogicalResult serenity::buildSerenityPipeline(
    OpPassManager &pm, const SerenityPipelineOptions &options,
    function_ref<LogicalResult(const Twine &)> errorHandler) {
  if (std::optional<std::string> problem =
          checkArenaAlignment(options.alignment))
    return errorHandler("serenity-pipeline: " + *problem);
  std::string error;
  llvm::raw_string_ostream errorStream(error);
  if (failed(
          parsePassPipeline(getSerenityPipelineText(options), pm, errorStream)))
    return errorHandler("serenity-pipeline: " + error);
  return success();
}

void serenity::registerSerenityPassesAndPipelines() {
  registerSerenityPasses();
  registerPassPipeline(
      "serenity-pipeline",
      "Schedule (and optionally rewrite) TOSA or Linalg on tensors, bufferize, "
      "and place every buffer in one static arena; the output is upstream "
      "memref IR",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        SerenityPipelineOptions options;
        if (failed(parseOptionsExplained(options, text, &options,
                                         sizeof(options), "serenity-pipeline",
                                         errorHandler)))
          return failure();
        return buildSerenityPipeline(pm, options, errorHandler);
      },
      [](function_ref<void(const detail::PassOptions &)> optionHandler) {
        optionHandler(SerenityPipelineOptions());
      });
}
