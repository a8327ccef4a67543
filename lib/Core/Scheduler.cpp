//===- Scheduler.cpp - Memory-aware operator scheduling -------------------===//

#include "serenity/Core/Scheduler.h"
#include "serenity/Core/LowerBound.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/ErrorHandling.h"

#include <cassert>

#define DEBUG_TYPE "serenity-schedule"

using namespace serenity;

llvm::StringRef serenity::stringifyAlgorithm(Algorithm algorithm) {
  switch (algorithm) {
  case Algorithm::Program:
    return "program";
  case Algorithm::ReversePostOrder:
    return "rpo";
  case Algorithm::List:
    return "list";
  case Algorithm::DepthFirst:
    return "dfs";
  case Algorithm::BestHeuristic:
    return "best-heuristic";
  case Algorithm::Optimal:
    return "optimal";
  }
  llvm_unreachable("unknown algorithm");
}

std::optional<Algorithm> serenity::parseAlgorithm(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Algorithm>>(name)
      .Case("program", Algorithm::Program)
      .Case("rpo", Algorithm::ReversePostOrder)
      .Case("list", Algorithm::List)
      .Case("dfs", Algorithm::DepthFirst)
      .Case("best-heuristic", Algorithm::BestHeuristic)
      .Case("optimal", Algorithm::Optimal)
      .Default(std::nullopt);
}

llvm::StringRef serenity::stringifyScheduleStatus(ScheduleStatus status) {
  switch (status) {
  case ScheduleStatus::Optimal:
    return "optimal";
  case ScheduleStatus::BestFound:
    return "best-found";
  case ScheduleStatus::Heuristic:
    return "heuristic";
  }
  llvm_unreachable("unknown status");
}

std::optional<ScheduleStatus>
serenity::parseScheduleStatus(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ScheduleStatus>>(name)
      .Case("optimal", ScheduleStatus::Optimal)
      .Case("best-found", ScheduleStatus::BestFound)
      .Case("heuristic", ScheduleStatus::Heuristic)
      .Default(std::nullopt);
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
    if (schedule.status != ScheduleStatus::Optimal &&
        liveness.getModel() == MemoryModel::Bufferized)
      retryFromStrictOptimum(liveness, options, schedule);
    break;
  }
  if (schedule.status == ScheduleStatus::Heuristic)
    schedule.lowerBound = computeLowerBound(liveness);
  assert(liveness.getGraph().isValidSchedule(schedule.order) &&
         "scheduler produced an invalid schedule");
  return schedule;
}
