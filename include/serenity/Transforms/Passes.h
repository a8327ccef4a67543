//===- Passes.h - Serenity passes -------------------------------*- C++ -*-===//

#ifndef SERENITY_TRANSFORMS_PASSES_H
#define SERENITY_TRANSFORMS_PASSES_H

#include "serenity/Dialect/Serenity/SerenityDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

#include <memory>
#include <optional>
#include <string>

namespace serenity {

#define GEN_PASS_DECL
#include "serenity/Transforms/Passes.h.inc"

/// Adds the channel-wise (conv2d over a concat) and kernel-wise (depthwise
/// conv2d over a concat) partitioning patterns of --serenity-rewrite.
void populatePartitionPatterns(mlir::RewritePatternSet &patterns,
                               bool channelWise, bool kernelWise);

/// Adds the in-place concat rewrite of --serenity-rewrite: a concat becomes
/// insert_slices of its inputs into one destination.
void populateInPlaceConcatPatterns(mlir::RewritePatternSet &patterns);

/// Where --serenity-plan-memory puts the arena.
enum class ArenaKind { Global, Argument, Alloc };
std::optional<ArenaKind> parseArenaKind(llvm::StringRef name);

/// The first invalid arena option (the placement algorithm under the option
/// name `algorithmOption`), as a message; none when all are valid. Shared by
/// --serenity-plan-memory and --serenity-pipeline.
std::optional<std::string>
findInvalidArenaOption(llvm::StringRef algorithmOption,
                       llvm::StringRef algorithm, llvm::StringRef arena,
                       int64_t alignment);

/// Options of --serenity-pipeline: from TOSA or Linalg on tensors to planned
/// memref IR.
struct SerenityPipelineOptions
    : public mlir::PassPipelineOptions<SerenityPipelineOptions> {
  Option<std::string> memoryModel{
      *this, "memory-model",
      llvm::cl::desc("Memory model of scheduling and rewriting: strict, "
                     "inplace or bufferized (what the arena holds)"),
      llvm::cl::init("bufferized")};
  Option<bool> rewrite{*this, "rewrite",
                       llvm::cl::desc("Run --serenity-rewrite (memory-aware) "
                                      "before scheduling"),
                       llvm::cl::init(false)};
  Option<std::string> placement{
      *this, "placement",
      llvm::cl::desc("Arena placement: exact, tflm-greedy, tflite-arena, "
                     "tvm-greedy or iree-in-order"),
      llvm::cl::init("exact")};
  Option<std::string> arena{
      *this, "arena",
      llvm::cl::desc("Where the arena lives: global, argument or alloc"),
      llvm::cl::init("global")};
  Option<int64_t> alignment{*this, "alignment",
                            llvm::cl::desc("Arena alignment in bytes"),
                            llvm::cl::init(16)};
  Option<bool> keepReports{
      *this, "keep-reports",
      llvm::cl::desc("Keep the #serenity.schedule and #serenity.arena "
                     "attributes (tools without Serenity cannot read them)"),
      llvm::cl::init(false)};
};

/// The part of --serenity-pipeline between scheduling and planning, as a
/// textual pass pipeline: TOSA to Linalg, one-shot bufferization, returned
/// buffers as caller-owned out-params.
llvm::StringRef getBufferizationPipelineText();

/// The textual pass pipeline that --serenity-pipeline runs, for stock
/// mlir-opt with the plugin or for custom pipelines.
std::string getSerenityPipelineText(const SerenityPipelineOptions &options);

/// Adds --serenity-pipeline to `pm` (on builtin.module); an invalid option
/// goes to `errorHandler`.
llvm::LogicalResult buildSerenityPipeline(
    mlir::OpPassManager &pm, const SerenityPipelineOptions &options,
    llvm::function_ref<llvm::LogicalResult(const llvm::Twine &)> errorHandler);

#define GEN_PASS_REGISTRATION
#include "serenity/Transforms/Passes.h.inc"

/// Registers every Serenity pass and --serenity-pipeline.
void registerSerenityPassesAndPipelines();

} // namespace serenity

#endif // SERENITY_TRANSFORMS_PASSES_H
