//===- LowerBound.cpp - Peaks no schedule can avoid -----------------------===//
//
// A buffer is live while a node runs when it was made before the node and
// some reader runs after it; "before" and "after" that hold in every
// schedule come from ancestor and descendant sets. The pair bound adds the
// case analysis that catches two parallel consumers of two large buffers:
// whichever consumer runs first, the other's input is still live.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/LowerBound.h"
#include "serenity/Core/Reachability.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace serenity;

namespace {

void fill(NodeSet &set, unsigned numNodes) {
  for (unsigned i = 0, e = numWordsFor(numNodes); i < e; ++i)
    set.orWord(i, ~uint64_t(0));
}

void unite(NodeSet &into, const NodeSet &from) {
  NodeWords words = from.getWords();
  for (unsigned i = 0, e = words.size(); i < e; ++i)
    into.orWord(i, words[i]);
}

} // namespace

uint64_t serenity::computeLowerBound(const LivenessModel &liveness) {
  const DataflowGraph &graph = liveness.getGraph();
  unsigned numNodes = graph.getNumNodes();
  if (graph.getNumScheduledNodes() == 0)
    return liveness.simulate({}).peak;
  Reachability reach(graph);
  llvm::ArrayRef<LivenessModel::Buffer> buffers = liveness.getBuffers();

  // Per buffer, the nodes that run before one of its readers in every
  // schedule: the readers and their ancestors (every node, if returned).
  std::vector<NodeSet> beforeReader(buffers.size(), NodeSet(numNodes));
  for (unsigned b = 0, e = buffers.size(); b < e; ++b) {
    if (buffers[b].bytes == 0)
      continue;
    if (buffers[b].returned) {
      fill(beforeReader[b], numNodes);
      continue;
    }
    buffers[b].users.forEach([&](NodeId user) {
      unite(beforeReader[b], reach.ancestors[user]);
      beforeReader[b].insert(user);
    });
  }

  // Forced bytes per node, and the buffers that are live at a node or not
  // depending on the order (made before it, read by a node parallel to it).
  std::vector<uint64_t> forced(numNodes, 0);
  std::vector<llvm::SmallVector<unsigned, 4>> optional(numNodes);
  for (NodeId node = 0; node < numNodes; ++node)
    if (!graph.getNode(node).isWeight) {
      for (unsigned b : liveness.getOperandBuffers(node))
        forced[node] += buffers[b].bytes;
      forced[node] += liveness.getUnsharedResultBytes(node);
    }
  for (unsigned b = 0, e = buffers.size(); b < e; ++b) {
    const LivenessModel::Buffer &buffer = buffers[b];
    if (buffer.bytes == 0)
      continue;
    NodeSet madeBefore(numNodes);
    if (std::optional<NodeId> producer = graph.getValue(buffer.root).producer)
      madeBefore = reach.descendants[*producer];
    else
      fill(madeBefore, numNodes);
    madeBefore.forEach([&](NodeId node) {
      if (node >= numNodes || graph.getNode(node).isWeight ||
          llvm::is_contained(liveness.getOperandBuffers(node), b))
        return;
      if (beforeReader[b].contains(node)) {
        forced[node] += buffer.bytes;
        return;
      }
      // Still live at `node` unless every reader ran before it.
      bool readerMayFollow = false;
      buffer.users.forEach([&](NodeId user) {
        readerMayFollow |= !reach.ancestors[node].contains(user);
      });
      if (readerMayFollow)
        optional[node].push_back(b);
    });
  }

  uint64_t bound = liveness.getInitialLiveBytes();
  for (NodeId node = 0; node < numNodes; ++node)
    bound = std::max(bound, forced[node]);

  // Pairs: only nodes whose forced and optional bytes together exceed the
  // bound so far can raise it.
  std::vector<NodeId> candidates;
  for (NodeId node = 0; node < numNodes; ++node) {
    uint64_t most = forced[node];
    for (unsigned b : optional[node])
      most += buffers[b].bytes;
    if (most > bound)
      candidates.push_back(node);
  }
  auto extraIfFirst = [&](NodeId first, NodeId second) {
    uint64_t bytes = 0;
    for (unsigned b : optional[first])
      if (beforeReader[b].contains(second))
        bytes += buffers[b].bytes;
    return bytes;
  };
  for (unsigned i = 0, e = candidates.size(); i < e; ++i) {
    NodeId u = candidates[i];
    for (unsigned j = i + 1; j < e; ++j) {
      NodeId v = candidates[j];
      if (reach.ancestors[v].contains(u) || reach.ancestors[u].contains(v))
        continue;
      bound = std::max(bound, std::min(forced[u] + extraIfFirst(u, v),
                                       forced[v] + extraIfFirst(v, u)));
    }
  }
  return bound;
}
