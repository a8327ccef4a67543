//===- CortexM.h - Compile a planned model for a Cortex-M -------*- C++ -*-===//
//
// The flow behind serenity-compile: --serenity-pipeline with a global arena,
// the upstream lowering to LLVM with 32-bit indices and bare-pointer calls,
// LLVM's -O2 and the ARM back end, in process. The result is an object file,
// a C header for it, and the figures a TinyML engineer checks (RAM: arena,
// stack, inputs and outputs; flash: weights and code; the arena over time).
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_TARGET_CORTEXM_H
#define SERENITY_TARGET_CORTEXM_H

#include "serenity/Analysis/ArenaBuffers.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace serenity {

enum class FloatABI { Hard, SoftFP, Soft };

struct CortexMOptions {
  /// An ARM M-profile CPU that llc knows (cortex-m4, cortex-m7, cortex-m55).
  std::string cpu = "cortex-m4";
  FloatABI floatABI = FloatABI::Hard;
  /// Options of --serenity-pipeline (`arena` is always `global`), e.g.
  /// "rewrite=1 placement=exact".
  std::string pipelineOptions;
  /// Budgets (0: none), checked by checkCortexMBudgets: RAM (ramBytes() of
  /// the compiled model); flash for the weights and the code.
  uint64_t ramBytes = 0;
  uint64_t flashBytes = 0;
  /// What the program around the model reserves in RAM, counted in its
  /// RAM: the stack (the model's estimate must fit in it) and the C
  /// library's heap. The defaults are serenity-run-qemu's runtime's.
  uint64_t stackReserveBytes = 8 * 1024;
  uint64_t heapBytes = 4 * 1024;
};

/// An argument or result of the entry point.
struct EntryBuffer {
  std::string name;
  std::vector<int64_t> shape;
  /// The element type as MLIR spells it ("f32", "i8", ...) and as C does
  /// ("float", "int8_t", ...): getDeviceElementTypes().
  std::string element, cType;
  uint64_t bytes = 0;
  /// Whether the compiled code never writes it (inputs only).
  bool readOnly = false;
  /// How its integers stand for real numbers, real = scale * (q - zero
  /// point), from its `serenity.quantization` attribute: one scale and zero
  /// point, or one per element of dimension `axis`. Empty when not given.
  std::vector<double> scales;
  std::vector<int64_t> zeroPoints;
  std::optional<int32_t> axis;
  /// What its dimensions are ("NCHW"), from its `serenity.layout`
  /// attribute; empty when not given.
  std::string layout;
  /// Its byte offset in the arena, when the arena holds it (the pipeline's
  /// io-in-arena): the caller writes or reads it there.
  std::optional<uint64_t> arenaOffset;
};

/// An element type an entry point may take or return, in MLIR's and C's
/// spelling. A new one is a row of getDeviceElementTypes().
struct DeviceElementType {
  llvm::StringLiteral mlir, c;
};
llvm::ArrayRef<DeviceElementType> getDeviceElementTypes();

/// A buffer of the arena: where it lives and when.
struct CompiledModel {
  std::string entry;
  std::string cpu;
  FloatABI floatABI = FloatABI::Hard;
  std::vector<EntryBuffer> inputs, outputs;
  std::string arenaSymbol;
  uint64_t arenaBytes = 0, arenaLiveBound = 0;
  std::string placement, placementStatus;
  /// Flash: constant data (the weights) and code, from the object's
  /// sections; the stack: the entry's frame plus its deepest kernel's
  /// (LLVM's .stack_sizes).
  uint64_t weightBytes = 0, codeBytes = 0, stackBytes = 0;
  /// The reserves of CortexMOptions this model was compiled with.
  uint64_t stackReserveBytes = 0, heapBytes = 0;
  std::vector<ArenaSlot> slots;
  unsigned numSteps = 0;
  /// The relocatable ELF object.
  std::string object;

  /// The inputs and outputs outside the arena.
  uint64_t ioBytes() const;
  /// The stack counted in RAM: the reserve, or the estimate if larger.
  uint64_t stackRamBytes() const {
    return std::max(stackBytes, stackReserveBytes);
  }
  /// The one RAM accounting (serenity-compile and serenity-run-qemu): the
  /// arena, the inputs and outputs outside it, the stack and the heap.
  uint64_t ramBytes() const { return ramBytesWith(arenaBytes, ioBytes()); }
  /// The same accounting for another arena and inputs and outputs (what an
  /// alternative plan would need with this model's stack and heap).
  uint64_t ramBytesWith(uint64_t arena, uint64_t io) const {
    return arena + io + stackRamBytes() + heapBytes;
  }
  uint64_t flashBytes() const { return weightBytes + codeBytes; }
};

/// Compiles the single public function of `module` (changed in place: it
/// ends as LLVM dialect). Diagnostics go to the module's context.
mlir::FailureOr<CompiledModel> compileForCortexM(mlir::ModuleOp module,
                                                 const CortexMOptions &options);

/// The terms of model.ramBytes(), named: "arena N, inputs and outputs
/// outside it N, stack N, heap N".
std::string describeRam(const CompiledModel &model);

/// The first half of compileForCortexM: the entry's buffers and
/// --serenity-pipeline's arena (`module` ends planned, as memref IR); no
/// code, so no flash or stack figures.
mlir::FailureOr<CompiledModel> planForCortexM(mlir::ModuleOp module,
                                              const CortexMOptions &options);

/// What would bring `model`, compiled from `original` (left unchanged) with
/// `options`, within options.ramBytes, measured: the arena and RAM that
/// each pipeline option not in use (patches, rewrite, io-in-arena) plans,
/// and an int8 estimate where the model is f32. One line each.
std::vector<std::string> suggestRamSavings(mlir::ModuleOp original,
                                           const CompiledModel &model,
                                           const CortexMOptions &options);

/// Each budget of `options` that `model` exceeds, in one line: what it
/// needs, of what, and how far over.
std::vector<std::string> checkCortexMBudgets(const CompiledModel &model,
                                             const CortexMOptions &options);

/// The C header of a compiled model: the entry point, its buffer shapes,
/// the arena symbol and sizes.
std::string renderCortexMHeader(const CompiledModel &model);

/// The memory summary: RAM, flash, the tensors live at the peak and the
/// arena over time as a text map `width` columns wide.
std::string renderCortexMSummary(const CompiledModel &model,
                                 unsigned width = 64);

/// The figures of a compiled model as JSON (entry, buffers, arena, flash,
/// stack), for drivers and benchmarks.
std::string renderCortexMReport(const CompiledModel &model);

/// "256K", "1M", "4096" as bytes.
std::optional<uint64_t> parseByteSize(llvm::StringRef text);

} // namespace serenity

#endif // SERENITY_TARGET_CORTEXM_H
