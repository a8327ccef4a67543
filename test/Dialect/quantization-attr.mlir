// RUN: serenity-opt %s --split-input-file --verify-diagnostics | FileCheck %s

// serenity.quantization on a function's arguments and results: a
// !quant.uniform of the value's element type (i8 for signed storage, ui8
// for unsigned), per tensor or one scale per channel. It round-trips.
// CHECK-LABEL: func.func @quantized
// CHECK-SAME: serenity.quantization = !quant.uniform<i8:f32, 5.000000e-02:-3>
// CHECK-SAME: serenity.quantization = !quant.uniform<u8:f32, 1.000000e-01:128>
// CHECK-SAME: serenity.quantization = !quant.uniform<i8:f32:3, {1.000000e-01:-3,2.500000e-01:5}>
func.func @quantized(%x: tensor<1x2x2x2xi8> {serenity.quantization = !quant.uniform<i8:f32, 0.05:-3>},
                     %y: tensor<1x2x2x2xui8> {serenity.quantization = !quant.uniform<u8:f32, 0.1:128>})
    -> (tensor<1x2x2x2xi8> {serenity.quantization = !quant.uniform<i8:f32:3, {0.1:-3, 0.25:5}>}) {
  return %x : tensor<1x2x2x2xi8>
}

// -----

// expected-error @+1 {{'serenity.quantization' of argument #0 must be a !quant.uniform type, got 5.000000e-02 : f32}}
func.func @not_a_type(%x: tensor<4xi8> {serenity.quantization = 0.05 : f32}) {
  return
}

// -----

// expected-error @+1 {{'serenity.quantization' of argument #0 stores 'ui8' integers, but the value is 'tensor<4xi8>'}}
func.func @unsigned_on_signed(%x: tensor<4xi8> {serenity.quantization = !quant.uniform<u8:f32, 0.1:128>}) {
  return
}

// -----

// expected-error @+1 {{'serenity.quantization' of result #0 stores 'i8' integers, but the value is 'tensor<4xf32>'}}
func.func @on_float(%x: tensor<4xf32>) -> (tensor<4xf32> {serenity.quantization = !quant.uniform<i8:f32, 0.1:0>}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'serenity.quantization' of argument #0: one scale per element of dimension 3 of 'tensor<1x2x2x3xi8>', got 2}}
func.func @channels(%x: tensor<1x2x2x3xi8> {serenity.quantization = !quant.uniform<i8:f32:3, {0.1:-3, 0.25:5}>}) {
  return
}

// -----

// expected-error @+1 {{unknown serenity argument #0 attribute 'serenity.scale'}}
func.func @unknown(%x: tensor<4xi8> {serenity.scale = 0.1 : f32}) {
  return
}

// -----

// serenity.layout names each dimension of a function's argument or result.
// CHECK-LABEL: func.func @layouts
// CHECK-SAME: serenity.layout = "NCHW"
// CHECK-SAME: serenity.layout = "NHWC"
func.func @layouts(%x: tensor<1x3x4x4xf32> {serenity.layout = "NCHW"})
    -> (tensor<1x4x4x3xf32> {serenity.layout = "NHWC"}) {
  %t = tosa.const_shape {values = dense<[1, 4, 4, 3]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %y = tosa.reshape %x, %t : (tensor<1x3x4x4xf32>, !tosa.shape<4>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// expected-error @+1 {{'serenity.layout' of argument #0: 3 dimensions named, 'tensor<1x3x4x4xf32>' has 4}}
func.func @too_few(%x: tensor<1x3x4x4xf32> {serenity.layout = "NCH"}) {
  return
}

// -----

// expected-error @+1 {{'serenity.layout' of result #0 must name each dimension with its own capital letter ("NCHW"), got "NHHW"}}
func.func @repeated(%x: tensor<1x3x4x4xf32>) -> (tensor<1x3x4x4xf32> {serenity.layout = "NHHW"}) {
  return %x : tensor<1x3x4x4xf32>
}
