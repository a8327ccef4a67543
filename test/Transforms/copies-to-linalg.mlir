// RUN: serenity-opt %s --split-input-file --serenity-copies-to-linalg 2>/dev/null | FileCheck %s
// RUN: serenity-opt %s --split-input-file --serenity-copies-to-linalg -o /dev/null 2>&1 | FileCheck %s --check-prefix=WARN

// A concat's copy into a strided view of its destination becomes a
// linalg.copy (loops, no runtime call); the views stay as they are.
// CHECK-LABEL: func.func @concat_copy
// CHECK-SAME: (%[[SRC:.*]]: memref<1x4x4x8xf32>, %[[DST:.*]]: memref<1x4x4x16xf32>)
// CHECK: %[[VIEW:.*]] = memref.subview %[[DST]][0, 0, 0, 8] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK-NEXT: linalg.copy ins(%[[SRC]] : memref<1x4x4x8xf32>) outs(%[[VIEW]] : memref<1x4x4x8xf32, strided<[256, 64, 16, 1], offset: 8>>)
// CHECK-NOT: memref.copy
func.func @concat_copy(%src: memref<1x4x4x8xf32>, %dst: memref<1x4x4x16xf32>) {
  %view = memref.subview %dst[0, 0, 0, 8] [1, 4, 4, 8] [1, 1, 1, 1]
      : memref<1x4x4x16xf32> to memref<1x4x4x8xf32, strided<[256, 64, 16, 1], offset: 8>>
  memref.copy %src, %view : memref<1x4x4x8xf32> to memref<1x4x4x8xf32, strided<[256, 64, 16, 1], offset: 8>>
  return
}

// -----

// A copy of dynamic sizes (the part of a map a padded tile covers) loops
// over its sizes as well.
// CHECK-LABEL: func.func @dynamic_copy
// CHECK-NEXT: linalg.copy ins(%{{.*}} : memref<?xf32>) outs(%{{.*}} : memref<?xf32>)
// CHECK-NOT: memref.copy
func.func @dynamic_copy(%a: memref<?xf32>, %b: memref<?xf32>) {
  memref.copy %a, %b : memref<?xf32> to memref<?xf32>
  return
}

// -----

// An unranked copy has no loops to become: it stays, with a warning that it
// needs the runtime's memrefCopy.
// WARN: copies-to-linalg.mlir:[[# @LINE + 5]]:3: warning: serenity-copies-to-linalg: this copy stays a memref.copy
// WARN-NOT: warning
// CHECK-LABEL: func.func @unranked_copy
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<*xf32> to memref<*xf32>
func.func @unranked_copy(%a: memref<*xf32>, %b: memref<*xf32>) {
  memref.copy %a, %b : memref<*xf32> to memref<*xf32>
  return
}
