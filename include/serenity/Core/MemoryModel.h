//===- MemoryModel.h - Activation memory of a schedule ----------*- C++ -*-===//
//
// The memory model of docs/memory-model.md, in one place: which bytes are live
// while each node runs, for the `strict`, `inplace` and `bufferized` models.
// The liveness report, every scheduler and the benchmarks use this class.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_MEMORYMODEL_H
#define SERENITY_CORE_MEMORYMODEL_H

#include "serenity/Core/DataflowGraph.h"
#include "serenity/Core/EnumNames.h"
#include "serenity/Core/NodeSet.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace serenity {

enum class MemoryModel {
  /// Every value is its own buffer; only destination-passing ops write into
  /// their dying init (as TFLite and one-shot bufferization do).
  Strict,
  /// Views alias their operand; element-wise ops write into a dying operand.
  Inplace,
  /// What --serenity-pipeline allocates in its arena: views and slices alias,
  /// every other result is a new buffer, each node's lowering temporaries
  /// count, arguments and returned values are the caller's (0 bytes), and
  /// every buffer is rounded up to the arena's default alignment.
  Bufferized,
};

/// The alignment the `bufferized` model rounds every buffer up to: the
/// default of --serenity-plan-memory.
constexpr uint64_t kBufferizedAlignment = 16;

template <> llvm::ArrayRef<EnumName<MemoryModel>> getEnumNames<MemoryModel>();
inline llvm::StringRef stringifyMemoryModel(MemoryModel model) {
  return stringifyEnum(model);
}
inline std::optional<MemoryModel> parseMemoryModel(llvm::StringRef name) {
  return parseEnum<MemoryModel>(name);
}

/// What executing one node does to the live bytes.
struct StepEffect {
  /// Bytes live while the node runs: live before plus its new buffers.
  uint64_t footprint = 0;
  /// Bytes of new buffers the node allocates.
  uint64_t allocated = 0;
  /// Bytes released right after the node.
  uint64_t freed = 0;
  /// Bytes live after the node: live before + allocated - freed.
  uint64_t liveAfter = 0;
};

/// Live bytes along a whole schedule.
struct LivenessTrace {
  std::vector<StepEffect> steps;
  uint64_t peak = 0;
  /// Index into the schedule of the first step that reaches the peak; none
  /// when the schedule is empty.
  std::optional<unsigned> peakStep;
};

/// Evaluates schedules of one graph under one memory model. Live bytes after a
/// set of executed nodes depend on the set only, not on the order it ran in,
/// which is what makes the set a sound DP state.
class LivenessModel {
public:
  LivenessModel(const DataflowGraph &graph, MemoryModel model);

  const DataflowGraph &getGraph() const { return graph; }
  MemoryModel getModel() const { return model; }

  /// Bytes live before the first node: the arguments that are used or
  /// returned. (Constants exist too, at size 0.)
  uint64_t getInitialLiveBytes() const { return initialLiveBytes; }

  /// The effect of running `node` after exactly the nodes of `scheduled`, with
  /// `liveBefore` bytes live.
  StepEffect step(NodeWords scheduled, uint64_t liveBefore, NodeId node) const;

  /// Live bytes at every step of `order`, a valid schedule of the graph.
  LivenessTrace simulate(llvm::ArrayRef<NodeId> order) const;
  uint64_t peakOf(llvm::ArrayRef<NodeId> order) const {
    return simulate(order).peak;
  }

  /// A buffer: a value and, under `inplace`, every view of it.
  struct Buffer {
    ValueId root;
    uint64_t bytes;
    bool returned = false;
    bool rootIsArgument = false;
    /// Nodes that read any member, ascending, each once.
    llvm::SmallVector<NodeId, 4> users;
  };
  llvm::ArrayRef<Buffer> getBuffers() const { return classes; }
  /// The buffer a value lives in (an index into getBuffers()).
  unsigned getBufferOf(ValueId value) const { return valueClass[value]; }
  /// The buffers a node reads, each once.
  llvm::ArrayRef<unsigned> getOperandBuffers(NodeId node) const {
    return operandClasses[node];
  }
  /// Bytes the node itself holds while it runs, under every schedule: its
  /// operand buffers, the new buffers it can never write into an operand, and
  /// (under `bufferized`) its lowering's temporaries, at the op of the
  /// lowering where these are most.
  uint64_t getOwnFootprint(NodeId node) const;

private:
  unsigned classOf(ValueId value) const { return valueClass[value]; }
  uint64_t getUnsharedResultBytes(NodeId node) const;
  /// The node's lowering as this model counts it, or its one-op default.
  llvm::ArrayRef<LoweringStep> getLowering(NodeId node) const;
  /// A lowering op's temporaries, rounded up under `bufferized`.
  uint64_t getTemporaryBytes(const LoweringStep &op) const;
  /// Bytes of the buffers `op`'s operandsDone lie in, each once, of those
  /// that `counts` (a buffer's index) accepts.
  uint64_t getDoneBytes(const LoweringStep &op,
                        llvm::function_ref<bool(unsigned)> counts) const;
  bool isHonoured(StorageKind storage) const;
  /// Whether `result` may take over a dying operand's buffer (element-wise
  /// and destination-passing results, where the model honours them).
  bool mayWriteIntoOperand(const GraphValue &result) const;

  const DataflowGraph &graph;
  MemoryModel model;
  std::vector<unsigned> valueClass;
  std::vector<Buffer> classes;
  /// Per node: classes of its operands, each once.
  std::vector<llvm::SmallVector<unsigned, 4>> operandClasses;
  uint64_t initialLiveBytes = 0;
  uint64_t argumentBytes = 0;
};

} // namespace serenity

#endif // SERENITY_CORE_MEMORYMODEL_H
