//===- SerenityModule.cpp - Python bindings (serenity._core) --------------===//
//
// The C++ half of the `serenity` Python package: parse MLIR text, run the
// passes, and hand back plain data (the Python half turns it into result
// objects and raises serenity.Error on failure).
//
//===----------------------------------------------------------------------===//

#include "serenity/Analysis/ArenaBuffers.h"
#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Analysis/LivenessReport.h"
#include "serenity/Core/DataflowGraph.h"
#include "serenity/Core/MemoryModel.h"
#include "serenity/Core/Placement.h"
#include "serenity/Core/Scheduler.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"
#include "serenity/Dialect/Serenity/SerenityDialect.h"
#include "serenity/Transforms/PassOptions.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using namespace mlir;
using namespace serenity;

namespace {

/// What `entity` (a type, attribute, location, op) prints.
template <typename T> std::string printed(T entity) {
  std::string text;
  llvm::raw_string_ostream os(text);
  entity.print(os);
  return text;
}

/// A context with every upstream dialect and ours, and the diagnostics it
/// reports collected as (severity, message, location) tuples.
class Session {
public:
  Session() : context(makeRegistry()) {
    context.loadDialect<SerenityDialect>();
    // Diagnostics name the op by location; no IR dumps in Python errors.
    context.printOpOnDiagnostic(false);
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diagnostic) {
          std::string location = printed(diagnostic.getLocation());
          const char *severity =
              diagnostic.getSeverity() == DiagnosticSeverity::Error ? "error"
              : diagnostic.getSeverity() == DiagnosticSeverity::Warning
                  ? "warning"
              : diagnostic.getSeverity() == DiagnosticSeverity::Note ? "note"
                                                                     : "remark";
          diagnostics.append(
              py::make_tuple(severity, diagnostic.str(), location));
          for (Diagnostic &note : diagnostic.getNotes()) {
            diagnostics.append(py::make_tuple("note", note.str(),
                                              printed(note.getLocation())));
          }
          return success();
        });
  }

  /// `text` parsed, its locations naming `filename`.
  OwningOpRef<ModuleOp> parse(const std::string &text,
                              const std::string &filename) {
    return parseSourceString<ModuleOp>(text, &context, filename);
  }

  /// The outcome of a call: ok, diagnostics, payload.
  py::tuple result(bool ok, py::object payload) {
    return py::make_tuple(ok, diagnostics, payload);
  }

  MLIRContext context;
  py::list diagnostics;

private:
  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllExtensions(registry);
    registry.insert<SerenityDialect>();
    return registry;
  }

  std::unique_ptr<ScopedDiagnosticHandler> handler;
};

/// The enum value `name` names, or a ValueError that lists the choices.
template <typename Enum>
Enum parseChoice(const std::string &name, const char *what) {
  if (std::optional<Enum> value = parseEnum<Enum>(name))
    return *value;
  throw py::value_error("unknown " + std::string(what) + " '" + name +
                        "'; expected " + describeEnum<Enum>());
}

template <typename Enum> py::list namesOf() {
  py::list names;
  for (const EnumName<Enum> &entry : getEnumNames<Enum>())
    names.append(entry.name.str());
  return names;
}

py::dict livenessToDict(const FunctionLiveness &report) {
  py::list steps;
  for (const OpLiveness &step : report.steps) {
    py::dict entry;
    entry["op"] = step.op;
    entry["location"] = step.location;
    entry["live_bytes"] = step.effect.footprint;
    entry["allocated_bytes"] = step.effect.allocated;
    entry["freed_bytes"] = step.effect.freed;
    steps.append(entry);
  }
  py::dict result;
  result["function"] = report.function;
  result["model"] = std::string(stringifyMemoryModel(report.model));
  result["weights"] = report.numWeights;
  result["peak_bytes"] = report.peak;
  result["peak_step"] =
      report.peakStep ? py::cast(*report.peakStep) : py::object(py::none());
  result["steps"] = steps;
  return result;
}

/// The payload of a pass run: the module as serenity-opt prints it and the
/// per-function entries.
py::dict moduleResult(ModuleOp module, py::list functions) {
  py::dict result;
  result["ir"] = printed(module);
  result["functions"] = functions;
  return result;
}

