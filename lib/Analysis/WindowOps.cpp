//===- WindowOps.cpp - How window ops read rows and columns ---------------===//

#include "serenity/Analysis/WindowOps.h"
#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Analysis/FusedRequantization.h"
#include "serenity/Dialect/Serenity/SerenityDialect.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace serenity;

namespace {

/// A window op's kernel, stride and dilation along rows and columns.
struct Window {
  int64_t kernel[2];
  int64_t stride[2];
  int64_t dilation[2];
};

/// The window of a Linalg NHWC convolution, depthwise convolution or pool
/// whose output rows and columns are loops 1 and 2; nothing for other ops.
std::optional<Window> getLinalgWindow(linalg::LinalgOp op) {
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
  if (!strides || !dilations || !kernel || !kernel.hasStaticShape() ||
      op->getNumResults() != 1)
    return std::nullopt;
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

/// The rows and columns of a window over an NHWC `input` padded by `pad`
/// (top, bottom, left, right) into an NHWC `output`.
std::pair<WindowAxis, WindowAxis> getAxes(RankedTensorType input,
                                          ArrayRef<int64_t> pad,
                                          RankedTensorType output,
                                          const Window &window) {
  WindowAxis axes[2];
  for (int axis = 0; axis < 2; ++axis)
    axes[axis] = WindowAxis{input.getDimSize(1 + axis), pad[2 * axis],
                            pad[2 * axis + 1],          window.kernel[axis],
                            window.stride[axis],        window.dilation[axis],
                            output.getDimSize(1 + axis)};
  return {axes[0], axes[1]};
}

/// Bytes of an NHWC `tile` of `input`'s batch and channels, as the arena
/// holds it.
uint64_t getTileBytes(RankedTensorType input, TileExtent tile) {
  SmallVector<int64_t> shape(input.getShape());
  shape[1] = tile.rows;
  shape[2] = tile.columns;
  return getTemporaryBytes(
      RankedTensorType::get(shape, input.getElementType()));
}

/// Bytes of one channel of `input`'s `tile`.
uint64_t getChannelTileBytes(RankedTensorType input, TileExtent tile) {
  SmallVector<int64_t> shape(input.getShape());
  shape.back() = 1;
  return getTileBytes(input.clone(shape), tile);
}

/// The padded input of all rows and columns.
TileExtent getPaddedExtent(const WindowAxis &rows, const WindowAxis &columns) {
  return TileExtent{rows.paddedSize(), columns.paddedSize()};
}

/// A TOSA window op's input, padding (top, bottom, left, right) and window.
struct TosaWindow {
  Value input;
  SmallVector<int64_t, 4> pad;
  Window window;
};

/// A padded TOSA window op's input and its rows and columns.
struct TosaPaddedWindow {
  RankedTensorType input;
  WindowAxis rows, columns;
};

/// `op`'s own input, padding and window, if it is a TOSA window op.
std::optional<TosaWindow> getOwnTosaWindow(Operation *op) {
  auto fromConv = [](auto conv, int64_t first) {
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    Window window;
    for (int axis = 0; axis < 2; ++axis) {
      window.kernel[axis] = weight.getDimSize(first + axis);
      window.stride[axis] = conv.getStride()[axis];
      window.dilation[axis] = conv.getDilation()[axis];
    }
    return TosaWindow{conv.getInput(), SmallVector<int64_t, 4>(conv.getPad()),
                      window};
  };
  auto fromPool = [](auto pool) {
    Window window;
    for (int axis = 0; axis < 2; ++axis) {
      window.kernel[axis] = pool.getKernel()[axis];
      window.stride[axis] = pool.getStride()[axis];
      window.dilation[axis] = 1;
    }
    return TosaWindow{pool.getInput(), SmallVector<int64_t, 4>(pool.getPad()),
                      window};
  };
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
    return fromConv(conv, 1); // OHWI
  if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op))
    return fromConv(conv, 0); // HWCM
  if (auto pool = dyn_cast<tosa::MaxPool2dOp>(op))
    return fromPool(pool);
  if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op))
    return fromPool(pool);
  return std::nullopt;
}

/// The rows and columns (top, bottom, left, right) an explicit `tosa.pad`
/// pads an NHWC map by, when it pads nothing else, by a constant, by known
/// amounts (an ONNX Pad before an average pool).
std::optional<SmallVector<int64_t, 4>> getTosaRowAndColumnPad(tosa::PadOp pad) {
  auto shape = pad.getPadding().getDefiningOp<tosa::ConstShapeOp>();
  Operation *value = pad.getPadConst().getDefiningOp();
  auto input = dyn_cast<RankedTensorType>(pad.getInput1().getType());
  if (!shape || !value || !value->hasTrait<OpTrait::ConstantLike>() || !input ||
      input.getRank() != 4 || !input.hasStaticShape())
    return std::nullopt;
  SmallVector<int64_t> amounts;
  for (const APInt &amount : shape.getValues().getValues<APInt>())
    amounts.push_back(amount.getSExtValue());
  if (amounts.size() != 8 || amounts[0] || amounts[1] || amounts[6] ||
      amounts[7])
    return std::nullopt;
  return SmallVector<int64_t, 4>{amounts[2], amounts[3], amounts[4],
                                 amounts[5]};
}

