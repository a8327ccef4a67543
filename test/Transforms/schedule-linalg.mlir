// Linalg on tensors: ops without activation inputs (tensor.empty, fills,
// bias broadcasts) are glued to the op that reads them
// (docs/memory-model.md): --serenity-schedule places them right before it, and
// the bufferized model counts their buffers where bufferization allocates
// them. A pooling window (a tensor.empty read as an ordinary operand) is a
// temporary of the pooling op.

// RUN: serenity-opt %s --serenity-schedule=memory-model=bufferized | FileCheck %s
// RUN: serenity-opt %s --serenity-pipeline=keep-reports=1 | FileCheck %s --check-prefix=ARENA
// RUN: serenity-opt %s --serenity-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=LASTUSE

// The demo network lowered to Linalg (426 ops) is proven optimal at the peak
// its TOSA form is proven at (655,360 bytes), where without glue the search
// stopped at 2,000,000 states in the written order (786,432 bytes).
// RUN: serenity-opt %demo --tosa-to-linalg-pipeline | serenity-opt --serenity-schedule 2>&1 | FileCheck %s --check-prefix=DEMO
// RUN: serenity-opt %demo --tosa-to-linalg-pipeline | serenity-opt --serenity-schedule=memory-model=bufferized 2>&1 | FileCheck %s --check-prefix=DEMO

// DEMO-NOT: warning

// A search stopped at its limit says so, with the gap to the lower bound.
// RUN: serenity-opt %demo --tosa-to-linalg-pipeline | serenity-opt --serenity-schedule=max-states=100 -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIMIT
// LIMIT: warning: serenity-schedule: the search stopped at its limit (time-limit-ms=60000, max-states=100) after {{[0-9]+}} states; the best order found peaks at {{[0-9]+}} bytes, {{[0-9]+}} above the lower bound {{[0-9]+}}; raise the limits to search on
// DEMO: serenity.schedule = #serenity.schedule<peak = 655360, input_peak = 786432, lower_bound = 655360, algorithm = optimal, produced_by = optimal, model = {{strict|bufferized}}, status = optimal

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>

// Written with every materialization first. Nodes: the convolution (a new
// 512-byte buffer: its init is the glued broadcast's) and the pooling op
// (its result is returned: caller-owned; its window, 2x2xf32, is a 16-byte
// temporary). Peak: 512 + 16 while the pool runs.
// CHECK-LABEL: func.func @glued
// CHECK-SAME: peak = 528, input_peak = 528, lower_bound = 528
// CHECK: %[[E0:.+]] = tensor.empty() : tensor<1x4x4x8xf32>
// CHECK-NEXT: %[[BIAS:.+]] = linalg.generic
// CHECK-SAME: outs(%[[E0]]
// CHECK: %[[CONV:.+]] = linalg.conv_2d_nhwc_fhwc
// CHECK-SAME: outs(%[[BIAS]]
// CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<1x2x2x8xf32>
// CHECK-NEXT: %[[INIT:.+]] = linalg.fill {{.*}} outs(%[[E1]]
// CHECK-NEXT: %[[WINDOW:.+]] = tensor.empty() : tensor<2x2xf32>
// CHECK-NEXT: linalg.pooling_nhwc_max {{.*}} ins(%[[CONV]], %[[WINDOW]] {{.*}} outs(%[[INIT]]
// CHECK-NEXT: return

// The arena that runs holds the same: the convolution's buffer and the
// window.
// ARENA-LABEL: func.func @glued
// ARENA-SAME: serenity.arena<bytes = 528, live_bound = 528, buffers = 2,
// ARENA-SAME: serenity.schedule<peak = 528,
// Bufferization allocates each buffer where its tensor.empty stood: right
// before its first writer, so freeing each after its last use gives the same
// peak.
// LASTUSE: remark: serenity-plan-memory: arena of 528 bytes for 2 buffers, live-bytes bound 528, exact (optimal); a heap that allocates each buffer where its alloc stands (tile buffers hoisted out of their loops too) and frees it after its last use would peak at 528 bytes
func.func @glued(%x: tensor<1x4x4x8xf32>) -> tensor<1x2x2x8xf32> {
  %ninf = arith.constant -3.40282347E+38 : f32
  %w = arith.constant dense<0.5> : tensor<8x1x1x8xf32>
  %b = arith.constant dense<0.25> : tensor<8xf32>
  %e0 = tensor.empty() : tensor<1x4x4x8xf32>
  %bias = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<8xf32>) outs(%e0 : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x8xf32>
  %e1 = tensor.empty() : tensor<1x2x2x8xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32>
  %window = tensor.empty() : tensor<2x2xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x8xf32>, tensor<8x1x1x8xf32>) outs(%bias : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %pool = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%conv, %window : tensor<1x4x4x8xf32>, tensor<2x2xf32>) outs(%init : tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32>
  return %pool : tensor<1x2x2x8xf32>
}

// A broadcast read by two ops is not glued: it stays a node, and the search
// places it.
// CHECK-LABEL: func.func @shared
// CHECK-SAME: peak = 1024
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: linalg.generic
func.func @shared(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %b = arith.constant dense<0.25> : tensor<8xf32>
  %e0 = tensor.empty() : tensor<1x4x4x8xf32>
  %bias = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<8xf32>) outs(%e0 : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x8xf32>
  %e1 = tensor.empty() : tensor<1x4x4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %bias : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%e1 : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = arith.addf %in, %in2 : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  %e2 = tensor.empty() : tensor<1x4x4x8xf32>
  %twice = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%sum, %bias : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%e2 : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = arith.addf %in, %in2 : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  return %twice : tensor<1x4x4x8xf32>
}

