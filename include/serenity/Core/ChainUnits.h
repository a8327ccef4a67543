//===- ChainUnits.h - Nodes some optimal order runs together ----*- C++ -*-===//
//
// A dominance rule of the optimal search: chains of nodes that some optimal
// order runs back to back, so that the search takes each as one step.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_CHAINUNITS_H
#define SERENITY_CORE_CHAINUNITS_H

#include "serenity/Core/MemoryModel.h"
#include "serenity/Core/Reachability.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <vector>

namespace serenity {

constexpr NodeId kNoNode = ~NodeId(0);

/// Units: runs of nodes that some optimal order executes back to back
/// (docs/passes.md, "Chains"). A unit u1..uk grows by the node w when
///  - every buffer with bytes that the unit reads from outside is read by the
///    unit alone and not returned;
///  - w's predecessors are all in the unit, and every buffer with bytes that
///    w reads was made in the unit;
///  - every other node that follows a unit node is a descendant of w;
///  - the unit does not lower the live bytes, and w does not raise them;
///  - the unit does not end at one of `cuts` (units stay within a segment).
/// Then an order with the unit before w and other nodes X between them is
/// no better than moving w up to the unit (when X adds bytes) or the unit
/// down to w (when X frees bytes): X holds the unit's inputs or w's results
/// instead of the unit's results, never more bytes.
class ChainUnits {
public:
  /// Every node its own unit.
  explicit ChainUnits(unsigned numNodes)
      : next(numNodes, kNoNode), size(numNodes, 1), footprintAbove(numNodes),
        liveChange(numNodes) {}
  ChainUnits(const LivenessModel &liveness, const Reachability &reach,
             llvm::ArrayRef<NodeId> cuts);

  /// The node run right after `node` in its unit, or kNoNode.
  NodeId getNext(NodeId node) const { return next[node]; }
  /// The number of nodes of the unit `head` starts (1 for a node inside a
  /// unit).
  unsigned getSize(NodeId head) const { return size[head]; }
  /// The effect of running the unit `head` starts (two or more nodes): its
  /// highest footprint and the live bytes after it, relative to the bytes
  /// live before it. Under the conditions above they do not depend on what
  /// else ran, so the search never steps through a unit.
  int64_t getFootprintAbove(NodeId head) const { return footprintAbove[head]; }
  int64_t getLiveChange(NodeId head) const { return liveChange[head]; }

private:
  std::vector<NodeId> next;
  std::vector<unsigned> size;
  std::vector<int64_t> footprintAbove, liveChange;
};

} // namespace serenity

#endif // SERENITY_CORE_CHAINUNITS_H
