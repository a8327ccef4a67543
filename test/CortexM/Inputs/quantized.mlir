// An int8 function whose boundary says how its integers stand for reals:
// input0 per tensor, input1 not at all, output0 per channel.
func.func @quantized(%x: tensor<1x4x4x2xi8> {serenity.quantization = !quant.uniform<i8:f32, 0.0392156862745098:-3>},
                     %y: tensor<1x4x4x2xi8>)
    -> (tensor<1x4x4x2xi8> {serenity.quantization = !quant.uniform<i8:f32:3, {0.1:-3, 0.25:5}>}) {
  %z = tosa.maximum %x, %y : (tensor<1x4x4x2xi8>, tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
  return %z : tensor<1x4x4x2xi8>
}
