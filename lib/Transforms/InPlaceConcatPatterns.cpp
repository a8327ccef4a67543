//===- InPlaceConcatPatterns.cpp - Concats written in place ---------------===//
//
// A concat becomes insert_slices of its inputs into one destination, as
// one-shot bufferization writes it in place, so that each input can die once
// it is written.
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace serenity;

namespace {

/// concat(x1..xn) -> insert_slice(xn, ... insert_slice(x1, empty)): every
/// input is written into its slice of one destination as soon as it exists
/// and can die right after, so inputs and result never coexist whole (as
/// one-shot bufferization does it: the destination is allocated once, each
/// insert_slice writes in place).
template <typename ConcatT> struct InPlaceConcat : OpRewritePattern<ConcatT> {
  using OpRewritePattern<ConcatT>::OpRewritePattern;

  LogicalResult matchAndRewrite(ConcatT concat,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(concat.getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(concat, "needs a static shape");
    int64_t axis;
    if constexpr (std::is_same_v<ConcatT, tosa::ConcatOp>)
      axis = concat.getAxis();
    else
      axis = concat.getDim();
    Value destination = tensor::EmptyOp::create(
        rewriter, concat.getLoc(), type.getShape(), type.getElementType());
    int64_t offset = 0;
    for (Value input : concat->getOperands()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes;
      for (int64_t size : inputType.getShape())
        sizes.push_back(rewriter.getIndexAttr(size));
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        rewriter.getIndexAttr(1));
      destination =
          tensor::InsertSliceOp::create(rewriter, concat.getLoc(), input,
                                        destination, offsets, sizes, strides);
      offset += inputType.getShape()[axis];
    }
    rewriter.replaceOp(concat, destination);
    return success();
  }
};

} // namespace

void serenity::populateInPlaceConcatPatterns(RewritePatternSet &patterns) {
  patterns.add<InPlaceConcat<tosa::ConcatOp>, InPlaceConcat<tensor::ConcatOp>>(
      patterns.getContext());
}
