//===- FuseRequantize.cpp - The --serenity-fuse-requantize pass -----------===//
//
// Int8 requantization computed with its producer (Passes.td says what and
// why): integer element-wise chains fused into one op, and element-wise
// consumers of a convolution's or pool's i32 result tiled by output rows
// with the producer fused into the loop.
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "InPlaceDepthwise.h"
#include "TiledLoopCache.h"
#include "serenity/Analysis/FusedRequantization.h"
#include "serenity/Analysis/OpOrder.h"
#include "serenity/Analysis/WindowOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/MapVector.h"

namespace serenity {
#define GEN_PASS_DEF_SERENITYFUSEREQUANTIZE
#define GEN_PASS_DEF_SERENITYSIMPLIFYTILELOOPS
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

bool hasIntegerElements(Value value) {
  return isa<IntegerType>(getElementTypeOrSelf(value.getType()));
}

/// A pooling op (its result an int8 map).
bool isPool(Operation *op) {
  return isa_and_nonnull<linalg::PoolingNhwcSumOp, linalg::PoolingNhwcMaxOp,
                         linalg::PoolingNhwcMinOp,
                         linalg::PoolingNhwcMaxUnsignedOp,
                         linalg::PoolingNhwcMinUnsignedOp>(op);
}

/// An average pool's division (it reads the pool's sum): tiled with the
/// sum, never fused into its consumer, so that a pool's int8 result stays a
/// map as the memory model says (FusedRequantization.h).
bool isAveragePoolDivision(linalg::GenericOp op) {
  return llvm::any_of(op.getDpsInputs(), [](Value input) {
    return isa_and_nonnull<linalg::PoolingNhwcSumOp>(input.getDefiningOp());
  });
}

/// An element-wise producer fuses into its consumer when the consumer is its
/// only reader (no value is computed twice, and the fused op stores
/// neither), and the producer or the consumer makes integers: a float link
/// of a chain that ends in integers (a requantization in float32) fuses
/// once the ops below it have, float models stay as they are.
bool isFusibleElementwiseOperand(OpOperand *operand) {
  Value value = operand->get();
  auto producer = value.getDefiningOp<linalg::GenericOp>();
  Operation *consumer = operand->getOwner();
  bool integerChain =
      hasIntegerElements(value) || (consumer->getNumResults() == 1 &&
                                    hasIntegerElements(consumer->getResult(0)));
  return integerChain && value.hasOneUse() && producer &&
         !isAveragePoolDivision(producer);
}

/// A convolution, pooling or matmul op that makes an integer map.
bool isAccumulatingWindowOp(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp &&
         (linalg::isaConvolutionOpInterface(linalgOp) ||
          isa<linalg::MatmulOp, linalg::QuantizedMatmulOp,
              linalg::BatchMatmulOp, linalg::QuantizedBatchMatmulOp>(op)) &&
         op->getNumResults() == 1 && hasIntegerElements(op->getResult(0));
}

/// An op of parallel loops that reads and writes each element where it
/// computes it (linalg::isElementwise without its test of the body, which
/// rejects the cast a rescale to ui8 ends with: the body is scalar code all
/// the same).
bool isElementwiseLoopNest(linalg::GenericOp op) {
  return op.getNumLoops() == op.getNumParallelLoops() &&
         linalg::allIndexingsAreProjectedPermutation(op) &&
         llvm::all_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
           return op.getMatchingIndexingMap(&init).isPermutation();
         });
}

/// The window ops whose integer results `consumer` alone reads: the ops
/// that `consumer` is tiled with (an int8 add of two convolutions reads
/// two).
SmallVector<Operation *> getFusedWindowOps(linalg::GenericOp consumer) {
  if (!isElementwiseLoopNest(consumer) || consumer->getNumResults() != 1 ||
      !hasIntegerElements(consumer->getResult(0)))
    return {};
  SmallVector<Operation *> windowOps;
  for (Value input : consumer.getDpsInputs()) {
    Operation *producer = input.getDefiningOp();
    if (!isAccumulatingWindowOp(producer) || !input.hasOneUse())
      continue;
    // A pool only when it is an average pool's sum and `consumer` its
    // division, which reads nothing else but constants.
    if (isPool(producer) &&
        (!isa<linalg::PoolingNhwcSumOp>(producer) ||
         !llvm::all_of(consumer.getDpsInputs(), [&](Value other) {
           Operation *source = other.getDefiningOp();
           return other == input ||
                  (source && source->hasTrait<OpTrait::ConstantLike>());
         })))
      continue;
    windowOps.push_back(producer);
  }
  return windowOps;
}

