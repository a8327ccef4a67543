//===- ArenaBuffers.cpp - Buffers of a bufferized body --------------------===//

#include "serenity/Analysis/ArenaBuffers.h"
#include "serenity/Analysis/LivenessReport.h"

#include "serenity/Dialect/Serenity/SerenityDialect.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace serenity;

namespace {

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
FailureOr<ArenaBuffer>
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

  ArenaBuffer planned;
  planned.alloc = alloc;
  planned.lifetime.bytes = getBufferBytes(type, layout);
  // The buffer and its views: each may be used only in ways the arena can
  // follow.
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
    }
  }
  // Its contents are undefined before the first use: the alloc's own
  // position does not start the lifetime. Unused, it lives at the alloc.
  std::pair<unsigned, unsigned> steps =
      findUseSteps(alloc.getResult(), body, position)
          .value_or(
              std::make_pair(position.lookup(alloc), position.lookup(alloc)));
  planned.lifetime.firstStep = steps.first;
  planned.lifetime.lastStep = steps.second;
  planned.allocStep = position.lookup(alloc);
  return planned;
}

} // namespace

std::optional<std::pair<unsigned, unsigned>>
serenity::findUseSteps(Value buffer, Block &body,
                       const DenseMap<Operation *, unsigned> &position) {
  unsigned first = ~0u, last = 0;
  SmallVector<Value> aliases{buffer};
  while (!aliases.empty()) {
    Value value = aliases.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (isa<memref::DeallocOp>(user))
        continue;
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      if (view && view.getViewSource() == value)
        for (Value result : user->getResults())
          if (isa<BaseMemRefType>(result.getType()))
            aliases.push_back(result);
      unsigned at = position.lookup(body.findAncestorOpInBlock(*user));
      first = std::min(first, at);
      last = std::max(last, at);
    }
  }
  if (first == ~0u)
    return std::nullopt;
  return std::make_pair(first, last);
}

BufferAccess serenity::getBufferAccess(Value buffer) {
  BufferAccess access;
  SmallVector<Value> aliases{buffer};
  while (!aliases.empty()) {
    Value value = aliases.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      auto view = dyn_cast<ViewLikeOpInterface>(user);
      if (view && view.getViewSource() == value) {
        for (Value result : user->getResults())
          if (isa<BaseMemRefType>(result.getType()))
            aliases.push_back(result);
        continue;
      }
      auto effects = dyn_cast<MemoryEffectOpInterface>(user);
      if (!effects) {
        // Effects unknown: it may do either.
        access.read = access.written = true;
        continue;
      }
      SmallVector<MemoryEffects::EffectInstance> instances;
      effects.getEffects(instances);
      for (const MemoryEffects::EffectInstance &instance : instances) {
        if (instance.getValue() && instance.getValue() != value)
          continue;
        access.read |= isa<MemoryEffects::Read>(instance.getEffect());
        access.written |= isa<MemoryEffects::Write>(instance.getEffect());
      }
    }
  }
  return access;
}

std::pair<unsigned, unsigned>
serenity::getInterfaceSteps(Value buffer, Block &body,
                            const DenseMap<Operation *, unsigned> &position) {
  BufferAccess access = getBufferAccess(buffer);
  unsigned lastStep = body.empty() ? 0 : position.lookup(&body.back());
  std::pair<unsigned, unsigned> steps =
      findUseSteps(buffer, body, position).value_or(std::make_pair(0u, 0u));
  if (access.read)
    steps.first = 0;
  if (access.written)
    steps.second = lastStep;
  return steps;
}

std::optional<ArenaView> serenity::getArenaView(Value value) {
  auto view = value.getDefiningOp<memref::ViewOp>();
  if (!view || !view.getType().hasStaticShape())
    return std::nullopt;
  auto global = view.getSource().getDefiningOp<memref::GetGlobalOp>();
  APInt offset;
  if (!global || !matchPattern(view.getByteShift(), m_ConstantInt(&offset)))
    return std::nullopt;
  return ArenaView{global.getName(), offset.getZExtValue(),
                   getBufferBytes(view.getType(), DataLayout::closest(view))};
}

