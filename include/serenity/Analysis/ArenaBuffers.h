//===- ArenaBuffers.h - Buffers of a bufferized body and their lifetimes -===//
//
// The MLIR side of arena placement: which `memref.alloc`s of a bufferized
// function body one static arena can hold, and when each is live. Used by
// --serenity-plan-memory and by the benchmark harness, so both plan the same
// buffers.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_ARENABUFFERS_H
#define SERENITY_ANALYSIS_ARENABUFFERS_H

#include "serenity/Core/Placement.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace serenity {

/// An allocation of a function body that goes into the arena.
struct ArenaBuffer {
  mlir::memref::AllocOp alloc;
  /// Live from the first to the last top-level op that uses the buffer or a
  /// view of it (the alloc's own position does not start it).
  BufferLifetime lifetime;
  /// The position of the alloc among the body's top-level ops.
  unsigned allocStep = 0;
  mlir::SmallVector<mlir::memref::DeallocOp, 1> deallocs;
};

/// The first and last top-level ops of `body` (numbered by `position`) that
/// use `buffer` or a view of it, deallocs aside; none when nothing does.
std::optional<std::pair<unsigned, unsigned>>
findUseSteps(mlir::Value buffer, mlir::Block &body,
             const llvm::DenseMap<mlir::Operation *, unsigned> &position);

/// Whether some op may read or write `buffer` or a view of it (an op
/// whose memory effects are unknown may do both).
struct BufferAccess {
  bool read = false, written = false;
};
BufferAccess getBufferAccess(mlir::Value buffer);

/// The steps during which a caller's data must stay in `buffer` (a function
/// argument, or the arena view that replaced it; io-in-arena): from the
/// first step when some op may read it, to the last (the return) when some
/// op may write it, otherwise from its first to its last use. Unused: the
/// first step only.
std::pair<unsigned, unsigned>
getInterfaceSteps(mlir::Value buffer, mlir::Block &body,
                  const llvm::DenseMap<mlir::Operation *, unsigned> &position);

/// A buffer of a planned arena: a statically shaped `memref.view` at a
/// constant byte offset of a `memref.get_global` (what
/// --serenity-plan-memory{arena=global} turns each allocation into).
struct ArenaView {
  mlir::StringRef global;
  uint64_t offset = 0, bytes = 0;
  uint64_t end() const { return offset + bytes; }
};

/// The arena buffer `value` is, if it is one.
std::optional<ArenaView> getArenaView(mlir::Value value);

/// The memref.global --serenity-plan-memory{arena=global} makes for
/// `function`'s arena.
std::string getArenaGlobalName(llvm::StringRef function);

/// A buffer of a planned arena as the planned function holds it.
struct ArenaSlot {
  uint64_t offset = 0;
  uint64_t bytes = 0;
  /// The first and last step (top-level op of the planned body) using it.
  unsigned first = 0, last = 0;
  std::string shape;    // e.g. "1x8x8x16xf32"
  std::string location; // the op that made it
  /// The function argument it holds (io-in-arena), or none.
  std::optional<unsigned> argument;
};

/// The buffers of the arena `arenaSymbol` that `func` (planned by
/// --serenity-plan-memory{arena=global}) views, with their offsets and the
/// steps that use them; `numSteps` is set to the body's top-level ops.
std::vector<ArenaSlot> collectArenaSlots(mlir::func::FuncOp func,
                                         llvm::StringRef arenaSymbol,
                                         unsigned &numSteps);

/// "1x8x8x16xf32" for a shaped type.
std::string shapeText(mlir::ShapedType type);

/// Bytes of a statically shaped buffer (or tensor) of `type` under `layout`.
uint64_t getBufferBytes(mlir::ShapedType type, const mlir::DataLayout &layout);

/// The buffers of `func` (external or with a single-block body) that an arena
/// can hold. Emits a warning at each allocation it leaves out, with the
/// reason: dynamic shape, non-identity layout, allocated in a region, freed
/// in a region, returned, or aliased by an op it cannot follow.
std::vector<ArenaBuffer> collectArenaBuffers(mlir::func::FuncOp func);

/// The lifetimes of `buffers`, in order: what the placement algorithms take.
std::vector<BufferLifetime> getLifetimes(llvm::ArrayRef<ArenaBuffer> buffers);

/// The most bytes `buffers` hold at once when each is allocated where its
/// alloc stands and freed right after its last use, each rounded up to
/// `alignment`: the heap peak of the bufferized body with ideal frees, which
/// the `bufferized` memory model predicts (docs/memory-model.md).
uint64_t computeLastUsePeak(llvm::ArrayRef<ArenaBuffer> buffers,
                            uint64_t alignment);

} // namespace serenity

#endif // SERENITY_ANALYSIS_ARENABUFFERS_H
