//===- Placement.h - Static arena placement of buffers ----------*- C++ -*-===//
//
// Given buffers with a size and a lifetime (first and last step, inclusive),
// choose a byte offset for each in one arena so that two buffers live at the
// same step never overlap. The baselines are the planners users have today;
// the default is an exact search (a decision search over canonical placements
// under a bisection on the capacity) that aims at the live-bytes lower bound
// and proves what it returns when its limits allow.
//
// The checker (verifyPlacement) lives in its own file and shares no code with
// the planners, so a bug in one cannot hide in the other.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_PLACEMENT_H
#define SERENITY_CORE_PLACEMENT_H

#include "serenity/Core/EnumNames.h"
#include "serenity/Core/Scheduler.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace serenity {

/// One buffer to place: live from `firstStep` to `lastStep`, both inclusive.
struct BufferLifetime {
  uint64_t bytes = 0;
  unsigned firstStep = 0;
  unsigned lastStep = 0;
};

enum class PlacementAlgorithm {
  /// Decision search over canonical placements under a bisection on the
  /// capacity; proves its result optimal or returns the best one found when a
  /// limit stops it.
  Exact,
  /// TensorFlow Lite Micro's GreedyMemoryPlanner: largest first, each at the
  /// first gap that fits among the time-overlapping buffers already placed.
  TflmGreedy,
  /// TensorFlow Lite's arena planner: largest first, each in the smallest gap
  /// that fits (best fit).
  TfliteArena,
  /// TVM USMP's greedy_by_size: largest first, each at the end of the highest
  /// time-overlapping buffer already placed, no gap filling.
  TvmGreedy,
  /// IREE's in-order packing: in order of first use, each at the first gap
  /// that fits.
  IreeInOrder,
};

template <>
llvm::ArrayRef<EnumName<PlacementAlgorithm>> getEnumNames<PlacementAlgorithm>();
inline llvm::StringRef
stringifyPlacementAlgorithm(PlacementAlgorithm algorithm) {
  return stringifyEnum(algorithm);
}
inline std::optional<PlacementAlgorithm>
parsePlacementAlgorithm(llvm::StringRef name) {
  return parseEnum<PlacementAlgorithm>(name);
}
/// Every algorithm, the exact one first: for the harness.
llvm::ArrayRef<PlacementAlgorithm> allPlacementAlgorithms();

struct PlacementOptions {
  PlacementAlgorithm algorithm = PlacementAlgorithm::Exact;
  /// Every offset is a multiple of this, and every size is rounded up to it.
  uint64_t alignment = 16;
  /// Wall-time limit of the exact search in milliseconds; 0 for none.
  uint64_t timeLimitMs = 1000;
  /// Limit on the search nodes of the exact search; 0 for none.
  uint64_t maxNodes = 0;
};

struct Placement {
  /// Byte offset of every buffer, in the order given.
  std::vector<uint64_t> offsets;
  /// The end of the highest buffer: the arena size.
  uint64_t arenaBytes = 0;
  /// The largest sum of (aligned) bytes live at one step: no placement of the
  /// same lifetimes needs less.
  uint64_t liveBytesBound = 0;
  /// Optimal: no placement of these lifetimes needs a smaller arena.
  ScheduleStatus status = ScheduleStatus::Heuristic;
  /// The algorithm whose placement this is (for the exact search, a greedy
  /// when the search proved that none is better than it).
  PlacementAlgorithm producedBy = PlacementAlgorithm::Exact;
  /// Nodes the exact search visited.
  uint64_t searchNodes = 0;
};

inline uint64_t alignBytes(uint64_t bytes, uint64_t alignment) {
  return alignment <= 1 ? bytes
                        : (bytes + alignment - 1) / alignment * alignment;
}

/// The largest sum of aligned sizes live at one step.
uint64_t computeLiveBytesBound(llvm::ArrayRef<BufferLifetime> buffers,
                               uint64_t alignment);

/// Runs the requested algorithm. Always returns a valid placement.
Placement placeBuffers(llvm::ArrayRef<BufferLifetime> buffers,
                       const PlacementOptions &options);

/// Checks a placement independently of the planners: offsets aligned, every
/// buffer inside the arena, no two time-overlapping buffers overlapping in
/// space. Returns a description of the first violation, or none.
std::optional<std::string>
verifyPlacement(llvm::ArrayRef<BufferLifetime> buffers,
                llvm::ArrayRef<uint64_t> offsets, uint64_t arenaBytes,
                uint64_t alignment);

/// The plan as text, one line per step, `columns` characters for the arena:
/// each buffer drawn with a letter (cycled), free space as '.'.
std::string renderArenaMap(llvm::ArrayRef<BufferLifetime> buffers,
                           llvm::ArrayRef<uint64_t> offsets,
                           uint64_t arenaBytes, unsigned columns = 64);

} // namespace serenity

#endif // SERENITY_CORE_PLACEMENT_H
