// An invalid option value is rejected while the pass pipeline is parsed,
// before the input is read: one line naming the option and the value, a
// non-zero exit, no IR (no "see current operation" dump), no output.
// RUN: not serenity-opt %s --serenity-schedule="algorithm=fastest" 2>&1 | FileCheck %s --check-prefix=ALGORITHM
// RUN: not serenity-opt %s --serenity-schedule="memory-model=magic" 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: not serenity-opt %s --serenity-schedule="time-limit-ms=-1" 2>&1 | FileCheck %s --check-prefix=TIME
// RUN: not serenity-opt %s --serenity-schedule="max-states=-5" 2>&1 | FileCheck %s --check-prefix=STATES
// RUN: not serenity-opt %s --serenity-liveness="format=xml" 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not serenity-opt %s --serenity-liveness="memory-model=loose" 2>&1 | FileCheck %s --check-prefix=LIVENESS-MODEL
// RUN: not serenity-opt %s --serenity-schedule="memory-model=magic" 2>/dev/null | count 0
// A value not among the choices, or a misspelt option, is one error line
// that lists the choices or names the nearest option (llvm::cl's own words,
// "Cannot find option named", and an empty error line are gone).
// RUN: not serenity-opt %s --serenity-schedule="algorithm=fastest" 2>&1 | count 1
// RUN: not serenity-opt %s --serenity-schedule="memory-modle=strict" 2>&1 | FileCheck %s --check-prefix=TYPO
// RUN: not serenity-opt %s --serenity-pipeline="tile-spatail=1" 2>&1 | FileCheck %s --check-prefix=PIPELINE-TYPO
// RUN: not serenity-opt %s --serenity-pipeline="halos=never" 2>&1 | FileCheck %s --check-prefix=PIPELINE-VALUE
// --help lists the choices from the same table.
// RUN: serenity-opt --help | FileCheck %s --check-prefix=HELP

// ALGORITHM: error: serenity-schedule: 'fastest' is not a value of algorithm (choose optimal, best-heuristic, list, dfs, rpo, program)
// ALGORITHM-NOT: func.func
// MODEL: error: serenity-schedule: 'magic' is not a value of memory-model (choose strict, inplace, bufferized)
// MODEL-NOT: func.func
// TIME: for the --time-limit-ms option: '-1' value invalid
// TIME-NOT: func.func
// STATES: for the --max-states option: '-5' value invalid
// STATES-NOT: func.func
// FORMAT: error: serenity-liveness: 'xml' is not a value of format (choose text, json)
// FORMAT-NOT: func.func
// LIVENESS-MODEL: error: serenity-liveness: 'loose' is not a value of memory-model (choose strict, inplace, bufferized)
// LIVENESS-MODEL-NOT: func.func
// TYPO: error: serenity-schedule: no option 'memory-modle'; did you mean 'memory-model'?
// PIPELINE-TYPO: error: serenity-pipeline: no option 'tile-spatail'; did you mean 'tile-spatial'?
// PIPELINE-VALUE: error: serenity-pipeline: 'never' is not a value of halos (choose recompute, cache, auto)

// HELP: --serenity-schedule
// HELP: --algorithm=<value>
// HELP-NEXT: =optimal
// HELP-NEXT: =best-heuristic
// HELP-NEXT: =list
// HELP-NEXT: =dfs
// HELP-NEXT: =rpo
// HELP-NEXT: =program
// HELP: --memory-model=<value>
// HELP-NEXT: =strict
// HELP-NEXT: =inplace
// HELP-NEXT: =bufferized

func.func @f(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.sigmoid %arg0 : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
