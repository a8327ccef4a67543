// Ops whose memory effects are not declared (here unregistered ones) keep
// their order relative to each other and to every op that reads or writes
// memory; the schedule says so in a remark.
// RUN: serenity-opt %s --allow-unregistered-dialect --verify-diagnostics --serenity-schedule | FileCheck %s

// foo.first makes 256 bytes from a 16-byte input; foo.second makes 16 bytes
// from a 256-byte input. Running foo.second first would peak at 288 bytes
// instead of 528, but the two stay in their written order. (Mutation this
// catches: no ordering edge between such ops; foo.second then runs first.)
// CHECK-LABEL: func.func @f
// CHECK-SAME: #serenity.schedule<peak = 528, input_peak = 528
// CHECK: "foo.first"
// CHECK: "foo.second"
func.func @f(%arg0: tensor<4xf32>, %arg1: tensor<64xf32>) -> (tensor<64xf32>, tensor<4xf32>) {
  // expected-remark @+1 {{serenity-schedule: 2 op(s) with undeclared memory effects (first: 'foo.first') keep their order relative to each other and to every op that reads or writes memory}}
  %0 = "foo.first"(%arg0) : (tensor<4xf32>) -> tensor<64xf32>
  %1 = "foo.second"(%arg1) : (tensor<64xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<64xf32>, tensor<4xf32>
}

// Declared effects order too: bufferization.to_tensor reads %m, and
// bufferization.materialize_in_destination writes it afterwards. Writing
// first would free %b (256 bytes) before %0 (256) is made: 260 bytes instead
// of 512, and %0 would read the new contents. (Mutation this catches: no
// ordering edge between ops with declared memory effects.)
// CHECK-LABEL: func.func @memref_order
// CHECK-SAME: #serenity.schedule<peak = 512, input_peak = 516
// CHECK: bufferization.to_tensor
// CHECK: bufferization.materialize_in_destination
// CHECK: tosa.reduce_sum
func.func @memref_order(%m: memref<64xf32>, %b: tensor<64xf32>) -> tensor<1xf32> {
  %0 = bufferization.to_tensor %m restrict : memref<64xf32> to tensor<64xf32>
  %1 = tosa.reduce_sum %0 {axis = 0 : i32} : (tensor<64xf32>) -> tensor<1xf32>
  bufferization.materialize_in_destination %b in writable %m : (tensor<64xf32>, memref<64xf32>) -> ()
  return %1 : tensor<1xf32>
}
