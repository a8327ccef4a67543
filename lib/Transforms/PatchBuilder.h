//===- PatchBuilder.h - Patches of a group of ops, emitted ------*- C++ -*-===//
//
// The emitter of --serenity-tile-spatial (not a public API): a group of
// consecutive ops of a function body rewritten into patches, each computing
// the tiles (bands of rows, or rows x columns) the planner
// (Core/BandPlanner.h) gives it. The pass's search (TileSpatial.cpp) chooses
// the groups and grids.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_LIB_TRANSFORMS_PATCHBUILDER_H
#define SERENITY_LIB_TRANSFORMS_PATCHBUILDER_H

#include "serenity/Analysis/ComputeCost.h"
#include "serenity/Analysis/RowAccess.h"
#include "serenity/Core/BandPlanner.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

#include <optional>
#include <vector>

namespace serenity {

/// What planning looks up about the ops of the body again and again: how
/// each reads rows, and its MACs. Filled as asked.
class OpFacts {
public:
  const std::optional<RowAccess> &access(mlir::Operation *op) {
    auto [it, inserted] = accesses.try_emplace(op);
    if (inserted)
      it->second = RowAccess::of(op);
    return it->second;
  }
  uint64_t macs(mlir::Operation *op) {
    auto [it, inserted] = macCounts.try_emplace(op, 0);
    if (inserted)
      it->second = countMacs(op);
    return it->second;
  }

private:
  llvm::DenseMap<mlir::Operation *, std::optional<RowAccess>> accesses;
  llvm::DenseMap<mlir::Operation *, uint64_t> macCounts;
};

/// Rewrites the group `ops` (consecutive ops of a function body, in order,
/// constants aside) into the patches of `grid`, emitted patch after patch
/// where the group's last op stood. With `cacheHalos`, a patch copies the
/// part of each band it shares with the next one (the halo: rows in a grid
/// of one column, columns otherwise) into a buffer of its own, and the next
/// patch computes only the rest.
class PatchBuilder {
public:
  /// `facts`: the ops' facts, if known (planning asks for them again and
  /// again).
  PatchBuilder(llvm::ArrayRef<mlir::Operation *> ops, Grid grid,
               bool cacheHalos = false, OpFacts *facts = nullptr);

  /// The MACs of the group's ops once in patches (with halos recomputed or
  /// cached), and without patches.
  std::pair<uint64_t, uint64_t> countGroupMacs() const;

  mlir::LogicalResult run();

  /// Whether the grid fits the group: some value leaves it, each has a
  /// share of rows and columns in every patch, and with several columns of
  /// patches every op tiles columns.
  bool fitsGrid();

private:
  /// Every patch's plan, in order, per op of the group (planBands).
  std::vector<PatchPlan> planPatches() const {
    return planBands(bandOps, grid, cacheHalos);
  }
  /// Whether tiles have some of the columns (otherwise every column).
  bool tilesCols() const { return grid.cols > 1; }
  /// The tile of operand `index` of `op` that `tile` of its result reads;
  /// none: the operand whole.
  std::optional<Tile> readOf(mlir::Operation *op, unsigned index, Tile tile);
  mlir::Value buildBand(mlir::OpBuilder &builder, mlir::Operation *op,
                        Tile tile);
  /// Makes the ops that compute `part` (an exit's share of it in this
  /// patch) write into tile `tile` of `whole`, where it goes, instead of a
  /// buffer of their own: the `tensor.empty` their destinations start from
  /// becomes that slice of `whole`. Returns `part`, replaced if it was that
  /// `tensor.empty` itself. `wholeOps` (in order) make `whole`: they move
  /// before that `tensor.empty` if they come after it.
  mlir::Value computeInto(mlir::OpBuilder &builder, mlir::Value part,
                          mlir::Value whole, Tile tile,
                          llvm::ArrayRef<mlir::Operation *> wholeOps = {});
  /// Tile `tile` of `value` in the current patch, from its band.
  mlir::Value sliceOfBand(mlir::OpBuilder &builder, mlir::Location loc,
                          mlir::Value value, Tile tile);
  /// Copies tile `tile` of `value`'s band into a halo of its own, which
  /// the next patch reads.
  void saveHalo(mlir::OpBuilder &builder, mlir::Value value, Tile tile);

  llvm::SetVector<mlir::Operation *> ops;
  Grid grid;
  bool cacheHalos;
  OpFacts ownFacts;
  OpFacts &facts;
  /// The values that leave the group.
  llvm::SmallVector<mlir::Value> exits;
  /// The group's ops as the planner sees them, in order.
  std::vector<BandOp> bandOps;
  /// Per value of the group, in the current patch: its band and its tile.
  llvm::DenseMap<mlir::Value, std::pair<mlir::Value, Tile>> bands;
  /// Per value of the group whose band has a cached part, in the current
  /// patch: the part computed after it, and its tile.
  llvm::DenseMap<mlir::Value, std::pair<mlir::Value, Tile>> computedParts;
  /// Per value of the group: its cached halo and its tile.
  llvm::DenseMap<mlir::Value, std::pair<mlir::Value, Tile>> halos;
};

} // namespace serenity

#endif // SERENITY_LIB_TRANSFORMS_PATCHBUILDER_H
