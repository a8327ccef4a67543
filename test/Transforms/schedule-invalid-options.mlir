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
// --help lists the choices from the same table.
// RUN: serenity-opt --help | FileCheck %s --check-prefix=HELP

// ALGORITHM: for the --algorithm option: Cannot find option named 'fastest'!
// ALGORITHM-NOT: func.func
// MODEL: for the --memory-model option: Cannot find option named 'magic'!
// MODEL-NOT: func.func
// TIME: for the --time-limit-ms option: '-1' value invalid
// TIME-NOT: func.func
// STATES: for the --max-states option: '-5' value invalid
// STATES-NOT: func.func
// FORMAT: for the --format option: Cannot find option named 'xml'!
// FORMAT-NOT: func.func
// LIVENESS-MODEL: for the --memory-model option: Cannot find option named 'loose'!
// LIVENESS-MODEL-NOT: func.func

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