// tensor.extract_slice becomes a memref.subview that its reader reads in
// place: under `bufferized` the slices alias the ReLU's buffer (1024 bytes),
// as the arena that runs holds it; the sum is returned (caller-owned).
// CHECK-LABEL: func.func @sliced
// CHECK-SAME: peak = 1024, input_peak = 1024, lower_bound = 1024
// ARENA-LABEL: func.func @sliced
// ARENA-SAME: serenity.arena<bytes = 1024, live_bound = 1024, buffers = 1,
// ARENA-SAME: serenity.schedule<peak = 1024,
func.func @sliced(%x: tensor<1x4x4x16xf32>) -> tensor<1x4x4x8xf32> {
  %e0 = tensor.empty() : tensor<1x4x4x16xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x4x4x16xf32>) outs(%e0 : tensor<1x4x4x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x16xf32>
  %lo = tensor.extract_slice %relu[0, 0, 0, 0] [1, 4, 4, 8] [1, 1, 1, 1] : tensor<1x4x4x16xf32> to tensor<1x4x4x8xf32>
  %hi = tensor.extract_slice %relu[0, 0, 0, 8] [1, 4, 4, 8] [1, 1, 1, 1] : tensor<1x4x4x16xf32> to tensor<1x4x4x8xf32>
  %e1 = tensor.empty() : tensor<1x4x4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%lo, %hi : tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) outs(%e1 : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x8xf32>
  return %sum : tensor<1x4x4x8xf32>
}

// A tensor.pad whose copy only a convolution reads (its results no larger
// than the pad's input or the copy) is glued to it: one node that pads,
// then convolves (docs/memory-model.md). Here no 3x3 window lies inside the
// 2x2 map and a convolution reads every channel, so the copy is made
// (--serenity-pad-free-windows leaves the op as it is). Strict: the
// argument (128 bytes) and the copy (1x4x4x8, 512) while padding; the copy
// and the returned result (128) while convolving, the argument freed.
// Bufferized: the copy alone (the argument and the result are the
// caller's).
// RUN: serenity-opt %s --serenity-liveness=memory-model=strict 2>&1 | FileCheck %s --check-prefix=PADS
// PADS-LABEL: @padded_conv (model strict, 1 ops
// PADS-NOT: tensor.pad
// PADS: linalg.conv_2d_nhwc_fhwc
// PADS: peak: 640 bytes
// A depthwise convolution there runs one channel at a time, padding that
// channel alone: its pad is a view of its input, a node of its own, and
// the op holds one padded channel (1x4x4x1, 64 bytes) under `bufferized`.
// Strict counts the copy, as a runtime that pads does.
// PADS-LABEL: @padded_depthwise (model strict, 2 ops
// PADS: tensor.pad
// PADS: peak: 640 bytes
// A convolution that makes more bytes than the pad's input keeps its pad a
// node of its own.
// PADS-LABEL: @padded_widening (model strict, 2 ops
// PADS: tensor.pad
// PADS: linalg.conv_2d_nhwc_fhwc
// A pad that --serenity-pad-free-windows removes (a 4x4 map has an
// interior) is a node of its own, a view of its input under `bufferized`:
// the convolution reads the input in place and holds one border strip at a
// time (the top: 3 of the 6 padded rows, 1x3x6x8, 576 bytes). Strict counts
// the copy, as a runtime that pads does (1664 bytes while padding).
// PADS-LABEL: @padded_depthwise_split (model strict, 2 ops
// PADS: tensor.pad
// PADS: peak: 1664 bytes
// CHECK-LABEL: func.func @padded_conv
// CHECK-SAME: peak = 512
// CHECK: tensor.pad
// CHECK: } : tensor<1x2x2x8xf32> to tensor<1x4x4x8xf32>
// CHECK-NEXT: linalg.conv_2d_nhwc_fhwc
// CHECK-LABEL: func.func @padded_depthwise
// CHECK-SAME: peak = 64
// CHECK-LABEL: func.func @padded_depthwise_split
// CHECK-SAME: peak = 576
func.func @padded_conv(%x: tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<8x3x3x8xf32>
  %e = tensor.empty() : tensor<1x2x2x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32>
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x2x8xf32> to tensor<1x4x4x8xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : tensor<1x4x4x8xf32>, tensor<8x3x3x8xf32>) outs(%init : tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32>
  return %y : tensor<1x2x2x8xf32>
}

func.func @padded_depthwise(%x: tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<3x3x8xf32>
  %e = tensor.empty() : tensor<1x2x2x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32>
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x2x8xf32> to tensor<1x4x4x8xf32>
  %dw = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : tensor<1x4x4x8xf32>, tensor<3x3x8xf32>) outs(%init : tensor<1x2x2x8xf32>) -> tensor<1x2x2x8xf32>
  return %dw : tensor<1x2x2x8xf32>
}

func.func @padded_widening(%x: tensor<1x2x2x8xf32>) -> tensor<1x2x2x32xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<32x3x3x8xf32>
  %e = tensor.empty() : tensor<1x2x2x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x2x32xf32>) -> tensor<1x2x2x32xf32>
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x2x8xf32> to tensor<1x4x4x8xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : tensor<1x4x4x8xf32>, tensor<32x3x3x8xf32>) outs(%init : tensor<1x2x2x32xf32>) -> tensor<1x2x2x32xf32>
  return %conv : tensor<1x2x2x32xf32>
}

func.func @padded_depthwise_split(%x: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<3x3x8xf32>
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x8xf32> to tensor<1x6x6x8xf32>
  %dw = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : tensor<1x6x6x8xf32>, tensor<3x3x8xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %dw : tensor<1x4x4x8xf32>
}
