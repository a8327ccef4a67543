//===- BandPlanner.h - Bands of rows of a group of ops ----------*- C++ -*-===//
//
// Patch-based inference plans, for each patch, which rows of each op of a
// group it computes: the values that leave the group are split evenly
// among the patches, and each op computes the rows its readers in the group
// need (halos included), or, with cached halos, only those no earlier patch
// computed. The plan and its MAC count, on plain descriptions of the ops:
// --serenity-tile-spatial emits it, and its search scores it.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_BANDPLANNER_H
#define SERENITY_CORE_BANDPLANNER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace serenity {

/// Rows [lo, hi) of a value.
struct RowRange {
  int64_t lo = 0, hi = 0;
  bool empty() const { return hi <= lo; }
  int64_t size() const { return hi - lo; }
  void unite(RowRange other) {
    if (other.empty())
      return;
    if (empty()) {
      *this = other;
      return;
    }
    lo = std::min(lo, other.lo);
    hi = std::max(hi, other.hi);
  }
  bool operator==(const RowRange &other) const {
    return lo == other.lo && hi == other.hi;
  }
};

/// One op of a group, in program order, with one result.
struct BandOp {
  /// Rows of its result.
  int64_t rows = 0;
  /// Multiply-accumulates of the whole op, proportional to its rows.
  uint64_t macs = 0;
  /// Whether its result leaves the group (then the patches assemble it
  /// whole, each an even share of its rows).
  bool exit = false;
  /// An operand that an earlier op of the group makes.
  struct Input {
    /// The index of that op in the group.
    unsigned op;
    /// The rows of it that rows of this op's result read; none when it is
    /// read whole.
    std::function<std::optional<RowRange>(RowRange)> rowsRead;
  };
  llvm::SmallVector<Input, 2> inputs;
};

/// What an op's result has in one patch: its band (the rows the patch
/// holds, halos included), the rows of the band taken from the cached halo
/// of an earlier patch (a prefix of the band; none when halos are
/// recomputed), and the rows the patch computes (the rest). An empty band:
/// the op does not run in that patch.
struct BandPlan {
  RowRange band, cached, computed;
};

/// One patch: a plan per op of the group, by index.
using PatchPlan = std::vector<BandPlan>;

/// The rows of a value of `rows` rows that patch `patch` of `patches`
/// assembles.
inline RowRange getPatchRows(int64_t rows, unsigned patch, unsigned patches) {
  return {rows * patch / patches, rows * (patch + 1) / patches};
}

/// Every patch's plan, in order. With `cacheHalos`, the rows an op's last
/// band holds of its next one come from that band's halo (when the last
/// band starts no later), and the band keeps every row the last one has
/// beyond its start, so that the next halo has them too.
std::vector<PatchPlan> planBands(llvm::ArrayRef<BandOp> ops, unsigned patches,
                                 bool cacheHalos);

/// The MACs of the group's ops in the patches of `plans` (each op's MACs
/// per row times the rows it computes), and without patches.
std::pair<uint64_t, uint64_t> countBandMacs(llvm::ArrayRef<BandOp> ops,
                                            llvm::ArrayRef<PatchPlan> plans);

} // namespace serenity

#endif // SERENITY_CORE_BANDPLANNER_H
