//===- Placement.cpp - Static arena placement of buffers ------------------===//
//
// The exact search enumerates canonical placements. Take an optimal placement
// and let every buffer fall to the end of the highest time-overlapping buffer
// below it (or to 0): nothing overlaps and the arena does not grow. Sorted by
// (offset, index), each buffer then sits exactly at the highest end among the
// time-overlapping buffers before it. So it suffices to choose the order in
// which buffers are placed, each at that height (the "skyline" over its
// lifetime), with offsets non-decreasing along the order.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/Placement.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#define DEBUG_TYPE "serenity-plan-memory"

using namespace serenity;

llvm::StringRef
serenity::stringifyPlacementAlgorithm(PlacementAlgorithm algorithm) {
  switch (algorithm) {
  case PlacementAlgorithm::Exact:
    return "exact";
  case PlacementAlgorithm::TflmGreedy:
    return "tflm-greedy";
  case PlacementAlgorithm::TfliteArena:
    return "tflite-arena";
  case PlacementAlgorithm::TvmGreedy:
    return "tvm-greedy";
  case PlacementAlgorithm::IreeInOrder:
    return "iree-in-order";
  }
  llvm_unreachable("unknown placement algorithm");
}

std::optional<PlacementAlgorithm>
serenity::parsePlacementAlgorithm(llvm::StringRef name) {
  for (PlacementAlgorithm algorithm : allPlacementAlgorithms())
    if (stringifyPlacementAlgorithm(algorithm) == name)
      return algorithm;
  return std::nullopt;
}

llvm::ArrayRef<PlacementAlgorithm> serenity::allPlacementAlgorithms() {
  static const PlacementAlgorithm all[] = {
      PlacementAlgorithm::Exact, PlacementAlgorithm::TflmGreedy,
      PlacementAlgorithm::TfliteArena, PlacementAlgorithm::TvmGreedy,
      PlacementAlgorithm::IreeInOrder};
  return all;
}

