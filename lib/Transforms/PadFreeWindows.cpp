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
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
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

/// The loops of an NHWC window op that run over its output rows and columns.
constexpr unsigned kRowLoop = 1, kColumnLoop = 2;

/// A window's extent along rows and columns.
struct Window {
  int64_t kernel[2];
  int64_t stride[2];
  int64_t dilation[2];
};

/// The window of an NHWC convolution, depthwise convolution or pool, or
/// nothing for any other op.
std::optional<Window> windowOf(linalg::LinalgOp op) {
  // Where the kernel's rows are among the second input's dimensions: FHWC
  // filters after F, HWC(M) filters and pooling windows first.
  int64_t first;
  if (isa<linalg::Conv2DNhwcFhwcOp, linalg::Conv2DNhwcFhwcQOp>(op))
    first = 1;
  else if (isa<linalg::DepthwiseConv2DNhwcHwcmOp,
               linalg::DepthwiseConv2DNhwcHwcmQOp,
               linalg::DepthwiseConv2DNhwcHwcOp,
               linalg::DepthwiseConv2DNhwcHwcQOp, linalg::PoolingNhwcSumOp,
               linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcMinOp,
               linalg::PoolingNhwcMaxUnsignedOp,
               linalg::PoolingNhwcMinUnsignedOp>(op))
    first = 0;
  else
    return std::nullopt;
  auto strides = op->getAttrOfType<DenseIntElementsAttr>("strides");
  auto dilations = op->getAttrOfType<DenseIntElementsAttr>("dilations");
  auto kernel = dyn_cast<RankedTensorType>(op.getDpsInputs()[1].getType());
  if (!strides || !dilations || !kernel || !kernel.hasStaticShape())
    return std::nullopt;
  // The output's rows and columns must be loops 1 and 2.
  AffineMap output = op.getIndexingMapMatchingResult(op->getResult(0));
  if (output.getNumResults() < 3 ||
      output.getResult(1) != getAffineDimExpr(kRowLoop, op.getContext()) ||
      output.getResult(2) != getAffineDimExpr(kColumnLoop, op.getContext()))
    return std::nullopt;
  Window window;
  auto strideValues = strides.getValues<int64_t>();
  auto dilationValues = dilations.getValues<int64_t>();
  for (int axis = 0; axis < 2; ++axis) {
    window.kernel[axis] = kernel.getDimSize(first + axis);
    window.stride[axis] = strideValues[axis];
    window.dilation[axis] = dilationValues[axis];
  }
  return window;
}

/// The output positions [first, end) along one axis whose windows lie inside
/// an input of `size` padded by `low` before it (clamped to the output).
std::pair<int64_t, int64_t> interiorOf(int64_t size, int64_t low,
                                       int64_t outputSize, const Window &window,
                                       int axis) {
  int64_t stride = window.stride[axis];
  int64_t span = (window.kernel[axis] - 1) * window.dilation[axis];
  int64_t first = (low + stride - 1) / stride;
  int64_t lastStart = size - 1 - span + low; // last window start, padded
  int64_t end = lastStart < 0 ? 0 : lastStart / stride + 1;
  return {std::min(first, outputSize), std::clamp(end, first, outputSize)};
}

