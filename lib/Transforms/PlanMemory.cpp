//===- PlanMemory.cpp - The --serenity-plan-memory pass -------------------===//
//
// Static memory planning after bufferization: the lifetimes come from the op
// order of the function body, the offsets from the dialect-free placement
// algorithms (serenity/Core/Placement.h), and every allocation becomes a view
// into one arena. A module pass, because `arena=global` adds a memref.global
// to the module.
//
//===----------------------------------------------------------------------===//

#include "serenity/Analysis/ArenaBuffers.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/IR/SymbolTable.h"
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

struct PlanMemoryPass
    : public serenity::impl::SerenityPlanMemoryBase<PlanMemoryPass> {
  /// Options checked with their choices and names first
  /// (initializeOptionsExplained).
  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    return initializeOptionsExplained(*this, sizeof(*this), options,
                                      errorHandler);
  }

  using Base::Base;

  /// Rejects an alignment that is no power of two before any IR is read.
  LogicalResult initialize(MLIRContext *context) final;
  void runOnOperation() final;

private:
  LogicalResult planFunction(func::FuncOp func, const PlacementOptions &options,
                             ArenaKind kind, SymbolTable &symbols);
  /// With io-in-arena, the memref arguments of `func` that go into the
  /// arena, their lifetimes appended to `lifetimes`; none for a function
  /// something calls (with a warning). An argument the arena cannot hold
  /// is an error.
  FailureOr<SmallVector<BlockArgument>>
  collectInterfaceBuffers(func::FuncOp func,
                          std::vector<BufferLifetime> &lifetimes);
  /// The i8 arena at the top of `func`'s body.
  FailureOr<Value> createArena(func::FuncOp func, uint64_t bytes,
                               uint64_t alignment, ArenaKind kind,
                               SymbolTable &symbols);
};

} // namespace

std::optional<std::string> serenity::checkArenaAlignment(uint64_t alignment) {
  if (alignment == 0 || !llvm::isPowerOf2_64(alignment))
    return "alignment must be a power of two, got " + std::to_string(alignment);
  return std::nullopt;
}

