//===- FusedRequantization.cpp - TOSA ops the int8 lowering fuses ---------===//

#include "serenity/Analysis/FusedRequantization.h"
#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Analysis/OpOrder.h"
#include "serenity/Analysis/WindowOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace serenity;

namespace {

bool hasIntegerElements(Type type) {
  return isa<IntegerType>(getElementTypeOrSelf(type));
}

/// An integer depthwise convolution of channel multiplier 1, or over one
/// input channel with a constant filter: the pass writes it as a 4-D
/// depthwise or plain convolution (DepthwiseTo4D), tiled like the others.
bool isDepthwiseAs4D(Operation *op) {
  auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op);
  if (!conv || !hasIntegerElements(conv.getType()))
    return false;
  ArrayRef<int64_t> filter =
      cast<RankedTensorType>(conv.getWeight().getType()).getShape();
  Operation *weights = conv.getWeight().getDefiningOp();
  return filter.back() == 1 || (filter[2] == 1 && weights &&
                                weights->hasTrait<OpTrait::ConstantLike>());
}

/// Ops whose Linalg form is one convolution, pooling or matmul op that the
/// fused op reads (tiled with it).
bool isTiledWindowOp(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::AvgPool2dOp, tosa::MatMulOp>(op) ||
         isDepthwiseAs4D(op);
}

/// Window ops that run inside their consumer: the convolutions, whose i32
/// results the fusion saves. Pools make int8 maps; fused into a consumer
/// that reads other maps too, they would hold their (padded) inputs at once
/// with those (an int8 add of two max pools of 112x112 maps: 0.33 of the
/// f32 arena on DARTS_V2 ImageNet instead of 0.25), so they stay nodes.
bool fusesIntoConsumer(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op);
}

/// Integer window ops whose own lowering ends in an element-wise op that
/// reads the window's result (an average pool's division, a depthwise
/// convolution's bias): tiled with it, fused into a consumer or not.
bool isAlwaysTiled(Operation *op) {
  auto pool = dyn_cast<tosa::AvgPool2dOp>(op);
  return (pool && hasIntegerElements(pool.getType())) || isDepthwiseAs4D(op);
}

/// An element-wise op the fusion reads as one: tosa.mul too, which lacks
/// TOSA's element-wise trait for its shift operand (a constant) but lowers
/// to one linalg.generic (a float32 requantization multiplies).
bool isFusibleElementwiseOp(Operation *op) {
  return isElementwiseOp(op) || isa<tosa::MulOp>(op);
}

/// A convolution of a 1x1 window over several input channels, unpadded:
/// one that an element-wise prologue runs in (findFusedRequantization;
/// --serenity-fuse-requantize's isFusedPrologue says it on Linalg). Several
/// input channels: a depthwise convolution over one is written as a plain
/// convolution on Linalg (DepthwiseTo4D), and is not one.
bool isPointwiseConvolution(Operation *op) {
  auto conv = dyn_cast<tosa::Conv2DOp>(op);
  if (!conv)
    return false;
  ArrayRef<int64_t> filter =
      cast<RankedTensorType>(conv.getWeight().getType()).getShape(); // OHWI
  return filter[1] == 1 && filter[2] == 1 && filter[3] > 1 &&
         llvm::all_of(conv.getPad(), [](int64_t pad) { return pad == 0; });
}

/// Bytes of the input tile that a prologue computes in each iteration of
/// `conv`'s loop (1x1, unpadded): the columns of one input row the
/// iteration's `columns` of output read, every channel, in the prologue's
/// `element` type.
uint64_t getPrologueTileBytes(tosa::Conv2DOp conv, Type element,
                              int64_t columns) {
  auto input = cast<RankedTensorType>(conv.getInput().getType());
  int64_t computed = std::min(columns, conv.getType().getDimSize(2));
  return getTemporaryBytes(RankedTensorType::get(
      {1, 1, (computed - 1) * conv.getStride()[1] + 1, input.getDimSize(3)},
      element));
}

