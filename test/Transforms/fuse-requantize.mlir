// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-fuse-requantize))" | FileCheck %s
// RUN: serenity-opt %s --split-input-file --serenity-pipeline="keep-reports=1" | FileCheck %s --check-prefix=ARENA
// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor),one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},buffer-results-to-out-params{hoist-static-allocs modify-public-functions},serenity-plan-memory)" | FileCheck %s --check-prefix=WHOLE

// An int8 3x3 convolution (input zero point -3), its per-channel rescale and
// a clamp: the rescale and the clamp become one op, tiled one output row at a
// time with the bias broadcast and the convolution fused into the loop, so
// each iteration holds a 1x1x8x6 i32 tile (192 bytes) and no 1x8x8x6 i32 map
// exists. No padded copy of the map either: each iteration fills the 3 padded
// rows its output row reads (1x3x10x4) with the input zero point and copies
// in the rows of %x they cover.
// CHECK-LABEL: func.func @conv
// CHECK-NOT: tensor.pad
// CHECK-NOT: tensor<1x8x8x6xi32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[TILE:.*]] = tensor.empty() : tensor<1x3x10x4xi8>
// CHECK: %[[FILLED:.*]] = linalg.fill ins(%c-3_i8 : i8) outs(%[[TILE]] : tensor<1x3x10x4xi8>)
// CHECK: %[[ROWS:.*]] = tensor.extract_slice %arg0[%{{.*}}, %{{.*}}, 0, 0] [%{{.*}}, %{{.*}}, 8, 4] [1, 1, 1, 1] : tensor<1x8x8x4xi8> to tensor<?x?x8x4xi8>
// CHECK: %[[PADDED:.*]] = tensor.insert_slice %[[ROWS]] into %[[FILLED]][%{{.*}}, %{{.*}}, 1, 0] [%{{.*}}, %{{.*}}, 8, 4] [1, 1, 1, 1]
// CHECK: tensor.empty() : tensor<1x1x8x6xi32>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x1x8x6xi32>)
// CHECK: linalg.conv_2d_nhwc_fhwc_q {{.*}} ins(%[[PADDED]], {{.*}} -> tensor<1x1x8x6xi32>
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<1x1x8x6xi32>, tensor<6xi32>, tensor<6xi8>) outs({{.*}} : tensor<1x1x8x6xi8>)
// CHECK-NOT: linalg.generic
// CHECK: tensor.insert_slice
// CHECK-NOT: tensor<1x8x8x6xi32>
// CHECK: return
// Arena through --serenity-pipeline: the padded rows (120 bytes, 128
// aligned) and the tile (192), as the model says; the output is the
// caller's. The upstream lowering as written (WHOLE): the padded copy
// (1x10x10x4xi8, 400 bytes) and the whole i32 map (1536 bytes).
// ARENA-LABEL: func.func @conv
// ARENA-SAME: serenity.arena<bytes = 320, live_bound = 320,
// ARENA-SAME: serenity.schedule<peak = 320,
// WHOLE-LABEL: func.func @conv
// WHOLE-SAME: serenity.arena<bytes = 1936, live_bound = 1936,
func.func @conv(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x6xi8> {
  %w = "tosa.const"() <{values = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 8]]], [[[1, 2, 3, 4]]], [[[-1, 2, 3, 4]]], [[[5, 6, 7, 8]]], [[[1, 2, -3, 4]]]]> : tensor<6x1x1x4xi8>}> : () -> tensor<6x1x1x4xi8>
  %w3 = "tosa.const"() <{values = dense<3> : tensor<6x3x3x4xi8>}> : () -> tensor<6x3x3x4xi8>
  %b = "tosa.const"() <{values = dense<[10, -20, 30, 40, 50, 60]> : tensor<6xi32>}> : () -> tensor<6xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w3, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<6x3x3x4xi8>, tensor<6xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x6xi32>
  %m = "tosa.const"() <{values = dense<[1073741824, 1100000000, 1200000000, 1300000000, 1400000000, 1500000000]> : tensor<6xi32>}> : () -> tensor<6xi32>
  %s = "tosa.const"() <{values = dense<[38, 38, 39, 39, 40, 40]> : tensor<6xi8>}> : () -> tensor<6xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.rescale %c, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = true, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x6xi32>, tensor<6xi32>, tensor<6xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x6xi8>
  %y = tosa.clamp %r {min_val = 5 : i8, max_val = 127 : i8} : (tensor<1x8x8x6xi8>) -> tensor<1x8x8x6xi8>
  return %y : tensor<1x8x8x6xi8>
}

