// RUN: serenity-opt %s --split-input-file --serenity-outline-kernels | FileCheck %s

// Each Linalg op of a public function becomes a private kernel, called in
// its place and in the same order. The arena's buffers (views of a global
// at constant offsets) and the function's arguments are passed, `noalias`
// when they overlap no other argument; the views derived from them and the
// constants move into the kernel.
memref.global "private" @arena : memref<512xi8> = uninitialized {alignment = 16 : i64}

// CHECK-LABEL: func.func private @cell_kernel0(
// CHECK-SAME: %[[IN:.*]]: memref<1x4x4x8xf32> {llvm.noalias}, %[[TMP:.*]]: memref<1x4x4x8xf32> {llvm.noalias}, %[[ZERO:.*]]: f32)
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[IN]] : memref<1x4x4x8xf32>) outs(%[[TMP]] : memref<1x4x4x8xf32>)
// CHECK: arith.maximumf %{{.*}}, %[[ZERO]]
// CHECK: return

// CHECK-LABEL: func.func private @cell_kernel1(
// CHECK-SAME: %[[SRC:.*]]: memref<1x4x4x8xf32> {llvm.noalias}, %[[OUT:.*]]: memref<1x4x4x16xf32> {llvm.noalias})
// CHECK-NEXT: %[[DST:.*]] = memref.subview %[[OUT]][0, 0, 0, 8] [1, 4, 4, 8] [1, 1, 1, 1]
// CHECK-NEXT: linalg.copy ins(%[[SRC]] : memref<1x4x4x8xf32>) outs(%[[DST]] :

// CHECK-LABEL: func.func @cell(
// CHECK-SAME: %[[ARG0:.*]]: memref<1x4x4x8xf32>, %[[ARG1:.*]]: memref<1x4x4x16xf32>, %[[SCALAR:.*]]: f32)
// CHECK: %[[VIEW:.*]] = memref.view
// CHECK-NEXT: call @cell_kernel0(%[[ARG0]], %[[VIEW]], %[[SCALAR]])
// CHECK-NEXT: call @cell_kernel1(%[[VIEW]], %[[ARG1]])
// CHECK-NEXT: return
func.func @cell(%in: memref<1x4x4x8xf32>, %out: memref<1x4x4x16xf32>, %zero: f32) {
  %c0 = arith.constant 0 : index
  %arena = memref.get_global @arena : memref<512xi8>
  %tmp = memref.view %arena[%c0][] : memref<512xi8> to memref<1x4x4x8xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>,
                                   affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<1x4x4x8xf32>) outs(%tmp : memref<1x4x4x8xf32>) {
  ^bb0(%x: f32, %y: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  %dst = memref.subview %out[0, 0, 0, 8] [1, 4, 4, 8] [1, 1, 1, 1]
      : memref<1x4x4x16xf32> to memref<1x4x4x8xf32, strided<[256, 64, 16, 1], offset: 8>>
  linalg.copy ins(%tmp : memref<1x4x4x8xf32>) outs(%dst : memref<1x4x4x8xf32, strided<[256, 64, 16, 1], offset: 8>>)
  return
}

// -----

// Buffers of the arena that overlap (here bytes 256-511) are not `noalias`;
// the one that overlaps neither is.
// CHECK-LABEL: func.func private @overlap_kernel0(
// CHECK-SAME: %{{.*}}: memref<16xf32> {llvm.noalias}, %{{.*}}: memref<128xf32>, %{{.*}}: memref<64xf32>)
memref.global "private" @arena : memref<1024xi8> = uninitialized {alignment = 16 : i64}
func.func @overlap() {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %c768 = arith.constant 768 : index
  %arena = memref.get_global @arena : memref<1024xi8>
  %a = memref.view %arena[%c0][] : memref<1024xi8> to memref<128xf32>
  %b = memref.view %arena[%c256][] : memref<1024xi8> to memref<64xf32>
  %c = memref.view %arena[%c768][] : memref<1024xi8> to memref<16xf32>
  %sa = memref.subview %a[0] [16] [1] : memref<128xf32> to memref<16xf32, strided<[1]>>
  %sb = memref.subview %b[0] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1]>>
  linalg.add ins(%sa, %sb : memref<16xf32, strided<[1]>>, memref<16xf32, strided<[1]>>) outs(%c : memref<16xf32>)
  return
}

// -----

// A dynamic memref is no bare pointer: the op stays where it is, and private
// functions are not outlined from.
// CHECK-LABEL: func.func @dynamic(
// CHECK-NEXT: linalg.copy
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @helper(
// CHECK-NEXT: linalg.copy
// CHECK-NOT: _kernel
func.func @dynamic(%a: memref<?xf32>, %b: memref<?xf32>) {
  linalg.copy ins(%a : memref<?xf32>) outs(%b : memref<?xf32>)
  return
}
func.func private @helper(%a: memref<4xf32>, %b: memref<4xf32>) {
  linalg.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>)
  return
}

// -----

