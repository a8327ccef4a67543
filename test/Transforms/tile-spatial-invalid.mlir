// Invalid options are errors at the function, and the IR is not changed.
// RUN: not serenity-opt %s --serenity-tile-spatial="max-extra-macs=-1" 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not serenity-opt %s --serenity-tile-spatial="group-ops=9 patches=2" 2>&1 | FileCheck %s --check-prefix=GROUP
// RUN: not serenity-opt %s --serenity-tile-spatial="memory-aware=0" 2>&1 | FileCheck %s --check-prefix=PATCHES
// RUN: serenity-opt %s --serenity-tile-spatial --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=NONE

// BUDGET: error: serenity-tile-spatial: max-extra-macs must not be negative, got -1.00
// GROUP: error: serenity-tile-spatial: group-ops=9 but only the first 2 ops can be computed in bands of rows
// PATCHES: error: serenity-tile-spatial: memory-aware=0 needs patches

// A function whose first op reads its rows whole (a reduction over rows)
// has nothing to tile: a remark says so and the IR stays.
// NONE: remark: serenity-tile-spatial: no op at the top of the body can be computed in bands of rows
// NONE: {{^  }}func.func @reduce(
// NONE-NEXT: linalg.reduce
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

func.func @reduce(%arg0: tensor<1x8x8x4xf32>, %init: tensor<1x8x4xf32>) -> tensor<1x8x4xf32> {
  %r = linalg.reduce ins(%arg0 : tensor<1x8x8x4xf32>) outs(%init : tensor<1x8x4xf32>) dimensions = [1]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return %r : tensor<1x8x4xf32>
}
