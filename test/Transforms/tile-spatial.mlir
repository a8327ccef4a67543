// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{memory-aware=0 patches=2 halos=recompute}))" | FileCheck %s
// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{halos=recompute verify-arena=1}))" --mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s --check-prefix=AWARE --implicit-check-not=warning:
// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{verify-arena=1}))" --mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s --check-prefix=AUTO --implicit-check-not=warning:
// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{memory-aware=0 patches=2 halos=cache}))" | FileCheck %s --check-prefix=CACHE
// RUN: serenity-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},tosa-to-tensor,serenity-tile-spatial{report-candidates=1}))" --mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s --check-prefix=CANDIDATES

// Two 3x3 convolutions (pad 1) on 8 rows, in 2 patches of 4 output rows.
// The second reads rows 0-4 (patch 0) and 3-7 (patch 1) of the first, which
// read rows 0-5 and 2-7 of the input: the first's band has 5 rows, its
// padding only on the image's edge. MACs by hand: each convolution
// 8*8*4*3*3*4 = 9216; the first runs on 5 + 5 rows: 9216 * 10 / 8 = 11520.
// The output's rows are computed where they go (slices of one tensor,
// which starts where the first patch writes it).
// CHECK-LABEL: func.func @chain(
// CHECK-SAME: serenity.patches = {cached_groups = 0 : i64, group_ops = 8 : i64, groups = 1 : i64, macs_after = 20736 : i64, macs_before = 18432 : i64, patches = 2 : i64}
// CHECK: %[[IN0:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [1, 6, 8, 4] [1, 1, 1, 1]
// CHECK-NEXT: %[[PAD0:.*]] = tensor.pad %[[IN0]] low[0, 1, 1, 0] high[0, 0, 1, 0]
// CHECK: %[[C0:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PAD0]], %{{.*}} : tensor<1x7x10x4xf32>, tensor<4x3x3x4xf32>) {{.*}} -> tensor<1x5x8x4xf32>
// CHECK-NEXT: %[[MID0:.*]] = tensor.pad %[[C0]] low[0, 1, 1, 0] high[0, 0, 1, 0]
// CHECK: %[[OUT:.*]] = tensor.empty() : tensor<1x8x8x4xf32>
// CHECK-NEXT: %[[DST0:.*]] = tensor.extract_slice %[[OUT]][0, 0, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1]
// CHECK-NEXT: %[[BIAS0:.*]] = linalg.generic {{.*}} outs(%[[DST0]] : tensor<1x4x8x4xf32>)
// CHECK: %[[D0:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[MID0]], %{{.*}} : tensor<1x6x10x4xf32>, tensor<4x3x3x4xf32>) outs(%[[BIAS0]] : tensor<1x4x8x4xf32>)
// CHECK-NEXT: %[[OUT1:.*]] = tensor.insert_slice %[[D0]] into %[[OUT]][0, 0, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1]
// CHECK-NEXT: %[[IN1:.*]] = tensor.extract_slice %arg0[0, 2, 0, 0] [1, 6, 8, 4] [1, 1, 1, 1]
// CHECK-NEXT: %[[PAD1:.*]] = tensor.pad %[[IN1]] low[0, 0, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[C1:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PAD1]], %{{.*}} : tensor<1x7x10x4xf32>, tensor<4x3x3x4xf32>) {{.*}} -> tensor<1x5x8x4xf32>
// CHECK-NEXT: %[[MID1:.*]] = tensor.pad %[[C1]] low[0, 0, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[DST1:.*]] = tensor.extract_slice %[[OUT1]][0, 4, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1]
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[MID1]], %{{.*}} : tensor<1x6x10x4xf32>, tensor<4x3x3x4xf32>)
// CHECK-NEXT: %[[OUT2:.*]] = tensor.insert_slice %{{.*}} into %[[OUT1]][0, 4, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1]
// CHECK-NEXT: return %[[OUT2]]
// The AWARE and AUTO runs have verify-arena=1: every function is also
// bufferized as it is and as tiled, and a warning would say where the
// memory model's arena is not the live-bytes bound of the buffers (none
// is; test/Transforms/tile-spatial-verify.mlir shows one).
// Memory-aware (the default), the patches are kept: the arena's bound
// falls from the first convolution's output and the second's largest
// border strip (1024 + 1x3x10x4, 480 bytes; bufferized, each padded
// convolution reads its input in place) to 1120.
// AWARE: remark: serenity-tile-spatial: 8 ops in 1 group(s), at most 2 patches: arena 1504 -> 1120 bytes (modeled), MACs 18432 -> 20736 (+12.5%)
// By default (halos=auto), halos are cached where recomputing them costs
// more than the budget, and each band of a group that opens the body is
// also tried in 2 and 4 tiles of columns, the halos along columns cached
// (the MACs of the bands alone). Here the 2 bands in 4 tiles of 2 columns
// are the lowest (736 bytes): lower than the 2 bands alone (1120), than 2
// tiles of 4 columns (848) and than 8 bands of one output row with halos
// cached (1120, for no extra MACs). test/Transforms/tile-spatial-grid.mlir
// shows the tiles.
// AUTO: remark: serenity-tile-spatial: 8 ops in 1 group(s), at most 2 patches, each band in up to 4 columns: arena 1504 -> 736 bytes (modeled), MACs 18432 -> 20736 (+12.5%), halos cached in 1
// report-candidates=1 lists what the pass measured (benchmarks/
// patches_pareto.py plots it): the function as it is, the whole chain in 2
// patches with halos recomputed, in 2 and 4 columns of patches a band (the
// one kept), and in 8 with halos cached. And what it did not measure: the
// first convolution alone leaves the second's 1504 bytes as they are, and
// the chain in 8 patches with halos cached, measured first, does as well
// at no more MACs.
// CANDIDATES: remark: serenity-tile-spatial: as it is: arena 1504 bytes (modeled), MACs 18432
// CANDIDATES: remark: serenity-tile-spatial: candidate 8 ops from 0 in 2 patches, halos recomputed: arena 1120 bytes (modeled), MACs 20736
// CANDIDATES: remark: serenity-tile-spatial: candidate 8 ops from 0 in 2 patches of 2 columns, halos cached: arena 848 bytes (modeled), MACs 20736
// CANDIDATES: remark: serenity-tile-spatial: candidate 8 ops from 0 in 2 patches of 4 columns, halos cached: arena 736 bytes (modeled), MACs 20736
// CANDIDATES: remark: serenity-tile-spatial: candidate 4 ops from 0 in 3 patches, halos recomputed: not measured: at least 1504 bytes live outside the group, at 18432 MACs; a measured one does as well
// CANDIDATES: remark: serenity-tile-spatial: candidate 8 ops from 0 in 8 patches, halos cached: arena 1120 bytes (modeled), MACs 18432
// CANDIDATES: remark: serenity-tile-spatial: 8 ops in 1 group(s), at most 2 patches, each band in up to 4 columns: arena 1504 -> 736 bytes
//
// With halos cached, patch 0 is computed as above, but the first
// convolution's output keeps its last 2 rows (3-4) in a copy: patch 1
// computes only its rows 5-7 (3 rows, from input rows 4-7), written in
// place after the cached rows. The pads are made again from the bands
// (they cost no MACs, and read by their convolution alone they are no
// copy once bufferized). MACs: every row once.
// CACHE-LABEL: func.func @chain(
// CACHE-SAME: serenity.patches = {cached_groups = 1 : i64, group_ops = 8 : i64, groups = 1 : i64, macs_after = 18432 : i64, macs_before = 18432 : i64, patches = 2 : i64}
// CACHE: %[[IN0:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [1, 6, 8, 4] [1, 1, 1, 1]
// CACHE-NEXT: %[[PAD0:.*]] = tensor.pad %[[IN0]] low[0, 1, 1, 0] high[0, 0, 1, 0]
// CACHE: %[[C0:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PAD0]], %{{.*}} : tensor<1x7x10x4xf32>, tensor<4x3x3x4xf32>) {{.*}} -> tensor<1x5x8x4xf32>
// CACHE-NEXT: %[[MID0:.*]] = tensor.pad %[[C0]] low[0, 1, 1, 0] high[0, 0, 1, 0]
// CACHE: %[[ROWS0:.*]] = tensor.extract_slice %[[C0]][0, 3, 0, 0] [1, 2, 8, 4] [1, 1, 1, 1]
// CACHE-NEXT: %[[EMPTY0:.*]] = tensor.empty() : tensor<1x2x8x4xf32>
// CACHE-NEXT: %[[HALO0:.*]] = linalg.copy ins(%[[ROWS0]] : tensor<1x2x8x4xf32>) outs(%[[EMPTY0]] : tensor<1x2x8x4xf32>)
// CACHE: linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[MID0]], %{{.*}} : tensor<1x6x10x4xf32>, tensor<4x3x3x4xf32>) {{.*}} -> tensor<1x4x8x4xf32>
// CACHE: %[[IN1:.*]] = tensor.extract_slice %arg0[0, 4, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1]
// CACHE-NEXT: %[[PAD1:.*]] = tensor.pad %[[IN1]] low[0, 0, 1, 0] high[0, 1, 1, 0]
// CACHE: %[[BAND:.*]] = tensor.empty() : tensor<1x5x8x4xf32>
// CACHE-NEXT: %[[WITHHALO:.*]] = tensor.insert_slice %[[HALO0]] into %[[BAND]][0, 0, 0, 0] [1, 2, 8, 4] [1, 1, 1, 1]
// CACHE-NEXT: %[[PART:.*]] = tensor.extract_slice %[[WITHHALO]][0, 2, 0, 0] [1, 3, 8, 4] [1, 1, 1, 1]
// CACHE: %[[C1:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[PAD1]], %{{.*}} : tensor<1x5x10x4xf32>, tensor<4x3x3x4xf32>) {{.*}} -> tensor<1x3x8x4xf32>
// CACHE-NEXT: %[[FULL:.*]] = tensor.insert_slice %[[C1]] into %[[WITHHALO]][0, 2, 0, 0] [1, 3, 8, 4] [1, 1, 1, 1]
// CACHE-NEXT: %[[MID1:.*]] = tensor.pad %[[FULL]] low[0, 0, 1, 0] high[0, 1, 1, 0]
// CACHE: linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[MID1]], %{{.*}} : tensor<1x6x10x4xf32>, tensor<4x3x3x4xf32>) {{.*}} -> tensor<1x4x8x4xf32>
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
// same 3x3 convolution; the band of the convolution is what both read
// (rows 0-4 for the pool in patch 0, 0-3 for the 1x1), computed once. MACs
// by hand: 3x3 convolution 9216 (on 5 + 5 of 8 rows: 11520), pool windows
// 8*8*4*3*3 = 2304, 1x1 convolution 8*8*4*4 = 1024.
// CHECK-LABEL: func.func @branch(
// CHECK-SAME: serenity.patches = {cached_groups = 0 : i64, group_ops = 14 : i64, groups = 1 : i64, macs_after = 14848 : i64, macs_before = 12544 : i64, patches = 2 : i64}
// CHECK: %[[C0:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x5x8x4xf32>
// CHECK-NEXT: %[[P0:.*]] = tensor.pad %[[C0]] low[0, 1, 1, 0] high[0, 0, 1, 0]
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%[[P0]], %{{.*}} : tensor<1x6x10x4xf32>, tensor<3x3xf32>) {{.*}} -> tensor<1x4x8x4xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[C0]][0, 0, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1] : tensor<1x5x8x4xf32> to tensor<1x4x8x4xf32>
// CHECK-NEXT: linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[S0]], %{{.*}} : tensor<1x4x8x4xf32>, tensor<4x1x1x4xf32>)
// CHECK: %[[C1:.*]] = linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x5x8x4xf32>
// CHECK-NEXT: %[[P1:.*]] = tensor.pad %[[C1]] low[0, 0, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%[[P1]], %{{.*}} : tensor<1x6x10x4xf32>, tensor<3x3xf32>)
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[C1]][0, 1, 0, 0] [1, 4, 8, 4] [1, 1, 1, 1] : tensor<1x5x8x4xf32> to tensor<1x4x8x4xf32>
// CHECK-NEXT: linalg.conv_2d_nhwc_fhwc {{.*}} ins(%[[S1]], %{{.*}} : tensor<1x4x8x4xf32>, tensor<4x1x1x4xf32>)
// CHECK-COUNT-1: tensor.insert_slice %{{.*}}[0, 4, 0, 0] [1, 4, 8, 4]
// CHECK-NEXT: return
// With halos recomputed, the 3x3 convolution's group in 2 patches and the
// pool's and 1x1's alone in 8 (the 3x3's output whole) both model 1680
// bytes: the pass keeps the one of fewer MACs (no extra).
// AWARE: remark: serenity-tile-spatial: 10 ops in 1 group(s), at most 8 patches: arena 3072 -> 1680 bytes (modeled), MACs 12544 -> 12544 (+0.0%)
// By default, the 2 bands in 4 tiles of 2 columns each, as in @chain.
// AUTO: remark: serenity-tile-spatial: 14 ops in 1 group(s), at most 2 patches, each band in up to 4 columns: arena 3072 -> 736 bytes (modeled), MACs 12544 -> 14848 (+18.4%), halos cached in 1
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

