// RUN: serenity-opt %s --split-input-file --serenity-rewrite="mode=always patterns=channel,kernel" | FileCheck %s
// RUN: serenity-opt %s --split-input-file --serenity-rewrite --serenity-schedule | FileCheck %s --check-prefix=AWARE

// Channel-wise: the partial convs accumulate into one destination.
// CHECK-LABEL: func.func @channel
// CHECK-DAG: %[[F2:.*]] = arith.constant dense<{{.*}}> : tensor<1x1x8x1xf32>
// CHECK-DAG: %[[F1:.*]] = arith.constant dense<{{.*}}> : tensor<1x1x8x1xf32>
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK-NOT: tensor.concat
// CHECK: %[[P1:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%arg0, %[[F1]] : {{.*}}) outs(%[[INIT]] : tensor<1x6x6x1xf32>)
// CHECK: %[[P2:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%arg1, %[[F2]] : {{.*}}) outs(%[[P1]] : tensor<1x6x6x1xf32>)
// CHECK: return %[[P2]]
// Inputs of 1152 bytes each, a 144-byte output: the 2304-byte concat is
// needed with both inputs (4608); the partial convs accumulate in place
// into the filled destination (1152 + 1152 + 144).
// AWARE-LABEL: func.func @channel
// AWARE-SAME: #serenity.schedule<peak = 2448, input_peak = 4608,
func.func @channel(%a: tensor<1x6x6x8xf32>, %b: tensor<1x6x6x8xf32>) -> tensor<1x6x6x1xf32> {
  %f = arith.constant dense<[[[[0.5], [-1.0], [0.25], [2.0], [1.0], [0.5], [-0.5], [0.75], [0.1], [0.2], [0.3], [0.4], [0.9], [0.8], [0.7], [0.6]]]]> : tensor<1x1x16x1xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x6x6x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x6x6x1xf32>) -> tensor<1x6x6x1xf32>
  %c = tensor.concat dim(3) %a, %b : (tensor<1x6x6x8xf32>, tensor<1x6x6x8xf32>) -> tensor<1x6x6x16xf32>
  %o = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%c, %f : tensor<1x6x6x16xf32>, tensor<1x1x16x1xf32>) outs(%init : tensor<1x6x6x1xf32>) -> tensor<1x6x6x1xf32>
  return %o : tensor<1x6x6x1xf32>
}

// -----

// Kernel-wise: each part writes its slice of the destination.
// CHECK-LABEL: func.func @kernel
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[INIT]][0, 0, 0, 0] [1, 3, 3, 2] [1, 1, 1, 1]
// CHECK: %[[D1:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%arg0, %{{.*}} : tensor<1x7x7x2xf32>, tensor<3x3x2xf32>) outs(%[[S1]] : tensor<1x3x3x2xf32>)
// CHECK: %[[S2:.*]] = tensor.extract_slice %[[INIT]][0, 0, 0, 2] [1, 3, 3, 1] [1, 1, 1, 1]
// CHECK: %[[D2:.*]] = linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%arg1, %{{.*}} : tensor<1x7x7x1xf32>, tensor<3x3x1xf32>) outs(%[[S2]] : tensor<1x3x3x1xf32>)
// CHECK: tensor.concat dim(3) %[[D1]], %[[D2]]
func.func @kernel(%a: tensor<1x7x7x2xf32>, %b: tensor<1x7x7x1xf32>) -> tensor<1x3x3x3xf32> {
  %f = arith.constant dense<[[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]], [[-0.1, -0.2, -0.3], [-0.4, -0.5, -0.6], [-0.7, -0.8, -0.9]], [[1.0, 0.0, -1.0], [0.5, 0.25, 0.125], [2.0, -2.0, 0.0]]]> : tensor<3x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  %c = tensor.concat dim(3) %a, %b : (tensor<1x7x7x2xf32>, tensor<1x7x7x1xf32>) -> tensor<1x7x7x3xf32>
  %o = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%c, %f : tensor<1x7x7x3xf32>, tensor<3x3x3xf32>) outs(%init : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  return %o : tensor<1x3x3x3xf32>
}
