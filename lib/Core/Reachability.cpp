//===- Reachability.cpp - Ancestors and descendants of every node ---------===//

#include "serenity/Core/Reachability.h"

using namespace serenity;

Reachability::Reachability(const DataflowGraph &graph) {
  unsigned numNodes = graph.getNumNodes();
  ancestors.assign(numNodes, NodeSet(numNodes));
  descendants.assign(numNodes, NodeSet(numNodes));
  // Node ids are a topological order.
  for (NodeId node = 0; node < numNodes; ++node)
    for (NodeId pred : graph.getNode(node).predecessors) {
      ancestors[node].unite(ancestors[pred]);
      ancestors[node].insert(pred);
    }
  for (NodeId node = numNodes; node-- > 0;)
    for (NodeId succ : graph.getNode(node).successors) {
      descendants[node].unite(descendants[succ]);
      descendants[node].insert(succ);
    }
}
