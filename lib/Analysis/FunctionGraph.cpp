//===- FunctionGraph.cpp - Dataflow graph of a function body --------------===//

#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Analysis/WindowOps.h"
#include "serenity/Core/MemoryModel.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace serenity;

static std::optional<uint64_t> getElementBits(Type type) {
  if (auto complex = dyn_cast<ComplexType>(type)) {
    std::optional<uint64_t> bits = getElementBits(complex.getElementType());
    return bits ? std::optional<uint64_t>(2 * *bits) : std::nullopt;
  }
  if (type.isIntOrFloat())
    return type.getIntOrFloatBitWidth();
  if (isa<IndexType>(type))
    return IndexType::kInternalStorageBitWidth;
  if (auto quantized = dyn_cast<quant::QuantizedType>(type))
    return quantized.getStorageTypeIntegralWidth();
  return std::nullopt;
}

std::optional<uint64_t> serenity::getActivationBytes(Type type) {
  auto tensor = dyn_cast<TensorType>(type);
  if (!tensor)
    return 0;
  auto ranked = dyn_cast<RankedTensorType>(tensor);
  if (!ranked || !ranked.hasStaticShape())
    return std::nullopt;
  std::optional<uint64_t> bits = getElementBits(ranked.getElementType());
  if (!bits)
    return std::nullopt;
  return uint64_t(ranked.getNumElements()) * ((*bits + 7) / 8);
}

/// Constants are weights: not activations, never counted.
static bool isWeightOp(Operation *op) {
  return op->getNumOperands() == 0 && op->getNumRegions() == 0 &&
         op->hasTrait<OpTrait::ConstantLike>();
}

/// Ops whose result is a placeholder for a destination, not a buffer.
static bool isEmptyTensorOp(Operation *op) {
  return isa_and_nonnull<tensor::EmptyOp, bufferization::AllocTensorOp>(op);
}

bool serenity::isViewOp(Operation *op) {
  return isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
             tensor::CastOp, tensor::BitcastOp>(op);
}

bool serenity::isElementwiseOp(Operation *op) {
  return op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
         op->hasTrait<OpTrait::Elementwise>() ||
         isa<tosa::RescaleOp, tosa::CastOp>(op);
}

/// An element-wise op may write its result into an operand of the same shape
/// and byte size (not into a broadcast one).
static bool canHoldResult(Type operandType, Type resultType) {
  auto operand = dyn_cast<RankedTensorType>(operandType);
  auto result = dyn_cast<RankedTensorType>(resultType);
  return operand && result && operand.getShape() == result.getShape() &&
         getActivationBytes(operand) == getActivationBytes(result);
}

uint64_t serenity::getTemporaryBytes(Type type) {
  return llvm::alignTo(getActivationBytes(type).value_or(0),
                       kBufferizedAlignment);
}

uint64_t serenity::getWindowBytes(ArrayRef<int64_t> kernel, Type elementType) {
  return getTemporaryBytes(RankedTensorType::get(kernel, elementType));
}

/// A loop of the body that computes tensors (a tile loop of
/// --serenity-fuse-requantize): its results are its inits, updated.
static LoopLikeOpInterface getTensorLoop(Operation *op) {
  auto loop = dyn_cast<LoopLikeOpInterface>(op);
  return loop && op->getNumResults() > 0 ? loop : nullptr;
}

/// Bytes of the tiles of a tile loop (0 for other ops): bufferization
/// allocates each tensor.empty of its body, and buffer-loop-hoisting hoists
/// them out, so they are live while the loop runs.
static uint64_t getLoopTileBytes(Operation *op) {
  uint64_t tiles = 0;
  if (getTensorLoop(op))
    op->walk([&](tensor::EmptyOp empty) {
      tiles += getTemporaryBytes(empty.getType());
    });
  return tiles;
}

