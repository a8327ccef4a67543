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

// A row too wide for one iteration: the 1x1x16x320 i32 row of this
// convolution would be 20,480 bytes, more than kMaxRowTileBytes (16 KiB), so
// each iteration computes half of it (getTileColumns: 8 columns, 10,240
// bytes), from a padded tile of the 10 input columns those read (1x3x10x8).
// The model counts the same: arena = the padded tile (240) + the i32 tile
// (10,240); the output is the caller's.
// CHECK-LABEL: func.func @conv_wide_row
// CHECK-NOT: tensor<1x1x16x320xi32>
// CHECK: tensor.empty() : tensor<1x3x10x8xi8>
// CHECK: linalg.conv_2d_nhwc_fhwc_q {{.*}} -> tensor<1x1x8x320xi32>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x1x8x320xi8>)
// CHECK-NOT: tensor<1x1x16x320xi32>
// CHECK: return
// ARENA-LABEL: func.func @conv_wide_row
// ARENA-SAME: serenity.arena<bytes = 10480, live_bound = 10480,
// ARENA-SAME: serenity.schedule<peak = 10480,
func.func @conv_wide_row(%x: tensor<1x4x16x8xi8>) -> tensor<1x4x16x320xi8> {
  %w = "tosa.const"() <{values = dense<3> : tensor<320x3x3x8xi8>}> : () -> tensor<320x3x3x8xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<320xi32>}> : () -> tensor<320xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x16x8xi8>, tensor<320x3x3x8xi8>, tensor<320xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x16x320xi32>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.rescale %c, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x16x320xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x16x320xi8>
  return %r : tensor<1x4x16x320xi8>
}

// -----

