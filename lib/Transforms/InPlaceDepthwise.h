//===- InPlaceDepthwise.h - Depthwise convolutions in place -----*- C++ -*-===//
//
// An int8 depthwise convolution whose input dies at it writes its
// requantized result channel by channel over that input, as TinyEngine
// does (used by --serenity-fuse-requantize; not a public API). The rule is
// FusedRequantization.h's getInPlaceDepthwise, said on Linalg.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_LIB_TRANSFORMS_INPLACEDEPTHWISE_H
#define SERENITY_LIB_TRANSFORMS_INPLACEDEPTHWISE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace serenity {

/// The map that `consumer`, fused with its one window op (`windowOps`), may
/// overwrite channel by channel: the input of a depthwise convolution of
/// channel multiplier 1 (read directly or through a pad only it reads) made
/// by an op of the body that allocates it, read by nothing else, when
/// `consumer` reads the convolution and constants only and writes an
/// unreturned map, read by no view, of the input's element type, batch and
/// channels and no more rows or columns; a smaller map only when one op
/// reads it whose node (`getNode`: the op that op runs in) makes results no
/// larger than it. Null otherwise.
mlir::Value getInPlaceDepthwiseInput(
    mlir::linalg::GenericOp consumer,
    llvm::ArrayRef<mlir::Operation *> windowOps,
    llvm::function_ref<mlir::Operation *(mlir::Operation *)> getNode);

/// Rewrites `loop`, the consumer of getInPlaceDepthwiseInput tiled by
/// channels (one per iteration) with its convolution, to write over
/// `input`: the loop carries `input`, each iteration reads (and pads) its
/// channel of the carried map, computes the result's channel into a
/// temporary of its own and inserts it where the input channel was. A
/// result smaller than the input is its corner, a slice after the loop.
/// Returns the new loop, or fails (the IR unchanged) when `loop` is not of
/// that form.
mlir::FailureOr<mlir::scf::ForOp>
writeChannelsInPlace(mlir::RewriterBase &rewriter, mlir::scf::ForOp loop,
                     mlir::Value input);

} // namespace serenity

#endif // SERENITY_LIB_TRANSFORMS_INPLACEDEPTHWISE_H
