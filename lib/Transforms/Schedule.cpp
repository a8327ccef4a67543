//===- Schedule.cpp - The --serenity-schedule pass ------------------------===//

#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Core/Scheduler.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"
#include "serenity/Transforms/Passes.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "serenity-schedule"

namespace serenity {
#define GEN_PASS_DEF_SERENITYSCHEDULE
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

struct SchedulePass
    : public serenity::impl::SerenityScheduleBase<SchedulePass> {
  /// Options checked with their choices and names first
  /// (initializeOptionsExplained).
  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    return initializeOptionsExplained(*this, sizeof(*this), options,
                                      errorHandler);
  }

  using Base::Base;

  void runOnOperation() final;
};

} // namespace

void SchedulePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  SchedulerOptions options;
  options.algorithm = algorithm;
  options.timeLimitMs = timeLimitMs;
  options.maxStates = maxStates;
  options.useLowerBounds = lowerBounds;
  options.pruneDominated = dominance;
  MemoryModel model = memoryModel;

  FailureOr<FunctionGraph> graph = FunctionGraph::build(func, fuseRequantize);
  if (failed(graph))
    return signalPassFailure();
  if (ArrayRef<Operation *> unknown = graph->getOpsWithUnknownEffects();
      !unknown.empty())
    emitRemark(unknown.front()->getLoc())
        << "serenity-schedule: " << unknown.size()
        << " op(s) with undeclared memory effects (first: '"
        << unknown.front()->getName()
        << "') keep their order relative to each other and to every op that "
           "reads or writes memory";
  LivenessModel liveness(graph->getGraph(), model);
  // The peak as the user wrote it: before a rewrite, if one ran.
  uint64_t inputPeak = liveness.peakOf(graph->getGraph().getProgramOrder());
  if (auto written = func->getAttrOfType<DictionaryAttr>(
          SerenityDialect::kWrittenPeaksAttrName))
    if (auto peak = written.getAs<IntegerAttr>(stringifyEnum(model)))
      inputPeak = peak.getInt();
  Schedule schedule = scheduleGraph(liveness, options);
  LLVM_DEBUG(llvm::dbgs() << "[serenity-schedule] @" << func.getSymName()
                          << ": peak " << inputPeak << " -> " << schedule.peak
                          << " (" << stringifyScheduleStatus(schedule.status)
                          << ", " << schedule.exploredStates << " states)\n");

  if (schedule.status == ScheduleStatus::BestFound) {
    // Not proven: the user should know how far from proven it may be.
    uint64_t gap = schedule.peak - std::min(schedule.peak, schedule.lowerBound);
    emitWarning(func.getLoc())
        << "serenity-schedule: the search stopped at its limit "
           "(time-limit-ms="
        << options.timeLimitMs << ", max-states=" << options.maxStates
        << ") after " << schedule.exploredStates
        << " states; the best order found peaks at " << schedule.peak
        << " bytes, " << gap << " above the lower bound " << schedule.lowerBound
        << "; raise the limits to search on";
  }
  graph->applySchedule(schedule.order);
  func->setAttr(SerenityDialect::kScheduleAttrName,
                ScheduleReportAttr::get(
                    &getContext(), schedule.peak, inputPeak,
                    schedule.lowerBound, options.algorithm, schedule.producedBy,
                    model, schedule.status, schedule.exploredStates));
}
