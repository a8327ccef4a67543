// RUN: serenity-opt %s --split-input-file --serenity-liveness=memory-model=bufferized -o /dev/null 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: serenity-opt %s --split-input-file --serenity-pipeline=keep-reports=1 | FileCheck %s --check-prefix=ARENA

// The `bufferized` model on int8 window ops: the lowering keeps an average
// pool's sum and window in its accumulator type (i32), a max pool's window in
// the input's (i8), and a depthwise convolution's accumulator in i32.
// Each function feeds the window op a buffer that dies there
// (%r: 1x6x6x4xi8, 144 bytes) and returns a value the caller owns. The padded
// copy of %r is 1x8x8x4xi8 (256 bytes, filled with the input zero point);
// a 1x6x6x4 i32 accumulator is 576 bytes; a 3x3 i32 window 36 (48 aligned),
// a 3x3 i8 window 9 (16 aligned).

// avg_pool_padded: pad: 144 + 256; sum into the i32 accumulator with the i32
// window (%r no longer read): 256 + 576 + 48 = 880; divide into %y: 576 + 144.
// MODEL-LABEL: serenity-liveness @avg_pool_padded
// MODEL: peak: 880 bytes
// ARENA-LABEL: func.func @avg_pool_padded
// ARENA-SAME: live_bound = 880,
// ARENA-SAME: serenity.schedule<peak = 880,
func.func @avg_pool_padded(%x: tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8> {
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.avg_pool2d %r, %izp, %ozp {acc_type = i32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x4xi8>
  %z = tosa.clamp %y {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  return %z : tensor<1x6x6x4xi8>
}

// -----

// avg_pool: sum %r into the i32 accumulator (1x4x4x4xi32, 256 bytes) with
// the i32 window: 144 + 256 + 48 = 448; divide into %y: 256 + 64.
// MODEL-LABEL: serenity-liveness @avg_pool
// MODEL: peak: 448 bytes
// ARENA-LABEL: func.func @avg_pool
// ARENA-SAME: live_bound = 448,
// ARENA-SAME: serenity.schedule<peak = 448,
func.func @avg_pool(%x: tensor<1x6x6x4xi8>) -> tensor<1x4x4x4xi8> {
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.avg_pool2d %r, %izp, %ozp {acc_type = i32, kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
  %z = tosa.clamp %y {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8>
  return %z : tensor<1x4x4x4xi8>
}

// -----

// max_pool_padded: pad: 144 + 256; pool into %y with the i8 window:
// 256 + 16 + 144 = 416.
// MODEL-LABEL: serenity-liveness @max_pool_padded
// MODEL: peak: 416 bytes
// ARENA-LABEL: func.func @max_pool_padded
// ARENA-SAME: live_bound = 416,
// ARENA-SAME: serenity.schedule<peak = 416,
func.func @max_pool_padded(%x: tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8> {
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.max_pool2d %r {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %z = tosa.clamp %y {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  return %z : tensor<1x6x6x4xi8>
}

// -----

// depthwise_padded: pad: 144 + 256; convolve into the 5-D i32 accumulator:
// 256 + 576; add the bias into the i32 result %y: 576 + 576 = 1152.
// MODEL-LABEL: serenity-liveness @depthwise_padded
// MODEL: peak: 1152 bytes
// ARENA-LABEL: func.func @depthwise_padded
// ARENA-SAME: live_bound = 1152,
// ARENA-SAME: serenity.schedule<peak = 1152,
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
