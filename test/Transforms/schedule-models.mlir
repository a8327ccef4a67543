// RUN: serenity-opt %s --split-input-file --serenity-schedule | FileCheck %s --check-prefix=STRICT
// RUN: serenity-opt %s --split-input-file --serenity-schedule="memory-model=inplace" | FileCheck %s --check-prefix=INPLACE
// RUN: serenity-opt %s --split-input-file --serenity-schedule="max-states=1" | FileCheck %s --check-prefix=LIMITED

// Linalg on tensors: linalg.exp writes a fresh buffer (its init is
// tensor.empty, which allocates nothing); linalg.add writes into its init %x
// when the add is %x's last use, in both models: input + %x = 128 bytes.
// STRICT-LABEL: func.func @destination
// STRICT-SAME: #serenity.schedule<peak = 128, input_peak = 128, lower_bound = 128
// INPLACE-LABEL: func.func @destination
// INPLACE-SAME: #serenity.schedule<peak = 128, input_peak = 128, lower_bound = 128
func.func @destination(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %e = tensor.empty() : tensor<16xf32>
  %x = linalg.exp ins(%arg0 : tensor<16xf32>) outs(%e : tensor<16xf32>) -> tensor<16xf32>
  %y = linalg.add ins(%arg0, %x : tensor<16xf32>, tensor<16xf32>) outs(%x : tensor<16xf32>) -> tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// When %x is read again after the add, the add cannot overwrite it and needs
// a buffer of its own: input + %x + %y = 192 bytes.
// STRICT-LABEL: func.func @destination_still_read
// STRICT-SAME: #serenity.schedule<peak = 192, input_peak = 192, lower_bound = 192
func.func @destination_still_read(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  %e = tensor.empty() : tensor<16xf32>
  %x = linalg.exp ins(%arg0 : tensor<16xf32>) outs(%e : tensor<16xf32>) -> tensor<16xf32>
  %y = linalg.add ins(%arg0, %x : tensor<16xf32>, tensor<16xf32>) outs(%x : tensor<16xf32>) -> tensor<16xf32>
  %z = linalg.mul ins(%x, %y : tensor<16xf32>, tensor<16xf32>) outs(%y : tensor<16xf32>) -> tensor<16xf32>
  return %z : tensor<16xf32>
}

// -----

// Element-wise ops on a 1024-byte value made from a 256-byte input: under
// strict each holds its input and its output (2048); under inplace each
// overwrites its dying operand, and the concat (256 + 1024) is the peak.
// STRICT-LABEL: func.func @elementwise_chain
// STRICT-SAME: #serenity.schedule<peak = 2048, input_peak = 2048, lower_bound = 2048
// INPLACE-LABEL: func.func @elementwise_chain
// INPLACE-SAME: #serenity.schedule<peak = 1280, input_peak = 1280, lower_bound = 1280, algorithm = optimal, produced_by = program, model = inplace, status = optimal
func.func @elementwise_chain(%arg0: tensor<64xf32>) -> tensor<1xf32> {
  %a = tosa.concat %arg0, %arg0, %arg0, %arg0 {axis = 0 : i32} : (tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<256xf32>
  %b = tosa.sigmoid %a : (tensor<256xf32>) -> tensor<256xf32>
  %c = tosa.clamp %b {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<256xf32>) -> tensor<256xf32>
  %d = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<256xf32>) -> tensor<1xf32>
  return %d : tensor<1xf32>
}

// -----

// Calls with unknown effects keep their relative order. Running @second
// first would free the 256-byte %arg1 before the 128-byte concat exists
// (peak 272); in the written order the concat is built while %arg1 is live:
// 16 + 256 + 128 = 400.
// STRICT-LABEL: func.func @effects
// STRICT-SAME: #serenity.schedule<peak = 400, input_peak = 400, lower_bound = 400
// STRICT-NEXT: %[[W:.*]] = tosa.concat %arg0
// STRICT-NEXT: call @first(%[[W]])
// STRICT-NEXT: call @second(%arg1)
// STRICT-NEXT: return
func.func private @first(tensor<32xf32>)
func.func private @second(tensor<64xf32>)
func.func @effects(%arg0: tensor<4xf32>, %arg1: tensor<64xf32>) {
  %w = tosa.concat %arg0, %arg0, %arg0, %arg0, %arg0, %arg0, %arg0, %arg0 {axis = 0 : i32} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<32xf32>
  call @first(%w) : (tensor<32xf32>) -> ()
  call @second(%arg1) : (tensor<64xf32>) -> ()
  return
}

// -----

// With a one-state budget the search stops at once: the best heuristic's
// order comes back, marked best-found, with the static lower bound.
// LIMITED-LABEL: func.func @two_branches
// LIMITED-SAME: #serenity.schedule<peak = 6144, input_peak = 9216, lower_bound = 5120, algorithm = optimal, produced_by = rpo, model = strict, status = "best-found", states = 1>
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
