//===- ComputeCost.h - Multiply-accumulates of Linalg ops ------*- C++ -*-===//
//
// What a rewrite that recomputes (spatial patches, their halos) costs: the
// MACs of a function, counted on its Linalg ops.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_COMPUTECOST_H
#define SERENITY_ANALYSIS_COMPUTECOST_H

#include "mlir/IR/Operation.h"

#include <cstdint>

namespace serenity {

/// The multiply-accumulates of the Linalg ops in `root`: for each op with a
/// reduction loop (convolutions, matmuls, pooling windows), the product of
/// its loop sizes, i.e. one per point of its iteration space, times the
/// static trip counts of the loops around it (a tile loop's). Element-wise
/// ops count 0; ops with dynamic loop sizes or trip counts count 0 too.
uint64_t countMacs(mlir::Operation *root);

} // namespace serenity

#endif // SERENITY_ANALYSIS_COMPUTECOST_H
