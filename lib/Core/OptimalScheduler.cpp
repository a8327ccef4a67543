//===- OptimalScheduler.cpp - SERENITY's dynamic program ------------------===//
//
// A partial schedule is summarized by the set of nodes it ran: live bytes
// after it depend on that set only, so among all partial schedules of a set
// only the one with the lowest peak so far matters. The states are expanded
// best-first (lowest peak so far, then most nodes), like Dijkstra's algorithm
// with `max` in place of `+`: the first complete schedule taken from the queue
// is optimal, and the peak at the head of the queue is always a lower bound.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/LowerBound.h"
#include "serenity/Core/Scheduler.h"

#include "llvm/Support/Debug.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <queue>

#define DEBUG_TYPE "serenity-schedule"

using namespace serenity;

namespace {

constexpr uint32_t kNoState = ~uint32_t(0);

struct SearchState {
  uint64_t live;
  uint64_t peak;
  uint32_t parent;
  NodeId last;
  uint32_t depth;
  bool expanded = false;
};

struct QueueEntry {
  uint64_t peak;
  uint32_t depth;
  uint64_t sequence;
  uint32_t state;
  /// Lowest peak first, then deepest, then oldest: deterministic.
  bool operator<(const QueueEntry &other) const {
    if (peak != other.peak)
      return peak > other.peak;
    if (depth != other.depth)
      return depth < other.depth;
    return sequence > other.sequence;
  }
};

/// States and their node sets, with an open-addressing index from set to
/// state. Sets are stored inline in one pool to keep millions of states
/// cheap; each slot keeps part of the set's hash, so that probing rarely
/// touches the pool.
class StateTable {
public:
  explicit StateTable(unsigned numWords) : numWords(numWords) {
    slots.assign(1024, Slot{kNoState, 0});
  }

  size_t size() const { return states.size(); }
  SearchState &operator[](uint32_t id) { return states[id]; }
  NodeWords getSet(uint32_t id) const {
    return NodeWords(pool.data() + size_t(id) * numWords, numWords);
  }

  /// The state of `set`, or kNoState.
  uint32_t lookup(NodeWords set) const {
    uint64_t h = hash(set);
    for (size_t slot = h & (slots.size() - 1);;
         slot = (slot + 1) & (slots.size() - 1)) {
      const Slot &entry = slots[slot];
      if (entry.state == kNoState)
        return kNoState;
      if (entry.tag == uint32_t(h >> 32) && getSet(entry.state) == set)
        return entry.state;
    }
  }

  uint32_t insert(NodeWords set, const SearchState &state) {
    if ((states.size() + 1) * 2 > slots.size())
      grow();
    uint32_t id = states.size();
    states.push_back(state);
    hashes.push_back(hash(set));
    pool.insert(pool.end(), set.begin(), set.end());
    place(id);
    return id;
  }

private:
  struct Slot {
    uint32_t state;
    uint32_t tag;
  };

  static uint64_t hash(NodeWords set) {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (uint64_t word : set) {
      h ^= word + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
      h *= 0xff51afd7ed558ccdULL;
    }
    return h ^ (h >> 29);
  }

  void place(uint32_t id) {
    uint64_t h = hashes[id];
    size_t slot = h & (slots.size() - 1);
    while (slots[slot].state != kNoState)
      slot = (slot + 1) & (slots.size() - 1);
    slots[slot] = Slot{id, uint32_t(h >> 32)};
  }

  void grow() {
    slots.assign(slots.size() * 2, Slot{kNoState, 0});
    for (uint32_t id = 0, e = states.size(); id < e; ++id)
      place(id);
  }

