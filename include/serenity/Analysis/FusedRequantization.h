//===- FusedRequantization.h - TOSA ops the int8 lowering fuses -*- C++ -*-===//
//
// What --serenity-fuse-requantize (on Linalg, after TOSA-to-Linalg) makes of
// an int8 TOSA function, said on the TOSA ops, so that the memory model can
// schedule the fused function before it exists (docs/memory-model.md):
//
// - An element-wise op whose integer result one element-wise op of the same
//   shape reads, and nothing else, runs inside that op (one linalg.generic).
// - A convolution, depthwise convolution or matmul whose integer result
//   one element-wise op of the same shape reads, and nothing else, runs
//   inside it too, tiled with it by output rows (an i32 tile of one row); a
//   depthwise convolution of channel multiplier above 1 into its whole 5-D
//   accumulator first. Pools stay nodes (their results are int8 maps).
// - An int8 average pool and an int8 depthwise convolution of multiplier 1
//   are always tiled with their own division or bias.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_FUSEDREQUANTIZATION_H
#define SERENITY_ANALYSIS_FUSEDREQUANTIZATION_H

#include "serenity/Core/DataflowGraph.h"

#include "mlir/IR/Block.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace serenity {

/// How many leading dimensions of a map of rank `rank` a requantization's
/// tile loop iterates one at a time (one output row per iteration): all but
/// W and C of an NHWC map, all but the last of a map of rank 2 or 3 (a
/// matmul's). The pass tiles so and the model counts so.
unsigned getRowTiledDims(unsigned rank);

/// The ops of `body` that run inside a later op (the root of their group):
/// each fused op maps to its root, and each root to its fused ops in program
/// order.
struct FusedRequantization {
  /// False for a lowering without the fusion: nothing is fused.
  bool enabled = false;
  llvm::DenseMap<mlir::Operation *, mlir::Operation *> rootOf;
  llvm::DenseMap<mlir::Operation *, llvm::SmallVector<mlir::Operation *, 4>>
      members;
};
FusedRequantization findFusedRequantization(mlir::Block &body);

/// Whether `root` has a fused lowering with ops or temporaries of its own:
/// a window op among its members, or `root` an int8 average pool or
/// multiplier-1 depthwise convolution (always tiled).
bool hasFusedLowering(mlir::Operation *root,
                      llvm::ArrayRef<mlir::Operation *> members);

/// The bufferized lowering of `root` with `members` fused into it: the
/// padded copies and depthwise accumulators made before the fused op, then
/// the fused op with its tiles. `lookup` names the node's operands.
llvm::SmallVector<LoweringStep, 3> describeFusedLowering(
    mlir::Operation *root, llvm::ArrayRef<mlir::Operation *> members,
    llvm::function_ref<std::optional<ValueId>(mlir::Value)> lookup);

} // namespace serenity

#endif // SERENITY_ANALYSIS_FUSEDREQUANTIZATION_H
