//===- PlanMemory.cpp - The --serenity-plan-memory pass -------------------===//
//
// Static memory planning after bufferization: the lifetimes come from the op
// order of the function body, the offsets from the dialect-free placement
// algorithms (serenity/Core/Placement.h), and every allocation becomes a view
// into one arena. A module pass, because `arena=global` adds a memref.global
// to the module.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/Placement.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "serenity-plan-memory"

namespace serenity {
#define GEN_PASS_DEF_SERENITYPLANMEMORY
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

/// An allocation of the function body that goes into the arena.
struct PlannedBuffer {
  memref::AllocOp alloc;
  BufferLifetime lifetime;
  SmallVector<memref::DeallocOp, 1> deallocs;
};

bool isBufferLike(Type type) { return isa<BaseMemRefType, TensorType>(type); }

/// Warns that `alloc` stays on the heap because of `user`.
LogicalResult warnNotPlanned(memref::AllocOp alloc, Operation *user,
                             const Twine &reason) {
  InFlightDiagnostic diagnostic =
      alloc.emitWarning() << "serenity-plan-memory: not planned: " << reason;
  diagnostic.attachNote(user->getLoc()) << "because of this use";
  return diagnostic;
}

/// The lifetime of `alloc` in `body`, whose ops are numbered by `position`;
/// a warning and failure when the buffer cannot be planned.
FailureOr<PlannedBuffer>
analyzeAllocation(memref::AllocOp alloc, Block &body,
                  const DenseMap<Operation *, unsigned> &position,
                  const DataLayout &layout) {
  MemRefType type = alloc.getType();
  if (!type.hasStaticShape())
    return alloc.emitWarning()
           << "serenity-plan-memory: not planned: dynamic shape " << type;
  if (!type.getLayout().isIdentity())
    return alloc.emitWarning()
           << "serenity-plan-memory: not planned: non-identity layout " << type;
  if (!alloc.getSymbolOperands().empty())
    return alloc.emitWarning()
           << "serenity-plan-memory: not planned: symbol operands";

  PlannedBuffer planned;
  planned.alloc = alloc;
  planned.lifetime.bytes =
      type.getNumElements() * layout.getTypeSize(type.getElementType());
  unsigned first = ~0u, last = 0;
  // The buffer and its views: every use of any of them extends the lifetime.
  SmallVector<Value> aliases{alloc.getResult()};
  while (!aliases.empty()) {
    Value value = aliases.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        if (dealloc->getBlock() != &body)
          return warnNotPlanned(alloc, dealloc, "freed inside a region");
        planned.deallocs.push_back(dealloc);
        continue;
      }
      if (isa<func::ReturnOp>(user))
        return warnNotPlanned(alloc, user,
                              "returned by the function (run "
                              "buffer-results-to-out-params first)");
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      bool isView = view && view.getViewSource() == value;
      if (!isView && (user->hasTrait<OpTrait::IsTerminator>() ||
                      llvm::any_of(user->getResultTypes(), isBufferLike)))
        return warnNotPlanned(alloc, user,
                              "'" + user->getName().getStringRef() +
                                  "' may alias it beyond what the pass can "
                                  "follow");
      if (isView)
        for (Value result : user->getResults())
          if (isa<BaseMemRefType>(result.getType()))
            aliases.push_back(result);
      unsigned at = position.lookup(body.findAncestorOpInBlock(*user));
      first = std::min(first, at);
      last = std::max(last, at);
    }
  }
  // Its contents are undefined before the first use: the alloc's own
  // position does not start the lifetime. Unused, it lives at the alloc.
  if (first == ~0u)
    first = last = position.lookup(alloc);
  planned.lifetime.firstStep = first;
  planned.lifetime.lastStep = last;
  return planned;
}