/// The ops that `--serenity-pipeline` (tosa-to-linalg, then one-shot
/// bufferization) makes of a window op, with the temporaries live at each;
/// docs/memory-model.md lists them. Empty for ops lowered to one op without
/// temporaries.
static SmallVector<LoweringStep, 3> describeLowering(Operation *op) {
  // A padded op holds one border strip at a time, reading its input in
  // place (--serenity-pad-free-windows); or, when it has no interior, it
  // first copies its input into a padded temporary (the input still read)
  // and then reads only that.
  PaddingBytes padding = getTosaPaddingBytes(op);
  SmallVector<LoweringStep, 3> steps;
  if (padding.copy)
    steps.push_back(LoweringStep{padding.copy, /*operandsLive=*/true,
                                 /*resultsLive=*/false});
  // The op itself, holding `temporaries` besides the padding, then its
  // epilogue holding `epilogue`.
  auto addSteps = [&](uint64_t temporaries, bool resultsLive,
                      std::optional<uint64_t> epilogue = std::nullopt) {
    steps.push_back(LoweringStep{temporaries + padding.border + padding.copy,
                                 /*operandsLive=*/!padding.copy, resultsLive});
    if (epilogue)
      steps.push_back(LoweringStep{*epilogue, false, true});
  };
  if (isa<tosa::Conv2DOp>(op)) {
    // Initialize the result with the bias, then convolve.
    if (padding.border || padding.copy)
      addSteps(0, true);
  } else if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
    // Convolve into a zeroed 5-D accumulator (N, H, W, C, M), then add the
    // bias into the result.
    uint64_t accumulator = getTemporaryBytes(conv.getType());
    addSteps(accumulator, false, accumulator);
  } else if (auto pool = dyn_cast<tosa::MaxPool2dOp>(op)) {
    addSteps(getWindowBytes(pool.getKernel(),
                            getElementTypeOrSelf(pool.getInput().getType())),
             true);
  } else if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op)) {
    // Sum into an accumulator of the accumulator type (i32 for int8), then
    // divide by the window's count into the result.
    Type accType = pool.getAccType();
    uint64_t accumulator = getTemporaryBytes(
        RankedTensorType::get(pool.getType().getShape(), accType));
    addSteps(accumulator + getWindowBytes(pool.getKernel(), accType), false,
             accumulator);
  } else if (std::optional<PaddedWindow> window = getPaddedWindow(op)) {
    // A Linalg op over a pad (its input, read in place: the pad is a view).
    steps = {{getBorderBytes(*window), true, true}};
  } else if (uint64_t tiles = getLoopTileBytes(op)) {
    steps = {{tiles, true, true}};
  }
  return steps;
}

/// Ops that read or write memory keep their relative order; pure tensor ops
/// and allocations may move freely.
static bool readsOrWritesMemory(Operation *op) {
  if (isMemoryEffectFree(op))
    return false;
  auto effectInterface = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effectInterface)
    return true;
  SmallVector<MemoryEffects::EffectInstance> effects;
  effectInterface.getEffects(effects);
  return llvm::any_of(effects, [](const MemoryEffects::EffectInstance &it) {
    return isa<MemoryEffects::Read, MemoryEffects::Write>(it.getEffect());
  });
}

/// The op of `body` that `user` is or is nested in.
static Operation *getBodyOp(Block *body, Operation *user) {
  return body->findAncestorOpInBlock(*user);
}

/// The single op of `body` that reads every result of `op`, if there is one
/// (the terminator does not count: a returned value stays a node's).
static Operation *getSingleConsumer(Block *body, Operation *op) {
  Operation *consumer = nullptr;
  for (Operation *user : op->getUsers()) {
    Operation *bodyOp = getBodyOp(body, user);
    if (!bodyOp || (consumer && consumer != bodyOp))
      return nullptr;
    consumer = bodyOp;
  }
  if (!consumer || consumer->hasTrait<OpTrait::IsTerminator>())
    return nullptr;
  return consumer;
}

bool FunctionGraph::hasOrderedEffects(Operation *op) {
  auto [it, inserted] = orderedEffects.try_emplace(op);
  if (inserted)
    it->second = readsOrWritesMemory(op);
  return it->second;
}

ArrayRef<Value> FunctionGraph::getReadValues(Operation *op) {
  auto [it, inserted] = readValues.try_emplace(op);
  if (inserted) {
    llvm::SetVector<Value> values(op->operand_begin(), op->operand_end());
    getUsedValuesDefinedAbove(op->getRegions(), values);
    it->second.assign(values.begin(), values.end());
  }
  return it->second;
}

