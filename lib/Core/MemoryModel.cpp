//===- MemoryModel.cpp - Activation memory of a schedule ------------------===//
//
// Implements the contract of docs/memory-model.md. Buffers are tracked as
// classes: a value together with (under `inplace`) its views. A class is live
// from its root's producer until every member's users ran, or forever when a
// member is returned.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/MemoryModel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cassert>

using namespace serenity;

template <>
llvm::ArrayRef<EnumName<MemoryModel>> serenity::getEnumNames<MemoryModel>() {
  static const EnumName<MemoryModel> names[] = {
      {MemoryModel::Strict, "strict",
       "every value its own buffer (comparable with TFLite)"},
      {MemoryModel::Inplace, "inplace",
       "views alias, element-wise ops write into a dying operand"},
      {MemoryModel::Bufferized, "bufferized",
       "what --serenity-pipeline allocates in its arena"},
  };
  return names;
}

bool LivenessModel::isHonoured(StorageKind storage) const {
  switch (storage) {
  case StorageKind::Fresh:
    return false;
  case StorageKind::Destination:
    return true;
  case StorageKind::View:
    return model != MemoryModel::Strict;
  case StorageKind::Elementwise:
    return model == MemoryModel::Inplace;
  case StorageKind::Subview:
  case StorageKind::SliceInPlace:
  case StorageKind::ChannelsInPlace:
    return model == MemoryModel::Bufferized;
  }
  llvm_unreachable("unknown storage kind");
}

bool LivenessModel::mayWriteIntoOperand(const GraphValue &result) const {
  if (result.storage == StorageKind::SliceInPlace)
    return !isHonoured(result.storage); // Otherwise an alias.
  return (result.storage == StorageKind::Elementwise ||
          result.storage == StorageKind::Destination) &&
         isHonoured(result.storage);
}

LivenessModel::LivenessModel(const DataflowGraph &graph, MemoryModel model)
    : graph(graph), model(model) {
  unsigned numNodes = graph.getNumNodes();
  valueClass.resize(graph.getNumValues());
  // Values are numbered in definition order, so a view's operand already has
  // its class when the view is visited.
  for (ValueId id = 0, e = graph.getNumValues(); id < e; ++id) {
    const GraphValue &value = graph.getValue(id);
    bool aliases = (value.storage == StorageKind::View ||
                    value.storage == StorageKind::Subview ||
                    value.storage == StorageKind::SliceInPlace ||
                    value.storage == StorageKind::ChannelsInPlace) &&
                   isHonoured(value.storage);
    assert(
        (!aliases || value.storage != StorageKind::ChannelsInPlace ||
         value.bytes <= graph.getValue(value.storageOperands.front()).bytes) &&
        "a result written over its operand is no larger");
    // Bufferization reshapes a strided part of a buffer by copying it.
    if (aliases && value.storage == StorageKind::View &&
        isHonoured(StorageKind::Subview) &&
        graph.getValue(value.storageOperands.front()).storage ==
            StorageKind::Subview)
      aliases = false;
    if (aliases) {
      assert(value.storageOperands.size() == 1 && "an alias has one source");
      valueClass[id] = valueClass[value.storageOperands.front()];
    } else {
      valueClass[id] = classes.size();
      Buffer buffer{id, value.bytes, false, value.isArgument(), {}};
      classes.push_back(std::move(buffer));
    }
    Buffer &buffer = classes[valueClass[id]];
    buffer.returned |= value.returned;
    buffer.users.append(value.users.begin(), value.users.end());
  }
  // Under `bufferized`, a returned value's buffer is the caller's out-param,
  // and so is every buffer a chain of destination-passing ops wrote into it
  // in place: an init that only that op reads is always taken over. Per
  // class, backwards: a class's members follow its root.
  std::vector<bool> callerOwned(classes.size(), false);
  if (model == MemoryModel::Bufferized) {
    for (ValueId id = graph.getNumValues(); id-- > 0;) {
      const GraphValue &value = graph.getValue(id);
      unsigned cls = valueClass[id];
      callerOwned[cls] = callerOwned[cls] || value.returned;
      if (callerOwned[cls] && classes[cls].root == id &&
          value.storage == StorageKind::Destination &&
          graph.getValue(value.storageOperands.front()).users.size() == 1)
        callerOwned[valueClass[value.storageOperands.front()]] = true;
    }
  }
  for (auto [cls, buffer] : llvm::enumerate(classes)) {
    llvm::sort(buffer.users);
    buffer.users.erase(std::unique(buffer.users.begin(), buffer.users.end()),
                       buffer.users.end());
    // The arena holds neither the caller's buffers nor the out-params.
    if (model == MemoryModel::Bufferized)
      buffer.bytes =
          buffer.rootIsArgument || buffer.returned || callerOwned[cls]
              ? 0
              : llvm::alignTo(buffer.bytes, kBufferizedAlignment);
  }

  operandClasses.resize(numNodes);
  for (NodeId id = 0; id < numNodes; ++id) {
    for (ValueId operand : graph.getNode(id).operands) {
      unsigned cls = classOf(operand);
      if (!llvm::is_contained(operandClasses[id], cls))
        operandClasses[id].push_back(cls);
    }
  }

  for (ValueId arg : graph.getArguments()) {
    const Buffer &buffer = classes[classOf(arg)];
    argumentBytes += buffer.bytes;
    bool used = buffer.returned || !buffer.users.empty();
    if (buffer.root == arg && used)
      initialLiveBytes += buffer.bytes;
  }
}

