//===- Reachability.h - Ancestors and descendants of every node -*- C++ -*-===//

#ifndef SERENITY_CORE_REACHABILITY_H
#define SERENITY_CORE_REACHABILITY_H

#include "serenity/Core/DataflowGraph.h"
#include "serenity/Core/NodeSet.h"

#include <vector>

namespace serenity {

/// For every node, the nodes that must run before it and after it in every
/// schedule (not including itself).
struct Reachability {
  explicit Reachability(const DataflowGraph &graph);

  std::vector<NodeSet> ancestors;
  std::vector<NodeSet> descendants;
};

} // namespace serenity

#endif // SERENITY_CORE_REACHABILITY_H
