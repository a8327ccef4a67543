//===- SchedulerBenchmark.cpp - Scheduler timings on real graphs ----------===//
//
// Parses each .mlir file given on the command line once, builds the dataflow
// graph of every function, and times only the core schedulers on it (no
// parsing, no IR rewriting). Counters: peak bytes, explored states, and
// whether the result is proven optimal.
//
//===----------------------------------------------------------------------===//

#include "ModelGraphs.h"
#include "serenity/Core/Scheduler.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
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

  std::vector<std::string> files(argv + 1, argv + argc);
  mlir::FailureOr<ModelGraphs> loaded =
      loadModelGraphs(context, files, "serenity-scheduler-benchmark");
  if (mlir::failed(loaded))
    return 1;
  for (const ModelGraph &entry : loaded->graphs) {
    std::string name = entry.function == entry.model
                           ? entry.function
                           : entry.model + ":" + entry.function;
    for (MemoryModel model : {MemoryModel::Strict, MemoryModel::Inplace})
      for (const Variant &variant : kVariants)
        benchmark::RegisterBenchmark(
            (name + "/" + stringifyMemoryModel(model).str() + "/" +
             variant.name)
                .c_str(),
            runSchedule, &entry.graph->getGraph(), model, variant)
            ->Unit(benchmark::kMillisecond);
  }
  if (loaded->graphs.empty()) {
    llvm::errs() << "usage: serenity-scheduler-benchmark FILE.mlir... "
                    "[--benchmark_* flags]\n";
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