/// The element-wise ops that may run `op` inside them, if any: the readers
/// of `op`'s single result, element-wise, of the same shape (identity maps
/// in their linalg.generic ops). A convolution has one reader (the pass
/// tiles it with that one); an element-wise op may have several, which the
/// fusion merges when they end in one op (findFusedRequantization). An
/// integer result fuses; a float one only into a chain that ends in
/// integers.
SmallVector<Operation *, 2> getFusingConsumers(Operation *op) {
  bool elementwise = isFusibleElementwiseOp(op);
  if (op->getNumResults() != 1 || !(elementwise || fusesIntoConsumer(op)))
    return {};
  Value result = op->getResult(0);
  auto type = dyn_cast<RankedTensorType>(result.getType());
  if (!type || !type.hasStaticShape() || result.use_empty() ||
      (!elementwise && !result.hasOneUse()))
    return {};
  SmallVector<Operation *, 2> consumers;
  for (Operation *consumer : result.getUsers()) {
    if (consumer->getBlock() != op->getBlock() ||
        !isFusibleElementwiseOp(consumer) || consumer->getNumResults() != 1 ||
        consumer->getResult(0).getType() !=
            RankedTensorType::get(type.getShape(),
                                  getElementTypeOrSelf(consumer->getResult(0))))
      return {};
    if (!llvm::is_contained(consumers, consumer))
      consumers.push_back(consumer);
  }
  return consumers;
}

/// Bytes of one iteration's part of an output row (getRowTiledDims) of
/// `shape` in `elementType`, `columns` of it (getFusedTileColumns) for an
/// NHWC map, as the arena holds it.
uint64_t getRowTileBytes(ArrayRef<int64_t> shape, Type elementType,
                         int64_t columns) {
  SmallVector<int64_t> tile(shape);
  for (unsigned i = 0, e = getRowTiledDims(tile.size()); i < e; ++i)
    tile[i] = 1;
  if (tile.size() == 4)
    tile[2] = std::min(tile[2], columns);
  return getTemporaryBytes(RankedTensorType::get(tile, elementType));
}

/// The map a window op reads (a matmul: its left input).
Value getWindowInput(Operation *op) {
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op))
    return matmul.getA();
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op))
    return conv.getInput();
  if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op))
    return conv.getInput();
  return cast<tosa::AvgPool2dOp>(op).getInput();
}

/// The accumulator a tiled window op makes: its result, in a pool's
/// accumulator type.
RankedTensorType getAccumulatorType(Operation *op) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op))
    return type.clone(pool.getAccType());
  return type;
}

/// Bytes a tiled window op holds in every iteration of a loop that
/// computes `columns` of a row: its accumulator's part of the row and a
/// pool's window.
uint64_t getTileBytes(Operation *op, int64_t columns) {
  RankedTensorType accumulator = getAccumulatorType(op);
  uint64_t bytes = getRowTileBytes(accumulator.getShape(),
                                   accumulator.getElementType(), columns);
  if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op))
    bytes += getWindowBytes(pool.getKernel(), pool.getAccType());
  return bytes;
}

} // namespace

Operation *serenity::getInPlaceDepthwise(Operation *root,
                                         const FusedRequantization &fused) {
  auto it = fused.members.find(root);
  if (it == fused.members.end())
    return nullptr;
  ArrayRef<Operation *> members = it->second;
  auto isConstant = [](Value value) {
    Operation *producer = value.getDefiningOp();
    return producer && producer->hasTrait<OpTrait::ConstantLike>();
  };
  tosa::DepthwiseConv2DOp depthwise;
  for (Operation *op : members) {
    auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op);
    if (!conv) {
      if (!isFusibleElementwiseOp(op))
        return nullptr;
      continue;
    }
    auto filter = cast<RankedTensorType>(conv.getWeight().getType());
    if (depthwise || !isDepthwiseAs4D(op) || filter.getShape().back() != 1)
      return nullptr;
    depthwise = conv;
  }
  if (!depthwise || !isFusibleElementwiseOp(root) || root->getNumResults() != 1)
    return nullptr;
  // The chain reads itself and constants only.
  llvm::SmallPtrSet<Operation *, 8> chain(members.begin(), members.end());
  chain.insert(root);
  for (Operation *op : chain) {
    if (op == depthwise)
      continue;
    for (Value operand : op->getOperands())
      if (!isConstant(operand) && !chain.contains(operand.getDefiningOp()))
        return nullptr;
  }
  return mayWriteOverInput(depthwise.getInput(), root->getResult(0),
                           [&](Operation *op) {
                             Operation *node = fused.rootOf.lookup(op);
                             return node ? node : op;
                           })
             ? depthwise
             : nullptr;
}

