//===- PartitionPatterns.cpp - SERENITY's partitioning rewrites -----------===//
//
// SERENITY's identity graph rewrites: a convolution over a channel concat is
// split into one convolution per concat input, so that no buffer ever holds
// the whole concat and each input can die as soon as its part has run
// (channel-wise for conv2d, kernel-wise for depthwise conv2d; TOSA and
// Linalg on tensors).
//
//===----------------------------------------------------------------------===//

#include "RewritePatterns.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace serenity;

/// Ops between the concat and the convolution that commute with the concat:
/// one tensor operand, element-wise, same shape in and out.
bool serenity::isCommutingUnaryOp(Operation *op) {
  if (!op || op->getNumOperands() != 1 || op->getNumResults() != 1 ||
      !op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>())
    return false;
  auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  return in && out && in.getShape() == out.getShape();
}

namespace {

/// What a partitioning needs: the concat along the channel axis (NHWC), the
/// element-wise ops from it to the convolution (nearest the concat first),
/// and the convolution's constant weight and bias (f32, or integer).
struct Partition {
  tosa::ConcatOp concat;
  SmallVector<Operation *> unaryChain;
  DenseElementsAttr weight;
  DenseElementsAttr bias;
};

FailureOr<Partition> matchPartition(Operation *conv, Value input, Value weight,
                                    Value bias, Value inputZp, Value weightZp) {
  Partition partition;
  Value source = input;
  while (isCommutingUnaryOp(source.getDefiningOp())) {
    partition.unaryChain.push_back(source.getDefiningOp());
    source = source.getDefiningOp()->getOperand(0);
  }
  std::reverse(partition.unaryChain.begin(), partition.unaryChain.end());
  partition.concat = source.getDefiningOp<tosa::ConcatOp>();
  if (!partition.concat || partition.concat.getInput1().size() < 2)
    return failure();
  auto concatType = cast<RankedTensorType>(partition.concat.getType());
  if (concatType.getRank() != 4 || partition.concat.getAxis() != 3)
    return failure();
  // f32 (zero points 0), or integer (int8 with an i32 accumulator): each
  // part subtracts the zero points from its own elements, as the whole
  // convolution does from every element, and pads with the same input zero
  // point, so the parts' i32 sums add up to the whole's exactly.
  auto elementType = [](Value value) {
    return cast<ShapedType>(value.getType()).getElementType();
  };
  bool isFloat = elementType(input).isF32() &&
                 elementType(conv->getResult(0)).isF32() &&
                 elementType(weight).isF32();
  bool isInteger = isa<IntegerType>(elementType(input)) &&
                   isa<IntegerType>(elementType(conv->getResult(0))) &&
                   isa<IntegerType>(elementType(weight));
  if (!isFloat && !isInteger)
    return failure();
  if (!matchPattern(weight, m_Constant(&partition.weight)) ||
      !matchPattern(bias, m_Constant(&partition.bias)))
    return failure();
  DenseElementsAttr zp;
  for (Value value : {inputZp, weightZp})
    if (!matchPattern(value, m_Constant(&zp)) || !zp.isSplat() ||
        (isFloat && !zp.getSplatValue<APFloat>().isZero()))
      return failure();
  return partition;
}

/// The same, for a TOSA convolution (conv2d or depthwise_conv2d).
template <typename ConvOp> FailureOr<Partition> matchPartition(ConvOp conv) {
  return matchPartition(conv, conv.getInput(), conv.getWeight(), conv.getBias(),
                        conv.getInputZp(), conv.getWeightZp());
}

/// The elements of `weight` whose index along `axis` is in [begin, end).
DenseElementsAttr sliceAlong(DenseElementsAttr weight, unsigned axis,
                             int64_t begin, int64_t end) {
  auto type = cast<RankedTensorType>(weight.getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t outer = 1, inner = 1;
  for (unsigned i = 0; i < axis; ++i)
    outer *= shape[i];
  for (unsigned i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  SmallVector<Attribute> values(weight.getValues<Attribute>());
  SmallVector<Attribute> sliced;
  sliced.reserve(outer * (end - begin) * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t a = begin; a < end; ++a)
      for (int64_t i = 0; i < inner; ++i)
        sliced.push_back(values[(o * shape[axis] + a) * inner + i]);
  SmallVector<int64_t> slicedShape(shape);
  slicedShape[axis] = end - begin;
  return DenseElementsAttr::get(
      RankedTensorType::get(slicedShape, type.getElementType()), sliced);
}

Value makeConstant(PatternRewriter &rewriter, Location loc,
                   DenseElementsAttr values) {
  return tosa::ConstOp::create(rewriter, loc, values.getType(), values);
}

RankedTensorType withChannels(Type type, int64_t channels) {
  auto ranked = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(ranked.getShape());
  shape.back() = channels;
  return RankedTensorType::get(shape, ranked.getElementType());
}

/// A concat input and the channels it occupies: [offset, offset + channels).
struct ChannelRange {
  Value input;
  int64_t offset;
  int64_t channels;
};

SmallVector<ChannelRange> channelRanges(ValueRange inputs) {
  SmallVector<ChannelRange> ranges;
  int64_t offset = 0;
  for (Value input : inputs) {
    int64_t channels =
        cast<RankedTensorType>(input.getType()).getShape().back();
    ranges.push_back({input, offset, channels});
    offset += channels;
  }
  return ranges;
}

/// A copy of the convolution for one part: operands remapped by `mapping`,
/// the result retyped to `resultType` when one is given.
Value clonePart(PatternRewriter &rewriter, Operation *conv, IRMapping &mapping,
                Type resultType = {}) {
  Operation *part = rewriter.clone(*conv, mapping);
  if (resultType)
    part->getResult(0).setType(resultType);
  return part->getResult(0);
}

/// Applies the element-wise chain to one concat input.
Value applyChain(PatternRewriter &rewriter, ArrayRef<Operation *> chain,
                 Value part) {
  int64_t channels = cast<RankedTensorType>(part.getType()).getShape().back();
  for (Operation *op : chain) {
    IRMapping mapping;
    mapping.map(op->getOperand(0), part);
    Operation *copy = rewriter.clone(*op, mapping);
    copy->getResult(0).setType(
        withChannels(op->getResult(0).getType(), channels));
    part = copy->getResult(0);
  }
  return part;
}

/// conv2d(concat(x1..xn)) -> conv2d(x1, W1) + ... + conv2d(xn, Wn).
struct ChannelPartition : OpRewritePattern<tosa::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::Conv2DOp conv,
                                PatternRewriter &rewriter) const override {
    FailureOr<Partition> partition = matchPartition(conv);
    if (failed(partition))
      return rewriter.notifyMatchFailure(conv, "no constant conv2d over a "
                                               "channel concat");
    Location loc = conv.getLoc();
    auto zeroBias = cast<DenseElementsAttr>(
        rewriter.getZeroAttr(partition->bias.getType()));
    Value sum;
    for (auto [index, range] :
         llvm::enumerate(channelRanges(partition->concat.getInput1()))) {
      IRMapping mapping;
      mapping.map(conv.getInput(),
                  applyChain(rewriter, partition->unaryChain, range.input));
      // [out channels, kh, kw, in channels]: slice the input channels.
      mapping.map(conv.getWeight(),
                  makeConstant(rewriter, loc,
                               sliceAlong(partition->weight, 3, range.offset,
                                          range.offset + range.channels)));
      mapping.map(conv.getBias(), index == 0
                                      ? conv.getBias()
                                      : makeConstant(rewriter, loc, zeroBias));
      Value part = clonePart(rewriter, conv, mapping);
      sum = sum ? tosa::AddOp::create(rewriter, loc, conv.getType(), sum, part)
                      .getResult()
                : part;
    }
    rewriter.replaceOp(conv, sum);
    return success();
  }
};

/// depthwise(concat(x1..xn)) -> concat(depthwise(x1, W1), ..., depthwise(xn,
/// Wn)).
struct KernelPartition : OpRewritePattern<tosa::DepthwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::DepthwiseConv2DOp conv,
                                PatternRewriter &rewriter) const override {
    FailureOr<Partition> partition = matchPartition(conv);
    if (failed(partition))
      return rewriter.notifyMatchFailure(conv, "no constant depthwise conv2d "
                                               "over a channel concat");
    Location loc = conv.getLoc();
    // [kh, kw, channels, multiplier]; output channel c * multiplier + m.
    int64_t multiplier =
        cast<RankedTensorType>(partition->weight.getType()).getShape()[3];
    bool splatBias = partition->bias.isSplat();
    SmallVector<Value> parts;
    for (auto [input, offset, channels] :
         channelRanges(partition->concat.getInput1())) {
      IRMapping mapping;
      mapping.map(conv.getInput(),
                  applyChain(rewriter, partition->unaryChain, input));
      mapping.map(conv.getWeight(),
                  makeConstant(rewriter, loc,
                               sliceAlong(partition->weight, 2, offset,
                                          offset + channels)));
      DenseElementsAttr bias =
          splatBias
              ? DenseElementsAttr::get(
                    RankedTensorType::get({channels * multiplier},
                                          partition->bias.getElementType()),
                    partition->bias.getSplatValue<Attribute>())
              : sliceAlong(partition->bias, 0, offset * multiplier,
                           (offset + channels) * multiplier);
      mapping.map(conv.getBias(), makeConstant(rewriter, loc, bias));
      parts.push_back(
          clonePart(rewriter, conv, mapping,
                    withChannels(conv.getType(), channels * multiplier)));
    }
    rewriter.replaceOpWithNewOp<tosa::ConcatOp>(conv, conv.getType(), parts,
                                                rewriter.getI32IntegerAttr(3));
    return success();
  }
};

