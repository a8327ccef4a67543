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

/// The nodes that run before a reader of `buffer` in every order: the
/// readers' ancestors, or every node when it is returned.
static NodeSet nodesBeforeAReader(const LivenessModel::Buffer &buffer,
                                  const Reachability &reach,
                                  unsigned numNodes) {
  NodeSet before(numNodes);
  if (buffer.returned)
    before.insertAll(numNodes);
  else
    for (NodeId user : buffer.users)
      before.unite(reach.ancestors[user]);
  return before;
}

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
    NodeSet between = nodesBeforeAReader(buffer, reach, numNodes);
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

CompletionBound::CompletionBound(const LivenessModel &liveness,
                                 const Reachability &reach,
                                 llvm::ArrayRef<uint64_t> forcedFootprints)
    : forced(forcedFootprints.begin(), forcedFootprints.end()) {
  const DataflowGraph &graph = liveness.getGraph();
  unsigned numNodes = graph.getNumNodes();
  crossing.resize(numNodes + 1);
  makesHeld = NodeSet(numNodes);
  forcedFrom.assign(numNodes + 1, 0);
  for (NodeId node = numNodes; node-- > 0;)
    forcedFrom[node] = std::max(forcedFrom[node + 1], forced[node]);
  madeBy.resize(numNodes);
  extra.assign(numNodes, 0);
  for (const LivenessModel::Buffer &buffer : liveness.getBuffers()) {
    std::optional<NodeId> producer = graph.getValue(buffer.root).producer;
    // An argument's forced footprints already count it wherever it is held.
    if (buffer.bytes == 0 || !producer)
      continue;
    NodeSet heldAcross = nodesBeforeAReader(buffer, reach, numNodes);
    // Its producer's descendants (its readers among them) count it already.
    heldAcross.subtract(reach.descendants[*producer]);
    std::optional<NodeId> lastHolder;
    heldAcross.forEach([&](NodeId node) { lastHolder = node; });
    if (!lastHolder)
      continue;
    unsigned index = held.size();
    HeldBuffer entry{*producer, *lastHolder, buffer.bytes, {}};
    NodeWords words = heldAcross.getWords();
    for (unsigned i = 0, e = words.size(); i < e; ++i)
      if (words[i])
        entry.heldAcross.push_back({i, words[i]});
    held.push_back(std::move(entry));
    madeBy[*producer].push_back(index);
    makesHeld.insert(*producer);
    for (NodeId node = *producer + 1; node <= *lastHolder; ++node)
      crossing[node].push_back(index);
  }
}

uint64_t CompletionBound::compute(NodeWords scheduled, NodeId end,
                                  uint64_t liveBytes,
                                  uint64_t threshold) const {
  unsigned numWords = scheduled.size();
  NodeId first = ~NodeId(0), last = 0;
  for (unsigned i = 0; i < numWords; ++i)
    if (uint64_t missing = ~scheduled[i]) {
      first = i * 64 + __builtin_ctzll(missing);
      break;
    }
  // Held buffers are live: a node not yet run holds at most all live bytes
  // on top of its forced footprint.
  if (first >= end ||
      (liveBytes <= threshold && forcedFrom[first] <= threshold - liveBytes))
    return 0;
  for (unsigned i = numWords; i-- > 0;)
    if (scheduled[i]) {
      last = i * 64 + 63 - __builtin_clzll(scheduled[i]);
      break;
    }

  auto addHeld = [&](unsigned index) {
    const HeldBuffer &buffer = held[index];
    NodeId highest = std::min<NodeId>(buffer.lastHolder, end - 1);
    for (auto [i, across] : buffer.heldAcross) {
      if (i < first / 64)
        continue;
      if (i > highest / 64)
        break;
      uint64_t word = across & ~scheduled[i];
      if (i == highest / 64 && highest % 64 != 63)
        word &= (uint64_t(2) << (highest % 64)) - 1;
      for (; word; word &= word - 1) {
        NodeId node = i * 64 + __builtin_ctzll(word);
        if (extra[node] == 0)
          touched.push_back(node);
        extra[node] += buffer.bytes;
      }
    }
  };
  // Held buffers made before the first missing node, then those the
  // scheduled nodes after it made.
  for (unsigned index : crossing[first])
    addHeld(index);
  NodeWords makers = makesHeld.getWords();
  for (unsigned i = first / 64, e = last / 64; i <= e && last > first; ++i)
    for (uint64_t word = scheduled[i] & makers[i]; word; word &= word - 1) {
      NodeId node = i * 64 + __builtin_ctzll(word);
      if (node > first)
        for (unsigned index : madeBy[node])
          if (held[index].lastHolder >= first)
            addHeld(index);
    }

  uint64_t bound = 0;
  for (NodeId node : touched) {
    bound = std::max(bound, forced[node] + extra[node]);
    extra[node] = 0;
  }
  touched.clear();
  return bound;
}
