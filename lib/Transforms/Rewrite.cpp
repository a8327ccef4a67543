//===- Rewrite.cpp - The --serenity-rewrite pass --------------------------===//
//
// The driver of SERENITY's graph rewrites (PartitionPatterns.cpp,
// InPlaceConcatPatterns.cpp): every rewrite at once (mode=always), or, on
// copies of the function, only the rewrites that lower the optimal scheduled
// peak (mode=memory-aware).
//
//===----------------------------------------------------------------------===//

#include "RewritePatterns.h"
#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Core/Scheduler.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "serenity-rewrite"

namespace serenity {
#define GEN_PASS_DEF_SERENITYREWRITE
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

/// Erases the ops whose results nobody reads any more (the concats and
/// element-wise ops the partitioned convolutions no longer use).
void eraseDeadOps(func::FuncOp func) {
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(func.getBody().front())))
    if (isOpTriviallyDead(&op))
      op.erase();
}

/// A function's optimal peak, and the convolutions over concats that hold
/// it: those whose concat is live while the peak op runs.
struct Bottleneck {
  uint64_t peak = 0;
  SmallVector<Operation *> convolutions;
  SmallVector<Operation *> concats;
};

/// Schedules `func` optimally under `model` and finds what holds its peak.
FailureOr<Bottleneck> findBottleneck(func::FuncOp func, MemoryModel model,
                                     const SchedulerOptions &options) {
  FailureOr<FunctionGraph> graph = FunctionGraph::build(func);
  if (failed(graph))
    return failure();
  LivenessModel liveness(graph->getGraph(), model);
  Schedule schedule = scheduleGraph(liveness, options);
  Bottleneck bottleneck;
  bottleneck.peak = schedule.peak;
  std::optional<unsigned> peakStep = liveness.simulate(schedule.order).peakStep;
  if (!peakStep)
    return bottleneck;

  llvm::DenseMap<Operation *, unsigned> step;
  for (unsigned i = 0, e = schedule.order.size(); i < e; ++i)
    step[graph->getOperation(schedule.order[i])] = i;
  for (unsigned i = 0; i <= *peakStep; ++i) {
    Operation *op = graph->getOperation(schedule.order[i]);
    if (!isConcat(op))
      continue;
    // Live at the peak: made by then, read at or after it.
    bool live = llvm::any_of(op->getResult(0).getUsers(), [&](Operation *user) {
      auto it = step.find(user);
      return it == step.end() || it->second >= *peakStep;
    });
    if (live) {
      collectConvolutionsOver(op->getResult(0), bottleneck.convolutions);
      bottleneck.concats.push_back(op);
    }
  }
  return bottleneck;
}

/// The rewrites a run may use, partitionings first: a concat written in
/// place is no concat to split.
struct RewriteSets {
  FrozenRewritePatternSet partitions;
  FrozenRewritePatternSet concats;

  /// Applies every rewrite; whether anything changed.
  bool applyAll(func::FuncOp func) const {
    bool partitioned = false, concatenated = false;
    (void)applyPatternsGreedily(func, partitions, GreedyRewriteConfig(),
                                &partitioned);
    (void)applyPatternsGreedily(func, concats, GreedyRewriteConfig(),
                                &concatenated);
    return partitioned || concatenated;
  }
};

/// mode=memory-aware, on copies of the function: first every rewrite at
/// once, kept if its scheduled peak is lower; then, from the better of the
/// two, the convolutions over the concats that are live at the scheduled
/// peak, or else those concats themselves, for as long as the peak drops.
class MemoryAwareRewriter {
public:
  MemoryAwareRewriter(const RewriteSets &sets, MemoryModel model,
                      SchedulerOptions options)
      : sets(sets), model(model), options(options) {}

