//===- BandPlanner.cpp - Patches of a group of ops ------------------------===//

#include "serenity/Core/BandPlanner.h"

using namespace serenity;

std::vector<PatchPlan> serenity::planBands(llvm::ArrayRef<BandOp> ops,
                                           Grid grid, bool cacheHalos) {
  // The axis halos are cached along, and the other one.
  bool alongCols = grid.cols > 1;
  auto along = [&](Tile &tile) -> RowRange & {
    return alongCols ? tile.cols : tile.rows;
  };
  auto across = [&](const Tile &tile) -> const RowRange & {
    return alongCols ? tile.rows : tile.cols;
  };
  std::vector<PatchPlan> plans;
  // Per op: its last band so far.
  std::vector<Tile> lastBand(ops.size());
  for (unsigned patch = 0, e = grid.count(); patch < e; ++patch) {
    std::vector<Tile> needed(ops.size());
    for (auto [index, op] : llvm::enumerate(ops))
      if (op.exit)
        needed[index].unite(getPatchTile(op.rows, op.cols, patch, grid));
    PatchPlan plan(ops.size());
    // Readers before the ops they read: each op's needs are known when
    // it is reached.
    for (unsigned index = ops.size(); index-- > 0;) {
      const BandOp &op = ops[index];
      BandPlan entry;
      entry.band = entry.computed = needed[index];
      if (entry.band.empty())
        continue;
      Tile last = lastBand[index];
      RowRange lastAlong = along(last), bandAlong = along(entry.band);
      // A band of every column (a pool's window, a map read whole) is the
      // same in every tile of a band of patches: computed again (the rows
      // are recomputed anyway), not held across them as a copy.
      bool cacheable =
          cacheHalos && op.cacheable &&
          !(alongCols && bandAlong.lo == 0 && bandAlong.hi == op.cols);
      if (cacheable && !last.empty() && across(last) == across(entry.band) &&
          lastAlong.lo <= bandAlong.lo && lastAlong.hi > bandAlong.lo) {
        along(entry.band).hi = std::max(bandAlong.hi, lastAlong.hi);
        entry.cached = entry.computed = entry.band;
        along(entry.cached) = {bandAlong.lo, lastAlong.hi};
        along(entry.computed) = {lastAlong.hi, along(entry.band).hi};
      }
      plan[index] = entry;
      if (entry.computed.empty())
        continue;
      for (const BandOp::Input &input : op.inputs) {
        Tile whole = ops[input.op].whole();
        Tile tile = input.read(entry.computed).value_or(whole);
        // Bands of one column of patches hold every column.
        if (grid.cols == 1)
          tile.cols = whole.cols;
        needed[input.op].unite(tile);
      }
    }
    for (auto [index, entry] : llvm::enumerate(plan))
      if (!entry.band.empty())
        lastBand[index] = entry.band;
    plans.push_back(std::move(plan));
  }
  return plans;
}

std::pair<uint64_t, uint64_t>
serenity::countBandMacs(llvm::ArrayRef<BandOp> ops,
                        llvm::ArrayRef<PatchPlan> plans) {
  uint64_t tiled = 0, whole = 0;
  for (auto [index, op] : llvm::enumerate(ops)) {
    // Per row, then per element of a row: exact when whole rows are
    // computed.
    uint64_t perRow = op.macs / op.rows;
    for (const PatchPlan &plan : plans) {
      const Tile &computed = plan[index].computed;
      tiled += perRow * computed.area() / op.cols;
    }
    whole += op.macs;
  }
  return {tiled, whole};
}