namespace {

/// Every buffer's size rounded up to the alignment; zero-sized buffers take no
/// space and are left at offset 0.
std::vector<uint64_t> alignedSizes(llvm::ArrayRef<BufferLifetime> buffers,
                                   uint64_t alignment) {
  std::vector<uint64_t> sizes;
  for (const BufferLifetime &buffer : buffers)
    sizes.push_back(alignBytes(buffer.bytes, alignment));
  return sizes;
}

bool overlapInTime(const BufferLifetime &a, const BufferLifetime &b) {
  return a.firstStep <= b.lastStep && b.firstStep <= a.lastStep;
}

/// The order a greedy places buffers in.
std::vector<unsigned> greedyOrder(llvm::ArrayRef<BufferLifetime> buffers,
                                  llvm::ArrayRef<uint64_t> sizes,
                                  PlacementAlgorithm algorithm) {
  std::vector<unsigned> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  if (algorithm == PlacementAlgorithm::IreeInOrder) {
    llvm::stable_sort(order, [&](unsigned a, unsigned b) {
      return buffers[a].firstStep < buffers[b].firstStep;
    });
    return order;
  }
  // Largest first; equal sizes in order of first use (deterministic).
  llvm::stable_sort(order, [&](unsigned a, unsigned b) {
    if (sizes[a] != sizes[b])
      return sizes[a] > sizes[b];
    return buffers[a].firstStep < buffers[b].firstStep;
  });
  return order;
}

/// Places one buffer of `size` among the time-overlapping `placed` intervals
/// [offset, end), sorted by offset, as `algorithm` does.
uint64_t
chooseGreedyOffset(llvm::ArrayRef<std::pair<uint64_t, uint64_t>> placed,
                   uint64_t size, PlacementAlgorithm algorithm) {
  if (algorithm == PlacementAlgorithm::TvmGreedy) {
    uint64_t top = 0;
    for (auto [offset, end] : placed)
      top = std::max(top, end);
    return top;
  }
  bool bestFit = algorithm == PlacementAlgorithm::TfliteArena;
  uint64_t candidate = 0;
  std::optional<uint64_t> best;
  uint64_t bestGap = 0;
  for (auto [offset, end] : placed) {
    if (offset >= candidate && offset - candidate >= size) {
      if (!bestFit)
        return candidate;
      uint64_t gap = offset - candidate;
      if (!best || gap < bestGap) {
        best = candidate;
        bestGap = gap;
      }
    }
    candidate = std::max(candidate, end);
  }
  return best ? *best : candidate;
}

std::vector<uint64_t> placeGreedy(llvm::ArrayRef<BufferLifetime> buffers,
                                  llvm::ArrayRef<uint64_t> sizes,
                                  PlacementAlgorithm algorithm) {
  std::vector<uint64_t> offsets(buffers.size(), 0);
  std::vector<unsigned> placed;
  std::vector<std::pair<uint64_t, uint64_t>> overlapping;
  for (unsigned index : greedyOrder(buffers, sizes, algorithm)) {
    if (sizes[index] == 0)
      continue;
    overlapping.clear();
    for (unsigned other : placed)
      if (overlapInTime(buffers[index], buffers[other]))
        overlapping.emplace_back(offsets[other], offsets[other] + sizes[other]);
    llvm::sort(overlapping);
    offsets[index] = chooseGreedyOffset(overlapping, sizes[index], algorithm);
    placed.push_back(index);
  }
  return offsets;
}

uint64_t arenaEnd(llvm::ArrayRef<uint64_t> offsets,
                  llvm::ArrayRef<uint64_t> sizes) {
  uint64_t end = 0;
  for (auto [offset, size] : llvm::zip_equal(offsets, sizes))
    if (size > 0)
      end = std::max(end, offset + size);
  return end;
}

/// The exact search on one group of buffers whose lifetimes are connected
/// (no step separates them), over compressed time: a section is a run of
/// steps where the same buffers are live.
class ExactSearch {
public:
  ExactSearch(llvm::ArrayRef<BufferLifetime> buffers,
              llvm::ArrayRef<uint64_t> sizes, llvm::ArrayRef<unsigned> members)
      : sizes(sizes), members(members) {
    std::vector<unsigned> points;
    for (unsigned index : members) {
      points.push_back(buffers[index].firstStep);
      points.push_back(buffers[index].lastStep + 1);
    }
    llvm::sort(points);
    points.erase(std::unique(points.begin(), points.end()), points.end());
    auto sectionOf = [&](unsigned step) {
      return std::lower_bound(points.begin(), points.end(), step) -
             points.begin();
    };
    floor.assign(points.size(), 0);
    unplacedLive.assign(points.size(), 0);
    for (unsigned index : members) {
      unsigned first = sectionOf(buffers[index].firstStep);
      unsigned end = sectionOf(buffers[index].lastStep + 1);
      sections.emplace_back(first, end);
      for (unsigned t = first; t < end; ++t)
        unplacedLive[t] += sizes[index];
    }
    placedAt.assign(members.size(), std::nullopt);
  }

  /// Searches for a placement below `incumbent`, stopping as soon as one is at
  /// most `goal` or when the search's nodes (over all runs) reach `maxNodes`.
  /// Returns whether the search space was exhausted (or the goal met): then the
  /// best found is optimal for this group, up to `goal`.
  bool run(uint64_t incumbent, uint64_t goal,
           std::chrono::steady_clock::time_point deadline, bool hasDeadline,
           uint64_t maxNodes) {
    best = incumbent;
    solution.reset();
    done = stopped = false;
    this->goal = goal;
    this->deadline = deadline;
    this->hasDeadline = hasDeadline;
    this->maxNodes = maxNodes;
    search(0, 0, 0);
    return !stopped;
  }

