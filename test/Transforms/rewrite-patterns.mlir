// RUN: serenity-opt %s --split-input-file --serenity-rewrite="mode=always patterns=channel,kernel" | FileCheck %s
// RUN: serenity-opt %s --split-input-file --serenity-rewrite="mode=always patterns=kernel" | FileCheck %s --check-prefix=KERNEL-ONLY

// Channel-wise: one conv2d per concat input, weights sliced by input channel,
// the bias in the first part only, parts summed.
// CHECK-LABEL: func.func @channel
// CHECK-DAG: %[[ZERO:.*]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<3xf32>}>
// CHECK-DAG: %[[W2:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}2.500000e-01, 2.000000e+00]]], {{\[\[\[}}-5.000000e-01, 7.500000e-01]]], {{\[\[\[}}3.000000e-01, 4.000000e-01]]]]> : tensor<3x1x1x2xf32>}>
// CHECK-DAG: %[[W1:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}5.000000e-01, -1.000000e+00]]], {{\[\[\[}}1.000000e+00, 5.000000e-01]]], {{\[\[\[}}1.000000e-01, 2.000000e-01]]]]> : tensor<3x1x1x2xf32>}>
// CHECK-DAG: %[[BIAS:.*]] = "tosa.const"() <{values = dense<[1.000000e-01, -2.000000e-01, 3.000000e-01]> : tensor<3xf32>}>
// CHECK: %[[S:.*]] = tosa.sigmoid %arg0
// CHECK-NOT: tosa.concat
// CHECK: %[[P1:.*]] = tosa.conv2d %arg0, %[[W1]], %[[BIAS]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK: %[[P2:.*]] = tosa.conv2d %[[S]], %[[W2]], %[[ZERO]], {{.*}} -> tensor<1x4x4x3xf32>
// CHECK: %[[SUM:.*]] = tosa.add %[[P1]], %[[P2]]
// CHECK: return %[[SUM]]
// KERNEL-ONLY-LABEL: func.func @channel
// KERNEL-ONLY: tosa.concat
func.func @channel(%arg0: tensor<1x4x4x2xf32>) -> tensor<1x4x4x3xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.5, -1.0, 0.25, 2.0]]], [[[1.0, 0.5, -0.5, 0.75]]], [[[0.1, 0.2, 0.3, 0.4]]]]> : tensor<3x1x1x4xf32>} : () -> tensor<3x1x1x4xf32>
  %b = "tosa.const"() {values = dense<[0.1, -0.2, 0.3]> : tensor<3xf32>} : () -> tensor<3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s = tosa.sigmoid %arg0 : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %c = tosa.concat %arg0, %s {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %o = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// -----

// Through a ReLU (the DARTS preprocess): the clamp moves onto each input.
// CHECK-LABEL: func.func @channel_through_relu
// CHECK-NOT: tosa.concat
// CHECK: %[[R1:.*]] = tosa.clamp %arg0 {{.*}} : (tensor<1x6x6x3xf32>) -> tensor<1x6x6x3xf32>
// CHECK: %[[P1:.*]] = tosa.conv2d %[[R1]], {{.*}} : (tensor<1x6x6x3xf32>, tensor<8x3x3x3xf32>, {{.*}}) -> tensor<1x3x3x8xf32>
// CHECK: %[[R2:.*]] = tosa.clamp %arg1 {{.*}} : (tensor<1x6x6x5xf32>) -> tensor<1x6x6x5xf32>
// CHECK: %[[P2:.*]] = tosa.conv2d %[[R2]], {{.*}} : (tensor<1x6x6x5xf32>, tensor<8x3x3x5xf32>, {{.*}}) -> tensor<1x3x3x8xf32>
// CHECK: tosa.add %[[P1]], %[[P2]]
func.func @channel_through_relu(%arg0: tensor<1x6x6x3xf32>, %arg1: tensor<1x6x6x5xf32>) -> tensor<1x3x3x8xf32> {
  %w = "tosa.const"() {values = dense<0.125> : tensor<8x3x3x8xf32>} : () -> tensor<8x3x3x8xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<8xf32>} : () -> tensor<8xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x6x6x3xf32>, tensor<1x6x6x5xf32>) -> tensor<1x6x6x8xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.4028235e+38 : f32} : (tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  %o = tosa.conv2d %r, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x6x6x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x8xf32>
  return %o : tensor<1x3x3x8xf32>
}

// -----

// Kernel-wise: one depthwise conv per input (multiplier 2, stride 2,
// dilation 2), bias sliced per part, outputs concatenated.
// CHECK-LABEL: func.func @kernel
// CHECK-DAG: "tosa.const"() <{values = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}>
// CHECK-DAG: "tosa.const"() <{values = dense<[3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00]> : tensor<4xf32>}>
// CHECK: %[[D1:.*]] = tosa.depthwise_conv2d %arg0, {{.*}} : (tensor<1x8x8x1xf32>, tensor<3x3x1x2xf32>, tensor<2xf32>, {{.*}}) -> tensor<1x4x4x2xf32>
// CHECK: %[[D2:.*]] = tosa.depthwise_conv2d %arg1, {{.*}} : (tensor<1x8x8x2xf32>, tensor<3x3x2x2xf32>, tensor<4xf32>, {{.*}}) -> tensor<1x4x4x4xf32>
// CHECK: %[[CAT:.*]] = tosa.concat %[[D1]], %[[D2]] {axis = 3 : i32}
// CHECK: return %[[CAT]]
func.func @kernel(%arg0: tensor<1x8x8x1xf32>, %arg1: tensor<1x8x8x2xf32>) -> tensor<1x4x4x6xf32> {
  %w = "tosa.const"() {values = dense<0.25> : tensor<3x3x3x2xf32>} : () -> tensor<3x3x3x2xf32>
  %b = "tosa.const"() {values = dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf32>} : () -> tensor<6xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x8x8x1xf32>, tensor<1x8x8x2xf32>) -> tensor<1x8x8x3xf32>
  %o = tosa.depthwise_conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 2, 1, 2, 1>, stride = array<i64: 2, 2>} : (tensor<1x8x8x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x6xf32>
  return %o : tensor<1x4x4x6xf32>
}

