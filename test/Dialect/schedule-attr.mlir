// RUN: serenity-opt %s --split-input-file --verify-diagnostics | FileCheck %s
// RUN: serenity-opt %s --split-input-file --verify-diagnostics | serenity-opt --split-input-file | FileCheck %s

// The report round-trips; names that are not bare identifiers are quoted.
// CHECK-LABEL: func.func @reported
// CHECK-SAME: serenity.schedule = #serenity.schedule<peak = 100, input_peak = 120, lower_bound = 90, algorithm = optimal, produced_by = list, model = inplace, status = "best-found", states = 7>
func.func @reported() attributes {serenity.schedule = #serenity.schedule<peak = 100, input_peak = 120, lower_bound = 90, algorithm = optimal, produced_by = list, model = inplace, status = "best-found", states = 7>} {
  return
}

// -----

// CHECK-LABEL: func.func @heuristic
// CHECK-SAME: algorithm = "best-heuristic", produced_by = dfs, model = strict, status = heuristic
func.func @heuristic() attributes {serenity.schedule = #serenity.schedule<peak = 10, input_peak = 5, lower_bound = 5, algorithm = "best-heuristic", produced_by = dfs, model = strict, status = heuristic, states = 0>} {
  return
}

// -----

// expected-error @+1 {{lower_bound 11 exceeds the peak 10}}
func.func @bad_bound() attributes {serenity.schedule = #serenity.schedule<peak = 10, input_peak = 10, lower_bound = 11, algorithm = optimal, produced_by = optimal, model = strict, status = "best-found", states = 1>} {
  return
}

// -----

// expected-error @+1 {{an optimal schedule has lower_bound == peak}}
func.func @unproven() attributes {serenity.schedule = #serenity.schedule<peak = 10, input_peak = 10, lower_bound = 9, algorithm = optimal, produced_by = optimal, model = strict, status = optimal, states = 1>} {
  return
}

// -----

// expected-error @+1 {{status 'optimal' does not fit algorithm 'list'}}
func.func @heuristic_claims_optimal() attributes {serenity.schedule = #serenity.schedule<peak = 10, input_peak = 10, lower_bound = 10, algorithm = list, produced_by = list, model = strict, status = optimal, states = 0>} {
  return
}

// -----

// expected-error @+1 {{the optimal search never returns a peak above the input's}}
func.func @worse_than_input() attributes {serenity.schedule = #serenity.schedule<peak = 12, input_peak = 10, lower_bound = 12, algorithm = optimal, produced_by = optimal, model = strict, status = optimal, states = 1>} {
  return
}

// -----

// expected-error @+2 {{unknown memory model 'loose'}}
// expected-error @+1 {{failed to parse Serenity_ScheduleReportAttr parameter 'model'}}
func.func @bad_model() attributes {serenity.schedule = #serenity.schedule<peak = 1, input_peak = 1, lower_bound = 1, algorithm = program, produced_by = program, model = loose, status = heuristic, states = 0>} {
  return
}

// -----

// expected-error @+1 {{'serenity.schedule' must be a #serenity.schedule report}}
func.func @not_a_report() attributes {serenity.schedule = 42 : i64} {
  return
}

// -----

// expected-error @+1 {{'serenity.schedule' belongs on a function}}
module attributes {serenity.schedule = #serenity.schedule<peak = 1, input_peak = 1, lower_bound = 1, algorithm = program, produced_by = program, model = strict, status = heuristic, states = 0>} {
}

// -----

// serenity.tile_pad marks a tensor.pad of a patch's tile, and only that.
// CHECK-LABEL: func.func @tile_pad
// CHECK: tensor.pad
// CHECK: } {serenity.tile_pad}
func.func @tile_pad(%x: tensor<1x2x2x1xf32>) -> tensor<1x4x4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } {serenity.tile_pad} : tensor<1x2x2x1xf32> to tensor<1x4x4x1xf32>
  return %padded : tensor<1x4x4x1xf32>
}

// -----

// expected-error @+1 {{'serenity.tile_pad' is a unit attribute of a tensor.pad}}
func.func @tile_pad_on_function() attributes {serenity.tile_pad} {
  return
}
