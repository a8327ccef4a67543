//===- TileSpatial.cpp - The --serenity-tile-spatial pass -----------------===//
//
// Patch-based inference (MCUNetV2, StreamNet): groups of consecutive ops
// compute their outputs in bands of rows, so that their large maps never
// exist whole. Each band of an op holds the rows that its consumers in the
// group need (halos included); the halos are either recomputed by every
// patch that needs them (MCUNetV2) or copied into a small cache that the
// next patch reads (StreamNet). The values that leave the group are
// assembled whole. This file is the pass and its search (which groups, how
// many patches); Core/BandPlanner plans the bands and counts their MACs,
// PatchBuilder emits them, Analysis/RowAccess says which rows an op reads.
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "PatchBuilder.h"
#include "TiledLoopCache.h"
#include "serenity/Analysis/ArenaBuffers.h"
#include "serenity/Analysis/ComputeCost.h"
#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Analysis/RowAccess.h"
#include "serenity/Core/MemoryModel.h"
#include "serenity/Transforms/PassOptions.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Threading.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/FormatVariadic.h"

#include <limits>
#include <memory>
#include <thread>

#define DEBUG_TYPE "serenity-tile-spatial"

namespace serenity {
#define GEN_PASS_DEF_SERENITYTILESPATIAL
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

/// Whether the group skips over `op` (it is not a band of its own and the
/// group's bands may use its results): constants, and pure scalar
/// arithmetic on them (a pooling lowering's window bounds).
bool isConstantLike(Operation *op) {
  if (op->hasTrait<OpTrait::ConstantLike>())
    return true;
  auto isTensor = [](Type type) { return isa<TensorType>(type); };
  return op->getNumRegions() == 0 && isMemoryEffectFree(op) &&
         llvm::none_of(op->getOperandTypes(), isTensor) &&
         llvm::none_of(op->getResultTypes(), isTensor);
}

/// The ops of `body` a group can be made of, in order: all but constants
/// and the terminator.
SmallVector<Operation *> groupableOps(Block &body) {
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    if (!isConstantLike(&op))
      ops.push_back(&op);
  return ops;
}

/// How many of `ops`, from the first, can be computed in bands of rows.
unsigned countTileablePrefix(ArrayRef<Operation *> ops) {
  unsigned count = 0;
  while (count < ops.size() && RowAccess::of(ops[count]))
    ++count;
  return count;
}

/// For every k in [0, ops.size()], the bytes of the values made by
/// `ops[0, k)` that `ops[k, ...)` or the terminator read: what lives across
/// the cut before `ops[k]`.
SmallVector<uint64_t> bytesAcrossCuts(ArrayRef<Operation *> ops) {
  llvm::DenseMap<Operation *, unsigned> position;
  for (auto [index, op] : llvm::enumerate(ops))
    position[op] = index;
  unsigned outside = ops.size();
  SmallVector<uint64_t> across(ops.size() + 1, 0);
  for (auto [index, op] : llvm::enumerate(ops)) {
    Block *body = op->getBlock();
    for (Value result : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || !type.hasStaticShape())
        continue;
      unsigned lastUse = index;
      for (Operation *user : result.getUsers()) {
        auto it = position.find(body->findAncestorOpInBlock(*user));
        lastUse =
            std::max(lastUse, it == position.end() ? outside : it->second);
      }
      // Made at `index`, read until `lastUse`: it crosses the cuts in
      // (index, lastUse] (differences here, summed below).
      if (lastUse == index)
        continue;
      uint64_t bytes = getBufferBytes(type, DataLayout::closest(op));
      across[index + 1] += bytes;
      if (lastUse < ops.size())
        across[lastUse + 1] -= bytes;
    }
  }
  for (unsigned cut = 1; cut <= ops.size(); ++cut)
    across[cut] += across[cut - 1];
  return across;
}

/// The cuts in (first, last) where the bytes across are a local minimum
/// (the end of a cell or a stage), ascending.
SmallVector<unsigned> quietCuts(ArrayRef<uint64_t> across, unsigned first,
                                unsigned last) {
  SmallVector<unsigned> cuts;
  for (unsigned cut = first + 1; cut < last; ++cut)
    if (across[cut] > 0 && across[cut] < across[cut - 1] &&
        across[cut] <= across[cut + 1])
      cuts.push_back(cut);
  return cuts;
}

/// Swallows the diagnostics this thread emits while it lives (the pass runs
/// on other functions in other threads; theirs pass through).
class SilenceThisThread {
public:
  explicit SilenceThisThread(MLIRContext *context)
      : thread(std::this_thread::get_id()),
        handler(context, [this](Diagnostic &) {
          return success(std::this_thread::get_id() == thread);
        }) {}

private:
  std::thread::id thread;
  ScopedDiagnosticHandler handler;
};

/// The `serenity.patches` report of a tiled function.
void recordPatches(func::FuncOp func, unsigned groups, unsigned cachedGroups,
                   unsigned groupOps, unsigned patches, unsigned columns,
                   uint64_t macsBefore, uint64_t macsAfter) {
  Builder builder(func.getContext());
  auto entry = [&](StringRef name, uint64_t value) {
    return builder.getNamedAttr(name, builder.getI64IntegerAttr(value));
  };
  SmallVector<NamedAttribute> entries = {
      entry("groups", groups),          entry("cached_groups", cachedGroups),
      entry("group_ops", groupOps),     entry("patches", patches),
      entry("macs_before", macsBefore), entry("macs_after", macsAfter)};
  // Only where a group is tiled in columns too.
  if (columns > 1)
    entries.push_back(entry("column_patches", columns));
  func->setAttr(SerenityDialect::kPatchesAttrName,
                builder.getDictionaryAttr(entries));
}

/// The patch counts the pass tries.
constexpr unsigned kPatchCounts[] = {2, 3, 4, 6, 8, 12, 16};
/// The columns of patches tried in each band of groups that open the body
/// (halos cached along columns: no more MACs than bands alone).
constexpr unsigned kColumnCounts[] = {2, 4, 8};
/// The patch counts tried on groups around the peak (fewer: each is tiled
/// in a copy), and how many groups the pass makes at most.
constexpr unsigned kPeakPatchCounts[] = {2, 4, 8};
constexpr unsigned kMaxGroups = 6;
/// How many of the first round's trade-offs of arena against MACs the
/// greedy goes on from.
constexpr unsigned kFirstGroupChoices = 2;
/// How many rounds the greedy makes at most: each tiles a group or tiles
/// again the one that holds the peak.
constexpr unsigned kMaxRounds = 10;
/// Why a candidate is not measured once time-limit-ms or max-estimates is
/// reached.
constexpr StringLiteral kBudgetSpent = "the search's limit is reached";
/// Groups around the peak start and end at one of the kPeakCuts cuts with
/// the fewest bytes across within kPeakWindow ops of it.
constexpr unsigned kPeakCuts = 2;
constexpr unsigned kPeakWindow = 400;

