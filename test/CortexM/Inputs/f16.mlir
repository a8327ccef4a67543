// An entry point whose input is f16: no device element type.
func.func @half(%x: tensor<1x8xf16>) -> tensor<1x8xf16> {
  %y = tosa.abs %x : (tensor<1x8xf16>) -> tensor<1x8xf16>
  return %y : tensor<1x8xf16>
}