/// The concat along the channel axis (NHWC) that a Linalg convolution
/// reads, with its constant f32 filter.
FailureOr<std::pair<tensor::ConcatOp, DenseElementsAttr>>
matchLinalgPartition(linalg::LinalgOp conv) {
  Value input = conv.getDpsInputs()[0], filter = conv.getDpsInputs()[1];
  auto concat = input.getDefiningOp<tensor::ConcatOp>();
  if (!concat || concat.getDim() != 3 || concat.getInputs().size() < 2)
    return failure();
  for (Value value : {input, filter, conv.getDpsInits()[0]})
    if (!cast<ShapedType>(value.getType()).getElementType().isF32())
      return failure();
  DenseElementsAttr filterValues;
  if (!matchPattern(filter, m_Constant(&filterValues)))
    return failure();
  return std::make_pair(concat, filterValues);
}

/// linalg.conv_2d_nhwc_hwcf(concat(x1..xn), F) outs(init): each part
/// accumulates into the previous part's result, so that one-shot
/// bufferization sums in place in the destination.
struct LinalgChannelPartition : OpRewritePattern<linalg::Conv2DNhwcHwcfOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv2DNhwcHwcfOp conv,
                                PatternRewriter &rewriter) const override {
    auto match = matchLinalgPartition(conv);
    if (failed(match))
      return rewriter.notifyMatchFailure(conv, "no constant f32 conv over a "
                                               "channel concat");
    auto [concat, filter] = *match;
    Value accumulated = conv.getDpsInits()[0];
    for (auto [input, offset, channels] : channelRanges(concat.getInputs())) {
      IRMapping mapping;
      mapping.map(conv.getDpsInputs()[0], input);
      // [kh, kw, in channels, out channels]: slice the input channels.
      mapping.map(conv.getDpsInputs()[1],
                  arith::ConstantOp::create(
                      rewriter, conv.getLoc(),
                      sliceAlong(filter, 2, offset, offset + channels)));
      mapping.map(conv.getDpsInits()[0], accumulated);
      accumulated = clonePart(rewriter, conv, mapping);
    }
    rewriter.replaceOp(conv, accumulated);
    return success();
  }
};