/// serenity._core.verify(text, filename) -> (ok, diagnostics, None): parses
/// `text` and runs the verifier on it.
py::tuple verify(const std::string &text, const std::string &filename) {
  Session session;
  OwningOpRef<ModuleOp> module = session.parse(text, filename);
  return session.result(static_cast<bool>(module), py::none());
}

/// serenity._core.analyze(text, memory_model, filename)
///   -> (ok, diagnostics, [dict])
py::tuple analyze(const std::string &text, const std::string &memoryModel,
                  const std::string &filename) {
  MemoryModel model = parseChoice<MemoryModel>(memoryModel, "memory model");
  Session session;
  OwningOpRef<ModuleOp> module = session.parse(text, filename);
  if (!module)
    return session.result(false, py::none());
  FailureOr<std::vector<FunctionLiveness>> reports =
      FunctionLiveness::computeAll(*module, model);
  if (failed(reports))
    return session.result(false, py::none());
  py::list functions;
  for (const FunctionLiveness &report : *reports)
    functions.append(livenessToDict(report));
  return session.result(true, functions);
}

/// serenity._core.schedule(text, algorithm, memory_model, rewrite,
/// time_limit_ms, max_states, filename) -> (ok, diagnostics, dict)
py::tuple schedule(const std::string &text, const std::string &algorithm,
                   const std::string &memoryModel, bool rewrite,
                   uint64_t timeLimitMs, uint64_t maxStates,
                   const std::string &filename) {
  Algorithm parsedAlgorithm = parseChoice<Algorithm>(algorithm, "algorithm");
  MemoryModel model = parseChoice<MemoryModel>(memoryModel, "memory model");
  Session session;
  OwningOpRef<ModuleOp> module = session.parse(text, filename);
  if (!module)
    return session.result(false, py::none());
  PassManager pm(&session.context);
  if (rewrite) {
    SerenityRewriteOptions rewriteOptions;
    rewriteOptions.memoryModel = model;
    pm.addNestedPass<func::FuncOp>(createSerenityRewrite(rewriteOptions));
  }
  SerenityScheduleOptions scheduleOptions;
  scheduleOptions.algorithm = parsedAlgorithm;
  scheduleOptions.memoryModel = model;
  scheduleOptions.timeLimitMs = timeLimitMs;
  scheduleOptions.maxStates = maxStates;
  pm.addNestedPass<func::FuncOp>(createSerenitySchedule(scheduleOptions));
  if (failed(pm.run(*module)))
    return session.result(false, py::none());

  py::list functions;
  bool ok = true;
  module->walk([&](func::FuncOp func) {
    auto report = func->getAttrOfType<ScheduleReportAttr>(
        SerenityDialect::kScheduleAttrName);
    if (!report)
      return;
    py::dict entry;
    entry["function"] = func.getSymName().str();
    entry["peak_bytes"] = report.getPeak();
    entry["input_peak_bytes"] = report.getInputPeak();
    entry["lower_bound_bytes"] = report.getLowerBound();
    entry["status"] = std::string(stringifyScheduleStatus(report.getStatus()));
    entry["algorithm"] = std::string(stringifyAlgorithm(report.getAlgorithm()));
    entry["produced_by"] =
        std::string(stringifyAlgorithm(report.getProducedBy()));
    entry["states"] = report.getStates();
    FailureOr<FunctionLiveness> liveness =
        FunctionLiveness::compute(func, model);
    if (failed(liveness)) {
      ok = false;
      return;
    }
    py::list liveBytes;
    for (const OpLiveness &step : liveness->steps)
      liveBytes.append(step.effect.footprint);
    entry["live_bytes"] = liveBytes;
    entry["liveness"] = livenessToDict(*liveness);
    functions.append(entry);
  });
  return session.result(ok, moduleResult(*module, functions));
}

