// RUN: serenity-opt %s --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-fuse-requantize{tile-window-ops=0},serenity-tile-spatial{memory-aware=0 patches=4 halos=cache},serenity-fuse-requantize{write-parts-in-place=1}))" | FileCheck %s
// RUN: serenity-opt %s --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-fuse-requantize{tile-window-ops=0},serenity-tile-spatial{halos=cache verify-arena=1}))" --mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=MODEL --implicit-check-not=warning:

// Two int8 inverted residual blocks (MobileNetV2's: a pointwise expansion
// to 12 channels, a 3x3 depthwise convolution, a pointwise projection to
// 4), in 4 patches of 2 rows with halos cached. In each patch the
// expansion's band is its new rows after the 2 rows cached from the patch
// before, and the depthwise convolution runs in place over that band:
// - the first patch's band is read by the copy of its last 2 rows (the
//   next patch's cache) and then written over, channel by channel;
// - in the next patches, the expansion writes its 2 new rows into the band
//   (its loop's init is that part of the band), the cache copy reads them
//   from there, and the band, whole, goes to the depthwise convolution.
// CHECK-LABEL: func.func @inverted_residuals
// CHECK: %[[FIRST:.*]] = scf.for {{.*}} -> (tensor<1x4x8x12xi8>)
// CHECK: %[[HALO:.*]] = tensor.extract_slice %[[FIRST]][0, 2, 0, 0] [1, 2, 8, 12] [1, 1, 1, 1]
// CHECK: %[[CACHE:.*]] = linalg.copy ins(%[[HALO]] : tensor<1x2x8x12xi8>)
// CHECK: scf.for %{{.*}} = %{{.*}} to %c12{{.*}} iter_args(%{{.*}} = %[[FIRST]]) -> (tensor<1x4x8x12xi8>)
// CHECK: %[[BAND:.*]] = tensor.insert_slice %[[CACHE]] into %{{.*}}[0, 0, 0, 0] [1, 2, 8, 12] [1, 1, 1, 1] : tensor<1x2x8x12xi8> into tensor<1x4x8x12xi8>
// CHECK: %[[PART:.*]] = tensor.extract_slice %[[BAND]][0, 2, 0, 0] [1, 2, 8, 12] [1, 1, 1, 1]
// CHECK: %[[ROWS:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[PART]]) -> (tensor<1x2x8x12xi8>)
// CHECK: linalg.copy ins(%[[ROWS]] : tensor<1x2x8x12xi8>)
// CHECK-NEXT: %[[WHOLE:.*]] = tensor.insert_slice %[[ROWS]] into %[[BAND]][0, 2, 0, 0] [1, 2, 8, 12] [1, 1, 1, 1]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c12{{.*}} iter_args(%{{.*}} = %[[WHOLE]]) -> (tensor<1x4x8x12xi8>)