/// Ops whose result is another value's buffer, or a part or a padded copy
/// of it (TOSA's and Linalg's).
static bool isViewLikeOp(Operation *op) {
  return isViewOp(op) ||
         isa<tosa::SliceOp, tosa::PadOp, tensor::ExtractSliceOp, tensor::PadOp>(
             op);
}

/// Whether `user` of a map only copies a part of it before `writer` runs:
/// a slice read as an input of ops that write buffers of their own (a
/// copy), all before `writer` in its block. A patch copies the halo rows of
/// a band into its cache so before the band dies.
static bool copiesPartBefore(Operation *user, Operation *writer) {
  auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
  auto isBefore = [&](Operation *op) { return isBeforeNearby(op, writer); };
  return slice && isBefore(slice) &&
         llvm::all_of(slice->getUses(), [&](OpOperand &use) {
           auto reader = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
           return reader && reader.isDpsInput(&use) && isBefore(reader);
         });
}

bool serenity::mayWriteOverInput(
    Value input, Value result, function_ref<Operation *(Operation *)> getNode) {
  Operation *producer = input.getDefiningOp();
  Operation *writer = result.getDefiningOp();
  if (!producer || !writer || producer->getBlock() != writer->getBlock() ||
      producer->hasTrait<OpTrait::ConstantLike>() || isViewLikeOp(producer))
    return false;
  // One reader besides the copies of parts taken before.
  if (llvm::count_if(input.getUsers(), [&](Operation *user) {
        return !copiesPartBefore(user, writer);
      }) != 1)
    return false;
  if (llvm::any_of(result.getUsers(), [](Operation *user) {
        return user->hasTrait<OpTrait::IsTerminator>() || isViewLikeOp(user);
      }))
    return false;
  auto inputType = dyn_cast<RankedTensorType>(input.getType());
  auto resultType = dyn_cast<RankedTensorType>(result.getType());
  if (!inputType || !resultType || !inputType.hasStaticShape() ||
      !resultType.hasStaticShape() || inputType.getRank() != 4 ||
      resultType.getRank() != 4 ||
      resultType.getElementType() != inputType.getElementType() ||
      resultType.getDimSize(0) != inputType.getDimSize(0) ||
      resultType.getDimSize(3) != inputType.getDimSize(3) ||
      resultType.getDimSize(1) > inputType.getDimSize(1) ||
      resultType.getDimSize(2) > inputType.getDimSize(2))
    return false;
  if (resultType == inputType)
    return true;
  // A smaller result: one reader, whose node makes no more.
  Operation *reader = *result.getUsers().begin();
  if (llvm::any_of(result.getUsers(),
                   [&](Operation *user) { return user != reader; }))
    return false;
  uint64_t made = 0;
  for (Type type : getNode(reader)->getResultTypes()) {
    std::optional<uint64_t> bytes = getActivationBytes(type);
    if (!bytes)
      return false;
    made += *bytes;
  }
  return made <= *getActivationBytes(resultType);
}

unsigned serenity::getRowTiledDims(unsigned rank) {
  return rank >= 4 ? rank - 2 : rank - 1;
}

int64_t serenity::getTileColumns(ArrayRef<int64_t> shape,
                                 Type accumulatorType) {
  if (shape.size() != 4 || ShapedType::isDynamicShape(shape) ||
      !accumulatorType.isIntOrFloat())
    return shape.size() == 4 ? shape[2] : 0;
  int64_t columns = shape[2];
  uint64_t columnBytes =
      uint64_t(shape[3]) *
      llvm::divideCeil(accumulatorType.getIntOrFloatBitWidth(), 8);
  for (int64_t parts = 1; parts <= columns; ++parts)
    if (columns % parts == 0 &&
        uint64_t(columns / parts) * columnBytes <= kMaxRowTileBytes)
      return columns / parts;
  return 1;
}

