// Stock mlir-opt runs Serenity's passes from the plugin.
// RUN: mlir-opt %s --load-pass-plugin=%serenity_plugin --pass-pipeline="builtin.module(func.func(serenity-schedule{algorithm=optimal memory-model=strict}))" | FileCheck %s
// RUN: mlir-opt %s --load-pass-plugin=%serenity_plugin --pass-pipeline="builtin.module(serenity-liveness)" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LIVENESS

// CHECK-LABEL: func.func @plugin
// CHECK-SAME: serenity.schedule = #serenity.schedule<peak = 64, input_peak = 80, lower_bound = 64, algorithm = optimal, produced_by = {{[a-z]+}}, model = strict, status = optimal
// CHECK-NEXT: %[[C:.*]] = tosa.concat %arg1, %arg1
// CHECK-NEXT: %[[D:.*]] = tosa.reduce_sum %[[C]]
// CHECK-NEXT: %[[A:.*]] = tosa.concat %arg0, %arg0
// CHECK-NEXT: %[[B:.*]] = tosa.reduce_sum %[[A]]
// CHECK-NEXT: %[[E:.*]] = tosa.add %[[B]], %[[D]]
// CHECK-NEXT: return %[[E]]

// LIVENESS: serenity-liveness @plugin (model strict, 5 ops, 0 weights)

// The same object is a dialect plugin: stock mlir-opt then reads Serenity's
// reports, which it rejects without it, and the passes run on them.
// RUN: mlir-opt %s --load-pass-plugin=%serenity_plugin --pass-pipeline="builtin.module(func.func(serenity-schedule))" > %t.scheduled.mlir
// RUN: not mlir-opt %t.scheduled.mlir 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: mlir-opt %t.scheduled.mlir --load-dialect-plugin=%serenity_plugin | FileCheck %s --check-prefix=READ
// RUN: mlir-opt %t.scheduled.mlir --load-dialect-plugin=%serenity_plugin --load-pass-plugin=%serenity_plugin --pass-pipeline="builtin.module(serenity-drop-reports)" | FileCheck %s --check-prefix=DROPPED
// UNKNOWN: attribute created with unregistered dialect
// READ: serenity.schedule = #serenity.schedule<peak = 64, input_peak = 80
// DROPPED-LABEL: func.func @plugin
// DROPPED-NOT: serenity
// LIVENESS: peak: 80 bytes at step 1 (%1 = tosa.concat)

// Arguments are 16 bytes, concats 32, sums 4. Written breadth-first, both
// concats are live with the second argument (16 + 32 + 32 = 80); reducing
// one concat before building the other needs at most 64.
func.func @plugin(%arg0: tensor<4xf32>, %arg1: tensor<4xf32>) -> tensor<1xf32> {
  %a = tosa.concat %arg0, %arg0 {axis = 0 : i32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %c = tosa.concat %arg1, %arg1 {axis = 0 : i32} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %b = tosa.reduce_sum %a {axis = 0 : i32} : (tensor<8xf32>) -> tensor<1xf32>
  %d = tosa.reduce_sum %c {axis = 0 : i32} : (tensor<8xf32>) -> tensor<1xf32>
  %e = tosa.add %b, %d : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
  return %e : tensor<1xf32>
}
