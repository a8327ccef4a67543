//===- RewritePatterns.h - Shared by patterns and driver --------*- C++ -*-===//
//
// Shared by the partitioning patterns and the memory-aware driver of
// --serenity-rewrite (not a public API).
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_LIB_TRANSFORMS_REWRITEPATTERNS_H
#define SERENITY_LIB_TRANSFORMS_REWRITEPATTERNS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

namespace serenity {

/// Ops between a concat and a convolution that commute with the concat: one
/// tensor operand, element-wise, same shape in and out.
bool isCommutingUnaryOp(mlir::Operation *op);

/// The ops the partitionings split (TOSA and Linalg convolutions).
bool isPartitionableConvolution(mlir::Operation *op);

/// The concats every rewrite starts at (TOSA and tensor).
bool isConcat(mlir::Operation *op);

/// The convolutions a partitioning may split that read `value`, directly or
/// through commuting element-wise ops.
void collectConvolutionsOver(mlir::Value value,
                             llvm::SmallVectorImpl<mlir::Operation *> &convs);

} // namespace serenity

#endif // SERENITY_LIB_TRANSFORMS_REWRITEPATTERNS_H
