// RUN: serenity-opt %s --split-input-file --serenity-liveness=memory-model=bufferized -o /dev/null 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: serenity-opt %s --split-input-file --serenity-pipeline=keep-reports=1 | FileCheck %s --check-prefix=ARENA

// The `bufferized` model on int8 window ops, as --serenity-pipeline lowers
// them (--serenity-fuse-requantize; docs/memory-model.md): a convolution
// whose result one element-wise op reads runs inside it, tiled by output
// rows; pools stay nodes, an int8 average pool tiled with its division; a
// depthwise convolution of channel multiplier 1 is tiled too (with its bias
// when nothing else fuses it), one of a larger multiplier fills its whole 5-D
// i32 accumulator first. Each function feeds the window op a buffer that
// dies there (%r: 1x6x6x4xi8, 144 bytes) and returns a value the caller
// owns. A padded op tiled by rows reads %r in place and pads the 3 rows a
// row of its output reads, 1x3x8x4xi8 (96 bytes, filled with the input zero
// point); an untiled one pads its border strips one at a time, the largest
// 1x3x8x4xi8 too. A 3x3 i32 window is 36 bytes (48 aligned), a 3x3 i8
// window 9 (16 aligned).

// avg_pool_padded: a pool stays a node (its int8 result a map), tiled with
// its division: the loop reads %r (144) with its padded rows (96), a
// 1x1x6x4 i32 row of the sum (96) and the i32 window (48), writing %y
// (144): 144 + 96 + 96 + 48 + 144 = 528; the clamp: 144.
// MODEL-LABEL: serenity-liveness @avg_pool_padded
// MODEL: peak: 528 bytes
// ARENA-LABEL: func.func @avg_pool_padded
// ARENA-SAME: live_bound = 528,
// ARENA-SAME: serenity.schedule<peak = 528,
func.func @avg_pool_padded(%x: tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8> {
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.avg_pool2d %r, %izp, %ozp {acc_type = i32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x4xi8>
  %z = tosa.clamp %y {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  return %z : tensor<1x6x6x4xi8>
}

// -----

// avg_pool, unpadded and returned (no consumer to fuse into), tiled with its
// division: %r, a 1x1x4x4 i32 row (64) and the window: 144 + 64 + 48 = 256.
// MODEL-LABEL: serenity-liveness @avg_pool
// MODEL: peak: 256 bytes
// ARENA-LABEL: func.func @avg_pool
// ARENA-SAME: live_bound = 256,
// ARENA-SAME: serenity.schedule<peak = 256,
func.func @avg_pool(%x: tensor<1x6x6x4xi8>) -> tensor<1x4x4x4xi8> {
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.avg_pool2d %r, %izp, %ozp {acc_type = i32, kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
  return %y : tensor<1x4x4x4xi8>
}

// -----

// max_pool, unpadded and returned: one op with its i8 window: 144 + 16.
// MODEL-LABEL: serenity-liveness @max_pool
// MODEL: peak: 160 bytes
// ARENA-LABEL: func.func @max_pool
// ARENA-SAME: live_bound = 160,
// ARENA-SAME: serenity.schedule<peak = 160,
func.func @max_pool(%x: tensor<1x6x6x4xi8>) -> tensor<1x4x4x4xi8> {
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.max_pool2d %r {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>) -> tensor<1x4x4x4xi8>
  return %y : tensor<1x4x4x4xi8>
}

// -----

// max_pool_fused: a max pool is not fused into its consumer either: the pool
// with its window and %y (1x4x4x4xi8): 144 + 16 + 64 = 224.
// MODEL-LABEL: serenity-liveness @max_pool_fused
// MODEL: peak: 224 bytes
// ARENA-LABEL: func.func @max_pool_fused
// ARENA-SAME: live_bound = 224,
// ARENA-SAME: serenity.schedule<peak = 224,
func.func @max_pool_fused(%x: tensor<1x6x6x4xi8>) -> tensor<1x4x4x4xi8> {
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.max_pool2d %r {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>) -> tensor<1x4x4x4xi8>
  %z = tosa.clamp %y {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8>
  return %z : tensor<1x4x4x4xi8>
}

// -----

// depthwise_padded (channel multiplier 1), fused into the clamp, tiled like
// a convolution: the loop reads %r (144) with its padded rows (96), and a
// 1x1x6x4 i32 row (96): 336. (Before the fusion: 1152, a whole 5-D i32
// accumulator and a whole i32 result.)
// MODEL-LABEL: serenity-liveness @depthwise_padded
// MODEL: peak: 336 bytes
// ARENA-LABEL: func.func @depthwise_padded
// ARENA-SAME: live_bound = 336,
// ARENA-SAME: serenity.schedule<peak = 336,
func.func @depthwise_padded(%x: tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi32> {
  %w = "tosa.const"() <{values = dense<3> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.depthwise_conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x4xi32>
  %z = tosa.clamp %y {min_val = -1000 : i32, max_val = 1000 : i32} : (tensor<1x6x6x4xi32>) -> tensor<1x6x6x4xi32>
  return %z : tensor<1x6x6x4xi32>
}

// -----

// An int8 add of a padded average pool of %r and a 1x1 convolution of %s
// (both 144 bytes): the pool is its own node, the add fuses the convolution.
// As written, the optimal order: %r; the pool's loop reads %r with its
// padded rows (96), the sum's i32 row (96) and window (48), writing %p
// (144): 144 + 96 + 96 + 48 + 144 = 528; %s; the fused add with the
// convolution's i32 row: 144 + 144 + 96 = 384.
// MODEL-LABEL: serenity-liveness @add_of_pool_and_conv
// MODEL: peak: 528 bytes
// ARENA-LABEL: func.func @add_of_pool_and_conv
// ARENA-SAME: live_bound = 528,
// ARENA-SAME: serenity.schedule<peak = 528,
func.func @add_of_pool_and_conv(%x: tensor<1x6x6x4xi8>, %x2: tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8> {
  %zp8 = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %w = "tosa.const"() <{values = dense<3> : tensor<4x1x1x4xi8>}> : () -> tensor<4x1x1x4xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<4xi32>}> : () -> tensor<4xi32>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s10 = "tosa.const"() <{values = dense<10> : tensor<1xi8>}> : () -> tensor<1xi8>
  %s35 = "tosa.const"() <{values = dense<35> : tensor<1xi8>}> : () -> tensor<1xi8>
  %s51 = "tosa.const"() <{values = dense<51> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %p = tosa.avg_pool2d %r, %zp8, %zp8 {acc_type = i32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x4xi8>
  %s = tosa.clamp %x2 {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %pw = tosa.rescale %p, %m, %s10, %zp8, %zp32 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x6x6x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x6x6x4xi32>
  %c = tosa.conv2d %s, %w, %b, %zp8, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x4xi32>
  %cr = tosa.rescale %c, %m, %s35, %zp32, %zp8 {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x6x6x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x6x6x4xi8>
  %cw = tosa.rescale %cr, %m, %s10, %zp8, %zp32 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x6x6x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x6x6x4xi32>
  %sum = tosa.add %pw, %cw : (tensor<1x6x6x4xi32>, tensor<1x6x6x4xi32>) -> tensor<1x6x6x4xi32>
  %out = tosa.rescale %sum, %m, %s51, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x6x6x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x6x6x4xi8>
  return %out : tensor<1x6x6x4xi8>
}

// -----

// A depthwise convolution of channel multiplier 2 keeps its whole 5-D i32
// accumulator (1x6x6x4x2, 1152 bytes), fused into the clamp: convolve %r,
// part by part, a border part from its strip: 144 + 96 + 1152 = 1392; bias
// and clamp from the accumulator into the caller's %z: 1152.
// MODEL-LABEL: serenity-liveness @depthwise_multiplier_2
// MODEL: peak: 1392 bytes
// ARENA-LABEL: func.func @depthwise_multiplier_2
// ARENA-SAME: live_bound = 1392,
// ARENA-SAME: serenity.schedule<peak = 1392,
func.func @depthwise_multiplier_2(%x: tensor<1x6x6x4xi8>) -> tensor<1x6x6x8xi32> {
  %w = "tosa.const"() <{values = dense<3> : tensor<3x3x4x2xi8>}> : () -> tensor<3x3x4x2xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<8xi32>}> : () -> tensor<8xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.depthwise_conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x2xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x8xi32>
  %z = tosa.clamp %y {min_val = -1000 : i32, max_val = 1000 : i32} : (tensor<1x6x6x8xi32>) -> tensor<1x6x6x8xi32>
  return %z : tensor<1x6x6x8xi32>
}
