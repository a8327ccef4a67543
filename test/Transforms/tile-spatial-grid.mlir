// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{memory-aware=0 patches=2 column-patches=2 halos=cache}))" | FileCheck %s
// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{memory-aware=0 patches=2 column-patches=2 halos=recompute}))" | FileCheck %s --check-prefix=RECOMPUTE
// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{memory-aware=0 patches=2 column-patches=2 halos=cache}))" | serenity-opt --split-input-file --serenity-pipeline="keep-reports=1" | FileCheck %s --check-prefix=AGREE
// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{memory-aware=0 patches=2 column-patches=2 halos=recompute}))" | serenity-opt --split-input-file --serenity-pipeline="keep-reports=1" | FileCheck %s --check-prefix=AGREE
// RUN: not serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{memory-aware=0 patches=2 column-patches=5}))" 2>&1 | FileCheck %s --check-prefix=NOFIT

// 2-D tiles: the functions of tile-spatial.mlir in 2 bands of 2 tiles of
// columns each (patches run row by row: top left, top right, bottom left,
// bottom right). Every op of these groups reads columns as it reads rows
// (through dimension 2), so each patch computes a tile of rows x columns.
// With halos=cache, the columns a tile shares with the next one in its band
// are copied into a halo, and the next tile computes only the columns after
// them; the rows are recomputed (StreamNet's split): the MACs are those of 2
// bands alone. Pads are made again from the bands they pad (they cost no
// MACs, and read by their window op alone they are no copy once
// bufferized). With halos=recompute, every tile computes its own halo on
// both sides.
//
// The AGREE runs check, on each function tiled either way, that the memory
// model's peak of the pipeline's order equals the live-bytes bound of its
// bufferized buffers.
// AGREE: live_bound = [[BOUND0:[0-9]+]],{{.*}}serenity.schedule<peak = [[BOUND0]],
// AGREE: live_bound = [[BOUND1:[0-9]+]],{{.*}}serenity.schedule<peak = [[BOUND1]],
// AGREE: live_bound = [[BOUND2:[0-9]+]],{{.*}}serenity.schedule<peak = [[BOUND2]],

