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

#include <cstdint>

namespace serenity {

/// The largest of:
///  - the bytes live before the first node;
///  - per node u: its operands, the results it can never write in place, and
///    every buffer made before u (by an ancestor of u, or an argument) that a
///    node after u (a descendant) still reads or that is returned;
///  - per pair of nodes u, v that may run in either order: the smaller of the
///    two orders' forced bytes, where running u first also keeps alive the
///    buffers made before u that v, or a node after v, reads.
uint64_t computeLowerBound(const LivenessModel &liveness);

} // namespace serenity

#endif // SERENITY_CORE_LOWERBOUND_H
