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
// FitSearch decides whether such an order exists within a capacity, and
// FitPortfolio runs several such searches in turn; placeExactly bisects the
// capacity between the live-bytes bound and the best arena found, starting at
// the bound.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/Placement.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/thread.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <numeric>

#define DEBUG_TYPE "serenity-plan-memory"

using namespace serenity;

template <>
llvm::ArrayRef<EnumName<PlacementAlgorithm>>
serenity::getEnumNames<PlacementAlgorithm>() {
  static const EnumName<PlacementAlgorithm> names[] = {
      {PlacementAlgorithm::Exact, "exact",
       "the lowest arena, proven optimal, or the best found at a limit"},
      {PlacementAlgorithm::TflmGreedy, "tflm-greedy",
       "TensorFlow Lite Micro's greedy planner"},
      {PlacementAlgorithm::TfliteArena, "tflite-arena",
       "TensorFlow Lite's arena planner (best fit)"},
      {PlacementAlgorithm::TvmGreedy, "tvm-greedy",
       "TVM USMP's greedy_by_size"},
      {PlacementAlgorithm::IreeInOrder, "iree-in-order",
       "IREE's in-order packing"},
  };
  return names;
}

llvm::ArrayRef<PlacementAlgorithm> serenity::allPlacementAlgorithms() {
  static const std::vector<PlacementAlgorithm> all = [] {
    std::vector<PlacementAlgorithm> values;
    for (const EnumName<PlacementAlgorithm> &entry :
         getEnumNames<PlacementAlgorithm>())
      values.push_back(entry.value);
    return values;
  }();
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
  // Largest first. TFLite Micro's planner fills its sort array from the
  // end and bubble-sorts it stably: among equal sizes, the buffer it was
  // given last goes first. Numbered in first-use order (as TFLM numbers
  // the tensors of a model in operator order), that is the latest first
  // use first. The others take equal sizes in order of first use.
  bool lastFirst = algorithm == PlacementAlgorithm::TflmGreedy;
  llvm::stable_sort(order, [&](unsigned a, unsigned b) {
    if (sizes[a] != sizes[b])
      return sizes[a] > sizes[b];
    if (buffers[a].firstStep != buffers[b].firstStep)
      return lastFirst ? buffers[a].firstStep > buffers[b].firstStep
                       : buffers[a].firstStep < buffers[b].firstStep;
    return lastFirst && a > b;
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

/// One depth-first search of the portfolio: a preordering, with or without
/// dynamic decomposition, forward or backward in time. A preordering is how
/// the search breaks ties between buffers that can go at the same offset, as
/// MiniMalloc's static preorderings: each letter a key, largest first, then
/// the earliest start. T: the most bytes live in one of its sections, E: the
/// latest end, Z: size, L: the sections it spans, A: area (bytes x steps).
struct SearchRun {
  llvm::StringLiteral preordering;
  bool decomposing;
  bool backward;
};

/// The portfolio's runs, in the order they take turns. Different instances
/// favour different runs, and where one reaches the bound it nearly always
/// does so in its first dive, with no backtracking. The first five between
/// them reach the bound in their first dive on every zoo model (a matrix of
/// every run on every model; benchmarks/README.md); the other combinations
/// follow for the instances they miss.
constexpr SearchRun kSearchRuns[] = {
    {"TE", true, false},  {"TZ", false, true},  {"TL", true, true},
    {"TA", true, true},   {"E", true, false},   {"TE", true, true},
    {"TE", false, false}, {"TE", false, true},  {"TZ", true, false},
    {"TZ", true, true},   {"TZ", false, false}, {"TL", true, false},
    {"TL", false, false}, {"TL", false, true},  {"TA", true, false},
    {"TA", false, false}, {"TA", false, true},  {"E", true, true},
    {"E", false, false},  {"E", false, true}};

/// Decides whether one group of buffers whose lifetimes are connected (no step
/// separates them) fits a given capacity, by depth-first search over canonical
/// placements in compressed time (a section is a run of steps where the same
/// buffers are live). Pruning, after MiniMalloc (Moffitt, ASPLOS'23):
///   - section inference: in each section, the unplaced bytes stacked on the
///     lowest offset any of them can still take must fit;
///   - dominance: nothing goes at or above the lowest top of an unplaced
///     buffer at its skyline (that buffer could drop into the gap);
///   - hatless pruning: when the buffer just placed overlaps no unplaced
///     buffer, it was placed as low as it can ever go and blocks nobody, so
///     if the rest fails, no other choice at this node can succeed;
///   - dynamic decomposition: once every buffer crossing a section boundary
///     is placed, the two sides are independent problems, solved one after
///     the other instead of interleaved.
class FitSearch {
public:
  enum class Outcome { Fits, DoesNotFit, Stopped };

  FitSearch(llvm::ArrayRef<BufferLifetime> buffers,
            llvm::ArrayRef<uint64_t> alignedSizes,
            llvm::ArrayRef<unsigned> members) {
    std::vector<unsigned> points;
    for (unsigned index : members) {
      points.push_back(buffers[index].firstStep);
      points.push_back(buffers[index].lastStep + 1);
    }
    llvm::sort(points);
    points.erase(std::unique(points.begin(), points.end()), points.end());
    auto sectionOf = [&](unsigned step) -> unsigned {
      return std::lower_bound(points.begin(), points.end(), step) -
             points.begin();
    };
    unsigned numSections = points.size() - 1;
    initialTotal.assign(numSections, 0);
    initialCuts.assign(numSections, 0);
    for (unsigned index : members) {
      Item item;
      item.size = alignedSizes[index];
      item.firstSection = sectionOf(buffers[index].firstStep);
      item.endSection = sectionOf(buffers[index].lastStep + 1);
      item.steps = buffers[index].lastStep - buffers[index].firstStep + 1;
      for (unsigned s = item.firstSection; s < item.endSection; ++s)
        initialTotal[s] += item.size;
      for (unsigned s = item.firstSection; s + 1 < item.endSection; ++s)
        ++initialCuts[s];
      items.push_back(item);
    }
    itemsIn.resize(numSections);
    checkedAt.assign(numSections, 0);
    for (unsigned i = 0, e = items.size(); i < e; ++i)
      for (unsigned s = items[i].firstSection; s < items[i].endSection; ++s) {
        itemsIn[s].push_back(i);
        items[i].mostLive = std::max(items[i].mostLive, initialTotal[s]);
      }
    for (unsigned a = 0, e = items.size(); a < e; ++a)
      for (unsigned b = a + 1; b < e; ++b)
        if (items[a].firstSection < items[b].endSection &&
            items[b].firstSection < items[a].endSection) {
          items[a].overlaps.push_back(b);
          items[b].overlaps.push_back(a);
        }
  }

  /// One depth-first search for a placement within `capacity`, stopped after
  /// `nodeLimit` nodes or at the deadline.
  Outcome run(uint64_t capacity, llvm::StringRef preordering, bool decomposing,
              uint64_t nodeLimit,
              std::optional<std::chrono::steady_clock::time_point> deadline) {
    this->capacity = capacity;
    this->deadline = deadline;
    decompose = decomposing;
    runNodesLeft = nodeLimit;
    deadlinePassed = false;
    rankItems(preordering);
    offset.assign(items.size(), kUnplaced);
    minOffset.assign(items.size(), 0);
    total = initialTotal;
    cuts = initialCuts;
    trail.clear();
    Partition whole;
    whole.firstSection = 0;
    whole.endSection = initialTotal.size();
    whole.items.resize(items.size());
    std::iota(whole.items.begin(), whole.items.end(), 0);
    // The search recurses once per item it places (and once more where it
    // splits into parts), about a kilobyte a level: a patched network's
    // thousands of buffers overflow a thread's default stack. Large groups
    // are searched on a thread with a stack sized for them.
    Outcome outcome = Outcome::Stopped;
    if (items.size() <= kItemsOnCallersStack) {
      outcome = search(whole, 0, 0, true);
    } else {
      llvm::thread searching(
          std::optional<unsigned>(std::min<uint64_t>(
              kStackBytesPerItem * items.size() + kStackBytesBase,
              std::numeric_limits<unsigned>::max())),
          [&] { outcome = search(whole, 0, 0, true); });
      searching.join();
    }
    if (outcome == Outcome::Fits) {
      solution = offset;
      solutionEnd = 0;
      for (auto [item, itemOffset] : llvm::zip_equal(items, offset))
        solutionEnd = std::max(solutionEnd, itemOffset + item.size);
    }
    return outcome;
  }

  bool passedDeadline() const { return deadlinePassed; }

  /// The offsets of the last placement that fit, in the order of the members.
  llvm::ArrayRef<uint64_t> getSolution() const { return solution; }
  uint64_t getSolutionEnd() const { return solutionEnd; }
  uint64_t getNodes() const { return nodes; }

private:
  static constexpr uint64_t kUnplaced = ~uint64_t(0);
  /// The search's stack: at most two frames of under 1 KiB per item.
  static constexpr size_t kItemsOnCallersStack = 256;
  static constexpr uint64_t kStackBytesPerItem = 4096,
                            kStackBytesBase = 1 << 20;

  struct Item {
    uint64_t size = 0;
    unsigned firstSection = 0, endSection = 0;
    unsigned steps = 0;
    /// The most bytes live in one of its sections (preordering key T).
    uint64_t mostLive = 0;
    std::vector<unsigned> overlaps;
  };

  /// A subproblem: the unplaced buffers live in a range of sections that no
  /// unplaced buffer outside it crosses.
  struct Partition {
    unsigned firstSection = 0, endSection = 0;
    std::vector<unsigned> items;
  };

  /// One undoable change of the search state.
  struct Change {
    enum Kind : uint8_t { Offset, MinOffset, Total, Cut } kind;
    unsigned index;
    uint64_t previous;
  };

  void rankItems(llvm::StringRef preordering) {
    auto key = [&](unsigned i, char letter) -> uint64_t {
      switch (letter) {
      case 'T':
        return items[i].mostLive;
      case 'E':
        return items[i].endSection;
      case 'A':
        return items[i].size * items[i].steps;
      case 'Z':
        return items[i].size;
      case 'L':
        return items[i].endSection - items[i].firstSection;
      }
      llvm_unreachable("unknown preordering key");
    };
    std::vector<unsigned> order(items.size());
    std::iota(order.begin(), order.end(), 0);
    llvm::stable_sort(order, [&](unsigned a, unsigned b) {
      for (char letter : preordering)
        if (key(a, letter) != key(b, letter))
          return key(a, letter) > key(b, letter);
      // Then the earliest start, so that ties follow time in either
      // direction of it.
      return items[a].firstSection < items[b].firstSection;
    });
    rank.assign(items.size(), 0);
    for (unsigned position = 0, e = order.size(); position < e; ++position)
      rank[order[position]] = position;
  }

  bool outOfBudget() {
    if (runNodesLeft == 0)
      return true;
    --runNodesLeft;
    ++nodes;
    if (deadline && (nodes & 255) == 0 &&
        std::chrono::steady_clock::now() >= *deadline)
      deadlinePassed = true;
    return deadlinePassed;
  }

  /// Places item `i` at `at`. Returns whether an unplaced buffer overlaps it;
  /// appends the section boundaries that no unplaced buffer crosses any more,
  /// and the unplaced items whose skyline rose.
  bool place(unsigned i, uint64_t at,
             llvm::SmallVectorImpl<unsigned> &cutPoints,
             llvm::SmallVectorImpl<unsigned> &raised) {
    const Item &item = items[i];
    trail.push_back({Change::Offset, i, offset[i]});
    offset[i] = at;
    uint64_t top = at + item.size;
    for (unsigned s = item.firstSection; s < item.endSection; ++s) {
      trail.push_back({Change::Total, s, total[s]});
      total[s] -= item.size;
    }
    for (unsigned s = item.firstSection; s + 1 < item.endSection; ++s) {
      trail.push_back({Change::Cut, s, cuts[s]});
      if (--cuts[s] == 0)
        cutPoints.push_back(s + 1);
    }
    bool covered = false;
    for (unsigned other : item.overlaps) {
      if (offset[other] != kUnplaced)
        continue;
      covered = true;
      if (minOffset[other] < top) {
        trail.push_back({Change::MinOffset, other, minOffset[other]});
        minOffset[other] = top;
        raised.push_back(other);
      }
    }
    return covered;
  }

  /// Section inference, part two: in every section, the unplaced bytes
  /// stacked on the lowest skyline of an unplaced item there must fit. Only
  /// the sections of the item just placed and of the items it raised can
  /// have changed since the last check.
  bool skylinesFit(unsigned placed, llvm::ArrayRef<unsigned> raised) {
    ++stamp;
    auto sectionFits = [&](unsigned s) {
      if (checkedAt[s] == stamp || total[s] == 0)
        return true;
      checkedAt[s] = stamp;
      uint64_t lowest = kUnplaced;
      for (unsigned other : itemsIn[s])
        if (offset[other] == kUnplaced)
          lowest = std::min(lowest, minOffset[other]);
      return lowest + total[s] <= capacity;
    };
    auto itemFits = [&](unsigned i) {
      for (unsigned s = items[i].firstSection; s < items[i].endSection; ++s)
        if (!sectionFits(s))
          return false;
      return true;
    };
    return itemFits(placed) && llvm::all_of(raised, itemFits);
  }

  void undoTo(size_t mark) {
    while (trail.size() > mark) {
      Change change = trail.back();
      trail.pop_back();
      switch (change.kind) {
      case Change::Offset:
        offset[change.index] = change.previous;
        break;
      case Change::MinOffset:
        minOffset[change.index] = change.previous;
        break;
      case Change::Total:
        total[change.index] = change.previous;
        break;
      case Change::Cut:
        cuts[change.index] = change.previous;
        break;
      }
    }
  }

  /// Places the unplaced items of `partition` at or above `lastOffset`; at
  /// exactly `lastOffset` only items ranked after `lastRank` (the order of
  /// items at one offset does not matter). On success the placement stays in
  /// the state; otherwise the state is as it was.
  Outcome search(const Partition &partition, uint64_t lastOffset,
                 unsigned lastRank, bool lastOffsetRose) {
    if (outOfBudget())
      return Outcome::Stopped;
    llvm::SmallVector<unsigned, 64> unplaced;
    for (unsigned i : partition.items)
      if (offset[i] == kUnplaced)
        unplaced.push_back(i);
    if (unplaced.empty())
      return Outcome::Fits;

    // Section inference, part one: nothing goes below the last offset any
    // more, so the unplaced bytes of every section must fit above it (checked
    // when the last offset rose: totals only fall). Part two, the lowest
    // skyline of each section, is checked where it changes: after each
    // placement.
    if (lastOffsetRose)
      for (unsigned s = partition.firstSection; s < partition.endSection; ++s)
        if (total[s] && lastOffset + total[s] > capacity)
          return Outcome::DoesNotFit;
    // Dominance: nothing goes at or above the lowest top of an unplaced item
    // at its skyline.
    uint64_t lowestTop = kUnplaced;
    for (unsigned i : unplaced)
      lowestTop = std::min(lowestTop, minOffset[i] + items[i].size);

    llvm::SmallVector<unsigned, 64> candidates;
    for (unsigned i : unplaced) {
      uint64_t at = minOffset[i];
      if (at < lastOffset || (at == lastOffset && rank[i] < lastRank))
        continue;
      if (at >= lowestTop || at + items[i].size > capacity)
        continue;
      candidates.push_back(i);
    }
    // Lowest first, then by rank; taken from a heap since the first few
    // usually decide the node.
    auto later = [&](unsigned a, unsigned b) {
      if (minOffset[a] != minOffset[b])
        return minOffset[a] > minOffset[b];
      return rank[a] > rank[b];
    };
    std::make_heap(candidates.begin(), candidates.end(), later);

    llvm::SmallVector<unsigned, 8> cutPoints;
    llvm::SmallVector<unsigned, 32> raised;
    std::optional<unsigned> previous;
    while (!candidates.empty()) {
      std::pop_heap(candidates.begin(), candidates.end(), later);
      unsigned i = candidates.pop_back_val();
      // Interchangeable buffers (same size, same lifetime, same height) are
      // tried once.
      if (previous) {
        unsigned previousItem = *std::exchange(previous, i);
        if (minOffset[previousItem] == minOffset[i] &&
            items[previousItem].size == items[i].size &&
            items[previousItem].firstSection == items[i].firstSection &&
            items[previousItem].endSection == items[i].endSection)
          continue;
      } else {
        previous = i;
      }
      size_t mark = trail.size();
      cutPoints.clear();
      raised.clear();
      uint64_t at = minOffset[i];
      bool covered = place(i, at, cutPoints, raised);
      Outcome outcome = Outcome::DoesNotFit;
      if (skylinesFit(i, raised))
        outcome = cutPoints.empty() || !decompose
                      ? search(partition, at, rank[i], at > lastOffset)
                      : searchParts(partition, cutPoints);
      if (outcome == Outcome::Fits)
        return outcome;
      undoTo(mark);
      if (outcome == Outcome::Stopped || !covered)
        return outcome;
    }
    return Outcome::DoesNotFit;
  }

  /// Solves the pieces of `partition` between `cutPoints` one by one.
  Outcome searchParts(const Partition &partition,
                      llvm::SmallVectorImpl<unsigned> &cutPoints) {
    llvm::sort(cutPoints);
    size_t mark = trail.size();
    unsigned first = partition.firstSection;
    for (unsigned c = 0, e = cutPoints.size(); c <= e; ++c) {
      Partition part;
      part.firstSection = first;
      part.endSection = c < e ? cutPoints[c] : partition.endSection;
      first = part.endSection;
      for (unsigned i : partition.items)
        if (offset[i] == kUnplaced && items[i].firstSection < part.endSection &&
            part.firstSection < items[i].endSection)
          part.items.push_back(i);
      if (part.items.empty())
        continue;
      Outcome outcome = search(part, 0, 0, false);
      if (outcome != Outcome::Fits) {
        undoTo(mark);
        return outcome;
      }
    }
    return Outcome::Fits;
  }

  std::vector<Item> items;
  std::vector<uint64_t> initialTotal;
  std::vector<unsigned> initialCuts;
  std::vector<unsigned> rank;

  uint64_t capacity = 0;
  /// Whether independent parts are searched one after the other.
  bool decompose = true;
  std::vector<uint64_t> offset;
  /// Per item, its skyline: the highest top of a placed overlapping item.
  std::vector<uint64_t> minOffset;
  /// Per section, the bytes of its unplaced items.
  std::vector<uint64_t> total;
  /// Per section boundary (between s and s + 1), the unplaced items crossing.
  std::vector<unsigned> cuts;
  std::vector<Change> trail;
  /// Per section, the items live in it.
  std::vector<std::vector<unsigned>> itemsIn;
  /// Per section, the check that last looked at it (to look once per check).
  std::vector<uint64_t> checkedAt;
  uint64_t stamp = 0;

  std::vector<uint64_t> solution;
  uint64_t solutionEnd = 0;
  uint64_t nodes = 0;
  uint64_t runNodesLeft = 0;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool deadlinePassed = false;
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

/// Decides whether one group fits a capacity with a portfolio of searches
/// (kSearchRuns). Reversing time gives the same problem (a placement of
/// the reversed lifetimes is one of the originals), but the search meets its
/// decisions in another order: parts are solved from the last one, and the
/// keys rank differently. Some zoo models place at the bound in one dive in
/// one direction and not within seconds in the other (amoebanet_cifar,
/// darts_v2_imagenet; benchmarks/README.md). The runs take turns with node
/// limits that double from twice the group's size, until one completes, the
/// deadline passes or the nodes of this call reach `maxNodes` (0: no limit).
class FitPortfolio {
public:
  using Outcome = FitSearch::Outcome;

  FitPortfolio(llvm::ArrayRef<BufferLifetime> buffers,
               llvm::ArrayRef<BufferLifetime> reversedBuffers,
               llvm::ArrayRef<uint64_t> alignedSizes,
               llvm::ArrayRef<unsigned> members)
      : directions{FitSearch(buffers, alignedSizes, members),
                   FitSearch(reversedBuffers, alignedSizes, members)},
        groupSize(members.size()) {}

  Outcome decide(uint64_t capacity,
                 std::optional<std::chrono::steady_clock::time_point> deadline,
                 uint64_t maxNodes) {
    uint64_t callStart = getNodes();
    for (uint64_t limit = 2 * groupSize;; limit *= 2) {
      for (const SearchRun &searchRun : kSearchRuns) {
        FitSearch &search = directions[searchRun.backward];
        uint64_t runLimit = limit;
        if (maxNodes)
          runLimit = std::min(runLimit, callStart + maxNodes - getNodes());
        Outcome outcome = search.run(capacity, searchRun.preordering,
                                     searchRun.decomposing, runLimit, deadline);
        if (outcome == Outcome::Fits)
          solvedBy = &search;
        if (outcome != Outcome::Stopped)
          return outcome;
        if (search.passedDeadline() ||
            (maxNodes && getNodes() - callStart >= maxNodes))
          return Outcome::Stopped;
      }
    }
  }

  /// The offsets of the last placement that fit, in the order of the members.
  llvm::ArrayRef<uint64_t> getSolution() const {
    return solvedBy->getSolution();
  }
  uint64_t getSolutionEnd() const { return solvedBy->getSolutionEnd(); }
  uint64_t getNodes() const {
    return directions[0].getNodes() + directions[1].getNodes();
  }

private:
  FitSearch directions[2];
  size_t groupSize;
  const FitSearch *solvedBy = nullptr;
};

/// The same lifetimes with time running backwards.
std::vector<BufferLifetime>
reverseTime(llvm::ArrayRef<BufferLifetime> buffers) {
  unsigned lastStep = 0;
  for (const BufferLifetime &buffer : buffers)
    lastStep = std::max(lastStep, buffer.lastStep);
  std::vector<BufferLifetime> reversed(buffers.begin(), buffers.end());
  for (BufferLifetime &buffer : reversed)
    buffer = {buffer.bytes, lastStep - buffer.lastStep,
              lastStep - buffer.firstStep};
  return reversed;
}

Placement placeExactly(llvm::ArrayRef<BufferLifetime> buffers,
                       llvm::ArrayRef<uint64_t> sizes,
                       const PlacementOptions &options, uint64_t bound) {
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> deadline;
  if (options.timeLimitMs)
    deadline = Clock::now() + std::chrono::milliseconds(options.timeLimitMs);

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
  std::vector<BufferLifetime> reversedBuffers = reverseTime(buffers);
  // Every capacity is a multiple of the alignment: so are all sizes.
  uint64_t unit = std::max<uint64_t>(options.alignment, 1);
  for (const std::vector<unsigned> &group : connectedGroups(buffers, sizes)) {
    unsigned bestGreedy = 0;
    uint64_t high = ~uint64_t(0);
    for (unsigned g = 0, e = greedies.size(); g < e; ++g) {
      uint64_t end = 0;
      for (unsigned index : group)
        end = std::max(end, greedies[g].second[index] + sizes[index]);
      if (end < high) {
        high = end;
        bestGreedy = g;
      }
    }
    for (unsigned index : group)
      result.offsets[index] = greedies[bestGreedy].second[index];
    if (high <= provenFloor) {
      keptFrom(greedies[bestGreedy].first);
      continue;
    }
    // Binary search on the capacity between the floor and the best arena
    // found, starting at the floor (where the section bound prunes hardest,
    // and which usually fits). Capacities below `low` are proven too small;
    // those below `tried` were tried.
    FitPortfolio search(buffers, reversedBuffers, sizes, group);
    uint64_t low = provenFloor, tried = provenFloor, probe = provenFloor;
    bool improved = false;
    while (probe < high) {
      std::optional<Clock::time_point> probeDeadline;
      if (deadline) {
        Clock::time_point now = Clock::now();
        if (now >= *deadline)
          break;
        probeDeadline = now + (*deadline - now) / 2;
      }
      uint64_t nodeBudget = 0;
      if (options.maxNodes) {
        uint64_t used = result.searchNodes + search.getNodes();
        if (used >= options.maxNodes)
          break;
        nodeBudget = std::max<uint64_t>(1, (options.maxNodes - used) / 2);
      }
      switch (search.decide(probe, probeDeadline, nodeBudget)) {
      case FitPortfolio::Outcome::Fits:
        high = search.getSolutionEnd();
        for (auto [index, offset] :
             llvm::zip_equal(group, search.getSolution()))
          result.offsets[index] = offset;
        improved = true;
        break;
      case FitPortfolio::Outcome::DoesNotFit:
        low = std::max(low, probe + unit);
        tried = std::max(tried, low);
        break;
      case FitPortfolio::Outcome::Stopped:
        tried = probe + unit;
        break;
      }
      if (tried >= high)
        break;
      probe = tried + (high - tried) / 2 / unit * unit;
    }
    result.searchNodes += search.getNodes();
    keptFrom(improved ? PlacementAlgorithm::Exact : greedies[bestGreedy].first);
    if (low >= high)
      provenFloor = std::max(provenFloor, high);
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
