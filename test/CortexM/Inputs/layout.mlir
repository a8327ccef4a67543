// An imported model's boundary: an NCHW input (ONNX's layout, transposed
// inside) and an NHWC output, each stated by its serenity.layout.
func.func @layout(%x: tensor<1x3x4x4xf32> {serenity.layout = "NCHW"})
    -> (tensor<1x4x4x3xf32> {serenity.layout = "NHWC"}) {
  %y = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x4x4xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}