/// The steps of a modeled program order: the location of each step's op
/// and the live bytes there.
using Trace = SmallVector<std::pair<Attribute, uint64_t>>;

/// The steps of `trace` from the first at one of `locs` to the last (a
/// group's, whose patches carry the locations of its ops, and fused ops
/// that of the op they were fused into), if any is.
std::optional<std::pair<size_t, size_t>>
findStepsAt(const Trace &trace, const llvm::DenseSet<Attribute> &locs) {
  std::optional<std::pair<size_t, size_t>> run;
  for (auto [step, entry] : llvm::enumerate(trace))
    if (locs.contains(entry.first))
      run = {run ? run->first : step, step};
  return run;
}

/// The most bytes `trace` holds away from the ops at `locs`: outside their
/// run of steps (findStepsAt) and the step on either side (a fused op there
/// may hold an op of the run). Tiling those ops leaves the bytes live
/// outside as they are (the values that cross the run keep their sizes),
/// so the arena of any tiling of them is at least this. 0 where no step has
/// one of `locs`.
uint64_t getPeakOutside(const Trace &trace,
                        const llvm::DenseSet<Attribute> &locs) {
  std::optional<std::pair<size_t, size_t>> run = findStepsAt(trace, locs);
  if (!run)
    return 0;
  uint64_t peak = 0;
  for (auto [step, entry] : llvm::enumerate(trace))
    if (step + 1 < run->first || step > run->second + 1)
      peak = std::max(peak, entry.second);
  return peak;
}

/// What the search may still spend (time-limit-ms, max-estimates): it
/// starts no estimate that max-estimates does not allow, or that would end
/// after the time limit at the pace of the estimates before. Estimates run
/// `parallel` at a time.
class EstimateBudget {
public:
  using Clock = std::chrono::steady_clock;

  EstimateBudget(uint64_t maxEstimates, uint64_t timeLimitMs, size_t parallel)
      : maxEstimates(maxEstimates), timeLimitMs(timeLimitMs),
        parallel(parallel) {
    if (timeLimitMs)
      deadline = Clock::now() + std::chrono::milliseconds(timeLimitMs);
  }
  /// How many of `wanted` estimates may start now; counts them.
  size_t take(size_t wanted) {
    size_t allowed = wanted;
    if (deadline && rounds) {
      Clock::duration left = *deadline - Clock::now();
      Clock::duration perRound = spentTime / rounds;
      uint64_t fit =
          left.count() <= 0 ? 0 : left / std::max(perRound, Clock::duration(1));
      if (fit * parallel < wanted) {
        allowed = fit * parallel;
        stoppedBy = llvm::formatv("time-limit-ms={0}", timeLimitMs);
      }
    }
    if (maxEstimates && taken + allowed > maxEstimates) {
      allowed = maxEstimates - taken;
      stoppedBy = llvm::formatv("max-estimates={0}", maxEstimates);
    }
    taken += allowed;
    return allowed;
  }
  /// Runs `estimateAll`, which makes `count` estimates, and keeps its pace.
  void timed(size_t count, function_ref<void()> estimateAll) {
    Clock::time_point start = Clock::now();
    estimateAll();
    if (count) {
      rounds += (count + parallel - 1) / parallel;
      spentTime += Clock::now() - start;
    }
  }
  /// Whether an estimate was not started for a limit.
  bool isSpent() const { return !stoppedBy.empty(); }
  /// The limit that stopped the search (empty: none did).
  StringRef getStoppedBy() const { return stoppedBy; }
  uint64_t getTaken() const { return taken; }
  size_t getParallel() const { return parallel; }

private:
  uint64_t maxEstimates, timeLimitMs, taken = 0, rounds = 0;
  size_t parallel;
  std::optional<Clock::time_point> deadline;
  Clock::duration spentTime{0};
  std::string stoppedBy;
};

/// A group (`count` ops from `start` in groupableOps order) in `patches`
/// bands of `columns` patches each, and what it gives; `patches` 0: the
/// function as it is.
struct Candidate {
  unsigned start = 0, count = 0, patches = 0;
  bool cacheHalos = false;
  unsigned columns = 1;
  Grid grid() const { return {patches, columns}; }
  uint64_t arenaBytes = 0, macs = 0;
  /// The most bytes live while the group's patches run: what the group
  /// itself holds, where the arena peaks elsewhere.
  uint64_t groupPeakBytes = 0;
  /// Where the memory model's live bytes peak in the tiled copy: the
  /// location of the op there (that of the op it was banded from).
  LocationAttr peakLoc;
  /// The modeled steps of the tiled copy (getPeakOutside).
  std::shared_ptr<const Trace> trace;
  /// The order the search prefers: the lowest arena; among equals (a peak
  /// the group leaves outside bounds them all), the fewest MACs, which
  /// leaves the later groups the most budget, then the least the group
  /// holds itself, which a later group cannot lower.
  auto rank() const {
    return std::make_tuple(arenaBytes, macs, groupPeakBytes);
  }
};

/// Tiles `candidate`'s group of `ops` (groupableOps of their body); adds
/// the ops of its patches to `tiled`.
LogicalResult applyCandidate(ArrayRef<Operation *> ops,
                             const Candidate &candidate,
                             llvm::DenseSet<Operation *> *tiled = nullptr) {
  unsigned end = candidate.start + candidate.count;
  Operation *next =
      end < ops.size() ? ops[end] : ops.back()->getBlock()->getTerminator();
  Operation *before = candidate.start > 0 ? ops[candidate.start - 1] : nullptr;
  if (failed(PatchBuilder(ops.slice(candidate.start, candidate.count),
                          candidate.grid(), candidate.cacheHalos)
                 .run()))
    return failure();
  if (tiled)
    for (Operation *op = next->getPrevNode(); op && op != before;
         op = op->getPrevNode())
      tiled->insert(op);
  return success();
}

