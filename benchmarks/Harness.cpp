//===- Harness.cpp - Every scheduler on every model -----------------------===//
//
// serenity-harness [options] FILE.mlir...
//
// Parses each file once, builds the dataflow graph of each function, and runs
// every algorithm under each memory model. Scheduling time is measured here,
// around the core scheduler only (no parsing, no IR rewriting): the median of
// up to --repetitions runs. Prints one CSV row per (function, model,
// algorithm); with --trace-dir, writes the live bytes of the program order
// and of the optimal order, step by step, as JSON for the plots.
//
//===----------------------------------------------------------------------===//

#include "DriverOptions.h"
#include "ModelGraphs.h"
#include "serenity/Core/Scheduler.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"
#include "serenity/Dialect/Serenity/SerenityDialect.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>

using namespace serenity;
namespace cl = llvm::cl;

static DriverOptions driver;
static cl::opt<unsigned>
    repetitions("repetitions", cl::init(5),
                cl::desc("Scheduling runs per measurement (median)"));
static cl::opt<double>
    repetitionBudgetMs("repetition-budget-ms", cl::init(2000),
                       cl::desc("Stop repeating once the runs took this long"));
static cl::opt<std::string>
    traceDir("trace-dir", cl::init(""),
             cl::desc("Write live-bytes traces (JSON) to this folder"));
static cl::opt<bool>
    noRewrite("no-rewrite", cl::init(false),
              cl::desc("Skip the rewrite + optimal schedule rows"));