/// serenity._core.plan(text, options, filename) -> (ok, diagnostics, dict):
/// --serenity-pipeline with `options` (its arena global, its reports kept)
/// and, per function, the planned arena: its bytes, live-bytes bound,
/// placement, modeled peak, and every buffer's offset, bytes and steps.
py::tuple plan(const std::string &text, const std::string &options,
               const std::string &filename) {
  Session session;
  OwningOpRef<ModuleOp> module = session.parse(text, filename);
  if (!module)
    return session.result(false, py::none());
  SerenityPipelineOptions pipelineOptions;
  Location loc = module->getLoc();
  auto error = [&](const Twine &message) { return emitError(loc) << message; };
  if (failed(parseOptionsExplained(pipelineOptions, options, &pipelineOptions,
                                   sizeof(pipelineOptions), "serenity-pipeline",
                                   error)))
    return session.result(false, py::none());
  pipelineOptions.arena = ArenaKind::Global;
  pipelineOptions.keepReports = true;
  PassManager pm(&session.context);
  if (failed(buildSerenityPipeline(pm, pipelineOptions, error)) ||
      failed(pm.run(*module)))
    return session.result(false, py::none());

  py::list functions;
  module->walk([&](func::FuncOp func) {
    auto arena =
        func->getAttrOfType<ArenaReportAttr>(SerenityDialect::kArenaAttrName);
    if (!arena)
      return;
    py::dict entry;
    entry["function"] = func.getSymName().str();
    entry["arena_bytes"] = arena.getBytes();
    entry["live_bound_bytes"] = arena.getLiveBound();
    entry["alignment"] = arena.getAlignment();
    entry["placement"] =
        std::string(stringifyPlacementAlgorithm(arena.getAlgorithm()));
    entry["placement_status"] =
        std::string(stringifyScheduleStatus(arena.getStatus()));
    // The schedule's prediction is of the function it ordered: patches made
    // after it change the function, so it is not given for them.
    auto schedule = func->getAttrOfType<ScheduleReportAttr>(
        SerenityDialect::kScheduleAttrName);
    bool patched = func->hasAttr(SerenityDialect::kPatchesAttrName);
    entry["modeled_peak_bytes"] = schedule && !patched
                                      ? py::cast(schedule.getPeak())
                                      : py::object(py::none());
    entry["patched"] = patched;
    unsigned steps = 0;
    py::list buffers;
    for (const ArenaSlot &slot : collectArenaSlots(
             func, getArenaGlobalName(func.getSymName()), steps)) {
      py::dict buffer;
      buffer["offset"] = slot.offset;
      buffer["bytes"] = slot.bytes;
      buffer["first_step"] = slot.first;
      buffer["last_step"] = slot.last;
      buffer["shape"] = slot.shape;
      buffer["location"] = slot.location;
      buffers.append(buffer);
    }
    entry["steps"] = steps;
    entry["buffers"] = buffers;
    functions.append(entry);
  });
  return session.result(true, moduleResult(*module, functions));
}

py::list shapeToPython(ArrayRef<int64_t> shape) {
  py::list sizes;
  for (int64_t size : shape)
    sizes.append(size);
  return sizes;
}

/// A tensor type as (shape, element type), any other type as its text.
py::object typeToPython(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return py::str(printed(type));
  return py::make_tuple(shapeToPython(tensor.getShape()),
                        printed(tensor.getElementType()));
}

/// An attribute as plain data: integers, floats, strings, lists of
/// integers, types as their text, dense elements as a dict of their shape,
/// element type, raw little-endian bytes and whether they are one splat;
/// anything else as its text.
py::object attributeToPython(Attribute attribute) {
  if (auto array = dyn_cast<DenseI64ArrayAttr>(attribute))
    return py::cast(std::vector<int64_t>(array.asArrayRef()));
  if (auto array = dyn_cast<DenseI32ArrayAttr>(attribute))
    return py::cast(std::vector<int32_t>(array.asArrayRef()));
  if (auto boolean = dyn_cast<BoolAttr>(attribute))
    return py::bool_(boolean.getValue());
  if (auto integer = dyn_cast<IntegerAttr>(attribute))
    return py::int_(integer.getValue().getSExtValue());
  if (auto real = dyn_cast<FloatAttr>(attribute))
    return py::float_(real.getValueAsDouble());
  if (auto string = dyn_cast<StringAttr>(attribute))
    return py::str(string.getValue().str());
  if (auto type = dyn_cast<TypeAttr>(attribute))
    return py::str(printed(type.getValue()));
  auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attribute);
  if (dense && !dense.getElementType().isInteger(1)) {
    py::dict elements;
    elements["shape"] = shapeToPython(dense.getType().getShape());
    elements["element"] = printed(dense.getElementType());
    elements["splat"] = dense.isSplat();
    ArrayRef<char> raw = dense.getRawData();
    elements["raw"] = py::bytes(raw.data(), raw.size());
    return elements;
  }
  return py::str(printed(attribute));
}

py::dict attributesToPython(ArrayRef<NamedAttribute> attributes) {
  py::dict result;
  for (const NamedAttribute &named : attributes)
    result[py::str(named.getName().str())] =
        attributeToPython(named.getValue());
  return result;
}

