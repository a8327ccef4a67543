//===- PadFreeWindows.cpp - The --serenity-pad-free-windows pass ----------===//
//
// TOSA-to-Linalg writes a padded convolution or pool as a `tensor.pad` of its
// whole input and the op that reads that copy. Bufferized, the copy is a
// whole map more in the arena (MobileNetV2's 112x112x96 expansion beside its
// 114x114x96 copy). Microcontroller kernels pad implicitly instead.
//
// Here the op is split into its interior, whose windows lie inside the input
// and so read it directly (a slice: a view once bufferized), and the four
// border strips around it, each of which pads only the few rows or columns
// its windows read. Every part computes its region of the output in place
// (tensor.insert_slice into the op's destination). The parts come from the
// op's TilingInterface, and each slice of the pad becomes a pad of a slice
// (tensor::bubbleUpPadSlice), so any NHWC convolution, depthwise convolution
// or pool whose output rows and columns are loops 1 and 2 is handled alike.
// An op with no window inside its input (a 5x5 window over a 3x3 map) has
// no interior: a depthwise convolution or pool then runs one channel at a
// time, each iteration padding its own input channel. Which ops, and their
// parts, come from WindowOps.h, as the memory model counts them.
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Analysis/WindowOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace serenity {
#define GEN_PASS_DEF_SERENITYPADFREEWINDOWS
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

/// The tiled ops read slices of the padded copy: pads of slices instead.
LogicalResult padSlices(RewriterBase &rewriter, ArrayRef<Operation *> tiledOps,
                        tensor::PadOp pad) {
  OpBuilder::InsertionGuard guard(rewriter);
  for (Operation *tiled : tiledOps) {
    auto slice = dyn_cast_or_null<tensor::ExtractSliceOp>(
        tiled->getOperand(0).getDefiningOp());
    if (!slice || slice.getSource() != pad.getResult())
      continue;
    rewriter.setInsertionPoint(slice);
    FailureOr<TilingResult> swapped = tensor::bubbleUpPadSlice(
        rewriter, pad, slice.getMixedOffsets(), slice.getMixedSizes(),
        /*generateZeroSliceGuard=*/false);
    if (failed(swapped))
      return failure();
    rewriter.replaceOp(slice, swapped->tiledValues[0]);
  }
  return success();
}

/// `op` (no window inside its input: WindowOps.h) as a loop over its
/// channels, each padding its own input channel.
LogicalResult runByChannel(RewriterBase &rewriter, linalg::LinalgOp op,
                           tensor::PadOp pad) {
  SmallVector<OpFoldResult> sizes(op.getNumLoops(), rewriter.getIndexAttr(0));
  sizes[kChannelLoop] = rewriter.getIndexAttr(1);
  scf::SCFTilingOptions options;
  options.setTileSizes(sizes);
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled) || failed(padSlices(rewriter, tiled->tiledOps, pad)))
    return rewriter.notifyMatchFailure(op, "cannot run it channel by channel");
  rewriter.replaceOp(op, tiled->replacements);
  return success();
}

struct PadFreeWindow : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const final {
    std::optional<PaddedWindow> window = getPaddedWindow(op);
    if (!window)
      return rewriter.notifyMatchFailure(
          op, "not an NHWC window op over a pad it can do without");
    tensor::PadOp pad = window->pad;
    auto tiling = cast<TilingInterface>(op.getOperation());
    rewriter.setInsertionPoint(op);
    if (window->parts.empty())
      return runByChannel(rewriter, op, pad);
    SmallVector<Range> domain = tiling.getIterationDomain(rewriter);
    Value running = op.getDpsInits()[0];
    for (const WindowPart &part : window->parts) {
      SmallVector<OpFoldResult> offsets, sizes;
      for (const Range &range : domain) {
        offsets.push_back(range.offset);
        sizes.push_back(range.size);
      }
      offsets[kRowLoop] = rewriter.getIndexAttr(part.begin[0]);
      sizes[kRowLoop] = rewriter.getIndexAttr(part.size(0));
      offsets[kColumnLoop] = rewriter.getIndexAttr(part.begin[1]);
      sizes[kColumnLoop] = rewriter.getIndexAttr(part.size(1));
      // Each part computes into the result of the parts before it.
      rewriter.modifyOpInPlace(
          op, [&] { op.getDpsInitsMutable()[0].assign(running); });
      FailureOr<TilingResult> tiledPart =
          tiling.getTiledImplementation(rewriter, offsets, sizes);
      SmallVector<OpFoldResult> resultOffsets, resultSizes;
      if (failed(tiledPart) ||
          failed(tiling.getResultTilePosition(rewriter, 0, offsets, sizes,
                                              resultOffsets, resultSizes)))
        return rewriter.notifyMatchFailure(op, "cannot compute a part");
      if (failed(padSlices(rewriter, tiledPart->tiledOps, pad)))
        return rewriter.notifyMatchFailure(op, "cannot slice the pad");
      rewriter.setInsertionPoint(op);
      SmallVector<OpFoldResult> unitStrides(resultOffsets.size(),
                                            rewriter.getIndexAttr(1));
      running = tensor::InsertSliceOp::create(
          rewriter, op.getLoc(), tiledPart->tiledValues[0], running,
          resultOffsets, resultSizes, unitStrides);
    }
    rewriter.replaceOp(op, running);
    return success();
  }
};

struct PadFreeWindowsPass
    : public serenity::impl::SerenityPadFreeWindowsBase<PadFreeWindowsPass> {
  using Base::Base;

  void runOnOperation() final {
    RewritePatternSet patterns(&getContext());
    populatePadFreeWindowsPatterns(patterns);
    // An interior part pads by nothing: the pad folds away.
    tensor::PadOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // What still copies a whole map, named (docs/memory-model.md: a
    // convolution with no window inside its map, or a pad something other
    // than window ops reads).
    getOperation()->walk([](tensor::PadOp pad) {
      if (!isWholeMapPad(pad))
        return;
      Operation *reader = nullptr;
      for (Operation *user : pad->getUsers())
        if (!getPaddedWindow(user)) {
          reader = user;
          break;
        }
      InFlightDiagnostic remark =
          emitRemark(pad.getLoc())
          << "serenity-pad-free-windows: keeps a padded "
             "copy of a whole map, "
          << pad.getSourceType() << " to " << pad.getResultType();
      if (std::optional<uint64_t> bytes =
              getActivationBytes(pad.getResultType()))
        remark << " (" << *bytes << " bytes)";
      if (reader)
        remark << ", for '" << reader->getName() << "'";
    });
  }
};

} // namespace

void serenity::populatePadFreeWindowsPatterns(RewritePatternSet &patterns) {
  patterns.add<PadFreeWindow>(patterns.getContext());
}
