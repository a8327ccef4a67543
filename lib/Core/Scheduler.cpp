//===- Scheduler.cpp - Memory-aware operator scheduling -------------------===//

#include "serenity/Core/Scheduler.h"
#include "serenity/Core/LowerBound.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/ErrorHandling.h"

#include <cassert>

#define DEBUG_TYPE "serenity-schedule"

using namespace serenity;

template <>
llvm::ArrayRef<EnumName<Algorithm>> serenity::getEnumNames<Algorithm>() {
  static const EnumName<Algorithm> names[] = {
      {Algorithm::Optimal, "optimal",
       "SERENITY's dynamic program: the lowest possible peak, proven"},
      {Algorithm::BestHeuristic, "best-heuristic",
       "the lowest peak of the four heuristics"},
      {Algorithm::List, "list",
       "XLA's list scheduler: the ready op that frees the most bytes"},
      {Algorithm::DepthFirst, "dfs", "XLA's DFS scheduler"},
      {Algorithm::ReversePostOrder, "rpo",
       "reverse post-order of a depth-first walk"},
      {Algorithm::Program, "program", "the order as written"},
  };
  return names;
}

template <>
llvm::ArrayRef<EnumName<ScheduleStatus>>
serenity::getEnumNames<ScheduleStatus>() {
  static const EnumName<ScheduleStatus> names[] = {
      {ScheduleStatus::Optimal, "optimal", "proven optimal"},
      {ScheduleStatus::BestFound, "best-found",
       "the best order found before a limit stopped the search"},
      {ScheduleStatus::Heuristic, "heuristic", "a heuristic's order"},
  };
  return names;
}

static Schedule runHeuristic(const LivenessModel &liveness,
                             Algorithm algorithm) {
  Schedule schedule;
  schedule.producedBy = algorithm;
  switch (algorithm) {
  case Algorithm::Program:
    schedule.order = scheduleProgramOrder(liveness.getGraph());
    break;
  case Algorithm::ReversePostOrder:
    schedule.order = scheduleReversePostOrder(liveness.getGraph());
    break;
  case Algorithm::List:
    schedule.order = scheduleList(liveness);
    break;
  case Algorithm::DepthFirst:
    schedule.order = scheduleDepthFirst(liveness);
    break;
  case Algorithm::BestHeuristic:
  case Algorithm::Optimal:
    llvm_unreachable("not a single heuristic");
  }
  assert(liveness.getGraph().isValidSchedule(schedule.order) &&
         "a heuristic produced an invalid schedule");
  schedule.peak = liveness.peakOf(schedule.order);
  return schedule;
}

/// The lowest peak of the heuristics; on a tie the earlier one in this list,
/// so an input order that is already as good stays as it is.
static Schedule runBestHeuristic(const LivenessModel &liveness) {
  Schedule best;
  for (Algorithm algorithm : {Algorithm::Program, Algorithm::ReversePostOrder,
                              Algorithm::List, Algorithm::DepthFirst}) {
    Schedule candidate = runHeuristic(liveness, algorithm);
    LLVM_DEBUG(llvm::dbgs()
               << "[serenity-schedule] " << stringifyAlgorithm(algorithm)
               << ": peak " << candidate.peak << "\n");
    if (algorithm == Algorithm::Program || candidate.peak < best.peak)
      best = std::move(candidate);
  }
  return best;
}

/// The lowering's temporaries make orders harder to prove under `bufferized`
/// than under `strict`, whose optimum is often reached fast. When the search
/// stopped at a limit, the strict optimum (evaluated under `bufferized`) may
/// beat the order it found; then the search runs again from it.
static void retryFromStrictOptimum(const LivenessModel &liveness,
                                   const SchedulerOptions &options,
                                   Schedule &schedule) {
  LivenessModel strict(liveness.getGraph(), MemoryModel::Strict);
  Schedule proxy =
      searchOptimalSchedule(strict, options, runBestHeuristic(strict));
  uint64_t peak = liveness.peakOf(proxy.order);
  LLVM_DEBUG(llvm::dbgs() << "[serenity-schedule] strict optimum as a "
                             "candidate: peak "
                          << peak << "\n");
  schedule.exploredStates += proxy.exploredStates;
  if (peak >= schedule.peak)
    return;
  // Search again under the tighter incumbent: children at or above it are
  // never stored, which often brings the search within its limits.
  Schedule incumbent;
  incumbent.order = std::move(proxy.order);
  incumbent.peak = peak;
  incumbent.producedBy = Algorithm::Optimal;
  incumbent.lowerBound = schedule.lowerBound;
  uint64_t explored = schedule.exploredStates;
  schedule = searchOptimalSchedule(liveness, options, std::move(incumbent));
  schedule.exploredStates += explored;
}

Schedule serenity::scheduleGraph(const LivenessModel &liveness,
                                 const SchedulerOptions &options) {
  Schedule schedule;
  switch (options.algorithm) {
  case Algorithm::Program:
  case Algorithm::ReversePostOrder:
  case Algorithm::List:
  case Algorithm::DepthFirst:
    schedule = runHeuristic(liveness, options.algorithm);
    break;
  case Algorithm::BestHeuristic:
    schedule = runBestHeuristic(liveness);
    break;
  case Algorithm::Optimal:
    schedule =
        searchOptimalSchedule(liveness, options, runBestHeuristic(liveness));
    // Not when the search showed that nothing beats the caller's peak.
    if (schedule.status != ScheduleStatus::Optimal &&
        liveness.getModel() == MemoryModel::Bufferized &&
        !(options.peakToBeat && schedule.lowerBound >= options.peakToBeat))
      retryFromStrictOptimum(liveness, options, schedule);
    break;
  }
  if (schedule.status == ScheduleStatus::Heuristic)
    schedule.lowerBound = computeLowerBound(liveness);
  assert(liveness.getGraph().isValidSchedule(schedule.order) &&
         "scheduler produced an invalid schedule");
  return schedule;
}
