// Invalid options are errors at the function, and the IR is not changed.
// RUN: not serenity-opt %s --serenity-tile-spatial="max-extra-macs=-1" 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not serenity-opt %s --serenity-tile-spatial="group-ops=9 patches=2" 2>&1 | FileCheck %s --check-prefix=GROUP
// RUN: not serenity-opt %s --serenity-tile-spatial="memory-aware=0" 2>&1 | FileCheck %s --check-prefix=PATCHES
// RUN: serenity-opt %s --serenity-tile-spatial --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=NONE

// BUDGET: error: serenity-tile-spatial: max-extra-macs must not be negative, got -1.00
// GROUP: error: serenity-tile-spatial: group-ops=9 but only the first 2 ops can be computed in bands of rows
// PATCHES: error: serenity-tile-spatial: memory-aware=0 needs patches

// A function without an op that has rows (all its tensors are 1-D) has
// nothing to tile: a remark says so and the IR stays. With memory-aware=0,
// a body whose first op has no rows has no group to tile either.
// NONE: remark: serenity-tile-spatial: no op of the body can be computed in bands of rows
// NONE: {{^  }}func.func @flat(
// NONE-NEXT: tensor.empty
// NONE-NEXT: linalg.generic
// RUN: serenity-opt %s --serenity-tile-spatial="memory-aware=0 patches=2" --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=TOP
// TOP: remark: serenity-tile-spatial: no op at the top of the body can be computed in bands of rows
func.func @bands(%arg0: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%arg0 : tensor<1x8x8x4xf32>) outs(%e : tensor<1x8x8x4xf32>) {
  ^bb0(%x: f32, %y: f32):
    %z = arith.negf %x : f32
    linalg.yield %z : f32
  } -> tensor<1x8x8x4xf32>
  return %r : tensor<1x8x8x4xf32>
}

func.func @flat(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %e = tensor.empty() : tensor<16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%arg0 : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%x: f32, %y: f32):
    %z = arith.negf %x : f32
    linalg.yield %z : f32
  } -> tensor<16xf32>
  return %r : tensor<16xf32>
}

func.func @later(%arg0: tensor<16xf32>, %arg1: tensor<1x8x8x4xf32>) -> (tensor<16xf32>, tensor<1x8x8x4xf32>) {
  %e = tensor.empty() : tensor<16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%arg0 : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%x: f32, %y: f32):
    %z = arith.negf %x : f32
    linalg.yield %z : f32
  } -> tensor<16xf32>
  %e4 = tensor.empty() : tensor<1x8x8x4xf32>
  %r4 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%arg1 : tensor<1x8x8x4xf32>) outs(%e4 : tensor<1x8x8x4xf32>) {
  ^bb0(%x: f32, %y: f32):
    %z = arith.negf %x : f32
    linalg.yield %z : f32
  } -> tensor<1x8x8x4xf32>
  return %r, %r4 : tensor<16xf32>, tensor<1x8x8x4xf32>
}
