// What serenity-import-onnx makes of an NCHW model: the input transposed to
// NHWC first, then convolutions. The transpose reads its rows from the
// input's dimension 2, which --serenity-tile-spatial slices there.
func.func @nchw_input(%arg0: tensor<1x3x11x9xf32>) -> tensor<1x6x5x8xf32> {
  %w = "tosa.const"() {values = dense<0.11> : tensor<8x3x3x3xf32>} : () -> tensor<8x3x3x3xf32>
  %w2 = "tosa.const"() {values = dense<-0.07> : tensor<8x3x3x8xf32>} : () -> tensor<8x3x3x8xf32>
  %b = "tosa.const"() {values = dense<0.01> : tensor<8xf32>} : () -> tensor<8xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x11x9xf32>) -> tensor<1x11x9x3xf32>
  %c1 = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x11x9x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x5x8xf32>
  %r = tosa.clamp %c1 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x6x5x8xf32>) -> tensor<1x6x5x8xf32>
  %c2 = tosa.conv2d %r, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x5x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x5x8xf32>
  return %c2 : tensor<1x6x5x8xf32>
}
