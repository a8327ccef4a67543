// RUN: serenity-opt %s --serenity-pipeline | serenity-opt --serenity-outline-kernels | FileCheck %s

// A tile loop (an int8 convolution computed row by row with its rescale,
// --serenity-fuse-requantize) is a kernel of its own, like a Linalg op: its
// buffers are arguments (the arena's padded rows and row tile, the input and
// the weights, the caller's output, each marked noalias), its loop and ops
// inside: the padded rows filled with the zero point and the input rows they
// cover copied in, and no copy of a row onto itself
// (--serenity-simplify-tile-loops).
// CHECK: func.func private @conv_kernel0(%{{.*}}: memref<1x3x10x4xi8> {llvm.noalias}, %{{.*}}: memref<1x8x8x4xi8> {llvm.noalias}, %{{.*}}: memref<6xi32> {llvm.noalias}, %{{.*}}: memref<1x1x8x6xi32> {llvm.noalias}, %{{.*}}: memref<6x3x3x4xi8> {llvm.noalias}, %{{.*}}: memref<1x8x8x6xi8> {llvm.noalias})
// CHECK: scf.for
// CHECK: linalg.fill {{.*}} outs(%{{.*}} : memref<1x3x10x4xi8>)
// CHECK: memref.copy {{.*}} : memref<?x?x8x4xi8, {{.*}}> to memref<?x?x8x4xi8, {{.*}}>
// CHECK: linalg.generic
// CHECK: linalg.conv_2d_nhwc_fhwc_q
// CHECK: linalg.generic
// CHECK-NOT: memref.copy
// CHECK: return
// The entry: the loop's kernel on the arena's views, the caller's input, the
// weights and the caller's output; no padded copy of the input.
// CHECK-LABEL: func.func @conv(
// CHECK: %[[ARENA:.*]] = memref.get_global @__serenity_arena_conv
// CHECK: %[[ROWS:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<320xi8> to memref<1x3x10x4xi8>
// CHECK: %[[TILE:.*]] = memref.view %[[ARENA]][%{{.*}}][] : memref<320xi8> to memref<1x1x8x6xi32>
// CHECK: call @conv_kernel0(%[[ROWS]], %arg0, %{{.*}}, %[[TILE]], %{{.*}}, %arg1)
// CHECK-NOT: scf.for
// CHECK: return
func.func @conv(%x: tensor<1x8x8x4xi8>) -> tensor<1x8x8x6xi8> {
  %w = "tosa.const"() <{values = dense<3> : tensor<6x3x3x4xi8>}> : () -> tensor<6x3x3x4xi8>
  %b = "tosa.const"() <{values = dense<[10, -20, 30, 40, 50, 60]> : tensor<6xi32>}> : () -> tensor<6xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.conv2d %x, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xi8>, tensor<6x3x3x4xi8>, tensor<6xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x8x8x6xi32>
  %m = "tosa.const"() <{values = dense<1300000000> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %r = tosa.rescale %c, %m, %s, %rizp, %izp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x8x8x6xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x8x8x6xi8>
  return %r : tensor<1x8x8x6xi8>
}
