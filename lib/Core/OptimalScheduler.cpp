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

#include "serenity/Core/ChainUnits.h"
#include "serenity/Core/LowerBound.h"
#include "serenity/Core/Scheduler.h"

#include "llvm/Support/Debug.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <memory>
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
  /// Whether `bound`, the set's completion bound, is known; `peak` then
  /// includes it.
  bool bounded = false;
  uint64_t bound = 0;
};

struct QueueEntry {
  uint64_t peak;
  uint32_t depth;
  uint32_t state;
  /// Lowest peak first, then deepest, then the state created first:
  /// deterministic.
  bool operator<(const QueueEntry &other) const {
    if (peak != other.peak)
      return peak > other.peak;
    if (depth != other.depth)
      return depth < other.depth;
    return state > other.state;
  }
};

/// States and their node sets, with an open-addressing index from set to
/// state. A set is a downset of a topological numbering: all-ones words, then
/// a window of mixed words, then zeros; only the window and the count of
/// all-ones words are stored, a few words per state even on large networks.
/// Each slot keeps part of the set's hash, so that probing rarely touches the
/// stored sets.
class StateTable {
public:
  /// The stored form of a set, viewing a full set's words.
  struct Key {
    uint32_t ones;
    NodeWords window;

    explicit Key(NodeWords set) {
      unsigned begin = 0, end = set.size();
      while (begin < end && set[begin] == ~uint64_t(0))
        ++begin;
      while (end > begin && set[end - 1] == 0)
        --end;
      ones = begin;
      window = set.slice(begin, end - begin);
    }

    uint64_t hash() const {
      uint64_t h = 0x9e3779b97f4a7c15ULL ^ ones;
      for (uint64_t word : window) {
        h ^= word + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
        h *= 0xff51afd7ed558ccdULL;
      }
      return h ^ (h >> 29);
    }
  };

  explicit StateTable(unsigned numWords) : numWords(numWords) {
    slots.assign(1024, Slot{kNoState, 0});
  }

  size_t size() const { return states.size(); }
  SearchState &operator[](uint32_t id) { return states[id]; }

  /// Writes the full set of state `id` into `set`.
  void getSet(uint32_t id, NodeSet &set) const {
    const uint64_t *stored = storedAt(id);
    uint32_t ones = stored[0] & 0xffffffff, length = stored[0] >> 32;
    for (unsigned i = 0; i < numWords; ++i) {
      uint64_t word = i < ones            ? ~uint64_t(0)
                      : i < ones + length ? stored[1 + i - ones]
                                          : 0;
      set.setWord(i, word);
    }
  }

  /// Starts loading the slot where a set of hash `h` is looked up first.
  void prefetch(uint64_t h) const {
    __builtin_prefetch(&slots[h & (slots.size() - 1)]);
  }

  /// The state of `key` (of hash `h`), or kNoState.
  uint32_t lookup(const Key &key, uint64_t h) const {
    for (size_t slot = h & (slots.size() - 1);;
         slot = (slot + 1) & (slots.size() - 1)) {
      const Slot &entry = slots[slot];
      if (entry.state == kNoState)
        return kNoState;
      if (entry.tag == uint32_t(h >> 32) && matches(entry.state, key))
        return entry.state;
    }
  }

  uint32_t insert(const Key &key, uint64_t h, const SearchState &state) {
    if ((states.size() + 1) * 2 > slots.size())
      grow();
    uint32_t id = states.size();
    states.push_back(state);
    hashes.push_back(h);
    size_t needed = 1 + key.window.size();
    if (arena.empty() || arenaUsed + needed > kArenaWords) {
      arena.emplace_back(new uint64_t[kArenaWords]);
      arenaUsed = 0;
    }
    uint64_t *stored = arena.back().get() + arenaUsed;
    stored[0] = key.ones | uint64_t(key.window.size()) << 32;
    std::copy(key.window.begin(), key.window.end(), stored + 1);
    locations.push_back((arena.size() - 1) * kArenaWords + arenaUsed);
    arenaUsed += needed;
    place(id);
    return id;
  }

private:
  struct Slot {
    uint32_t state;
    uint32_t tag;
  };

  const uint64_t *storedAt(uint32_t id) const {
    return arena[locations[id] / kArenaWords].get() +
           locations[id] % kArenaWords;
  }