// Weights are passed, not cloned: two convolutions of one shape with other
// weights share one kernel (the back end compiles it once), and one of
// another shape or computation gets its own. A weight is `noalias` next to
// other globals, the arena's buffers and the arguments.
// CHECK-LABEL: func.func private @shared_kernel0(
// CHECK-SAME: %{{.*}}: memref<1x4x4x8xf32> {llvm.noalias}, %{{.*}}: memref<1x1x8x8xf32> {llvm.noalias}, %{{.*}}: memref<1x4x4x8xf32> {llvm.noalias})
// CHECK-NEXT: linalg.conv_2d_nhwc_hwcf
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @shared_kernel1(
// CHECK-SAME: %{{.*}}: memref<1x4x4x8xf32> {llvm.noalias}, %{{.*}}: memref<1x4x4x8xf32> {llvm.noalias})
// CHECK-NEXT: linalg.copy
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @shared_kernel2(
// CHECK-SAME: memref<1x4x4x8xf32> {llvm.noalias}, %{{.*}}: memref<1x4x4x8xf32> {llvm.noalias}, %{{.*}}: memref<1x4x4x8xf32> {llvm.noalias})
// CHECK-NEXT: linalg.add
// CHECK-NOT: func.func private
// CHECK-LABEL: func.func @shared(
// CHECK-SAME: %[[IN:.*]]: memref<1x4x4x8xf32>, %[[OUT:.*]]: memref<1x4x4x8xf32>)
// CHECK-DAG: %[[W1:.*]] = memref.get_global @w1
// CHECK-DAG: %[[W2:.*]] = memref.get_global @w2
// CHECK-DAG: %[[A:.*]] = memref.view %{{.*}}[%c0{{.*}}]
// CHECK-DAG: %[[B:.*]] = memref.view %{{.*}}[%c512{{.*}}]
// CHECK: call @shared_kernel0(%[[IN]], %[[W1]], %[[A]])
// CHECK-NEXT: call @shared_kernel0(%[[A]], %[[W2]], %[[B]])
// CHECK-NEXT: call @shared_kernel1(%[[B]], %[[A]])
// CHECK-NEXT: call @shared_kernel2(%[[A]], %[[B]], %[[OUT]])
// CHECK-NEXT: return
memref.global "private" constant @w1 : memref<1x1x8x8xf32> = dense<1.0>
memref.global "private" constant @w2 : memref<1x1x8x8xf32> = dense<2.0>
memref.global "private" @arena : memref<1024xi8> = uninitialized {alignment = 16 : i64}
func.func @shared(%in: memref<1x4x4x8xf32>, %out: memref<1x4x4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c512 = arith.constant 512 : index
  %arena = memref.get_global @arena : memref<1024xi8>
  %a = memref.view %arena[%c0][] : memref<1024xi8> to memref<1x4x4x8xf32>
  %b = memref.view %arena[%c512][] : memref<1024xi8> to memref<1x4x4x8xf32>
  %w1 = memref.get_global @w1 : memref<1x1x8x8xf32>
  %w2 = memref.get_global @w2 : memref<1x1x8x8xf32>
  linalg.conv_2d_nhwc_hwcf ins(%in, %w1 : memref<1x4x4x8xf32>, memref<1x1x8x8xf32>) outs(%a : memref<1x4x4x8xf32>)
  linalg.conv_2d_nhwc_hwcf ins(%a, %w2 : memref<1x4x4x8xf32>, memref<1x1x8x8xf32>) outs(%b : memref<1x4x4x8xf32>)
  linalg.copy ins(%b : memref<1x4x4x8xf32>) outs(%a : memref<1x4x4x8xf32>)
  linalg.add ins(%a, %b : memref<1x4x4x8xf32>, memref<1x4x4x8xf32>) outs(%out : memref<1x4x4x8xf32>)
  return
}

// -----

// The arena as a whole overlaps each of its buffers: neither is `noalias`.
// Kernels whose arguments differ in `noalias` are not shared.
// CHECK-LABEL: func.func private @whole_kernel0(
// CHECK-SAME: %{{.*}}: memref<16xf32>, %{{.*}}: memref<64xi8>)
// CHECK-LABEL: func.func private @whole_kernel1(
// CHECK-SAME: %{{.*}}: memref<16xf32> {llvm.noalias}, %{{.*}}: memref<64xi8> {llvm.noalias})
// CHECK-LABEL: func.func @whole(
// CHECK: call @whole_kernel0(
// CHECK-NEXT: call @whole_kernel1(
memref.global "private" @arena : memref<64xi8> = uninitialized {alignment = 16 : i64}
memref.global "private" @other : memref<64xi8> = uninitialized {alignment = 16 : i64}
func.func @whole() {
  %c0 = arith.constant 0 : index
  %arena = memref.get_global @arena : memref<64xi8>
  %other = memref.get_global @other : memref<64xi8>
  %a = memref.view %arena[%c0][] : memref<64xi8> to memref<16xf32>
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      outs(%a : memref<16xf32>) {
  ^bb0(%x: f32):
    %v = memref.load %arena[%c0] : memref<64xi8>
    %f = arith.uitofp %v : i8 to f32
    linalg.yield %f : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      outs(%a : memref<16xf32>) {
  ^bb0(%x: f32):
    %v = memref.load %other[%c0] : memref<64xi8>
    %f = arith.uitofp %v : i8 to f32
    linalg.yield %f : f32
  }
  return
}