py::dict attributesToPython(DictionaryAttr attributes) {
  return attributes ? attributesToPython(attributes.getValue()) : py::dict();
}

/// A location as the name it gives (an imported op's tensor name), else
/// its text.
std::string locationName(Location location) {
  if (auto name = dyn_cast<NameLoc>(location))
    return name.getName().str();
  return printed(location);
}

/// serenity._core.functions(text, filename) -> (ok, diagnostics, [dict]):
/// each function of `text` with a body as plain data, for tools that
/// translate MLIR to other formats (serenity-export-tflite). Values are
/// numbered in order: arguments, then each op's results. An op is its name,
/// operand and result numbers, result types, attributes (properties
/// included), location and how many regions it has.
py::tuple functions(const std::string &text, const std::string &filename) {
  Session session;
  OwningOpRef<ModuleOp> module = session.parse(text, filename);
  if (!module)
    return session.result(false, py::none());
  py::list result;
  for (func::FuncOp func : module->getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    llvm::DenseMap<Value, unsigned> numbers;
    py::list arguments;
    for (BlockArgument argument : func.getArguments()) {
      numbers[argument] = numbers.size();
      py::dict entry;
      entry["type"] = typeToPython(argument.getType());
      entry["attributes"] =
          attributesToPython(func.getArgAttrDict(argument.getArgNumber()));
      arguments.append(entry);
    }
    py::list results;
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      py::dict entry;
      entry["type"] = typeToPython(func.getResultTypes()[i]);
      entry["attributes"] = attributesToPython(func.getResultAttrDict(i));
      results.append(entry);
    }
    py::list ops;
    py::list returned;
    for (Operation &op : func.getBody().front()) {
      auto number = [&](Value value) -> py::object {
        auto found = numbers.find(value);
        return found == numbers.end() ? py::object(py::none())
                                      : py::object(py::int_(found->second));
      };
      if (isa<func::ReturnOp>(op)) {
        for (Value operand : op.getOperands())
          returned.append(number(operand));
        continue;
      }
      py::dict entry;
      entry["name"] = op.getName().getStringRef().str();
      py::list operands;
      for (Value operand : op.getOperands())
        operands.append(number(operand));
      entry["operands"] = operands;
      py::list resultNumbers, types;
      for (Value value : op.getResults()) {
        numbers[value] = numbers.size();
        resultNumbers.append(numbers[value]);
        types.append(typeToPython(value.getType()));
      }
      entry["results"] = resultNumbers;
      entry["types"] = types;
      py::dict attributes = attributesToPython(op.getAttrs());
      if (std::optional<Attribute> properties = op.getPropertiesAsAttribute();
          properties && *properties)
        if (auto dict = dyn_cast<DictionaryAttr>(*properties))
          for (const NamedAttribute &named : dict)
            attributes[py::str(named.getName().str())] =
                attributeToPython(named.getValue());
      entry["attributes"] = attributes;
      entry["location"] = locationName(op.getLoc());
      entry["regions"] = op.getNumRegions();
      ops.append(entry);
    }
    py::dict entry;
    entry["name"] = func.getSymName().str();
    entry["arguments"] = arguments;
    entry["results"] = results;
    entry["ops"] = ops;
    entry["returned"] = returned;
    result.append(entry);
  }
  return session.result(true, result);
}

/// Places buffers given as (bytes, first step, last step) with one of the
/// planners of --serenity-plan-memory: for lifetimes that come from outside
/// MLIR (a TFLite model's tensors, as TFLM's planner sees them).
py::dict
place(const std::vector<std::tuple<uint64_t, unsigned, unsigned>> &buffers,
      const std::string &algorithm, uint64_t alignment, uint64_t timeLimitMs) {
  PlacementAlgorithm parsed =
      parseChoice<PlacementAlgorithm>(algorithm, "placement algorithm");
  if (std::optional<std::string> problem = checkArenaAlignment(alignment))
    throw py::value_error(*problem);
  std::vector<BufferLifetime> lifetimes;
  for (auto [bytes, first, last] : buffers) {
    if (first > last)
      throw py::value_error("a buffer's first step comes after its last");
    lifetimes.push_back({bytes, first, last});
  }
  PlacementOptions options;
  options.algorithm = parsed;
  options.alignment = alignment;
  options.timeLimitMs = timeLimitMs;
  Placement placement = placeBuffers(lifetimes, options);
  py::dict result;
  result["offsets"] = placement.offsets;
  result["arena_bytes"] = placement.arenaBytes;
  result["live_bound_bytes"] = placement.liveBytesBound;
  result["status"] = stringifyEnum(placement.status).str();
  return result;
}