/// linalg.depthwise_conv_2d_nhwc_hwc(concat(x1..xn), F) outs(init): one
/// depthwise conv per part into its slice of the destination, concatenated.
struct LinalgKernelPartition
    : OpRewritePattern<linalg::DepthwiseConv2DNhwcHwcOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNhwcHwcOp conv,
                                PatternRewriter &rewriter) const override {
    auto match = matchLinalgPartition(conv);
    if (failed(match))
      return rewriter.notifyMatchFailure(conv, "no constant f32 depthwise "
                                               "conv over a channel concat");
    auto [concat, filter] = *match;
    Value init = conv.getDpsInits()[0];
    ArrayRef<int64_t> outShape =
        cast<RankedTensorType>(init.getType()).getShape();
    SmallVector<Value> parts;
    for (auto [input, offset, channels] : channelRanges(concat.getInputs())) {
      SmallVector<OpFoldResult> offsets = {
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(0),
          rewriter.getIndexAttr(0), rewriter.getIndexAttr(offset)};
      SmallVector<OpFoldResult> sizes = {rewriter.getIndexAttr(outShape[0]),
                                         rewriter.getIndexAttr(outShape[1]),
                                         rewriter.getIndexAttr(outShape[2]),
                                         rewriter.getIndexAttr(channels)};
      SmallVector<OpFoldResult> strides(4, rewriter.getIndexAttr(1));
      Value destination = tensor::ExtractSliceOp::create(
          rewriter, conv.getLoc(), init, offsets, sizes, strides);
      IRMapping mapping;
      mapping.map(conv.getDpsInputs()[0], input);
      // [kh, kw, channels]: slice the channels.
      mapping.map(conv.getDpsInputs()[1],
                  arith::ConstantOp::create(
                      rewriter, conv.getLoc(),
                      sliceAlong(filter, 2, offset, offset + channels)));
      mapping.map(init, destination);
      parts.push_back(
          clonePart(rewriter, conv, mapping, destination.getType()));
    }
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(
        conv, conv.getType(0), rewriter.getI64IntegerAttr(3), parts);
    return success();
  }
};

} // namespace

bool serenity::isPartitionableConvolution(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, linalg::Conv2DNhwcHwcfOp,
             linalg::DepthwiseConv2DNhwcHwcOp>(op);
}

bool serenity::isConcat(Operation *op) {
  return isa<tosa::ConcatOp, tensor::ConcatOp>(op);
}

/// The convolutions that read `value`, directly or through commuting
/// element-wise ops.
void serenity::collectConvolutionsOver(Value value,
                                       SmallVectorImpl<Operation *> &convs) {
  for (Operation *user : value.getUsers()) {
    if (isPartitionableConvolution(user) && user->getOperand(0) == value) {
      if (!llvm::is_contained(convs, user))
        convs.push_back(user);
    } else if (isCommutingUnaryOp(user)) {
      collectConvolutionsOver(user->getResult(0), convs);
    }
  }
}

void serenity::populatePartitionPatterns(RewritePatternSet &patterns,
                                         bool channelWise, bool kernelWise) {
  if (channelWise)
    patterns.add<ChannelPartition, LinalgChannelPartition>(
        patterns.getContext());
  if (kernelWise)
    patterns.add<KernelPartition, LinalgKernelPartition>(patterns.getContext());
}