  /// The best placement found below the incumbent, if any, as offsets of the
  /// members in order.
  const std::optional<std::vector<uint64_t>> &getSolution() const {
    return solution;
  }
  uint64_t getBest() const { return best; }
  uint64_t getNodes() const { return nodes; }

private:
  bool outOfBudget() {
    if (maxNodes && nodes >= maxNodes)
      return true;
    if (hasDeadline && (nodes & 255) == 0 &&
        std::chrono::steady_clock::now() >= deadline)
      return true;
    return false;
  }

  /// Places the remaining buffers at or above `lastOffset`, those at exactly
  /// `lastOffset` only above member `lastIndex` (the order of buffers at one
  /// offset does not matter); `placedCount` are placed.
  void search(unsigned placedCount, uint64_t lastOffset, unsigned lastIndex) {
    if (done || stopped)
      return;
    ++nodes;
    if (outOfBudget()) {
      stopped = true;
      return;
    }
    if (placedCount == members.size()) {
      uint64_t end = *std::max_element(floor.begin(), floor.end());
      if (end < best) {
        best = end;
        solution.emplace();
        for (const std::optional<uint64_t> &offset : placedAt)
          solution->push_back(*offset);
        LLVM_DEBUG(llvm::dbgs() << "[serenity-plan-memory] exact: " << end
                                << " after " << nodes << " nodes\n");
        if (best <= goal)
          done = true;
      }
      return;
    }
    // Every unplaced buffer will sit at or above its current skyline and the
    // last offset; those live in one section are disjoint there.
    struct Candidate {
      unsigned member;
      uint64_t offset;
    };
    llvm::SmallVector<Candidate, 32> candidates;
    lowestStart.assign(floor.size(), ~uint64_t(0));
    // The lowest top of an unplaced buffer at its skyline: nothing goes at or
    // above it next. Otherwise that buffer would sit on nothing but empty
    // space below the next offset and could drop to its skyline: such
    // placements are never the lowest (MiniMalloc's dominance rule).
    uint64_t lowestTop = ~uint64_t(0);
    for (unsigned m = 0, e = members.size(); m < e; ++m) {
      if (placedAt[m])
        continue;
      auto [first, end] = sections[m];
      uint64_t offset = 0;
      for (unsigned t = first; t < end; ++t)
        offset = std::max(offset, floor[t]);
      uint64_t start = std::max(offset, lastOffset);
      for (unsigned t = first; t < end; ++t)
        lowestStart[t] = std::min(lowestStart[t], start);
      lowestTop = std::min(lowestTop, offset + sizes[members[m]]);
      if (offset < lastOffset || (offset == lastOffset && m < lastIndex))
        continue;
      candidates.push_back({m, offset});
    }
    for (unsigned t = 0, e = floor.size(); t < e; ++t)
      if (unplacedLive[t] && lowestStart[t] + unplacedLive[t] >= best)
        return;
    llvm::erase_if(candidates, [&](const Candidate &candidate) {
      return candidate.offset >= lowestTop;
    });
    llvm::sort(candidates, [&](const Candidate &a, const Candidate &b) {
      if (a.offset != b.offset)
        return a.offset < b.offset;
      uint64_t sizeA = sizes[members[a.member]],
               sizeB = sizes[members[b.member]];
      if (sizeA != sizeB)
        return sizeA > sizeB;
      unsigned lengthA = sections[a.member].second - sections[a.member].first;
      unsigned lengthB = sections[b.member].second - sections[b.member].first;
      if (lengthA != lengthB)
        return lengthA > lengthB;
      return a.member < b.member;
    });

    llvm::SmallVector<uint64_t, 16> saved;
    for (unsigned c = 0, e = candidates.size(); c < e; ++c) {
      auto [member, offset] = candidates[c];
      uint64_t size = sizes[members[member]];
      auto [first, end] = sections[member];
      // Interchangeable buffers (same size, same lifetime, same height) are
      // tried once.
      if (c > 0 && candidates[c - 1].offset == offset &&
          sizes[members[candidates[c - 1].member]] == size &&
          sections[candidates[c - 1].member] == sections[member])
        continue;
      if (offset + size >= best)
        continue;
      saved.assign(floor.begin() + first, floor.begin() + end);
      for (unsigned t = first; t < end; ++t) {
        floor[t] = offset + size;
        unplacedLive[t] -= size;
      }
      placedAt[member] = offset;
      search(placedCount + 1, offset, member);
      placedAt[member] = std::nullopt;
      for (unsigned t = first; t < end; ++t) {
        floor[t] = saved[t - first];
        unplacedLive[t] += size;
      }
      if (done || stopped)
        return;
    }
  }