int64_t serenity::getFusedTileColumns(ArrayRef<int64_t> shape,
                                      ArrayRef<RankedTensorType> windowResults,
                                      ArrayRef<Type> inputs) {
  if (shape.size() != 4)
    return 0;
  for (Type input : inputs) {
    auto map = dyn_cast<RankedTensorType>(input);
    if (map && map.getRank() == 4 && map.getDimSize(2) != shape[2])
      return shape[2];
  }
  int64_t columns = shape[2];
  for (RankedTensorType result : windowResults) {
    if (result.getRank() != 4 || result.getDimSize(2) != shape[2])
      return shape[2];
    columns = std::min(
        columns, getTileColumns(result.getShape(), result.getElementType()));
  }
  return columns;
}

Value serenity::getSingleMapOperand(ValueRange operands) {
  Value map;
  for (Value operand : operands) {
    Operation *producer = operand.getDefiningOp();
    if (producer && producer->hasTrait<OpTrait::ConstantLike>())
      continue;
    if (map && map != operand)
      return Value();
    map = operand;
  }
  return map;
}

FusedRequantization serenity::findFusedRequantization(Block &body) {
  FusedRequantization fused;
  fused.enabled = true;
  llvm::DenseMap<Operation *, Operation *> consumerOf;
  // Consumers come after their producers: walking up, the chain below an op
  // is known. The pass fuses a float value when its consumer, fused with
  // every op below it, makes integers: when the chain's root does.
  // A value read by several ops fuses when they all end in one: the pass
  // merges them first, and then the value has one reader.
  auto rootOf = [&](Operation *op) {
    for (auto next = consumerOf.find(op); next != consumerOf.end();
         next = consumerOf.find(op))
      op = next->second;
    return op;
  };
  for (Operation &op : llvm::reverse(body.without_terminator())) {
    SmallVector<Operation *, 2> consumers = getFusingConsumers(&op);
    if (consumers.empty())
      continue;
    Operation *root = rootOf(consumers.front());
    if (llvm::any_of(consumers,
                     [&](Operation *other) { return rootOf(other) != root; }))
      continue;
    if (hasIntegerElements(op.getResult(0).getType()) ||
        hasIntegerElements(root->getResult(0).getType()))
      consumerOf[&op] = consumers.front();
  }
  // A prologue: an integer element-wise op (with the ops fused into it)
  // whose result only a fused pointwise convolution reads, as its input,
  // and that reads one map besides constants, which other ops read too,
  // runs in the convolution's loop, a row tile at a time. Its whole result
  // is never stored, and the map it reads stays live for the others anyway
  // (a NAS cell's ReLU of a cell output that the next cell reads too).
  for (Operation &op : body.without_terminator()) {
    if (consumerOf.count(&op) || !isFusibleElementwiseOp(&op) ||
        op.getNumResults() != 1 ||
        !hasIntegerElements(op.getResult(0).getType()) ||
        !op.getResult(0).hasOneUse())
      continue;
    OpOperand &use = *op.getResult(0).use_begin();
    if (use.getOperandNumber() != 0 ||
        !isPointwiseConvolution(use.getOwner()) ||
        !consumerOf.count(use.getOwner()))
      continue;
    // The chain: `op` and the ops fused into it (before it in the block).
    llvm::SmallPtrSet<Operation *, 4> chain = {&op};
    for (Operation *earlier = op.getPrevNode(); earlier;
         earlier = earlier->getPrevNode())
      if (consumerOf.count(earlier) && rootOf(earlier) == &op)
        chain.insert(earlier);
    SmallVector<Value> outside;
    for (Operation *member : chain)
      for (Value operand : member->getOperands())
        if (!chain.contains(operand.getDefiningOp()))
          outside.push_back(operand);
    Value map = getSingleMapOperand(outside);
    if (!map || llvm::all_of(map.getUsers(), [&](Operation *user) {
          return chain.contains(user);
        }))
      continue;
    consumerOf[&op] = use.getOwner();
  }
  // Prologues of slices (FusedRequantization::slicedPrologues).
  llvm::SmallPtrSet<Operation *, 16> fusedInto;
  for (auto [producer, consumer] : consumerOf)
    fusedInto.insert(consumer);
  for (Operation &op : body.without_terminator()) {
    if (consumerOf.count(&op) || fusedInto.contains(&op) ||
        !isFusibleElementwiseOp(&op) || op.getNumResults() != 1 ||
        !hasIntegerElements(op.getResult(0).getType()) ||
        op.getResult(0).use_empty() || !getSingleMapOperand(op.getOperands()))
      continue;
    if (llvm::all_of(op.getResult(0).getUses(), [&](OpOperand &use) {
          auto slice = dyn_cast<tosa::SliceOp>(use.getOwner());
          if (!slice || use.getOperandNumber() != 0 ||
              !slice.getResult().hasOneUse())
            return false;
          OpOperand &read = *slice.getResult().use_begin();
          return read.getOperandNumber() == 0 &&
                 isPointwiseConvolution(read.getOwner()) &&
                 consumerOf.count(read.getOwner());
        }))
      fused.slicedPrologues.insert(&op);
  }
  for (Operation &op : body.without_terminator()) {
    auto it = consumerOf.find(&op);
    if (it == consumerOf.end())
      continue;
    Operation *root = rootOf(it->second);
    fused.rootOf[&op] = root;
    fused.members[root].push_back(&op);
  }
  return fused;
}

