//===- FunctionGraph.h - Dataflow graph of a function body ------*- C++ -*-===//
//
// The MLIR side of the memory model: turns a function's single block into the
// dialect-free DataflowGraph (sizes from tensor types, weights, views,
// element-wise and destination-passing ops) and applies a schedule back.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_FUNCTIONGRAPH_H
#define SERENITY_ANALYSIS_FUNCTIONGRAPH_H

#include "serenity/Analysis/FusedRequantization.h"
#include "serenity/Core/DataflowGraph.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <vector>

namespace serenity {

/// Bytes of a value of `type` under the memory model: elements times bytes
/// per element for a statically shaped ranked tensor, 0 for a non-tensor.
/// None when the type cannot be sized (dynamic shape, unranked, unknown
/// element type).
std::optional<uint64_t> getActivationBytes(mlir::Type type);

/// TOSA's element-wise ops, ops with the `Elementwise` trait, rescale, cast.
bool isElementwiseOp(mlir::Operation *op);

/// Ops whose result is their operand in another shape or type (reshapes,
/// casts): an alias where the memory model honours views.
bool isViewOp(mlir::Operation *op);

/// Bytes of a lowering temporary of `type` as the arena holds it (rounded
/// up to the `bufferized` alignment).
uint64_t getTemporaryBytes(mlir::Type type);
/// Bytes of a pooling op's window, a buffer of its own with `elementType`
/// elements (the input's for a max pool, the accumulator's for an average
/// pool: i32 for int8).
uint64_t getWindowBytes(llvm::ArrayRef<int64_t> kernel, mlir::Type elementType);

class FunctionGraph {
public:
  /// Builds the graph of `function`'s body, for the lowering with
  /// --serenity-fuse-requantize unless `fuseRequantization` is false. Emits
  /// an error at the function or the offending op and fails when the body
  /// cannot be scheduled.
  static mlir::FailureOr<FunctionGraph>
  build(mlir::FunctionOpInterface function, bool fuseRequantization = true);

  const DataflowGraph &getGraph() const { return graph; }
  mlir::Operation *getOperation(NodeId node) const { return operations[node]; }
  /// The ops that make weights (constants), which are not graph nodes.
  llvm::ArrayRef<mlir::Operation *> getWeightOps() const { return weightOps; }
  /// The nodes' ops whose memory effects are not declared (unregistered ops,
  /// ops without the memory-effect interface): they keep their order
  /// relative to each other and to every op that reads or writes memory.
  llvm::ArrayRef<mlir::Operation *> getOpsWithUnknownEffects() const {
    return unknownEffectOps;
  }

  /// Moves the body's ops into `order` (a valid schedule of the graph): weight
  /// ops first in their current order, then `order`, each node's op preceded
  /// by the ops glued to it, the terminator last.
  void applySchedule(llvm::ArrayRef<NodeId> order) const;

  /// The ops that are not nodes but run right before `op`, in order: ops
  /// without activation inputs (tensor.empty, linalg.fill, broadcasts of
  /// weights) whose results only `op` reads. Running them anywhere else never
  /// lowers the peak (docs/memory-model.md), so the search does not branch
  /// on them, and bufferization allocates their buffers where `op` needs
  /// them.
  llvm::ArrayRef<mlir::Operation *> getGluedOps(mlir::Operation *op) const {
    auto it = gluedOps.find(op);
    return it == gluedOps.end() ? llvm::ArrayRef<mlir::Operation *>()
                                : llvm::ArrayRef<mlir::Operation *>(it->second);
  }

  /// The ops that run inside `op` after --serenity-fuse-requantize (int8
  /// requantization with its producer; FusedRequantization.h), in order:
  /// not nodes, they run right before `op`.
  llvm::ArrayRef<mlir::Operation *> getFusedOps(mlir::Operation *op) const {
    auto it = fused.members.find(op);
    return it == fused.members.end()
               ? llvm::ArrayRef<mlir::Operation *>()
               : llvm::ArrayRef<mlir::Operation *>(it->second);
  }

private:
  explicit FunctionGraph(mlir::Block &body) : body(&body) {}
  void findPadsReadInPlace();
  void findGluedOps();
  /// Finds the ops that write a part of a buffer in place
  /// (getSliceWritersInPlace in the .cpp).
  void findSliceWritesInPlace();
  mlir::LogicalResult addOperation(mlir::Operation *op);
  ValueId lookup(mlir::Value value) const { return valueIds.lookup(value); }
  /// Values `op` reads, its regions' captures included (remembered: the
  /// build asks for them several times).
  llvm::ArrayRef<mlir::Value> getReadValues(mlir::Operation *op);
  /// Whether `value` is a value of the graph: not made by a glued op.
  bool isNodeValue(mlir::Value value) const { return valueIds.count(value); }

  mlir::Block *body;
  DataflowGraph graph;
  std::vector<mlir::Operation *> operations;
  std::vector<mlir::Operation *> weightOps;
  std::vector<mlir::Operation *> unknownEffectOps;
  llvm::DenseMap<mlir::Value, ValueId> valueIds;
  /// Per node op, the ops glued to it (see getGluedOps); and the node op
  /// each glued op runs before.
  llvm::DenseMap<mlir::Operation *, llvm::SmallVector<mlir::Operation *, 2>>
      gluedOps;
  llvm::DenseMap<mlir::Operation *, mlir::Operation *> gluedTo;
  /// Per node op, the tensor.pad glued to it, which reads an activation: the
  /// node reads the pad's input, and its lowering holds the padded copy.
  llvm::DenseMap<mlir::Operation *, mlir::tensor::PadOp> contractedPads;
  /// tensor.pad ops that only window ops split by
  /// --serenity-pad-free-windows read: no buffer of their own, their
  /// readers read the pad's input (StorageKind::Subview).
  llvm::DenseSet<mlir::Operation *> padsReadInPlace;
  /// Ops that write a part of a buffer in place, and the insert_slice that
  /// puts it back: their results alias their destination under
  /// `bufferized` (StorageKind::SliceInPlace).
  llvm::DenseSet<mlir::Operation *> writesInPlace;
  /// tensor.empty ops whose buffer such ops write: a buffer from the
  /// empty on, not a placeholder.
  llvm::DenseSet<mlir::Operation *> heldEmpties;
  llvm::DenseMap<mlir::Operation *, llvm::SmallVector<mlir::Value, 4>>
      readValues;
  /// hasOrderedEffects of the body's ops, asked for more than once (of a
  /// tile loop, a walk of its ops).
  llvm::DenseMap<mlir::Operation *, bool> orderedEffects;
  bool hasOrderedEffects(mlir::Operation *op);
  FusedRequantization fused;
  /// The last node with read or write effects, to keep their order.
  std::optional<NodeId> lastEffectfulNode;
};

} // namespace serenity

#endif // SERENITY_ANALYSIS_FUNCTIONGRAPH_H
