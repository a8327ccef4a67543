// The report goes to stderr (or output=), the IR alone to stdout, so that the
// pass sits in a pipe.
// RUN: serenity-opt %s --serenity-liveness 2>&1 -o /dev/null | FileCheck %s --check-prefix=TEXT
// RUN: serenity-opt %s --serenity-liveness="memory-model=inplace" 2>&1 -o /dev/null | FileCheck %s --check-prefix=INPLACE
// RUN: serenity-opt %s --serenity-liveness="format=json output=%t.json" | FileCheck %s --check-prefix=IR
// RUN: serenity-opt %s --serenity-liveness 2>/dev/null | serenity-opt --serenity-schedule | FileCheck %s --check-prefix=PIPED
// PIPED: func.func @cell({{.*}} attributes {serenity.schedule = #serenity.schedule<peak = 10240
// RUN: serenity-opt %s --serenity-liveness="format=json" 2>&1 >/dev/null | %python -c "import json, sys; print(json.load(sys.stdin)['functions'][0]['peak_bytes'])" | FileCheck %s --check-prefix=PIPED-JSON
// PIPED-JSON: {{^10240$}}
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// An output= that cannot be written: one error at the input, no IR dumped
// after it, no IR written.
// RUN: not serenity-opt %s --serenity-liveness="output=%t.missing/report.txt" -o %t.unwritten.mlir 2>&1 | FileCheck %s --check-prefix=UNWRITABLE
// RUN: not ls %t.unwritten.mlir
// UNWRITABLE: liveness.mlir:0:0: error: serenity-liveness: cannot write '{{.*}}.missing/report.txt': cannot open output file
// UNWRITABLE-NOT: see current operation
// UNWRITABLE-NOT: func.func

// The report describes the order as written and leaves the IR alone.
// IR: func.func @cell(%arg0: tensor<1x8x8x4xf32>) -> tensor<1x8x8x20xf32> {
// IR-NOT: serenity.schedule

// Input 1024 bytes. conv: 1024 + 4096 live; sigmoid (element-wise) on the
// dying conv result; reshape (a view); concat (5120) of the reshape and the
// input, returned.
// TEXT: serenity-liveness @cell (model strict, 4 ops, 4 weights)
// TEXT-NEXT:   step         live    allocated        freed  op
// TEXT-NEXT:      0         5120         4096            0  %4 = tosa.conv2d  at {{.*}}liveness.mlir:[[# @LINE + 54]]:11
// TEXT-NEXT:      1         9216         4096         4096  %5 = tosa.sigmoid  at {{.*}}liveness.mlir:[[# @LINE + 54]]:10
// TEXT-NEXT:      2         9216         4096         4096  %6 = tosa.reshape  at {{.*}}liveness.mlir:
// TEXT-NEXT:      3        10240         5120         5120  %7 = tosa.concat  at {{.*}}liveness.mlir:
// TEXT-NEXT: peak: 10240 bytes at step 3 (%7 = tosa.concat)

// Under inplace, sigmoid writes into the conv result and the reshape aliases.
// INPLACE: serenity-liveness @cell (model inplace, 4 ops, 4 weights)
// INPLACE-NEXT:   step         live    allocated        freed  op
// INPLACE-NEXT:      0         5120         4096            0  %4 = tosa.conv2d
// INPLACE-NEXT:      1         5120            0            0  %5 = tosa.sigmoid
// INPLACE-NEXT:      2         5120            0            0  %6 = tosa.reshape
// INPLACE-NEXT:      3        10240         5120         5120  %7 = tosa.concat
// INPLACE-NEXT: peak: 10240 bytes at step 3 (%7 = tosa.concat)

// JSON:      "functions": [
// JSON-NEXT:   {
// JSON-NEXT:     "function": "cell",
// JSON-NEXT:     "model": "strict",
// JSON-NEXT:     "peak_bytes": 10240,
// JSON-NEXT:     "peak_op": "%7 = tosa.concat",
// JSON-NEXT:     "peak_step": 3,
// JSON-NEXT:     "steps": [
// JSON-NEXT:       {
// JSON-NEXT:         "allocated_bytes": 4096,
// JSON-NEXT:         "freed_bytes": 0,
// JSON-NEXT:         "live_bytes": 5120,
// JSON-NEXT:         "location": "{{.*}}liveness.mlir:[[# @LINE + 27]]:11",
// JSON-NEXT:         "op": "%4 = tosa.conv2d",
// JSON-NEXT:         "step": 0
// JSON-NEXT:       },
// JSON:              "live_bytes": 10240,
// JSON-NEXT:         "location": "{{.*}}liveness.mlir:[[# @LINE + 25]]:10",
// JSON-NEXT:         "op": "%7 = tosa.concat",
// JSON-NEXT:         "step": 3
// JSON-NEXT:       }
// JSON-NEXT:     ],
// JSON-NEXT:     "weights": 4
// JSON-NEXT:   },
// JSON-NEXT:   {
// JSON-NEXT:     "function": "empty",
// JSON-NEXT:     "model": "strict",
// JSON-NEXT:     "peak_bytes": 64,
// JSON-NEXT:     "peak_op": null,
// JSON-NEXT:     "peak_step": null,
// JSON-NEXT:     "steps": [],
// JSON-NEXT:     "weights": 0
// JSON-NEXT:   }

func.func @cell(%arg0: tensor<1x8x8x4xf32>) -> tensor<1x8x8x20xf32> {
  %wide = "tosa.const"() {values = dense<0.25> : tensor<16x1x1x4xf32>} : () -> tensor<16x1x1x4xf32>
  %bias16 = "tosa.const"() {values = dense<0.0> : tensor<16xf32>} : () -> tensor<16xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shape = tosa.const_shape {values = dense<[1, 8, 8, 16]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %conv = tosa.conv2d %arg0, %wide, %bias16, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<16x1x1x4xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x16xf32>
  %sig = tosa.sigmoid %conv : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %view = tosa.reshape %sig, %shape : (tensor<1x8x8x16xf32>, !tosa.shape<4>) -> tensor<1x8x8x16xf32>
  %cat = tosa.concat %view, %arg0 {axis = 3 : i32} : (tensor<1x8x8x16xf32>, tensor<1x8x8x4xf32>) -> tensor<1x8x8x20xf32>
  return %cat : tensor<1x8x8x20xf32>
}

// A function with no ops holds its arguments: 16 floats.
func.func @empty(%arg0: tensor<16xf32>) -> tensor<16xf32> {
  return %arg0 : tensor<16xf32>
}
