//===- LowerBound.h - Peaks no schedule can avoid ---------------*- C++ -*-===//
//
// A lower bound on the peak of every schedule, computed from the graph alone.
// It lets the search stop as soon as an order meets it, and start its peak
// there (partial schedules below it are all equally good).
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_LOWERBOUND_H
#define SERENITY_CORE_LOWERBOUND_H

#include "serenity/Core/MemoryModel.h"
#include "serenity/Core/Reachability.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <vector>

namespace serenity {

/// Per node, the bytes live while it runs in every schedule: its operands,
/// the results it can never write in place, and every buffer made before it
/// (by an ancestor, or as an argument) that a descendant still reads or that
/// is returned.
std::vector<uint64_t> computeForcedFootprints(const LivenessModel &liveness,
                                              const Reachability &reach);

/// The largest forced footprint, or the bytes live before the first node if
/// larger; for a graph without nodes, its arguments' bytes.
uint64_t computeLowerBound(const LivenessModel &liveness);
uint64_t computeLowerBound(const LivenessModel &liveness,
                           llvm::ArrayRef<uint64_t> forcedFootprints);

/// A lower bound on the peak of every order that runs a given set of nodes
/// first (the A* heuristic of the optimal search). A buffer that the set made
/// and a node outside it does not read stays live while that node runs when
/// one of its readers is a descendant of the node (or it is returned): the
/// node runs before that reader in every order. Added to the node's forced
/// footprint, which already counts the buffers its ancestors made, this
/// bounds the node's footprint in every completion of the set.
class CompletionBound {
public:
  CompletionBound(const LivenessModel &liveness, const Reachability &reach,
                  llvm::ArrayRef<uint64_t> forcedFootprints);

  /// The largest such footprint over the nodes below `end` that `scheduled`
  /// (a downset, after which `liveBytes` are live) does not hold, when it
  /// exceeds `threshold`; otherwise at most `threshold` (0 when no held
  /// buffer adds to a footprint, or when it cannot exceed the threshold).
  uint64_t compute(NodeWords scheduled, NodeId end,
                   uint64_t liveBytes = ~uint64_t(0),
                   uint64_t threshold = 0) const;

private:
  /// A buffer, and the nodes outside its producer's descendants (whose
  /// forced footprints do not count it) that run before one of its readers
  /// in every order.
  struct HeldBuffer {
    NodeId producer;
    /// The last node that may hold it; every node of `heldAcross` is below.
    NodeId lastHolder;
    uint64_t bytes;
    /// The non-zero words of that node set, by index, ascending.
    llvm::SmallVector<std::pair<unsigned, uint64_t>, 4> heldAcross;
  };
  std::vector<uint64_t> forced;
  /// Per node id x: the largest forced footprint at x or after.
  std::vector<uint64_t> forcedFrom;
  std::vector<HeldBuffer> held;
  /// Per node id x: the held buffers made before x that a node at or after x
  /// may hold; per node: the held buffers it makes.
  std::vector<llvm::SmallVector<unsigned, 4>> crossing, madeBy;
  /// The nodes that make held buffers.
  NodeSet makesHeld;
  mutable std::vector<uint64_t> extra;
  mutable std::vector<NodeId> touched;
};

} // namespace serenity

#endif // SERENITY_CORE_LOWERBOUND_H