/// Whether TOSA window op `op`, with no window inside its input, runs
/// channel by channel once lowered (as --serenity-pad-free-windows runs a
/// depthwise convolution or pool of a whole map of several channels).
bool runsByChannel(Operation *op, const TosaWindow &window) {
  return isa<tosa::DepthwiseConv2DOp, tosa::MaxPool2dOp, tosa::AvgPool2dOp>(
             op) &&
         cast<RankedTensorType>(window.input.getType()).getDimSize(3) > 1 &&
         !window.input.getDefiningOp<tosa::SliceOp>();
}

/// Whether the lowering reads `window`'s input in place: split into parts
/// or, with no window inside, channel by channel.
bool isReadInPlace(Operation *op, const TosaWindow &window) {
  auto input = cast<RankedTensorType>(window.input.getType());
  auto output = cast<RankedTensorType>(op->getResult(0).getType());
  auto [rows, columns] = getAxes(input, window.pad, output, window.window);
  return getLargestBorderTile(rows, columns).area() > 0 ||
         runsByChannel(op, window);
}

/// `op`'s input, padding and window, if it is a TOSA window op; an explicit
/// `tosa.pad` that it reads with no padding of its own counts as its
/// padding when the lowering reads the pad's input in place
/// (isTosaPadReadInPlace).
std::optional<TosaWindow> getTosaWindow(Operation *op) {
  std::optional<TosaWindow> window = getOwnTosaWindow(op);
  if (!window)
    return std::nullopt;
  auto pad = window->input.getDefiningOp<tosa::PadOp>();
  if (pad && isTosaPadReadInPlace(pad))
    return TosaWindow{pad.getInput1(), *getTosaRowAndColumnPad(pad),
                      window->window};
  return window;
}

} // namespace

bool serenity::isTosaPadReadInPlace(Operation *op) {
  auto pad = dyn_cast<tosa::PadOp>(op);
  if (!pad)
    return false;
  std::optional<SmallVector<int64_t, 4>> amounts = getTosaRowAndColumnPad(pad);
  if (!amounts || pad->use_empty())
    return false;
  // Every reader a window op of no padding of its own, reading it as its
  // input, whose lowering reads the pad's input in place (otherwise the
  // pass splits none of them: getPaddedWindow).
  return llvm::all_of(pad->getUses(), [&](OpOperand &use) {
    std::optional<TosaWindow> own = getOwnTosaWindow(use.getOwner());
    if (!own || use.getOperandNumber() != 0 ||
        llvm::any_of(own->pad, [](int64_t amount) { return amount != 0; }))
      return false;
    TosaWindow padded{pad.getInput1(), *amounts, own->window};
    return isReadInPlace(use.getOwner(), padded);
  });
}

namespace {

/// `op`'s padded input, if it is a TOSA window op with some padding.
std::optional<TosaPaddedWindow> getTosaPaddedWindow(Operation *op) {
  std::optional<TosaWindow> window = getTosaWindow(op);
  if (!window || llvm::all_of(window->pad, [](int64_t p) { return p == 0; }))
    return std::nullopt;
  auto input = cast<RankedTensorType>(window->input.getType());
  auto output = cast<RankedTensorType>(op->getResult(0).getType());
  auto [rows, columns] = getAxes(input, window->pad, output, window->window);
  return TosaPaddedWindow{input, rows, columns};
}

} // namespace

std::optional<PadAmounts> serenity::getPadAmounts(tensor::PadOp pad) {
  std::optional<SmallVector<int64_t>> low =
      getConstantIntValues(pad.getMixedLowPad());
  std::optional<SmallVector<int64_t>> high =
      getConstantIntValues(pad.getMixedHighPad());
  if (!low || !high)
    return std::nullopt;
  return PadAmounts{std::move(*low), std::move(*high)};
}

bool serenity::isRowAndColumnPad(tensor::PadOp pad) {
  std::optional<PadAmounts> amounts = getPadAmounts(pad);
  if (!amounts || !pad.getConstantPaddingValue() || amounts->low.size() != 4)
    return false;
  ArrayRef<int64_t> low = amounts->low, high = amounts->high;
  return !low[0] && !high[0] && !low[3] && !high[3];
}

