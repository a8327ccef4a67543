// RUN: serenity-opt %s --serenity-fuse-requantize --mlir-print-local-scope | FileCheck %s
// RUN: serenity-opt %s --serenity-pipeline="keep-reports=1" | FileCheck %s --check-prefix=AGREE

// An NCHW int8 input's rescale (element-wise) and its transpose to NHWC, as
// an imported PyTorch model starts: the transpose becomes a generic op and
// the rescale is fused into it, so one op reads the input where it lies
// (through the permutation) and writes NHWC rows, which patches can band;
// the NCHW map of the rescale is never made (here 192 bytes; MobileNetV2 at
// 224x224: 150,528).
// CHECK-LABEL: func.func @nchw_rescale(
// CHECK-NOT: linalg.transpose
// CHECK: %[[OUT:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%arg0 : tensor<1x3x8x8xi8>) outs(%{{.*}} : tensor<1x8x8x3xi8>)
// CHECK: arith.addi
// CHECK: return %[[OUT]]
// The NHWC result is the caller's: nothing is left for the arena (with the
// rescale unfused, its NCHW map would be 192 bytes of it), as the memory
// model says.
// AGREE: live_bound = 0,
// AGREE-SAME: serenity.schedule<peak = 0,
func.func @nchw_rescale(%arg0: tensor<1x3x8x8xi8>) -> tensor<1x8x8x3xi8> {
  %c1 = arith.constant 1 : i8
  %empty = tensor.empty() : tensor<1x3x8x8xi8>
  %rescaled = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg0 : tensor<1x3x8x8xi8>) outs(%empty : tensor<1x3x8x8xi8>) {
  ^bb0(%in: i8, %out: i8):
    %sum = arith.addi %in, %c1 : i8
    linalg.yield %sum : i8
  } -> tensor<1x3x8x8xi8>
  %nhwc = tensor.empty() : tensor<1x8x8x3xi8>
  %transposed = linalg.transpose ins(%rescaled : tensor<1x3x8x8xi8>) outs(%nhwc : tensor<1x8x8x3xi8>) permutation = [0, 2, 3, 1]
  return %transposed : tensor<1x8x8x3xi8>
}