/// The op that `op` runs in once tiled: the consumer it is tiled with (a
/// window op's), else itself.
Operation *getTiledNode(Operation *op) {
  if (isAccumulatingWindowOp(op) && op->getResult(0).hasOneUse())
    if (auto consumer =
            dyn_cast<linalg::GenericOp>(*op->getResult(0).getUsers().begin()))
      if (llvm::is_contained(getFusedWindowOps(consumer), op))
        return consumer;
  return op;
}

/// The filter of a depthwise convolution over one input channel,
/// (kh, kw, 1, M), as the (M, kh, kw, 1) filter of a plain convolution: a
/// new constant when the filter is one, else null.
Value transposeOneChannelFilter(PatternRewriter &rewriter, Value filter) {
  DenseElementsAttr values;
  if (!matchPattern(filter, m_Constant(&values)))
    return nullptr;
  auto type = cast<RankedTensorType>(filter.getType());
  int64_t kh = type.getDimSize(0), kw = type.getDimSize(1),
          m = type.getDimSize(3);
  SmallVector<Attribute> from(values.getValues<Attribute>());
  SmallVector<Attribute> to(from.size());
  for (int64_t y = 0; y < kh; ++y)
    for (int64_t x = 0; x < kw; ++x)
      for (int64_t f = 0; f < m; ++f)
        to[(f * kh + y) * kw + x] = from[(y * kw + x) * m + f];
  auto transposed =
      RankedTensorType::get({m, kh, kw, 1}, type.getElementType());
  return arith::ConstantOp::create(rewriter, filter.getLoc(),
                                   DenseElementsAttr::get(transposed, to));
}

/// An integer depthwise convolution that TOSA-to-Linalg writes into a 5-D
/// accumulator (N, H, W, C, M) that a collapse_shape reads, as a 4-D
/// convolution into a 4-D zero fill: the collapse hides the convolution
/// from the tiling, the 4-D form is tiled with its requantization like any
/// convolution. Of channel multiplier 1, the 4-D depthwise convolution; over
/// one input channel (a first layer's, as TFLite writes a convolution of a
/// grey image), a plain convolution of M filters.
struct DepthwiseTo4D : public OpRewritePattern<tensor::CollapseShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::CollapseShapeOp collapse,
                                PatternRewriter &rewriter) const final {
    Operation *conv = collapse.getSrc().getDefiningOp();
    bool quantized = isa_and_nonnull<linalg::DepthwiseConv2DNhwcHwcmQOp>(conv);
    if (!quantized && !isa_and_nonnull<linalg::DepthwiseConv2DNhwcHwcmOp>(conv))
      return rewriter.notifyMatchFailure(collapse, "not of a depthwise conv");
    auto type = cast<RankedTensorType>(collapse.getSrcType());
    SmallVector<ReassociationIndices> expected = {{0}, {1}, {2}, {3, 4}};
    bool multiplierOne = type.getShape().back() == 1;
    bool oneChannel = type.getDimSize(3) == 1;
    if (!hasIntegerElements(collapse.getSrc()) ||
        !(multiplierOne || oneChannel) || !collapse.getSrc().hasOneUse() ||
        collapse.getReassociationIndices() != expected)
      return rewriter.notifyMatchFailure(collapse, "not an integer, "
                                                   "multiplier-1 or "
                                                   "one-channel accumulator");
    auto linalgConv = cast<linalg::LinalgOp>(conv);
    auto fill = linalgConv.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    if (!fill)
      return rewriter.notifyMatchFailure(collapse, "not into a fill");

    Location loc = conv->getLoc();
    SmallVector<Value> inputs(linalgConv.getDpsInputs());
    if (multiplierOne) {
      SmallVector<ReassociationIndices> filterGroups = {{0}, {1}, {2, 3}};
      inputs[1] = tensor::CollapseShapeOp::create(rewriter, loc, inputs[1],
                                                  filterGroups);
    } else {
      inputs[1] = transposeOneChannelFilter(rewriter, inputs[1]);
      if (!inputs[1])
        return rewriter.notifyMatchFailure(collapse, "the filter of a "
                                                     "one-channel input is "
                                                     "not a constant");
    }
    RankedTensorType resultType = collapse.getResultType();
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          resultType.getElementType());
    Value init =
        linalg::FillOp::create(rewriter, loc, fill.value(), empty).getResult(0);
    Attribute strides = conv->getAttr("strides");
    Attribute dilations = conv->getAttr("dilations");
    // Of multiplier 1, the 4-D depthwise convolution; over one channel, a
    // plain one.
    Operation *replacement;
    SmallVector<Type, 1> types = {resultType};
    if (multiplierOne && quantized)
      replacement = linalg::DepthwiseConv2DNhwcHwcQOp::create(
          rewriter, loc, types, inputs, ValueRange{init}, strides, dilations);
    else if (multiplierOne)
      replacement = linalg::DepthwiseConv2DNhwcHwcOp::create(
          rewriter, loc, types, inputs, ValueRange{init}, strides, dilations);
    else if (quantized)
      replacement = linalg::Conv2DNhwcFhwcQOp::create(
          rewriter, loc, types, inputs, ValueRange{init}, strides, dilations);
    else
      replacement = linalg::Conv2DNhwcFhwcOp::create(
          rewriter, loc, types, inputs, ValueRange{init}, strides, dilations);
    Value result = replacement->getResult(0);
    rewriter.replaceOp(collapse, result);
    return success();
  }
};