// Two 3x3 convolutions (pad 1) on 8x8. The top-left tile computes output
// rows and columns 0-3, so the first convolution's 0-4 of both (its band
// 5x5, from input rows and columns 0-5, padded above and left); the
// top-right tile computes output columns 4-7, so the first convolution's
// columns 3-7, of which 3-4 are the first tile's: copied from its halo, only
// 5-7 computed (from input columns 4-7, padded on the right). MACs by hand: each convolution 9216; the first on 5 rows x
// 8 columns twice (the columns once a band): 9216 * 10 / 8 = 11520, as in
// 2 bands alone. Recomputed: the first on 5x5 four times, 9216 * 100 / 64 =
// 14400.
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: serenity.patches = {cached_groups = 1 : i64, column_patches = 2 : i64, group_ops = 8 : i64, groups = 1 : i64, macs_after = 20736 : i64, macs_before = 18432 : i64, patches = 2 : i64}
// CHECK: %[[IN0:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [1, 6, 6, 4] [1, 1, 1, 1]
// CHECK-NEXT: %[[PAD0:.*]] = tensor.pad %[[IN0]] low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK: %[[C0:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PAD0]], %{{.*}} : tensor<1x7x7x4xf32>, tensor<4x3x3x4xf32>) {{.*}} -> tensor<1x5x5x4xf32>
// CHECK-NEXT: tensor.pad %[[C0]] low[0, 1, 1, 0] high[0, 0, 0, 0]
// Its columns 3-4 (the halo the top-right tile reads).
// CHECK: %[[COLS0:.*]] = tensor.extract_slice %[[C0]][0, 0, 3, 0] [1, 5, 2, 4] [1, 1, 1, 1]
// CHECK-NEXT: %[[EMPTY0:.*]] = tensor.empty() : tensor<1x5x2x4xf32>
// CHECK-NEXT: %[[HALO0:.*]] = linalg.copy ins(%[[COLS0]] : tensor<1x5x2x4xf32>) outs(%[[EMPTY0]] : tensor<1x5x2x4xf32>)
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<1x8x8x4xf32>
// CHECK: tensor.insert_slice %{{.*}} into %[[OUT]][0, 0, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// The top-right tile: input columns 4-7 padded, the halo, and the first
// convolution's 3 new columns (5-7) of rows 0-4 written after it.
// CHECK: %[[IN1:.*]] = tensor.extract_slice %arg0[0, 0, 4, 0] [1, 6, 4, 4] [1, 1, 1, 1]
// CHECK-NEXT: %[[PAD1:.*]] = tensor.pad %[[IN1]] low[0, 1, 0, 0] high[0, 0, 1, 0]
// CHECK: %[[BAND:.*]] = tensor.empty() : tensor<1x5x5x4xf32>
// CHECK-NEXT: %[[CACHED:.*]] = tensor.insert_slice %[[HALO0]] into %[[BAND]][0, 0, 0, 0] [1, 5, 2, 4] [1, 1, 1, 1]
// CHECK: %[[C1:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PAD1]], %{{.*}} : tensor<1x7x5x4xf32>, tensor<4x3x3x4xf32>) {{.*}} -> tensor<1x5x3x4xf32>
// CHECK-NEXT: tensor.insert_slice %[[C1]] into %[[CACHED]][0, 0, 2, 0] [1, 5, 3, 4] [1, 1, 1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 4, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// The bottom-left tile starts a band: input rows 2-7, nothing cached.
// CHECK: tensor.extract_slice %arg0[0, 2, 0, 0] [1, 6, 6, 4] [1, 1, 1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 4, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 4, 4, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK-NEXT: return
// RECOMPUTE-LABEL: func.func @chain(
// RECOMPUTE-SAME: serenity.patches = {cached_groups = 0 : i64, column_patches = 2 : i64, group_ops = 8 : i64, groups = 1 : i64, macs_after = 23616 : i64, macs_before = 18432 : i64, patches = 2 : i64}
// RECOMPUTE-NOT: linalg.copy
// RECOMPUTE-COUNT-4: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x5x5x4xf32>
func.func @chain(%arg0: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %w = "tosa.const"() {values = dense<0.125> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %c2 = tosa.conv2d %c1, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  return %c2 : tensor<1x8x8x4xf32>
}

// -----

// Branch and merge: a 3x3 max pool (pad 1) and a 1x1 convolution read the
// same 3x3 convolution, whose tile is what both read (rows and columns 0-4
// for the pool in the top-left tile, 0-3 for the 1x1), computed once. The
// next tile of the band takes the convolution's columns 3-4 from a halo,
// and pads them again for the pool. The pool's 3x3 window has no columns:
// every tile makes it again (nothing to copy). MACs by hand: 3x3 convolution 9216 (on 5 of 8
// rows twice: 11520), pool 2304, 1x1 1024; recomputed, the 3x3 on 5x5 four
// times (14400).
// CHECK-LABEL: func.func @branch(
// CHECK-SAME: serenity.patches = {cached_groups = 1 : i64, column_patches = 2 : i64, group_ops = 14 : i64, groups = 1 : i64, macs_after = 14848 : i64, macs_before = 12544 : i64, patches = 2 : i64}
// CHECK: %[[C0:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x5x5x4xf32>
// CHECK: %[[P0:.*]] = tensor.pad %[[C0]] low[0, 1, 1, 0] high[0, 0, 0, 0]
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%[[P0]], %{{.*}} : tensor<1x6x6x4xf32>, tensor<3x3xf32>) {{.*}} -> tensor<1x4x4x4xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[C0]][0, 0, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK-NEXT: linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[S0]], %{{.*}} : tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>)
// CHECK: %[[CCOLS:.*]] = tensor.extract_slice %[[C0]][0, 0, 3, 0] [1, 5, 2, 4] [1, 1, 1, 1]
// CHECK: linalg.copy ins(%[[CCOLS]] : tensor<1x5x2x4xf32>)
// CHECK-NOT: linalg.copy ins(%{{.*}} : tensor<3x3xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 4, 4, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK-NEXT: return
// RECOMPUTE-LABEL: func.func @branch(
// RECOMPUTE-SAME: serenity.patches = {cached_groups = 0 : i64, column_patches = 2 : i64, group_ops = 14 : i64, groups = 1 : i64, macs_after = 17728 : i64, macs_before = 12544 : i64, patches = 2 : i64}
// RECOMPUTE-NOT: linalg.copy
// RECOMPUTE-COUNT-4: linalg.pooling_nhwc_max {{.*}} -> tensor<1x4x4x4xf32>
func.func @branch(%arg0: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %w = "tosa.const"() {values = dense<0.125> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %w1 = "tosa.const"() {values = dense<0.25> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %p = tosa.max_pool2d %c {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %q = tosa.conv2d %c, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %s = tosa.add %p, %q : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %s : tensor<1x8x8x4xf32>
}

// -----

// A stride-2 stem (3x3, no padding) on 9x9, then a 3x3 convolution (pad
// 1). Each output tile of 2x2 needs a 3x3 tile of the stem, which reads a
// 7x7 tile of the input (rows and columns 0-6 or 2-8). With halos cached,
// the top-right tile takes the stem's columns 1-2 from the top-left one's
// halo, and computes only its column 3 (input columns 6-8). MACs by hand: stem
// 4*4*4*3*3*3 = 1728, on 3 of 4 rows twice (2592), then 2304; recomputed,
// the stem on 3x3 four times (3888).
// CHECK-LABEL: func.func @stem(
// CHECK-SAME: serenity.patches = {cached_groups = 1 : i64, column_patches = 2 : i64, group_ops = 7 : i64, groups = 1 : i64, macs_after = 4896 : i64, macs_before = 4032 : i64, patches = 2 : i64}
// CHECK: tensor.extract_slice %arg0[0, 0, 0, 0] [1, 7, 7, 3] [1, 1, 1, 1]
// CHECK: linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} {{.*}} -> tensor<1x3x3x4xf32>
// CHECK: linalg.copy ins(%{{.*}} : tensor<1x3x2x4xf32>)
// CHECK: tensor.extract_slice %arg0[0, 0, 6, 0] [1, 7, 3, 3] [1, 1, 1, 1]
// CHECK-NEXT: linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} {{.*}} -> tensor<1x3x1x4xf32>
// RECOMPUTE-LABEL: func.func @stem(
// RECOMPUTE-SAME: serenity.patches = {cached_groups = 0 : i64, column_patches = 2 : i64, group_ops = 7 : i64, groups = 1 : i64, macs_after = 6192 : i64, macs_before = 4032 : i64, patches = 2 : i64}
// RECOMPUTE: tensor.extract_slice %arg0[0, 0, 0, 0] [1, 7, 7, 3] [1, 1, 1, 1]
// RECOMPUTE: tensor.extract_slice %arg0[0, 0, 2, 0] [1, 7, 7, 3] [1, 1, 1, 1]
// RECOMPUTE: tensor.extract_slice %arg0[0, 2, 0, 0] [1, 7, 7, 3] [1, 1, 1, 1]
// RECOMPUTE: tensor.extract_slice %arg0[0, 2, 2, 0] [1, 7, 7, 3] [1, 1, 1, 1]
// A grid of more columns of patches than the output has columns (4) is
// refused, with nothing changed.
// NOFIT: error: serenity-tile-spatial: 2x5 patches do not fit the first 7 ops
func.func @stem(%arg0: tensor<1x9x9x3xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<0.125> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %w2 = "tosa.const"() {values = dense<0.25> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x9x9x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %d = tosa.conv2d %c, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %d : tensor<1x4x4x4xf32>
}
