// RUN: serenity-opt %s --split-input-file --serenity-rewrite="mode=always patterns=concat" | FileCheck %s
// RUN: serenity-opt %s --split-input-file --serenity-rewrite --serenity-schedule | FileCheck %s --check-prefix=AWARE

// In-place concat: each input written into its slice of one destination.
// CHECK-LABEL: func.func @cell_output
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x4x4x12xf32>
// CHECK: %[[I1:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK: %[[I2:.*]] = tensor.insert_slice %{{.*}} into %[[I1]][0, 0, 0, 4] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK: %[[I3:.*]] = tensor.insert_slice %{{.*}} into %[[I2]][0, 0, 0, 8] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK: return %[[I3]]
// Three 256-byte states made from a 256-byte input, concatenated (768) and
// returned: as written the three states and the concat coexist at the
// concat (768 + 768 = 1536; the input died at the last state); written in
// place, each state dies once it is in its slice, so at most the input, one
// state and the destination live (256 + 256 + 768 = 1280).
// AWARE-LABEL: func.func @cell_output
// AWARE-SAME: #serenity.schedule<peak = 1280, input_peak = 1536,
// AWARE-NOT: tosa.concat
func.func @cell_output(%arg0: tensor<1x4x4x4xf32>) -> tensor<1x4x4x12xf32> {
  %a = tosa.sigmoid %arg0 : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %b = tosa.tanh %arg0 : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c = tosa.abs %arg0 : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %cat = tosa.concat %a, %b, %c {axis = 3 : i32} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x12xf32>
  return %cat : tensor<1x4x4x12xf32>
}