/// A transpose of an integer element-wise op's result that nothing else
/// reads, as a generic op, which the element-wise fusion then fuses that op
/// into: an NCHW input's rescale and its transpose to NHWC become one op
/// that reads the input where it lies and whose result rows are a loop, so
/// patches band it (--serenity-tile-spatial) and the NCHW map never exists
/// whole (MobileNetV2-224 int8: 150,528 bytes).
struct GeneralizeTransposeOfElementwise
    : public OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    auto producer = transpose.getInput().getDefiningOp<linalg::GenericOp>();
    if (!transpose.hasPureTensorSemantics() || !producer ||
        !producer->hasOneUse() || producer->getNumResults() != 1 ||
        !isElementwiseLoopNest(producer) ||
        !hasIntegerElements(producer->getResult(0)))
      return failure();
    return success(succeeded(linalg::generalizeNamedOp(rewriter, transpose)));
  }
};

/// A Linalg op that makes its result from constants alone (and its init).
bool readsConstantsOnly(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && llvm::all_of(linalgOp.getDpsInputs(), [](Value input) {
           Operation *producer = input.getDefiningOp();
           return producer && producer->hasTrait<OpTrait::ConstantLike>();
         });
}

/// One output row per iteration (getRowTiledDims), or an equal part of its
/// columns where a window op's accumulator row is large
/// (getFusedTileColumns): the model counts that tile.
SmallVector<OpFoldResult> getRowTileSizes(OpBuilder &builder,
                                          linalg::GenericOp consumer,
                                          ArrayRef<Operation *> windowOps) {
  unsigned rank = consumer.getNumLoops();
  unsigned tiled = getRowTiledDims(rank);
  SmallVector<OpFoldResult> sizes;
  for (unsigned i = 0; i < rank; ++i)
    sizes.push_back(builder.getIndexAttr(i < tiled ? 1 : 0));
  SmallVector<int64_t> ranges = consumer.getStaticLoopRanges();
  if (rank == 4) {
    SmallVector<RankedTensorType> accumulators;
    for (Operation *op : windowOps)
      if (auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType()))
        accumulators.push_back(type);
    SmallVector<Type> inputs;
    for (Value input : consumer.getDpsInputs()) {
      Operation *producer = input.getDefiningOp();
      if (!llvm::is_contained(windowOps, producer) &&
          !(producer && producer->hasTrait<OpTrait::ConstantLike>()))
        inputs.push_back(input.getType());
    }
    int64_t columns = getFusedTileColumns(ranges, accumulators, inputs);
    if (columns != ranges[2])
      sizes[2] = builder.getIndexAttr(columns);
  }
  return sizes;
}

/// One channel (the last dimension) per iteration: an in-place depthwise
/// convolution's loop.
SmallVector<OpFoldResult> getChannelTileSizes(OpBuilder &builder,
                                              linalg::GenericOp consumer) {
  SmallVector<OpFoldResult> sizes(consumer.getNumLoops(),
                                  builder.getIndexAttr(0));
  sizes.back() = builder.getIndexAttr(1);
  return sizes;
}

/// A convolution of a 1x1 window over several input channels (a depthwise
/// convolution over one, written as a plain one by DepthwiseTo4D, is not
/// one): FusedRequantization's isPointwiseConvolution on Linalg.
bool isPointwiseConvolution(Operation *op) {
  if (!isa_and_nonnull<linalg::Conv2DNhwcFhwcOp, linalg::Conv2DNhwcFhwcQOp>(op))
    return false;
  auto filter = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  return filter && filter.hasStaticShape() && filter.getDimSize(1) == 1 &&
         filter.getDimSize(2) == 1 && filter.getDimSize(3) > 1;
}

/// An element-wise op that runs in the loop of the pointwise convolution of
/// `windowOps` that alone reads its integer result, as its input: it reads
/// one map besides constants, which other ops read too, so that its whole
/// result would be a copy of that map's size (a NAS cell's ReLU of a cell
/// output the next cell reads too). The loop computes the input tile the
/// convolution reads; the model counts it so (FusedRequantization.h).
bool isFusedPrologue(ArrayRef<Operation *> windowOps, Operation *producer) {
  auto generic = dyn_cast<linalg::GenericOp>(producer);
  if (!generic || !isElementwiseLoopNest(generic) ||
      generic->getNumResults() != 1 ||
      !hasIntegerElements(generic->getResult(0)) ||
      !generic->getResult(0).hasOneUse())
    return false;
  OpOperand &use = *generic->getResult(0).use_begin();
  if (use.getOperandNumber() != 0 ||
      !llvm::is_contained(windowOps, use.getOwner()) ||
      !isPointwiseConvolution(use.getOwner()))
    return false;
  Value map = getSingleMapOperand(generic.getDpsInputs());
  return map && llvm::any_of(map.getUsers(),
                             [&](Operation *user) { return user != producer; });
}

