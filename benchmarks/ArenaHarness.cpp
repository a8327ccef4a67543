//===- ArenaHarness.cpp - The memory that runs, on every model ------------===//
//
// serenity-arena-harness [options] FILE.mlir...
//
// For each model file, lowers the function with an order and measures the
// memory its bufferized body needs. One CSV row per measurement:
//
//   order = written, algorithm = upstream-heap: the upstream pipeline as a
//     user runs it today (TOSA to Linalg, one-shot bufferization,
//     buffer-deallocation-pipeline), the op order as written; the peak of the
//     bytes its allocations hold, simulated in program order (every dealloc
//     where it stands; nested ones as if executed).
//   order = written, algorithm = each planner: the bufferized body of
//     --serenity-pipeline, without scheduling, placed by that planner.
//   order = serenity, memory model = each model, algorithm = each planner:
//     the same after --serenity-schedule (optimal) under that model.
//   order = rewrite+serenity: --serenity-rewrite (memory-aware) first, then
//     the same, placed exactly.
//   order = serenity+patches, rewrite+serenity+patches (memory model
//     `bufferized` only): the same two with --serenity-tile-spatial
//     (memory-aware) after TOSA to Linalg, placed exactly.
//
// `macs` is the lowered function's (serenity/Analysis/ComputeCost.h);
// `patches` is what --serenity-tile-spatial kept (ops tiled, groups, most
// patches of a group, and "/N cached": groups whose halos are cached), or
// `-`.
//
// Every placement is verified; `time_ms` is the placement's own time;
// `tile_ms` (patch rows) is --serenity-tile-spatial's own time;
// `whole_map_pad_copies` counts the padded copies of whole maps that
// --serenity-pad-free-windows kept (its remarks; `-` upstream);
// `schedule_status` is the order's (from its #serenity.schedule report). The
// buffers and their lifetimes are those --serenity-plan-memory plans
// (serenity/Analysis/ArenaBuffers.h).
//
//===----------------------------------------------------------------------===//

#include "DriverOptions.h"
#include "serenity/Analysis/ArenaBuffers.h"
#include "serenity/Analysis/ComputeCost.h"
#include "serenity/Core/MemoryModel.h"
#include "serenity/Core/Placement.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"
#include "serenity/Dialect/Serenity/SerenityDialect.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
using namespace serenity;
namespace cl = llvm::cl;

static DriverOptions driver;
static cl::opt<uint64_t> placementTimeLimitMs(
    "placement-time-limit-ms", cl::init(PlacementOptions().timeLimitMs),
    cl::desc("Time limit of the exact placement (ms); the default is "
             "--serenity-plan-memory's"));
static cl::list<std::string>
    memoryModels("memory-models", cl::CommaSeparated,
                 cl::desc("Memory models to schedule under (default: all)"));
static cl::opt<bool>
    noRewrite("no-rewrite", cl::init(false),
              cl::desc("Skip the rewrite + schedule measurement"));
static cl::opt<bool>
    noPatches("no-patches", cl::init(false),
              cl::desc("Skip the measurements with --serenity-tile-spatial"));
static cl::opt<double>
    maxExtraMacs("max-extra-macs", cl::init(20.0),
                 cl::desc("--serenity-tile-spatial's MAC budget, in percent"));
static cl::opt<serenity::HaloMode>
    halos("halos", cl::init(serenity::HaloMode::Auto),
          cl::desc("--serenity-tile-spatial's halos"),
          serenity::EnumChoices<serenity::HaloMode>());

namespace {

/// The upstream lowering a user runs today, as in the issue that asked for
/// the arena: everything freed by ownership-based deallocation.
constexpr llvm::StringLiteral kUpstreamPipeline =
    "func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-"
    "rescale=true},"
    "tosa-to-tensor),one-shot-bufferize{bufferize-function-boundaries},"
    "buffer-deallocation-pipeline";

/// Runs `passes` (a textual pipeline on builtin.module) on `module` in
/// place; the milliseconds they took, or none on failure (after printing
/// why, if the pipeline does not parse).
std::optional<double> runTimed(ModuleOp module, const std::string &passes) {
  PassManager pm(module.getContext());
  std::string error;
  llvm::raw_string_ostream errorStream(error);
  if (failed(parsePassPipeline(passes, pm, errorStream))) {
    llvm::errs() << "serenity-arena-harness: " << error << "\n";
    return std::nullopt;
  }
  auto start = std::chrono::steady_clock::now();
  if (failed(pm.run(module)))
    return std::nullopt;
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

/// The padded copies of whole maps --serenity-pad-free-windows named (its
/// remarks) since the last lowerCopy: none reaches the arena of the zoo or of
/// the torchvision models (benchmarks/harness.py checks).
unsigned wholeMapPadCopies = 0;

/// Runs `passes` on a copy of `module`; none on failure.
OwningOpRef<ModuleOp> lowerCopy(ModuleOp module, const std::string &passes) {
  wholeMapPadCopies = 0;
  OwningOpRef<ModuleOp> copy = module.clone();
  if (!runTimed(*copy, passes))
    return nullptr;
  return copy;
}

/// The largest sum of bytes held by the allocations of `func`, walking its
/// ops in program order: an alloc adds its bytes, a dealloc removes them.
uint64_t simulateHeapPeak(func::FuncOp func) {
  DataLayout layout = DataLayout::closest(func);
  uint64_t live = 0, peak = 0;
  func.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      live += getBufferBytes(alloc.getType(), layout);
      peak = std::max(peak, live);
    } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      live -= std::min(
          live, getBufferBytes(cast<MemRefType>(dealloc.getMemref().getType()),
                               layout));
    }
  });
  return peak;
}

