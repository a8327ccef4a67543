//===- SerenityAttrs.td - serenity attributes --------------*- tablegen -*-===//

#ifndef SERENITY_DIALECT_SERENITY_SERENITYATTRS_TD
#define SERENITY_DIALECT_SERENITY_SERENITYATTRS_TD

include "serenity/Dialect/Serenity/SerenityDialect.td"
include "mlir/IR/AttrTypeBase.td"

// An enum of the dialect-free core, spelled in the IR by the core's own
// stringify/parse functions, so the names exist in one place only.
class Serenity_CoreEnumParameter<string cppType, string stringifyFn,
                                 string parseFn, string what>
    : AttrParameter<cppType, what> {
  let parser = [{[&]() -> ::mlir::FailureOr<}] # cppType # [{> {
    auto loc = $_parser.getCurrentLocation();
    std::string keyword;
    if (::mlir::failed($_parser.parseKeywordOrString(&keyword)))
      return ::mlir::failure();
    if (auto value = }] # parseFn # [{(keyword))
      return *value;
    return {(::llvm::LogicalResult)($_parser.emitError(loc)
        << "unknown }] # what # [{ '" << keyword << "'")};
  }()}];
  let printer = "$_printer.printKeywordOrString(" # stringifyFn # "($_self))";
}

def Serenity_AlgorithmParameter : Serenity_CoreEnumParameter<
    "::serenity::Algorithm", "::serenity::stringifyAlgorithm",
    "::serenity::parseAlgorithm", "scheduling algorithm">;
def Serenity_MemoryModelParameter : Serenity_CoreEnumParameter<
    "::serenity::MemoryModel", "::serenity::stringifyMemoryModel",
    "::serenity::parseMemoryModel", "memory model">;
def Serenity_PlacementAlgorithmParameter : Serenity_CoreEnumParameter<
    "::serenity::PlacementAlgorithm", "::serenity::stringifyPlacementAlgorithm",
    "::serenity::parsePlacementAlgorithm", "placement algorithm">;
def Serenity_StatusParameter : Serenity_CoreEnumParameter<
    "::serenity::ScheduleStatus", "::serenity::stringifyScheduleStatus",
    "::serenity::parseScheduleStatus", "schedule status">;

def Serenity_ScheduleReportAttr
    : AttrDef<Serenity_Dialect, "ScheduleReport"> {
  let mnemonic = "schedule";
  let summary = "What --serenity-schedule did to a function";
  let description = [{
    Recorded on a function by `--serenity-schedule`. All byte counts follow
    the memory model named by `model` (docs/memory-model.md).

    - `peak`: peak activation bytes of the function's new op order;
    - `input_peak`: peak of the order the pass received;
    - `lower_bound`: no order of the function has a lower peak; equal to
      `peak` when `status` is `optimal`;
    - `algorithm`: the algorithm that was asked for;
    - `produced_by`: the algorithm whose order was kept (for
      `best-heuristic`, the winning heuristic; for `optimal`, a heuristic
      when the search proved that none is better than it);
    - `model`: `strict`, `inplace` or `bufferized`;
    - `status`: `optimal` (proven), `best-found` (the search stopped at a
      limit) or `heuristic`;
    - `states`: partial schedules the search created.

    Example:
    ```mlir
    func.func @cell(...) attributes {serenity.schedule = #serenity.schedule<
        peak = 3072, input_peak = 4096, lower_bound = 3072,
        algorithm = optimal, produced_by = optimal, model = strict,
        status = optimal, states = 17>}
    ```
  }];
  let parameters = (ins "uint64_t":$peak, "uint64_t":$input_peak,
                        "uint64_t":$lower_bound,
                        Serenity_AlgorithmParameter:$algorithm,
                        Serenity_AlgorithmParameter:$produced_by,
                        Serenity_MemoryModelParameter:$model,
                        Serenity_StatusParameter:$status,
                        "uint64_t":$states);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def Serenity_ArenaReportAttr : AttrDef<Serenity_Dialect, "ArenaReport"> {
  let mnemonic = "arena";
  let summary = "What --serenity-plan-memory did to a function";
  let description = [{
    Recorded on a function by `--serenity-plan-memory`, which places every
    buffer the function allocates in one arena.

    - `bytes`: the arena's size;
    - `live_bound`: the largest sum of (aligned) bytes live at one op of the
      function's order: no placement of the same buffers needs less;
    - `buffers`: how many allocations live in the arena;
    - `alignment`: every offset is a multiple of it;
    - `algorithm`: the placement algorithm that was asked for;
    - `produced_by`: the algorithm whose placement was kept (for `exact`, a
      greedy when the search proved that none is better than it);
    - `status`: `optimal` (no placement of these buffers needs a smaller
      arena), `best-found` (the exact search stopped at its time limit) or
      `heuristic` (a greedy's placement).

    Example:
    ```mlir
    func.func @cell(...) attributes {serenity.arena = #serenity.arena<
        bytes = 4096, live_bound = 4096, buffers = 7, alignment = 16,
        algorithm = exact, produced_by = "tflm-greedy", status = optimal>}
    ```
  }];
  let parameters = (ins "uint64_t":$bytes, "uint64_t":$live_bound,
                        "uint64_t":$buffers, "uint64_t":$alignment,
                        Serenity_PlacementAlgorithmParameter:$algorithm,
                        Serenity_PlacementAlgorithmParameter:$produced_by,
                        Serenity_StatusParameter:$status);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // SERENITY_DIALECT_SERENITY_SERENITYATTRS_TD