/// What a consumer's tile loop computes besides the consumer: its window
/// ops and their prologues (isFusedPrologue, or made of a prologue of
/// slices by sinkSlicedPrologues), decided before the tiling adds readers.
SmallVector<Operation *>
getTiledProducers(ArrayRef<Operation *> windowOps,
                  const llvm::DenseSet<Operation *> &slicePrologues) {
  SmallVector<Operation *> producers(windowOps);
  for (Operation *op : windowOps)
    if (Operation *input = op->getOperand(0).getDefiningOp();
        input &&
        (slicePrologues.contains(input) || isFusedPrologue(windowOps, input)))
      producers.push_back(input);
  return producers;
}

/// Whether `op` is a prologue of slices (FusedRequantization.h): an integer
/// element-wise op of one input (a clamp) that no window op is fused into,
/// every reader a slice that one pointwise convolution among
/// `tiledConvolutions` alone reads, as its input.
bool isSlicedPrologue(Operation *op,
                      const llvm::DenseSet<Operation *> &tiledConvolutions) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  // (Not a consumer of window ops itself: those are tiled with them.)
  if (!generic || !isElementwiseLoopNest(generic) ||
      !getFusedWindowOps(generic).empty() || generic.getNumDpsInputs() != 1 ||
      generic->getNumResults() != 1 ||
      !hasIntegerElements(generic->getResult(0)) ||
      generic->getResult(0).use_empty() ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap map) { return map.isIdentity(); }))
    return false;
  return llvm::all_of(generic->getResult(0).getUses(), [&](OpOperand &use) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(use.getOwner());
    if (!slice || use.getOperandNumber() != 0 || !slice->hasOneUse())
      return false;
    OpOperand &read = *slice->use_begin();
    return read.getOperandNumber() == 0 &&
           tiledConvolutions.contains(read.getOwner()) &&
           isPointwiseConvolution(read.getOwner());
  });
}

/// Each slice of a prologue of slices that one of the tiled `windowOps` (of
/// every consumer, in order) reads becomes the op on the same slice of its
/// input (which the convolution's loop then computes a tile at a time); the
/// op goes. Returns the ops made.
llvm::DenseSet<Operation *>
sinkSlicedPrologues(RewriterBase &rewriter, ArrayRef<Operation *> windowOps) {
  llvm::DenseSet<Operation *> tiledConvolutions(windowOps.begin(),
                                                windowOps.end());
  llvm::SetVector<Operation *> prologues;
  for (Operation *conv : windowOps)
    if (auto slice =
            conv->getOperand(0).getDefiningOp<tensor::ExtractSliceOp>())
      if (Operation *source = slice.getSource().getDefiningOp();
          source && isSlicedPrologue(source, tiledConvolutions))
        prologues.insert(source);
  llvm::DenseSet<Operation *> made;
  for (Operation *op : prologues) {
    auto generic = cast<linalg::GenericOp>(op);
    Value input = generic.getDpsInputs()[0];
    for (Operation *user : llvm::make_early_inc_range(generic->getUsers())) {
      auto slice = cast<tensor::ExtractSliceOp>(user);
      rewriter.setInsertionPoint(slice);
      Location loc = slice.getLoc();
      Value part = tensor::ExtractSliceOp::create(
          rewriter, loc, input, slice.getMixedOffsets(), slice.getMixedSizes(),
          slice.getMixedStrides());
      RankedTensorType type = slice.getResultType();
      Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType());
      auto onPart = linalg::GenericOp::create(
          rewriter, loc, TypeRange{type}, ValueRange{part}, ValueRange{init},
          generic.getIndexingMapsArray(), generic.getIteratorTypesArray());
      IRMapping mapping;
      generic.getRegion().cloneInto(&onPart.getRegion(), mapping);
      rewriter.replaceOp(slice, onPart->getResults());
      made.insert(onPart);
    }
    rewriter.eraseOp(generic);
  }
  return made;
}

/// Whether the tiling of a consumer fuses `producer`: one of its
/// `tiledProducers` (getTiledProducers), or an op that initializes their
/// results from constants (a zero fill, a bias broadcast); never another
/// activation's producer. A pad is neither: its slices become padded tiles
/// (makePaddedTile).
bool fusesIntoTile(ArrayRef<Operation *> tiledProducers, Operation *producer) {
  return llvm::is_contained(tiledProducers, producer) ||
         readsConstantsOnly(producer);
}

