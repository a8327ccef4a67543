// RUN: serenity-opt %s --verify-diagnostics --serenity-rewrite="mode=sometimes"
// RUN: not serenity-opt %s --serenity-rewrite="patterns=channel,spatial" 2>&1 | FileCheck %s --check-prefix=PATTERN
// RUN: not serenity-opt %s --serenity-rewrite="memory-model=loose" 2>&1 | FileCheck %s --check-prefix=MODEL

// PATTERN: rewrite-invalid.mlir:[[# @LINE + 4]]:1: error: serenity-rewrite: unknown pattern 'spatial'; expected channel, kernel or concat
// MODEL: rewrite-invalid.mlir:[[# @LINE + 3]]:1: error: serenity-rewrite: unknown memory-model 'loose'; expected strict, inplace or bufferized

// expected-error @+1 {{serenity-rewrite: unknown mode 'sometimes'; expected memory-aware or always}}
func.func @f(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.sigmoid %arg0 : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