bool serenity::isWholeMapPad(tensor::PadOp pad) {
  return !pad.getSource().getDefiningOp<tensor::ExtractSliceOp>() &&
         !pad->hasAttr(SerenityDialect::kTilePadAttrName) &&
         !pad->getParentOfType<LoopLikeOpInterface>();
}

/// `op`'s padded input as the pass splits it, whoever else reads the pad.
static std::optional<PaddedWindow> matchPaddedWindow(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics())
    return std::nullopt;
  std::optional<Window> window = getLinalgWindow(linalgOp);
  if (!window)
    return std::nullopt;
  auto pad = linalgOp.getDpsInputs()[0].getDefiningOp<tensor::PadOp>();
  if (!pad || !isRowAndColumnPad(pad))
    return std::nullopt;
  PadAmounts amounts = *getPadAmounts(pad);
  ArrayRef<int64_t> low = amounts.low, high = amounts.high;
  auto source = dyn_cast<RankedTensorType>(pad.getSourceType());
  auto result = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!source || !source.hasStaticShape() || source.getRank() != 4 || !result ||
      !result.hasStaticShape())
    return std::nullopt;
  int64_t pads[4] = {low[1], high[1], low[2], high[2]};
  auto [rows, columns] = getAxes(source, pads, result, *window);
  SmallVector<WindowPart, 5> parts = splitPaddedWindow(rows, columns);
  // No window inside: channel by channel, where channels are independent,
  // for a pad of a whole map (a padded channel is what each iteration reads
  // already; a pad of a slice is a border strip already; a patch's tile pad
  // is tile-sized already).
  if (parts.empty() &&
      (source.getDimSize(3) == 1 || !isWholeMapPad(pad) ||
       !isa<linalg::DepthwiseConv2DNhwcHwcmOp,
            linalg::DepthwiseConv2DNhwcHwcmQOp,
            linalg::DepthwiseConv2DNhwcHwcOp, linalg::DepthwiseConv2DNhwcHwcQOp,
            linalg::PoolingNhwcSumOp, linalg::PoolingNhwcMaxOp,
            linalg::PoolingNhwcMinOp, linalg::PoolingNhwcMaxUnsignedOp,
            linalg::PoolingNhwcMinUnsignedOp>(op)))
    return std::nullopt;
  return PaddedWindow{pad, rows, columns, std::move(parts)};
}

uint64_t serenity::getBorderBytes(const PaddedWindow &window) {
  tensor::PadOp pad = window.pad;
  auto input = cast<RankedTensorType>(pad.getSource().getType());
  if (window.parts.empty())
    return getChannelTileBytes(input,
                               getPaddedExtent(window.rows, window.columns));
  return getTileBytes(input, getLargestBorderTile(window.rows, window.columns));
}

PaddingBytes serenity::getTosaPaddingBytes(Operation *op) {
  std::optional<TosaPaddedWindow> window = getTosaPaddedWindow(op);
  if (!window)
    return {};
  TileExtent tile = getLargestBorderTile(window->rows, window->columns);
  if (tile.area() > 0)
    return PaddingBytes{getTileBytes(window->input, tile), 0};
  TileExtent padded = getPaddedExtent(window->rows, window->columns);
  // No window inside: channel by channel, where channels are independent.
  if (runsByChannel(op, *getTosaWindow(op)))
    return PaddingBytes{getChannelTileBytes(window->input, padded), 0};
  return PaddingBytes{0, getTileBytes(window->input, padded)};
}

uint64_t serenity::getTosaPaddedRowTileBytes(Operation *op, int64_t columns,
                                             bool oneChannel) {
  std::optional<TosaPaddedWindow> window = getTosaPaddedWindow(op);
  if (!window)
    return 0;
  RankedTensorType input = window->input;
  if (oneChannel) {
    SmallVector<int64_t> shape(input.getShape());
    shape.back() = 1;
    input = input.clone(shape);
  }
  return getTileBytes(
      input, TileExtent{window->rows.readExtent(1),
                        window->columns.readExtent(
                            std::min(columns, window->columns.outputSize))});
}

bool serenity::isPaddedWindowOp(Operation *op) {
  return matchPaddedWindow(op).has_value();
}

std::optional<PaddedWindow> serenity::getPaddedWindow(Operation *op) {
  std::optional<PaddedWindow> window = matchPaddedWindow(op);
  if (!window || !llvm::all_of(window->pad->getUses(), [&](OpOperand &use) {
        std::optional<PaddedWindow> reader = matchPaddedWindow(use.getOwner());
        return reader && use.getOperandNumber() == 0;
      }))
    return std::nullopt;
  return window;
}
