//===- OpOrder.h - Order of ops that are near each other -------*- C++ -*-===//
//
// Operation::isBeforeInBlock renumbers the whole block when an op inserted
// since the last numbering lies between ops without a gap in their numbers;
// rewrites that insert ops and compare nearby ones (tile loops, patches) do
// so once per comparison, quadratic in a body of thousands of ops.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_OPORDER_H
#define SERENITY_ANALYSIS_OPORDER_H

#include "mlir/IR/Operation.h"

namespace serenity {

/// Whether `op` comes before `other` in their block (false for ops of
/// different blocks or the same op), found by walking out from `op` in both
/// directions at once: its cost grows with the distance between the two,
/// not with the block.
inline bool isBeforeNearby(mlir::Operation *op, mlir::Operation *other) {
  if (op == other || op->getBlock() != other->getBlock())
    return false;
  mlir::Operation *forward = op->getNextNode(), *backward = op->getPrevNode();
  while (forward || backward) {
    if (forward == other)
      return true;
    if (backward == other)
      return false;
    if (forward)
      forward = forward->getNextNode();
    if (backward)
      backward = backward->getPrevNode();
  }
  return false;
}

} // namespace serenity

#endif // SERENITY_ANALYSIS_OPORDER_H