  unsigned numWords;
  std::vector<uint64_t> pool;
  std::vector<SearchState> states;
  std::vector<uint64_t> hashes;
  std::vector<Slot> slots;
};

/// Finds the nodes whose predecessors have all run. Node ids are a
/// topological order, so a ready node comes after the first node that has
/// not run, and all its predecessors come at or before the last node that
/// ran: only that window of ids is scanned, which on long networks is a
/// cell or two instead of the whole graph.
class ReadyNodeFinder {
public:
  explicit ReadyNodeFinder(const DataflowGraph &graph)
      : graph(graph), numNodes(graph.getNumNodes()) {
    lastPredecessor.assign(numNodes, -1);
    lastReadyAfter.assign(numNodes + 1, -1);
    for (NodeId id = 0; id < numNodes; ++id) {
      const GraphNode &node = graph.getNode(id);
      if (node.predecessors.empty())
        sources.push_back(id);
      else
        lastPredecessor[id] = node.predecessors.back();
    }
    // lastReadyAfter[h + 1]: the highest non-source id whose predecessors all
    // lie at or before h.
    for (NodeId id = 0; id < numNodes; ++id)
      if (lastPredecessor[id] >= 0)
        lastReadyAfter[lastPredecessor[id] + 1] =
            std::max<int>(lastReadyAfter[lastPredecessor[id] + 1], id);
    for (unsigned h = 1; h <= numNodes; ++h)
      lastReadyAfter[h] = std::max(lastReadyAfter[h], lastReadyAfter[h - 1]);
  }

  /// The ready nodes of `set`, ascending.
  void find(NodeWords set, llvm::SmallVectorImpl<NodeId> &ready) const {
    ready.clear();
    int first = -1, last = -1;
    for (unsigned i = 0, e = set.size(); i < e && first < 0; ++i)
      if (uint64_t missing = ~set[i])
        first = i * 64 + __builtin_ctzll(missing);
    if (first < 0 || unsigned(first) >= numNodes)
      return; // Everything ran.
    for (unsigned i = set.size(); i-- > 0 && last < 0;)
      if (set[i])
        last = i * 64 + 63 - __builtin_clzll(set[i]);
    for (NodeId source : sources)
      if (!containsNode(set, source))
        ready.push_back(source);
    for (int id = first, end = lastReadyAfter[last + 1]; id <= end; ++id)
      if (lastPredecessor[id] >= 0 && lastPredecessor[id] <= last &&
          !containsNode(set, id) &&
          llvm::all_of(graph.getNode(id).predecessors,
                       [&](NodeId pred) { return containsNode(set, pred); }))
        ready.push_back(id);
    std::sort(ready.begin(), ready.end());
  }

private:
  const DataflowGraph &graph;
  unsigned numNodes;
  std::vector<int> lastPredecessor;
  std::vector<int> lastReadyAfter;
  std::vector<NodeId> sources;
};

} // namespace

