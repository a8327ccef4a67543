// RUN: serenity-opt %s --serenity-pad-free-windows | FileCheck %s
// RUN: serenity-opt %s --serenity-pad-free-windows -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEPT

// The pass names each padded copy of a whole map it keeps: here only the
// convolution's (@all_border_conv); a tile's pad is not a whole map.
// KEPT-NOT: remark
// KEPT: remark: serenity-pad-free-windows: keeps a padded copy of a whole map, 'tensor<1x3x3x4xf32>' to 'tensor<1x7x7x4xf32>' (784 bytes), for 'linalg.conv_2d_nhwc_fhwc'
// KEPT-NOT: remark

// A 3x3 convolution padded by one on every side, on an 8x8 map: a top and a
// bottom strip of one output row each pad 3x10 slices of two input rows,
// a left and a right strip of one column pad 8x3 slices of two columns, and
// the 6x6 interior reads the input itself. Each part accumulates into its
// region of the bias-filled destination, in the order the rows run.

// CHECK-LABEL: func.func @conv
// CHECK-NOT: tensor<1x10x10x4xf32>
// CHECK: %[[TOP:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [1, 2, 8, 4]
// CHECK: tensor.pad %[[TOP]] low[0, 1, 1, 0] high[0, 0, 1, 0]
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} -> tensor<1x1x8x6xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 0, 0, 0] [1, 1, 8, 6]
// CHECK: %[[LEFT:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [1, 8, 2, 4]
// CHECK: tensor.pad %[[LEFT]] low[0, 0, 1, 0] high[0, 0, 0, 0]
// CHECK: tensor.insert_slice {{.*}}[0, 1, 0, 0] [1, 6, 1, 6]
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} ins(%arg0, {{.*}} -> tensor<1x6x6x6xf32>
// CHECK: tensor.insert_slice {{.*}}[0, 1, 1, 0] [1, 6, 6, 6]
// CHECK: %[[RIGHT:.*]] = tensor.extract_slice %arg0[0, 0, 6, 0] [1, 8, 2, 4]
// CHECK: tensor.pad %[[RIGHT]] low[0, 0, 0, 0] high[0, 0, 1, 0]
// CHECK: tensor.insert_slice {{.*}}[0, 1, 7, 0] [1, 6, 1, 6]
// CHECK: %[[BOTTOM:.*]] = tensor.extract_slice %arg0[0, 6, 0, 0] [1, 2, 8, 4]
// CHECK: tensor.pad %[[BOTTOM]] low[0, 0, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[LAST:.*]] = tensor.insert_slice {{.*}}[0, 7, 0, 0] [1, 1, 8, 6]
// CHECK: return %[[LAST]]
func.func @conv(%x: tensor<1x8x8x4xf32>, %w: tensor<6x3x3x4xf32>, %init: tensor<1x8x8x6xf32>) -> tensor<1x8x8x6xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x4xf32> to tensor<1x10x10x4xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : tensor<1x10x10x4xf32>, tensor<6x3x3x4xf32>) outs(%init : tensor<1x8x8x6xf32>) -> tensor<1x8x8x6xf32>
  return %y : tensor<1x8x8x6xf32>
}

// A map no window of which lies inside (a 3x3 pool of a 2x2 map padded by
// one): no interior to split off. Each channel only reads its own, so the
// pool runs one channel at a time, padding that channel (1x4x4x1), never
// the whole map (1x4x4x4).
// CHECK-LABEL: func.func @all_border
// CHECK-NOT: tensor<1x4x4x4xf32>
// CHECK: %[[ALL:.*]] = scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[Y:.*]] = %arg1)
// CHECK: %[[CHANNEL:.*]] = tensor.extract_slice %arg0[0, 0, 0, %[[C]]] [1, 2, 2, 1]
// CHECK: %[[PADDED:.*]] = tensor.pad %[[CHANNEL]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: } : tensor<1x2x2x1xf32> to tensor<1x4x4x1xf32>
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%[[PADDED]], {{.*}} -> tensor<1x2x2x1xf32>
// CHECK: tensor.insert_slice {{.*}} into %[[Y]][0, 0, 0, %[[C]]] [1, 2, 2, 1]
// CHECK: return %[[ALL]]
func.func @all_border(%x: tensor<1x2x2x4xf32>, %init: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  %low = arith.constant -3.40282347E+38 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %low : f32
  } : tensor<1x2x2x4xf32> to tensor<1x4x4x4xf32>
  %window = tensor.empty() : tensor<3x3xf32>
  %y = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %window : tensor<1x4x4x4xf32>, tensor<3x3xf32>) outs(%init : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  return %y : tensor<1x2x2x4xf32>
}

// A convolution with no window inside (5x5 over a 3x3 map padded by two)
// reads every input channel for each output channel: it keeps its padded
// copy.
// CHECK-LABEL: func.func @all_border_conv
// CHECK-NOT: scf.for
// CHECK: tensor.pad %arg0 low[0, 2, 2, 0] high[0, 2, 2, 0]
// CHECK: linalg.conv_2d_nhwc_fhwc
func.func @all_border_conv(%x: tensor<1x3x3x4xf32>, %w: tensor<6x5x5x4xf32>, %init: tensor<1x3x3x6xf32>) -> tensor<1x3x3x6xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 2, 2, 0] high[0, 2, 2, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x3x3x4xf32> to tensor<1x7x7x4xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : tensor<1x7x7x4xf32>, tensor<6x5x5x4xf32>) outs(%init : tensor<1x3x3x6xf32>) -> tensor<1x3x3x6xf32>
  return %y : tensor<1x3x3x6xf32>
}

// The same pool on a tile of a patch (--serenity-tile-spatial marks the pads
// it makes): the pad is tile-sized already, and running fine tilings channel
// by channel lowers their bound but not their placed arena
// (docs/memory-model.md): it keeps its padded tile.
// CHECK-LABEL: func.func @tile_pad
// CHECK-NOT: scf.for
// CHECK: tensor.pad %arg0 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: linalg.pooling_nhwc_max
func.func @tile_pad(%x: tensor<1x2x2x4xf32>, %init: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  %low = arith.constant -3.40282347E+38 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %low : f32
  } {serenity.tile_pad} : tensor<1x2x2x4xf32> to tensor<1x4x4x4xf32>
  %window = tensor.empty() : tensor<3x3xf32>
  %y = linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %window : tensor<1x4x4x4xf32>, tensor<3x3xf32>) outs(%init : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  return %y : tensor<1x2x2x4xf32>
}