  llvm::ArrayRef<uint64_t> sizes;
  llvm::ArrayRef<unsigned> members;
  std::vector<std::pair<unsigned, unsigned>> sections;
  std::vector<uint64_t> floor;
  std::vector<uint64_t> unplacedLive;
  /// Scratch: per section, the lowest offset an unplaced buffer can take.
  std::vector<uint64_t> lowestStart;
  std::vector<std::optional<uint64_t>> placedAt;
  std::optional<std::vector<uint64_t>> solution;
  uint64_t best = 0;
  uint64_t goal = 0;
  uint64_t nodes = 0;
  uint64_t maxNodes = 0;
  std::chrono::steady_clock::time_point deadline;
  bool hasDeadline = false;
  bool done = false;
  bool stopped = false;
};

/// Groups of buffers whose lifetimes chain together; buffers of different
/// groups never share a step, so each group can be placed on its own.
std::vector<std::vector<unsigned>>
connectedGroups(llvm::ArrayRef<BufferLifetime> buffers,
                llvm::ArrayRef<uint64_t> sizes) {
  std::vector<unsigned> order;
  for (unsigned i = 0, e = buffers.size(); i < e; ++i)
    if (sizes[i] > 0)
      order.push_back(i);
  llvm::stable_sort(order, [&](unsigned a, unsigned b) {
    return buffers[a].firstStep < buffers[b].firstStep;
  });
  std::vector<std::vector<unsigned>> groups;
  unsigned reach = 0;
  for (unsigned index : order) {
    if (groups.empty() || buffers[index].firstStep > reach)
      groups.emplace_back();
    groups.back().push_back(index);
    reach = groups.back().size() == 1
                ? buffers[index].lastStep
                : std::max(reach, buffers[index].lastStep);
  }
  return groups;
}

Placement placeExactly(llvm::ArrayRef<BufferLifetime> buffers,
                       llvm::ArrayRef<uint64_t> sizes,
                       const PlacementOptions &options, uint64_t bound) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::milliseconds(options.timeLimitMs);

  // The best greedy, per group: groups never share a step, so any mix of the
  // greedies' group placements is a placement.
  std::vector<std::pair<PlacementAlgorithm, std::vector<uint64_t>>> greedies;
  for (PlacementAlgorithm algorithm : allPlacementAlgorithms())
    if (algorithm != PlacementAlgorithm::Exact)
      greedies.emplace_back(algorithm, placeGreedy(buffers, sizes, algorithm));

