// RUN: serenity-opt %s --split-input-file --verify-diagnostics --serenity-schedule
// RUN: serenity-opt %s --split-input-file --verify-diagnostics --serenity-liveness

// expected-error @+1 {{serenity: the body of 'two_blocks' has 2 blocks; only a single-block function body can be scheduled}}
func.func @two_blocks(%arg0: tensor<4xf32>) -> tensor<4xf32> {
  cf.br ^bb1
^bb1:
  return %arg0 : tensor<4xf32>
}

// -----

func.func @dynamic_result(%arg0: tensor<4xf32>, %n: index) -> tensor<?xf32> {
  // expected-error @+1 {{serenity: result #0 has type 'tensor<?xf32>', which has no static size; scheduling needs ranked, statically shaped tensors}}
  %0 = tensor.empty(%n) : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// expected-error @+1 {{serenity: argument #0 has type 'tensor<*xf32>', which has no static size; scheduling needs ranked, statically shaped tensors}}
func.func @unranked_argument(%arg0: tensor<*xf32>) -> tensor<*xf32> {
  %0 = tosa.sigmoid %arg0 : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// expected-error @+1 {{serenity: argument #0 has type 'tensor<?x4xf32>', which has no static size; scheduling needs ranked, statically shaped tensors}}
func.func @dynamic_argument(%arg0: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = tosa.sigmoid %arg0 : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
