// RUN: serenity-opt %s --split-input-file --verify-diagnostics --serenity-plan-memory="io-in-arena=1" | FileCheck %s
// RUN: not serenity-opt %s --serenity-plan-memory="io-in-arena=1 arena=argument" 2>&1 | FileCheck %s --check-prefix=KIND

// io-in-arena places the arguments in the arena: the input from the start
// (the function reads it) to its last use, the out-param from its first use
// to the return (the function writes it). The temporary lives while the
// input does, so the output takes the input's bytes once it is dead: a
// 3-buffer arena of 2 x 64 bytes.
// KIND: error: serenity-plan-memory: io-in-arena needs arena=global (the caller reaches the inputs and outputs through the arena's symbol), got arena=argument
// KIND-NOT: func.func

// CHECK: memref.global "private" @__serenity_arena_chain : memref<128xi8>
// CHECK-LABEL: func.func @chain()
// CHECK-SAME: serenity.arena_io = array<i64: 0, 0>
// CHECK: %[[ARENA:.*]] = memref.get_global @__serenity_arena_chain
// CHECK: %[[IN:.*]] = memref.view %[[ARENA]][%c0{{.*}}][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[OUT:.*]] = memref.view %[[ARENA]][%c0{{.*}}][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[TMP:.*]] = memref.view %[[ARENA]][%c64][] : memref<128xi8> to memref<16xf32>
// CHECK: linalg.copy ins(%[[IN]] : memref<16xf32>) outs(%[[TMP]] : memref<16xf32>)
// CHECK: linalg.copy ins(%[[TMP]] : memref<16xf32>) outs(%[[OUT]] : memref<16xf32>)
// expected-remark @below {{serenity-plan-memory: arena of 128 bytes for 3 buffers (2 of them the arguments, at offsets 0, 0), live-bytes bound 128}}
func.func @chain(%in: memref<16xf32>, %out: memref<16xf32>) {
  %tmp = memref.alloc() : memref<16xf32>
  linalg.copy ins(%in : memref<16xf32>) outs(%tmp : memref<16xf32>)
  linalg.copy ins(%tmp : memref<16xf32>) outs(%out : memref<16xf32>)
  return
}

// -----

// A called function keeps its arguments (its caller passes them).
// CHECK-LABEL: func.func @callee(%{{.*}}: memref<4xf32>)
// expected-warning @below {{serenity-plan-memory: io-in-arena: @callee keeps its arguments: it is called in this module}}
// expected-remark @below {{arena of 0 bytes for 0 buffers}}
func.func @callee(%buffer: memref<4xf32>) {
  return
}
// expected-remark @below {{arena of 16 bytes for 1 buffers}}
func.func @caller() {
  %buffer = memref.alloc() : memref<4xf32>
  call @callee(%buffer) : (memref<4xf32>) -> ()
  return
}

// -----

// An argument the arena cannot hold: an error at the argument.
func.func @dynamic(
    // expected-error @below {{serenity-plan-memory: io-in-arena: argument #0 of @dynamic has type 'memref<?xf32>'; the arena holds statically shaped memrefs of the identity layout}}
    %in: memref<?xf32>) {
  return
}
