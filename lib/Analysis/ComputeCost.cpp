//===- ComputeCost.cpp - Multiply-accumulates of Linalg ops ---------------===//

#include "serenity/Analysis/ComputeCost.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

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
    // An op in a tile loop (--serenity-fuse-requantize) runs once per
    // iteration.
    for (Operation *parent = op->getParentOp(); parent && parent != root;
         parent = parent->getParentOp()) {
      auto loop = dyn_cast<LoopLikeOpInterface>(parent);
      if (!loop)
        continue;
      std::optional<APInt> trips = loop.getStaticTripCount();
      if (!trips)
        return;
      points *= trips->getZExtValue();
    }
    macs += points;
  });
  return macs;
}
