//===- RowAccess.h - How an op reads rows of operands ----------*- C++ -*-===//
//
// The rows (dimension 1: NHWC, and a depthwise convolution's NHWCM) of each
// operand that rows of an op's result read: what --serenity-tile-spatial
// bands ops by, and will tile rows and columns by. Plain queries on the
// op, tested through the pass (test/Transforms/tile-spatial*.mlir).
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

/// Rows of a ranked tensor value.
int64_t rowsOf(mlir::Value value);

/// Whether `value` is a statically shaped tensor with rows.
bool hasRows(mlir::Value value);

/// How a tileable op maps rows of its result to rows of its operands.
class RowAccess {
public:
  /// The access of `op`, if the group can band it.
  static std::optional<RowAccess> of(mlir::Operation *op);

  /// Rows of operand `index` that result rows `rows` read; none when the
  /// operand has no rows (weights, biases: read whole).
  std::optional<RowRange> operandRows(unsigned index, RowRange rows) const;

  /// Linalg: the loop of the result's rows, and every loop's size.
  unsigned getRowLoop() const { return rowLoop; }
  llvm::ArrayRef<int64_t> getLoopSizes() const { return loopSizes; }
  /// Linalg: whether the op on the operands' bands computes the band (as
  /// it does when every operand reads rows through its rows dimension
  /// alone, from row 0 at loop 0, and the body does not read the loop
  /// indices), so that a clone of it on them is its tiled implementation.
  bool isBandedByClone() const { return bandedByClone; }

private:
  mlir::Operation *op = nullptr;
  /// Linalg: the loop of the result's rows.
  unsigned rowLoop = 0;
  llvm::SmallVector<int64_t> loopSizes;
  bool bandedByClone = false;
};

} // namespace serenity

#endif // SERENITY_ANALYSIS_ROWACCESS_H