bool serenity::hasFusedLowering(Operation *root,
                                ArrayRef<Operation *> members) {
  return isAlwaysTiled(root) || llvm::any_of(members, [](Operation *op) {
           return isTiledWindowOp(op) || isa<tosa::DepthwiseConv2DOp>(op);
         });
}

SmallVector<LoweringStep, 3> serenity::describeFusedLowering(
    Operation *root, ArrayRef<Operation *> members, Operation *inPlaceDepthwise,
    const llvm::DenseSet<Operation *> &slicedPrologues,
    function_ref<std::optional<ValueId>(Value)> lookup) {
  if (Operation *depthwise = inPlaceDepthwise) {
    // One channel at a time: its result (the temporary), and the tiles of
    // one output row of it.
    auto resultType = cast<RankedTensorType>(root->getResult(0).getType());
    SmallVector<int64_t> channel(resultType.getShape());
    channel.back() = 1;
    auto accumulator =
        cast<RankedTensorType>(depthwise->getResult(0).getType());
    SmallVector<int64_t> accumulatorChannel(accumulator.getShape());
    accumulatorChannel.back() = 1;
    int64_t columns =
        getFusedTileColumns(channel, {accumulator.clone(accumulatorChannel)},
                            /*inputs=*/{});
    return {LoweringStep{
        getTemporaryBytes(resultType.clone(channel)) +
            getRowTileBytes(channel, accumulator.getElementType(), columns) +
            getTosaPaddedRowTileBytes(depthwise, columns, /*oneChannel=*/true),
        true, true}};
  }
  SmallVector<Operation *, 5> ops(members);
  ops.push_back(root);
  // Values read before the fused op (a depthwise convolution's input) at
  // the step that reads them last, and those the fused op reads.
  llvm::SmallSetVector<Value, 4> readInLoop;
  llvm::MapVector<Value, unsigned> lastEarlyRead;
  SmallVector<LoweringStep, 3> steps;
  uint64_t held = 0; // Depthwise accumulators.
  uint64_t tiles = 0;
  auto addStep = [&](uint64_t temporaries) {
    steps.push_back(LoweringStep{temporaries, /*operandsLive=*/true,
                                 /*resultsLive=*/false});
  };
  auto isTiled = [&](Operation *op) {
    return isTiledWindowOp(op) && (op != root || isAlwaysTiled(op));
  };
  // The columns each iteration computes (getFusedTileColumns), from the
  // accumulators and the maps the node reads from outside (on Linalg, the
  // fusion also fuses a broadcast map's element-wise producers, and their
  // window ops, into the loop).
  SmallVector<RankedTensorType> accumulators;
  SmallVector<Type> inputs;
  llvm::SmallPtrSet<Operation *, 8> inNode(ops.begin(), ops.end());
  // Prologues (findFusedRequantization): the element-wise members whose
  // result a pointwise convolution of the node reads as its input, and the
  // members fused into them; each iteration computes the tile of it that
  // its convolution reads.
  llvm::SmallPtrSet<Operation *, 4> prologue;
  for (Operation *op : llvm::reverse(members))
    if (isFusibleElementwiseOp(op) && op->getNumResults() == 1 &&
        !op->getResult(0).use_empty() &&
        llvm::all_of(op->getResult(0).getUses(), [&](OpOperand &use) {
          Operation *user = use.getOwner();
          return prologue.contains(user) ||
                 (use.getOperandNumber() == 0 && inNode.contains(user) &&
                  isPointwiseConvolution(user));
        }))
      prologue.insert(op);
  for (Operation *op : ops) {
    if (isTiled(op))
      accumulators.push_back(getAccumulatorType(op));
    // (A window op reads its input through its window, and so through a
    // prologue.)
    if (isTiledWindowOp(op) || isa<tosa::DepthwiseConv2DOp>(op) ||
        prologue.contains(op))
      continue;
    for (Value operand : op->getOperands()) {
      Operation *producer = operand.getDefiningOp();
      if (!inNode.contains(producer) &&
          !(producer && producer->hasTrait<OpTrait::ConstantLike>()))
        inputs.push_back(operand.getType());
    }
  }
  int64_t columns = getFusedTileColumns(
      cast<RankedTensorType>(root->getResult(0).getType()).getShape(),
      accumulators, inputs);
  for (Operation *op : ops) {
    bool tiled = isTiled(op);
    bool depthwise = !tiled && isa<tosa::DepthwiseConv2DOp>(op) && op != root;
    if (!tiled && !depthwise) {
      for (Value operand : op->getOperands())
        readInLoop.insert(operand);
      // A prologue's tile: the columns of one input row its convolution
      // reads for the iteration's columns, every channel.
      if (prologue.contains(op))
        if (auto conv = dyn_cast<tosa::Conv2DOp>(*op->getUsers().begin()))
          tiles += getPrologueTileBytes(
              conv, getElementTypeOrSelf(op->getResult(0).getType()), columns);
      continue;
    }
    Value input = getWindowInput(op);
    if (tiled) {
      // A padded op reads a padded tile of its own in each iteration.
      readInLoop.insert(input);
      tiles +=
          getTileBytes(op, columns) + getTosaPaddedRowTileBytes(op, columns);
      // A prologue of its slice, computed on it a tile at a time.
      if (auto slice = input.getDefiningOp<tosa::SliceOp>())
        if (Operation *sliced = slice.getInput1().getDefiningOp();
            sliced && slicedPrologues.contains(sliced))
          tiles += getPrologueTileBytes(
              cast<tosa::Conv2DOp>(op),
              getElementTypeOrSelf(sliced->getResult(0).getType()), columns);
      continue;
    }
    // The depthwise convolution into its accumulator, which the fused op
    // reads: split into border strips (or after a padded copy of its
    // input, freed after it) as unfused (FunctionGraph.cpp).
    PaddingBytes padding = getTosaPaddingBytes(op);
    if (padding.copy)
      addStep(held + padding.copy);
    uint64_t accumulator =
        getTemporaryBytes(cast<tosa::DepthwiseConv2DOp>(op).getType());
    addStep(held + padding.copy + padding.border + accumulator);
    lastEarlyRead[input] = steps.size() - (padding.copy ? 2 : 1);
    held += accumulator;
  }
  if (steps.empty() && tiles == 0)
    return {};
  steps.push_back(LoweringStep{held + tiles, true, true});
  // An operand is done from the step after the last that reads it, unless
  // the fused op reads it too.
  for (auto [value, last] : lastEarlyRead) {
    if (readInLoop.contains(value))
      continue;
    std::optional<ValueId> id = lookup(value);
    if (!id)
      continue;
    for (unsigned step = last + 1; step < steps.size(); ++step)
      steps[step].operandsDone.push_back(*id);
  }
  return steps;
}
