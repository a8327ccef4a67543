//===- Heuristics.cpp - Greedy and traversal schedulers -------------------===//
//
// The baselines the optimal search must beat, and whose best peak is its
// initial budget.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/Scheduler.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <utility>

using namespace serenity;

std::vector<NodeId> serenity::scheduleProgramOrder(const DataflowGraph &graph) {
  return graph.getProgramOrder();
}

/// Appends to `postOrder` every unvisited node reachable from `root` through
/// `neighbors(node)`, each after all the nodes it reaches. Iterative: whole
/// networks are deeper than the call stack allows.
template <typename NeighborsFn>
static void appendPostOrder(NodeId root, NeighborsFn neighbors,
                            std::vector<bool> &visited,
                            std::vector<NodeId> &postOrder) {
  if (visited[root])
    return;
  visited[root] = true;
  std::vector<std::pair<NodeId, unsigned>> stack = {{root, 0}};
  while (!stack.empty()) {
    auto &[node, next] = stack.back();
    const auto &adjacent = neighbors(node);
    if (next < adjacent.size()) {
      NodeId neighbor = adjacent[next++];
      if (!visited[neighbor]) {
        visited[neighbor] = true;
        stack.push_back({neighbor, 0});
      }
      continue;
    }
    postOrder.push_back(node);
    stack.pop_back();
  }
}

std::vector<NodeId>
serenity::scheduleReversePostOrder(const DataflowGraph &graph) {
  unsigned numNodes = graph.getNumNodes();
  std::vector<bool> visited(numNodes, false);
  std::vector<NodeId> postOrder;
  auto successors = [&](NodeId node) -> const auto & {
    return graph.getNode(node).successors;
  };
  for (NodeId root = 0; root < numNodes; ++root)
    appendPostOrder(root, successors, visited, postOrder);
  std::reverse(postOrder.begin(), postOrder.end());
  return postOrder;
}

std::vector<NodeId> serenity::scheduleList(const LivenessModel &liveness) {
  const DataflowGraph &graph = liveness.getGraph();
  unsigned numNodes = graph.getNumNodes();
  NodeSet scheduled(numNodes);
  std::vector<unsigned> pendingPreds(numNodes);
  std::vector<NodeId> ready;
  for (NodeId id = 0; id < numNodes; ++id) {
    pendingPreds[id] = graph.getNode(id).predecessors.size();
    if (pendingPreds[id] == 0)
      ready.push_back(id);
  }

  std::vector<NodeId> order;
  uint64_t live = liveness.getInitialLiveBytes();
  while (!ready.empty()) {
    // Highest (freed - allocated); ties go to the node written first.
    unsigned bestIndex = 0;
    int64_t bestGain = 0;
    StepEffect bestEffect;
    for (unsigned i = 0, e = ready.size(); i < e; ++i) {
      StepEffect effect = liveness.step(scheduled.getWords(), live, ready[i]);
      int64_t gain = int64_t(effect.freed) - int64_t(effect.allocated);
      if (i == 0 || gain > bestGain ||
          (gain == bestGain && ready[i] < ready[bestIndex])) {
        bestIndex = i;
        bestGain = gain;
        bestEffect = effect;
      }
    }
    NodeId node = ready[bestIndex];
    ready.erase(ready.begin() + bestIndex);
    order.push_back(node);
    scheduled.insert(node);
    live = bestEffect.liveAfter;
    for (NodeId succ : graph.getNode(node).successors)
      if (--pendingPreds[succ] == 0)
        ready.push_back(succ);
  }
  return order;
}

std::vector<NodeId>
serenity::scheduleDepthFirst(const LivenessModel &liveness) {
  const DataflowGraph &graph = liveness.getGraph();
  unsigned numNodes = graph.getNumNodes();

  // As XLA's DFSMemoryScheduler: every node's subtree size and the number of
  // extra users within it, accumulated along operands (approximate on DAGs).
  std::vector<uint64_t> subtreeBytes(numNodes, 0);
  std::vector<uint64_t> extraUsers(numNodes, 0);
  for (NodeId id = 0; id < numNodes; ++id) {
    const GraphNode &node = graph.getNode(id);
    for (ValueId result : node.results) {
      const GraphValue &value = graph.getValue(result);
      subtreeBytes[id] += value.bytes;
      if (value.users.size() > 1)
        extraUsers[id] += value.users.size() - 1;
    }
    for (NodeId pred : node.predecessors) {
      subtreeBytes[id] += subtreeBytes[pred];
      extraUsers[id] += extraUsers[pred];
    }
  }
  auto visitFirst = [&](NodeId a, NodeId b) {
    if (extraUsers[a] != extraUsers[b])
      return extraUsers[a] > extraUsers[b];
    if (subtreeBytes[a] != subtreeBytes[b])
      return subtreeBytes[a] > subtreeBytes[b];
    return a < b;
  };

  std::vector<std::vector<NodeId>> sortedPreds(numNodes);
  for (NodeId id = 0; id < numNodes; ++id) {
    sortedPreds[id].assign(graph.getNode(id).predecessors.begin(),
                           graph.getNode(id).predecessors.end());
    std::stable_sort(sortedPreds[id].begin(), sortedPreds[id].end(),
                     visitFirst);
  }
  auto predecessors = [&](NodeId node) -> const auto & {
    return sortedPreds[node];
  };
  std::vector<bool> visited(numNodes, false);
  std::vector<NodeId> order;
  // Roots are the sinks, in program order; every node reaches one.
  for (NodeId root = 0; root < numNodes; ++root)
    if (graph.getNode(root).successors.empty())
      appendPostOrder(root, predecessors, visited, order);
  return order;
}