/// Tiles `consumer` with `tiledProducers` (getTiledProducers) by
/// `tileSizes`; the loop nest's outermost loop, or null after an error at
/// `consumer`. The values that replaced `consumer`'s results go to
/// `replacements`.
Operation *tileWithWindowOps(RewriterBase &rewriter, linalg::GenericOp consumer,
                             ArrayRef<Operation *> tiledProducers,
                             ArrayRef<OpFoldResult> tileSizes,
                             SmallVectorImpl<Value> *replacements = nullptr) {
  scf::SCFTileAndFuseOptions options;
  rewriter.setInsertionPoint(consumer);
  options.tilingOptions.setTileSizes(tileSizes);
  options.setFusionControlFn(
      [fused = SmallVector<Operation *>(tiledProducers)](
          tensor::ExtractSliceOp, OpResult producer,
          bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (fusesIntoTile(fused, producer.getOwner()))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        return std::nullopt;
      });
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(consumer.getOperation()), options);
  if (failed(tiled) || tiled->loops.empty()) {
    consumer.emitError("serenity-fuse-requantize: cannot tile this "
                       "requantization with its producer");
    return nullptr;
  }
  for (OpResult result : consumer->getResults()) {
    Value replacement = tiled->replacements.lookup(result);
    rewriter.replaceAllUsesWith(result, replacement);
    if (replacements)
      replacements->push_back(replacement);
  }
  return tiled->loops.front();
}

/// Tiles `consumer` with `windowOps` (and their prologues: getTiledProducers)
/// by output rows (getRowTileSizes), or, writing over the `inPlaceInput` of a
/// depthwise convolution (getInPlaceDepthwiseInput), by channels and each
/// channel by rows; the outermost loop, or null after an error. The values
/// that replaced `consumer`'s results go to `replacements`.
Operation *tileWithRequantization(RewriterBase &rewriter,
                                  linalg::GenericOp consumer,
                                  ArrayRef<Operation *> windowOps,
                                  ArrayRef<Operation *> tiledProducers,
                                  Value inPlaceInput,
                                  SmallVectorImpl<Value> &replacements) {
  if (!inPlaceInput)
    return tileWithWindowOps(rewriter, consumer, tiledProducers,
                             getRowTileSizes(rewriter, consumer, windowOps),
                             &replacements);
  // One channel at a time over the input (InPlaceDepthwise.h), each
  // channel tiled by rows as above.
  SmallVector<Value> channelReplacements;
  Operation *tiled = tileWithWindowOps(rewriter, consumer, windowOps,
                                       getChannelTileSizes(rewriter, consumer),
                                       &channelReplacements);
  if (!tiled)
    return nullptr;
  // What replaces the channel loop replaces the consumer.
  SmallVector<OpOperand *> uses;
  for (Value replacement : channelReplacements)
    uses.push_back(replacement.use_empty() ? nullptr
                                           : &*replacement.getUses().begin());
  FailureOr<scf::ForOp> inPlace =
      writeChannelsInPlace(rewriter, cast<scf::ForOp>(tiled), inPlaceInput);
  if (failed(inPlace)) {
    consumer.emitError("serenity-fuse-requantize: cannot write this "
                       "depthwise convolution in place");
    return nullptr;
  }
  for (OpOperand *use : uses)
    replacements.push_back(use ? use->get() : Value());
  auto yield = cast<scf::YieldOp>(inPlace->getBody()->getTerminator());
  auto channel = yield.getOperand(0)
                     .getDefiningOp<tensor::InsertSliceOp>()
                     .getSource()
                     .getDefiningOp<linalg::GenericOp>();
  SmallVector<Operation *> channelWindowOps =
      channel ? getFusedWindowOps(channel) : SmallVector<Operation *>();
  if (channelWindowOps.empty()) {
    inPlace->emitError("serenity-fuse-requantize: the channel of an "
                       "in-place depthwise convolution is not its "
                       "requantization");
    return nullptr;
  }
  if (!tileWithWindowOps(rewriter, channel, channelWindowOps,
                         getRowTileSizes(rewriter, channel, channelWindowOps)))
    return nullptr;
  return *inPlace;
}

/// Whether makePaddedTile can make the tile `slice` reads: a unit-stride,
/// static slice of a constant pad of known amounts and static source.
bool isPaddedTileSlice(tensor::ExtractSliceOp slice) {
  auto pad = slice.getSource().getDefiningOp<tensor::PadOp>();
  RankedTensorType type = slice.getResultType();
  return pad && pad.getConstantPaddingValue() && type.hasStaticShape() &&
         type.getRank() == slice.getSourceType().getRank() &&
         llvm::all_of(slice.getStaticStrides(),
                      [](int64_t stride) { return stride == 1; }) &&
         getPadAmounts(pad) && pad.getSourceType().hasStaticShape();
}

