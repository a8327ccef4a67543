// RUN: serenity-opt %s --split-input-file --verify-diagnostics --serenity-plan-memory="arena=alloc" | FileCheck %s
// RUN: not serenity-opt %s --serenity-plan-memory="algorithm=first-fit" 2>&1 | FileCheck %s --check-prefix=ALGORITHM
// RUN: not serenity-opt %s --serenity-plan-memory="alignment=24" 2>&1 | FileCheck %s --check-prefix=ALIGNMENT
// RUN: not serenity-opt %s --serenity-plan-memory="arena=stack" 2>&1 | FileCheck %s --check-prefix=ARENA
// RUN: not serenity-opt %s --serenity-plan-memory="time-limit-ms=-1" 2>&1 | FileCheck %s --check-prefix=TIME

// Invalid options: rejected before the input is read, with no IR dump.
// ALGORITHM: error: serenity-plan-memory: 'first-fit' is not a value of algorithm (choose exact, tflm-greedy, tflite-arena, tvm-greedy, iree-in-order)
// ALGORITHM-NOT: func.func
// ALIGNMENT: error: serenity-plan-memory: alignment must be a power of two, got 24
// ALIGNMENT-NOT: func.func
// ARENA: error: serenity-plan-memory: 'stack' is not a value of arena (choose global, argument, alloc)
// ARENA-NOT: func.func
// TIME: for the --time-limit-ms option: '-1' value invalid
// TIME-NOT: func.func

// What cannot be planned stays a heap allocation, with a warning; the rest
// of the function is still planned.

// CHECK-LABEL: func.func @returned
// CHECK: %[[KEPT:.*]] = memref.alloc() : memref<4xf32>
// CHECK: return %[[KEPT]]
// expected-remark @+1 {{arena of 0 bytes for 0 buffers}}
func.func @returned(%in: memref<4xf32>) -> memref<4xf32> {
  // expected-warning @+1 {{not planned: returned by the function (run buffer-results-to-out-params first)}}
  %r = memref.alloc() : memref<4xf32>
  memref.copy %in, %r : memref<4xf32> to memref<4xf32>
  // expected-note @+1 {{because of this use}}
  return %r : memref<4xf32>
}

// -----

// CHECK-LABEL: func.func @dynamic
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.view {{.*}} to memref<4xf32>
// expected-remark @+1 {{arena of 16 bytes for 1 buffers}}
func.func @dynamic(%n: index, %in: memref<4xf32>) {
  // expected-warning @+1 {{not planned: dynamic shape 'memref<?xf32>'}}
  %d = memref.alloc(%n) : memref<?xf32>
  %s = memref.alloc() : memref<4xf32>
  memref.copy %in, %s : memref<4xf32> to memref<4xf32>
  memref.dealloc %d : memref<?xf32>
  return
}

// -----

// CHECK-LABEL: func.func @in_loop
// CHECK: scf.for
// CHECK-NEXT: memref.alloc() : memref<4xf32>
// expected-remark @+1 {{arena of 0 bytes for 0 buffers}}
func.func @in_loop(%in: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c1 step %c1 {
    // expected-warning @+1 {{not planned: allocated inside a region}}
    %t = memref.alloc() : memref<4xf32>
    memref.copy %in, %t : memref<4xf32> to memref<4xf32>
    memref.dealloc %t : memref<4xf32>
  }
  return
}

// -----

// A buffer that reaches an op whose results may alias it.
// CHECK-LABEL: func.func @select
// CHECK: memref.alloc() : memref<4xf32>
// expected-remark @+1 {{arena of 0 bytes for 0 buffers}}
func.func @select(%c: i1, %in: memref<4xf32>) {
  // expected-warning @+1 {{not planned: 'arith.select' may alias it beyond what the pass can follow}}
  %a = memref.alloc() : memref<4xf32>
  // expected-note @+1 {{because of this use}}
  %s = arith.select %c, %a, %in : memref<4xf32>
  memref.copy %in, %s : memref<4xf32> to memref<4xf32>
  return
}

// -----

// expected-warning @+1 {{not planned: the body has several blocks}}
func.func @blocks(%c: i1) {
  cf.cond_br %c, ^a, ^b
^a:
  %t = memref.alloc() : memref<4xf32>
  memref.dealloc %t : memref<4xf32>
  return
^b:
  return
}
