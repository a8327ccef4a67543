// RUN: serenity-opt %s --split-input-file --serenity-liveness=memory-model=bufferized -o /dev/null 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: serenity-opt %s --split-input-file --serenity-pipeline=keep-reports=1 | FileCheck %s --check-prefix=ARENA

// The `bufferized` memory model counts what --serenity-pipeline allocates,
// op by op of each TOSA op's lowering (docs/memory-model.md), and the arena's
// live-bytes bound after bufferization agrees with it exactly. Each function
// feeds one window op a buffer that dies there (%r: 1x6x6x4xf32, 576 bytes)
// and returns a value the caller owns (0 arena bytes). A padded op reads %r
// in place and pads one border strip at a time (--serenity-pad-free-windows):
// the largest, the top one, is 3 of the 8 padded rows, 1x3x8x4xf32, 384
// bytes. A padded copy of all of %r would be 1x8x8x4xf32, 1024 bytes; a 3x3
// f32 window is 36 bytes, 48 when aligned.

// conv_padded: %y gets the bias, then each part convolves %r into it, a
// border part from its strip: 576 + 576 + 384.
// MODEL-LABEL: serenity-liveness @conv_padded
// MODEL: peak: 1536 bytes
// ARENA-LABEL: func.func @conv_padded
// ARENA-SAME: live_bound = 1536,
// ARENA-SAME: serenity.schedule<peak = 1536,
func.func @conv_padded(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %dw = "tosa.const"() {values = dense<1.0> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %y = tosa.conv2d %r, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %z : tensor<1x6x6x4xf32>
}

// -----

// conv: %y gets the bias while %r is still read: 576 + 256.
// MODEL-LABEL: serenity-liveness @conv
// MODEL: peak: 832 bytes
// ARENA-LABEL: func.func @conv
// ARENA-SAME: live_bound = 832,
// ARENA-SAME: serenity.schedule<peak = 832,
func.func @conv(%x: tensor<1x6x6x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %dw = "tosa.const"() {values = dense<1.0> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %y = tosa.conv2d %r, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %z : tensor<1x4x4x4xf32>
}

// -----

// depthwise_padded: convolve %r, part by part, into the 5-D accumulator:
// 576 + 576 + 384; add the bias into %y: 576 + 576.
// MODEL-LABEL: serenity-liveness @depthwise_padded
// MODEL: peak: 1536 bytes
// ARENA-LABEL: func.func @depthwise_padded
// ARENA-SAME: live_bound = 1536,
// ARENA-SAME: serenity.schedule<peak = 1536,
func.func @depthwise_padded(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %dw = "tosa.const"() {values = dense<1.0> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %y = tosa.depthwise_conv2d %r, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %z : tensor<1x6x6x4xf32>
}

// -----

// depthwise: zero the 5-D accumulator and convolve %r into it: 576 + 256; add the bias: 256 + 256.
// MODEL-LABEL: serenity-liveness @depthwise
// MODEL: peak: 832 bytes
// ARENA-LABEL: func.func @depthwise
// ARENA-SAME: live_bound = 832,
// ARENA-SAME: serenity.schedule<peak = 832,
func.func @depthwise(%x: tensor<1x6x6x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %dw = "tosa.const"() {values = dense<1.0> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %y = tosa.depthwise_conv2d %r, %dw, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %z : tensor<1x4x4x4xf32>
}

// -----

// max_pool_padded: pool %r, part by part, into %y with the window buffer:
// 576 + 576 + 384 + 48.
// MODEL-LABEL: serenity-liveness @max_pool_padded
// MODEL: peak: 1584 bytes
// ARENA-LABEL: func.func @max_pool_padded
// ARENA-SAME: live_bound = 1584,
// ARENA-SAME: serenity.schedule<peak = 1584,
func.func @max_pool_padded(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %dw = "tosa.const"() {values = dense<1.0> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %y = tosa.max_pool2d %r {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %z : tensor<1x6x6x4xf32>
}

// -----

// max_pool: pool %r into %y with the window buffer: 576 + 256 + 48.
// MODEL-LABEL: serenity-liveness @max_pool
// MODEL: peak: 880 bytes
// ARENA-LABEL: func.func @max_pool
// ARENA-SAME: live_bound = 880,
// ARENA-SAME: serenity.schedule<peak = 880,
func.func @max_pool(%x: tensor<1x6x6x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %dw = "tosa.const"() {values = dense<1.0> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %y = tosa.max_pool2d %r {kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>) -> tensor<1x4x4x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %z : tensor<1x4x4x4xf32>
}

// -----

// avg_pool_padded: sum %r, part by part, with the window buffer: 576 + 576
// + 384 + 48; divide into %y: 576 + 576.
// MODEL-LABEL: serenity-liveness @avg_pool_padded
// MODEL: peak: 1584 bytes
// ARENA-LABEL: func.func @avg_pool_padded
// ARENA-SAME: live_bound = 1584,
// ARENA-SAME: serenity.schedule<peak = 1584,
func.func @avg_pool_padded(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %dw = "tosa.const"() {values = dense<1.0> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %y = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %z : tensor<1x6x6x4xf32>
}

// -----

// avg_pool: sum %r with the window buffer: 576 + 256 + 48; divide into %y: 256 + 256.
// MODEL-LABEL: serenity-liveness @avg_pool
// MODEL: peak: 880 bytes
// ARENA-LABEL: func.func @avg_pool
// ARENA-SAME: live_bound = 880,
// ARENA-SAME: serenity.schedule<peak = 880,
func.func @avg_pool(%x: tensor<1x6x6x4xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %dw = "tosa.const"() {values = dense<1.0> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %y = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %z : tensor<1x4x4x4xf32>
}

// -----

// slice: tosa.slice is a subview of %r, read in place by the convolution:
// %r stays live through it, and nothing is copied: 576 + 144.
// MODEL-LABEL: serenity-liveness @slice
// MODEL: peak: 720 bytes
// ARENA-LABEL: func.func @slice
// ARENA-SAME: live_bound = 720,
// ARENA-SAME: serenity.schedule<peak = 720,
func.func @slice(%x: tensor<1x6x6x4xf32>) -> tensor<1x3x3x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %start = tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 5, 5, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %r, %start, %size : (tensor<1x6x6x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x5x5x4xf32>
  %y = tosa.conv2d %s, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
  return %z : tensor<1x3x3x4xf32>
}

// -----

// concat_returned: an in-place concat (tensor.empty, then insert_slice after
// insert_slice) that is returned is written straight into the caller's
// out-param: only %a and %b take arena bytes, 576 + 576 as written. The
// schedule inserts %a before computing %b: 576, and the arena agrees.
// MODEL-LABEL: serenity-liveness @concat_returned
// MODEL: peak: 1152 bytes
// ARENA-LABEL: func.func @concat_returned
// ARENA-SAME: live_bound = 576,
// ARENA-SAME: serenity.schedule<peak = 576,
func.func @concat_returned(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x8xf32> {
  %a = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %b = tosa.clamp %x {min_val = 1.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %e = tensor.empty() : tensor<1x6x6x8xf32>
  %i0 = tensor.insert_slice %a into %e[0, 0, 0, 0] [1, 6, 6, 4] [1, 1, 1, 1] : tensor<1x6x6x4xf32> into tensor<1x6x6x8xf32>
  %i1 = tensor.insert_slice %b into %i0[0, 0, 0, 4] [1, 6, 6, 4] [1, 1, 1, 1] : tensor<1x6x6x4xf32> into tensor<1x6x6x8xf32>
  return %i1 : tensor<1x6x6x8xf32>
}

// -----

// conv_padded_no_interior: no 3x3 window lies inside a 1x2 map, so the op
// reads a padded copy of all of it (the split has nothing to save): copy
// %r into the 3x4 copy: 32 + 192; convolve it into %y (%r no longer read):
// 192 + 32.
// MODEL-LABEL: serenity-liveness @conv_padded_no_interior
// MODEL: peak: 224 bytes
// ARENA-LABEL: func.func @conv_padded_no_interior
// ARENA-SAME: live_bound = 224,
// ARENA-SAME: serenity.schedule<peak = 224,
func.func @conv_padded_no_interior(%x: tensor<1x1x2x4xf32>) -> tensor<1x1x2x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %r = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x1x2x4xf32>) -> tensor<1x1x2x4xf32>
  %y = tosa.conv2d %r, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x1x2x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x1x2x4xf32>) -> tensor<1x1x2x4xf32>
  return %z : tensor<1x1x2x4xf32>
}
