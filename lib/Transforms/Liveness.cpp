//===- Liveness.cpp - The --serenity-liveness pass ------------------------===//

#include "serenity/Analysis/LivenessReport.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

namespace serenity {
#define GEN_PASS_DEF_SERENITYLIVENESS
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

struct LivenessPass
    : public serenity::impl::SerenityLivenessBase<LivenessPass> {
  /// Options checked with their choices and names first
  /// (initializeOptionsExplained).
  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    return initializeOptionsExplained(*this, sizeof(*this), options,
                                      errorHandler);
  }

  using Base::Base;

  void runOnOperation() final;
};

} // namespace

void LivenessPass::runOnOperation() {
  ModuleOp module = getOperation();
  FailureOr<std::vector<FunctionLiveness>> reports =
      FunctionLiveness::computeAll(module, memoryModel);
  if (failed(reports))
    return signalPassFailure();

  // '-' is stderr: stdout carries the IR alone.
  std::unique_ptr<llvm::ToolOutputFile> file;
  if (output != "-") {
    std::string error;
    file = openOutputFile(output, &error);
    if (!file) {
      // At the input's location, without the module dumped after it: the
      // option is wrong, not the IR.
      emitError(module.getLoc())
          << "serenity-liveness: cannot write '" << output << "': " << error;
      return signalPassFailure();
    }
  }
  llvm::raw_ostream &os = file ? file->os() : llvm::errs();
  if (format == ReportFormat::Json) {
    llvm::json::Array functions;
    for (const FunctionLiveness &report : *reports)
      functions.push_back(report.toJSON());
    os << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                     {"functions", std::move(functions)}}))
       << "\n";
  } else {
    for (const FunctionLiveness &report : *reports)
      report.printText(os);
  }
  if (file)
    file->keep();
  markAllAnalysesPreserved();
}
