//===- ChainUnits.cpp - Nodes some optimal order runs together ------------===//

#include "serenity/Core/ChainUnits.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <optional>

using namespace serenity;

ChainUnits::ChainUnits(const LivenessModel &liveness, const Reachability &reach,
                       llvm::ArrayRef<NodeId> cuts) {
  const DataflowGraph &graph = liveness.getGraph();
  llvm::ArrayRef<LivenessModel::Buffer> buffers = liveness.getBuffers();
  unsigned numNodes = graph.getNumNodes();
  next.assign(numNodes, kNoNode);
  size.assign(numNodes, 1);
  footprintAbove.assign(numNodes, 0);
  liveChange.assign(numNodes, 0);
  std::vector<bool> isCut(numNodes, false), inUnit(numNodes, false);
  for (NodeId cut : cuts)
    isCut[cut] = true;
  auto readByItAlone = [&](unsigned buffer, NodeId node) {
    const LivenessModel::Buffer &read = buffers[buffer];
    return read.bytes == 0 || (!read.returned && read.users.size() == 1 &&
                               read.users.front() == node);
  };
  // Step effects of unit nodes do not depend on the other nodes that ran,
  // so any set where the head is ready measures them; a large base keeps
  // the live bytes from wrapping.
  constexpr uint64_t kBase = uint64_t(1) << 62;
  for (NodeId head = 0; head < numNodes; ++head) {
    if (inUnit[head] ||
        !llvm::all_of(liveness.getOperandBuffers(head),
                      [&](unsigned b) { return readByItAlone(b, head); }))
      continue;
    NodeSet ran = reach.ancestors[head], members(numNodes), followers(numNodes);
    StepEffect first = liveness.step(ran.getWords(), kBase, head);
    uint64_t live = first.liveAfter;
    int64_t highest = int64_t(first.footprint) - int64_t(kBase);
    ran.insert(head);
    members.insert(head);
    for (NodeId succ : graph.getNode(head).successors)
      followers.insert(succ);
    NodeId tail = head;
    while (!isCut[tail] && live >= kBase) {
      std::optional<NodeId> candidate;
      followers.forEach([&](NodeId node) {
        if (!candidate)
          candidate = node;
      });
      if (!candidate)
        break;
      NodeId w = *candidate;
      bool onlyAfterW = true;
      followers.forEach([&](NodeId node) {
        onlyAfterW &= node == w || reach.descendants[w].contains(node);
      });
      if (!onlyAfterW ||
          !llvm::all_of(graph.getNode(w).predecessors,
                        [&](NodeId pred) { return members.contains(pred); }) ||
          !llvm::all_of(liveness.getOperandBuffers(w), [&](unsigned b) {
            std::optional<NodeId> producer =
                graph.getValue(buffers[b].root).producer;
            return buffers[b].bytes == 0 ||
                   (producer && members.contains(*producer));
          }))
        break;
      StepEffect effect = liveness.step(ran.getWords(), live, w);
      if (effect.liveAfter > live)
        break;
      next[tail] = w;
      ++size[head];
      highest = std::max(highest, int64_t(effect.footprint) - int64_t(kBase));
      inUnit[w] = true;
      live = effect.liveAfter;
      ran.insert(w);
      members.insert(w);
      NodeSet grown(numNodes);
      followers.forEach([&](NodeId node) {
        if (node != w)
          grown.insert(node);
      });
      for (NodeId succ : graph.getNode(w).successors)
        grown.insert(succ);
      followers = std::move(grown);
      tail = w;
    }
    footprintAbove[head] = highest;
    liveChange[head] = int64_t(live) - int64_t(kBase);
  }
}
