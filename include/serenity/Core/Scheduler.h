//===- Scheduler.h - Memory-aware operator scheduling -----------*- C++ -*-===//
//
// Every scheduler Serenity offers, behind one entry point. A schedule is an
// order of the graph's non-weight nodes; weights count as executed first.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_SCHEDULER_H
#define SERENITY_CORE_SCHEDULER_H

#include "serenity/Core/EnumNames.h"
#include "serenity/Core/MemoryModel.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace serenity {

enum class Algorithm {
  /// The order the nodes were written in.
  Program,
  /// Reverse post-order of a depth-first walk along the dataflow edges.
  ReversePostOrder,
  /// XLA's list scheduler: greedily the ready node that frees the most bytes
  /// net of what it allocates.
  List,
  /// XLA's DFS scheduler: post-order from the outputs, heaviest operand
  /// subtrees first.
  DepthFirst,
  /// The lowest peak of the four heuristics above.
  BestHeuristic,
  /// SERENITY's dynamic program: the lowest possible peak.
  Optimal,
};

template <> llvm::ArrayRef<EnumName<Algorithm>> getEnumNames<Algorithm>();
inline llvm::StringRef stringifyAlgorithm(Algorithm algorithm) {
  return stringifyEnum(algorithm);
}
inline std::optional<Algorithm> parseAlgorithm(llvm::StringRef name) {
  return parseEnum<Algorithm>(name);
}

enum class ScheduleStatus {
  /// The search proved that no order has a lower peak.
  Optimal,
  /// The search stopped at a limit; the order is the best one it had.
  BestFound,
  /// A heuristic's order; nothing is claimed about other orders.
  Heuristic,
};

template <>
llvm::ArrayRef<EnumName<ScheduleStatus>> getEnumNames<ScheduleStatus>();
inline llvm::StringRef stringifyScheduleStatus(ScheduleStatus status) {
  return stringifyEnum(status);
}
inline std::optional<ScheduleStatus> parseScheduleStatus(llvm::StringRef name) {
  return parseEnum<ScheduleStatus>(name);
}

struct SchedulerOptions {
  Algorithm algorithm = Algorithm::Optimal;
  /// Wall-time limit of the search in milliseconds; 0 for none.
  uint64_t timeLimitMs = 60000;
  /// Limit on the number of distinct partial schedules; 0 for none.
  uint64_t maxStates = 2000000;
  /// Take at once a ready node that neither raises the peak reached so far nor
  /// the live bytes, and chain units as one step; never changes the optimal
  /// peak, only the work.
  bool pruneDominated = true;
  /// Stop as soon as the incumbent's peak meets a lower bound, and rank
  /// states by their completion bound (A*). Off, the search
  /// proves optimality by exhausting every state below the incumbent (the
  /// plain DP, for comparison).
  bool useLowerBounds = true;
  /// When not 0, only orders that peak below this matter (a caller that
  /// compares with a peak it has): the search prunes there, and when no
  /// order is below it, returns its best order with a lower bound of at
  /// least this, `best-found` unless that order is proven.
  uint64_t peakToBeat = 0;
};

struct Schedule {
  std::vector<NodeId> order;
  uint64_t peak = 0;
  ScheduleStatus status = ScheduleStatus::Heuristic;
  /// The algorithm whose order this is (best-heuristic names the winner; the
  /// search names a heuristic when none of its orders beat it).
  Algorithm producedBy = Algorithm::Program;
  /// No schedule of the graph has a lower peak than this.
  uint64_t lowerBound = 0;
  /// Distinct partial schedules the search created.
  uint64_t exploredStates = 0;
};

/// Program order: the nodes in the order they were added.
std::vector<NodeId> scheduleProgramOrder(const DataflowGraph &graph);
std::vector<NodeId> scheduleReversePostOrder(const DataflowGraph &graph);
std::vector<NodeId> scheduleList(const LivenessModel &liveness);
std::vector<NodeId> scheduleDepthFirst(const LivenessModel &liveness);

/// SERENITY's dynamic program over partial schedules, memoized by the set of
/// scheduled nodes, explored best-first. States whose peak reaches the
/// incumbent's are pruned, so the result is the incumbent unless an order with
/// a lower peak exists. Stops at the options' limits with status BestFound.
Schedule searchOptimalSchedule(const LivenessModel &liveness,
                               const SchedulerOptions &options,
                               Schedule incumbent);

/// Runs the requested algorithm. Always returns a valid schedule.
Schedule scheduleGraph(const LivenessModel &liveness,
                       const SchedulerOptions &options);

} // namespace serenity

#endif // SERENITY_CORE_SCHEDULER_H