uint64_t serenity::getBufferBytes(ShapedType type, const DataLayout &layout) {
  return type.getNumElements() * layout.getTypeSize(type.getElementType());
}

std::vector<BufferLifetime>
serenity::getLifetimes(llvm::ArrayRef<ArenaBuffer> buffers) {
  std::vector<BufferLifetime> lifetimes;
  for (const ArenaBuffer &buffer : buffers)
    lifetimes.push_back(buffer.lifetime);
  return lifetimes;
}

uint64_t serenity::computeLastUsePeak(llvm::ArrayRef<ArenaBuffer> buffers,
                                      uint64_t alignment) {
  std::vector<BufferLifetime> fromAlloc;
  for (const ArenaBuffer &buffer : buffers)
    fromAlloc.push_back({buffer.lifetime.bytes,
                         std::min(buffer.allocStep, buffer.lifetime.firstStep),
                         buffer.lifetime.lastStep});
  return computeLiveBytesBound(fromAlloc, alignment);
}

std::vector<ArenaBuffer> serenity::collectArenaBuffers(func::FuncOp func) {
  std::vector<ArenaBuffer> buffers;
  if (func.isExternal())
    return buffers;
  assert(func.getBody().hasOneBlock() && "a single-block body");
  Block &body = func.getBody().front();
  DenseMap<Operation *, unsigned> position;
  for (Operation &op : body)
    position.try_emplace(&op, position.size());

  DataLayout layout = DataLayout::closest(func);
  func.walk([&](memref::AllocOp alloc) {
    if (alloc->getBlock() != &body) {
      alloc.emitWarning() << "serenity-plan-memory: not planned: allocated "
                             "inside a region";
      return;
    }
    FailureOr<ArenaBuffer> buffer =
        analyzeAllocation(alloc, body, position, layout);
    if (succeeded(buffer))
      buffers.push_back(std::move(*buffer));
  });
  return buffers;
}

std::string serenity::shapeText(ShapedType type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (int64_t dim : type.getShape())
    os << dim << "x";
  os << type.getElementType();
  return text;
}

/// The buffers of the planned arena: every view of it, with its offset and
/// the steps that use it.
std::vector<ArenaSlot> serenity::collectArenaSlots(func::FuncOp func,
                                                   llvm::StringRef arenaSymbol,
                                                   unsigned &numSteps) {
  Block &body = func.getBody().front();
  DenseMap<Operation *, unsigned> position;
  for (Operation &op : body)
    position[&op] = position.size();
  numSteps = position.size();
  // The former arguments (io-in-arena) are the first views of the arena,
  // in order, where --serenity-plan-memory put them.
  auto ioOffsets =
      func->getAttrOfType<DenseI64ArrayAttr>(SerenityDialect::kArenaIOAttrName);
  std::vector<ArenaSlot> slots;
  func.walk([&](memref::ViewOp view) {
    std::optional<ArenaView> buffer = getArenaView(view.getResult());
    if (!buffer || buffer->global != arenaSymbol)
      return;
    ArenaSlot slot;
    slot.offset = buffer->offset;
    slot.bytes = buffer->bytes;
    slot.shape = shapeText(view.getType());
    slot.location = describeLocation(view.getLoc());
    if (ioOffsets && static_cast<int64_t>(slots.size()) < ioOffsets.size() &&
        ioOffsets[slots.size()] == static_cast<int64_t>(slot.offset) &&
        view->getBlock() == &body) {
      slot.argument = slots.size();
      std::tie(slot.first, slot.last) =
          getInterfaceSteps(view.getResult(), body, position);
    } else {
      std::optional<std::pair<unsigned, unsigned>> steps =
          findUseSteps(view.getResult(), body, position);
      slot.first = steps ? steps->first : position.lookup(view);
      slot.last = steps ? steps->second : slot.first;
    }
    slots.push_back(slot);
  });
  return slots;
}

std::string serenity::getArenaGlobalName(llvm::StringRef function) {
  return ("__serenity_arena_" + function).str();
}
