// RUN: serenity-opt %s --split-input-file --serenity-plan-memory 2>%t.remarks | FileCheck %s --check-prefixes=CHECK,GLOBAL
// RUN: FileCheck %s --check-prefix=REMARK < %t.remarks
// RUN: serenity-opt %s --split-input-file --serenity-plan-memory="arena=alloc" 2>/dev/null | FileCheck %s --check-prefixes=CHECK,ALLOC
// RUN: serenity-opt %s --split-input-file --serenity-plan-memory="arena=argument" 2>/dev/null | FileCheck %s --check-prefixes=CHECK,ARG

// A view keeps its buffer live: %a is read through a subview by the last
// op, so %b (used in between) must not share its bytes. 64 + 48 = 112; the
// 36-byte %b rounds up to 48 under the default 16-byte alignment.
// REMARK: remark: serenity-plan-memory: arena of 112 bytes for 2 buffers, live-bytes bound 112, exact (optimal)
// GLOBAL: memref.global "private" @__serenity_arena_views : memref<112xi8> = uninitialized {alignment = 16 : i64}
// CHECK-LABEL: func.func @views
// ARG-SAME: (%[[IN:.*]]: memref<16xf32>, %[[ARENA:.*]]: memref<112xi8>)
// GLOBAL: %[[ARENA:.*]] = memref.get_global @__serenity_arena_views : memref<112xi8>
// ALLOC: %[[ARENA:.*]] = memref.alloc() {alignment = 16 : i64} : memref<112xi8>
// CHECK: %[[A:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %[[ARENA]][%[[A]]][] : memref<112xi8> to memref<16xf32>
// CHECK: %[[B:.*]] = arith.constant 64 : index
// CHECK-NEXT: memref.view %[[ARENA]][%[[B]]][] : memref<112xi8> to memref<9xf32>
// CHECK-NOT: memref.dealloc %view
// ALLOC: memref.dealloc %[[ARENA]] : memref<112xi8>
// CHECK: return
func.func @views(%in: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %s = memref.subview %a[4] [9] [1] : memref<16xf32> to memref<9xf32, strided<[1], offset: 4>>
  %b = memref.alloc() : memref<9xf32>
  memref.copy %s, %b : memref<9xf32, strided<[1], offset: 4>> to memref<9xf32>
  memref.copy %b, %s : memref<9xf32> to memref<9xf32, strided<[1], offset: 4>>
  memref.dealloc %b : memref<9xf32>
  memref.copy %s, %s : memref<9xf32, strided<[1], offset: 4>> to memref<9xf32, strided<[1], offset: 4>>
  memref.dealloc %a : memref<16xf32>
  return
}

// -----

// Buffers whose lifetimes do not meet share bytes; a use inside a loop counts
// at the loop. %t1 dies at the loop, %t2 starts after it: both at 0.
// REMARK: remark: serenity-plan-memory: arena of 32 bytes for 2 buffers, live-bytes bound 32, exact (optimal)
// CHECK-LABEL: func.func @reuse
// CHECK: arith.constant 8 : index
// CHECK: %[[Z1:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view {{.*}}[%[[Z1]]][] : memref<32xi8> to memref<8xf32>
// CHECK: scf.for
// CHECK: %[[Z2:.*]] = arith.constant 0 : index
// CHECK-NEXT: memref.view {{.*}}[%[[Z2]]][] : memref<32xi8> to memref<8xf32>
func.func @reuse(%in: memref<8xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %t1 = memref.alloc() : memref<8xf32>
  memref.copy %in, %t1 : memref<8xf32> to memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %t1[%i] : memref<8xf32>
    memref.store %v, %out[%i] : memref<8xf32>
  }
  %t2 = memref.alloc() : memref<8xf32>
  memref.copy %out, %t2 : memref<8xf32> to memref<8xf32>
  memref.copy %t2, %out : memref<8xf32> to memref<8xf32>
  return
}

// -----

// Nothing to place: no arena, an empty report.
// REMARK: remark: serenity-plan-memory: arena of 0 bytes for 0 buffers, live-bytes bound 0, exact (optimal)
// CHECK-LABEL: func.func @nothing
// CHECK-NOT: memref.get_global
// CHECK: return
func.func @nothing(%in: memref<8xf32>) {
  return
}
