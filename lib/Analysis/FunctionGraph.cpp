//===- FunctionGraph.cpp - Dataflow graph of a function body --------------===//

#include "serenity/Analysis/FunctionGraph.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
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

static bool isViewOp(Operation *op) {
  return isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
             tensor::CastOp, tensor::BitcastOp>(op);
}

static bool isElementwiseOp(Operation *op) {
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

/// Ops that read or write memory keep their relative order; pure tensor ops
/// and allocations may move freely.
static bool hasOrderedEffects(Operation *op) {
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

LogicalResult FunctionGraph::addOperation(Operation *op) {
  if (isWeightOp(op)) {
    weightOps.push_back(op);
    for (Value result : op->getResults()) {
      valueIds[result] = graph.addConstant();
    }
    return success();
  }

  // Values of the body used inside the op's regions count as operands.
  llvm::SetVector<Value> operandValues(op->operand_begin(), op->operand_end());
  getUsedValuesDefinedAbove(op->getRegions(), operandValues);
  SmallVector<ValueId> operands;
  for (Value value : operandValues) {
    auto it = valueIds.find(value);
    if (it != valueIds.end())
      operands.push_back(it->second);
  }
  NodeId node = graph.addNode(op->getName().getStringRef(), operands);
  operations.push_back(op);
  if (hasOrderedEffects(op)) {
    if (lastEffectfulNode)
      graph.addOrderingEdge(*lastEffectfulNode, node);
    lastEffectfulNode = node;
  }

  auto dps = dyn_cast<DestinationStyleOpInterface>(op);
  for (OpResult result : op->getResults()) {
    std::optional<uint64_t> bytes = getActivationBytes(result.getType());
    if (!bytes)
      return op->emitError() << "serenity: result #" << result.getResultNumber()
                             << " has type " << result.getType()
                             << ", which has no static size; scheduling needs "
                                "ranked, statically shaped tensors";
    if (isEmptyTensorOp(op))
      bytes = 0;

    StorageKind storage = StorageKind::Fresh;
    SmallVector<ValueId, 2> storageOperands;
    if (dps && isa<TensorType>(result.getType())) {
      Value init = dps.getTiedOpOperand(result)->get();
      if (!isEmptyTensorOp(init.getDefiningOp())) {
        storage = StorageKind::Destination;
        storageOperands.push_back(lookup(init));
      }
    } else if (isViewOp(op) &&
               getActivationBytes(op->getOperand(0).getType()) == bytes) {
      storage = StorageKind::View;
      storageOperands.push_back(lookup(op->getOperand(0)));
    } else if (isElementwiseOp(op)) {
      for (Value operand : op->getOperands())
        if (canHoldResult(operand.getType(), result.getType()) &&
            !llvm::is_contained(storageOperands, lookup(operand)))
          storageOperands.push_back(lookup(operand));
      if (!storageOperands.empty())
        storage = StorageKind::Elementwise;
    }
    valueIds[result] = graph.addResult(node, *bytes, storage, storageOperands);
  }
  return success();
}

FailureOr<FunctionGraph> FunctionGraph::build(FunctionOpInterface function) {
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
  for (Operation &op : body.without_terminator())
    if (failed(result.addOperation(&op)))
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
  for (NodeId node : order)
    moveToEnd(operations[node]);
}
