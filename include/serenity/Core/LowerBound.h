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

} // namespace serenity

#endif // SERENITY_CORE_LOWERBOUND_H
