// --serenity-pipeline: TOSA in, planned memref IR out, which stock mlir-opt
// reads (the reports are dropped; their figures are remarks).
// RUN: serenity-opt %s --serenity-pipeline 2>%t.remarks | mlir-opt | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t.remarks
// The same pipeline from stock mlir-opt with the plugin.
// RUN: mlir-opt %s --load-pass-plugin=%serenity_plugin --pass-pipeline="builtin.module(serenity-pipeline)" 2>/dev/null | FileCheck %s
// Kept reports are Serenity's attributes: stock mlir-opt rejects them until
// --serenity-drop-reports removes them.
// RUN: serenity-opt %s --serenity-pipeline="keep-reports=1" 2>/dev/null | FileCheck %s --check-prefix=KEPT
// RUN: serenity-opt %s --serenity-pipeline="keep-reports=1" 2>/dev/null | not mlir-opt 2>&1 | FileCheck %s --check-prefix=REJECTED
// RUN: serenity-opt %s --serenity-pipeline="keep-reports=1" 2>/dev/null | serenity-opt --serenity-drop-reports | mlir-opt | FileCheck %s
// RUN: not serenity-opt %s --serenity-pipeline="placement=first-fit" 2>&1 | FileCheck %s --check-prefix=INVALID
// The pipeline's options reach its passes; the rewrite keeps its own time
// limit unless one is given.
// RUN: serenity-opt %s --serenity-pipeline="algorithm=program time-limit-ms=5 max-states=7 placement-time-limit-ms=9 rewrite=1" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=OPTIONS
// OPTIONS: serenity-rewrite{memory-model=bufferized mode=memory-aware {{.*}}time-limit-ms=5}
// OPTIONS-NEXT: serenity-fuse-requantize{reuse-tile-loops=true tile-window-ops=true write-parts-in-place=false},
// OPTIONS-NEXT: serenity-schedule{algorithm=program {{.*}}max-states=7 memory-model=bufferized time-limit-ms=5}
// OPTIONS: serenity-plan-memory{algorithm=exact alignment=16 arena=global io-in-arena=false time-limit-ms=9}
// RUN: serenity-opt %s --serenity-pipeline="rewrite=1" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=DEFAULTS
// DEFAULTS: serenity-rewrite{memory-model=bufferized mode=memory-aware {{.*}}time-limit-ms=10000}
// DEFAULTS-NEXT: serenity-fuse-requantize{reuse-tile-loops=true tile-window-ops=true write-parts-in-place=false},
// DEFAULTS-NEXT: serenity-schedule{algorithm=optimal {{.*}}max-states=2000000 memory-model=bufferized time-limit-ms=60000}
// DEFAULTS: serenity-plan-memory{algorithm=exact alignment=16 arena=global io-in-arena=false time-limit-ms=1000}
// fuse-requantize=0 lowers int8 as upstream does and schedules for it.
// RUN: serenity-opt %s --serenity-pipeline="fuse-requantize=0" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNFUSED
// UNFUSED: serenity-schedule{{.*}} fuse-requantize=false
// UNFUSED-NOT: serenity-fuse-requantize
// UNFUSED: one-shot-bufferize
// tile-spatial=1 runs --serenity-tile-spatial between TOSA to Linalg and
// bufferization, with the budget and the arena's alignment, on Linalg whose
// int8 element-wise chains are fused (bands of whole ops), estimating each
// candidate with its convolutions tiled with their requantization, which
// happens after it, in each band. Tile loops' buffers are hoisted out of
// them; before bufferization, padded window ops are split so as to read
// their inputs in place (--serenity-pad-free-windows). tile-time-limit-ms
// bounds the pass's search (its time-limit-ms).
// RUN: serenity-opt %s --serenity-pipeline="tile-spatial=1 max-extra-macs=7.5 halos=cache alignment=32 tile-time-limit-ms=700" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=TILE
// TILE: func.func(
// TILE-NEXT: serenity-schedule
// TILE: tosa-to-arith{include-apply-rescale=true use-32-bit=false},
// TILE-NEXT: tosa-to-tensor
// TILE-NEXT: ),
// TILE-NEXT: func.func(
// TILE-NEXT: serenity-fuse-requantize{reuse-tile-loops=true tile-window-ops=false write-parts-in-place=false},
// TILE-NEXT: serenity-tile-spatial{alignment=32 column-patches=0 fuse-requantize=true group-ops=0 halos=cache max-estimates=0 max-extra-macs=7.500000e+00 memory-aware=true patches=0 report-candidates=false time-limit-ms=700 verify-arena=false},
// TILE-NEXT: serenity-fuse-requantize{reuse-tile-loops=true tile-window-ops=true write-parts-in-place=true}
// TILE-NEXT: ),
// TILE-NEXT: func.func(
// TILE-NEXT: serenity-pad-free-windows
// TILE-NEXT: ),
// TILE-NEXT: one-shot-bufferize
// TILE-NEXT: func.func(
// TILE-NEXT: buffer-loop-hoisting,
// TILE-NEXT: serenity-simplify-tile-loops
// TILE-NEXT: ),
// TILE-NEXT: buffer-results-to-out-params

// Three 1x4x4x4 f32 maps (256 bytes each): the two branches, then their sum
// written straight into the caller's out-param. As written, both branch
// results are live with the sum's inputs; the arena holds two of them.
// CHECK: memref.global "private" @__serenity_arena_branches : memref<512xi8> = uninitialized {alignment = 16 : i64}
// CHECK-LABEL: func.func @branches
// CHECK-SAME: (%{{.*}}: memref<1x4x4x4xf32>, %[[OUT:.*]]: memref<1x4x4x4xf32>)
// CHECK-NOT: serenity.
// CHECK: memref.get_global @__serenity_arena_branches
// CHECK-COUNT-2: memref.view
// CHECK-NOT: memref.alloc
// CHECK: outs(%[[OUT]] : memref<1x4x4x4xf32>)
// CHECK-NOT: memref.alloc
// CHECK: return

// REMARK: remark: serenity-plan-memory: arena of 512 bytes for 2 buffers, live-bytes bound 512, exact (optimal)

// KEPT: serenity.arena = #serenity.arena<bytes = 512, live_bound = 512, buffers = 2, alignment = 16, algorithm = exact
// KEPT-SAME: serenity.schedule = #serenity.schedule<
// REJECTED: error: #"serenity"<"arena<{{.*}}attribute created with unregistered dialect
// INVALID: error: serenity-pipeline: 'first-fit' is not a value of placement (choose exact, tflm-greedy, tflite-arena, tvm-greedy, iree-in-order)

func.func @branches(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %a = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %b = tosa.sigmoid %x : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %s = tosa.add %a, %b : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %s : tensor<1x4x4x4xf32>
}
