// Exact offsets of every placement algorithm on one function (the example
// of unittests/Core/PlacementTest.cpp, gapsExample, derived there by hand).
// Steps are the body's ops: Z and P are used at the first call, P, Q and X
// at the second, W and Q at the third; the allocs themselves do not start a
// lifetime (their contents are undefined until used).
// RUN: serenity-opt %s --serenity-plan-memory="algorithm=tflm-greedy alignment=1" 2>/dev/null | FileCheck %s --check-prefix=TFLM
// RUN: serenity-opt %s --serenity-plan-memory="algorithm=tflite-arena alignment=1" 2>/dev/null | FileCheck %s --check-prefix=TFLITE
// RUN: serenity-opt %s --serenity-plan-memory="algorithm=tvm-greedy alignment=1" 2>/dev/null | FileCheck %s --check-prefix=TVM
// RUN: serenity-opt %s --serenity-plan-memory="algorithm=iree-in-order alignment=1" 2>/dev/null | FileCheck %s --check-prefix=IREE
// RUN: serenity-opt %s --serenity-plan-memory="algorithm=exact alignment=1" 2>/dev/null | FileCheck %s --check-prefix=EXACT

// TFLM: memref.global "private" @__serenity_arena_gaps : memref<20xi8> = uninitialized {alignment = 1 : i64}
// TFLM-LABEL: func.func @gaps()
// TFLM-SAME: serenity.arena = #serenity.arena<bytes = 20, live_bound = 20, buffers = 5, alignment = 1, algorithm = "tflm-greedy", produced_by = "tflm-greedy", status = heuristic>
// TFLM: %[[ARENA:.*]] = memref.get_global @__serenity_arena_gaps
// TFLM: %[[W:.*]] = arith.constant 0 : index
// TFLM-NEXT: memref.view %[[ARENA]][%[[W]]][] : memref<20xi8> to memref<16xi8>
// TFLM: %[[Z:.*]] = arith.constant 0 : index
// TFLM-NEXT: memref.view %[[ARENA]][%[[Z]]][] : memref<20xi8> to memref<10xi8>
// TFLM: %[[P:.*]] = arith.constant 10 : index
// TFLM-NEXT: memref.view %[[ARENA]][%[[P]]][] : memref<20xi8> to memref<4xi8>
// TFLM: %[[Q:.*]] = arith.constant 16 : index
// TFLM-NEXT: memref.view %[[ARENA]][%[[Q]]][] : memref<20xi8> to memref<4xi8>
// TFLM: %[[X:.*]] = arith.constant 0 : index
// TFLM-NEXT: memref.view %[[ARENA]][%[[X]]][] : memref<20xi8> to memref<2xi8>
// TFLM-NOT: memref.alloc

// TFLITE: memref.global "private" @__serenity_arena_gaps : memref<20xi8> = uninitialized {alignment = 1 : i64}
// TFLITE-LABEL: func.func @gaps()
// TFLITE-SAME: serenity.arena = #serenity.arena<bytes = 20, live_bound = 20, buffers = 5, alignment = 1, algorithm = "tflite-arena", produced_by = "tflite-arena", status = heuristic>
// TFLITE: %[[ARENA:.*]] = memref.get_global @__serenity_arena_gaps
// TFLITE: %[[W:.*]] = arith.constant 0 : index
// TFLITE-NEXT: memref.view %[[ARENA]][%[[W]]][] : memref<20xi8> to memref<16xi8>
// TFLITE: %[[Z:.*]] = arith.constant 0 : index
// TFLITE-NEXT: memref.view %[[ARENA]][%[[Z]]][] : memref<20xi8> to memref<10xi8>
// TFLITE: %[[P:.*]] = arith.constant 10 : index
// TFLITE-NEXT: memref.view %[[ARENA]][%[[P]]][] : memref<20xi8> to memref<4xi8>
// TFLITE: %[[Q:.*]] = arith.constant 16 : index
// TFLITE-NEXT: memref.view %[[ARENA]][%[[Q]]][] : memref<20xi8> to memref<4xi8>
// TFLITE: %[[X:.*]] = arith.constant 14 : index
// TFLITE-NEXT: memref.view %[[ARENA]][%[[X]]][] : memref<20xi8> to memref<2xi8>
// TFLITE-NOT: memref.alloc

