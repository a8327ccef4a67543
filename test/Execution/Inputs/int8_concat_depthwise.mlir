// An int8 3x3 depthwise convolution (input zero point -3, padded with it)
// over a concat of two maps, requantized per channel:
// test/Execution/int8-rewrite.test partitions it by kernel (a depthwise
// convolution per part of the concat, concatenated) and writes the concat in
// place.
func.func @int8_concat_depthwise(%arg0: tensor<1x5x5x2xi8>, %arg1: tensor<1x5x5x3xi8>) -> tensor<1x5x5x5xi8> {
  %w = "tosa.const"() <{values = dense<[[[[1], [-2], [3], [4], [-5]], [[2], [1], [-1], [3], [2]], [[0], [4], [2], [-3], [1]]], [[[3], [2], [1], [0], [-1]], [[-2], [5], [3], [1], [2]], [[1], [1], [-4], [2], [3]]], [[[2], [-1], [0], [3], [1]], [[1], [2], [3], [-2], [4]], [[-1], [3], [1], [2], [0]]]]> : tensor<3x3x5x1xi8>}> : () -> tensor<3x3x5x1xi8>
  %b = "tosa.const"() <{values = dense<[100, -200, 300, 50, -75]> : tensor<5xi32>}> : () -> tensor<5xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.concat %arg0, %arg1 {axis = 3 : i32} : (tensor<1x5x5x2xi8>, tensor<1x5x5x3xi8>) -> tensor<1x5x5x5xi8>
  %o = tosa.depthwise_conv2d %c, %w, %b, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x5x5x5xi8>, tensor<3x3x5x1xi8>, tensor<5xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x5x5x5xi32>
  %m = "tosa.const"() <{values = dense<[1300000000, 1100000000, 1500000000, 1200000000, 1400000000]> : tensor<5xi32>}> : () -> tensor<5xi32>
  %s = "tosa.const"() <{values = dense<[36, 36, 37, 36, 37]> : tensor<5xi8>}> : () -> tensor<5xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %y = tosa.rescale %o, %m, %s, %rizp, %izp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = true, input_unsigned = false, output_unsigned = false} : (tensor<1x5x5x5xi32>, tensor<5xi32>, tensor<5xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x5x5x5xi8>
  return %y : tensor<1x5x5x5xi8>
}
