//===- OutlineKernels.cpp - The --serenity-outline-kernels pass -----------===//
//
// One function per Linalg op of a bufferized body, so that LLVM compiles
// many small functions instead of one whose size its passes scale badly
// with.
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "serenity/Analysis/ArenaBuffers.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace serenity {
#define GEN_PASS_DEF_SERENITYOUTLINEKERNELS
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

/// Ops a kernel recomputes instead of taking their results as arguments:
/// views (but the arena's buffers themselves) and constants. All are pure.
/// Globals (the weights) are passed, so that ops that differ only in their
/// weights share one kernel.
bool isClonedIntoKernel(Operation *op) {
  if (op->getNumResults() == 1 && getArenaView(op->getResult(0)))
    return false;
  return isa<ViewLikeOpInterface, arith::ConstantOp>(op);
}

/// The global `value` is the whole of, if it is a `memref.get_global`.
std::optional<StringRef> globalName(Value value) {
  if (getArenaView(value))
    return std::nullopt;
  if (auto global = value.getDefiningOp<memref::GetGlobalOp>())
    return global.getName();
  return std::nullopt;
}

/// Whether the memref `a` provably shares no byte with `b`: distinct
/// buffers of one arena, distinct globals, or two of: a buffer of the arena,
/// a global, an argument of the function (the caller's buffers are its own
/// and distinct from each other).
bool provablyDisjoint(Value a, Value b) {
  std::optional<ArenaView> first = getArenaView(a);
  std::optional<ArenaView> second = getArenaView(b);
  if (first && second)
    return first->global == second->global &&
           (first->end() <= second->offset || second->end() <= first->offset);
  std::optional<StringRef> aGlobal = globalName(a), bGlobal = globalName(b);
  if (aGlobal && bGlobal)
    return *aGlobal != *bGlobal;
  // A whole global and a buffer of an arena: disjoint unless it is that arena.
  if (aGlobal && second)
    return *aGlobal != second->global;
  if (bGlobal && first)
    return *bGlobal != first->global;
  bool aIsArgument = isa<BlockArgument>(a), bIsArgument = isa<BlockArgument>(b);
  if (aIsArgument && bIsArgument)
    return a != b;
  bool aKnown = first || aGlobal || aIsArgument;
  bool bKnown = second || bGlobal || bIsArgument;
  return aKnown && bKnown;
}

/// An argument a bare-metal calling convention passes as it is.
bool isPlainArgument(Value value) {
  if (auto memref = dyn_cast<MemRefType>(value.getType()))
    return memref.hasStaticShape() && memref.getLayout().isIdentity();
  return value.getType().isIntOrIndexOrFloat();
}

