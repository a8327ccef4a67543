// A float input quantized to int8 as a model's first op does: tosa.cast
// from f32 rounds half to even, which the lowering writes as
// math.roundeven. Result 0: the sine inputs scaled by 64; result 1: exact
// halves (0 * x plus 0.5, 1.5, 2.5, -2.5), where rounding half away from
// zero would differ.
func.func @float_to_int8(%x: tensor<1x8x8x4xf32>) -> (tensor<1x8x8x4xi8>, tensor<1x8x8x4xi8>) {
  %scale = "tosa.const"() {values = dense<64.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %zero = "tosa.const"() {values = dense<0.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %halves = "tosa.const"() {values = dense<[[[[0.5, 1.5, 2.5, -2.5]]]]> : tensor<1x1x1x4xf32>} : () -> tensor<1x1x1x4xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %scaled = tosa.mul %x, %scale, %shift : (tensor<1x8x8x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x8x8x4xf32>
  %q = tosa.cast %scaled : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xi8>
  %zeros = tosa.mul %x, %zero, %shift : (tensor<1x8x8x4xf32>, tensor<1x1x1x1xf32>, tensor<1xi8>) -> tensor<1x8x8x4xf32>
  %ties = tosa.add %zeros, %halves : (tensor<1x8x8x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x8x8x4xf32>
  %t = tosa.cast %ties : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xi8>
  return %q, %t : tensor<1x8x8x4xi8>, tensor<1x8x8x4xi8>
}