Schedule serenity::searchOptimalSchedule(const LivenessModel &liveness,
                                         const SchedulerOptions &options,
                                         Schedule incumbent) {
  const DataflowGraph &graph = liveness.getGraph();
  unsigned numNodes = graph.getNumNodes();
  unsigned numWords = numWordsFor(numNodes);
  uint32_t numToSchedule = graph.getNumNodes();
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(options.timeLimitMs);

  if (options.useLowerBounds)
    incumbent.lowerBound =
        std::max(incumbent.lowerBound, computeLowerBound(liveness));
  if (incumbent.lowerBound >= incumbent.peak) {
    incumbent.status = ScheduleStatus::Optimal;
    return incumbent;
  }

  ReadyNodeFinder readyNodes(graph);
  llvm::SmallVector<NodeId, 32> ready;

  StateTable table(numWords);
  std::priority_queue<QueueEntry> queue;
  uint64_t sequence = 0, expansions = 0;
  uint64_t initialLive = liveness.getInitialLiveBytes();
  // Every order peaks at the lower bound or above, so partial schedules below
  // it are all equally good: start the peak there. Ties then go to the
  // deepest state, and the dominance rule takes every node that stays below
  // it without branching.
  uint64_t floor = std::max(initialLive, incumbent.lowerBound);
  uint32_t root = table.insert(NodeSet(numNodes).getWords(),
                               {initialLive, floor, kNoState, 0, 0});
  queue.push({floor, 0, sequence++, root});

  const uint64_t budget = incumbent.peak;
  uint32_t complete = kNoState;
  bool stoppedAtLimit = false;
  uint64_t frontierPeak = floor;
  NodeSet current(numNodes), childSet(numNodes);
  llvm::SmallVector<std::pair<NodeId, StepEffect>, 16> children;

  while (!queue.empty()) {
    QueueEntry entry = queue.top();
    queue.pop();
    SearchState &state = table[entry.state];
    if (state.expanded || entry.peak != state.peak)
      continue; // A stale entry: the state was reached again more cheaply.
    state.expanded = true;
    frontierPeak = entry.peak;
    if (state.depth == numToSchedule) {
      complete = entry.state;
      break;
    }
    if ((options.maxStates && table.size() >= options.maxStates) ||
        (options.timeLimitMs && (++expansions & 255) == 0 &&
         std::chrono::steady_clock::now() >= deadline)) {
      stoppedAtLimit = true;
      break;
    }

    // Copied: inserting children may move the pool the table keeps sets in.
    current.assign(table.getSet(entry.state));
    NodeWords set = current.getWords();
    uint64_t live = state.live, peak = state.peak;
    uint32_t depth = state.depth;
    children.clear();
    readyNodes.find(set, ready);
    for (NodeId node : ready) {
      StepEffect effect = liveness.step(set, live, node);
      if (options.pruneDominated && effect.footprint <= peak &&
          effect.liveAfter <= live) {
        children.assign(1, {node, effect});
        break;
      }
      if (effect.footprint < budget)
        children.push_back({node, effect});
    }

    for (auto &[node, effect] : children) {
      uint64_t childPeak = std::max(peak, effect.footprint);
      childSet.assign(set);
      childSet.insert(node);
      uint32_t child = table.lookup(childSet.getWords());
      if (child == kNoState) {
        child =
            table.insert(childSet.getWords(), {effect.liveAfter, childPeak,
                                               entry.state, node, depth + 1});
      } else {
        SearchState &known = table[child];
        assert(known.live == effect.liveAfter &&
               "live bytes must depend on the set only");
        if (known.expanded || known.peak <= childPeak)
          continue;
        known.peak = childPeak;
        known.parent = entry.state;
        known.last = node;
      }
      queue.push({childPeak, depth + 1, sequence++, child});
    }
  }

  incumbent.exploredStates = table.size();
  LLVM_DEBUG(llvm::dbgs() << "[serenity-schedule] search: " << table.size()
                          << " states, budget " << budget
                          << (complete != kNoState ? ", improved" : "")
                          << (stoppedAtLimit ? ", stopped at a limit" : "")
                          << "\n");
  if (complete != kNoState) {
    std::vector<NodeId> order(numToSchedule);
    for (uint32_t id = complete; table[id].parent != kNoState;
         id = table[id].parent)
      order[table[id].depth - 1] = table[id].last;
    incumbent.peak = liveness.peakOf(order);
    assert(incumbent.peak == table[complete].peak &&
           "the lower bound was above an order's peak");
    incumbent.order = std::move(order);
    incumbent.lowerBound = incumbent.peak;
    incumbent.producedBy = Algorithm::Optimal;
    incumbent.status = ScheduleStatus::Optimal;
    return incumbent;
  }
  if (stoppedAtLimit) {
    incumbent.lowerBound = std::max(incumbent.lowerBound, frontierPeak);
    incumbent.status = incumbent.lowerBound >= incumbent.peak
                           ? ScheduleStatus::Optimal
                           : ScheduleStatus::BestFound;
    return incumbent;
  }
  // Nothing below the budget exists: the incumbent is optimal.
  incumbent.lowerBound = incumbent.peak;
  incumbent.status = ScheduleStatus::Optimal;
  return incumbent;
}
