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
// - An integer element-wise op (with the ops fused into it) whose result
//   only such a fused convolution of a 1x1 window reads, as its input, and
//   that reads one map besides constants, which other ops read too (a NAS
//   cell's ReLU of a cell output), runs inside it too: each iteration
//   computes the input row its convolution reads, and no clamped copy of
//   the whole map is stored. So does one whose every reader is a slice that
//   such a convolution alone reads (a factorized reduction's ReLU): computed on
//   each slice in its convolution's loop, it is a view of the map it reads.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_FUSEDREQUANTIZATION_H
#define SERENITY_ANALYSIS_FUSEDREQUANTIZATION_H

#include "serenity/Core/DataflowGraph.h"

#include "mlir/IR/Block.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/ValueRange.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace serenity {

/// How many leading dimensions of a map of rank `rank` a requantization's
/// tile loop iterates one at a time (one output row per iteration): all but
/// W and C of an NHWC map, all but the last of a map of rank 2 or 3 (a
/// matmul's). The pass tiles so and the model counts so.
unsigned getRowTiledDims(unsigned rank);

/// The most bytes of accumulator one iteration of such a loop holds, where
/// an NHWC row holds more (a 14x576 row of i32 is 32,256 bytes).
constexpr uint64_t kMaxRowTileBytes = 16 * 1024;

/// The columns of an NHWC map of `shape` one iteration computes: the whole
/// row, or the widest equal part of it whose `accumulatorType` elements take
/// at most kMaxRowTileBytes (one column if none does). All of them for a
/// map of another rank.
int64_t getTileColumns(llvm::ArrayRef<int64_t> shape,
                       mlir::Type accumulatorType);

/// The columns one iteration of a fused op's tile loop computes, the fused
/// op's result of `shape`, its tiled window ops' results (accumulators)
/// `windowResults` and the other maps it reads `inputs`: the fewest
/// getTileColumns among the accumulators, when every accumulator and NHWC
/// input has the result's columns; whole rows otherwise (what is read
/// through a broadcast, such as a squeeze-and-excitation's scale, would be
/// computed again for every part of a row). The pass tiles so and the model
/// counts so.
int64_t
getFusedTileColumns(llvm::ArrayRef<int64_t> shape,
                    llvm::ArrayRef<mlir::RankedTensorType> windowResults,
                    llvm::ArrayRef<mlir::Type> inputs);

/// The ops of `body` that run inside a later op (the root of their group):
/// each fused op maps to its root, and each root to its fused ops in program
/// order.
struct FusedRequantization {
  /// False for a lowering without the fusion: nothing is fused.
  bool enabled = false;
  llvm::DenseMap<mlir::Operation *, mlir::Operation *> rootOf;
  llvm::DenseMap<mlir::Operation *, llvm::SmallVector<mlir::Operation *, 4>>
      members;
  /// Prologues of slices: integer element-wise ops, none fused into them,
  /// that read one map besides constants and whose every reader is a slice
  /// that a fused 1x1 convolution alone reads, as its input (a factorized
  /// reduction's ReLU, read by two offset slices). The pass computes the op
  /// on each slice in that convolution's loop, one input row at a time: its
  /// result is never stored, a view of the map it reads.
  llvm::DenseSet<mlir::Operation *> slicedPrologues;
};
FusedRequantization findFusedRequantization(mlir::Block &body);

/// The one map among `operands` besides constants (it may be there more
/// than once), if there is exactly one: what a prologue reads, on TOSA and
/// on Linalg.
mlir::Value getSingleMapOperand(mlir::ValueRange operands);

/// The depthwise convolution that runs in place in `root`'s fused op, if
/// any: the pass writes the fused op's int8 result channel by channel over
/// the depthwise convolution's input, each output channel, through a
/// one-channel temporary, where the input channel it read was (a stride-2
/// result fills a corner of each channel). The rule, which
/// --serenity-fuse-requantize applies to the same ops on Linalg:
/// - one member is an integer depthwise convolution of channel multiplier 1,
///   the other ops element-wise, reading the chain and constants only;
/// - the input is the result of an op of the body that allocates it (no
///   argument, view, slice or pad), read by the convolution alone (and by
///   copies of parts of it before it: a patch's halo cache) and not
///   returned;
/// - `root`'s result is not returned, has the input's element type, batch
///   and channels, and no more rows or columns;
/// - it is as large as the input, or one op reads it whose node (that op
///   with the ops it is fused into) makes results no larger than it. A
///   smaller result keeps the input's whole buffer until it dies: beside a
///   reader that makes more, that costs more than it saves (a stride-2
///   depthwise convolution before a pointwise one that doubles the
///   channels, a band of a patch that loses its halo).
/// The memory model counts the result as the input's buffer
/// (StorageKind::ChannelsInPlace) and the one-channel tiles.
mlir::Operation *getInPlaceDepthwise(mlir::Operation *root,
                                     const FusedRequantization &fused);

/// The part of getInPlaceDepthwise's rule said on values, which TOSA and
/// Linalg share: whether a depthwise convolution's fused op may write its
/// `result` over its `input` (from "the input is the result of an op of the
/// body" on). `getNode` gives the op that an op runs in (its node's).
bool mayWriteOverInput(
    mlir::Value input, mlir::Value result,
    llvm::function_ref<mlir::Operation *(mlir::Operation *)> getNode);

/// Whether `root` has a fused lowering with ops or temporaries of its own:
/// a window op among its members, or `root` an int8 average pool or
/// multiplier-1 depthwise convolution (always tiled).
bool hasFusedLowering(mlir::Operation *root,
                      llvm::ArrayRef<mlir::Operation *> members);

/// The bufferized lowering of `root` with `members` fused into it: the
/// padded copies and depthwise accumulators made before the fused op, then
/// the fused op with its tiles; or, with `inPlaceDepthwise`
/// (getInPlaceDepthwise), its one-channel tiles. `lookup` names the node's
/// operands.
llvm::SmallVector<LoweringStep, 3> describeFusedLowering(
    mlir::Operation *root, llvm::ArrayRef<mlir::Operation *> members,
    mlir::Operation *inPlaceDepthwise,
    const llvm::DenseSet<mlir::Operation *> &slicedPrologues,
    llvm::function_ref<std::optional<ValueId>(mlir::Value)> lookup);

} // namespace serenity

#endif // SERENITY_ANALYSIS_FUSEDREQUANTIZATION_H