/// The operand that `op` writes `result` into (a DPS init, a loop's init),
/// if any.
static Value getTiedDestination(OpResult result) {
  Operation *op = result.getOwner();
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
    return isa<TensorType>(result.getType())
               ? dps.getTiedOpOperand(result)->get()
               : Value();
  if (LoopLikeOpInterface loop = getTensorLoop(op))
    if (OpOperand *init = loop.getTiedLoopInit(result))
      return init->get();
  return Value();
}

/// Whether `op` writes into `value` as one of its destinations (DPS inits,
/// a loop's inits).
static bool isDestinationOf(Operation *op, Value value) {
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
    return llvm::any_of(dps.getDpsInitsMutable(),
                        [&](OpOperand &init) { return init.get() == value; });
  LoopLikeOpInterface loop = getTensorLoop(op);
  return loop && llvm::is_contained(loop.getInits(), value);
}

/// The ops that write `insert`'s source, in order, when one-shot
/// bufferization writes them in place into `insert`'s destination X: they
/// are destination-passing ops or tile loops whose chain of inits starts at an
/// extract_slice of X at the same place, no other op reads a value of the
/// chain but the source (whose readers then read that part of X), and no op
/// other than that extract_slice and `insert` reads X. Empty when the
/// pattern does not hold.
static SmallVector<Operation *>
getSliceWritersInPlace(tensor::InsertSliceOp insert) {
  Value dest = insert.getDest();
  Operation *destProducer = dest.getDefiningOp();
  // Not the caller's buffer or a weight, which may be read-only.
  if (!destProducer || isWeightOp(destProducer) ||
      !llvm::hasNItems(dest.getUses(), 2))
    return {};
  SmallVector<Operation *> writers;
  Value source = insert.getSource();
  for (Value value = source; value == source || value.hasOneUse();) {
    Operation *producer = value.getDefiningOp();
    if (!producer || producer->getBlock() != insert->getBlock())
      return {};
    if (auto extract = dyn_cast<tensor::ExtractSliceOp>(producer)) {
      if (extract.getSource() != dest ||
          extract.getType() != insert.getSourceType() ||
          extract.getMixedOffsets() != insert.getMixedOffsets() ||
          extract.getMixedSizes() != insert.getMixedSizes() ||
          extract.getMixedStrides() != insert.getMixedStrides())
        return {};
      std::reverse(writers.begin(), writers.end());
      return writers;
    }
    // A destination-passing op, or a tile loop
    // (--serenity-fuse-requantize's), writing its one result into its init.
    if (producer->getNumResults() != 1)
      return {};
    auto dps = dyn_cast<DestinationStyleOpInterface>(producer);
    if (dps && dps.getNumDpsInits() != 1)
      return {};
    Value init = getTiedDestination(producer->getResult(0));
    if (!init)
      return {};
    writers.push_back(producer);
    value = init;
  }
  return {};
}

void FunctionGraph::findSliceWritesInPlace() {
  for (auto insert : body->getOps<tensor::InsertSliceOp>()) {
    SmallVector<Operation *> writers = getSliceWritersInPlace(insert);
    if (writers.empty())
      continue;
    for (Operation *writer : writers)
      writesInPlace.insert(writer);
    writesInPlace.insert(insert);
    // Bufferization allocates the destination where the tensor.empty is.
    if (isEmptyTensorOp(insert.getDest().getDefiningOp()))
      heldEmpties.insert(insert.getDest().getDefiningOp());
  }
}

void FunctionGraph::findPadsReadInPlace() {
  for (Operation &op : *body)
    if (auto pad = dyn_cast<tensor::PadOp>(op)) {
      if (!pad->use_empty() && getPaddedWindow(*pad->user_begin()))
        padsReadInPlace.insert(pad);
    } else if (isTosaPadReadInPlace(&op)) {
      padsReadInPlace.insert(&op);
    }
}