// -----

// An int8 add: both operands rescaled to i32, added, rescaled back and
// clamped: one i8, i8 -> i8 op, no i32 tensor left and no loop.
// CHECK-LABEL: func.func @add
// CHECK-NOT: xi32>
// CHECK-NOT: scf.for
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x8x8x4xi8>, tensor<1x8x8x4xi8>) outs(%{{.*}} : tensor<1x8x8x4xi8>)
// CHECK-NOT: linalg.generic
// CHECK: return
// Arena: nothing (the inputs and the output are the caller's); unfused, the
// two 1x8x8x4 i32 operands and their sum, all live at the add: 3 x 1024.
// ARENA-LABEL: func.func @add
// ARENA-SAME: serenity.arena<bytes = 0, live_bound = 0,
// ARENA-SAME: serenity.schedule<peak = 0,
// WHOLE-LABEL: func.func @add
// WHOLE-SAME: live_bound = 3072,
func.func @add(%a: tensor<1x8x8x4xi8>, %b: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s10 = "tosa.const"() <{values = dense<10> : tensor<1xi8>}> : () -> tensor<1xi8>
  %s51 = "tosa.const"() <{values = dense<51> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp8 = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %wa = tosa.rescale %a, %m, %s10, %zp8, %zp32 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x8x8x4xi32>
  %wb = tosa.rescale %b, %m, %s10, %zp8, %zp32 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x8x8x4xi32>
  %sum = tosa.add %wa, %wb : (tensor<1x8x8x4xi32>, tensor<1x8x8x4xi32>) -> tensor<1x8x8x4xi32>
  %r = tosa.rescale %sum, %m, %s51, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8>
  %y = tosa.clamp %r {min_val = -3 : i8, max_val = 127 : i8} : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8>
  return %y : tensor<1x8x8x4xi8>
}

// -----

// An int8 average pool: its divide, tiled by rows with the i32 sum and its
// zero fill fused (a 1x1x8x4 i32 tile), reading padded rows of its own.
// CHECK-LABEL: func.func @avg_pool
// CHECK-NOT: tensor<1x8x8x4xi32>
// CHECK-NOT: tensor.pad
// CHECK: scf.for
// CHECK: linalg.fill {{.*}} -> tensor<1x3x10x4xi8>
// CHECK: linalg.fill {{.*}} -> tensor<1x1x8x4xi32>
// CHECK: linalg.pooling_nhwc_sum {{.*}} -> tensor<1x1x8x4xi32>
// CHECK: linalg.generic {{.*}} ins({{.*}} : tensor<1x1x8x4xi32>) outs({{.*}} : tensor<1x1x8x4xi8>)
// CHECK-NOT: tensor<1x8x8x4xi32>
// CHECK: return
func.func @avg_pool(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %p = tosa.avg_pool2d %x, %izp, %ozp {acc_type = i32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi8>
  return %p : tensor<1x8x8x4xi8>
}

// -----

// An int8 depthwise convolution (channel multiplier 1) and its rescale: the
// 5-D accumulator and its collapse become a 4-D convolution into a 4-D zero
// fill, tiled by rows with the bias and the rescale (one 1x1x8x4 i32 tile).
// CHECK-LABEL: func.func @depthwise
// CHECK-NOT: tensor<1x8x8x4x1xi32>
// CHECK-NOT: tensor<1x8x8x4xi32>
// CHECK-NOT: tensor.pad
// CHECK: scf.for
// CHECK: linalg.fill {{.*}} -> tensor<1x3x10x4xi8>
// CHECK: linalg.fill {{.*}} -> tensor<1x1x8x4xi32>
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc_q {{.*}} tensor<3x3x4xi8>{{.*}} -> tensor<1x1x8x4xi32>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x1x8x4xi8>)
// CHECK-NOT: tensor<1x8x8x4xi32>
// CHECK: return
func.func @depthwise(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8> {
  %w = "tosa.const"() <{values = dense<3> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.depthwise_conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x4xi32>
  %m = "tosa.const"() <{values = dense<1300000000> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %r = tosa.rescale %c, %m, %s, %rizp, %izp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x4xi8>
  return %r : tensor<1x8x8x4xi8>
}

// -----

// An int8 depthwise convolution over one input channel (TFLite's first
// layer of a grey image, person_detect's) with channel multiplier 4: its 5-D
// accumulator (1x4x4x1x4 i32) becomes a plain convolution of 4 filters, the
// (kh, kw, 1, M) filter transposed to (M, kh, kw, 1) as a new constant,
// tiled by rows with its rescale like any convolution: a 1x1x4x4 i32 row
// (64 bytes) and the 3 padded rows of 9 columns one output row reads (27,
// 32 aligned), no whole i32 accumulator.
// CHECK-LABEL: func.func @depthwise_one_channel
// CHECK-NOT: tensor<1x4x4x1x4xi32>
// CHECK: %[[FILTER:.*]] = arith.constant dense<{{\[\[\[\[}}1], [5], [9]], {{\[\[}}13], [17], [21]], {{\[\[}}25], [29], [33]]], {{\[\[\[}}2], [6], [10]]{{.*}} : tensor<4x3x3x1xi8>
// CHECK: scf.for
// CHECK: linalg.conv_2d_nhwc_fhwc_q {{.*}} ins(%{{.*}}, %[[FILTER]], {{.*}} : tensor<1x3x9x1xi8>, tensor<4x3x3x1xi8>, i32, i32) {{.*}} -> tensor<1x1x4x4xi32>
// CHECK-NOT: tensor<1x4x4x4xi32>
// CHECK: return
// ARENA-LABEL: func.func @depthwise_one_channel
// ARENA-SAME: serenity.arena<bytes = 96, live_bound = 96,
// ARENA-SAME: serenity.schedule<peak = 96,
func.func @depthwise_one_channel(%x: tensor<1x8x8x1xi8>) -> tensor<1x4x4x4xi8> {
  %w = "tosa.const"() <{values = dense<[[[[1, 2, 3, 4]], [[5, 6, 7, 8]], [[9, 10, 11, 12]]], [[[13, 14, 15, 16]], [[17, 18, 19, 20]], [[21, 22, 23, 24]]], [[[25, 26, 27, 28]], [[29, 30, 31, 32]], [[33, 34, 35, 36]]]]> : tensor<3x3x1x4xi8>}> : () -> tensor<3x3x1x4xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.depthwise_conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x8x8x1xi8>, tensor<3x3x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x4xi32>
  %m = "tosa.const"() <{values = dense<1300000000> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %r = tosa.rescale %c, %m, %s, %rizp, %izp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x4x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x4xi8>
  return %r : tensor<1x4x4x4xi8>
}

// -----

// f32 is left alone: a convolution and its clamp stay two ops, no loop.
// CHECK-LABEL: func.func @f32
// CHECK-NOT: scf.for
// CHECK: linalg.conv_2d_nhwc_fhwc
// CHECK: linalg.generic
// CHECK: return
func.func @f32(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %z = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %z : tensor<1x6x6x4xf32>
}
