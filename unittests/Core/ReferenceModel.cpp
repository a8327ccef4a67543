//===- ReferenceModel.cpp - The memory model, literally -------------------===//

#include "ReferenceModel.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

using namespace serenity;

namespace {

struct Buffer {
  uint64_t bytes;
  bool forArgument;
  std::set<ValueId> members;
};

struct ReferenceState {
  const DataflowGraph &graph;
  MemoryModel model;
  std::vector<int> remainingUses;
  std::vector<int> bufferOf;
  std::map<int, Buffer> buffers; // Only live ones.
  int nextBuffer = 0;

  ReferenceState(const DataflowGraph &graph, MemoryModel model)
      : graph(graph), model(model), remainingUses(graph.getNumValues()),
        bufferOf(graph.getNumValues(), -1) {
    for (ValueId v = 0; v < graph.getNumValues(); ++v)
      remainingUses[v] = graph.getValue(v).users.size();
    for (ValueId arg : graph.getArguments()) {
      const GraphValue &value = graph.getValue(arg);
      if (remainingUses[arg] > 0 || value.returned)
        bufferOf[arg] = newBuffer(value.bytes, true, arg);
    }
  }

  int newBuffer(uint64_t bytes, bool forArgument, ValueId member) {
    buffers[nextBuffer] = Buffer{bytes, forArgument, {member}};
    return nextBuffer++;
  }

  uint64_t liveBytes() const {
    uint64_t bytes = 0;
    for (const auto &[id, buffer] : buffers)
      bytes += buffer.bytes;
    return bytes;
  }

  /// Every member of `buffer` is read by `node` at most, and none is returned.
  bool lastUseIs(const Buffer &buffer, NodeId node) const {
    for (ValueId member : buffer.members) {
      const GraphValue &value = graph.getValue(member);
      if (value.returned)
        return false;
      bool usedByNode =
          std::count(value.users.begin(), value.users.end(), node) > 0;
      if (remainingUses[member] > (usedByNode ? 1 : 0))
        return false;
    }
    return true;
  }

  uint64_t execute(NodeId node) {
    const GraphNode &info = graph.getNode(node);
    uint64_t before = liveBytes();
    uint64_t fresh = 0;
    std::set<int> joined;
    bool inplace = model == MemoryModel::Inplace;
    // Views first: an alias made here keeps its buffer alive too.
    for (ValueId resultId : info.results) {
      const GraphValue &result = graph.getValue(resultId);
      if (result.storage == StorageKind::View && inplace) {
        int buffer = bufferOf[result.storageOperands[0]];
        bufferOf[resultId] = buffer;
        buffers[buffer].members.insert(resultId);
      }
    }
    for (ValueId resultId : info.results) {
      const GraphValue &result = graph.getValue(resultId);
      if (result.storage == StorageKind::View && inplace)
        continue;
      int reused = -1;
      bool mayReuse = result.storage == StorageKind::Destination ||
                      (result.storage == StorageKind::Elementwise && inplace);
      if (mayReuse) {
        for (ValueId candidate : result.storageOperands) {
          int buffer = bufferOf[candidate];
          if (buffer < 0 || joined.count(buffer))
            continue;
          const Buffer &b = buffers[buffer];
          if (b.bytes != result.bytes || !lastUseIs(b, node))
            continue;
          if (result.storage == StorageKind::Elementwise && b.forArgument)
            continue;
          reused = buffer;
          break;
        }
      }
      if (reused >= 0) {
        joined.insert(reused);
        // It now holds a value computed here, no longer the caller's.
        buffers[reused].forArgument = false;
        bufferOf[resultId] = reused;
        buffers[reused].members.insert(resultId);
      } else {
        fresh += result.bytes;
        bufferOf[resultId] = newBuffer(result.bytes, false, resultId);
      }
    }
    uint64_t footprint = before + fresh;
    for (ValueId operand : info.operands)
      --remainingUses[operand];
    // Free every buffer none of whose members is still needed.
    for (auto it = buffers.begin(); it != buffers.end();) {
      bool needed = false;
      for (ValueId member : it->second.members)
        needed |= remainingUses[member] > 0 || graph.getValue(member).returned;
      it = needed ? std::next(it) : buffers.erase(it);
    }
    return footprint;
  }
};

} // namespace

std::vector<uint64_t>
serenity::reference::referenceFootprints(const DataflowGraph &graph,
                                         MemoryModel model,
                                         const std::vector<NodeId> &order) {
  ReferenceState state(graph, model);
  std::vector<uint64_t> footprints;
  for (NodeId node : order)
    footprints.push_back(state.execute(node));
  return footprints;
}

uint64_t serenity::reference::referencePeak(const DataflowGraph &graph,
                                            MemoryModel model,
                                            const std::vector<NodeId> &order) {
  if (order.empty()) {
    uint64_t bytes = 0;
    for (ValueId arg : graph.getArguments())
      bytes += graph.getValue(arg).bytes;
    return bytes;
  }
  std::vector<uint64_t> footprints = referenceFootprints(graph, model, order);
  return *std::max_element(footprints.begin(), footprints.end());
}

