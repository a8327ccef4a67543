// RUN: serenity-opt %s --serenity-schedule | FileCheck %s
//
// An int8 multiply by a constant scalar, as serenity-import-tflite writes a
// TFLite MUL: the rescale of the constant is glued to the multiply, which is
// fused into the final rescale. Reordered, the glued op goes with the fused
// one, after the constant it reads (it stayed at the top, before the moved
// constant: "operand #0 does not dominate this use").
// CHECK: %[[K:.*]] = "tosa.const"() <{values = dense<100> : tensor<1x1x1x1xi8>}>
// CHECK: %[[WIDE:.*]] = tosa.rescale %[[K]],
// CHECK: tosa.mul %{{.*}}, %[[WIDE]],

func.func @scaled(%arg0: tensor<1x4x4x8xi8> {serenity.layout = "NHWC", serenity.quantization = !quant.uniform<i8:f32, 0.05000000074505806:0>}) -> (tensor<1x4x4x8xi8> {serenity.layout = "NHWC", serenity.quantization = !quant.uniform<i8:f32, 0.05000000074505806:0>}) {
  %act1 = "tosa.clamp"(%arg0) <{max_val = 127 : i8, min_val = 0 : i8}> : (tensor<1x4x4x8xi8>) -> tensor<1x4x4x8xi8> loc("r")
  %k2 = "tosa.const"() <{values = dense<100> : tensor<1x1x1x1xi8>}> : () -> tensor<1x1x1x1xi8> loc("y")
  %mult3 = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32> loc("y")
  %shift4 = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8> loc("y")
  %zp5 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp6 = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %wide7 = "tosa.rescale"(%act1, %mult3, %shift4, %zp5, %zp6) <{input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = #tosa.rounding_mode<SINGLE_ROUND>, scale32 = true}> : (tensor<1x4x4x8xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x4x4x8xi32> loc("y")
  %mult8 = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32> loc("y")
  %shift9 = "tosa.const"() <{values = dense<30> : tensor<1xi8>}> : () -> tensor<1xi8> loc("y")
  %wide10 = "tosa.rescale"(%k2, %mult8, %shift9, %zp5, %zp6) <{input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = #tosa.rounding_mode<SINGLE_ROUND>, scale32 = true}> : (tensor<1x1x1x1xi8>, tensor<1xi32>, tensor<1xi8>, tensor<1xi8>, tensor<1xi32>) -> tensor<1x1x1x1xi32> loc("y")
  %shift11 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %mul12 = "tosa.mul"(%wide7, %wide10, %shift11) : (tensor<1x4x4x8xi32>, tensor<1x1x1x1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi32> loc("y")
  %mult13 = "tosa.const"() <{values = dense<1374389504> : tensor<1xi32>}> : () -> tensor<1xi32> loc("y")
  %shift14 = "tosa.const"() <{values = dense<39> : tensor<1xi8>}> : () -> tensor<1xi8> loc("y")
  %rq15 = "tosa.rescale"(%mul12, %mult13, %shift14, %zp6, %zp5) <{input_unsigned = false, output_unsigned = false, per_channel = false, rounding_mode = #tosa.rounding_mode<DOUBLE_ROUND>, scale32 = true}> : (tensor<1x4x4x8xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x4x8xi8> loc("y")
  return %rq15 : tensor<1x4x4x8xi8>
}

