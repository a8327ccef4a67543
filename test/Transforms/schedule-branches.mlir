// RUN: serenity-opt %s --serenity-schedule | FileCheck %s
// RUN: serenity-opt %s --serenity-schedule="algorithm=program" | FileCheck %s --check-prefix=PROGRAM
// RUN: serenity-opt %s --serenity-schedule="algorithm=best-heuristic" | FileCheck %s --check-prefix=HEURISTIC

// Two branches widen the 1 KiB input to 4 KiB and narrow it again. Written
// breadth-first (as a converter emits it), both wide tensors are live at once:
// 1024 + 4096 + 4096 = 9216 bytes. Finishing one branch before starting the
// other needs 1024 + 4096 + 1024 = 6144. The reverse post-order finds that
// order; the search proves no order is lower. The static lower bound is the
// widest single op: 1024 + 4096 = 5120.

// CHECK-LABEL: func.func @two_branches
// CHECK-SAME: serenity.schedule = #serenity.schedule<peak = 6144, input_peak = 9216, lower_bound = 6144, algorithm = optimal, produced_by = rpo, model = strict, status = optimal, states = {{[0-9]+}}>
// CHECK-NEXT: %[[WIDE:.*]] = "tosa.const"()
// CHECK-NEXT: %[[NARROW:.*]] = "tosa.const"()
// CHECK-NEXT: %[[BIAS16:.*]] = "tosa.const"()
// CHECK-NEXT: %[[BIAS4:.*]] = "tosa.const"()
// CHECK-NEXT: %[[ZP:.*]] = "tosa.const"()
// CHECK-NEXT: %[[B1:.*]] = tosa.conv2d %arg0, %[[WIDE]]
// CHECK-NEXT: %[[B2:.*]] = tosa.conv2d %[[B1]], %[[NARROW]]
// CHECK-NEXT: %[[A1:.*]] = tosa.conv2d %arg0, %[[WIDE]]
// CHECK-NEXT: %[[A2:.*]] = tosa.conv2d %[[A1]], %[[NARROW]]
// CHECK-NEXT: %[[CAT:.*]] = tosa.concat %[[A2]], %[[B2]]
// CHECK-NEXT: return %[[CAT]]

// PROGRAM: serenity.schedule = #serenity.schedule<peak = 9216, input_peak = 9216, lower_bound = 5120, algorithm = program, produced_by = program, model = strict, status = heuristic, states = 0>
// HEURISTIC: serenity.schedule = #serenity.schedule<peak = 6144, input_peak = 9216, lower_bound = 5120, algorithm = "best-heuristic", produced_by = rpo, model = strict, status = heuristic, states = 0>

func.func @two_branches(%arg0: tensor<1x8x8x4xf32>) -> tensor<1x8x8x8xf32> {
  %wide = "tosa.const"() {values = dense<0.25> : tensor<16x1x1x4xf32>} : () -> tensor<16x1x1x4xf32>
  %narrow = "tosa.const"() {values = dense<0.5> : tensor<4x1x1x16xf32>} : () -> tensor<4x1x1x16xf32>
  %bias16 = "tosa.const"() {values = dense<0.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %bias4 = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %a1 = tosa.conv2d %arg0, %wide, %bias16, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<16x1x1x4xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x16xf32>
  %b1 = tosa.conv2d %arg0, %wide, %bias16, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<16x1x1x4xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x16xf32>
  %a2 = tosa.conv2d %a1, %narrow, %bias4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<4x1x1x16xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %b2 = tosa.conv2d %b1, %narrow, %bias4, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<4x1x1x16xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %cat = tosa.concat %a2, %b2 {axis = 3 : i32} : (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x8xf32>
  return %cat : tensor<1x8x8x8xf32>
}