struct PlanMemoryPass
    : public serenity::impl::SerenityPlanMemoryBase<PlanMemoryPass> {
  using Base::Base;

  void runOnOperation() final;

private:
  LogicalResult planFunction(func::FuncOp func, const PlacementOptions &options,
                             ArenaKind kind, SymbolTable &symbols);
  /// The i8 arena at the top of `func`'s body.
  FailureOr<Value> createArena(func::FuncOp func, uint64_t bytes,
                               uint64_t alignment, ArenaKind kind,
                               SymbolTable &symbols);
};

} // namespace

std::optional<ArenaKind> serenity::parseArenaKind(StringRef name) {
  return llvm::StringSwitch<std::optional<ArenaKind>>(name)
      .Case("global", ArenaKind::Global)
      .Case("argument", ArenaKind::Argument)
      .Case("alloc", ArenaKind::Alloc)
      .Default(std::nullopt);
}

std::optional<std::string>
serenity::findInvalidArenaOption(StringRef algorithmOption, StringRef algorithm,
                                 StringRef arena, int64_t alignment) {
  std::string message;
  llvm::raw_string_ostream os(message);
  if (!parsePlacementAlgorithm(algorithm)) {
    os << "unknown " << algorithmOption << " '" << algorithm << "'; expected ";
    ArrayRef<PlacementAlgorithm> all = allPlacementAlgorithms();
    for (auto [index, name] : llvm::enumerate(all))
      os << (index == 0                ? ""
             : index + 1 == all.size() ? " or "
                                       : ", ")
         << stringifyPlacementAlgorithm(name);
    return message;
  }
  if (!parseArenaKind(arena))
    return ("unknown arena '" + arena + "'; expected global, argument or alloc")
        .str();
  if (alignment <= 0 || !llvm::isPowerOf2_64(alignment))
    return "alignment must be a power of two, got " + std::to_string(alignment);
  return std::nullopt;
}

FailureOr<Value> PlanMemoryPass::createArena(func::FuncOp func, uint64_t bytes,
                                             uint64_t alignment, ArenaKind kind,
                                             SymbolTable &symbols) {
  MLIRContext *context = func.getContext();
  auto arenaType = MemRefType::get({static_cast<int64_t>(bytes)},
                                   IntegerType::get(context, 8));
  Block &body = func.getBody().front();
  Location loc = func.getLoc();
  OpBuilder builder = OpBuilder::atBlockBegin(&body);
  auto alignmentAttr = builder.getI64IntegerAttr(alignment);
  switch (kind) {
  case ArenaKind::Global: {
    OpBuilder moduleBuilder = OpBuilder::atBlockBegin(getOperation().getBody());
    auto global = memref::GlobalOp::create(
        moduleBuilder, loc, ("__serenity_arena_" + func.getSymName()).str(),
        moduleBuilder.getStringAttr("private"), arenaType,
        moduleBuilder.getUnitAttr(), /*constant=*/false, alignmentAttr);
    symbols.insert(global);
    return memref::GetGlobalOp::create(builder, loc, arenaType,
                                       global.getSymName())
        .getResult();
  }
  case ArenaKind::Argument: {
    if (!SymbolTable::symbolKnownUseEmpty(func, getOperation()))
      return func.emitError()
             << "serenity-plan-memory: arena=argument changes the signature "
                "of a function that is called in this module";
    unsigned index = func.getNumArguments();
    if (failed(func.insertArgument(index, arenaType, {}, loc)))
      return failure();
    return func.getArgument(index);
  }
  case ArenaKind::Alloc: {
    Value arena =
        memref::AllocOp::create(builder, loc, arenaType, alignmentAttr);
    builder.setInsertionPoint(body.getTerminator());
    memref::DeallocOp::create(builder, loc, arena);
    return arena;
  }
  }
  llvm_unreachable("unknown arena kind");
}

