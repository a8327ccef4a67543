// RUN: serenity-opt %s --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-fuse-requantize{tile-window-ops=0},serenity-tile-spatial{report-candidates=1 verify-arena=1}))" --mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --implicit-check-not=warning:

// Each candidate's copy fuses and models its group alone, with the ops next
// to it up to two element-wise ops on either side; the steps away from them
// are those of the function as it is. verify-arena estimates each
// candidate with the whole function too and warns where the two differ in
// arena, in the bytes the group holds or in where the arena peaks. Here
// (int8: a 3x3 stem, a 3x3 convolution, a 1x1 expansion to 64 channels and
// a 1x1 projection) the groups around the peak start at the expansion's
// input: fused alone without its neighbours, the convolution before them
// kept its whole i32 map (10,240 bytes instead of 8,192 in 8 patches).
// CHECK: candidate 10 ops from 12 in 2 patches, halos recomputed: arena 14336 bytes (modeled)
// CHECK: candidate 10 ops from 12 in 4 patches, halos recomputed: arena 10240 bytes (modeled)
// CHECK: candidate 10 ops from 12 in 8 patches, halos recomputed: arena 8192 bytes (modeled)
// CHECK: 22 ops in 1 group(s), at most 6 patches, each band in up to 8 columns: arena 22528 -> 1104 bytes (modeled)
func.func @group_alone(%x: tensor<1x16x16x4xi8>) -> tensor<1x16x16x4xi8> {
  %zp8 = "tosa.const"() <{values = dense<[0]> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<[0]> : tensor<1xi32>}> : () -> tensor<1xi32>
  %m = "tosa.const"() <{values = dense<[1073741824]> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<[38]> : tensor<1xi8>}> : () -> tensor<1xi8>
  %w0 = "tosa.const"() <{values = dense<3> : tensor<16x3x3x4xi8>}> : () -> tensor<16x3x3x4xi8>
  %b0 = "tosa.const"() <{values = dense<5> : tensor<16xi32>}> : () -> tensor<16xi32>
  %c0 = tosa.conv2d %x, %w0, %b0, %zp8, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x16x16x4xi8>, tensor<16x3x3x4xi8>, tensor<16xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x16x16x16xi32>
  %q0 = tosa.rescale %c0, %m, %s, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x16x16x16xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x16x16x16xi8>
  %w1 = "tosa.const"() <{values = dense<-2> : tensor<8x3x3x16xi8>}> : () -> tensor<8x3x3x16xi8>
  %b1 = "tosa.const"() <{values = dense<7> : tensor<8xi32>}> : () -> tensor<8xi32>
  %c1 = tosa.conv2d %q0, %w1, %b1, %zp8, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x16x16x16xi8>, tensor<8x3x3x16xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x16x16x8xi32>
  %q1 = tosa.rescale %c1, %m, %s, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x16x16x8xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x16x16x8xi8>
  %w2 = "tosa.const"() <{values = dense<1> : tensor<64x1x1x8xi8>}> : () -> tensor<64x1x1x8xi8>
  %b2 = "tosa.const"() <{values = dense<-4> : tensor<64xi32>}> : () -> tensor<64xi32>
  %c2 = tosa.conv2d %q1, %w2, %b2, %zp8, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x8xi8>, tensor<64x1x1x8xi8>, tensor<64xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x16x16x64xi32>
  %q2 = tosa.rescale %c2, %m, %s, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x16x16x64xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x16x16x64xi8>
  %w3 = "tosa.const"() <{values = dense<1> : tensor<4x1x1x64xi8>}> : () -> tensor<4x1x1x64xi8>
  %b3 = "tosa.const"() <{values = dense<2> : tensor<4xi32>}> : () -> tensor<4xi32>
  %c3 = tosa.conv2d %q2, %w3, %b3, %zp8, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x16x16x64xi8>, tensor<4x1x1x64xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x16x16x4xi32>
  %q3 = tosa.rescale %c3, %m, %s, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x16x16x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x16x16x4xi8>
  return %q3 : tensor<1x16x16x4xi8>
}
