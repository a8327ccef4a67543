//===- LowerBound.cpp - Peaks no schedule can avoid -----------------------===//
//
// A buffer is live while a node runs when it was made before the node and one
// of its readers runs after it. "Before" and "after" that hold in every
// schedule come from ancestor and descendant sets.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/LowerBound.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace serenity;

std::vector<uint64_t>
serenity::computeForcedFootprints(const LivenessModel &liveness,
                                  const Reachability &reach) {
  const DataflowGraph &graph = liveness.getGraph();
  unsigned numNodes = graph.getNumNodes();
  llvm::ArrayRef<LivenessModel::Buffer> buffers = liveness.getBuffers();

  std::vector<uint64_t> forced(numNodes, 0);
  for (NodeId node = 0; node < numNodes; ++node)
    forced[node] = liveness.getOwnFootprint(node);

  for (unsigned b = 0, e = buffers.size(); b < e; ++b) {
    const LivenessModel::Buffer &buffer = buffers[b];
    if (buffer.bytes == 0)
      continue;
    // The nodes between the buffer's producer and one of its readers.
    NodeSet between(numNodes);
    if (buffer.returned)
      between.insertAll(numNodes);
    else
      for (NodeId user : buffer.users)
        between.unite(reach.ancestors[user]);
    if (std::optional<NodeId> producer = graph.getValue(buffer.root).producer)
      between.intersect(reach.descendants[*producer]);
    between.forEach([&](NodeId node) {
      if (!llvm::is_contained(liveness.getOperandBuffers(node), b))
        forced[node] += buffer.bytes;
    });
  }
  return forced;
}

uint64_t serenity::computeLowerBound(const LivenessModel &liveness) {
  return computeLowerBound(
      liveness,
      computeForcedFootprints(liveness, Reachability(liveness.getGraph())));
}

uint64_t
serenity::computeLowerBound(const LivenessModel &liveness,
                            llvm::ArrayRef<uint64_t> forcedFootprints) {
  if (forcedFootprints.empty())
    return liveness.simulate({}).peak;
  return std::max(
      liveness.getInitialLiveBytes(),
      *std::max_element(forcedFootprints.begin(), forcedFootprints.end()));
}
