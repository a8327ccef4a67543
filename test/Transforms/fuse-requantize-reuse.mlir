// RUN: serenity-opt %s --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-fuse-requantize))" -o %t.reused
// RUN: serenity-opt %s --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-fuse-requantize{reuse-tile-loops=0}))" -o %t.tiled
// RUN: diff %t.reused %t.tiled
// RUN: FileCheck %s < %t.reused
// RUN: FileCheck %s --check-prefix=FILTERS < %t.reused

// Ops repeated as a patch repeats them (the same locations, types and
// constants): the second convolution and the second depthwise convolution
// are clones of what the tiling made of the first, with their own operands; the third convolution, of another
// filter, is tiled again. The clones are the IR the tiling makes (the diff
// with reuse-tile-loops=0; unittests/Transforms counts the clones).
// CHECK-LABEL: func.func @repeated
// CHECK-COUNT-3: linalg.conv_2d_nhwc_fhwc_q
// CHECK-COUNT-2: linalg.depthwise_conv_2d_nhwc_hwc_q
// CHECK-NOT: tensor<1x8x8x4xi32>
// CHECK: return
// FILTERS-DAG: arith.constant dense<3> : tensor<4x3x3x4xi8>
// FILTERS-DAG: arith.constant dense<5> : tensor<4x3x3x4xi8>
func.func @repeated(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  %w3 = "tosa.const"() <{values = dense<3> : tensor<4x3x3x4xi8>}> : () -> tensor<4x3x3x4xi8>
  %w5 = "tosa.const"() <{values = dense<5> : tensor<4x3x3x4xi8>}> : () -> tensor<4x3x3x4xi8>
  %dw = "tosa.const"() <{values = dense<2> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %b = "tosa.const"() <{values = dense<[7, -5, 3, 100]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<40> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8>
  %c1 = tosa.conv2d %r, %w3, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<4x3x3x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32> loc("conv")
  %q1 = tosa.rescale %c1, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8> loc("requantize")
  %c2 = tosa.conv2d %q1, %w3, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<4x3x3x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32> loc("conv")
  %q2 = tosa.rescale %c2, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8> loc("requantize")
  %c3 = tosa.conv2d %q2, %w5, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<4x3x3x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32> loc("conv")
  %q3 = tosa.rescale %c3, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8> loc("requantize")
  %d1 = tosa.depthwise_conv2d %q3, %dw, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32> loc("depthwise")
  %e1 = tosa.rescale %d1, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8> loc("requantize depthwise")
  %d2 = tosa.depthwise_conv2d %e1, %dw, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32> loc("depthwise")
  %e2 = tosa.rescale %d2, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8> loc("requantize depthwise")
  return %e2 : tensor<1x8x8x4xi8>
}