void serenity::reference::forEachSchedule(
    const DataflowGraph &graph,
    const std::function<void(std::vector<NodeId> &)> &fn) {
  std::vector<NodeId> order;
  std::vector<bool> done(graph.getNumNodes());
  unsigned total = graph.getNumNodes();
  std::function<void()> extend = [&]() {
    if (order.size() == total) {
      fn(order);
      return;
    }
    for (NodeId n = 0; n < graph.getNumNodes(); ++n) {
      if (done[n])
        continue;
      const auto &preds = graph.getNode(n).predecessors;
      if (!std::all_of(preds.begin(), preds.end(),
                       [&](NodeId p) { return bool(done[p]); }))
        continue;
      done[n] = true;
      order.push_back(n);
      extend();
      order.pop_back();
      done[n] = false;
    }
  };
  extend();
}

uint64_t serenity::reference::bruteForcePeak(const DataflowGraph &graph,
                                             MemoryModel model) {
  uint64_t best = ~uint64_t(0);
  forEachSchedule(graph, [&](std::vector<NodeId> &order) {
    best = std::min(best, referencePeak(graph, model, order));
  });
  return best;
}

std::optional<uint64_t>
serenity::reference::setDynamicProgramPeak(const DataflowGraph &graph,
                                           MemoryModel model, size_t maxSets) {
  unsigned n = graph.getNumNodes();
  if (n == 0)
    return referencePeak(graph, model, {});
  if (n > 64)
    return std::nullopt;
  // One layer per number of nodes run: set -> (lowest peak, its state).
  std::map<uint64_t, std::pair<uint64_t, ReferenceState>> layer;
  layer.emplace(0, std::make_pair(uint64_t(0), ReferenceState(graph, model)));
  for (unsigned step = 0; step < n; ++step) {
    std::map<uint64_t, std::pair<uint64_t, ReferenceState>> next;
    for (const auto &[set, entry] : layer) {
      for (NodeId v = 0; v < n; ++v) {
        if (set >> v & 1)
          continue;
        const auto &preds = graph.getNode(v).predecessors;
        if (!std::all_of(preds.begin(), preds.end(), [&, set = set](NodeId p) {
              return bool(set >> p & 1);
            }))
          continue;
        ReferenceState state = entry.second;
        uint64_t peak = std::max(entry.first, state.execute(v));
        uint64_t grown = set | uint64_t(1) << v;
        auto it = next.find(grown);
        if (it == next.end())
          next.emplace(grown, std::make_pair(peak, std::move(state)));
        else if (peak < it->second.first)
          it->second.first = peak;
      }
    }
    if (next.size() > maxSets)
      return std::nullopt;
    layer = std::move(next);
  }
  return layer.begin()->second.first;
}

uint64_t serenity::reference::countSchedules(const DataflowGraph &graph) {
  // Count linear extensions by DP over subsets (graphs here are small).
  unsigned n = graph.getNumNodes();
  std::vector<uint64_t> ways(size_t(1) << n, 0);
  ways[0] = 1;
  for (unsigned set = 0; set < ways.size(); ++set) {
    if (!ways[set])
      continue;
    for (NodeId v = 0; v < n; ++v) {
      if (set & (1u << v))
        continue;
      bool ready = true;
      for (NodeId p : graph.getNode(v).predecessors)
        ready &= bool(set & (1u << p));
      if (ready)
        ways[set | (1u << v)] += ways[set];
    }
  }
  return ways.back();
}

std::string serenity::reference::describeGraph(const DataflowGraph &graph) {
  static const char *kStorage[] = {
      "fresh",   "view",           "elementwise",      "destination",
      "subview", "slice-in-place", "channels-in-place"};
  std::string text;
  auto describeValue = [&](ValueId id) {
    const GraphValue &value = graph.getValue(id);
    text += " v" + std::to_string(id) + "(" + std::to_string(value.bytes);
    if (value.storage != StorageKind::Fresh) {
      text += std::string(" ") + kStorage[int(value.storage)];
      for (ValueId operand : value.storageOperands)
        text += " v" + std::to_string(operand);
    }
    text += value.returned ? " returned)" : ")";
  };
  text += "args:";
  for (ValueId arg : graph.getArguments())
    describeValue(arg);
  text += "\n";
  for (NodeId id = 0; id < graph.getNumNodes(); ++id) {
    const GraphNode &node = graph.getNode(id);
    text += "n" + std::to_string(id) + " reads";
    for (ValueId operand : node.operands)
      text += " v" + std::to_string(operand);
    text += " after";
    for (NodeId pred : node.predecessors)
      text += " n" + std::to_string(pred);
    text += " makes";
    for (ValueId result : node.results)
      describeValue(result);
    text += "\n";
  }
  return text;
}
