// An int8 matmul (zero points -3 and 2 on its inputs) into i32, requantized
// to int8 with double rounding and clamped, then an int8 fully connected
// layer: a matmul by constant weights, its rescale and clamp.
func.func @int8_matmul(%a: tensor<1x6x8xi8>, %b: tensor<1x8x5xi8>) -> tensor<1x6x4xi8> {
  %azp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %bzp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = tosa.matmul %a, %b, %azp, %bzp : (tensor<1x6x8xi8>, tensor<1x8x5xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x5xi32>
  %m = "tosa.const"() <{values = dense<1500000000> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<38> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r = tosa.rescale %c, %m, %s, %izp, %ozp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x6x5xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x6x5xi8>
  %y = tosa.clamp %r {min_val = -3 : i8, max_val = 127 : i8} : (tensor<1x6x5xi8>) -> tensor<1x6x5xi8>
  %w = "tosa.const"() <{values = dense<[[[1, -2, 3, 4], [5, 6, -7, 8], [-1, 2, 3, -4], [5, -6, 7, 8], [1, 2, -3, 4]]]> : tensor<1x5x4xi8>}> : () -> tensor<1x5x4xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %f = tosa.matmul %y, %w, %ozp, %wzp : (tensor<1x6x5xi8>, tensor<1x5x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x4xi32>
  %m2 = "tosa.const"() <{values = dense<1300000000> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s2 = "tosa.const"() <{values = dense<36> : tensor<1xi8>}> : () -> tensor<1xi8>
  %r2 = tosa.rescale %f, %m2, %s2, %izp, %ozp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x6x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x6x4xi8>
  return %r2 : tensor<1x6x4xi8>
}