struct PadFreeWindow : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const final {
    std::optional<Window> window = windowOf(op);
    if (!window || op->getNumResults() != 1 || !op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "not an NHWC window op");
    auto pad = op.getDpsInputs()[0].getDefiningOp<tensor::PadOp>();
    if (!pad || !pad.getConstantPaddingValue())
      return rewriter.notifyMatchFailure(op, "its input is not a constant pad");
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    auto amounts = llvm::concat<const int64_t>(low, high);
    auto source = dyn_cast<RankedTensorType>(pad.getSourceType());
    auto result = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!source || !source.hasStaticShape() || !result ||
        !result.hasStaticShape() || source.getRank() != 4 ||
        llvm::any_of(amounts, ShapedType::isDynamic) || low[0] || high[0] ||
        low[3] || high[3])
      return rewriter.notifyMatchFailure(op, "pads other than rows, columns");
    if (llvm::all_of(amounts, [](int64_t amount) { return amount == 0; }))
      return rewriter.notifyMatchFailure(op, "nothing is padded");

    int64_t rows[2], columns[2];
    std::tie(rows[0], rows[1]) = interiorOf(source.getDimSize(1), low[1],
                                            result.getDimSize(1), *window, 0);
    std::tie(columns[0], columns[1]) = interiorOf(
        source.getDimSize(2), low[2], result.getDimSize(2), *window, 1);
    if (rows[0] == rows[1] || columns[0] == columns[1])
      return rewriter.notifyMatchFailure(op, "no window lies inside the input");

    // The regions (first row, end row, first column, end column), in the
    // order the rows run: top, left, interior, right, bottom.
    int64_t height = result.getDimSize(1), width = result.getDimSize(2);
    SmallVector<std::array<int64_t, 4>> regions = {
        {0, rows[0], 0, width},
        {rows[0], rows[1], 0, columns[0]},
        {rows[0], rows[1], columns[0], columns[1]},
        {rows[0], rows[1], columns[1], width},
        {rows[1], height, 0, width}};

    auto tiling = cast<TilingInterface>(op.getOperation());
    rewriter.setInsertionPoint(op);
    SmallVector<Range> domain = tiling.getIterationDomain(rewriter);
    Value running = op.getDpsInits()[0];
    for (const std::array<int64_t, 4> &region : regions) {
      if (region[0] == region[1] || region[2] == region[3])
        continue;
      SmallVector<OpFoldResult> offsets, sizes;
      for (const Range &range : domain) {
        offsets.push_back(range.offset);
        sizes.push_back(range.size);
      }
      offsets[kRowLoop] = rewriter.getIndexAttr(region[0]);
      sizes[kRowLoop] = rewriter.getIndexAttr(region[1] - region[0]);
      offsets[kColumnLoop] = rewriter.getIndexAttr(region[2]);
      sizes[kColumnLoop] = rewriter.getIndexAttr(region[3] - region[2]);
      // Each part computes into the result of the parts before it.
      rewriter.modifyOpInPlace(
          op, [&] { op.getDpsInitsMutable()[0].assign(running); });
      FailureOr<TilingResult> part =
          tiling.getTiledImplementation(rewriter, offsets, sizes);
      SmallVector<OpFoldResult> resultOffsets, resultSizes;
      if (failed(part) ||
          failed(tiling.getResultTilePosition(rewriter, 0, offsets, sizes,
                                              resultOffsets, resultSizes)))
        return rewriter.notifyMatchFailure(op, "cannot compute a part");
      // The part reads a slice of the padded copy: a pad of a slice instead.
      for (Operation *tiled : part->tiledOps) {
        auto slice = dyn_cast_or_null<tensor::ExtractSliceOp>(
            tiled->getOperand(0).getDefiningOp());
        if (!slice || slice.getSource() != pad.getResult())
          continue;
        rewriter.setInsertionPoint(slice);
        FailureOr<TilingResult> swapped = tensor::bubbleUpPadSlice(
            rewriter, pad, slice.getMixedOffsets(), slice.getMixedSizes(),
            /*generateZeroSliceGuard=*/false);
        if (failed(swapped))
          return rewriter.notifyMatchFailure(op, "cannot slice the pad");
        rewriter.replaceOp(slice, swapped->tiledValues[0]);
        rewriter.setInsertionPoint(op);
      }
      SmallVector<OpFoldResult> unitStrides(resultOffsets.size(),
                                            rewriter.getIndexAttr(1));
      running = tensor::InsertSliceOp::create(
          rewriter, op.getLoc(), part->tiledValues[0], running, resultOffsets,
          resultSizes, unitStrides);
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
  }
};

} // namespace

void serenity::populatePadFreeWindowsPatterns(RewritePatternSet &patterns) {
  patterns.add<PadFreeWindow>(patterns.getContext());
}
