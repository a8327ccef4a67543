//===- DataflowGraph.cpp - Dialect-free dataflow graph --------------------===//

#include "serenity/Core/DataflowGraph.h"

#include "llvm/ADT/STLExtras.h"

#include <cassert>

using namespace serenity;

ValueId DataflowGraph::addArgument(uint64_t bytes, llvm::StringRef name) {
  ValueId id = values.size();
  GraphValue value;
  value.name = name.str();
  value.bytes = bytes;
  values.push_back(std::move(value));
  arguments.push_back(id);
  return id;
}

void DataflowGraph::addPredecessor(NodeId node, NodeId pred) {
  assert(pred < node && "a dependency must point backwards in program order");
  auto &preds = nodes[node].predecessors;
  auto it = llvm::lower_bound(preds, pred);
  if (it != preds.end() && *it == pred)
    return;
  preds.insert(it, pred);
  nodes[pred].successors.push_back(node);
}

NodeId DataflowGraph::addNode(llvm::StringRef name,
                              llvm::ArrayRef<ValueId> operands) {
  NodeId id = nodes.size();
  GraphNode node;
  node.name = name.str();
  nodes.push_back(std::move(node));
  for (ValueId operand : operands) {
    assert(operand < values.size() && "operand must exist before its user");
    if (llvm::is_contained(nodes[id].operands, operand))
      continue;
    nodes[id].operands.push_back(operand);
    GraphValue &value = values[operand];
    value.users.push_back(id);
    if (value.producer)
      addPredecessor(id, *value.producer);
  }
  return id;
}

ValueId DataflowGraph::addConstant(llvm::StringRef name) {
  ValueId id = values.size();
  GraphValue value;
  value.name = name.str();
  value.constant = true;
  values.push_back(std::move(value));
  return id;
}

ValueId DataflowGraph::addResult(NodeId node, uint64_t bytes,
                                 StorageKind storage,
                                 llvm::ArrayRef<ValueId> storageOperands,
                                 llvm::StringRef name) {
  assert(node < nodes.size() && "unknown node");
  assert((storage == StorageKind::Fresh) == storageOperands.empty() &&
         "a storage kind other than Fresh names its operands");
  assert(llvm::all_of(storageOperands,
                      [&](ValueId v) {
                        return llvm::is_contained(nodes[node].operands, v);
                      }) &&
         "storage operands must be operands of the node");
  ValueId id = values.size();
  GraphValue value;
  value.name = name.str();
  value.bytes = bytes;
  value.producer = node;
  value.storage = storage;
  value.storageOperands.assign(storageOperands.begin(), storageOperands.end());
  values.push_back(std::move(value));
  nodes[node].results.push_back(id);
  return id;
}

void DataflowGraph::addOrderingEdge(NodeId before, NodeId after) {
  assert(before < nodes.size() && after < nodes.size() && "unknown node");
  addPredecessor(after, before);
}

void DataflowGraph::setLowering(NodeId node, llvm::ArrayRef<LoweringStep> steps,
                                bool inEveryModel) {
  nodes[node].lowering.assign(steps.begin(), steps.end());
  nodes[node].loweringInEveryModel = inEveryModel && !steps.empty();
}

void DataflowGraph::markReturned(ValueId value) {
  values[value].returned = true;
}

std::vector<NodeId> DataflowGraph::getProgramOrder() const {
  std::vector<NodeId> order(nodes.size());
  for (NodeId id = 0, e = nodes.size(); id < e; ++id)
    order[id] = id;
  return order;
}

bool DataflowGraph::isValidSchedule(llvm::ArrayRef<NodeId> order) const {
  if (order.size() != nodes.size())
    return false;
  std::vector<bool> done(nodes.size(), false);
  for (NodeId id : order) {
    if (id >= nodes.size() || done[id])
      return false;
    if (!llvm::all_of(nodes[id].predecessors,
                      [&](NodeId pred) { return done[pred]; }))
      return false;
    done[id] = true;
  }
  return true;
}