// The pass, choosing with halos cached, models the arena the bufferized
// function needs (verify-arena: no warning).
// MODEL: remark: serenity-tile-spatial: 32 ops in 1 group(s), at most 4 patches: arena 1408 -> 1024 bytes (modeled), MACs 26112 -> 26112 (+0.0%), halos cached in 1
func.func @inverted_residuals(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  %zp8 = "tosa.const"() <{values = dense<[0]> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<[-3]> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<[0]> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<[2]> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<[1073741824]> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<[38]> : tensor<1xi8>}> : () -> tensor<1xi8>
  %we0 = "tosa.const"() <{values = dense<[[[[-1,  0,  4,  7]]], [[[-8, -6,  5,  7]]], [[[-5, -4,  5, -2]]], [[[-4,  5, -4, -2]]], [[[ 2,  0, -7, -8]]], [[[ 5,  4,  5,  0]]], [[[ 5, -3, -1,  4]]], [[[-7, -4, -7, -1]]], [[[ 7, -6, -2, -2]]], [[[ 6, -5,  0, -4]]], [[[-8,  4, -8, -4]]], [[[-1, -1, -7,  7]]]]> : tensor<12x1x1x4xi8>}> : () -> tensor<12x1x1x4xi8>
  %be0 = "tosa.const"() <{values = dense<[ 24,  46, -41,  22, -21,   4,  42, -23,  22, -34, -18,  46]> : tensor<12xi32>}> : () -> tensor<12xi32>
  %e0_acc = tosa.conv2d %x, %we0, %be0, %izp, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<12x1x1x4xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x12xi32>
  %e0_q = tosa.rescale %e0_acc, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x12xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x12xi8>
  %e0 = tosa.clamp %e0_q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x8x8x12xi8>) -> tensor<1x8x8x12xi8>
  %wd0 = "tosa.const"() <{values = dense<[[[[-2],   [ 0],   [-4],   [-7],   [-2],   [ 1],   [-1],   [ 4],   [-3],   [ 1],   [ 4],   [ 6]],  [[-2],   [-8],   [ 3],   [ 0],   [ 5],   [-1],   [-3],   [-8],   [-1],   [ 2],   [ 4],   [ 5]],  [[-5],   [ 1],   [ 4],   [-4],   [-3],   [ 5],   [ 1],   [ 0],   [ 2],   [ 0],   [ 7],   [ 4]]], [[[-8],   [-6],   [ 0],   [ 5],   [-7],   [ 2],   [ 4],   [ 4],   [ 5],   [-5],   [ 0],   [ 4]],  [[-3],   [-5],   [-1],   [-7],   [-5],   [ 5],   [ 2],   [ 5],   [ 5],   [ 6],   [-4],   [-1]],  [[ 1],   [-4],   [ 6],   [-8],   [ 5],   [ 2],   [-4],   [ 3],   [-2],   [ 5],   [ 7],   [-4]]], [[[-1],   [-5],   [ 3],   [ 2],   [ 5],   [ 4],   [ 7],   [ 7],   [ 6],   [-6],   [-8],   [-1]],  [[-3],   [ 6],   [ 4],   [-2],   [ 1],   [ 1],   [ 6],   [-8],   [-1],   [ 2],   [-1],   [ 6]],  [[ 7],   [ 5],   [-1],   [ 6],   [-7],   [ 2],   [-4],   [-5],   [ 2],   [ 4],   [ 6],   [-5]]]]> : tensor<3x3x12x1xi8>}> : () -> tensor<3x3x12x1xi8>
  %bd0 = "tosa.const"() <{values = dense<[ 37,  33, -19, -44,  27,  32,  -4, -34, -36, -13,  25, -19]> : tensor<12xi32>}> : () -> tensor<12xi32>
  %d0_acc = tosa.depthwise_conv2d %e0, %wd0, %bd0, %ozp, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x12xi8>, tensor<3x3x12x1xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x12xi32>
  %d0_q = tosa.rescale %d0_acc, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x12xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x12xi8>
  %d0 = tosa.clamp %d0_q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x8x8x12xi8>) -> tensor<1x8x8x12xi8>
  %wp0 = "tosa.const"() <{values = dense<[[[[-8,  3,  3, -6,  0, -2,  0, -8,  2, -4,  0, -2]]], [[[ 1, -7, -3,  2,  4, -2, -8,  3,  0,  2, -6, -2]]], [[[ 6,  5, -3,  2, -7,  4, -4, -3,  7,  0,  5, -5]]], [[[ 4,  7, -7, -5, -6, -4, -4, -7,  6, -4,  6,  4]]]]> : tensor<4x1x1x12xi8>}> : () -> tensor<4x1x1x12xi8>
  %bp0 = "tosa.const"() <{values = dense<[-33,  19,  27, -38]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %p0_acc = tosa.conv2d %d0, %wp0, %bp0, %ozp, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x12xi8>, tensor<4x1x1x12xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32>
  %p0_q = tosa.rescale %p0_acc, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8>
  %p0 = tosa.clamp %p0_q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8>
  %we1 = "tosa.const"() <{values = dense<[[[[-6, -2, -7, -2]]], [[[-1,  2,  1, -1]]], [[[-5,  1, -1,  5]]], [[[ 3,  3,  1, -3]]], [[[-4, -1,  1, -3]]], [[[-6, -7, -8, -5]]], [[[-2, -4, -6, -3]]], [[[ 3, -3,  6,  1]]], [[[-6,  7,  6,  4]]], [[[-6,  4,  3,  4]]], [[[ 3,  1, -3,  6]]], [[[ 7,  3, -3,  0]]]]> : tensor<12x1x1x4xi8>}> : () -> tensor<12x1x1x4xi8>
  %be1 = "tosa.const"() <{values = dense<[  6, -43, -42,  -2,   6, -29, -24, -37,  41,   0, -23,  28]> : tensor<12xi32>}> : () -> tensor<12xi32>
  %e1_acc = tosa.conv2d %p0, %we1, %be1, %ozp, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<12x1x1x4xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x12xi32>
  %e1_q = tosa.rescale %e1_acc, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x12xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x12xi8>
  %e1 = tosa.clamp %e1_q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x8x8x12xi8>) -> tensor<1x8x8x12xi8>
  %wd1 = "tosa.const"() <{values = dense<[[[[ 7],   [-4],   [ 6],   [ 4],   [ 4],   [ 0],   [ 6],   [-6],   [-7],   [ 7],   [-1],   [-2]],  [[ 3],   [-4],   [ 2],   [ 5],   [ 4],   [-7],   [ 7],   [ 3],   [ 3],   [-5],   [ 6],   [-2]],  [[ 7],   [-5],   [-7],   [ 5],   [ 1],   [-2],   [ 7],   [ 7],   [-8],   [ 2],   [ 4],   [ 3]]], [[[ 1],   [ 0],   [ 0],   [-4],   [-6],   [-2],   [ 3],   [ 7],   [ 7],   [-5],   [-8],   [ 7]],  [[ 2],   [ 4],   [ 5],   [-3],   [ 5],   [ 2],   [ 2],   [-2],   [-3],   [-2],   [ 3],   [ 0]],  [[-8],   [-8],   [-5],   [-1],   [ 1],   [ 7],   [ 4],   [-4],   [ 0],   [ 3],   [ 6],   [-1]]], [[[ 3],   [-5],   [-1],   [ 6],   [-2],   [-8],   [ 4],   [-4],   [-1],   [ 7],   [-2],   [-4]],  [[-5],   [ 5],   [-5],   [ 1],   [-5],   [ 4],   [ 3],   [ 2],   [-2],   [-3],   [ 7],   [ 4]],  [[-2],   [-8],   [-6],   [-1],   [-1],   [-3],   [ 7],   [-1],   [ 4],   [-6],   [-3],   [-5]]]]> : tensor<3x3x12x1xi8>}> : () -> tensor<3x3x12x1xi8>
  %bd1 = "tosa.const"() <{values = dense<[-36,   6, -36, -12,  18,  29,   5,  10, -21,  36, -32,  23]> : tensor<12xi32>}> : () -> tensor<12xi32>
  %d1_acc = tosa.depthwise_conv2d %e1, %wd1, %bd1, %ozp, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x12xi8>, tensor<3x3x12x1xi8>, tensor<12xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x12xi32>
  %d1_q = tosa.rescale %d1_acc, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x12xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x12xi8>
  %d1 = tosa.clamp %d1_q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x8x8x12xi8>) -> tensor<1x8x8x12xi8>
  %wp1 = "tosa.const"() <{values = dense<[[[[-7,  1, -4, -4, -3,  4,  4, -4,  0, -7,  6,  7]]], [[[-3,  0,  0,  4, -7,  0,  5,  1,  0, -8,  6, -6]]], [[[-3,  2, -1,  1,  1, -6, -8,  7,  4, -6,  2,  0]]], [[[ 3, -6,  3,  3,  7, -4, -2, -6, -8, -8, -1, -6]]]]> : tensor<4x1x1x12xi8>}> : () -> tensor<4x1x1x12xi8>
  %bp1 = "tosa.const"() <{values = dense<[ 24, -31,  12,   3]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %p1_acc = tosa.conv2d %d1, %wp1, %bp1, %ozp, %zp8 {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x12xi8>, tensor<4x1x1x12xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32>
  %p1_q = tosa.rescale %p1_acc, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8>
  %p1 = tosa.clamp %p1_q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8>
  return %p1 : tensor<1x8x8x4xi8>
}
