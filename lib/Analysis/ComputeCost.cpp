//===- ComputeCost.cpp - Multiply-accumulates of Linalg ops ---------------===//

#include "serenity/Analysis/ComputeCost.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

uint64_t serenity::countMacs(Operation *root) {
  uint64_t macs = 0;
  root->walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() == 0)
      return;
    uint64_t points = 1;
    for (int64_t size : op.getStaticLoopRanges()) {
      if (ShapedType::isDynamic(size))
        return;
      points *= size;
    }
    macs += points;
  });
  return macs;
}