void FunctionGraph::findGluedOps() {
  // An op reads no activation when it reads only weights and tensor.empty
  // placeholders that nothing else reads: it only materializes a buffer
  // (linalg.fill, a broadcast of a bias). One level only, so that the buffer
  // it makes is the only one its glued ops hold (the proof in
  // docs/memory-model.md relies on it).
  auto readsNoActivation = [&](Operation *op) {
    if (isEmptyTensorOp(op))
      return true;
    return llvm::all_of(getReadValues(op), [&](Value value) {
      Operation *producer = value.getDefiningOp();
      if (!producer || producer->getBlock() != body)
        return false; // An argument: an activation.
      return isWeightOp(producer) || (isEmptyTensorOp(producer) &&
                                      getSingleConsumer(body, producer) == op);
    });
  };
  // A pad is glued to its consumer when running the two back to back never
  // costs a lower peak (docs/memory-model.md): the pad's input is read by the
  // pad alone and is not a view, the consumer reads no other activation and
  // no glued buffer except as its destination, and the consumer's results
  // are no larger than the pad's input or the padded copy.
  auto isContractiblePad = [&](Operation *op, Operation *consumer) {
    auto pad = dyn_cast<tensor::PadOp>(op);
    // A consumer that views the copy (a slice of it) holds it, not a
    // result of its own.
    if (!pad || !consumer || hasOrderedEffects(consumer) ||
        isViewOp(consumer) ||
        isa<tosa::SliceOp, tensor::ExtractSliceOp>(consumer))
      return false;
    Value input = pad.getSource();
    Operation *inputProducer = input.getDefiningOp();
    if (inputProducer &&
        (inputProducer->getBlock() != body || isViewOp(inputProducer) ||
         isa<tosa::SliceOp, tensor::ExtractSliceOp>(inputProducer)))
      return false;
    if (!llvm::all_of(input.getUsers(), [&](Operation *user) {
          return getBodyOp(body, user) == op;
        }))
      return false;
    if (!llvm::all_of(getReadValues(op), [&](Value value) {
          Operation *producer = value.getDefiningOp();
          return value == input || (producer && isWeightOp(producer));
        }))
      return false;
    if (!llvm::all_of(getReadValues(consumer), [&](Value value) {
          if (value == pad.getResult())
            return true;
          Operation *producer = value.getDefiningOp();
          if (!producer || producer->getBlock() != body)
            return false;
          if (isWeightOp(producer))
            return true;
          return readsNoActivation(producer) &&
                 getSingleConsumer(body, producer) == consumer &&
                 isDestinationOf(consumer, value);
        }))
      return false;
    uint64_t results = 0;
    for (Type type : consumer->getResultTypes()) {
      std::optional<uint64_t> bytes = getActivationBytes(type);
      if (!bytes)
        return false;
      results += *bytes;
    }
    return results <= *getActivationBytes(input.getType()) &&
           results <= *getActivationBytes(pad.getType());
  };
  // Backwards, so that a consumer's own glue is known first.
  for (Operation &op : llvm::reverse(body->without_terminator())) {
    if (isWeightOp(&op) || hasOrderedEffects(&op) || op.getNumResults() == 0 ||
        padsReadInPlace.contains(&op))
      continue;
    if (!llvm::all_of(op.getResultTypes(), [](Type type) {
          return isa<RankedTensorType>(type) && getActivationBytes(type);
        }))
      continue;
    Operation *consumer = getSingleConsumer(body, &op);
    if (consumer && !gluedTo.count(consumer) &&
        isContractiblePad(&op, consumer)) {
      contractedPads[consumer] = cast<tensor::PadOp>(op);
    } else if (!consumer || !readsNoActivation(&op)) {
      continue;
    }
    Operation *target = gluedTo.lookup(consumer);
    if (!target)
      target = consumer;
    gluedTo[&op] = target;
    gluedOps[target].push_back(&op);
  }
  // Collected backwards; they run in program order.
  for (auto &entry : gluedOps)
    std::reverse(entry.second.begin(), entry.second.end());
}

/// Bytes of the buffers that ops glued to `op` make and `op` reads as
/// operands, not as destinations: live while `op` runs, freed after it.
static uint64_t getGluedTemporaryBytes(
    Operation *op, ArrayRef<Value> readValues,
    const llvm::DenseMap<Operation *, Operation *> &gluedTo) {
  uint64_t bytes = 0;
  for (Value value : readValues) {
    Operation *producer = value.getDefiningOp();
    if (!producer || !gluedTo.count(producer) || isDestinationOf(op, value))
      continue;
    bytes += getTemporaryBytes(value.getType());
  }
  return bytes;
}