/// The tile of a padded map that `slice` (isPaddedTileSlice) reads, made
/// without the padded map: filled with the padding value, with the part of
/// the unpadded map it covers copied in. In a tile loop, its buffer is one
/// static tile (hoisted out of the loop, and counted so by the memory
/// model; tensor::bubbleUpPadSlice would make a pad of dynamic amounts,
/// whose buffer is neither), and the whole padded copy goes.
Value makePaddedTile(RewriterBase &rewriter, tensor::ExtractSliceOp slice) {
  auto pad = slice.getSource().getDefiningOp<tensor::PadOp>();
  RankedTensorType type = slice.getResultType();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(slice);
  Location loc = slice.getLoc();
  Value tile = linalg::FillOp::create(
                   rewriter, loc, pad.getConstantPaddingValue(),
                   tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType())
                       .getResult())
                   .getResult(0);
  // Along each dimension, the slice [offset, offset + size) of the padded
  // map covers [begin, end) of the unpadded one, clamped to it.
  MLIRContext *context = rewriter.getContext();
  AffineExpr d0 = getAffineDimExpr(0, context),
             d1 = getAffineDimExpr(1, context);
  SmallVector<OpFoldResult> sourceOffsets, sizes, tileOffsets;
  SmallVector<int64_t> lowAmounts = getPadAmounts(pad)->low;
  for (auto [offset, size, low, sourceSize] :
       llvm::zip_equal(slice.getMixedOffsets(), type.getShape(), lowAmounts,
                       pad.getSourceType().getShape())) {
    auto clamp = [&](AffineExpr position) {
      OpFoldResult below = affine::makeComposedFoldedAffineMin(
          rewriter, loc,
          AffineMap::get(1, 0,
                         {position, getAffineConstantExpr(sourceSize, context)},
                         context),
          {offset});
      return affine::makeComposedFoldedAffineMax(
          rewriter, loc,
          AffineMap::get(1, 0, {d0, getAffineConstantExpr(0, context)},
                         context),
          {below});
    };
    OpFoldResult begin = clamp(d0 - low);
    OpFoldResult end = clamp(d0 - low + size);
    sourceOffsets.push_back(begin);
    sizes.push_back(affine::makeComposedFoldedAffineApply(
        rewriter, loc, d0 - d1, {end, begin}));
    tileOffsets.push_back(affine::makeComposedFoldedAffineApply(
        rewriter, loc, d0 + low - d1, {begin, offset}));
  }
  SmallVector<OpFoldResult> unitStrides(type.getRank(),
                                        rewriter.getIndexAttr(1));
  Value covered = tensor::ExtractSliceOp::create(
      rewriter, loc, pad.getSource(), sourceOffsets, sizes, unitStrides);
  return tensor::InsertSliceOp::create(rewriter, loc, covered, tile,
                                       tileOffsets, sizes, unitStrides);
}

struct FuseRequantizePass
    : public serenity::impl::SerenityFuseRequantizeBase<FuseRequantizePass> {
  using Base::Base;

  void runOnOperation() final {
    std::optional<TiledLoopCache> cache;
    if (reuseTileLoops)
      cache.emplace(&getContext());
    if (failed(fuseRequantization(getOperation(), tileWindowOps,
                                  writePartsInPlace,
                                  cache ? &*cache : nullptr)))
      signalPassFailure();
  }
};

struct SimplifyTileLoopsPass
    : public serenity::impl::SerenitySimplifyTileLoopsBase<
          SimplifyTileLoopsPass> {
  using Base::Base;

  void runOnOperation() final {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    scf::ForOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Each iteration writes its row in place and then "inserts" it with a
    // copy between two equal subviews: once they are one value, the copy of
    // a row onto itself goes.
    FrozenRewritePatternSet copies = [&] {
      RewritePatternSet set(context);
      memref::CopyOp::getCanonicalizationPatterns(set, context);
      return FrozenRewritePatternSet(std::move(set));
    }();
    IRRewriter rewriter(context);
    DominanceInfo dominance;
    for (auto loop : getOperation().getBody().getOps<scf::ForOp>()) {
      eliminateCommonSubExpressions(rewriter, dominance, loop);
      if (failed(applyOpPatternsGreedily(collectOps(loop), copies)))
        return signalPassFailure();
    }
  }

  static SmallVector<Operation *> collectOps(scf::ForOp loop) {
    SmallVector<Operation *> ops;
    loop.getBody()->walk([&](Operation *op) { ops.push_back(op); });
    return ops;
  }
};