/// What --serenity-tile-spatial kept in `func` (ops tiled, groups, most
/// patches of a group, with the most columns of patches a band where a
/// group is tiled in columns too, groups with cached halos if any), or `-`.
std::string describePatches(func::FuncOp func) {
  auto patches =
      func->getAttrOfType<DictionaryAttr>(SerenityDialect::kPatchesAttrName);
  if (!patches)
    return "-";
  auto get = [&](StringRef name) {
    auto value = patches.getAs<IntegerAttr>(name);
    return value ? value.getInt() : 0;
  };
  std::string text =
      llvm::formatv("{0} ops/{1} groups/{2} patches", get("group_ops"),
                    get("groups"), get("patches"));
  if (int64_t columns = get("column_patches"))
    text += llvm::formatv("x{0}", columns).str();
  if (int64_t cached = get("cached_groups"))
    text += llvm::formatv("/{0} cached", cached).str();
  return text;
}

void printRow(llvm::StringRef model, llvm::StringRef memoryModel,
              llvm::StringRef order, llvm::StringRef algorithm, uint64_t bytes,
              std::optional<uint64_t> liveBound, unsigned buffers,
              llvm::StringRef status, double timeMs,
              llvm::StringRef scheduleStatus, uint64_t macs,
              llvm::StringRef patches, std::optional<double> tileMs,
              std::optional<unsigned> padCopies) {
  llvm::outs() << model << "," << memoryModel << "," << order << ","
               << algorithm << "," << bytes << ","
               << (liveBound ? std::to_string(*liveBound) : "") << ","
               << buffers << "," << status << ","
               << llvm::format("%.3f", timeMs) << "," << scheduleStatus << ","
               << macs << "," << patches << ",";
  if (tileMs)
    llvm::outs() << llvm::format("%.1f", *tileMs);
  llvm::outs() << ",";
  if (padCopies)
    llvm::outs() << *padCopies;
  llvm::outs() << "\n";
  llvm::outs().flush();
}

