//===- ModelGraphs.cpp - The graphs of model files, for the drivers -------===//

#include "ModelGraphs.h"

#include "mlir/Parser/Parser.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace serenity;

mlir::FailureOr<ModelGraphs>
serenity::loadModelGraphs(mlir::MLIRContext &context,
                          llvm::ArrayRef<std::string> files,
                          llvm::StringRef tool) {
  ModelGraphs result;
  for (const std::string &file : files) {
    result.modules.push_back(
        mlir::parseSourceFile<mlir::ModuleOp>(file, &context));
    if (!result.modules.back()) {
      llvm::errs() << tool << ": cannot parse " << file << "\n";
      return mlir::failure();
    }
    std::string model = llvm::sys::path::stem(file).str();
    bool failed = false;
    result.modules.back()->walk([&](mlir::FunctionOpInterface function) {
      if (function.isExternal() || failed)
        return;
      mlir::FailureOr<FunctionGraph> graph = FunctionGraph::build(function);
      if (mlir::failed(graph)) {
        llvm::errs() << tool << ": cannot schedule @" << function.getName()
                     << " of " << file << "\n";
        failed = true;
        return;
      }
      result.graphs.push_back(
          {model, function.getName().str(), function.getOperation(),
           std::make_unique<FunctionGraph>(std::move(*graph))});
    });
    if (failed)
      return mlir::failure();
  }
  return result;
}
