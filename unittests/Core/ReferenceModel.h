//===- ReferenceModel.h - The memory model, literally -----------*- C++ -*-===//
//
// A second, deliberately naive implementation of docs/memory-model.md that
// tracks buffers and remaining uses value by value while walking one order.
// The tests check the core's LivenessModel and schedulers against it.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_UNITTESTS_CORE_REFERENCEMODEL_H
#define SERENITY_UNITTESTS_CORE_REFERENCEMODEL_H

#include "serenity/Core/DataflowGraph.h"
#include "serenity/Core/MemoryModel.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace serenity::reference {

/// Footprint of every step of `order`, computed from scratch.
std::vector<uint64_t> referenceFootprints(const DataflowGraph &graph,
                                          MemoryModel model,
                                          const std::vector<NodeId> &order);
uint64_t referencePeak(const DataflowGraph &graph, MemoryModel model,
                       const std::vector<NodeId> &order);

/// The lowest reference peak over every valid schedule (exhaustive).
uint64_t bruteForcePeak(const DataflowGraph &graph, MemoryModel model);

/// The lowest reference peak over every valid schedule, by a dynamic program
/// over the sets of nodes run (the reference's state after a set does not
/// depend on the order within it: docs/memory-model.md); for graphs too wide
/// to enumerate. Nothing when some layer holds more than `maxSets` sets.
std::optional<uint64_t> setDynamicProgramPeak(const DataflowGraph &graph,
                                              MemoryModel model,
                                              size_t maxSets);

/// The graph as text, for failure messages.
std::string describeGraph(const DataflowGraph &graph);

/// Calls `fn` with every valid schedule of `graph`.
void forEachSchedule(const DataflowGraph &graph,
                     const std::function<void(std::vector<NodeId> &)> &fn);

/// Number of valid schedules, to keep brute force affordable.
uint64_t countSchedules(const DataflowGraph &graph);

} // namespace serenity::reference

#endif // SERENITY_UNITTESTS_CORE_REFERENCEMODEL_H