struct TileSpatialPass
    : public serenity::impl::SerenityTileSpatialBase<TileSpatialPass> {
  /// Options checked with their choices and names first
  /// (initializeOptionsExplained).
  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    return initializeOptionsExplained(*this, sizeof(*this), options,
                                      errorHandler);
  }

  using Base::Base;

  void runOnOperation() final;

  /// Tiles a copy of the function and estimates it: the MACs, and the peak
  /// of the `bufferized` memory model in program order, which is the
  /// live-bytes bound of the buffers bufferization makes of it
  /// (docs/memory-model.md), and where it peaks. `patches` 0: as it is.
  FailureOr<Candidate> estimate(func::FuncOp func, Candidate candidate);
  /// The live-bytes bound of the buffers of a bufferized copy of `func`.
  FailureOr<uint64_t> measureBound(func::FuncOp func);

  /// The tile loops the fusion of the copies made, for the next copies
  /// (most of their ops are the same), while one function runs (set in
  /// runOnOperation: a copy of the pass makes its own).
  std::shared_ptr<TiledLoopCache> tileLoops;
};

/// A public copy of `func` in a module of its own, to tile or bufferize
/// and drop.
std::pair<OwningOpRef<ModuleOp>, func::FuncOp>
copyIntoScratch(func::FuncOp func) {
  OpBuilder builder(func.getContext());
  OwningOpRef<ModuleOp> scratch = ModuleOp::create(func.getLoc());
  builder.setInsertionPointToStart(scratch->getBody());
  auto copy = cast<func::FuncOp>(builder.clone(*func));
  copy.setPublic();
  return {std::move(scratch), copy};
}

FailureOr<Candidate> TileSpatialPass::estimate(func::FuncOp func,
                                               Candidate candidate) {
  auto [scratch, copy] = copyIntoScratch(func);
  // Diagnostics of the copy are the estimate's business only.
  SilenceThisThread silence(func.getContext());
  // The group's patches carry the locations of its ops.
  llvm::DenseSet<Attribute> groupLocs;
  if (candidate.patches > 0) {
    SmallVector<Operation *> ops = groupableOps(copy.getBody().front());
    for (Operation *op : ArrayRef(ops).slice(candidate.start, candidate.count))
      groupLocs.insert(LocationAttr(op->getLoc()));
    if (failed(applyCandidate(ops, candidate)))
      return failure();
  }
  candidate.macs = countMacs(copy);
  if (fuseRequantize &&
      failed(fuseRequantization(copy, /*tileWindowOps=*/true,
                                /*writePartsInPlace=*/true, tileLoops.get())))
    return failure();
  FailureOr<FunctionGraph> graph = FunctionGraph::build(copy);
  if (failed(graph))
    return failure();
  LivenessModel model(graph->getGraph(), MemoryModel::Bufferized);
  std::vector<NodeId> order = graph->getGraph().getProgramOrder();
  LivenessTrace trace = model.simulate(order);
  candidate.arenaBytes = trace.peak;
  auto steps = std::make_shared<Trace>();
  for (auto [step, node] : llvm::enumerate(order))
    steps->emplace_back(graph->getOperation(node)->getLoc(),
                        trace.steps[step].footprint);
  if (trace.peakStep)
    candidate.peakLoc = graph->getOperation(order[*trace.peakStep])->getLoc();
  candidate.groupPeakBytes = 0;
  if (std::optional<std::pair<size_t, size_t>> run =
          findStepsAt(*steps, groupLocs))
    for (size_t step = run->first; step <= run->second; ++step)
      candidate.groupPeakBytes =
          std::max(candidate.groupPeakBytes, (*steps)[step].second);
  candidate.trace = std::move(steps);
  return candidate;
}

FailureOr<uint64_t> TileSpatialPass::measureBound(func::FuncOp func) {
  auto [scratch, copy] = copyIntoScratch(func);
  SilenceThisThread silence(func.getContext());
  if (fuseRequantize &&
      failed(fuseRequantization(copy, /*tileWindowOps=*/true,
                                /*writePartsInPlace=*/true, tileLoops.get())))
    return failure();
  // A scratch copy, measured and dropped: the upstream passes' output is
  // not verified.
  PassManager pm(func.getContext());
  pm.enableVerifier(false);
  std::string error;
  llvm::raw_string_ostream errorStream(error);
  if (failed(parsePassPipeline(getBufferizePipelineText(), pm, errorStream)) ||
      failed(pm.run(*scratch)))
    return failure();
  return computeLiveBytesBound(getLifetimes(collectArenaBuffers(copy)),
                               alignment);
}

/// Warns at `func` when the memory model's arena of it (`what`: as it is,
/// or tiled) is not the live-bytes bound of its bufferized buffers.
void warnIfNotModeled(func::FuncOp func, StringRef what, uint64_t modeled,
                      uint64_t bound) {
  if (modeled != bound)
    emitWarning(func.getLoc()) << llvm::formatv(
        "serenity-tile-spatial: verify-arena: the memory model puts the "
        "function {0} at {1} bytes, but the live-bytes bound of its "
        "bufferized buffers is {2}",
        what, modeled, bound);
}

void TileSpatialPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  tileLoops = std::make_shared<TiledLoopCache>(&getContext());
  llvm::scope_exit dropTileLoops([&] { tileLoops.reset(); });
  // The estimates of tilings may stop early; that of the function as it is
  // does not.
  EstimateBudget estimates(maxEstimates, timeLimitMs,
                           std::max(1u, getContext().getNumThreads()));
  if (maxExtraMacs < 0) {
    func.emitError() << llvm::formatv("serenity-tile-spatial: max-extra-macs "
                                      "must not be negative, got {0}",
                                      maxExtraMacs.getValue());
    return signalPassFailure();
  }
  if (!memoryAware && !patches) {
    func.emitError() << "serenity-tile-spatial: memory-aware=0 needs patches";
    return signalPassFailure();
  }
  if (!func.getBody().hasOneBlock()) {
    emitWarning(func.getLoc())
        << "serenity-tile-spatial: a body of several blocks "
           "is left as it is";
    return;
  }
  Block &body = func.getBody().front();
  SmallVector<Operation *> ops = groupableOps(body);
  unsigned prefix = countTileablePrefix(ops);
  if (groupOps > prefix) {
    func.emitError() << "serenity-tile-spatial: group-ops="
                     << groupOps.getValue() << " but only the first " << prefix
                     << " ops can be computed in bands of rows";
    return signalPassFailure();
  }
  if (llvm::none_of(ops, [](Operation *op) { return RowAccess::of(op); })) {
    emitRemark(func.getLoc())
        << "serenity-tile-spatial: no op of the body can be "
           "computed in bands of rows";
    return;
  }
  if (prefix == 0 && (groupOps || !memoryAware)) {
    emitRemark(func.getLoc())
        << "serenity-tile-spatial: no op at the top of the "
           "body can be computed in bands of rows";
    return;
  }

  // The facts of the body's ops; the ops change with every group tiled.
  OpFacts facts;
  // Halos recomputed within `budget` MACs where `halos` allows, otherwise
  // cached where it allows; none: neither fits.
  auto chooseHalos = [&](ArrayRef<Operation *> group, Grid grid,
                         uint64_t macsBefore,
                         double budget) -> std::optional<bool> {
    for (bool cache : {false, true}) {
      if (halos == (cache ? HaloMode::Recompute : HaloMode::Cache))
        continue;
      auto [tiled, whole] =
          PatchBuilder(group, grid, cache, &facts).countGroupMacs();
      if (macsBefore + tiled - whole <= budget)
        return cache;
    }
    return std::nullopt;
  };

  if (!memoryAware) {
    unsigned count = groupOps ? groupOps.getValue() : prefix;
    ArrayRef<Operation *> group = ArrayRef(ops).take_front(count);
    uint64_t macsBefore = countMacs(func);
    Grid grid{patches, std::max(1u, columnPatches.getValue())};
    bool cache = chooseHalos(group, grid, macsBefore,
                             macsBefore * (1.0 + maxExtraMacs / 100.0))
                     .value_or(halos == HaloMode::Cache);
    PatchBuilder builder(group, grid, cache);
    // Bands alone take exits of fewer rows than patches (some patches
    // assemble none of them).
    if (grid.cols > 1 && !builder.fitsGrid()) {
      func.emitError() << llvm::formatv(
          "serenity-tile-spatial: {0}x{1} patches do not fit the first {2} "
          "ops: a value leaving them has fewer rows or columns, or an op "
          "cannot be computed on a tile of some of its columns",
          grid.rows, grid.cols, count);
      return signalPassFailure();
    }
    if (failed(builder.run()))
      return signalPassFailure();
    recordPatches(func, 1, cache, count, patches, grid.cols, macsBefore,
                  countMacs(func));
    return;
  }

  // Candidates are scored by the `bufferized` memory model, which is exact
  // on what the pass makes (docs/memory-model.md): the live-bytes bound of
  // the buffers bufferization makes. verify-arena bufferizes the function
  // as it is and as tiled, to check that.
  FailureOr<Candidate> original = failure();
  estimates.timed(1, [&] { original = estimate(func, Candidate()); });
  if (failed(original)) {
    emitRemark(func.getLoc())
        << "serenity-tile-spatial: the memory model cannot "
           "size the function; left as it is";
    return;
  }
  FailureOr<uint64_t> originalBound = failure();
  if (verifyArena) {
    originalBound = measureBound(func);
    if (failed(originalBound)) {
      emitRemark(func.getLoc())
          << "serenity-tile-spatial: the function does not "
             "bufferize; left as it is";
      return;
    }
    warnIfNotModeled(func, "as it is", original->arenaBytes, *originalBound);
  }
  if (reportCandidates)
    emitRemark(func.getLoc()) << llvm::formatv(
        "serenity-tile-spatial: as it is: arena {0} bytes (modeled), MACs {1}",
        original->arenaBytes, original->macs);
  double budget = original->macs * (1.0 + maxExtraMacs / 100.0);
  // The given patch count, or `defaults`.
  auto patchCounts = [&](ArrayRef<unsigned> defaults) {
    return patches ? SmallVector<unsigned>{patches.getValue()}
                   : SmallVector<unsigned>(defaults);
  };
  // The columns of patches a band tried besides 1, or the given count.
  auto columnCounts = [&] {
    return columnPatches ? SmallVector<unsigned>{columnPatches.getValue()}
                         : SmallVector<unsigned>(std::begin(kColumnCounts),
                                                 std::end(kColumnCounts));
  };

  // Greedy: each round tiles the group that lowers the arena most, until
  // none does or the MAC budget is spent. The first round tries groups that
  // open the body (the stem); every round tries groups around the op that
  // holds the modeled peak. The first group decides most: while the one
  // tried holds the peak at the end, the rounds go on from the first
  // round's next best trade-off of arena against MACs (tilings of copies
  // of the function), and the lowest arena at the end wins.
  // A group as tiled: how many groupable ops the body had after it, and
  // the locations of its ops (which its patches carry).
  struct TiledGroup {
    Candidate candidate;
    size_t opsAfter = 0;
    llvm::DenseSet<Attribute> locs;
  };
  struct Tiling {
    OwningOpRef<func::FuncOp> func;
    Candidate current;
    unsigned groups = 0, cachedGroups = 0, totalOps = 0, mostPatches = 0,
             mostColumns = 1;
    llvm::DenseSet<Operation *> tiledBefore;
    SmallVector<TiledGroup> tiled;
  };
  // What the first round found, for a remark that says why nothing was
  // tiled: how many candidates, the lowest arena among those within the MAC
  // budget and among all.
  size_t firstRoundCandidates = 0, firstRoundOverBudget = 0;
  std::optional<Candidate> firstRoundBest, firstRoundLowest;
  // The candidates of a round of `tiling` within the MAC budget, measured.
  auto measureRound = [&](Tiling &tiling,
                          unsigned round) -> SmallVector<Candidate> {
    Block &body = tiling.func->getBody().front();
    const Candidate &current = tiling.current;
    const llvm::DenseSet<Operation *> &tiledBefore = tiling.tiledBefore;
    ops = groupableOps(body);
    facts = OpFacts();
    SmallVector<uint64_t> across = bytesAcrossCuts(ops);
    SmallVector<Candidate> candidates;
    // The halos of `count` ops from `start` in `p` patches, within the MAC
    // budget (the extra MACs from the rows alone), and every exit has a
    // share of rows in every patch.
    auto fits = [&](unsigned start, unsigned count,
                    unsigned p) -> std::optional<bool> {
      ArrayRef<Operation *> group = ArrayRef(ops).slice(start, count);
      if (!PatchBuilder(group, Grid{p}, false, &facts).fitsGrid())
        return std::nullopt;
      std::optional<bool> cache =
          chooseHalos(group, Grid{p}, current.macs, budget);
      if (!cache && round == 0)
        ++firstRoundOverBudget;
      return cache;
    };
    // The op at the peak, by the location of the op it was banded from
    // (the first untiled op there).
    auto peakIt = ops.end();
    if (!groupOps && current.peakLoc)
      peakIt = llvm::find_if(ops, [&](Operation *op) {
        return op->getLoc() == current.peakLoc && !tiledBefore.contains(op);
      });
    // A group that leaves the op at the peak out cannot lower the arena:
    // the buffers live there keep their sizes. It is not measured.
    auto holdsPeak = [&](unsigned start, unsigned count) {
      if (peakIt == ops.end())
        return true;
      unsigned peak = peakIt - ops.begin();
      return start <= peak && peak < start + count;
    };
    if (round == 0) {
      // Groups that open the body: for each patch count, the deepest
      // within the budget with halos recomputed (halos grow with the group,
      // roughly monotonically, so a binary search finds it); with halos
      // cached (no extra MACs), one cut deeper, or the deepest with
      // halos=cache.
      SmallVector<unsigned> ends = quietCuts(across, 0, prefix);
      ends.push_back(prefix);
      if (groupOps)
        ends.assign({groupOps.getValue()});
      auto banded = [&](unsigned end, unsigned count, unsigned columns = 1) {
        return PatchBuilder(ArrayRef(ops).take_front(end), Grid{count, columns},
                            false, &facts)
            .fitsGrid();
      };
      // The group also in `columns` columns of patches a band, halos
      // cached along columns (the MACs of the bands alone).
      auto addColumns = [&](unsigned end, unsigned count) {
        if (halos != HaloMode::Auto)
          return;
        for (unsigned columns : columnCounts())
          // The most columns only in bands of 2, 4 or 8 patches: they double
          // the columns' cached halos, and seldom win in others.
          if (columns > 1 && banded(end, count, columns) &&
              (columnPatches || patches || columns < kColumnCounts[2] ||
               llvm::is_contained(kPeakPatchCounts, count)))
            candidates.push_back({0, end, count, true, columns});
      };
      for (unsigned count : patchCounts(kPatchCounts)) {
        auto deepest = ends.begin();
        if (halos != HaloMode::Cache) {
          deepest =
              std::partition_point(ends.begin(), ends.end(), [&](unsigned end) {
                auto [tiled, whole] =
                    PatchBuilder(ArrayRef(ops).take_front(end), Grid{count},
                                 false, &facts)
                        .countGroupMacs();
                return current.macs + tiled - whole <= budget;
              });
          if (deepest == ends.begin())
            ++firstRoundOverBudget; // even the shallowest group
          else if (banded(*std::prev(deepest), count) &&
                   holdsPeak(0, *std::prev(deepest))) {
            candidates.push_back({0, *std::prev(deepest), count});
            addColumns(*std::prev(deepest), count);
          }
          // And the group within the budget that leaves the fewest bytes
          // across its end (the deepest of those): the values that leave a
          // group are assembled whole beside every patch, so a shallower
          // end can hold less (MobileNetV2: block 4's 28x28x32 output
          // alone, not also block 5's 28x28x192 expansion).
          auto quietest = ends.end();
          for (auto end = ends.begin(); end != deepest; ++end)
            if (holdsPeak(0, *end) &&
                (quietest == ends.end() || across[*end] <= across[*quietest]))
              quietest = end;
          if (quietest != ends.end() && std::next(quietest) != deepest &&
              banded(*quietest, count)) {
            candidates.push_back({0, *quietest, count});
            addColumns(*quietest, count);
          }
        }
        if (halos == HaloMode::Recompute ||
            (!patches && !llvm::is_contained(kPeakPatchCounts, count)))
          continue;
        auto cachedEnd = halos == HaloMode::Cache || deepest == ends.end()
                             ? ends.end()
                             : deepest + 1;
        while (cachedEnd != ends.begin() &&
               !banded(*std::prev(cachedEnd), count))
          --cachedEnd;
        if (cachedEnd != ends.begin() && cachedEnd > deepest &&
            holdsPeak(0, *std::prev(cachedEnd)) &&
            chooseHalos(ArrayRef(ops).take_front(*std::prev(cachedEnd)),
                        Grid{count}, current.macs, budget) == true)
          candidates.push_back({0, *std::prev(cachedEnd), count, true});
      }
    }
    // Groups around the peak: from one of the two quiet cuts before the
    // peak op to one of the two after it, within its run of tileable ops.
    if (peakIt != ops.end() && facts.access(*peakIt)) {
      unsigned peak = peakIt - ops.begin();
      unsigned first = peak, last = peak + 1;
      while (first > 0 && facts.access(ops[first - 1]) &&
             !tiledBefore.contains(ops[first - 1]))
        --first;
      while (last < ops.size() && facts.access(ops[last]) &&
             !tiledBefore.contains(ops[last]))
        ++last;
      // The cuts where the fewest bytes cross (a cell's or a stage's end),
      // within kPeakWindow ops of the peak, the nearest first among equals.
      SmallVector<unsigned> before, after;
      for (unsigned cut : quietCuts(across, first, last))
        (cut <= peak ? before : after).push_back(cut);
      if (peak + 1 - first <= kPeakWindow)
        before.push_back(first);
      if (last - peak <= kPeakWindow)
        after.push_back(last);
      auto fewestBytes = [&](SmallVector<unsigned> cuts) {
        llvm::erase_if(cuts, [&](unsigned cut) {
          return (cut > peak ? cut - peak : peak - cut) > kPeakWindow;
        });
        llvm::sort(cuts, [&](unsigned a, unsigned b) {
          unsigned da = a > peak ? a - peak : peak - a;
          unsigned db = b > peak ? b - peak : peak - b;
          return std::make_pair(across[a], da) < std::make_pair(across[b], db);
        });
        cuts.truncate(std::min<size_t>(cuts.size(), kPeakCuts));
        return cuts;
      };
      SmallVector<unsigned> starts = fewestBytes(before),
                            ends = fewestBytes(after);
      // And the nearest ends that hold no more than the starts and than
      // every cut between them and the peak (the ends of the next blocks
      // or stages): the fewest bytes may lie far off, at the classifier,
      // while the peak recurs in the next blocks, which a group must hold
      // too (MobileNetV2's 28x28 blocks).
      // And the nearest starts, each holding fewer bytes than every cut
      // between it and the peak (the starts of the peak's block and of the
      // one before): a group of the block alone can cost few MACs where
      // one from the far quiet cut, through whole stages, costs many
      // (MobileNetV2's 14x14x576 blocks).
      unsigned nearStarts = 0;
      uint64_t fewestBefore = std::numeric_limits<uint64_t>::max();
      for (unsigned cut : llvm::reverse(before)) {
        if (nearStarts == kPeakCuts || peak - cut > kPeakWindow)
          break;
        if (across[cut] >= fewestBefore)
          continue;
        fewestBefore = across[cut];
        ++nearStarts;
        if (!llvm::is_contained(starts, cut))
          starts.push_back(cut);
      }
      uint64_t startBytes = std::numeric_limits<uint64_t>::max();
      for (unsigned start : starts)
        startBytes = std::min(startBytes, across[start]);
      // (`after` ascends: the fewest bytes so far is a running minimum.)
      unsigned nearEnds = 0;
      uint64_t fewestSoFar = std::numeric_limits<uint64_t>::max();
      for (unsigned cut : after) {
        if (nearEnds == kPeakCuts || cut - peak > kPeakWindow)
          break;
        bool fewest = across[cut] <= fewestSoFar;
        fewestSoFar = std::min(fewestSoFar, across[cut]);
        if (!fewest || across[cut] > startBytes)
          continue;
        ++nearEnds;
        if (!llvm::is_contained(ends, cut))
          ends.push_back(cut);
      }
      for (unsigned start : starts)
        for (unsigned end : ends)
          for (unsigned count : patchCounts(kPeakPatchCounts))
            if (round > 0 || start > 0)
              if (std::optional<bool> cache = fits(start, end - start, count))
                candidates.push_back({start, end - start, count, *cache});
    }

    // What no tiling of a candidate's group changes bounds its arena from
    // below (getPeakOutside), and its MACs are counted before it is tiled:
    // a candidate that a measured one beats on both (one of them strictly)
    // is neither chosen nor on the trade-off front, and is not measured.
    // The most promising are measured first.
    SmallVector<uint64_t> lowestArena(candidates.size(), 0),
        expectedMacs(candidates.size(), 0);
    for (auto [index, candidate] : llvm::enumerate(candidates)) {
      ArrayRef<Operation *> group =
          ArrayRef(ops).slice(candidate.start, candidate.count);
      llvm::DenseSet<Attribute> locs;
      for (Operation *op : group)
        locs.insert(op->getLoc());
      if (current.trace)
        lowestArena[index] = getPeakOutside(*current.trace, locs);
      auto [tiled, whole] =
          PatchBuilder(group, candidate.grid(), candidate.cacheHalos, &facts)
              .countGroupMacs();
      expectedMacs[index] = current.macs + tiled - whole;
    }
    SmallVector<size_t> byPromise =
        llvm::to_vector(llvm::seq<size_t>(0, candidates.size()));
    llvm::stable_sort(byPromise, [&](size_t a, size_t b) {
      return std::make_pair(lowestArena[a], expectedMacs[a]) <
             std::make_pair(lowestArena[b], expectedMacs[b]);
    });
    // Each candidate is tiled in a copy of its own, so those of a batch are
    // estimated in parallel (the function itself is only read).
    SmallVector<FailureOr<Candidate>> results(candidates.size(), failure());
    // Why a candidate is not measured; empty: it is.
    SmallVector<StringRef> skipped(candidates.size());
    size_t batchSize = estimates.getParallel();
    SmallVector<std::pair<uint64_t, uint64_t>> measuredPoints;
    for (size_t next = 0; next < byPromise.size();) {
      SmallVector<size_t> batch;
      for (; next < byPromise.size() && batch.size() < batchSize; ++next) {
        size_t index = byPromise[next];
        // After the first round (whose candidates also say why nothing
        // was tiled), one that cannot lower the arena is of no use either.
        if (estimates.isSpent())
          skipped[index] = kBudgetSpent;
        else if (round > 0 && lowestArena[index] >= current.arenaBytes)
          skipped[index] = "the arena so far is no higher";
        else if (llvm::any_of(measuredPoints, [&](auto point) {
                   auto [arena, macs] = point;
                   return arena <= lowestArena[index] &&
                          macs <= expectedMacs[index] &&
                          (arena < lowestArena[index] ||
                           macs < expectedMacs[index]);
                 }))
          skipped[index] = "a measured one does as well";
        else
          batch.push_back(index);
      }
      size_t allowed = estimates.take(batch.size());
      for (size_t index : ArrayRef(batch).drop_front(allowed))
        skipped[index] = kBudgetSpent;
      batch.truncate(allowed);
      estimates.timed(batch.size(), [&] {
        parallelFor(func.getContext(), 0, batch.size(), [&](size_t i) {
          results[batch[i]] = estimate(*tiling.func, candidates[batch[i]]);
        });
      });
      for (size_t index : batch)
        if (succeeded(results[index]) && results[index]->macs <= budget)
          measuredPoints.emplace_back(results[index]->arenaBytes,
                                      results[index]->macs);
    }
    SmallVector<Candidate> measuredCandidates;
    for (auto [index, candidate, measured] :
         llvm::enumerate(candidates, results)) {
      if (reportCandidates) {
        std::string what = llvm::formatv(
            "serenity-tile-spatial: candidate {0} ops from {1} in {2} "
            "patches{4}, halos {3}",
            candidate.count, candidate.start, candidate.patches,
            candidate.cacheHalos ? "cached" : "recomputed",
            candidate.columns > 1
                ? llvm::formatv(" of {0} columns", candidate.columns).str()
                : std::string());
        if (!skipped[index].empty())
          emitRemark(func.getLoc())
              << what
              << llvm::formatv(": not measured: at least {0} bytes live "
                               "outside the group, at {1} MACs; {2}",
                               lowestArena[index], expectedMacs[index],
                               skipped[index]);
        else if (succeeded(measured))
          emitRemark(func.getLoc())
              << what
              << llvm::formatv(": arena {0} bytes (modeled), "
                               "MACs {1}",
                               measured->arenaBytes, measured->macs);
        else
          emitRemark(func.getLoc()) << what << ": cannot be tiled and modeled";
      }
      if (round == 0 && succeeded(measured) &&
          (!firstRoundLowest ||
           measured->arenaBytes < firstRoundLowest->arenaBytes))
        firstRoundLowest = *measured;
      if (succeeded(measured) && measured->macs <= budget)
        measuredCandidates.push_back(*measured);
    }
    if (round == 0)
      firstRoundCandidates = candidates.size();
    return measuredCandidates;
  };
  auto best = [](ArrayRef<Candidate> candidates) -> std::optional<Candidate> {
    auto lowest = llvm::min_element(candidates,
                                    [](const Candidate &a, const Candidate &b) {
                                      return a.rank() < b.rank();
                                    });
    if (lowest == candidates.end())
      return std::nullopt;
    return *lowest;
  };
  // Tiles `group` in `tiling`.
  auto tileGroup = [&](Tiling &tiling, const Candidate &group) {
    Block &body = tiling.func->getBody().front();
    SmallVector<Operation *> ops = groupableOps(body);
    TiledGroup tiled{group};
    for (Operation *op : ArrayRef(ops).slice(group.start, group.count))
      tiled.locs.insert(LocationAttr(op->getLoc()));
    if (failed(applyCandidate(ops, group, &tiling.tiledBefore)))
      return failure();
    tiled.opsAfter = groupableOps(body).size();
    tiling.tiled.push_back(std::move(tiled));
    tiling.current = group;
    ++tiling.groups;
    tiling.cachedGroups += group.cacheHalos;
    tiling.totalOps += group.count;
    tiling.mostPatches = std::max(tiling.mostPatches, group.patches);
    tiling.mostColumns = std::max(tiling.mostColumns, group.columns);
    return success();
  };
  // `tiling`'s groups tiled again in a copy of the function, the one at
  // `index` as `replacement` (its ops, in another grid or halo mode), and
  // measured if within the MAC budget; the groups after it and behind it in
  // the body shift by the difference in ops.
  auto retile = [&](const Tiling &tiling, size_t index,
                    const Candidate &replacement) -> FailureOr<Tiling> {
    SilenceThisThread silence(func.getContext());
    Tiling again{func.clone(), *original};
    const Candidate &replaced = tiling.tiled[index].candidate;
    int64_t shift = 0;
    for (auto [position, group] : llvm::enumerate(tiling.tiled)) {
      Candidate candidate = group.candidate;
      if (position == index) {
        candidate = replacement;
        SmallVector<Operation *> ops =
            groupableOps(again.func->getBody().front());
        if (!PatchBuilder(ArrayRef(ops).slice(candidate.start, candidate.count),
                          candidate.grid(), candidate.cacheHalos)
                 .fitsGrid())
          return failure();
      } else if (position > index && candidate.start > replaced.start) {
        candidate.start += shift;
      }
      if (failed(tileGroup(again, candidate)))
        return failure();
      if (position == index)
        shift = int64_t(again.tiled.back().opsAfter) - int64_t(group.opsAfter);
    }
    // (Over the budget, it is of no use and not measured.)
    if (countMacs(*again.func) > budget)
      return failure();
    FailureOr<Candidate> measured = estimate(*again.func, Candidate());
    if (failed(measured))
      return failure();
    again.current = *measured;
    return again;
  };
  // The tiled group that holds `tiling`'s peak in finer grids (more
  // patches or columns) or the other halo mode, the lowest within the
  // budget if it is lower: a group chosen when a peak elsewhere bounded
  // the arena may hold the peak now.
  auto refinePeakGroup = [&](const Tiling &tiling) -> std::optional<Tiling> {
    if (!tiling.current.peakLoc)
      return std::nullopt;
    const TiledGroup *peakGroup =
        llvm::find_if(tiling.tiled, [&](const TiledGroup &group) {
          return group.locs.contains(tiling.current.peakLoc);
        });
    if (peakGroup == tiling.tiled.end())
      return std::nullopt;
    // Bytes as many away from its patches: no grid of them lowers the arena.
    if (tiling.current.trace &&
        getPeakOutside(*tiling.current.trace, peakGroup->locs) >=
            tiling.current.arenaBytes)
      return std::nullopt;
    const Candidate &group = peakGroup->candidate;
    // Its grid, or the next finer ones: up to two more patch counts, one
    // more column count (columns cache their halos along them).
    auto finer = [](ArrayRef<unsigned> counts, unsigned count, unsigned steps) {
      SmallVector<unsigned> finer = {count};
      for (unsigned next : counts)
        if (next > count && finer.size() <= steps)
          finer.push_back(next);
      return finer;
    };
    SmallVector<unsigned> rowCounts = finer(patchCounts(kPatchCounts),
                                            group.patches, 2),
                          colCounts = {group.columns};
    if (halos == HaloMode::Auto)
      colCounts = finer(columnCounts(), group.columns, 1);
    SmallVector<Candidate> replacements;
    for (unsigned rows : rowCounts)
      for (unsigned cols : colCounts)
        for (bool cache : {false, true}) {
          Candidate replacement = group;
          replacement.patches = rows;
          replacement.columns = cols;
          replacement.cacheHalos = cache;
          if ((cols > 1 && !cache) ||
              halos == (cache ? HaloMode::Recompute : HaloMode::Cache) ||
              (rows == group.patches && cols == group.columns &&
               cache == group.cacheHalos))
            continue;
          replacements.push_back(replacement);
        }
    replacements.truncate(estimates.take(replacements.size()));
    SmallVector<std::optional<Tiling>> results(replacements.size());
    size_t index = peakGroup - tiling.tiled.begin();
    estimates.timed(replacements.size(), [&] {
      parallelFor(func.getContext(), 0, replacements.size(), [&](size_t i) {
        FailureOr<Tiling> again = retile(tiling, index, replacements[i]);
        if (succeeded(again))
          results[i] = std::move(*again);
      });
    });
    std::optional<Tiling> lowest;
    for (std::optional<Tiling> &result : results)
      if (result && (!lowest || std::make_pair(result->current.arenaBytes,
                                               result->current.macs) <
                                    std::make_pair(lowest->current.arenaBytes,
                                                   lowest->current.macs)))
        lowest = std::move(result);
    if (!lowest || lowest->current.arenaBytes >= tiling.current.arenaBytes)
      return std::nullopt;
    return lowest;
  };
  // The first round, then the greedy from each of its trade-offs.
  Tiling asItIs{func.clone(), *original};
  SmallVector<Candidate> firstGroups = measureRound(asItIs, 0);
  firstRoundBest = best(firstGroups);
  SmallVector<Candidate> firstChoices;
  llvm::sort(firstGroups, [](const Candidate &a, const Candidate &b) {
    return a.rank() < b.rank();
  });
  for (const Candidate &group : firstGroups)
    if (group.arenaBytes < original->arenaBytes &&
        firstChoices.size() < kFirstGroupChoices &&
        (firstChoices.empty() || group.macs < firstChoices.back().macs))
      firstChoices.push_back(group);
  std::optional<Tiling> chosen;
  for (const Candidate &first : firstChoices) {
    Tiling tiling{func.clone(), *original};
    if (failed(tileGroup(tiling, first)))
      return signalPassFailure();
    for (unsigned round = 1; round < kMaxRounds; ++round) {
      std::optional<Candidate> next;
      if (tiling.groups < kMaxGroups)
        next = best(measureRound(tiling, round));
      if (next && next->arenaBytes < tiling.current.arenaBytes) {
        if (failed(tileGroup(tiling, *next)))
          return signalPassFailure();
        continue;
      }
      std::optional<Tiling> refined = refinePeakGroup(tiling);
      if (!refined)
        break;
      tiling = std::move(*refined);
    }
    if (!chosen ||
        std::make_pair(tiling.current.arenaBytes, tiling.current.macs) <
            std::make_pair(chosen->current.arenaBytes, chosen->current.macs))
      chosen = std::move(tiling);
    // The next first group only where this one holds the peak at the end.
    if (!chosen->current.peakLoc ||
        !chosen->tiled.front().locs.contains(chosen->current.peakLoc))
      break;
  }
  // Where the search stopped early, and after how many estimates.
  auto describeStop = [&] {
    return llvm::formatv("; the search stopped at its limit ({0}, after {1} "
                         "estimate{2})",
                         estimates.getStoppedBy(), estimates.getTaken(),
                         estimates.getTaken() == 1 ? "" : "s")
        .str();
  };
  if (!chosen) {
    // Why: nothing to try, nothing that tiles, the best within the budget
    // no lower, or the lower ones over the budget.
    auto describe = [&](const Candidate &candidate) {
      return llvm::formatv("{0} patches of ops {1}-{2} model {3} bytes at "
                           "{4:+0.0;-0.0}% MACs",
                           candidate.patches, candidate.start,
                           candidate.start + candidate.count - 1,
                           candidate.arenaBytes,
                           100.0 * (double(candidate.macs) - original->macs) /
                               original->macs)
          .str();
    };
    std::string why;
    if (firstRoundCandidates == 0 && firstRoundOverBudget)
      why = llvm::formatv(
          "the halos of every grouping that holds the peak ({0} tried) need "
          "more MACs (raise max-extra-macs{1})",
          firstRoundOverBudget,
          halos == HaloMode::Recompute ? ", or let halos be cached" : "");
    else if (firstRoundCandidates == 0)
      why = "no group of tileable ops holds the peak";
    else if (!firstRoundLowest)
      why = llvm::formatv("none of its {0} candidates could be tiled and "
                          "modeled",
                          firstRoundCandidates);
    else if (firstRoundLowest->arenaBytes < original->arenaBytes)
      why = llvm::formatv("the lowest of {0} candidates needs more MACs: "
                          "{1} (raise max-extra-macs)",
                          firstRoundCandidates, describe(*firstRoundLowest));
    else
      why = llvm::formatv(
          "the best of {0} candidates: {1}", firstRoundCandidates,
          describe(firstRoundBest ? *firstRoundBest : *firstRoundLowest));
    emitRemark(func.getLoc()) << llvm::formatv(
        "serenity-tile-spatial: no tiling lowers the arena ({0} bytes, "
        "modeled) within +{1}% MACs; left as it is: {2}{3}",
        original->arenaBytes, maxExtraMacs.getValue(), why,
        estimates.isSpent() ? describeStop() : std::string());
    return;
  }
  // The function before the tiling, should verify-arena find that the
  // tiling does not bufferize below it.
  OwningOpRef<func::FuncOp> untiled;
  if (verifyArena)
    untiled = func.clone();
  func.getBody().takeBody(chosen->func->getBody());
  const Candidate &current = chosen->current;
  if (verifyArena) {
    FailureOr<uint64_t> tiledBound = measureBound(func);
    if (failed(tiledBound) || *tiledBound >= *originalBound) {
      func.getBody().takeBody(untiled->getBody());
      emitWarning(func.getLoc()) << llvm::formatv(
          "serenity-tile-spatial: the tiling the memory model chose ({0} "
          "bytes) {1}; left as it is",
          current.arenaBytes,
          succeeded(tiledBound)
              ? llvm::formatv("bufferizes to a live-bytes bound of {0} "
                              "bytes, not below {1}",
                              *tiledBound, *originalBound)
                    .str()
              : std::string("does not bufferize"));
      return;
    }
    warnIfNotModeled(func, "as tiled", current.arenaBytes, *tiledBound);
  }
  recordPatches(func, chosen->groups, chosen->cachedGroups, chosen->totalOps,
                chosen->mostPatches, chosen->mostColumns, original->macs,
                current.macs);
  emitRemark(func.getLoc()) << llvm::formatv(
      "serenity-tile-spatial: {0} ops in {1} group(s), at most {2} "
      "patches{9}: arena {3} -> {4} bytes (modeled), MACs {5} -> {6} "
      "(+{7:F1}%){8}{10}",
      chosen->totalOps, chosen->groups, chosen->mostPatches,
      original->arenaBytes, current.arenaBytes, original->macs, current.macs,
      original->macs
          ? 100.0 * (double(current.macs) - original->macs) / original->macs
          : 0.0,
      chosen->cachedGroups
          ? llvm::formatv(", halos cached in {0}", chosen->cachedGroups).str()
          : std::string(),
      chosen->mostColumns > 1
          ? llvm::formatv(", each band in up to {0} columns",
                          chosen->mostColumns)
                .str()
          : std::string(),
      estimates.isSpent() ? describeStop() : std::string());
}

} // namespace
