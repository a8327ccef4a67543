// Invalid options are rejected before the input is read, with no IR dump.
// RUN: not serenity-opt %s --serenity-rewrite="mode=sometimes" 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not serenity-opt %s --serenity-rewrite="patterns=channel,spatial" 2>&1 | FileCheck %s --check-prefix=PATTERN
// RUN: not serenity-opt %s --serenity-rewrite="memory-model=loose" 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: not serenity-opt %s --serenity-rewrite="time-limit-ms=-1" 2>&1 | FileCheck %s --check-prefix=TIME

// MODE: error: serenity-rewrite: 'sometimes' is not a value of mode (choose memory-aware, always)
// MODE-NOT: func.func
// PATTERN: error: serenity-rewrite: unknown pattern 'spatial'; expected channel, kernel or concat
// PATTERN-NOT: func.func
// MODEL: error: serenity-rewrite: 'loose' is not a value of memory-model (choose strict, inplace, bufferized)
// MODEL-NOT: func.func
// TIME: for the --time-limit-ms option: '-1' value invalid
// TIME-NOT: func.func

func.func @f(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.sigmoid %arg0 : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