// -----

// Untouched: a concat along another axis.
// CHECK-LABEL: func.func @height_concat
// CHECK: tosa.concat %arg0, %arg1 {axis = 1 : i32}
// CHECK: tosa.conv2d
func.func @height_concat(%arg0: tensor<1x2x4x4xf32>, %arg1: tensor<1x2x4x4xf32>) -> tensor<1x4x4x3xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<3x1x1x4xf32>} : () -> tensor<3x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 1 : i32} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %o = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// -----

// Untouched: weights that are not constants.
// CHECK-LABEL: func.func @runtime_weights
// CHECK: tosa.concat
// CHECK: tosa.conv2d
func.func @runtime_weights(%arg0: tensor<1x4x4x2xf32>, %arg1: tensor<1x4x4x2xf32>, %w: tensor<3x1x1x4xf32>) -> tensor<1x4x4x3xf32> {
  %b = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %o = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %o : tensor<1x4x4x3xf32>
}

// -----

// Integer convolutions too: each part subtracts the input zero point (-3)
// from its own elements, as the whole does, so the i32 parts add up to the
// whole sum exactly (test/Execution/int8-rewrite.test runs it): the int8
// weights sliced by input channel, the i32 bias in the first part only, an
// i32 add, the same rescale.
// CHECK-LABEL: func.func @int8
// CHECK-DAG: %[[ZERO:.*]] = "tosa.const"() <{values = dense<0> : tensor<3xi32>}>
// CHECK-DAG: %[[W2:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}3, 4]]], {{\[\[\[}}-7, 8]]], {{\[\[\[}}11, -12]]]]> : tensor<3x1x1x2xi8>}>
// CHECK-DAG: %[[W1:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1, -2]]], {{\[\[\[}}5, 6]]], {{\[\[\[}}-9, 10]]]]> : tensor<3x1x1x2xi8>}>
// CHECK-DAG: %[[BIAS:.*]] = "tosa.const"() <{values = dense<[100, -200, 300]> : tensor<3xi32>}>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}>
// CHECK-NOT: tosa.concat
// CHECK: %[[R1:.*]] = tosa.clamp %arg0
// CHECK: %[[P1:.*]] = tosa.conv2d %[[R1]], %[[W1]], %[[BIAS]], %[[IZP]], %{{.*}} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32>
// CHECK: %[[R2:.*]] = tosa.clamp %arg1
// CHECK: %[[P2:.*]] = tosa.conv2d %[[R2]], %[[W2]], %[[ZERO]], %[[IZP]], %{{.*}} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32>
// CHECK: %[[SUM:.*]] = tosa.add %[[P1]], %[[P2]] : (tensor<1x4x4x3xi32>, tensor<1x4x4x3xi32>) -> tensor<1x4x4x3xi32>
// CHECK: tosa.rescale %[[SUM]]
func.func @int8(%arg0: tensor<1x4x4x2xi8>, %arg1: tensor<1x4x4x2xi8>) -> tensor<1x4x4x3xi8> {
  %w = "tosa.const"() {values = dense<[[[[1, -2, 3, 4]]], [[[5, 6, -7, 8]]], [[[-9, 10, 11, -12]]]]> : tensor<3x1x1x4xi8>} : () -> tensor<3x1x1x4xi8>
  %b = "tosa.const"() {values = dense<[100, -200, 300]> : tensor<3xi32>} : () -> tensor<3xi32>
  %izp = "tosa.const"() {values = dense<-3> : tensor<1xi8>} : () -> tensor<1xi8>
  %wzp = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x4x4x2xi8>, tensor<1x4x4x2xi8>) -> tensor<1x4x4x4xi8>
  %r = tosa.clamp %c {min_val = -3 : i8, max_val = 127 : i8} : (tensor<1x4x4x4xi8>) -> tensor<1x4x4x4xi8>
  %o = tosa.conv2d %r, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xi8>, tensor<3x1x1x4xi8>, tensor<3xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x4x3xi32>
  %m = "tosa.const"() <{values = dense<1300000000> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<36> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %y = tosa.rescale %o, %m, %s, %rizp, %izp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x4x3xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x3xi8>
  return %y : tensor<1x4x4x3xi8>
}

// -----

// A concat with another user stays for it; the conv is still partitioned.
// CHECK-LABEL: func.func @concat_also_returned
// CHECK: %[[CAT:.*]] = tosa.concat %arg0, %arg1
// CHECK: tosa.add
// CHECK: return %[[CAT]], %{{.*}}
func.func @concat_also_returned(%arg0: tensor<1x4x4x2xf32>, %arg1: tensor<1x4x4x2xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>) {
  %w = "tosa.const"() {values = dense<0.5> : tensor<3x1x1x4xf32>} : () -> tensor<3x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<3xf32>} : () -> tensor<3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32>
  %o = tosa.conv2d %c, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<3x1x1x4xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  return %c, %o : tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>
}
