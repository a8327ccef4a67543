// An invalid option is an error at the function, a non-zero exit, no output.
// RUN: serenity-opt %s --verify-diagnostics --serenity-schedule="algorithm=fastest"
// RUN: not serenity-opt %s --serenity-schedule="memory-model=magic" 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: not serenity-opt %s --serenity-schedule="time-limit-ms=-1" 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not serenity-opt %s --serenity-schedule="max-states=-5" 2>&1 | FileCheck %s --check-prefix=STATES
// RUN: not serenity-opt %s --serenity-liveness="format=xml" 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not serenity-opt %s --serenity-liveness="memory-model=loose" 2>&1 | FileCheck %s --check-prefix=LIVENESS-MODEL

// MODEL: schedule-invalid-options.mlir:[[# @LINE + 12]]:1: error: serenity-schedule: unknown memory-model 'magic'; expected strict, inplace or bufferized
// MODEL-NOT: module {
// TIME: schedule-invalid-options.mlir:[[# @LINE + 10]]:1: error: serenity-schedule: time-limit-ms must not be negative, got -1
// TIME-NOT: module {
// STATES: schedule-invalid-options.mlir:[[# @LINE + 8]]:1: error: serenity-schedule: max-states must not be negative, got -5
// STATES-NOT: module {
// FORMAT: error: serenity-liveness: unknown format 'xml'; expected text or json
// FORMAT-NOT: module {
// LIVENESS-MODEL: error: serenity-liveness: unknown memory-model 'loose'; expected strict, inplace or bufferized
// LIVENESS-MODEL-NOT: module {

// expected-error @+1 {{serenity-schedule: unknown algorithm 'fastest'; expected optimal, best-heuristic, list, dfs, rpo or program}}
func.func @f(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.sigmoid %arg0 : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
