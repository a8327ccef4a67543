//===- LivenessReport.h - Activation liveness of a function -----*- C++ -*-===//
//
// The per-op liveness of a function in its current order, as printed by
// --serenity-liveness (text and JSON) and returned by the Python bindings.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_LIVENESSREPORT_H
#define SERENITY_ANALYSIS_LIVENESSREPORT_H

#include "serenity/Core/MemoryModel.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace serenity {

/// A location as reports show it: `file:line:col`, else MLIR's form
/// (`loc("name")`).
std::string describeLocation(mlir::Location loc);

struct OpLiveness {
  /// The op as a reader finds it in the printed IR: `%3 = tosa.add`.
  std::string op;
  std::string location;
  StepEffect effect;
};

struct FunctionLiveness {
  std::string function;
  MemoryModel model = MemoryModel::Strict;
  unsigned numWeights = 0;
  /// The non-weight ops in their current order.
  std::vector<OpLiveness> steps;
  uint64_t peak = 0;
  std::optional<unsigned> peakStep;

  /// Computes the liveness of `function` as written. Emits an error and fails
  /// when the body cannot be sized.
  static mlir::FailureOr<FunctionLiveness>
  compute(mlir::FunctionOpInterface function, MemoryModel model);

  /// The liveness of every function with a body under `root`, in walk order.
  /// Fails (after a diagnostic for each function that cannot be sized) if
  /// any cannot.
  static mlir::FailureOr<std::vector<FunctionLiveness>>
  computeAll(mlir::Operation *root, MemoryModel model);

  void printText(llvm::raw_ostream &os) const;
  llvm::json::Value toJSON() const;
};

} // namespace serenity

#endif // SERENITY_ANALYSIS_LIVENESSREPORT_H
