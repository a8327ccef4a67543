//===- ModelGraphs.h - The graphs of model files, for drivers ---*- C++ -*-===//
//
// What every benchmark driver does first: parse each .mlir file once and
// build the dataflow graph of each function with a body. One home, so that
// serenity-harness and serenity-scheduler-benchmark measure the same graphs.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_BENCHMARKS_MODELGRAPHS_H
#define SERENITY_BENCHMARKS_MODELGRAPHS_H

#include "serenity/Analysis/FunctionGraph.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <vector>

namespace serenity {

struct ModelGraph {
  /// The file's name without folder and extension.
  std::string model;
  std::string function;
  /// The function op itself.
  mlir::Operation *op;
  std::unique_ptr<FunctionGraph> graph;
};

/// The parsed files (which own the IR the graphs point into) and the graph
/// of every function with a body, in file order.
struct ModelGraphs {
  std::vector<mlir::OwningOpRef<mlir::ModuleOp>> modules;
  std::vector<ModelGraph> graphs;
};

/// Loads `files` into `context`; on a file that does not parse or a function
/// that cannot be scheduled, prints one line naming it (after the MLIR
/// diagnostic) with `tool` and fails.
mlir::FailureOr<ModelGraphs> loadModelGraphs(mlir::MLIRContext &context,
                                             llvm::ArrayRef<std::string> files,
                                             llvm::StringRef tool);

} // namespace serenity

#endif // SERENITY_BENCHMARKS_MODELGRAPHS_H