LogicalResult PlanMemoryPass::planFunction(func::FuncOp func,
                                           const PlacementOptions &options,
                                           ArenaKind kind,
                                           SymbolTable &symbols) {
  if (func.isExternal())
    return success();
  if (!func.getBody().hasOneBlock()) {
    func.emitWarning() << "serenity-plan-memory: not planned: the body has "
                          "several blocks";
    return success();
  }
  Block &body = func.getBody().front();
  DenseMap<Operation *, unsigned> position;
  for (Operation &op : body)
    position.try_emplace(&op, position.size());

  DataLayout layout = DataLayout::closest(func);
  std::vector<PlannedBuffer> planned;
  func.walk([&](memref::AllocOp alloc) {
    if (alloc->getBlock() != &body) {
      alloc.emitWarning() << "serenity-plan-memory: not planned: allocated "
                             "inside a region";
      return;
    }
    FailureOr<PlannedBuffer> buffer =
        analyzeAllocation(alloc, body, position, layout);
    if (succeeded(buffer))
      planned.push_back(std::move(*buffer));
  });

  std::vector<BufferLifetime> lifetimes;
  for (const PlannedBuffer &buffer : planned)
    lifetimes.push_back(buffer.lifetime);
  Placement placement = placeBuffers(lifetimes, options);
  if (std::optional<std::string> problem =
          verifyPlacement(lifetimes, placement.offsets, placement.arenaBytes,
                          options.alignment))
    return func.emitError()
           << "serenity-plan-memory: internal error, the placement is "
              "invalid: "
           << *problem;
  LLVM_DEBUG(llvm::dbgs() << "[serenity-plan-memory] @" << func.getSymName()
                          << "\n"
                          << renderArenaMap(lifetimes, placement.offsets,
                                            placement.arenaBytes));

  if (!planned.empty()) {
    FailureOr<Value> arena = createArena(func, placement.arenaBytes,
                                         options.alignment, kind, symbols);
    if (failed(arena))
      return failure();
    for (auto [buffer, offset] : llvm::zip_equal(planned, placement.offsets)) {
      OpBuilder builder(buffer.alloc);
      Location loc = buffer.alloc.getLoc();
      Value byteShift = arith::ConstantIndexOp::create(builder, loc, offset);
      Value view = memref::ViewOp::create(builder, loc, buffer.alloc.getType(),
                                          *arena, byteShift, ValueRange());
      buffer.alloc.getResult().replaceAllUsesWith(view);
      for (memref::DeallocOp dealloc : buffer.deallocs)
        dealloc.erase();
      buffer.alloc.erase();
    }
  }

  auto report = ArenaReportAttr::get(func.getContext(), placement.arenaBytes,
                                     placement.liveBytesBound, planned.size(),
                                     options.alignment, options.algorithm,
                                     placement.producedBy, placement.status);
  func->setAttr(SerenityDialect::kArenaAttrName, report);
  // At the function's location only: the remark need not print the body.
  emitRemark(func.getLoc())
      << "serenity-plan-memory: arena of " << placement.arenaBytes
      << " bytes for " << planned.size() << " buffers, live-bytes bound "
      << placement.liveBytesBound << ", "
      << stringifyPlacementAlgorithm(options.algorithm) << " ("
      << stringifyScheduleStatus(placement.status) << ")";
  return success();
}

void PlanMemoryPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (std::optional<std::string> problem =
          findInvalidArenaOption("algorithm", algorithm, arena, alignment)) {
    module.emitError() << "serenity-plan-memory: " << *problem;
    return signalPassFailure();
  }
  if (timeLimitMs < 0) {
    module.emitError() << "serenity-plan-memory: time-limit-ms must not be "
                          "negative, got "
                       << static_cast<int64_t>(timeLimitMs);
    return signalPassFailure();
  }
  PlacementOptions options;
  options.algorithm = *parsePlacementAlgorithm(algorithm);
  options.alignment = alignment;
  options.timeLimitMs = timeLimitMs;
  ArenaKind kind = *parseArenaKind(arena);

  SymbolTable symbols(module);
  for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
    if (failed(planFunction(func, options, kind, symbols)))
      return signalPassFailure();
}
