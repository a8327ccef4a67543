//===- Passes.h - Serenity passes -------------------------------*- C++ -*-===//

#ifndef SERENITY_TRANSFORMS_PASSES_H
#define SERENITY_TRANSFORMS_PASSES_H

#include "serenity/Dialect/Serenity/SerenityDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

#include <memory>

namespace serenity {

#define GEN_PASS_DECL
#include "serenity/Transforms/Passes.h.inc"

/// Adds the channel-wise (conv2d over a concat) and kernel-wise (depthwise
/// conv2d over a concat) partitioning patterns of --serenity-rewrite.
void populatePartitionPatterns(mlir::RewritePatternSet &patterns,
                               bool channelWise, bool kernelWise);

/// Adds the in-place concat rewrite of --serenity-rewrite: a concat becomes
/// insert_slices of its inputs into one destination.
void populateInPlaceConcatPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "serenity/Transforms/Passes.h.inc"

} // namespace serenity

#endif // SERENITY_TRANSFORMS_PASSES_H