LogicalResult FunctionGraph::addOperation(Operation *op) {
  if (isWeightOp(op)) {
    weightOps.push_back(op);
    for (Value result : op->getResults()) {
      valueIds[result] = graph.addConstant();
    }
    return success();
  }

  // Values of the body used inside the op's regions count as operands.
  ArrayRef<Value> readByOp = getReadValues(op);
  llvm::SetVector<Value> operandValues(readByOp.begin(), readByOp.end());
  tensor::PadOp contractedPad = contractedPads.lookup(op);
  if (contractedPad)
    operandValues.insert(contractedPad.getSource());
  ArrayRef<Operation *> fusedOps = getFusedOps(op);
  for (Operation *fusedOp : fusedOps)
    operandValues.insert(getReadValues(fusedOp).begin(),
                         getReadValues(fusedOp).end());
  SmallVector<ValueId> operands;
  for (Value value : operandValues) {
    auto it = valueIds.find(value);
    if (it != valueIds.end())
      operands.push_back(it->second);
  }
  NodeId node = graph.addNode(op->getName().getStringRef(), operands);
  operations.push_back(op);
  if (hasOrderedEffects(op)) {
    if (!isa<MemoryEffectOpInterface>(op))
      unknownEffectOps.push_back(op);
    if (lastEffectfulNode)
      graph.addOrderingEdge(*lastEffectfulNode, node);
    lastEffectfulNode = node;
  }

  // Written over its input (which is a value of the graph, so that the
  // result may alias it).
  Operation *inPlaceDepthwise =
      fused.enabled ? getInPlaceDepthwise(op, fused) : nullptr;
  if (inPlaceDepthwise &&
      !isNodeValue(cast<tosa::DepthwiseConv2DOp>(inPlaceDepthwise).getInput()))
    inPlaceDepthwise = nullptr;
  for (OpResult result : op->getResults()) {
    std::optional<uint64_t> bytes = getActivationBytes(result.getType());
    if (!bytes)
      return op->emitError() << "serenity: result #" << result.getResultNumber()
                             << " has type " << result.getType()
                             << ", which has no static size; scheduling needs "
                                "ranked, statically shaped tensors";
    if (isEmptyTensorOp(op) && !heldEmpties.contains(op))
      bytes = 0;

    StorageKind storage = StorageKind::Fresh;
    SmallVector<ValueId, 2> storageOperands;
    if (inPlaceDepthwise) {
      storage = StorageKind::ChannelsInPlace;
      storageOperands.push_back(
          lookup(cast<tosa::DepthwiseConv2DOp>(inPlaceDepthwise).getInput()));
    } else if (writesInPlace.contains(op)) {
      storage = StorageKind::SliceInPlace;
      storageOperands.push_back(lookup(getTiedDestination(result)));
    } else if (Value init = getTiedDestination(result)) {
      // A placeholder or a glued op's buffer: bufferization allocates it
      // right before this op, for this op alone.
      Operation *initProducer = init.getDefiningOp();
      if (!isEmptyTensorOp(initProducer) && !gluedTo.count(initProducer)) {
        storage = StorageKind::Destination;
        storageOperands.push_back(lookup(init));
      }
    } else if (Value map = fused.slicedPrologues.contains(op)
                               ? getSingleMapOperand(op->getOperands())
                               : Value();
               map && isNodeValue(map)) {
      // Computed on its slices in their convolutions' loops: never stored,
      // the map it reads stays until they ran.
      storage = StorageKind::View;
      storageOperands.push_back(lookup(map));
    } else if (isViewOp(op) && isNodeValue(op->getOperand(0)) &&
               getActivationBytes(op->getOperand(0).getType()) == bytes) {
      storage = StorageKind::View;
      storageOperands.push_back(lookup(op->getOperand(0)));
    } else if ((isa<tosa::SliceOp, tensor::ExtractSliceOp>(op) ||
                padsReadInPlace.contains(op)) &&
               isNodeValue(op->getOperand(0))) {
      storage = StorageKind::Subview;
      storageOperands.push_back(lookup(op->getOperand(0)));
    } else if (isElementwiseOp(op)) {
      for (Value operand : op->getOperands())
        if (isNodeValue(operand) &&
            canHoldResult(operand.getType(), result.getType()) &&
            !llvm::is_contained(storageOperands, lookup(operand)))
          storageOperands.push_back(lookup(operand));
      if (!storageOperands.empty())
        storage = StorageKind::Elementwise;
    }
    valueIds[result] = graph.addResult(node, *bytes, storage, storageOperands);
  }
  if (contractedPad) {
    // Pad into the copy (its input still read), then run on the copy (a
    // tile loop with its tiles); the copy is freed after. These are ops of
    // the input: every model counts them.
    uint64_t padded = *getActivationBytes(contractedPad.getType());
    graph.setLowering(
        node,
        {LoweringStep{padded, /*operandsLive=*/true, /*resultsLive=*/false},
         LoweringStep{padded + getLoopTileBytes(op), false, true}},
        /*inEveryModel=*/true);
    return success();
  }
  SmallVector<LoweringStep, 3> lowering =
      fused.enabled && hasFusedLowering(op, fusedOps)
          ? describeFusedLowering(op, fusedOps, inPlaceDepthwise,
                                  fused.slicedPrologues,
                                  [&](Value value) -> std::optional<ValueId> {
                                    if (!isNodeValue(value))
                                      return std::nullopt;
                                    return lookup(value);
                                  })
          : describeLowering(op);
  if (uint64_t glued = getGluedTemporaryBytes(op, readByOp, gluedTo)) {
    if (lowering.empty())
      lowering.push_back(LoweringStep{});
    for (LoweringStep &step : lowering)
      step.temporaryBytes += glued;
  }
  graph.setLowering(node, lowering);
  return success();
}