namespace {

struct Measurement {
  Schedule schedule;
  double medianMs = 0;
  unsigned runs = 0;
};

Measurement measure(const LivenessModel &liveness,
                    const SchedulerOptions &options) {
  Measurement result;
  std::vector<double> times;
  double total = 0;
  while (times.size() < std::max(1u, unsigned(repetitions)) &&
         (times.empty() || total < repetitionBudgetMs)) {
    auto start = std::chrono::steady_clock::now();
    result.schedule = scheduleGraph(liveness, options);
    std::chrono::duration<double, std::milli> elapsed =
        std::chrono::steady_clock::now() - start;
    times.push_back(elapsed.count());
    total += elapsed.count();
  }
  std::sort(times.begin(), times.end());
  result.medianMs = times[times.size() / 2];
  result.runs = times.size();
  return result;
}

/// --serenity-rewrite then --serenity-schedule on a copy of `function`,
/// through the passes' API: the report of the rewritten function and the
/// rewrite pass's own time.
mlir::FailureOr<std::pair<ScheduleReportAttr, double>>
rewriteAndSchedule(mlir::func::FuncOp function, MemoryModel model) {
  mlir::OwningOpRef<mlir::func::FuncOp> copy = function.clone();
  mlir::PassManager rewrite(function.getContext(),
                            mlir::func::FuncOp::getOperationName());
  SerenityRewriteOptions rewriteOptions;
  rewriteOptions.memoryModel = model;
  rewriteOptions.timeLimitMs = driver.timeLimitMs;
  rewrite.addPass(createSerenityRewrite(rewriteOptions));
  mlir::PassManager schedule(function.getContext(),
                             mlir::func::FuncOp::getOperationName());
  SerenityScheduleOptions scheduleOptions;
  scheduleOptions.memoryModel = model;
  scheduleOptions.timeLimitMs = driver.timeLimitMs;
  scheduleOptions.maxStates = driver.maxStates;
  schedule.addPass(createSerenitySchedule(scheduleOptions));
  auto start = std::chrono::steady_clock::now();
  if (mlir::failed(rewrite.run(*copy)))
    return mlir::failure();
  std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;
  if (mlir::failed(schedule.run(*copy)))
    return mlir::failure();
  auto report = (*copy)->getAttrOfType<ScheduleReportAttr>(
      SerenityDialect::kScheduleAttrName);
  if (!report)
    return mlir::failure();
  return std::make_pair(report, elapsed.count());
}

llvm::json::Array footprints(const LivenessModel &liveness,
                             llvm::ArrayRef<NodeId> order) {
  llvm::json::Array bytes;
  for (const StepEffect &step : liveness.simulate(order).steps)
    bytes.push_back(int64_t(step.footprint));
  return bytes;
}

} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv, "Serenity benchmark harness\n");
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  registry.insert<SerenityDialect>();
  mlir::MLIRContext context(registry);
  // Reports of the rewrite, not IR dumps.
  context.printOpOnDiagnostic(false);

  const Algorithm algorithms[] = {
      Algorithm::Program,    Algorithm::ReversePostOrder, Algorithm::List,
      Algorithm::DepthFirst, Algorithm::BestHeuristic,    Algorithm::Optimal};
  llvm::outs() << "model,function,nodes,memory_model,algorithm,peak_bytes,"
                  "lower_bound_bytes,status,produced_by,states,time_ms,runs\n";
  std::vector<std::string> files(driver.inputFiles.begin(),
                                 driver.inputFiles.end());
  mlir::FailureOr<ModelGraphs> loaded =
      loadModelGraphs(context, files, "serenity-harness");
  if (mlir::failed(loaded))
    return 1;
  for (const ModelGraph &entry : loaded->graphs) {
    const std::string &model = entry.model, &name = entry.function;
    const DataflowGraph &graph = entry.graph->getGraph();
    for (MemoryModel memoryModel :
         {MemoryModel::Strict, MemoryModel::Inplace, MemoryModel::Bufferized}) {
      LivenessModel liveness(graph, memoryModel);
      std::vector<NodeId> optimalOrder;
      for (Algorithm algorithm : algorithms) {
        SchedulerOptions options;
        options.algorithm = algorithm;
        options.timeLimitMs = driver.timeLimitMs;
        options.maxStates = driver.maxStates;
        Measurement m = measure(liveness, options);
        if (algorithm == Algorithm::Optimal)
          optimalOrder = m.schedule.order;
        llvm::outs() << model << "," << name << "," << graph.getNumNodes()
                     << "," << stringifyMemoryModel(memoryModel) << ","
                     << stringifyAlgorithm(algorithm) << "," << m.schedule.peak
                     << "," << m.schedule.lowerBound << ","
                     << stringifyScheduleStatus(m.schedule.status) << ","
                     << stringifyAlgorithm(m.schedule.producedBy) << ","
                     << m.schedule.exploredStates << ","
                     << llvm::format("%.4f", m.medianMs) << "," << m.runs
                     << "\n";
        llvm::outs().flush();
      }
      if (auto function = llvm::dyn_cast<mlir::func::FuncOp>(entry.op);
          function && !noRewrite) {
        mlir::FailureOr<std::pair<ScheduleReportAttr, double>> rewritten =
            rewriteAndSchedule(function, memoryModel);
        if (mlir::failed(rewritten)) {
          llvm::errs() << "serenity-harness: rewrite + schedule failed on @"
                       << name << " of " << model << "\n";
          return 1;
        }
        auto [report, ms] = *rewritten;
        llvm::outs() << model << "," << name << "," << graph.getNumNodes()
                     << "," << stringifyMemoryModel(memoryModel)
                     << ",rewrite+optimal," << report.getPeak() << ","
                     << report.getLowerBound() << ","
                     << stringifyScheduleStatus(report.getStatus())
                     << ",rewrite+optimal," << report.getStates() << ","
                     << llvm::format("%.4f", ms) << ",1\n";
        llvm::outs().flush();
      }
      if (traceDir.empty())
        continue;
      llvm::json::Object trace{
          {"model", model},
          {"function", name},
          {"memory_model", stringifyMemoryModel(memoryModel)},
          {"program", footprints(liveness, graph.getProgramOrder())},
          {"optimal", footprints(liveness, optimalOrder)},
      };
      llvm::SmallString<128> path(traceDir);
      llvm::sys::path::append(path, model + "." + name + "." +
                                        stringifyMemoryModel(memoryModel) +
                                        ".json");
      std::error_code error;
      llvm::raw_fd_ostream os(path, error);
      if (error) {
        llvm::errs() << "serenity-harness: cannot write " << path << ": "
                     << error.message() << "\n";
        return 1;
      }
      os << llvm::json::Value(std::move(trace)) << "\n";
    }
  }
  return 0;
}
