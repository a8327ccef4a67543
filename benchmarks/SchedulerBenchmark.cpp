//===- SchedulerBenchmark.cpp - Scheduler timings on real graphs ----------===//
//
// Parses each .mlir file given on the command line once, builds the dataflow
// graph of every function, and times only the core schedulers on it (no
// parsing, no IR rewriting). Counters: peak bytes, explored states, and
// whether the result is proven optimal.
//
//===----------------------------------------------------------------------===//

#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Core/Scheduler.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

using namespace serenity;

namespace {

struct Variant {
  const char *name;
  Algorithm algorithm;
  bool pruned;
};

// The default search, the plain DP (no bounds, no dominance) it replaces,
// and the heuristics it starts from.
const Variant kVariants[] = {
    {"optimal", Algorithm::Optimal, true},
    {"plain-dp", Algorithm::Optimal, false},
    {"best-heuristic", Algorithm::BestHeuristic, true},
};

void runSchedule(benchmark::State &state, const DataflowGraph *graph,
                 MemoryModel model, Variant variant) {
  LivenessModel liveness(*graph, model);
  SchedulerOptions options;
  options.algorithm = variant.algorithm;
  options.pruneDominated = variant.pruned;
  options.useLowerBounds = variant.pruned;
  Schedule schedule;
  for (auto _ : state) {
    schedule = scheduleGraph(liveness, options);
    benchmark::DoNotOptimize(schedule.order.data());
  }
  state.counters["nodes"] = graph->getNumNodes();
  state.counters["peak_bytes"] = schedule.peak;
  state.counters["states"] = schedule.exploredStates;
  state.counters["proven"] = schedule.status == ScheduleStatus::Optimal;
}

} // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  context.allowUnregisteredDialects(false);

  std::vector<mlir::OwningOpRef<mlir::ModuleOp>> modules;
  std::vector<std::unique_ptr<FunctionGraph>> graphs;
  for (int i = 1; i < argc; ++i) {
    modules.push_back(mlir::parseSourceFile<mlir::ModuleOp>(argv[i], &context));
    if (!modules.back()) {
      llvm::errs() << "cannot parse " << argv[i] << "\n";
      return 1;
    }
    std::string file = llvm::sys::path::stem(argv[i]).str();
    bool ok = true;
    modules.back()->walk([&](mlir::FunctionOpInterface function) {
      if (function.isExternal())
        return;
      mlir::FailureOr<FunctionGraph> graph = FunctionGraph::build(function);
      if (mlir::failed(graph)) {
        ok = false;
        return;
      }
      graphs.push_back(std::make_unique<FunctionGraph>(std::move(*graph)));
      const DataflowGraph *core = &graphs.back()->getGraph();
      std::string name = function.getName().str();
      if (name != file)
        name = file + ":" + name;
      for (MemoryModel model : {MemoryModel::Strict, MemoryModel::Inplace})
        for (const Variant &variant : kVariants)
          benchmark::RegisterBenchmark((name + "/" +
                                        stringifyMemoryModel(model).str() +
                                        "/" + variant.name)
                                           .c_str(),
                                       runSchedule, core, model, variant)
              ->Unit(benchmark::kMillisecond);
    });
    if (!ok)
      return 1;
  }
  if (graphs.empty()) {
    llvm::errs() << "usage: serenity-scheduler-benchmark FILE.mlir... "
                    "[--benchmark_* flags]\n";
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
