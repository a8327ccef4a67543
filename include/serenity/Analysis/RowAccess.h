//===- RowAccess.h - How an op reads rows and columns ----------*- C++ -*-===//
//
// The rows and columns (dimensions 1 and 2: NHWC, and a depthwise
// convolution's NHWCM) of each operand that a tile of an op's result
// reads: what --serenity-tile-spatial bands and tiles ops by. Plain queries
// on the op, tested through the pass (test/Transforms/tile-spatial*.mlir).
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_ROWACCESS_H
#define SERENITY_ANALYSIS_ROWACCESS_H

#include "serenity/Core/BandPlanner.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace serenity {

/// Rows are dimension 1 of every tensor the group computes (NHWC, and the
/// NHWCM of a depthwise convolution).
constexpr unsigned kRowDim = 1;
/// Columns are dimension 2, where there is one.
constexpr unsigned kColDim = 2;

/// Rows of a ranked tensor value.
int64_t rowsOf(mlir::Value value);
/// Columns of a ranked tensor value (1 if it has none).
int64_t colsOf(mlir::Value value);
/// All of `value`'s rows and columns.
inline Tile wholeTile(mlir::Value value) {
  return {{0, rowsOf(value)}, {0, colsOf(value)}};
}

/// Whether `value` is a statically shaped tensor with rows.
bool hasRows(mlir::Value value);
/// Whether `value` is a statically shaped tensor with columns.
bool hasCols(mlir::Value value);

/// How a tileable op maps rows (and columns) of its result to those of its
/// operands.
class RowAccess {
public:
  /// The access of `op`, if the group can band it.
  static std::optional<RowAccess> of(mlir::Operation *op);

  /// Whether tiles of several columns of its result read tiles of its
  /// operands too (otherwise only bands of all columns do).
  bool tilesColumns() const { return columns; }

  /// The tile of operand `index` that result tile `tile` reads; none when
  /// the operand has no rows (weights, biases: read whole). All of its
  /// columns when the op does not tile columns or reads them otherwise.
  std::optional<Tile> operandTile(unsigned index, Tile tile) const;
  /// Rows of operand `index` that result rows `rows` read (of a band of
  /// all columns).
  std::optional<RowRange> operandRows(unsigned index, RowRange rows) const {
    std::optional<Tile> tile =
        operandTile(index, {rows, {0, colsOf(op->getResult(0))}});
    return tile ? std::optional<RowRange>(tile->rows) : std::nullopt;
  }

  /// Linalg: the loops of the result's rows and columns, and every loop's
  /// size.
  unsigned getRowLoop() const { return rowLoop; }
  unsigned getColLoop() const { return colLoop; }
  llvm::ArrayRef<int64_t> getLoopSizes() const { return loopSizes; }
  /// Linalg: whether the op on the operands' bands computes the band (as
  /// it does when every operand reads rows through its rows dimension
  /// alone, from row 0 at loop 0, and the body does not read the loop
  /// indices), so that a clone of it on them is its tiled implementation.
  bool isBandedByClone() const { return bandedByClone; }
  /// Linalg: the same for tiles of some of the columns.
  bool isTiledByClone() const { return bandedByClone && tiledByClone; }

private:
  mlir::Operation *op = nullptr;
  /// Linalg: the loops of the result's rows and columns.
  unsigned rowLoop = 0, colLoop = 0;
  llvm::SmallVector<int64_t> loopSizes;
  bool columns = false;
  bool bandedByClone = false, tiledByClone = false;
};

} // namespace serenity

#endif // SERENITY_ANALYSIS_ROWACCESS_H