// A stride-2 stem (3x3, no padding) on 9 rows, then a 3x3 convolution
// (pad 1): output rows 0-1 need stem rows 0-2, which read input rows 0-6;
// rows 2-3 need stem rows 1-3, input rows 2-8. MACs by hand: stem
// 4*4*4*3*3*3 = 1728 (on 3 + 3 of 4 rows: 2592), then 4*4*4*3*3*4 = 2304.
// CHECK-LABEL: func.func @stem(
// CHECK-SAME: serenity.patches = {cached_groups = 0 : i64, group_ops = 7 : i64, groups = 1 : i64, macs_after = 4896 : i64, macs_before = 4032 : i64, patches = 2 : i64}
// CHECK: tensor.extract_slice %arg0[0, 0, 0, 0] [1, 7, 9, 3] [1, 1, 1, 1]
// CHECK-NEXT: linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} {{.*}} -> tensor<1x3x4x4xf32>
// CHECK: tensor.extract_slice %arg0[0, 2, 0, 0] [1, 7, 9, 3] [1, 1, 1, 1]
// CHECK-NEXT: linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} {{.*}} -> tensor<1x3x4x4xf32>
// Memory-aware, the patches with halos recomputed would add 21.4% MACs,
// over the default budget of 20%: the function is left as it was.
// The remark says why: with halos recomputed, no grouping fits the budget.
// AWARE: remark: serenity-tile-spatial: no tiling lowers the arena (544 bytes, modeled) within +20.00% MACs; left as it is: the halos of every grouping that holds the peak (7 tried) need more MACs (raise max-extra-macs, or let halos be cached)
// Cached halos cost no MACs, but the second convolution reads its input in
// place (no padded copy: 256 + 1x3x6x4, 288 bytes) and no patches go below
// that.
// AUTO: remark: serenity-tile-spatial: no tiling lowers the arena (544 bytes, modeled) within +20.00% MACs; left as it is: the best of 2 candidates: 4 patches of ops 0-6 model 544 bytes at 0.00% MACs
func.func @stem(%arg0: tensor<1x9x9x3xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<0.125> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %w2 = "tosa.const"() {values = dense<0.25> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %arg0, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x9x9x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %d = tosa.conv2d %c, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %d : tensor<1x4x4x4xf32>
}

// -----

// A group in the middle of the body: the transpose first is no band (its
// rows are the input's columns), and the peak is the second convolution's
// largest border strip (1x3x10x16, 1920 bytes) next to the first's output
// (4096); bufferized, neither convolution copies its input whole. With
// halos recomputed, the pass tiles both convolutions in 2 patches (+12.5%
// MACs). By default, those 2 bands in 8 tiles of one column each are
// lower (2624 bytes; in 4 tiles of 2 columns, 2880) than 8 bands of one row
// with halos cached (4224, for no extra MACs).
// AWARE: remark: serenity-tile-spatial: 10 ops in 1 group(s), at most 2 patches: arena 6016 -> 4480 bytes (modeled), MACs 73728 -> 82944 (+12.5%)
// AUTO: remark: serenity-tile-spatial: 10 ops in 1 group(s), at most 2 patches, each band in up to 8 columns: arena 6016 -> 2624 bytes (modeled), MACs 73728 -> 82944 (+12.5%), halos cached in 1
// CHECK-LABEL: func.func @middle(
func.func @middle(%arg0: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %w1 = "tosa.const"() {values = dense<0.125> : tensor<16x3x3x4xf32>} : () -> tensor<16x3x3x4xf32>
  %w2 = "tosa.const"() {values = dense<0.125> : tensor<4x3x3x16xf32>} : () -> tensor<4x3x3x16xf32>
  %b16 = "tosa.const"() {values = dense<0.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %b4 = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t = tosa.transpose %arg0 {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %c1 = tosa.conv2d %t, %w1, %b16, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<16x3x3x4xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x16xf32>
  %c2 = tosa.conv2d %c1, %w2, %b4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<4x3x3x16xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  return %c2 : tensor<1x8x8x4xf32>
}