/// Makes a tile loop whose one result goes into a part of X (an
/// insert_slice: --serenity-tile-spatial writes a patch's parts where they
/// go, into its bands and the values it assembles) write that part in place:
/// its init, a tensor.empty the element-wise fusion made of the part (its
/// RemoveOutsDependency), becomes the part again, so that no buffer of the
/// part's size is allocated beside X (the memory model counts the loop so:
/// FunctionGraph's slices written in place). Other readers of the result
/// (the next patch's halo cache, the next op of the group) read it there,
/// before the insert, which moves after the last of them.
void writeIntoInsertedPart(RewriterBase &rewriter, Operation *loop) {
  auto loopLike = dyn_cast<LoopLikeOpInterface>(loop);
  if (!loopLike || loop->getNumResults() != 1)
    return;
  OpResult result = loop->getResult(0);
  tensor::InsertSliceOp insert;
  for (OpOperand &use : result.getUses()) {
    auto user = dyn_cast<tensor::InsertSliceOp>(use.getOwner());
    if (!user || use.getOperandNumber() != 0)
      continue;
    if (insert)
      return;
    insert = user;
  }
  OpOperand *init = loopLike.getTiedLoopInit(result);
  auto empty = init ? init->get().getDefiningOp<tensor::EmptyOp>() : nullptr;
  if (!insert || !empty || !empty->hasOneUse() ||
      empty.getType() != insert.getSourceType() ||
      insert->getBlock() != loop->getBlock())
    return;
  Value dest = insert.getDest();
  Operation *destProducer = dest.getDefiningOp();
  if (!destProducer || !isBeforeNearby(destProducer, loop) || !dest.hasOneUse())
    return;
  // Other readers of the result read it where the loop wrote it, in X; the
  // insert (a no-op then) goes after the last of them, before X is read, so
  // that bufferization sees no read of the part after X's write.
  Operation *lastReader = loop;
  for (Operation *user : result.getUsers()) {
    Operation *reader = loop->getBlock()->findAncestorOpInBlock(*user);
    if (user != insert.getOperation() && reader &&
        isBeforeNearby(lastReader, reader))
      lastReader = reader;
  }
  bool movable = llvm::all_of(insert->getOperands(),
                              [&](Value operand) {
                                Operation *producer = operand.getDefiningOp();
                                return operand == result || !producer ||
                                       producer == lastReader ||
                                       isBeforeNearby(producer, lastReader);
                              }) &&
                 llvm::all_of(insert->getUsers(), [&](Operation *user) {
                   Operation *bandReader =
                       loop->getBlock()->findAncestorOpInBlock(*user);
                   return bandReader && isBeforeNearby(lastReader, bandReader);
                 });
  if (!movable)
    return;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.moveOpAfter(insert, lastReader);
  rewriter.setInsertionPoint(loop);
  Value part = tensor::ExtractSliceOp::create(
      rewriter, insert.getLoc(), dest, insert.getMixedOffsets(),
      insert.getMixedSizes(), insert.getMixedStrides());
  rewriter.modifyOpInPlace(loop, [&] { init->set(part); });
  rewriter.eraseOp(empty);
}

} // namespace