FailureOr<FunctionGraph> FunctionGraph::build(FunctionOpInterface function,
                                              bool fuseRequantization) {
  Region &region = function.getFunctionBody();
  if (!region.hasOneBlock())
    return function.emitError()
           << "serenity: the body of '" << function.getName() << "' has "
           << region.getBlocks().size()
           << " blocks; only a single-block function body can be scheduled";

  Block &body = region.front();
  FunctionGraph result(body);
  for (BlockArgument arg : body.getArguments()) {
    std::optional<uint64_t> bytes = getActivationBytes(arg.getType());
    if (!bytes)
      return function.emitError()
             << "serenity: argument #" << arg.getArgNumber() << " has type "
             << arg.getType()
             << ", which has no static size; scheduling needs ranked, "
                "statically shaped tensors";
    result.valueIds[arg] = result.graph.addArgument(*bytes);
  }
  result.findSliceWritesInPlace();
  result.findPadsReadInPlace();
  result.findGluedOps();
  if (fuseRequantization)
    result.fused = findFusedRequantization(body);
  for (Operation &op : body.without_terminator())
    if (!result.gluedTo.count(&op) && !result.fused.rootOf.count(&op) &&
        failed(result.addOperation(&op)))
      return failure();
  if (Operation *terminator =
          body.mightHaveTerminator() ? body.getTerminator() : nullptr)
    for (Value returned : terminator->getOperands())
      result.graph.markReturned(result.lookup(returned));
  return result;
}

void FunctionGraph::applySchedule(llvm::ArrayRef<NodeId> order) const {
  assert(graph.isValidSchedule(order) && "not a schedule of this graph");
  Operation *terminator =
      body->mightHaveTerminator() ? body->getTerminator() : nullptr;
  auto moveToEnd = [&](Operation *op) {
    if (terminator)
      op->moveBefore(terminator);
    else
      op->moveBefore(body, body->end());
  };
  for (Operation *op : weightOps)
    moveToEnd(op);
  for (NodeId node : order) {
    for (Operation *glued : getGluedOps(operations[node]))
      moveToEnd(glued);
    // A fused op takes its own glued ops along (an int8 multiply's rescale
    // of a constant scalar): left behind, they would no longer follow the
    // weights they read.
    for (Operation *fusedOp : getFusedOps(operations[node])) {
      for (Operation *glued : getGluedOps(fusedOp))
        moveToEnd(glued);
      moveToEnd(fusedOp);
    }
    moveToEnd(operations[node]);
  }
}
