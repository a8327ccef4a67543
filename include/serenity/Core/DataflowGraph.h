//===- DataflowGraph.h - Dialect-free dataflow graph ------------*- C++ -*-===//
//
// The graph that every Serenity algorithm works on: nodes (operations) that
// consume and produce values (tensors) of a known byte size. It knows nothing
// about MLIR, so schedulers and the memory model are tested on plain graphs.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_DATAFLOWGRAPH_H
#define SERENITY_CORE_DATAFLOWGRAPH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace serenity {

using NodeId = unsigned;
using ValueId = unsigned;

/// How a node may store one of its results without a buffer of its own. The
/// memory model decides which of these it honours (see MemoryModel.h).
enum class StorageKind {
  /// Always a new buffer of the value's size.
  Fresh,
  /// An alias of its single storage operand (reshape, collapse_shape, ...).
  View,
  /// May write into one of its storage operands, of equal byte size, when the
  /// node is that operand buffer's last use (tosa.add, tosa.clamp, ...).
  Elementwise,
  /// Destination-passing style: writes into its init operand when the node is
  /// that buffer's last use, as one-shot bufferization does.
  Destination,
  /// A part of its single storage operand that bufferization reads in place
  /// (tosa.slice becomes a memref.subview): an alias under `bufferized` only.
  Subview,
  /// Destination-passing into a part of a buffer that goes back where it
  /// came from (`extract_slice` of X, ops writing into it, `insert_slice`
  /// into X at the same place; the insert itself too), which one-shot
  /// bufferization writes in place: an alias of its storage operand under
  /// `bufferized`, Destination under the other models.
  SliceInPlace,
  /// Written channel by channel over its single storage operand, each
  /// channel where the channel it read was (an in-place depthwise
  /// convolution): an alias of that operand under `bufferized`, whose buffer
  /// keeps the operand's size. The builder of the graph gives it only where
  /// the lowering writes so: the node reads the operand alone, which is no
  /// argument, no view and not returned, nor is the result, and the result
  /// is no larger.
  ChannelsInPlace,
};

/// One op of a node's bufferized lowering, in order (used by the `bufferized`
/// memory model; see docs/memory-model.md). A padded convolution, for
/// instance, first copies its input into a padded temporary, then computes
/// from the temporary into its result: two steps.
struct LoweringStep {
  /// Bytes of the lowering's temporaries live at this op. `bufferized` rounds
  /// the sum up to its alignment; a step holding several buffers gives each
  /// already rounded, as the arena holds them.
  uint64_t temporaryBytes = 0;
  /// The operand buffers that die at this node are still read here.
  bool operandsLive = true;
  /// The node's new result buffers are written here (or were before).
  bool resultsLive = true;
  /// With operandsLive: operands that no op from this one on reads (a fused
  /// op's input that an earlier op of the node copied into a padded
  /// temporary); their buffers, if they die at this node, are free here.
  llvm::SmallVector<ValueId, 2> operandsDone;
};

struct GraphValue {
  std::string name;
  uint64_t bytes = 0;
  /// The producing node; none for a function argument or a constant.
  std::optional<NodeId> producer;
  /// A weight: made before the function runs, never counted (size 0).
  bool constant = false;
  bool returned = false;
  StorageKind storage = StorageKind::Fresh;
  /// Operands of the producer whose buffer this value may use (see storage).
  llvm::SmallVector<ValueId, 2> storageOperands;
  /// Nodes that read this value, ascending, each once.
  llvm::SmallVector<NodeId, 2> users;

  bool isArgument() const { return !producer.has_value() && !constant; }
};

struct GraphNode {
  std::string name;
  /// Values read, each once, in first-use order.
  llvm::SmallVector<ValueId, 4> operands;
  llvm::SmallVector<ValueId, 1> results;
  /// Nodes that must run before this one: producers of operands plus extra
  /// ordering edges (side effects). Ascending, each once.
  llvm::SmallVector<NodeId, 4> predecessors;
  llvm::SmallVector<NodeId, 4> successors;
  /// The node's bufferized lowering; empty for one op that reads the operands
  /// and writes the results, with no temporaries.
  llvm::SmallVector<LoweringStep, 1> lowering;
  /// Whether the lowering's ops are ops of the input itself (an op glued to
  /// this node that reads an activation, docs/memory-model.md): then every
  /// memory model counts them, not only `bufferized`.
  bool loweringInEveryModel = false;
};

/// Nodes are added in program order; every operand must exist when its user is
/// added, so node ids always form a valid topological order.
class DataflowGraph {
public:
  ValueId addArgument(uint64_t bytes, llvm::StringRef name = "");
  /// A weight (tosa.const, arith.constant, ...): a value of size 0 that exists
  /// before the first node, so the ops that make it are not scheduled.
  ValueId addConstant(llvm::StringRef name = "");
  NodeId addNode(llvm::StringRef name, llvm::ArrayRef<ValueId> operands);
  ValueId addResult(NodeId node, uint64_t bytes,
                    StorageKind storage = StorageKind::Fresh,
                    llvm::ArrayRef<ValueId> storageOperands = {},
                    llvm::StringRef name = "");
  /// Requires `before` to execute before `after` (before < after).
  void addOrderingEdge(NodeId before, NodeId after);
  void markReturned(ValueId value);
  void setLowering(NodeId node, llvm::ArrayRef<LoweringStep> steps,
                   bool inEveryModel = false);

  unsigned getNumNodes() const { return nodes.size(); }
  unsigned getNumValues() const { return values.size(); }
  const GraphNode &getNode(NodeId id) const { return nodes[id]; }
  const GraphValue &getValue(ValueId id) const { return values[id]; }
  llvm::ArrayRef<ValueId> getArguments() const { return arguments; }

  /// Every node, in program order.
  std::vector<NodeId> getProgramOrder() const;

  /// True if `order` holds every node exactly once and respects every
  /// dependency.
  bool isValidSchedule(llvm::ArrayRef<NodeId> order) const;

private:
  void addPredecessor(NodeId node, NodeId pred);

  std::vector<GraphNode> nodes;
  std::vector<GraphValue> values;
  llvm::SmallVector<ValueId, 4> arguments;
};

} // namespace serenity

#endif // SERENITY_CORE_DATAFLOWGRAPH_H