// The same row, but added to a map read through a broadcast (a
// squeeze-and-excitation's scale, here from a 1x1x1x320 convolution that
// the element-wise fusion brings into the loop): each iteration computes
// the whole row (getFusedTileColumns), so that the broadcast convolution
// runs once per row, not once per part of a row. The model counts the
// whole row too: 20,480 (its i32 row) + 1,280 (the broadcast one).
// CHECK-LABEL: func.func @conv_wide_row_broadcast
// CHECK-NOT: tensor<1x1x8x320xi32>
// CHECK: linalg.conv_2d_nhwc_fhwc_q {{.*}} -> tensor<1x1x16x320xi32>
// CHECK-NOT: tensor<1x1x8x320xi32>
// CHECK: return
// ARENA-LABEL: func.func @conv_wide_row_broadcast
// ARENA-SAME: serenity.arena<bytes = 21760, live_bound = 21760,
// ARENA-SAME: serenity.schedule<peak = 21760,
func.func @conv_wide_row_broadcast(%x: tensor<1x4x16x8xi8>, %v: tensor<1x1x1x8xi8>) -> tensor<1x4x16x320xi8> {
  %w = "tosa.const"() <{values = dense<3> : tensor<320x1x1x8xi8>}> : () -> tensor<320x1x1x8xi8>
  %w2 = "tosa.const"() <{values = dense<-2> : tensor<320x1x1x8xi8>}> : () -> tensor<320x1x1x8xi8>
  %b = "tosa.const"() <{values = dense<7> : tensor<320xi32>}> : () -> tensor<320xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %s30 = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %zp8 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %ozp = "tosa.const"() <{values = dense<5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x16x8xi8>, tensor<320x1x1x8xi8>, tensor<320xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x16x320xi32>
  %a = tosa.rescale %c, %m, %s, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x16x320xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x16x320xi8>
  %sc = tosa.conv2d %v, %w2, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x8xi8>, tensor<320x1x1x8xi8>, tensor<320xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x1x1x320xi32>
  %sq = tosa.rescale %sc, %m, %s, %zp32, %zp8 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x1x1x320xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x1x1x320xi8>
  %a32 = tosa.rescale %a, %m, %s30, %zp8, %zp32 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x16x320xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x4x16x320xi32>
  %s32 = tosa.rescale %sq, %m, %s30, %zp8, %zp32 {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x1x1x320xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x1x1x320xi32>
  %sum = tosa.add %a32, %s32 : (tensor<1x4x16x320xi32>, tensor<1x1x1x320xi32>) -> tensor<1x4x16x320xi32>
  %y = tosa.rescale %sum, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x16x320xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x16x320xi8>
  return %y : tensor<1x4x16x320xi8>
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

// A stride-2 depthwise convolution whose input %r dies at it runs in place:
// a loop over the 4 channels carries %r; each iteration pads its channel's
// rows (a 1x3x7x1 tile per output row), computes that channel of the
// requantized result by rows into a one-channel 1x3x3x1 temporary, and
// inserts it where the channel was. The result is the 3x3 corner of %r,
// which stays whole until the pointwise convolution, requantized to 4
// channels (no more bytes than the result: 36), has read it.
// The arena: %r (144) + the temporary (9, 16 aligned) + a 1x1x3x1 i32 row
// (12, 16) + the padded rows (21, 32) = 208; written into a result of its
// own it would be 144 + 48 + a 1x1x3x4 i32 row (48) + 1x3x7x4 padded rows
// (84, 96) = 336.
// CHECK-LABEL: func.func @depthwise_in_place_stride_2
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: %[[MAP:.*]] = scf.for %[[C:.*]] = %{{.*}} iter_args(%[[CARRIED:.*]] = %[[R]]) -> (tensor<1x6x6x4xi8>)
// CHECK: %[[CHANNEL:.*]] = tensor.extract_slice %[[CARRIED]][0, 0, 0, %[[C]]] [1, 6, 6, 1] [1, 1, 1, 1]
// CHECK: %[[TEMP:.*]] = tensor.empty() : tensor<1x3x3x1xi8>
// CHECK: %[[ROWS:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[TEMP]]) -> (tensor<1x3x3x1xi8>)
// CHECK: tensor.empty() : tensor<1x3x7x1xi8>
// CHECK: tensor.extract_slice %[[CHANNEL]]
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc_q {{.*}} -> tensor<1x1x3x1xi32>
// CHECK: tensor.insert_slice %[[ROWS]] into %[[CARRIED]][0, 0, 0, %[[C]]] [1, 3, 3, 1] [1, 1, 1, 1] : tensor<1x3x3x1xi8> into tensor<1x6x6x4xi8>
// CHECK: %[[CORNER:.*]] = tensor.extract_slice %[[MAP]][0, 0, 0, 0] [1, 3, 3, 4] [1, 1, 1, 1] : tensor<1x6x6x4xi8> to tensor<1x3x3x4xi8>
// CHECK: tensor.extract_slice %[[CORNER]]
// CHECK: linalg.conv_2d_nhwc_fhwc_q
// ARENA-LABEL: func.func @depthwise_in_place_stride_2
// ARENA-SAME: serenity.arena<bytes = 208, live_bound = 208,
// ARENA-SAME: serenity.schedule<peak = 208,
func.func @depthwise_in_place_stride_2(%x: tensor<1x6x6x4xi8>) -> tensor<1x3x3x4xi8> {
  %w = "tosa.const"() <{values = dense<[[[[1], [2], [-3], [4]], [[5], [-6], [7], [8]], [[9], [10], [-11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [-12]]]]> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %b = "tosa.const"() <{values = dense<[7, -5, 3, 100]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<36> : tensor<1xi8>}> : () -> tensor<1xi8>
  %pw = "tosa.const"() <{values = dense<[[[[1, 2, 3, 4]]], [[[-1, 2, -3, 4]]], [[[5, 6, 7, 8]]], [[[0, 1, 0, -1]]]]> : tensor<4x1x1x4xi8>}> : () -> tensor<4x1x1x4xi8>
  %pb = "tosa.const"() <{values = dense<[1, 2, 3, 4]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.depthwise_conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  %q = tosa.rescale %y, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x3x3x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x3x4xi8>
  %z = tosa.clamp %q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x3x3x4xi8>) -> tensor<1x3x3x4xi8>
  %c = tosa.conv2d %z, %pw, %pb, %ozp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  %cq = tosa.rescale %c, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x3x3x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x3x4xi8>
  return %cq : tensor<1x3x3x4xi8>
}

// -----

// Not in place: the pointwise convolution that reads the smaller result
// makes more (its i32 result, 144 bytes, against 36): %r would stay whole
// (144) beside it.
// CHECK-LABEL: func.func @depthwise_reader_makes_more
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-NOT: iter_args(%{{.*}} = %[[R]])
// CHECK: return
// ARENA-LABEL: func.func @depthwise_reader_makes_more
// ARENA-SAME: live_bound = [[BOUND:[0-9]+]],
// ARENA-SAME: serenity.schedule<peak = [[BOUND]],
func.func @depthwise_reader_makes_more(%x: tensor<1x6x6x4xi8>) -> tensor<1x3x3x4xi32> {
  %w = "tosa.const"() <{values = dense<[[[[1], [2], [-3], [4]], [[5], [-6], [7], [8]], [[9], [10], [-11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [-12]]]]> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %b = "tosa.const"() <{values = dense<[7, -5, 3, 100]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<36> : tensor<1xi8>}> : () -> tensor<1xi8>
  %pw = "tosa.const"() <{values = dense<[[[[1, 2, 3, 4]]], [[[-1, 2, -3, 4]]], [[[5, 6, 7, 8]]], [[[0, 1, 0, -1]]]]> : tensor<4x1x1x4xi8>}> : () -> tensor<4x1x1x4xi8>
  %pb = "tosa.const"() <{values = dense<[1, 2, 3, 4]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.depthwise_conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  %q = tosa.rescale %y, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x3x3x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x3x4xi8>
  %z = tosa.clamp %q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x3x3x4xi8>) -> tensor<1x3x3x4xi8>
  %c = tosa.conv2d %z, %pw, %pb, %ozp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  return %c : tensor<1x3x3x4xi32>
}

// -----

// Not in place: %r is read again after the depthwise convolution (by a
// clamp whose result is returned too), its result is returned, or it reads
// the caller's argument. Each is tiled by rows into a result of its own.
// CHECK-LABEL: func.func @depthwise_input_read_twice
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-NOT: iter_args(%{{.*}} = %[[R]])
// CHECK: return
// ARENA-LABEL: func.func @depthwise_input_read_twice
// ARENA-SAME: live_bound = [[BOUND:[0-9]+]],
// ARENA-SAME: serenity.schedule<peak = [[BOUND]],
func.func @depthwise_input_read_twice(%x: tensor<1x6x6x4xi8>) -> (tensor<1x3x3x4xi32>, tensor<1x6x6x4xi8>) {
  %w = "tosa.const"() <{values = dense<[[[[1], [2], [-3], [4]], [[5], [-6], [7], [8]], [[9], [10], [-11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [-12]]]]> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %b = "tosa.const"() <{values = dense<[7, -5, 3, 100]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<36> : tensor<1xi8>}> : () -> tensor<1xi8>
  %pw = "tosa.const"() <{values = dense<[[[[1, 2, 3, 4]]], [[[-1, 2, -3, 4]]], [[[5, 6, 7, 8]]], [[[0, 1, 0, -1]]]]> : tensor<4x1x1x4xi8>}> : () -> tensor<4x1x1x4xi8>
  %pb = "tosa.const"() <{values = dense<[1, 2, 3, 4]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.depthwise_conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  %q = tosa.rescale %y, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x3x3x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x3x4xi8>
  %z = tosa.clamp %q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x3x3x4xi8>) -> tensor<1x3x3x4xi8>
  %c = tosa.conv2d %z, %pw, %pb, %ozp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  %again = tosa.clamp %r {min_val = -50 : i8, max_val = 50 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  return %c, %again : tensor<1x3x3x4xi32>, tensor<1x6x6x4xi8>
}

// -----

// CHECK-LABEL: func.func @depthwise_result_returned
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-NOT: iter_args(%{{.*}} = %[[R]])
// CHECK: return
// ARENA-LABEL: func.func @depthwise_result_returned
// ARENA-SAME: live_bound = [[BOUND:[0-9]+]],
// ARENA-SAME: serenity.schedule<peak = [[BOUND]],
func.func @depthwise_result_returned(%x: tensor<1x6x6x4xi8>) -> tensor<1x3x3x4xi8> {
  %w = "tosa.const"() <{values = dense<[[[[1], [2], [-3], [4]], [[5], [-6], [7], [8]], [[9], [10], [-11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [-12]]]]> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %b = "tosa.const"() <{values = dense<[7, -5, 3, 100]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<36> : tensor<1xi8>}> : () -> tensor<1xi8>
  %pw = "tosa.const"() <{values = dense<[[[[1, 2, 3, 4]]], [[[-1, 2, -3, 4]]], [[[5, 6, 7, 8]]], [[[0, 1, 0, -1]]]]> : tensor<4x1x1x4xi8>}> : () -> tensor<4x1x1x4xi8>
  %pb = "tosa.const"() <{values = dense<[1, 2, 3, 4]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %r = tosa.clamp %x {min_val = -100 : i8, max_val = 100 : i8} : (tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8>
  %y = tosa.depthwise_conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  %q = tosa.rescale %y, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x3x3x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x3x4xi8>
  %z = tosa.clamp %q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x3x3x4xi8>) -> tensor<1x3x3x4xi8>
  return %z : tensor<1x3x3x4xi8>
}

// -----

// CHECK-LABEL: func.func @depthwise_of_argument
// CHECK-NOT: iter_args(%{{.*}} = %arg0)
// CHECK: return
// ARENA-LABEL: func.func @depthwise_of_argument
// ARENA-SAME: live_bound = [[BOUND:[0-9]+]],
// ARENA-SAME: serenity.schedule<peak = [[BOUND]],
func.func @depthwise_of_argument(%r: tensor<1x6x6x4xi8>) -> tensor<1x3x3x4xi32> {
  %w = "tosa.const"() <{values = dense<[[[[1], [2], [-3], [4]], [[5], [-6], [7], [8]], [[9], [10], [-11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [12]]], [[[1], [2], [3], [4]], [[5], [6], [7], [8]], [[9], [10], [11], [-12]]]]> : tensor<3x3x4x1xi8>}> : () -> tensor<3x3x4x1xi8>
  %b = "tosa.const"() <{values = dense<[7, -5, 3, 100]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<36> : tensor<1xi8>}> : () -> tensor<1xi8>
  %pw = "tosa.const"() <{values = dense<[[[[1, 2, 3, 4]]], [[[-1, 2, -3, 4]]], [[[5, 6, 7, 8]]], [[[0, 1, 0, -1]]]]> : tensor<4x1x1x4xi8>}> : () -> tensor<4x1x1x4xi8>
  %pb = "tosa.const"() <{values = dense<[1, 2, 3, 4]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %y = tosa.depthwise_conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x6x6x4xi8>, tensor<3x3x4x1xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  %q = tosa.rescale %y, %m, %s, %zp32, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x3x3x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x3x4xi8>
  %z = tosa.clamp %q {min_val = 2 : i8, max_val = 127 : i8} : (tensor<1x3x3x4xi8>) -> tensor<1x3x3x4xi8>
  %c = tosa.conv2d %z, %pw, %pb, %ozp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x4xi8>, tensor<4x1x1x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x4xi32>
  return %c : tensor<1x3x3x4xi32>
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

// -----

// A NAS cell's ReLU of a map that other ops read too (two clamps of %x, as
// the two cells after a cell read its output), each read only by a 1x1
// convolution: a prologue, computed in the convolution's row loop on the
// input row it reads (1x1x8x4), so that no 1x8x8x4 copy of %x is ever
// stored. Arena: the clamp's tile (32 bytes) and the i32 tile (192), one
// loop at a time; 448 with the whole clamped map instead (256 + 192).
// CHECK-LABEL: func.func @prologue
// CHECK-NOT: tensor<1x8x8x4xi8> {
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[ROW:.*]] = tensor.extract_slice %arg0[%{{.*}}, %{{.*}}, 0, 0] [1, 1, 8, 4]
// CHECK: %[[TILE:.*]] = tensor.empty() : tensor<1x1x8x4xi8>
// CHECK: %[[CLAMPED:.*]] = linalg.generic {{.*}} ins(%[[ROW]] : tensor<1x1x8x4xi8>) outs(%[[TILE]] : tensor<1x1x8x4xi8>)
// CHECK: arith.maxsi
// CHECK: linalg.conv_2d_nhwc_fhwc_q {{.*}} ins(%[[CLAMPED]],
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[ROW2:.*]] = tensor.extract_slice %arg0[%{{.*}}, %{{.*}}, 0, 0] [1, 1, 8, 4]
// CHECK: %[[CLAMPED2:.*]] = linalg.generic {{.*}} ins(%[[ROW2]] : tensor<1x1x8x4xi8>)
// CHECK: arith.minsi
// CHECK: linalg.conv_2d_nhwc_fhwc_q {{.*}} ins(%[[CLAMPED2]],
// CHECK: return
// ARENA-LABEL: func.func @prologue
// ARENA-SAME: serenity.arena<bytes = 224, live_bound = 224,
// ARENA-SAME: serenity.schedule<peak = 224,
func.func @prologue(%x: tensor<1x8x8x4xi8>) -> (tensor<1x8x8x6xi8>, tensor<1x8x8x6xi8>) {
  %w = "tosa.const"() <{values = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 8]]], [[[1, 2, 3, 4]]], [[[-1, 2, 3, 4]]], [[[5, 6, 7, 8]]], [[[1, 2, -3, 4]]]]> : tensor<6x1x1x4xi8>}> : () -> tensor<6x1x1x4xi8>
  %b = "tosa.const"() <{values = dense<[10, -20, 30, 40, 50, 60]> : tensor<6xi32>}> : () -> tensor<6xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r1 = tosa.clamp %x {min_val = -3 : i8, max_val = 127 : i8} : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8>
  %c1 = tosa.conv2d %r1, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<6x1x1x4xi8>, tensor<6xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x6xi32>
  %q1 = tosa.rescale %c1, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x6xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x6xi8>
  %r2 = tosa.clamp %x {min_val = 0 : i8, max_val = 100 : i8} : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8>
  %c2 = tosa.conv2d %r2, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<6x1x1x4xi8>, tensor<6xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x6xi32>
  %q2 = tosa.rescale %c2, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x6xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x6xi8>
  return %q1, %q2 : tensor<1x8x8x6xi8>, tensor<1x8x8x6xi8>
}

// -----

// A clamp of a map nothing else reads: not a prologue (in a network it
// writes over the map, which dies at it), so the clamped map stays whole:
// 256 bytes besides the i32 tile.
// CHECK-LABEL: func.func @single_reader
// CHECK: %[[CLAMPED:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x8x8x4xi8>)
// CHECK: scf.for
// CHECK: tensor.extract_slice %[[CLAMPED]]
// ARENA-LABEL: func.func @single_reader
// ARENA-SAME: serenity.arena<bytes = 448, live_bound = 448,
// ARENA-SAME: serenity.schedule<peak = 448,
func.func @single_reader(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x6xi8> {
  %w = "tosa.const"() <{values = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 8]]], [[[1, 2, 3, 4]]], [[[-1, 2, 3, 4]]], [[[5, 6, 7, 8]]], [[[1, 2, -3, 4]]]]> : tensor<6x1x1x4xi8>}> : () -> tensor<6x1x1x4xi8>
  %b = "tosa.const"() <{values = dense<[10, -20, 30, 40, 50, 60]> : tensor<6xi32>}> : () -> tensor<6xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.clamp %x {min_val = 0 : i8, max_val = 100 : i8} : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8>
  %c = tosa.conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<6x1x1x4xi8>, tensor<6xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x6xi32>
  %q = tosa.rescale %c, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x6xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x6xi8>
  return %q : tensor<1x8x8x6xi8>
}

// -----

// A prologue of slices: a factorized reduction's ReLU read by two offset
// slices, each read by a stride-2 1x1 convolution alone. Each slice becomes
// the clamp of the same slice of %x, computed in its convolution's loop on
// the 7 columns of the one input row an output row reads (1x1x7x4, 28
// bytes); no 1x8x8x4 clamped copy. Arena: that tile (32 aligned) and the i32
// tile (1x1x4x6, 96); 352 with the whole clamped map (256 + 96).
// CHECK-LABEL: func.func @sliced_prologue
// CHECK-NOT: tensor<1x8x8x4xi8> {
// CHECK: %[[PART:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [1, 7, 7, 4] [1, 1, 1, 1]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[ROW:.*]] = tensor.extract_slice %[[PART]][%{{.*}}, %{{.*}}, 0, 0] [1, 1, 7, 4]
// CHECK: %[[TILE:.*]] = tensor.empty() : tensor<1x1x7x4xi8>
// CHECK: %[[CLAMPED:.*]] = linalg.generic {{.*}} ins(%[[ROW]] : tensor<1x1x7x4xi8>) outs(%[[TILE]] : tensor<1x1x7x4xi8>)
// CHECK: linalg.conv_2d_nhwc_fhwc_q {{.*}} ins(%[[CLAMPED]],
// CHECK: %[[PART2:.*]] = tensor.extract_slice %arg0[0, 1, 1, 0] [1, 7, 7, 4] [1, 1, 1, 1]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: tensor.extract_slice %[[PART2]]
// CHECK: return
// ARENA-LABEL: func.func @sliced_prologue
// ARENA-SAME: serenity.arena<bytes = 128, live_bound = 128,
// ARENA-SAME: serenity.schedule<peak = 128,
func.func @sliced_prologue(%x: tensor<1x8x8x4xi8>) -> (tensor<1x4x4x6xi8>, tensor<1x4x4x6xi8>) {
  %w = "tosa.const"() <{values = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 8]]], [[[1, 2, 3, 4]]], [[[-1, 2, 3, 4]]], [[[5, 6, 7, 8]]], [[[1, 2, -3, 4]]]]> : tensor<6x1x1x4xi8>}> : () -> tensor<6x1x1x4xi8>
  %b = "tosa.const"() <{values = dense<[10, -20, 30, 40, 50, 60]> : tensor<6xi32>}> : () -> tensor<6xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %start0 = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %start1 = tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 7, 7, 4]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %r = tosa.clamp %x {min_val = 0 : i8, max_val = 100 : i8} : (tensor<1x8x8x4xi8>) -> tensor<1x8x8x4xi8>
  %s0 = tosa.slice %r, %start0, %size : (tensor<1x8x8x4xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x7x4xi8>
  %c0 = tosa.conv2d %s0, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x7x7x4xi8>, tensor<6x1x1x4xi8>, tensor<6xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x6xi32>
  %q0 = tosa.rescale %c0, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x4x6xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x6xi8>
  %s1 = tosa.slice %r, %start1, %size : (tensor<1x8x8x4xi8>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x7x7x4xi8>
  %c1 = tosa.conv2d %s1, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x7x7x4xi8>, tensor<6x1x1x4xi8>, tensor<6xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x6xi32>
  %q1 = tosa.rescale %c1, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x4x6xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x6xi8>
  return %q0, %q1 : tensor<1x4x4x6xi8>, tensor<1x4x4x6xi8>
}
