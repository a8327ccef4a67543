//===- Passes.h - Serenity passes -------------------------------*- C++ -*-===//

#ifndef SERENITY_TRANSFORMS_PASSES_H
#define SERENITY_TRANSFORMS_PASSES_H

#include "serenity/Dialect/Serenity/SerenityDialect.h"
#include "serenity/Transforms/PassOptions.h"

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

class TiledLoopCache;

#define GEN_PASS_DECL
#include "serenity/Transforms/Passes.h.inc"

/// Adds the channel-wise (conv2d over a concat) and kernel-wise (depthwise
/// conv2d over a concat) partitioning patterns of --serenity-rewrite.
void populatePartitionPatterns(mlir::RewritePatternSet &patterns,
                               bool channelWise, bool kernelWise);

/// Adds the in-place concat rewrite of --serenity-rewrite: a concat becomes
/// insert_slices of its inputs into one destination.
void populateInPlaceConcatPatterns(mlir::RewritePatternSet &patterns);

/// memref.copy between statically shaped memrefs as linalg.copy
/// (--serenity-copies-to-linalg).
void populateCopiesToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Padded NHWC convolutions and pools as an interior part that reads the
/// input and border parts that pad only what they read
/// (--serenity-pad-free-windows).
void populatePadFreeWindowsPatterns(mlir::RewritePatternSet &patterns);

/// --serenity-fuse-requantize on `function`'s body (its ops at the top; the
/// tile loops it made before are left as they are); the element-wise fusion
/// alone unless `tileWindowOps`; with `writePartsInPlace`, a tile loop
/// whose result goes into a part of another tensor writes it there
/// (--serenity-tile-spatial's patches). With a `cache`, what the tiling made
/// of equal ops before comes from it, and what it makes goes into it.
/// Emits an error at the op it cannot tile and fails.
llvm::LogicalResult fuseRequantization(mlir::func::FuncOp function,
                                       bool tileWindowOps = true,
                                       bool writePartsInPlace = false,
                                       TiledLoopCache *cache = nullptr);

/// Why `alignment` cannot align an arena, or none (it must be a power of
/// two). Shared by --serenity-plan-memory and --serenity-pipeline.
std::optional<std::string> checkArenaAlignment(uint64_t alignment);

/// Options of --serenity-pipeline: from TOSA or Linalg on tensors to planned
/// memref IR.
struct SerenityPipelineOptions
    : public mlir::PassPipelineOptions<SerenityPipelineOptions> {
  Option<MemoryModel> memoryModel{
      *this, "memory-model",
      llvm::cl::desc("Memory model of scheduling and rewriting"),
      llvm::cl::init(MemoryModel::Bufferized), EnumChoices<MemoryModel>()};
  Option<Algorithm> algorithm{
      *this, "algorithm",
      llvm::cl::desc("Scheduling algorithm (`program` keeps the order as "
                     "written)"),
      llvm::cl::init(Algorithm::Optimal), EnumChoices<Algorithm>()};
  Option<uint64_t> timeLimitMs{
      *this, "time-limit-ms",
      llvm::cl::desc("Wall-time limit of the optimal search in ms (0: none)"),
      llvm::cl::init(SchedulerOptions().timeLimitMs)};
  Option<uint64_t> maxStates{
      *this, "max-states",
      llvm::cl::desc("Limit on the partial schedules the optimal search "
                     "creates (0: none)"),
      llvm::cl::init(SchedulerOptions().maxStates)};
  Option<uint64_t> placementTimeLimitMs{
      *this, "placement-time-limit-ms",
      llvm::cl::desc("Wall-time limit of the exact placement search in ms "
                     "(0: none)"),
      llvm::cl::init(PlacementOptions().timeLimitMs)};
  Option<bool> rewrite{*this, "rewrite",
                       llvm::cl::desc("Run --serenity-rewrite (memory-aware) "
                                      "before scheduling"),
                       llvm::cl::init(false)};
  Option<PlacementAlgorithm> placement{
      *this, "placement", llvm::cl::desc("Arena placement"),
      llvm::cl::init(PlacementAlgorithm::Exact),
      EnumChoices<PlacementAlgorithm>()};
  Option<ArenaKind> arena{
      *this, "arena", llvm::cl::desc("Where the arena lives"),
      llvm::cl::init(ArenaKind::Global), EnumChoices<ArenaKind>()};
  Option<uint64_t> alignment{
      *this, "alignment",
      llvm::cl::desc("Arena alignment in bytes (a power of two)"),
      llvm::cl::init(PlacementOptions().alignment)};
  Option<bool> ioInArena{
      *this, "io-in-arena",
      llvm::cl::desc("Place the inputs and outputs in the arena (arena=global; "
                     "serenity.arena_io gives their offsets) and reuse their "
                     "bytes once they are dead"),
      llvm::cl::init(false)};
  Option<bool> tileSpatial{
      *this, "tile-spatial",
      llvm::cl::desc("Run --serenity-tile-spatial (memory-aware patches) "
                     "after TOSA to Linalg"),
      llvm::cl::init(false)};
  Option<double> maxExtraMacs{
      *this, "max-extra-macs",
      llvm::cl::desc("With tile-spatial: most MACs the patches' halos may "
                     "add, in percent"),
      llvm::cl::init(20.0)};
  Option<uint64_t> tileTimeLimitMs{
      *this, "tile-time-limit-ms",
      llvm::cl::desc("With tile-spatial: the search's time-limit-ms (start no "
                     "estimate that would end after it, keep the lowest "
                     "tiling measured; 0: no limit)"),
      llvm::cl::init(0)};
  Option<HaloMode> halos{
      *this, "halos",
      llvm::cl::desc("With tile-spatial: what the patches do with the rows "
                     "they share"),
      llvm::cl::init(HaloMode::Auto), EnumChoices<HaloMode>()};
  Option<bool> fuseRequantize{
      *this, "fuse-requantize",
      llvm::cl::desc("Compute int8 requantization with its producer "
                     "(--serenity-fuse-requantize), and schedule for it; "
                     "false: the upstream lowering's whole i32 maps (for "
                     "comparison; --serenity-rewrite still judges with the "
                     "fusion)"),
      llvm::cl::init(true)};
  Option<bool> keepReports{
      *this, "keep-reports",
      llvm::cl::desc("Keep the #serenity.schedule and #serenity.arena "
                     "attributes (tools without Serenity cannot read them)"),
      llvm::cl::init(false)};
};

/// The parts of --serenity-pipeline between scheduling and planning, as
/// textual pass pipelines (on builtin.module): TOSA to Linalg; one-shot
/// bufferization with returned buffers as caller-owned out-params; both.
std::string getTosaToLinalgPipelineText(bool fuseRequantize = true);
llvm::StringRef getBufferizePipelineText();
std::string getBufferizationPipelineText();

/// --serenity-tile-spatial (memory-aware) on every function, as a textual
/// pass pipeline on builtin.module; with `fuseRequantize`, on Linalg that
/// --serenity-fuse-requantize has not yet run on: its element-wise fusions
/// before the patches, its tiling after them.
std::string getTileSpatialPipelineText(double maxExtraMacs, HaloMode halos,
                                       uint64_t alignment,
                                       bool fuseRequantize = true,
                                       uint64_t timeLimitMs = 0);

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
