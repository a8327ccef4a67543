// RUN: serenity-opt %s --split-input-file --serenity-rewrite | FileCheck %s
// RUN: serenity-opt %s --split-input-file --serenity-rewrite --serenity-schedule | FileCheck %s --check-prefix=SCHEDULED
// RUN: serenity-opt %s --split-input-file --serenity-rewrite -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK

// After a rewrite, input_peak is the peak as written (the rewrite records it
// as serenity.written_peaks), and a remark says what the rewrite did.
// REMARK: rewrite-memory-aware.mlir:[[# @LINE + 11]]:1: remark: serenity-rewrite: optimal peak 2048 -> 1152 bytes (strict); 1 -> 2 convolutions, 1 -> 0 concats
// REMARK-NOT: remark
// REMARK-NOT: see current operation

// Two 512-byte inputs concatenated (1024) for a 1x1 conv to 128 bytes: the
// concat needs 2048 bytes at once; partial convs need at most 1152. Kept.
// CHECK-LABEL: func.func @pays_off
// CHECK-NOT: tosa.concat
// CHECK: tosa.add
// SCHEDULED-LABEL: func.func @pays_off
// SCHEDULED-SAME: #serenity.schedule<peak = 1152, input_peak = 2048,
func.func @pays_off(%arg0: tensor<1x4x4x8xf32>, %arg1: tensor<1x4x4x8xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x16xf32>} : () -> tensor<2x1x1x16xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x16xf32>
  %o = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x16xf32>, tensor<2x1x1x16xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %o : tensor<1x4x4x2xf32>
}

// -----

// The concat is returned too, so it is built anyway and the partial convs
// only add buffers: the function stays as written.
// CHECK-LABEL: func.func @does_not_pay
// CHECK: %[[CAT:.*]] = tosa.concat %arg0, %arg1
// CHECK-NEXT: tosa.conv2d %[[CAT]]
// CHECK-NOT: tosa.add
func.func @does_not_pay(%arg0: tensor<1x4x4x8xf32>, %arg1: tensor<1x4x4x8xf32>) -> (tensor<1x4x4x16xf32>, tensor<1x4x4x32xf32>) {
  %w = "tosa.const"() {values = dense<0.5> : tensor<32x1x1x16xf32>} : () -> tensor<32x1x1x16xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<32xf32>} : () -> tensor<32xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x16xf32>
  %o = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x16xf32>, tensor<32x1x1x16xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x32xf32>
  return %c, %o : tensor<1x4x4x16xf32>, tensor<1x4x4x32xf32>
}