FailureOr<SmallVector<BlockArgument>> PlanMemoryPass::collectInterfaceBuffers(
    func::FuncOp func, std::vector<BufferLifetime> &lifetimes) {
  SmallVector<BlockArgument> arguments;
  if (!ioInArena || func.getNumArguments() == 0)
    return arguments;
  if (!SymbolTable::symbolKnownUseEmpty(func, getOperation())) {
    emitWarning(func.getLoc())
        << "serenity-plan-memory: io-in-arena: @" << func.getSymName()
        << " keeps its arguments: it is called in this module";
    return arguments;
  }
  Block &body = func.getBody().front();
  DenseMap<Operation *, unsigned> position;
  for (Operation &op : body)
    position.try_emplace(&op, position.size());
  DataLayout layout = DataLayout::closest(func);
  for (BlockArgument argument : func.getArguments()) {
    auto type = dyn_cast<MemRefType>(argument.getType());
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return emitError(argument.getLoc())
             << "serenity-plan-memory: io-in-arena: argument #"
             << argument.getArgNumber() << " of @" << func.getSymName()
             << " has type " << argument.getType()
             << "; the arena holds statically shaped memrefs of the identity "
                "layout";
    BufferLifetime lifetime;
    lifetime.bytes = getBufferBytes(type, layout);
    std::tie(lifetime.firstStep, lifetime.lastStep) =
        getInterfaceSteps(argument, body, position);
    lifetimes.push_back(lifetime);
    arguments.push_back(argument);
  }
  return arguments;
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
        moduleBuilder, loc, getArenaGlobalName(func.getSymName()),
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
    emitWarning(func.getLoc())
        << "serenity-plan-memory: not planned: the body has "
           "several blocks";
    return success();
  }
  std::vector<ArenaBuffer> planned = collectArenaBuffers(func);
  std::vector<BufferLifetime> lifetimes = getLifetimes(planned);
  FailureOr<SmallVector<BlockArgument>> interface =
      collectInterfaceBuffers(func, lifetimes);
  if (failed(interface))
    return failure();
  Placement placement = placeBuffers(lifetimes, options);
  // The allocations' offsets, then the arguments' (io-in-arena).
  ArrayRef<uint64_t> allocOffsets =
      ArrayRef(placement.offsets).take_front(planned.size());
  ArrayRef<uint64_t> interfaceOffsets =
      ArrayRef(placement.offsets).drop_front(planned.size());
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

  if (!lifetimes.empty()) {
    FailureOr<Value> arena = createArena(func, placement.arenaBytes,
                                         options.alignment, kind, symbols);
    if (failed(arena))
      return failure();
    // The arguments first, in order: the views right after the arena's
    // (collectArenaSlots finds them there).
    OpBuilder builder(func.getContext());
    builder.setInsertionPointAfterValue(*arena);
    for (auto [argument, offset] :
         llvm::zip_equal(*interface, interfaceOffsets)) {
      Location loc = argument.getLoc();
      Value byteShift = arith::ConstantIndexOp::create(builder, loc, offset);
      Value view = memref::ViewOp::create(builder, loc, argument.getType(),
                                          *arena, byteShift, ValueRange());
      argument.replaceAllUsesWith(view);
    }
    if (!interface->empty()) {
      llvm::BitVector all(func.getNumArguments(), true);
      if (failed(func.eraseArguments(all)))
        return failure();
      SmallVector<int64_t> offsets(interfaceOffsets.begin(),
                                   interfaceOffsets.end());
      func->setAttr(SerenityDialect::kArenaIOAttrName,
                    DenseI64ArrayAttr::get(func.getContext(), offsets));
    }
    for (auto [buffer, offset] : llvm::zip_equal(planned, allocOffsets)) {
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
                                     placement.liveBytesBound, lifetimes.size(),
                                     options.alignment, options.algorithm,
                                     placement.producedBy, placement.status);
  func->setAttr(SerenityDialect::kArenaAttrName, report);
  // At the function's location only: the remark need not print the body.
  InFlightDiagnostic remark = emitRemark(func.getLoc());
  remark << "serenity-plan-memory: arena of " << placement.arenaBytes
         << " bytes for " << lifetimes.size() << " buffers";
  if (!interface->empty()) {
    remark << " (" << interface->size()
           << " of them the arguments, at offsets ";
    llvm::interleaveComma(interfaceOffsets, remark);
    remark << ")";
  }
  remark << ", live-bytes bound " << placement.liveBytesBound << ", "
         << stringifyPlacementAlgorithm(options.algorithm) << " ("
         << stringifyScheduleStatus(placement.status)
         << "); a heap that allocates each buffer where its alloc stands (tile "
            "buffers hoisted out of their loops too) and frees it after its "
            "last use would peak at "
         << computeLastUsePeak(planned, options.alignment) << " bytes";
  return success();
}

LogicalResult PlanMemoryPass::initialize(MLIRContext *context) {
  if (std::optional<std::string> problem = checkArenaAlignment(alignment))
    return emitError(UnknownLoc::get(context))
           << "serenity-plan-memory: " << *problem;
  if (ioInArena && arena != ArenaKind::Global)
    return emitError(UnknownLoc::get(context))
           << "serenity-plan-memory: io-in-arena needs arena=global (the "
              "caller reaches the inputs and outputs through the arena's "
              "symbol), got arena="
           << stringifyEnum(arena.getValue());
  return success();
}

void PlanMemoryPass::runOnOperation() {
  ModuleOp module = getOperation();
  PlacementOptions options;
  options.algorithm = algorithm;
  options.alignment = alignment;
  options.timeLimitMs = timeLimitMs;
  ArenaKind kind = arena;

  SymbolTable symbols(module);
  for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
    if (failed(planFunction(func, options, kind, symbols)))
      return signalPassFailure();
}