  Placement result;
  result.offsets.assign(buffers.size(), 0);
  result.liveBytesBound = bound;
  // What the whole arena needs at least: the bound, raised by every group's
  // proven optimum.
  uint64_t provenFloor = bound;
  bool allProven = true;
  // The algorithm whose placement every group kept, while there is one.
  std::optional<PlacementAlgorithm> producedBy;
  bool mixed = false;
  auto keptFrom = [&](PlacementAlgorithm algorithm) {
    mixed |= producedBy && *producedBy != algorithm;
    producedBy = algorithm;
  };
  for (const std::vector<unsigned> &group : connectedGroups(buffers, sizes)) {
    unsigned bestGreedy = 0;
    uint64_t bestEnd = ~uint64_t(0);
    for (unsigned g = 0, e = greedies.size(); g < e; ++g) {
      uint64_t end = 0;
      for (unsigned index : group)
        end = std::max(end, greedies[g].second[index] + sizes[index]);
      if (end < bestEnd) {
        bestEnd = end;
        bestGreedy = g;
      }
    }
    for (unsigned index : group)
      result.offsets[index] = greedies[bestGreedy].second[index];
    if (bestEnd <= provenFloor) {
      keptFrom(greedies[bestGreedy].first);
      continue;
    }
    // First the decision at the floor, where the section bound prunes
    // hardest (it is usually feasible); then the branch and bound from the
    // greedy's arena down.
    ExactSearch search(buffers, sizes, group);
    bool limited = options.timeLimitMs != 0;
    auto now = std::chrono::steady_clock::now();
    uint64_t nodeBudget =
        options.maxNodes
            ? std::max<uint64_t>(
                  1, options.maxNodes -
                         std::min(options.maxNodes, result.searchNodes))
            : 0;
    bool exhausted =
        search.run(provenFloor + 1, provenFloor, now + (deadline - now) / 2,
                   limited, (nodeBudget + 1) / 2);
    if (!search.getSolution()) {
      uint64_t goal = exhausted ? provenFloor + 1 : provenFloor;
      exhausted = search.run(bestEnd, goal, deadline, limited, nodeBudget);
    }
    result.searchNodes += search.getNodes();
    if (const auto &solution = search.getSolution()) {
      for (auto [index, offset] : llvm::zip_equal(group, *solution))
        result.offsets[index] = offset;
      keptFrom(PlacementAlgorithm::Exact);
    } else {
      keptFrom(greedies[bestGreedy].first);
    }
    if (exhausted)
      provenFloor = std::max(provenFloor, search.getBest());
    else
      allProven = false;
  }
  result.arenaBytes = arenaEnd(result.offsets, sizes);
  result.status = result.arenaBytes <= provenFloor || allProven
                      ? ScheduleStatus::Optimal
                      : ScheduleStatus::BestFound;
  result.producedBy =
      mixed || !producedBy ? PlacementAlgorithm::Exact : *producedBy;
  return result;
}

} // namespace

uint64_t serenity::computeLiveBytesBound(llvm::ArrayRef<BufferLifetime> buffers,
                                         uint64_t alignment) {
  // Sweep the starts and ends: +size at firstStep, -size after lastStep.
  std::vector<std::pair<uint64_t, int64_t>> events;
  for (const BufferLifetime &buffer : buffers) {
    int64_t size = alignBytes(buffer.bytes, alignment);
    if (size == 0)
      continue;
    events.emplace_back(uint64_t(buffer.firstStep) * 2 + 1, size);
    events.emplace_back(uint64_t(buffer.lastStep) * 2 + 2, -size);
  }
  // At one time point, ends (even) sort before starts (odd) of the next step.
  llvm::sort(events);
  int64_t live = 0, peak = 0;
  for (auto [time, delta] : events) {
    live += delta;
    peak = std::max(peak, live);
  }
  return peak;
}

Placement serenity::placeBuffers(llvm::ArrayRef<BufferLifetime> buffers,
                                 const PlacementOptions &options) {
  std::vector<uint64_t> sizes = alignedSizes(buffers, options.alignment);
  uint64_t bound = computeLiveBytesBound(buffers, options.alignment);
  if (options.algorithm == PlacementAlgorithm::Exact)
    return placeExactly(buffers, sizes, options, bound);
  Placement result;
  result.offsets = placeGreedy(buffers, sizes, options.algorithm);
  result.arenaBytes = arenaEnd(result.offsets, sizes);
  result.liveBytesBound = bound;
  result.producedBy = options.algorithm;
  result.status = ScheduleStatus::Heuristic;
  return result;
}
