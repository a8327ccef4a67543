//===- BandPlanner.h - Patches of a group of ops ---------------*- C++ -*-===//
//
// Patch-based inference plans, for each patch, which rows and columns of
// each op of a group it computes: the values that leave the group are split
// evenly among the patches of a grid, and each op computes the tile its
// readers in the group need (halos included), or, with cached halos, only
// the part the patch before did not compute. The plan and its MAC count, on
// plain descriptions of the ops:
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

/// Rows x columns of a value (dimensions 1 and 2 of NHWC).
struct Tile {
  RowRange rows, cols;
  bool empty() const { return rows.empty() || cols.empty(); }
  /// Elements of one channel.
  int64_t area() const { return empty() ? 0 : rows.size() * cols.size(); }
  /// The smallest tile that holds both.
  void unite(Tile other) {
    if (other.empty())
      return;
    if (empty()) {
      *this = other;
      return;
    }
    rows.unite(other.rows);
    cols.unite(other.cols);
  }
  /// Whether `inner` lies within this tile.
  bool contains(const Tile &inner) const {
    return inner.rows.lo >= rows.lo && inner.rows.hi <= rows.hi &&
           inner.cols.lo >= cols.lo && inner.cols.hi <= cols.hi;
  }
  /// `inner`, counted from this tile's corner.
  Tile relative(const Tile &inner) const {
    return {{inner.rows.lo - rows.lo, inner.rows.hi - rows.lo},
            {inner.cols.lo - cols.lo, inner.cols.hi - cols.lo}};
  }
  bool operator==(const Tile &other) const {
    return rows == other.rows && cols == other.cols;
  }
};

/// One op of a group, in program order, with one result.
struct BandOp {
  /// Rows and columns of its result (1 column if it has none).
  int64_t rows = 0, cols = 1;
  /// Multiply-accumulates of the whole op, proportional to its rows times
  /// its columns.
  uint64_t macs = 0;
  /// Whether its result leaves the group (then the patches assemble it
  /// whole, each an even share of its rows and columns).
  bool exit = false;
  /// Whether its halos may be cached. A pad's are not: it costs no MACs
  /// made again from its source's band (whose halo is cached), and read by
  /// its window op alone it is no copy once bufferized (pad-free windows);
  /// nor an empty tensor's.
  bool cacheable = true;
  /// An operand that an earlier op of the group makes.
  struct Input {
    /// The index of that op in the group.
    unsigned op;
    /// The tile of it that a tile of this op's result reads; none when it
    /// is read whole.
    std::function<std::optional<Tile>(Tile)> read;
  };
  llvm::SmallVector<Input, 2> inputs;
  Tile whole() const { return {{0, rows}, {0, cols}}; }
};

/// Patches in a grid: `rows` bands, each cut into `cols` tiles, run row by
/// row.
struct Grid {
  unsigned rows = 1, cols = 1;
  unsigned count() const { return rows * cols; }
};

/// What an op's result has in one patch: its band (the tile the patch
/// holds, halos included), the part of the band taken from the cached halo
/// of the patch before (a prefix of the band along the axis patches
/// advance on; none when halos are recomputed), and the part the patch
/// computes (the rest). An empty band: the op does not run in that patch.
struct BandPlan {
  Tile band, cached, computed;
};

/// One patch: a plan per op of the group, by index.
using PatchPlan = std::vector<BandPlan>;

/// The rows of a value of `rows` rows that patch `patch` of `patches`
/// assembles (also its columns, of a grid's `cols` columns of patches).
inline RowRange getPatchRows(int64_t rows, unsigned patch, unsigned patches) {
  return {rows * patch / patches, rows * (patch + 1) / patches};
}

/// The tile of a value of `rows` x `cols` that patch `patch` (row by row)
/// of `grid` assembles.
inline Tile getPatchTile(int64_t rows, int64_t cols, unsigned patch,
                         Grid grid) {
  return {getPatchRows(rows, patch / grid.cols, grid.rows),
          getPatchRows(cols, patch % grid.cols, grid.cols)};
}

/// Every patch's plan, in order. With `cacheHalos`, halos are cached along
/// the axis patches advance on (columns in a grid of several columns, rows
/// in one of bands), and recomputed along the other: what an op's last
/// band holds of its next one comes from that band's halo (when the two
/// span the same range on the other axis and the last one starts no
/// later), and the band keeps all the last one has beyond its start, so
/// that the next halo has it too.
std::vector<PatchPlan> planBands(llvm::ArrayRef<BandOp> ops, Grid grid,
                                 bool cacheHalos);

/// The MACs of the group's ops in the patches of `plans` (each op's MACs
/// per element of a channel times the elements it computes), and without
/// patches.
std::pair<uint64_t, uint64_t> countBandMacs(llvm::ArrayRef<BandOp> ops,
                                            llvm::ArrayRef<PatchPlan> plans);

} // namespace serenity

#endif // SERENITY_CORE_BANDPLANNER_H