  bool matches(uint32_t id, const Key &key) const {
    const uint64_t *stored = storedAt(id);
    return stored[0] == (key.ones | uint64_t(key.window.size()) << 32) &&
           std::equal(key.window.begin(), key.window.end(), stored + 1);
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

  /// Stored sets live in fixed blocks, so growing never copies them.
  static constexpr size_t kArenaWords = size_t(1) << 20;
  unsigned numWords;
  std::vector<std::unique_ptr<uint64_t[]>> arena;
  size_t arenaUsed = 0;
  std::vector<uint64_t> locations;
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

/// What the search may assume and use: the model, the ready nodes, the
/// rules that cut the work without changing the optimal peak.
struct SearchRules {
  const LivenessModel &liveness;
  const ReadyNodeFinder &readyNodes;
  const ChainUnits &units;
  /// The A* bound; null when lower bounds are off.
  const CompletionBound *completionBound;
  bool pruneDominated;
};

/// What the search may still spend, shared by the segments of one graph.
struct SearchLimits {
  std::chrono::steady_clock::time_point deadline;
  bool timed;
  uint64_t maxStates;
  uint64_t statesUsed = 0;
};

struct SegmentResult {
  enum Outcome { Found, NoneBelowBudget, Stopped } outcome;
  /// The segment's nodes in their best order (Found).
  std::vector<NodeId> order;
  /// The lowest max(peak, floor) of the segment (Found), or the bound the
  /// search proved before it stopped (Stopped).
  uint64_t peak = 0;
  uint64_t states = 0;
};

/// The search over the nodes with ids in [begin, end), after every node
/// before `begin` ran, with `startLive` bytes live. `end - 1` is the last
/// node or a node every path passes through, so the segment is complete when
/// all its nodes ran.
SegmentResult searchSegment(const SearchRules &rules, NodeId begin, NodeId end,
                            uint64_t startLive, uint64_t floor, uint64_t budget,
                            SearchLimits &limits) {
  const LivenessModel &liveness = rules.liveness;
  const CompletionBound *completionBound = rules.completionBound;
  unsigned numNodes = liveness.getGraph().getNumNodes();
  uint32_t numToSchedule = end - begin;
  StateTable table(numWordsFor(numNodes));
  std::priority_queue<QueueEntry> queue;
  NodeSet current(numNodes);
  std::vector<uint64_t> childSets, childHashes;
  for (NodeId node = 0; node < begin; ++node)
    current.insert(node);
  // Every order peaks at the floor or above, so partial schedules below it
  // are all equally good: start the peak there. Ties then go to the deepest
  // state, and the dominance rule takes every node that stays below it
  // without branching.
  StateTable::Key rootKey(current.getWords());
  uint32_t root =
      table.insert(rootKey, rootKey.hash(), {startLive, floor, kNoState, 0, 0});
  queue.push({floor, 0, root});

  SegmentResult result{SegmentResult::NoneBelowBudget, {}, floor, 0};
  llvm::SmallVector<NodeId, 32> ready;
  llvm::SmallVector<std::pair<NodeId, StepEffect>, 16> children;
  uint64_t expansions = 0;
  while (!queue.empty()) {
    QueueEntry entry = queue.top();
    queue.pop();
    SearchState &state = table[entry.state];
    if (state.expanded || entry.peak != state.peak)
      continue; // A stale entry: the state was reached again more cheaply.
    if (completionBound && !state.bounded) {
      // Bounded when first taken from the queue rather than when made: most
      // states made are never taken.
      table.getSet(entry.state, current);
      state.bounded = true;
      state.bound = completionBound->compute(current.getWords(), end,
                                             state.live, state.peak);
      if (state.bound > state.peak) {
        state.peak = state.bound;
        if (state.peak < budget)
          queue.push({state.peak, entry.depth, entry.state});
        continue;
      }
    }
    state.expanded = true;
    result.peak = entry.peak;
    if (state.depth == numToSchedule) {
      result.outcome = SegmentResult::Found;
      std::vector<NodeId> heads;
      for (uint32_t id = entry.state; table[id].parent != kNoState;
           id = table[id].parent)
        heads.push_back(table[id].last);
      for (NodeId head : llvm::reverse(heads))
        for (NodeId node = head; node != kNoNode;
             node = rules.units.getNext(node))
          result.order.push_back(node);
      assert(result.order.size() == numToSchedule && "a unit left a segment");
      break;
    }
    if ((limits.maxStates &&
         limits.statesUsed + table.size() >= limits.maxStates) ||
        (limits.timed && (++expansions & 255) == 0 &&
         std::chrono::steady_clock::now() >= limits.deadline)) {
      result.outcome = SegmentResult::Stopped;
      break;
    }

    // Copied: inserting children may move the state `state` refers to.
    table.getSet(entry.state, current);
    NodeWords set = current.getWords();
    uint64_t live = state.live, peak = state.peak;
    uint32_t depth = state.depth;
    children.clear();
    rules.readyNodes.find(set, ready);
    for (NodeId node : ready) {
      StepEffect effect;
      if (rules.units.getNext(node) != kNoNode) {
        // A unit as one step, its effect known in advance.
        effect.footprint = live + rules.units.getFootprintAbove(node);
        effect.liveAfter = live + rules.units.getLiveChange(node);
      } else {
        effect = liveness.step(set, live, node);
      }
      if (rules.pruneDominated && effect.footprint <= peak &&
          effect.liveAfter <= live) {
        children.assign(1, {node, effect});
        break;
      }
      if (effect.footprint < budget)
        children.push_back({node, effect});
    }

    // The children's slots are far apart in a large table: start loading
    // all of them before looking any up.
    childSets.resize(children.size() * set.size());
    childHashes.resize(children.size());
    for (unsigned i = 0, e = children.size(); i < e; ++i) {
      uint64_t *words = childSets.data() + i * set.size();
      std::copy(set.begin(), set.end(), words);
      for (NodeId member = children[i].first; member != kNoNode;
           member = rules.units.getNext(member))
        words[member / 64] |= uint64_t(1) << (member % 64);
      childHashes[i] = StateTable::Key(NodeWords(words, set.size())).hash();
      table.prefetch(childHashes[i]);
    }
    for (unsigned i = 0, e = children.size(); i < e; ++i) {
      auto [node, effect] = children[i];
      StateTable::Key childKey(
          NodeWords(childSets.data() + i * set.size(), set.size()));
      uint64_t childPeak = std::max(peak, effect.footprint);
      uint32_t child = table.lookup(childKey, childHashes[i]);
      if (child == kNoState) {
        child = table.insert(childKey, childHashes[i],
                             {effect.liveAfter, childPeak, entry.state, node,
                              depth + rules.units.getSize(node)});
      } else {
        SearchState &known = table[child];
        assert(known.live == effect.liveAfter &&
               "live bytes must depend on the set only");
        if (known.bounded)
          childPeak = std::max(childPeak, known.bound);
        if (known.expanded || known.peak <= childPeak || childPeak >= budget)
          continue;
        known.peak = childPeak;
        known.parent = entry.state;
        known.last = node;
      }
      queue.push({childPeak, depth + rules.units.getSize(node), child});
    }
  }
  result.states = table.size();
  limits.statesUsed += table.size();
  return result;
}

/// The nodes every path passes through (all others are their ancestors or
/// descendants), ascending. Node ids are topological, so the graph splits at
/// each of them into consecutive id ranges whose orders concatenate.
std::vector<NodeId> findCutNodes(const DataflowGraph &graph,
                                 const Reachability &reach) {
  auto count = [](const NodeSet &set) {
    unsigned bits = 0;
    for (uint64_t word : set.getWords())
      bits += __builtin_popcountll(word);
    return bits;
  };
  std::vector<NodeId> cuts;
  for (NodeId node = 0, e = graph.getNumNodes(); node < e; ++node)
    if (count(reach.ancestors[node]) + count(reach.descendants[node]) + 1 == e)
      cuts.push_back(node);
  return cuts;
}

} // namespace

Schedule serenity::searchOptimalSchedule(const LivenessModel &liveness,
                                         const SchedulerOptions &options,
                                         Schedule incumbent) {
  const DataflowGraph &graph = liveness.getGraph();
  unsigned numNodes = graph.getNumNodes();
  Reachability reach(graph);
  std::vector<uint64_t> forced = computeForcedFootprints(liveness, reach);
  if (options.useLowerBounds)
    incumbent.lowerBound =
        std::max(incumbent.lowerBound, computeLowerBound(liveness, forced));
  if (incumbent.lowerBound >= incumbent.peak) {
    incumbent.status = ScheduleStatus::Optimal;
    return incumbent;
  }
  // Orders at or above the budget are of no interest.
  uint64_t budget = incumbent.peak;
  if (options.peakToBeat && options.peakToBeat < budget)
    budget = options.peakToBeat;
  if (incumbent.lowerBound >= budget) {
    incumbent.status = ScheduleStatus::BestFound;
    return incumbent;
  }

  // Split at the nodes every path passes through; search the segment that
  // may hold the peak first, so that the others start from its peak.
  std::vector<std::pair<NodeId, NodeId>> segments;
  NodeId begin = 0;
  std::vector<NodeId> cuts = findCutNodes(graph, reach);
  for (NodeId cut : cuts) {
    segments.push_back({begin, cut + 1});
    begin = cut + 1;
  }
  if (begin < numNodes)
    segments.push_back({begin, numNodes});
  auto heaviest = [&](std::pair<NodeId, NodeId> segment) {
    return *std::max_element(forced.begin() + segment.first,
                             forced.begin() + segment.second);
  };
  std::vector<unsigned> searchOrder(segments.size());
  for (unsigned i = 0, e = segments.size(); i < e; ++i)
    searchOrder[i] = i;
  std::stable_sort(searchOrder.begin(), searchOrder.end(),
                   [&](unsigned a, unsigned b) {
                     return heaviest(segments[a]) > heaviest(segments[b]);
                   });
  std::vector<uint64_t> liveBefore(numNodes + 1,
                                   liveness.getInitialLiveBytes());
  LivenessTrace programTrace = liveness.simulate(graph.getProgramOrder());
  for (NodeId node = 0; node < numNodes; ++node)
    liveBefore[node + 1] = programTrace.steps[node].liveAfter;

  ReadyNodeFinder readyNodes(graph);
  std::optional<CompletionBound> completionBound;
  if (options.useLowerBounds)
    completionBound.emplace(liveness, reach, forced);
  // Chain units are a dominance rule: off with the others.
  ChainUnits units = options.pruneDominated ? ChainUnits(liveness, reach, cuts)
                                            : ChainUnits(numNodes);
  SearchRules rules{liveness, readyNodes, units,
                    completionBound ? &*completionBound : nullptr,
                    options.pruneDominated};
  SearchLimits limits{std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(options.timeLimitMs),
                      options.timeLimitMs != 0, options.maxStates};
  uint64_t floor = std::max(liveness.getInitialLiveBytes(),
                            options.useLowerBounds ? incumbent.lowerBound : 0);
  std::vector<SegmentResult> results(segments.size());
  bool proven = true;
  for (unsigned index : searchOrder) {
    auto [first, end] = segments[index];
    SegmentResult &result = results[index];
    result = searchSegment(rules, first, end, liveBefore[first], floor, budget,
                           limits);
    if (result.outcome == SegmentResult::NoneBelowBudget) {
      // This segment alone needs the budget: the incumbent is optimal when
      // the budget is its peak.
      incumbent.exploredStates = limits.statesUsed;
      incumbent.lowerBound = budget;
      incumbent.status = budget == incumbent.peak ? ScheduleStatus::Optimal
                                                  : ScheduleStatus::BestFound;
      return incumbent;
    }
    // Both a found peak and a proven bound hold for the whole graph.
    floor = std::max(floor, result.peak);
    proven &= result.outcome == SegmentResult::Found;
  }
  LLVM_DEBUG(llvm::dbgs() << "[serenity-schedule] search: " << segments.size()
                          << " segments, " << limits.statesUsed
                          << " states, budget " << incumbent.peak
                          << (proven ? "" : ", stopped at a limit") << "\n");

  // Segments the search finished take its order, the others keep the
  // incumbent's (any order runs the segments one after another).
  std::vector<NodeId> order;
  order.reserve(numNodes);
  for (unsigned i = 0, e = segments.size(); i < e; ++i) {
    if (results[i].outcome == SegmentResult::Found) {
      order.insert(order.end(), results[i].order.begin(),
                   results[i].order.end());
      continue;
    }
    for (NodeId node : incumbent.order)
      if (node >= segments[i].first && node < segments[i].second)
        order.push_back(node);
  }
  uint64_t peak = liveness.peakOf(order);
  incumbent.exploredStates = limits.statesUsed;
  incumbent.lowerBound = std::max(incumbent.lowerBound, floor);
  if (peak < incumbent.peak) {
    incumbent.order = std::move(order);
    incumbent.peak = peak;
    incumbent.producedBy = Algorithm::Optimal;
  }
  incumbent.lowerBound = std::min(incumbent.lowerBound, incumbent.peak);
  incumbent.status = proven || incumbent.lowerBound >= incumbent.peak
                         ? ScheduleStatus::Optimal
                         : ScheduleStatus::BestFound;
  if (incumbent.status == ScheduleStatus::Optimal)
    incumbent.lowerBound = incumbent.peak;
  return incumbent;
}