  /// The rewritten copy of `func`, or null when nothing lowers its peak.
  FailureOr<OwningOpRef<func::FuncOp>> run(func::FuncOp func);
  /// The optimal peaks of the function before and after (after `run`).
  uint64_t getInitialPeak() const { return initialPeak; }
  uint64_t getFinalPeak() const { return best.peak; }

private:
  /// Makes `trial` the current function if its scheduled peak is lower.
  FailureOr<bool> keepIfLower(OwningOpRef<func::FuncOp> trial);
  /// Rewrites `ops` of the current function (in a copy) with `set`, and
  /// keeps the copy if its peak is lower.
  FailureOr<bool> rewriteAtPeak(ArrayRef<Operation *> ops,
                                const FrozenRewritePatternSet &set);

  const RewriteSets &sets;
  MemoryModel model;
  SchedulerOptions options;
  OwningOpRef<func::FuncOp> current;
  Bottleneck best;
  uint64_t initialPeak = 0;
};

} // namespace

FailureOr<bool>
MemoryAwareRewriter::keepIfLower(OwningOpRef<func::FuncOp> trial) {
  // Only a peak below the current one matters: the search prunes there and
  // rejects most candidates without searching below their own heuristics.
  SchedulerOptions trialOptions = options;
  trialOptions.peakToBeat = best.peak;
  FailureOr<Bottleneck> next = findBottleneck(*trial, model, trialOptions);
  if (failed(next))
    return failure();
  LLVM_DEBUG(llvm::dbgs() << "[serenity-rewrite] @" << trial->getSymName()
                          << ": peak " << best.peak << " -> " << next->peak
                          << "\n");
  if (next->peak >= best.peak)
    return false;
  current = std::move(trial);
  best = std::move(*next);
  return true;
}

FailureOr<bool>
MemoryAwareRewriter::rewriteAtPeak(ArrayRef<Operation *> ops,
                                   const FrozenRewritePatternSet &set) {
  if (ops.empty())
    return false;
  IRMapping mapping;
  OwningOpRef<func::FuncOp> trial = current->clone(mapping);
  SmallVector<Operation *> mapped;
  for (Operation *op : ops)
    mapped.push_back(mapping.lookup(op));
  GreedyRewriteConfig onlyThese;
  onlyThese.setStrictness(GreedyRewriteStrictness::ExistingOps);
  bool changed = false;
  (void)applyOpPatternsGreedily(mapped, set, onlyThese, &changed);
  if (!changed)
    return false;
  eraseDeadOps(*trial);
  return keepIfLower(std::move(trial));
}

FailureOr<OwningOpRef<func::FuncOp>>
MemoryAwareRewriter::run(func::FuncOp func) {
  // Every rewrite starts at a concat: without one, nothing to search.
  bool hasConcat = func.getBody()
                       .walk([](Operation *op) {
                         return isConcat(op) ? WalkResult::interrupt()
                                             : WalkResult::advance();
                       })
                       .wasInterrupted();
  if (!hasConcat)
    return OwningOpRef<func::FuncOp>();
  current = func.clone();
  FailureOr<Bottleneck> initial = findBottleneck(*current, model, options);
  if (failed(initial))
    return failure();
  best = std::move(*initial);
  initialPeak = best.peak;

  OwningOpRef<func::FuncOp> everything = current->clone();
  if (sets.applyAll(*everything) && failed(keepIfLower(std::move(everything))))
    return failure();
  for (bool progress = true; progress;) {
    FailureOr<bool> step = rewriteAtPeak(best.convolutions, sets.partitions);
    if (succeeded(step) && !*step)
      step = rewriteAtPeak(best.concats, sets.concats);
    if (failed(step))
      return failure();
    progress = *step;
  }
  if (best.peak >= initialPeak)
    return OwningOpRef<func::FuncOp>();
  return std::move(current);
}