/// What `op` needs from the body around it: the ops to clone (in body
/// order) and the values to pass; none if some value cannot be passed.
std::optional<std::pair<SmallVector<Operation *>, SmallVector<Value>>>
collectClosure(Operation *op) {
  Block *body = op->getBlock();
  llvm::SetVector<Operation *> cloned;
  llvm::SetVector<Value> arguments;
  SmallVector<Value> worklist(op->getOperands());
  // And the values its regions use from above.
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(op->getRegions(), captured);
  llvm::append_range(worklist, captured);
  // First come, first passed: the arguments follow the op's operands.
  for (unsigned next = 0; next < worklist.size(); ++next) {
    Value value = worklist[next];
    Operation *producer = value.getDefiningOp();
    if (producer && producer->getBlock() == body &&
        isClonedIntoKernel(producer)) {
      if (cloned.insert(producer))
        llvm::append_range(worklist, producer->getOperands());
      continue;
    }
    if (!isPlainArgument(value))
      return std::nullopt;
    arguments.insert(value);
  }
  SmallVector<Operation *> ordered(cloned.begin(), cloned.end());
  llvm::sort(ordered,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return std::make_pair(std::move(ordered), arguments.takeVector());
}

/// A hash of what makes two kernels interchangeable: their signature (with
/// the `noalias` marks) and their ops, without locations or value identity.
llvm::hash_code hashKernel(func::FuncOp kernel) {
  llvm::hash_code hash =
      llvm::hash_combine(kernel.getFunctionType(), kernel.getArgAttrsAttr());
  kernel.getBody().walk([&](Operation *op) {
    hash =
        llvm::hash_combine(hash, OperationEquivalence::computeHash(
                                     op, OperationEquivalence::ignoreHashValue,
                                     OperationEquivalence::ignoreHashValue,
                                     OperationEquivalence::IgnoreLocations));
  });
  return hash;
}

bool areKernelsInterchangeable(func::FuncOp a, func::FuncOp b) {
  return a.getFunctionType() == b.getFunctionType() &&
         a.getArgAttrsAttr() == b.getArgAttrsAttr() &&
         OperationEquivalence::isRegionEquivalentTo(
             &a.getBody(), &b.getBody(), OperationEquivalence::IgnoreLocations);
}

struct OutlineKernelsPass
    : public serenity::impl::SerenityOutlineKernelsBase<OutlineKernelsPass> {
  using Base::Base;

  /// The kernels made so far, by hashKernel: an op that needs the same
  /// kernel as an earlier one (the same shapes and computation, other
  /// buffers or weights) calls that one, so the back end compiles it once.
  llvm::DenseMap<llvm::hash_code, SmallVector<func::FuncOp, 1>> kernelsByHash;

  void runOnOperation() final {
    ModuleOp module = getOperation();
    kernelsByHash.clear();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> functions;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && !func.isPrivate() &&
          func.getBody().hasOneBlock())
        functions.push_back(func);
    for (func::FuncOp func : functions) {
      unsigned index = 0;
      SmallVector<Operation *> kernels;
      // Linalg ops, and the loops that compute an op tile by tile (int8
      // requantization fused with its producer).
      for (Operation &op : func.getBody().front())
        if (isa<linalg::LinalgOp, scf::ForOp>(op))
          kernels.push_back(&op);
      for (Operation *op : kernels)
        outline(func, op, index, symbols);
    }
  }

  /// Calls a kernel in place of `op`; `index` numbers the new kernels.
  void outline(func::FuncOp func, Operation *op, unsigned &index,
               SymbolTable &symbols) {
    std::optional<std::pair<SmallVector<Operation *>, SmallVector<Value>>>
        closure = collectClosure(op);
    if (!closure)
      return;
    auto &[cloned, arguments] = *closure;
    OpBuilder builder(func);
    SmallVector<Type> types;
    SmallVector<Location> locations;
    for (Value argument : arguments) {
      types.push_back(argument.getType());
      locations.push_back(argument.getLoc());
    }
    auto kernel = func::FuncOp::create(
        builder, op->getLoc(),
        (func.getSymName() + "_kernel" + Twine(index)).str(),
        builder.getFunctionType(types, {}));
    kernel.setPrivate();
    symbols.insert(kernel);
    // A buffer that overlaps no other is `noalias`: LLVM then optimizes a
    // kernel the same wherever the plan put its buffers.
    for (auto [position, argument] : llvm::enumerate(arguments)) {
      if (!isa<MemRefType>(argument.getType()))
        continue;
      bool alone = llvm::all_of(arguments, [&](Value other) {
        return other == argument || !isa<MemRefType>(other.getType()) ||
               provablyDisjoint(argument, other);
      });
      if (alone)
        kernel.setArgAttr(position, "llvm.noalias", builder.getUnitAttr());
    }
    Block *entry = kernel.addEntryBlock();
    IRMapping mapping;
    mapping.map(arguments, entry->getArguments());
    builder.setInsertionPointToStart(entry);
    for (Operation *producer : cloned)
      builder.clone(*producer, mapping);
    builder.clone(*op, mapping);
    func::ReturnOp::create(builder, op->getLoc());

    SmallVector<func::FuncOp, 1> &sameHash = kernelsByHash[hashKernel(kernel)];
    auto *existing = llvm::find_if(sameHash, [&](func::FuncOp other) {
      return areKernelsInterchangeable(kernel, other);
    });
    if (existing != sameHash.end()) {
      symbols.erase(kernel);
      kernel = *existing;
    } else {
      sameHash.push_back(kernel);
      ++index;
    }

    builder.setInsertionPoint(op);
    func::CallOp::create(builder, op->getLoc(), kernel, arguments);
    op->erase();
    // Views only the kernel used are dead now.
    for (Operation *producer : llvm::reverse(cloned))
      if (producer->use_empty())
        producer->erase();
  }
};

} // namespace
