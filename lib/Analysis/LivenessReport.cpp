//===- LivenessReport.cpp - Activation liveness of a function -------------===//

#include "serenity/Analysis/LivenessReport.h"
#include "serenity/Analysis/FunctionGraph.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace serenity;

static std::string describeOp(Operation *op, AsmState &state) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (op->getNumResults() > 0) {
    op->getResult(0).printAsOperand(os, state);
    if (op->getNumResults() > 1)
      os << ":" << op->getNumResults();
    os << " = ";
  }
  os << op->getName().getStringRef();
  return text;
}

std::string serenity::describeLocation(Location loc) {
  if (auto fileLoc = dyn_cast<FileLineColLoc>(loc))
    return (fileLoc.getFilename().getValue() + ":" +
            llvm::Twine(fileLoc.getLine()) + ":" +
            llvm::Twine(fileLoc.getColumn()))
        .str();
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

FailureOr<FunctionLiveness>
FunctionLiveness::compute(FunctionOpInterface function, MemoryModel model) {
  FailureOr<FunctionGraph> graph = FunctionGraph::build(function);
  if (failed(graph))
    return failure();
  LivenessModel liveness(graph->getGraph(), model);
  std::vector<NodeId> order = graph->getGraph().getProgramOrder();
  LivenessTrace trace = liveness.simulate(order);

  FunctionLiveness report;
  report.function = function.getName().str();
  report.model = model;
  report.numWeights = graph->getWeightOps().size();
  report.peak = trace.peak;
  report.peakStep = trace.peakStep;
  AsmState state(function);
  for (unsigned i = 0, e = order.size(); i < e; ++i) {
    Operation *op = graph->getOperation(order[i]);
    report.steps.push_back({describeOp(op, state),
                            describeLocation(op->getLoc()), trace.steps[i]});
  }
  return report;
}

FailureOr<std::vector<FunctionLiveness>>
FunctionLiveness::computeAll(Operation *root, MemoryModel model) {
  std::vector<FunctionLiveness> reports;
  bool failedAny = false;
  root->walk([&](FunctionOpInterface function) {
    if (function.isExternal())
      return;
    FailureOr<FunctionLiveness> report = compute(function, model);
    if (failed(report))
      failedAny = true;
    else
      reports.push_back(std::move(*report));
  });
  if (failedAny)
    return failure();
  return reports;
}

void FunctionLiveness::printText(llvm::raw_ostream &os) const {
  os << "serenity-liveness @" << function << " (model "
     << stringifyMemoryModel(model) << ", " << steps.size() << " ops, "
     << numWeights << " weights)\n";
  os << llvm::format("%6s %12s %12s %12s  %s\n", "step", "live", "allocated",
                     "freed", "op");
  for (unsigned i = 0, e = steps.size(); i < e; ++i) {
    const StepEffect &effect = steps[i].effect;
    os << llvm::format("%6u %12llu %12llu %12llu  ", i,
                       (unsigned long long)effect.footprint,
                       (unsigned long long)effect.allocated,
                       (unsigned long long)effect.freed)
       << steps[i].op << "  at " << steps[i].location << "\n";
  }
  os << "peak: " << peak << " bytes";
  if (peakStep)
    os << " at step " << *peakStep << " (" << steps[*peakStep].op << ")";
  os << "\n";
}

llvm::json::Value FunctionLiveness::toJSON() const {
  llvm::json::Array stepArray;
  for (unsigned i = 0, e = steps.size(); i < e; ++i)
    stepArray.push_back(llvm::json::Object{
        {"step", int64_t(i)},
        {"op", steps[i].op},
        {"location", steps[i].location},
        {"live_bytes", int64_t(steps[i].effect.footprint)},
        {"allocated_bytes", int64_t(steps[i].effect.allocated)},
        {"freed_bytes", int64_t(steps[i].effect.freed)},
    });
  llvm::json::Object object{
      {"function", function},           {"model", stringifyMemoryModel(model)},
      {"weights", int64_t(numWeights)}, {"peak_bytes", int64_t(peak)},
      {"steps", std::move(stepArray)},
  };
  if (peakStep) {
    object["peak_step"] = int64_t(*peakStep);
    object["peak_op"] = steps[*peakStep].op;
  } else {
    object["peak_step"] = nullptr;
    object["peak_op"] = nullptr;
  }
  return object;
}