uint64_t LivenessModel::getTemporaryBytes(const LoweringStep &op) const {
  return model == MemoryModel::Bufferized
             ? llvm::alignTo(op.temporaryBytes, kBufferizedAlignment)
             : op.temporaryBytes;
}

uint64_t
LivenessModel::getDoneBytes(const LoweringStep &op,
                            llvm::function_ref<bool(unsigned)> counts) const {
  llvm::SmallVector<unsigned, 2> done;
  uint64_t bytes = 0;
  for (ValueId value : op.operandsDone) {
    unsigned cls = classOf(value);
    if (counts(cls) && !llvm::is_contained(done, cls)) {
      done.push_back(cls);
      bytes += classes[cls].bytes;
    }
  }
  return bytes;
}

llvm::ArrayRef<LoweringStep> LivenessModel::getLowering(NodeId node) const {
  static const LoweringStep oneOp;
  const GraphNode &graphNode = graph.getNode(node);
  if (graphNode.lowering.empty() ||
      (model != MemoryModel::Bufferized && !graphNode.loweringInEveryModel))
    return oneOp;
  return graphNode.lowering;
}

StepEffect LivenessModel::step(NodeWords scheduled, uint64_t liveBefore,
                               NodeId nodeId) const {
  const GraphNode &node = graph.getNode(nodeId);
  auto diesHere = [&](const Buffer &buffer) {
    return !buffer.returned && llvm::all_of(buffer.users, [&](NodeId user) {
      return user == nodeId || containsNode(scheduled, user);
    });
  };

  StepEffect effect;
  // Operand buffers whose storage a result takes over: they do not die here,
  // they live on as that result.
  llvm::SmallVector<unsigned, 2> takenOver;
  uint64_t resultsFreed = 0;
  for (ValueId resultId : node.results) {
    const GraphValue &result = graph.getValue(resultId);
    const Buffer &resultClass = classes[classOf(resultId)];
    if (resultClass.root != resultId)
      continue; // A view: it adds no bytes.
    bool reuses = false;
    if (mayWriteIntoOperand(result)) {
      for (ValueId candidate : result.storageOperands) {
        unsigned cls = classOf(candidate);
        const Buffer &buffer = classes[cls];
        if (buffer.bytes != resultClass.bytes ||
            llvm::is_contained(takenOver, cls))
          continue;
        if (result.storage == StorageKind::Elementwise && buffer.rootIsArgument)
          continue;
        if (!diesHere(buffer))
          continue;
        takenOver.push_back(cls);
        reuses = true;
        break;
      }
    }
    if (!reuses)
      effect.allocated += resultClass.bytes;
    if (diesHere(resultClass))
      resultsFreed += resultClass.bytes;
  }
  uint64_t operandsFreed = 0;
  auto diesAsOperand = [&](unsigned cls) {
    return !llvm::is_contained(takenOver, cls) && diesHere(classes[cls]);
  };
  for (unsigned cls : operandClasses[nodeId])
    if (diesAsOperand(cls))
      operandsFreed += classes[cls].bytes;
  effect.freed = resultsFreed + operandsFreed;
  for (const LoweringStep &op : getLowering(nodeId)) {
    uint64_t live = liveBefore + getTemporaryBytes(op);
    if (!op.operandsLive)
      live -= operandsFreed;
    else if (!op.operandsDone.empty())
      live -= getDoneBytes(op, [&](unsigned cls) {
        return llvm::is_contained(operandClasses[nodeId], cls) &&
               diesAsOperand(cls);
      });
    if (op.resultsLive)
      live += effect.allocated;
    effect.footprint = std::max(effect.footprint, live);
  }
  uint64_t after = liveBefore + effect.allocated;
  assert(after >= effect.freed && "freeing more than is live");
  effect.liveAfter = after - effect.freed;
  return effect;
}

LivenessTrace LivenessModel::simulate(llvm::ArrayRef<NodeId> order) const {
  assert(graph.isValidSchedule(order) && "not a valid schedule");
  LivenessTrace trace;
  NodeSet scheduled(graph.getNumNodes());
  uint64_t live = initialLiveBytes;
  if (order.empty())
    trace.peak = argumentBytes;
  for (unsigned i = 0, e = order.size(); i < e; ++i) {
    StepEffect effect = step(scheduled.getWords(), live, order[i]);
    if (!trace.peakStep || effect.footprint > trace.peak) {
      trace.peak = effect.footprint;
      trace.peakStep = i;
    }
    trace.steps.push_back(effect);
    live = effect.liveAfter;
    scheduled.insert(order[i]);
  }
  return trace;
}

uint64_t LivenessModel::getUnsharedResultBytes(NodeId nodeId) const {
  uint64_t bytes = 0;
  for (ValueId resultId : graph.getNode(nodeId).results) {
    const GraphValue &result = graph.getValue(resultId);
    const Buffer &resultClass = classes[classOf(resultId)];
    if (resultClass.root == resultId && !mayWriteIntoOperand(result))
      bytes += resultClass.bytes;
  }
  return bytes;
}

uint64_t LivenessModel::getOwnFootprint(NodeId nodeId) const {
  uint64_t operands = 0;
  for (unsigned cls : operandClasses[nodeId])
    operands += classes[cls].bytes;
  uint64_t results = getUnsharedResultBytes(nodeId);
  auto isOperand = [&](unsigned cls) {
    return llvm::is_contained(operandClasses[nodeId], cls);
  };
  uint64_t most = 0;
  for (const LoweringStep &op : getLowering(nodeId))
    most = std::max(
        most,
        getTemporaryBytes(op) +
            (op.operandsLive ? operands - getDoneBytes(op, isOperand) : 0) +
            (op.resultsLive ? results : 0));
  return most;
}
