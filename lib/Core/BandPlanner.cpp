//===- BandPlanner.cpp - Bands of rows of a group of ops ------------------===//

#include "serenity/Core/BandPlanner.h"

using namespace serenity;

std::vector<PatchPlan> serenity::planBands(llvm::ArrayRef<BandOp> ops,
                                           unsigned patches, bool cacheHalos) {
  std::vector<PatchPlan> plans;
  // Per op: its last band so far.
  std::vector<RowRange> lastBand(ops.size());
  for (unsigned patch = 0; patch < patches; ++patch) {
    std::vector<RowRange> needed(ops.size());
    for (auto [index, op] : llvm::enumerate(ops))
      if (op.exit)
        needed[index].unite(getPatchRows(op.rows, patch, patches));
    PatchPlan plan(ops.size());
    // Readers before the ops they read: each op's needs are known when
    // it is reached.
    for (unsigned index = ops.size(); index-- > 0;) {
      const BandOp &op = ops[index];
      BandPlan entry;
      entry.band = entry.computed = needed[index];
      if (entry.band.empty())
        continue;
      RowRange last = lastBand[index];
      if (cacheHalos && !last.empty() && last.lo <= entry.band.lo &&
          last.hi > entry.band.lo) {
        entry.band.hi = std::max(entry.band.hi, last.hi);
        entry.cached = {entry.band.lo, last.hi};
        entry.computed = {last.hi, entry.band.hi};
      }
      plan[index] = entry;
      if (entry.computed.empty())
        continue;
      for (const BandOp::Input &input : op.inputs) {
        std::optional<RowRange> rows = input.rowsRead(entry.computed);
        needed[input.op].unite(rows ? *rows : RowRange{0, ops[input.op].rows});
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
    int64_t computed = 0;
    for (const PatchPlan &plan : plans)
      computed += plan[index].computed.size();
    whole += op.macs;
    tiled += op.macs / op.rows * computed;
  }
  return {tiled, whole};
}