LogicalResult serenity::fuseRequantization(func::FuncOp function,
                                           bool tileWindowOps,
                                           bool writePartsInPlace,
                                           TiledLoopCache *cache) {
  if (function.isExternal())
    return success();
  MLIRContext *context = function.getContext();
  Block &body = function.getBody().front();
  // A function without integer maps at the top has nothing to requantize;
  // the fusion patterns' foldings (of splat constants, of unused inits)
  // would still change it.
  bool hasIntegerMaps = false;
  for (auto op : body.getOps<linalg::LinalgOp>())
    hasIntegerMaps |= llvm::any_of(op->getResults(), [](Value result) {
      return isa<RankedTensorType>(result.getType()) &&
             hasIntegerElements(result);
    });
  if (!hasIntegerMaps)
    return success();

  // Only the ops at the top and those the patterns make: the ops of tile
  // loops are tiles already (a second run leaves the function as it is).
  RewritePatternSet elementwise(context);
  elementwise.add<DepthwiseTo4D, GeneralizeTransposeOfElementwise>(context);
  linalg::populateElementwiseOpsFusionPatterns(elementwise,
                                               isFusibleElementwiseOperand);
  FrozenRewritePatternSet frozen(std::move(elementwise));
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
  // Rounds until nothing changes (at most one per op: a safety valve
  // against patterns that would undo each other).
  bool changed = true;
  for (unsigned round = 0; changed && round <= body.getOperations().size();
       ++round) {
    SmallVector<Operation *> topOps =
        llvm::map_to_vector(body, [](Operation &op) { return &op; });
    if (failed(applyOpPatternsGreedily(topOps, frozen, config, &changed)))
      changed = true;
  }
  if (changed)
    return function.emitError("serenity-fuse-requantize: the element-wise "
                              "fusion did not converge");

  if (!tileWindowOps)
    return success();

  SmallVector<std::pair<linalg::GenericOp, SmallVector<Operation *>>> consumers;
  for (auto consumer : body.getOps<linalg::GenericOp>()) {
    SmallVector<Operation *> windowOps = getFusedWindowOps(consumer);
    if (!windowOps.empty())
      consumers.emplace_back(consumer, std::move(windowOps));
  }
  IRRewriter rewriter(context);
  SmallVector<Operation *> allWindowOps;
  for (auto &[consumer, windowOps] : consumers)
    llvm::append_range(allWindowOps, windowOps);
  llvm::DenseSet<Operation *> slicePrologues =
      sinkSlicedPrologues(rewriter, allWindowOps);
  SmallVector<Operation *> loops, tileOps;
  for (auto &[consumer, windowOps] : consumers) {
    Value input = getInPlaceDepthwiseInput(consumer, windowOps, getTiledNode);
    SmallVector<Operation *> tiledProducers =
        getTiledProducers(windowOps, slicePrologues);
    // Patches repeat ops on the same shapes: what the tiling made of equal
    // ops (with the pad of an in-place convolution's input, which its loop
    // reads) is cloned.
    SmallVector<Operation *> cluster =
        collectTiledCluster(consumer, [&](Operation *producer) {
          auto pad = dyn_cast<tensor::PadOp>(producer);
          return fusesIntoTile(tiledProducers, producer) ||
                 (input && pad && pad.getSource() == input);
        });
    unsigned variant = input ? 1 : 0;
    Operation *loop =
        cache ? cache->reuse(rewriter, cluster, variant) : nullptr;
    if (!loop) {
      // The tiling makes its ops next to the consumer.
      Operation *before = consumer->getPrevNode();
      Operation *after = consumer->getNextNode();
      SmallVector<Value> replacements;
      loop = tileWithRequantization(rewriter, consumer, windowOps,
                                    tiledProducers, input, replacements);
      if (!loop)
        return failure();
      SmallVector<Operation *> made;
      for (Operation *op = before ? before->getNextNode() : &body.front();
           op != after; op = op->getNextNode())
        if (op != consumer.getOperation())
          made.push_back(op);
      if (cache)
        cache->record(cluster, variant, made, loop, replacements);
    }
    loops.push_back(loop);
    loop->walk([&](Operation *op) { tileOps.push_back(op); });
  }
  // The tiles' inits: a slice of a whole tensor.empty becomes an empty of
  // the tile's size inside the loop, so that bufferization allocates a
  // tile, not a whole map; dead ops in the loops go. Only the loops' ops:
  // a function of a thousand ops is fused once per candidate of
  // --serenity-tile-spatial.
  RewritePatternSet cleanup(context);
  tensor::populateFoldTensorEmptyPatterns(cleanup);
  if (failed(applyOpPatternsGreedily(tileOps, std::move(cleanup), config)))
    return function.emitError(
        "serenity-fuse-requantize: the tile cleanup did not converge");
  // The constants the tiling cloned into the loops (weights, bounds) are
  // made once, before them, as the unfused function made them.
  for (Operation *loop : loops)
    loop->walk([&](Operation *op) {
      if (isa<scf::ForOp>(op->getParentOp()) &&
          op->hasTrait<OpTrait::ConstantLike>() && op->getNumOperands() == 0)
        op->moveBefore(loop);
    });
  // The ops the tiling replaced go (bottom up, so that a producer's last
  // user goes before it).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  // Then (the replaced ops gone) a tiled op that reads a padded map reads a
  // padded tile of its own, when tile loops are all that read the map, or
  // the others are window ops that --serenity-pad-free-windows splits (so
  // that it goes; one that stays for another reader, such as a cached
  // halo, is read in place).
  llvm::MapVector<Operation *, SmallVector<tensor::ExtractSliceOp>> slicesOf;
  // (An in-place depthwise convolution pads its channel in its loop.)
  for (Operation *loop : loops)
    loop->walk([&](tensor::ExtractSliceOp slice) {
      auto pad = slice.getSource().getDefiningOp<tensor::PadOp>();
      if (pad && (pad->getBlock() == &body || loop->isProperAncestor(pad)))
        slicesOf[pad].push_back(slice);
    });
  for (auto &[pad, slices] : slicesOf) {
    if (!llvm::all_of(pad->getUsers(),
                      [&](Operation *user) {
                        return llvm::is_contained(slices, user) ||
                               isPaddedWindowOp(user);
                      }) ||
        !llvm::all_of(slices, isPaddedTileSlice))
      continue;
    for (tensor::ExtractSliceOp slice : slices)
      rewriter.replaceOp(slice, makePaddedTile(rewriter, slice));
    if (pad->use_empty())
      rewriter.eraseOp(pad);
  }
  if (writePartsInPlace)
    for (Operation *loop : loops)
      writeIntoInsertedPart(rewriter, loop);
  return success();
}