/// Places the buffers of every function of `lowered` (one, in the zoo) with
/// each of `algorithms` and prints a row for each. False if a placement is
/// invalid.
bool measurePlacements(ModuleOp lowered, llvm::StringRef model,
                       llvm::StringRef memoryModel, llvm::StringRef order,
                       llvm::ArrayRef<PlacementAlgorithm> algorithms,
                       std::optional<double> tileMs = std::nullopt) {
  for (auto func : lowered.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    std::vector<BufferLifetime> lifetimes =
        getLifetimes(collectArenaBuffers(func));
    // The schedule's report survives bufferization: whether the order is
    // proven optimal (a search stopped at a time limit depends on the load).
    llvm::StringRef scheduleStatus = "-";
    if (auto report = func->getAttrOfType<ScheduleReportAttr>(
            SerenityDialect::kScheduleAttrName))
      scheduleStatus = stringifyScheduleStatus(report.getStatus());
    for (PlacementAlgorithm algorithm : algorithms) {
      PlacementOptions options;
      options.algorithm = algorithm;
      options.timeLimitMs = placementTimeLimitMs;
      auto start = std::chrono::steady_clock::now();
      Placement placement = placeBuffers(lifetimes, options);
      std::chrono::duration<double, std::milli> elapsed =
          std::chrono::steady_clock::now() - start;
      if (std::optional<std::string> problem =
              verifyPlacement(lifetimes, placement.offsets,
                              placement.arenaBytes, options.alignment)) {
        llvm::errs() << "serenity-arena-harness: " << model << ": invalid "
                     << stringifyPlacementAlgorithm(algorithm)
                     << " placement: " << *problem << "\n";
        return false;
      }
      printRow(model, memoryModel, order,
               stringifyPlacementAlgorithm(algorithm), placement.arenaBytes,
               placement.liveBytesBound, lifetimes.size(),
               stringifyScheduleStatus(placement.status), elapsed.count(),
               scheduleStatus, countMacs(func), describePatches(func), tileMs,
               wholeMapPadCopies);
    }
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  registerAllPasses();
  registerSerenityPassesAndPipelines();
  cl::ParseCommandLineOptions(argc, argv, "Serenity arena harness\n");
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<SerenityDialect>();
  MLIRContext context(registry);
  // Diagnostics (remarks of the passes) would interleave with the CSV.
  context.getDiagEngine().registerHandler([](Diagnostic &diagnostic) {
    if (diagnostic.getSeverity() == DiagnosticSeverity::Error ||
        diagnostic.getSeverity() == DiagnosticSeverity::Warning)
      llvm::errs() << diagnostic.getLocation() << ": " << diagnostic << "\n";
    if (diagnostic.getSeverity() == DiagnosticSeverity::Remark &&
        StringRef(diagnostic.str())
            .starts_with("serenity-pad-free-windows: keeps a padded copy")) {
      ++wholeMapPadCopies;
      llvm::errs() << diagnostic.getLocation() << ": " << diagnostic << "\n";
    }
  });

  std::vector<std::string> models(memoryModels.begin(), memoryModels.end());
  if (models.empty())
    models = {"strict", "inplace", "bufferized"};
  for (const std::string &name : models)
    if (!parseMemoryModel(name)) {
      llvm::errs() << "serenity-arena-harness: unknown memory model '" << name
                   << "'; expected " << describeEnum<MemoryModel>() << "\n";
      return 1;
    }

  std::string lowering = getBufferizationPipelineText();
  auto schedule = [&](llvm::StringRef memoryModel) {
    return llvm::formatv("serenity-schedule{{memory-model={0} "
                         "time-limit-ms={1} max-states={2}}",
                         memoryModel, driver.timeLimitMs.getValue(),
                         driver.maxStates.getValue())
        .str();
  };

  llvm::outs() << "model,memory_model,order,algorithm,bytes,live_bound_bytes,"
                  "buffers,status,time_ms,schedule_status,macs,patches,"
                  "tile_ms,whole_map_pad_copies\n";
  for (const std::string &file : driver.inputFiles) {
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(file, &context);
    if (!module) {
      llvm::errs() << "serenity-arena-harness: cannot parse " << file << "\n";
      return 1;
    }
    std::string model = llvm::sys::path::stem(file).str();

    OwningOpRef<ModuleOp> upstream =
        lowerCopy(*module, kUpstreamPipeline.str());
    if (!upstream)
      return 1;
    for (auto func : upstream->getOps<func::FuncOp>())
      if (!func.isExternal())
        printRow(model, "-", "written", "upstream-heap", simulateHeapPeak(func),
                 std::nullopt, 0, "-", 0, "-", countMacs(func), "-",
                 std::nullopt, std::nullopt);

    OwningOpRef<ModuleOp> written = lowerCopy(*module, lowering);
    if (!written || !measurePlacements(*written, model, "-", "written",
                                       allPlacementAlgorithms()))
      return 1;

    for (const std::string &memoryModel : models) {
      OwningOpRef<ModuleOp> scheduled = lowerCopy(
          *module, "func.func(" + schedule(memoryModel) + ")," + lowering);
      if (!scheduled ||
          !measurePlacements(*scheduled, model, memoryModel, "serenity",
                             allPlacementAlgorithms()))
        return 1;
      std::string rewrite =
          llvm::formatv(
              "serenity-rewrite{{memory-model={0} time-limit-ms={1}},",
              memoryModel, driver.timeLimitMs.getValue())
              .str();
      // Patches, under the model the arena is planned with.
      bool patches = !noPatches && memoryModel == stringifyMemoryModel(
                                                      MemoryModel::Bufferized);
      std::string tile = getTileSpatialPipelineText(
          maxExtraMacs, halos.getValue(), PlacementOptions().alignment);
      for (bool rewritten : {false, true}) {
        if (rewritten && noRewrite)
          continue;
        std::string prefix = "func.func(" +
                             (rewritten ? rewrite : std::string()) +
                             schedule(memoryModel) + "),";
        std::string order = rewritten ? "rewrite+serenity" : "serenity";
        if (rewritten) {
          OwningOpRef<ModuleOp> lowered = lowerCopy(*module, prefix + lowering);
          if (!lowered ||
              !measurePlacements(*lowered, model, memoryModel, order,
                                 {PlacementAlgorithm::Exact}))
            return 1;
        }
        if (!patches)
          continue;
        // The pass alone is timed (tile_ms).
        OwningOpRef<ModuleOp> tiled =
            lowerCopy(*module, prefix + getTosaToLinalgPipelineText(
                                            /*fuseRequantize=*/false));
        std::optional<double> tileMs;
        if (tiled)
          tileMs = runTimed(*tiled, tile);
        if (!tileMs || !runTimed(*tiled, getBufferizePipelineText().str()) ||
            !measurePlacements(*tiled, model, memoryModel, order + "+patches",
                               {PlacementAlgorithm::Exact}, tileMs))
          return 1;
      }
    }
  }
  return 0;
}
