// Paths every user hits, with the bytes derived by hand from
// docs/memory-model.md: element sizes other than f32, a function without
// ops, values captured by a region, views other than tosa.reshape, a
// broadcast operand, a returned argument.
// RUN: serenity-opt %s --serenity-liveness -o /dev/null 2>&1 | FileCheck %s --check-prefixes=CHECK,STRICT
// RUN: serenity-opt %s --serenity-liveness=memory-model=inplace -o /dev/null 2>&1 | FileCheck %s --check-prefixes=CHECK,INPLACE

// i1 takes a byte per element, index 8 bytes (its storage width), a
// quantized i8 type 1 byte: 16 + 4 x 8 + 8 = 56. Without ops, the peak is
// the bytes of every argument.
// CHECK-LABEL: serenity-liveness @sizes (model {{[a-z]+}}, 0 ops
// CHECK: peak: 56 bytes
func.func @sizes(%a: tensor<16xi1>, %b: tensor<4xindex>, %q: tensor<8x!quant.uniform<i8:f32, 0.5>>) -> (tensor<4xindex>, tensor<8x!quant.uniform<i8:f32, 0.5>>) {
  return %b, %q : tensor<4xindex>, tensor<8x!quant.uniform<i8:f32, 0.5>>
}

// The scf.if reads %x and %y inside its regions: both stay live until it
// has run (64 bytes each). Mutation this catches: captured values not
// counted as read (%x and %y then die at once; the peak falls to 128).
// CHECK-LABEL: serenity-liveness @captures
// CHECK: 0 128 64 0 %0 = tosa.exp
// CHECK: 1 192 64 64 %1 = tosa.sigmoid
// CHECK: 2 192 64 128 %2 = scf.if
// CHECK: peak: 192 bytes at step 1
func.func @captures(%c: i1, %a: tensor<16xf32>) -> tensor<16xf32> {
  %x = tosa.exp %a : (tensor<16xf32>) -> tensor<16xf32>
  %y = tosa.sigmoid %a : (tensor<16xf32>) -> tensor<16xf32>
  %r = scf.if %c -> tensor<16xf32> {
    %s = tosa.add %x, %x : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
    scf.yield %s : tensor<16xf32>
  } else {
    scf.yield %y : tensor<16xf32>
  }
  return %r : tensor<16xf32>
}

// collapse_shape, expand_shape and bitcast alias their operand under
// inplace (0 bytes); under strict each is a 64-byte copy.
// CHECK-LABEL: serenity-liveness @views
// CHECK: 0 128 64 64 %0 = tosa.exp
// STRICT: 1 128 64 64 %collapsed = tensor.collapse_shape
// STRICT: 2 128 64 64 %expanded = tensor.expand_shape
// STRICT: 3 128 64 64 %1 = tensor.bitcast
// INPLACE: 1 64 0 0 %collapsed = tensor.collapse_shape
// INPLACE: 2 64 0 0 %expanded = tensor.expand_shape
// INPLACE: 3 64 0 0 %1 = tensor.bitcast
func.func @views(%a: tensor<4x4xf32>) -> tensor<2x8xi32> {
  %e = tosa.exp %a : (tensor<4x4xf32>) -> tensor<4x4xf32>
  %c = tensor.collapse_shape %e [[0, 1]] : tensor<4x4xf32> into tensor<16xf32>
  %x = tensor.expand_shape %c [[0, 1]] output_shape [2, 8] : tensor<16xf32> into tensor<2x8xf32>
  %b = tensor.bitcast %x : tensor<2x8xf32> to tensor<2x8xi32>
  return %b : tensor<2x8xi32>
}

// The add's 64-byte result cannot be written into %e (16 bytes, broadcast)
// nor into the argument %b (the caller's): under both models it allocates.
// CHECK-LABEL: serenity-liveness @broadcast
// CHECK: 0 96 16 16 %0 = tosa.exp
// CHECK: 1 144 64 80 %1 = tosa.add
func.func @broadcast(%a: tensor<1x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %e = tosa.exp %a : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %s = tosa.add %e, %b : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %s : tensor<4x4xf32>
}

// A returned argument lives to the end; under inplace the sigmoid writes
// into the exp's result. Mutation this catches: a returned argument freed
// after its last reader (step 1 then peaks at 128 under strict).
// CHECK-LABEL: serenity-liveness @returns_argument
// CHECK: 0 128 64 0 %0 = tosa.exp
// STRICT: 1 192 64 64 %1 = tosa.sigmoid
// STRICT: peak: 192 bytes at step 1
// INPLACE: 1 128 0 0 %1 = tosa.sigmoid
// INPLACE: peak: 128 bytes at step 0
func.func @returns_argument(%a: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %e = tosa.exp %a : (tensor<16xf32>) -> tensor<16xf32>
  %f = tosa.sigmoid %e : (tensor<16xf32>) -> tensor<16xf32>
  return %a, %f : tensor<16xf32>, tensor<16xf32>
}
