//===- InPlaceDepthwise.cpp - Depthwise convolutions in place -------------===//
//
// Channel c of a multiplier-1 depthwise convolution reads channel c of its
// input only, so once it is computed (into a one-channel temporary) it may
// go where that input channel was. One-shot bufferization then writes the
// loop over channels into the input's buffer: the loop carries the input,
// reads each channel from the carried value and inserts the result's
// channel into it, every read of a channel before its write.
//
//===----------------------------------------------------------------------===//

#include "InPlaceDepthwise.h"

#include "serenity/Analysis/FusedRequantization.h"
#include "serenity/Analysis/WindowOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace serenity;

Value serenity::getInPlaceDepthwiseInput(
    linalg::GenericOp consumer, ArrayRef<Operation *> windowOps,
    function_ref<Operation *(Operation *)> getNode) {
  if (windowOps.size() != 1 ||
      !isa<linalg::DepthwiseConv2DNhwcHwcOp, linalg::DepthwiseConv2DNhwcHwcQOp>(
          windowOps.front()) ||
      consumer.getNumDpsInits() != 1 || consumer->getNumResults() != 1 ||
      consumer.payloadUsesValueFromOperand(consumer.getDpsInitOperand(0)))
    return nullptr;
  auto depthwise = cast<linalg::LinalgOp>(windowOps.front());
  // The fused op reads the convolution and constants only.
  for (Value operand : consumer.getDpsInputs()) {
    Operation *producer = operand.getDefiningOp();
    if (producer != depthwise &&
        !(producer && producer->hasTrait<OpTrait::ConstantLike>()))
      return nullptr;
  }
  Value input = depthwise.getDpsInputs().front();
  if (auto pad = input.getDefiningOp<tensor::PadOp>()) {
    if (!pad->hasOneUse() || !isRowAndColumnPad(pad))
      return nullptr;
    input = pad.getSource();
  }
  return mayWriteOverInput(input, consumer->getResult(0), getNode) ? input
                                                                   : nullptr;
}

/// Whether `slice` takes whole rows and columns (and batch) of `source`:
/// one channel, or a few.
static bool takesChannels(tensor::ExtractSliceOp slice) {
  RankedTensorType source = slice.getSourceType();
  for (int64_t dim = 0; dim < 3; ++dim) {
    std::optional<int64_t> offset =
        getConstantIntValue(slice.getMixedOffsets()[dim]);
    std::optional<int64_t> size =
        getConstantIntValue(slice.getMixedSizes()[dim]);
    if (!offset || *offset != 0 || !size || *size != source.getDimSize(dim))
      return false;
  }
  return llvm::all_of(slice.getMixedStrides(), [](OpFoldResult stride) {
    return isConstantIntValue(stride, 1);
  });
}

FailureOr<scf::ForOp> serenity::writeChannelsInPlace(RewriterBase &rewriter,
                                                     scf::ForOp loop,
                                                     Value input) {
  if (loop.getNumRegionIterArgs() != 1 || loop.getInits().size() != 1)
    return failure();
  BlockArgument carried = loop.getRegionIterArgs().front();
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  auto insert = yield.getOperand(0).getDefiningOp<tensor::InsertSliceOp>();
  if (!insert || insert.getDest() != carried || !insert->hasOneUse())
    return failure();
  // Besides the insert, the carried value gives the result's channel its
  // init (only written: getInPlaceDepthwiseInput).
  SmallVector<tensor::ExtractSliceOp> inits;
  for (Operation *user : carried.getUsers()) {
    if (user == insert)
      continue;
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    if (!slice)
      return failure();
    inits.push_back(slice);
  }
  // The loop reads the input through slices of channels, of it or of its
  // pad.
  SmallVector<tensor::ExtractSliceOp> reads;
  WalkResult walk = loop.getBody()->walk([&](tensor::ExtractSliceOp slice) {
    Value source = slice.getSource();
    auto pad = source.getDefiningOp<tensor::PadOp>();
    if (source != input && !(pad && pad.getSource() == input))
      return WalkResult::advance();
    if (!takesChannels(slice))
      return WalkResult::interrupt();
    reads.push_back(slice);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted() || reads.empty() ||
      llvm::any_of(input.getUsers(), [&](Operation *user) {
        return loop->isAncestor(user) && !isa<tensor::ExtractSliceOp>(user);
      }))
    return failure();

  // The result's channel into a temporary of its own.
  for (tensor::ExtractSliceOp init : inits) {
    rewriter.setInsertionPoint(init);
    RankedTensorType type = init.getResultType();
    rewriter.replaceOp(init, tensor::EmptyOp::create(rewriter, init.getLoc(),
                                                     type.getShape(),
                                                     type.getElementType()));
  }
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  auto inPlace = scf::ForOp::create(rewriter, loc, loop.getLowerBound(),
                                    loop.getUpperBound(), loop.getStep(),
                                    ValueRange{input});
  Block *body = inPlace.getBody();
  BlockArgument map = inPlace.getRegionIterArgs().front();
  rewriter.mergeBlocks(loop.getBody(), body, {inPlace.getInductionVar(), map});
  // Each channel read from the carried map (padded as before).
  for (tensor::ExtractSliceOp read : reads) {
    rewriter.setInsertionPoint(read);
    auto pad = read.getSource().getDefiningOp<tensor::PadOp>();
    SmallVector<OpFoldResult> offsets = read.getMixedOffsets(),
                              sizes = read.getMixedSizes();
    if (pad)
      for (int64_t dim = 0; dim < 3; ++dim)
        sizes[dim] = rewriter.getIndexAttr(pad.getSourceType().getDimSize(dim));
    Value channel = tensor::ExtractSliceOp::create(
        rewriter, read.getLoc(), map, offsets, sizes, read.getMixedStrides());
    if (pad) {
      Value padding = pad.getConstantPaddingValue();
      if (padding.getParentRegion() == &pad.getRegion())
        padding = rewriter.clone(*padding.getDefiningOp())->getResult(0);
      channel = tensor::PadOp::create(rewriter, pad.getLoc(), Type(), channel,
                                      pad.getMixedLowPad(),
                                      pad.getMixedHighPad(), padding);
    }
    rewriter.replaceOp(read, channel);
  }
  // Each result channel where its input channel was.
  rewriter.setInsertionPoint(insert);
  Value written = tensor::InsertSliceOp::create(
      rewriter, insert.getLoc(), insert.getSource(), map,
      insert.getMixedOffsets(), insert.getMixedSizes(),
      insert.getMixedStrides());
  rewriter.replaceOp(insert, written);
  // A smaller result is the map's corner.
  rewriter.setInsertionPointAfter(inPlace);
  Value result = inPlace.getResult(0);
  auto resultType = cast<RankedTensorType>(loop.getResult(0).getType());
  if (resultType != result.getType()) {
    SmallVector<OpFoldResult> zeros(4, rewriter.getIndexAttr(0)),
        ones(4, rewriter.getIndexAttr(1)), sizes;
    for (int64_t size : resultType.getShape())
      sizes.push_back(rewriter.getIndexAttr(size));
    result = tensor::ExtractSliceOp::create(rewriter, loc, result, zeros, sizes,
                                            ones);
  }
  rewriter.replaceOp(loop, result);
  return inPlace;
}