/// Schedules a graph given as numbers: argument sizes, then nodes, each
/// (name, operand value ids, result sizes), values numbered arguments first
/// and then every node's results in order; `returned` live to the end. For
/// graphs that come from outside MLIR (a TFLite model's operators).
py::dict
scheduleGraphOf(const std::vector<uint64_t> &arguments,
                const std::vector<std::tuple<std::string, std::vector<unsigned>,
                                             std::vector<uint64_t>>> &nodes,
                const std::vector<unsigned> &returned,
                const std::string &algorithm, const std::string &memoryModel,
                uint64_t timeLimitMs, uint64_t maxStates) {
  Algorithm parsedAlgorithm = parseChoice<Algorithm>(algorithm, "algorithm");
  MemoryModel parsedModel =
      parseChoice<MemoryModel>(memoryModel, "memory model");
  DataflowGraph graph;
  std::vector<ValueId> values;
  for (uint64_t bytes : arguments)
    values.push_back(graph.addArgument(bytes));
  for (const auto &[name, operands, results] : nodes) {
    std::vector<ValueId> ids;
    for (unsigned operand : operands) {
      if (operand >= values.size())
        throw py::value_error("node '" + name + "' reads value " +
                              std::to_string(operand) +
                              ", which no earlier node or argument makes");
      ids.push_back(values[operand]);
    }
    NodeId node = graph.addNode(name, ids);
    for (uint64_t bytes : results)
      values.push_back(graph.addResult(node, bytes));
  }
  for (unsigned value : returned) {
    if (value >= values.size())
      throw py::value_error("returned value " + std::to_string(value) +
                            " does not exist");
    graph.markReturned(values[value]);
  }
  LivenessModel liveness(graph, parsedModel);
  SchedulerOptions options;
  options.algorithm = parsedAlgorithm;
  options.timeLimitMs = timeLimitMs;
  options.maxStates = maxStates;
  Schedule schedule = scheduleGraph(liveness, options);
  py::dict result;
  result["order"] = schedule.order;
  result["peak_bytes"] = schedule.peak;
  result["lower_bound_bytes"] = schedule.lowerBound;
  result["status"] = stringifyEnum(schedule.status).str();
  result["program_peak_bytes"] =
      liveness.simulate(graph.getProgramOrder()).peak;
  return result;
}

} // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "Serenity's C++ core: memory-aware scheduling of MLIR functions";
  // plan() builds --serenity-pipeline from its text, which names upstream
  // passes and ours.
  registerAllPasses();
  registerSerenityPassesAndPipelines();
  m.def("verify", &verify, py::arg("text"), py::arg("filename"));
  m.def("analyze", &analyze, py::arg("text"), py::arg("memory_model"),
        py::arg("filename"));
  m.def("schedule", &schedule, py::arg("text"), py::arg("algorithm"),
        py::arg("memory_model"), py::arg("rewrite"), py::arg("time_limit_ms"),
        py::arg("max_states"), py::arg("filename"));
  m.def("plan", &plan, py::arg("text"), py::arg("options"),
        py::arg("filename"));
  m.def("functions", &functions, py::arg("text"), py::arg("filename"));
  m.def("place", &place, py::arg("buffers"), py::arg("algorithm"),
        py::arg("alignment"), py::arg("time_limit_ms"));
  m.def("schedule_graph", &scheduleGraphOf, py::arg("arguments"),
        py::arg("nodes"), py::arg("returned"), py::arg("algorithm"),
        py::arg("memory_model"), py::arg("time_limit_ms"),
        py::arg("max_states"));
  // The option vocabulary of the C++ passes, for the Python signatures.
  py::dict names;
  names["algorithm"] = namesOf<Algorithm>();
  names["memory_model"] = namesOf<MemoryModel>();
  m.attr("names") = names;
  py::dict defaults;
  defaults["time_limit_ms"] = SchedulerOptions().timeLimitMs;
  defaults["max_states"] = SchedulerOptions().maxStates;
  m.attr("defaults") = defaults;
}