// TVM: memref.global "private" @__serenity_arena_gaps : memref<22xi8> = uninitialized {alignment = 1 : i64}
// TVM-LABEL: func.func @gaps()
// TVM-SAME: serenity.arena = #serenity.arena<bytes = 22, live_bound = 20, buffers = 5, alignment = 1, algorithm = "tvm-greedy", produced_by = "tvm-greedy", status = heuristic>
// TVM: %[[ARENA:.*]] = memref.get_global @__serenity_arena_gaps
// TVM: %[[W:.*]] = arith.constant 0 : index
// TVM-NEXT: memref.view %[[ARENA]][%[[W]]][] : memref<22xi8> to memref<16xi8>
// TVM: %[[Z:.*]] = arith.constant 0 : index
// TVM-NEXT: memref.view %[[ARENA]][%[[Z]]][] : memref<22xi8> to memref<10xi8>
// TVM: %[[P:.*]] = arith.constant 10 : index
// TVM-NEXT: memref.view %[[ARENA]][%[[P]]][] : memref<22xi8> to memref<4xi8>
// TVM: %[[Q:.*]] = arith.constant 16 : index
// TVM-NEXT: memref.view %[[ARENA]][%[[Q]]][] : memref<22xi8> to memref<4xi8>
// TVM: %[[X:.*]] = arith.constant 20 : index
// TVM-NEXT: memref.view %[[ARENA]][%[[X]]][] : memref<22xi8> to memref<2xi8>
// TVM-NOT: memref.alloc

// IREE: memref.global "private" @__serenity_arena_gaps : memref<20xi8> = uninitialized {alignment = 1 : i64}
// IREE-LABEL: func.func @gaps()
// IREE-SAME: serenity.arena = #serenity.arena<bytes = 20, live_bound = 20, buffers = 5, alignment = 1, algorithm = "iree-in-order", produced_by = "iree-in-order", status = heuristic>
// IREE: %[[ARENA:.*]] = memref.get_global @__serenity_arena_gaps
// IREE: %[[W:.*]] = arith.constant 4 : index
// IREE-NEXT: memref.view %[[ARENA]][%[[W]]][] : memref<20xi8> to memref<16xi8>
// IREE: %[[Z:.*]] = arith.constant 0 : index
// IREE-NEXT: memref.view %[[ARENA]][%[[Z]]][] : memref<20xi8> to memref<10xi8>
// IREE: %[[P:.*]] = arith.constant 10 : index
// IREE-NEXT: memref.view %[[ARENA]][%[[P]]][] : memref<20xi8> to memref<4xi8>
// IREE: %[[Q:.*]] = arith.constant 0 : index
// IREE-NEXT: memref.view %[[ARENA]][%[[Q]]][] : memref<20xi8> to memref<4xi8>
// IREE: %[[X:.*]] = arith.constant 4 : index
// IREE-NEXT: memref.view %[[ARENA]][%[[X]]][] : memref<20xi8> to memref<2xi8>
// IREE-NOT: memref.alloc

// EXACT: memref.global "private" @__serenity_arena_gaps : memref<20xi8> = uninitialized {alignment = 1 : i64}
// EXACT-LABEL: func.func @gaps()
// EXACT-SAME: serenity.arena = #serenity.arena<bytes = 20, live_bound = 20, buffers = 5, alignment = 1, algorithm = exact, produced_by = "tflm-greedy", status = optimal>
// EXACT: %[[ARENA:.*]] = memref.get_global @__serenity_arena_gaps
// EXACT: %[[W:.*]] = arith.constant 0 : index
// EXACT-NEXT: memref.view %[[ARENA]][%[[W]]][] : memref<20xi8> to memref<16xi8>
// EXACT: %[[Z:.*]] = arith.constant 0 : index
// EXACT-NEXT: memref.view %[[ARENA]][%[[Z]]][] : memref<20xi8> to memref<10xi8>
// EXACT: %[[P:.*]] = arith.constant 10 : index
// EXACT-NEXT: memref.view %[[ARENA]][%[[P]]][] : memref<20xi8> to memref<4xi8>
// EXACT: %[[Q:.*]] = arith.constant 16 : index
// EXACT-NEXT: memref.view %[[ARENA]][%[[Q]]][] : memref<20xi8> to memref<4xi8>
// EXACT: %[[X:.*]] = arith.constant 0 : index
// EXACT-NEXT: memref.view %[[ARENA]][%[[X]]][] : memref<20xi8> to memref<2xi8>
// EXACT-NOT: memref.alloc

func.func private @use2(memref<?xi8>, memref<?xi8>)
func.func private @use3(memref<?xi8>, memref<?xi8>, memref<?xi8>)

func.func @gaps() {
  %w = memref.alloc() : memref<16xi8>
  %z = memref.alloc() : memref<10xi8>
  %p = memref.alloc() : memref<4xi8>
  %q = memref.alloc() : memref<4xi8>
  %x = memref.alloc() : memref<2xi8>
  %zc = memref.cast %z : memref<10xi8> to memref<?xi8>
  %pc = memref.cast %p : memref<4xi8> to memref<?xi8>
  call @use2(%zc, %pc) : (memref<?xi8>, memref<?xi8>) -> ()
  %qc = memref.cast %q : memref<4xi8> to memref<?xi8>
  %xc = memref.cast %x : memref<2xi8> to memref<?xi8>
  call @use3(%pc, %qc, %xc) : (memref<?xi8>, memref<?xi8>, memref<?xi8>) -> ()
  %wc = memref.cast %w : memref<16xi8> to memref<?xi8>
  call @use2(%wc, %qc) : (memref<?xi8>, memref<?xi8>) -> ()
  memref.dealloc %w : memref<16xi8>
  return
}
