//===- DriverOptions.h - The command line the harnesses share ---*- C++ -*-===//
//
// serenity-harness and serenity-arena-harness take the same model files and
// the same search limits; one declaration, so that they cannot drift.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_BENCHMARKS_DRIVEROPTIONS_H
#define SERENITY_BENCHMARKS_DRIVEROPTIONS_H

#include "serenity/Core/Scheduler.h"

#include "llvm/Support/CommandLine.h"

#include <string>

namespace serenity {

/// Declare one, at namespace scope, per driver.
struct DriverOptions {
  llvm::cl::list<std::string> inputFiles{llvm::cl::Positional,
                                         llvm::cl::OneOrMore,
                                         llvm::cl::desc("<input .mlir files>")};
  /// Shorter than the pass's default: the harness runs the whole zoo.
  llvm::cl::opt<uint64_t> timeLimitMs{
      "time-limit-ms", llvm::cl::init(5000),
      llvm::cl::desc("Time limit of the optimal search (ms)")};
  llvm::cl::opt<uint64_t> maxStates{
      "max-states", llvm::cl::init(SchedulerOptions().maxStates),
      llvm::cl::desc("State limit of the optimal search")};
};

} // namespace serenity

#endif // SERENITY_BENCHMARKS_DRIVEROPTIONS_H