/// The peaks of `func` as written, under every memory model, unless a rewrite
/// recorded them already (then those are the ones the user wrote).
static LogicalResult recordWrittenPeaks(func::FuncOp func) {
  if (func->hasAttr(SerenityDialect::kWrittenPeaksAttrName))
    return success();
  FailureOr<FunctionGraph> graph = FunctionGraph::build(func);
  if (failed(graph))
    return failure();
  Builder builder(func.getContext());
  SmallVector<NamedAttribute> peaks;
  for (const EnumName<MemoryModel> &model : getEnumNames<MemoryModel>()) {
    LivenessModel liveness(graph->getGraph(), model.value);
    peaks.push_back(builder.getNamedAttr(
        model.name, builder.getI64IntegerAttr(
                        liveness.peakOf(graph->getGraph().getProgramOrder()))));
  }
  func->setAttr(SerenityDialect::kWrittenPeaksAttrName,
                builder.getDictionaryAttr(peaks));
  return success();
}

/// Ops of `func` that the rewrites split or remove.
static std::pair<unsigned, unsigned>
countConvolutionsAndConcats(func::FuncOp func) {
  unsigned convolutions = 0, concats = 0;
  func.walk([&](Operation *op) {
    if (isPartitionableConvolution(op))
      ++convolutions;
    else if (isConcat(op))
      ++concats;
  });
  return {convolutions, concats};
}

namespace {
struct RewritePass : public serenity::impl::SerenityRewriteBase<RewritePass> {
  /// Options checked with their choices and names first
  /// (initializeOptionsExplained).
  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    return initializeOptionsExplained(*this, sizeof(*this), options,
                                      errorHandler);
  }

  using Base::Base;
  /// Rejects an unknown pattern name before any IR is read.
  LogicalResult initialize(MLIRContext *context) final;
  void runOnOperation() final;

private:
  SmallVector<RewriteKind> kinds;
};
} // namespace

LogicalResult RewritePass::initialize(MLIRContext *context) {
  kinds.clear();
  for (const std::string &name : patterns) {
    std::optional<RewriteKind> kind = parseEnum<RewriteKind>(name);
    if (!kind)
      return emitError(UnknownLoc::get(context))
             << "serenity-rewrite: unknown pattern '" << name << "'; expected "
             << describeEnum<RewriteKind>();
    kinds.push_back(*kind);
  }
  return success();
}

void RewritePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  bool channelWise = kinds.empty(), kernelWise = kinds.empty(),
       inPlaceConcat = kinds.empty();
  for (RewriteKind kind : kinds) {
    channelWise |= kind == RewriteKind::Channel;
    kernelWise |= kind == RewriteKind::Kernel;
    inPlaceConcat |= kind == RewriteKind::Concat;
  }

  RewritePatternSet partitionSet(&getContext()), concatSet(&getContext());
  populatePartitionPatterns(partitionSet, channelWise, kernelWise);
  if (inPlaceConcat)
    populateInPlaceConcatPatterns(concatSet);
  RewriteSets sets{FrozenRewritePatternSet(std::move(partitionSet)),
                   FrozenRewritePatternSet(std::move(concatSet))};
  if (mode == RewriteMode::Always) {
    sets.applyAll(func);
    return;
  }

  SchedulerOptions options;
  options.timeLimitMs = timeLimitMs;
  MemoryAwareRewriter rewriter(sets, memoryModel, options);
  FailureOr<OwningOpRef<func::FuncOp>> rewritten = rewriter.run(func);
  if (failed(rewritten))
    return signalPassFailure();
  if (!*rewritten)
    return markAllAnalysesPreserved();
  if (failed(recordWrittenPeaks(func)))
    return signalPassFailure();
  auto [convolutionsBefore, concatsBefore] = countConvolutionsAndConcats(func);
  func.getBody().takeBody((*rewritten)->getBody());
  auto [convolutionsAfter, concatsAfter] = countConvolutionsAndConcats(func);
  // A remark, not pass statistics: Debian's LLVM is built without them.
  emitRemark(func.getLoc())
      << "serenity-rewrite: optimal peak " << rewriter.getInitialPeak()
      << " -> " << rewriter.getFinalPeak() << " bytes ("
      << stringifyEnum(MemoryModel(memoryModel)) << "); " << convolutionsBefore
      << " -> " << convolutionsAfter << " convolutions, " << concatsBefore
      << " -> " << concatsAfter << " concats";
}
