//===- TileSpatial.cpp - The --serenity-tile-spatial pass -----------------===//
//
// Patch-based inference (MCUNetV2, StreamNet): groups of consecutive ops
// compute their outputs in bands of rows, so that their large maps never
// exist whole. Each band of an op holds the rows that its consumers in the
// group need (halos included); the halos are either recomputed by every
// patch that needs them (MCUNetV2) or copied into a small cache that the
// next patch reads (StreamNet). The values that leave the group are
// assembled whole.
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "serenity/Analysis/ArenaBuffers.h"
#include "serenity/Analysis/ComputeCost.h"
#include "serenity/Analysis/FunctionGraph.h"
#include "serenity/Analysis/RowAccess.h"
#include "serenity/Core/MemoryModel.h"
#include "serenity/Transforms/PassOptions.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Threading.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/FormatVariadic.h"

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

Value sliceRows(OpBuilder &builder, Location loc, Value value, RowRange rows);

/// What planning looks up about the ops of the body again and again: how
/// each reads rows, and its MACs. Filled as asked.
class OpFacts {
public:
  const std::optional<RowAccess> &access(Operation *op) {
    auto [it, inserted] = accesses.try_emplace(op);
    if (inserted)
      it->second = RowAccess::of(op);
    return it->second;
  }
  uint64_t macs(Operation *op) {
    auto [it, inserted] = macCounts.try_emplace(op, 0);
    if (inserted)
      it->second = countMacs(op);
    return it->second;
  }

private:
  llvm::DenseMap<Operation *, std::optional<RowAccess>> accesses;
  llvm::DenseMap<Operation *, uint64_t> macCounts;
};

/// Rewrites the group `ops` (consecutive ops of a function body, in order,
/// constants aside) into `patches` bands, emitted patch after patch where
/// the group's last op stood. With `cacheHalos`, a patch copies the rows it
/// shares with the next one (the halo) into a buffer of their own, and the
/// next patch computes only the rows no patch computed before.
class PatchBuilder {
public:
  /// `facts`: the ops' facts, if known (planning asks for them again and
  /// again).
  PatchBuilder(ArrayRef<Operation *> ops, unsigned patches,
               bool cacheHalos = false, OpFacts *facts = nullptr);

  /// The MACs of the group's ops once in patches (with halos recomputed or
  /// cached), and without patches.
  std::pair<uint64_t, uint64_t> countGroupMacs() const;

  LogicalResult run();

  /// The fewest rows of a value that leaves the group (0 if none does): a
  /// group whose exit has fewer rows than patches is not tiled at all.
  int64_t fewestExitRows() const {
    int64_t fewest = 0;
    for (Value exit : exits)
      fewest = fewest ? std::min(fewest, rowsOf(exit)) : rowsOf(exit);
    return fewest;
  }

private:
  /// What a value of the group has in one patch: its band (the rows the
  /// exits assemble and the group's consumers read, halos included), the
  /// rows of the band taken from the cached halo of an earlier patch (a
  /// prefix of the band; none when halos are recomputed), and the rows the
  /// patch computes (the rest).
  struct BandPlan {
    RowRange band, cached, computed;
  };
  using PatchPlan = llvm::DenseMap<Value, BandPlan>;

  /// Rows of `value` (an exit of the group) that patch `patch` assembles.
  RowRange partition(Value value, unsigned patch) const {
    int64_t rows = rowsOf(value);
    return {rows * patch / patches, rows * (patch + 1) / patches};
  }
  /// Every patch's plan, in order (a cached halo is what the previous band
  /// of the value holds of the next one).
  SmallVector<PatchPlan> planPatches() const;
  Value buildBand(OpBuilder &builder, Operation *op, RowRange rows);
  /// Makes the ops that compute `part` (an exit's share of its rows in this
  /// patch) write into rows `rows` of `whole`, where it goes, instead of a
  /// buffer of their own: the `tensor.empty` their destinations start from
  /// becomes that slice of `whole`. Returns `part`, replaced if it was that
  /// `tensor.empty` itself. `wholeOps` (in order) make `whole`: they move
  /// before that `tensor.empty` if they come after it.
  Value computeInto(OpBuilder &builder, Value part, Value whole, RowRange rows,
                    ArrayRef<Operation *> wholeOps = {});
  /// `value`'s rows `rows` of the current patch, from its band.
  Value sliceOfBand(OpBuilder &builder, Location loc, Value value,
                    RowRange rows);
  /// Copies rows `rows` of `value`'s band into a halo of their own, which
  /// a later patch reads.
  void saveHalo(OpBuilder &builder, Value value, RowRange rows);

  llvm::SetVector<Operation *> ops;
  unsigned patches;
  bool cacheHalos;
  OpFacts ownFacts;
  OpFacts &facts;
  /// The values that leave the group.
  SmallVector<Value> exits;
  /// Per value of the group, in the current patch: its band and rows.
  llvm::DenseMap<Value, std::pair<Value, RowRange>> bands;
  /// Per value of the group: its cached halo and its rows.
  llvm::DenseMap<Value, std::pair<Value, RowRange>> halos;
};

PatchBuilder::PatchBuilder(ArrayRef<Operation *> group, unsigned patches,
                           bool cacheHalos, OpFacts *facts)
    : ops(group.begin(), group.end()), patches(patches), cacheHalos(cacheHalos),
      facts(facts ? *facts : ownFacts) {
  if (ops.empty())
    return;
  Block *body = ops.back()->getBlock();
  for (Operation *op : ops)
    for (Value result : op->getResults())
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            return !ops.contains(body->findAncestorOpInBlock(*user));
          }))
        exits.push_back(result);
}

SmallVector<PatchBuilder::PatchPlan> PatchBuilder::planPatches() const {
  SmallVector<PatchPlan> plans;
  // Per value: its last band so far.
  llvm::DenseMap<Value, RowRange> lastBand;
  for (unsigned patch = 0; patch < patches; ++patch) {
    llvm::DenseMap<Value, RowRange> needed;
    for (Value exit : exits)
      needed[exit].unite(partition(exit, patch));
    PatchPlan plan;
    for (Operation *op : llvm::reverse(ops)) {
      Value result = op->getResult(0);
      BandPlan entry;
      entry.band = entry.computed = needed.lookup(result);
      if (entry.band.empty())
        continue;
      // The rows the last band holds of this one come from its halo (where
      // the last band starts no later than this one; otherwise they are
      // recomputed). The band keeps every row the last one has above its
      // start, so that the next halo has them too.
      RowRange last = lastBand.lookup(result);
      if (cacheHalos && !last.empty() && last.lo <= entry.band.lo &&
          last.hi > entry.band.lo) {
        entry.band.hi = std::max(entry.band.hi, last.hi);
        entry.cached = {entry.band.lo, last.hi};
        entry.computed = {last.hi, entry.band.hi};
      }
      plan[result] = entry;
      if (entry.computed.empty())
        continue;
      const RowAccess &access = *facts.access(op);
      for (OpOperand &operand : op->getOpOperands()) {
        if (!ops.contains(operand.get().getDefiningOp()))
          continue;
        std::optional<RowRange> operandRows =
            access.operandRows(operand.getOperandNumber(), entry.computed);
        // A group value read whole: every row of it.
        needed[operand.get()].unite(
            operandRows ? *operandRows : RowRange{0, rowsOf(operand.get())});
      }
    }
    for (auto &[value, entry] : plan)
      lastBand[value] = entry.band;
    plans.push_back(std::move(plan));
  }
  return plans;
}

std::pair<uint64_t, uint64_t> PatchBuilder::countGroupMacs() const {
  // A Linalg op's MACs are proportional to its rows.
  llvm::DenseMap<Operation *, int64_t> rowsComputed;
  for (const PatchPlan &plan : planPatches())
    for (auto &[value, entry] : plan)
      rowsComputed[value.getDefiningOp()] += entry.computed.size();
  uint64_t tiled = 0, whole = 0;
  for (Operation *op : ops) {
    uint64_t macs = facts.macs(op);
    whole += macs;
    tiled += macs / rowsOf(op->getResult(0)) * rowsComputed.lookup(op);
  }
  return {tiled, whole};
}

Value PatchBuilder::computeInto(OpBuilder &builder, Value part, Value whole,
                                RowRange rows, ArrayRef<Operation *> wholeOps) {
  // Down the destinations, through values nothing else reads.
  Value value = part;
  while (value.hasOneUse() || value == part) {
    Operation *producer = value.getDefiningOp();
    if (!producer)
      return part;
    if (auto empty = dyn_cast<tensor::EmptyOp>(producer)) {
      if (empty.getType() != part.getType())
        return part;
      for (Operation *op : wholeOps)
        if (empty->isBeforeInBlock(op))
          op->moveBefore(empty);
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(empty);
      Value slice = sliceRows(builder, empty.getLoc(), whole, rows);
      empty.getResult().replaceAllUsesWith(slice);
      empty->erase();
      return value == part ? slice : part;
    }
    auto destination = dyn_cast<DestinationStyleOpInterface>(producer);
    if (!destination || destination.getNumDpsInits() != 1)
      return part;
    value = destination.getDpsInitOperand(0)->get();
  }
  return part;
}

Value PatchBuilder::sliceOfBand(OpBuilder &builder, Location loc, Value value,
                                RowRange rows) {
  auto [band, bandRows] = bands.lookup(value);
  if (!band || rows.lo < bandRows.lo || rows.hi > bandRows.hi)
    return nullptr;
  return sliceRows(builder, loc, band,
                   {rows.lo - bandRows.lo, rows.hi - bandRows.lo});
}

/// The offsets, sizes and strides of rows `rows` of a tensor of `type`, all
/// of its other dimensions.
struct RowSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  RowSlice(Builder &builder, RankedTensorType type, RowRange rows)
      : offsets(type.getRank(), builder.getIndexAttr(0)),
        strides(type.getRank(), builder.getIndexAttr(1)) {
    for (int64_t size : type.getShape())
      sizes.push_back(builder.getIndexAttr(size));
    offsets[kRowDim] = builder.getIndexAttr(rows.lo);
    sizes[kRowDim] = builder.getIndexAttr(rows.size());
  }
};

/// Rows `rows` of `value`, all of its other dimensions.
Value sliceRows(OpBuilder &builder, Location loc, Value value, RowRange rows) {
  auto type = cast<RankedTensorType>(value.getType());
  if (rows.lo == 0 && rows.hi == type.getDimSize(kRowDim))
    return value;
  RowSlice slice(builder, type, rows);
  return tensor::ExtractSliceOp::create(builder, loc, value, slice.offsets,
                                        slice.sizes, slice.strides);
}

/// Drops `slice` if it takes all of its source (the tiled implementations
/// slice weights and whole bands as they are).
void foldIdentitySlice(tensor::ExtractSliceOp slice) {
  if (slice.getSourceType() != slice.getResultType() ||
      !llvm::all_of(slice.getStaticOffsets(),
                    [](int64_t offset) { return offset == 0; }) ||
      !slice.hasUnitStride())
    return;
  slice.getResult().replaceAllUsesWith(slice.getSource());
  slice->erase();
}

/// A type like `type` with `rows` rows.
RankedTensorType withRows(Type type, int64_t rows) {
  auto ranked = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(ranked.getShape());
  shape[kRowDim] = rows;
  return ranked.clone(shape);
}

Value PatchBuilder::buildBand(OpBuilder &builder, Operation *op,
                              RowRange rows) {
  Location loc = op->getLoc();
  Value result = op->getResult(0);
  const RowAccess *access = &*facts.access(op);
  // The band of operand `index`: rows of a group value (all of them if read
  // whole), or of another value, or the value itself.
  auto operandBand = [&](unsigned index) -> Value {
    Value operand = op->getOperand(index);
    std::optional<RowRange> needed = access->operandRows(index, rows);
    if (ops.contains(operand.getDefiningOp()))
      return sliceOfBand(builder, loc, operand,
                         needed ? *needed : RowRange{0, rowsOf(operand)});
    if (!needed)
      return operand;
    return sliceRows(builder, loc, operand, *needed);
  };
  if (isa<tensor::EmptyOp>(op))
    return tensor::EmptyOp::create(
        builder, loc, withRows(result.getType(), rows.size()), ValueRange());
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    // Rows of padding alone (the last rows, once the earlier patches
    // computed the rest).
    if (access->operandRows(0, rows)->empty()) {
      Value padding = pad.getConstantPaddingValue();
      if (!padding)
        return nullptr;
      Value band = tensor::EmptyOp::create(
          builder, loc, withRows(result.getType(), rows.size()), ValueRange());
      return linalg::FillOp::create(builder, loc, padding, band).getResult(0);
    }
    Value source = operandBand(0);
    if (!source)
      return nullptr;
    SmallVector<int64_t> low(pad.getStaticLow()), high(pad.getStaticHigh());
    int64_t padLow = low[kRowDim];
    int64_t sourceRowCount = rowsOf(pad.getSource());
    low[kRowDim] = std::max<int64_t>(padLow - rows.lo, 0);
    high[kRowDim] = std::max<int64_t>(rows.hi - (padLow + sourceRowCount), 0);
    auto band = tensor::PadOp::create(
        builder, loc, withRows(result.getType(), rows.size()), source, low,
        high, ValueRange(), ValueRange(), pad.getNofold());
    IRMapping mapping;
    pad.getRegion().cloneInto(&band.getRegion(), mapping);
    return band;
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    Value source = operandBand(0);
    if (!source)
      return nullptr;
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    offsets[kRowDim] = builder.getIndexAttr(0);
    sizes[kRowDim] = builder.getIndexAttr(rows.size());
    return tensor::ExtractSliceOp::create(builder, loc, source, offsets, sizes,
                                          slice.getMixedStrides());
  }
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
    Value source = operandBand(0), dest = operandBand(1);
    if (!source || !dest)
      return nullptr;
    SmallVector<OpFoldResult> sizes = insert.getMixedSizes();
    sizes[kRowDim] = builder.getIndexAttr(rows.size());
    return tensor::InsertSliceOp::create(builder, loc, source, dest,
                                         insert.getMixedOffsets(), sizes,
                                         insert.getMixedStrides());
  }
  // A reshape that keeps the rows: the same on the band.
  auto reshapeBand = [&](auto reshape) -> Value {
    Value source = operandBand(0);
    if (!source)
      return nullptr;
    return decltype(reshape)::create(builder, loc,
                                     withRows(result.getType(), rows.size()),
                                     source, reshape.getReassociationIndices());
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    return reshapeBand(collapse);
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return reshapeBand(expand);

  // A Linalg op that the operands' bands make its band: a clone on them.
  if (access->isBandedByClone()) {
    SmallVector<Value> operandBands;
    for (unsigned index = 0, e = op->getNumOperands(); index < e; ++index) {
      operandBands.push_back(operandBand(index));
      if (!operandBands.back())
        return nullptr;
    }
    Operation *band = builder.clone(*op);
    band->setOperands(operandBands);
    band->getResult(0).setType(withRows(result.getType(), rows.size()));
    return band->getResult(0);
  }
  // Otherwise its tiled implementation on the band's loop range reads
  // slices of the full operands; those of group values read the bands.
  auto tileable = cast<TilingInterface>(op);
  SmallVector<OpFoldResult> offsets, sizes;
  for (auto [loop, size] : llvm::enumerate(access->getLoopSizes())) {
    bool isRow = loop == access->getRowLoop();
    offsets.push_back(builder.getIndexAttr(isRow ? rows.lo : 0));
    sizes.push_back(builder.getIndexAttr(isRow ? rows.size() : size));
  }
  FailureOr<TilingResult> tiled =
      tileable.getTiledImplementation(builder, offsets, sizes);
  if (failed(tiled) || tiled->tiledValues.size() != 1)
    return nullptr;
  for (Operation *generated : tiled->generatedSlices) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(generated);
    if (!slice)
      return nullptr;
    if (!ops.contains(slice.getSource().getDefiningOp())) {
      foldIdentitySlice(slice);
      continue;
    }
    if (!slice.hasUnitStride() ||
        ShapedType::isDynamic(slice.getStaticOffsets()[kRowDim]) ||
        ShapedType::isDynamic(slice.getStaticSizes()[kRowDim]))
      return nullptr;
    int64_t lo = slice.getStaticOffsets()[kRowDim];
    RowRange wanted{lo, lo + slice.getStaticSizes()[kRowDim]};
    auto [band, bandRows] = bands.lookup(slice.getSource());
    if (!band || wanted.lo < bandRows.lo || wanted.hi > bandRows.hi)
      return nullptr;
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(slice);
    SmallVector<OpFoldResult> sliceOffsets = slice.getMixedOffsets();
    sliceOffsets[kRowDim] = builder.getIndexAttr(wanted.lo - bandRows.lo);
    Value fromBand = tensor::ExtractSliceOp::create(
        builder, slice.getLoc(), slice.getType(), band, sliceOffsets,
        slice.getMixedSizes(), slice.getMixedStrides());
    slice.getResult().replaceAllUsesWith(fromBand);
    slice->erase();
    if (auto bandSlice = fromBand.getDefiningOp<tensor::ExtractSliceOp>())
      foldIdentitySlice(bandSlice);
  }
  return tiled->tiledValues.front();
}

void PatchBuilder::saveHalo(OpBuilder &builder, Value value, RowRange rows) {
  Location loc = value.getLoc();
  // A copy, not a view: the band is free once the patch is done with it.
  Value rowsOfBand = sliceOfBand(builder, loc, value, rows);
  Type type = rowsOfBand.getType();
  Value halo = tensor::EmptyOp::create(builder, loc, type, ValueRange());
  halos[value] = {
      linalg::CopyOp::create(builder, loc, type, rowsOfBand, halo).getResult(0),
      rows};
}

LogicalResult PatchBuilder::run() {
  if (exits.empty())
    return failure();
  Operation *last = ops.back();
  Block *body = last->getBlock();
  OpBuilder builder(last->getContext());
  builder.setInsertionPointAfter(last);
  SmallVector<Value> assembled;
  for (Value exit : exits)
    assembled.push_back(tensor::EmptyOp::create(builder, exit.getLoc(),
                                                exit.getType(), ValueRange()));
  SmallVector<Value> emptyAssembled = assembled;
  SmallVector<PatchPlan> plans = planPatches();
  // Per patch and value: the rows of its band a later patch reads from the
  // halo (the cached rows of the value's next band).
  SmallVector<llvm::DenseMap<Value, RowRange>> haloRows(patches);
  {
    llvm::DenseMap<Value, unsigned> lastPatch;
    for (unsigned patch = 0; patch < patches; ++patch)
      for (auto &[value, entry] : plans[patch]) {
        auto it = lastPatch.find(value);
        if (!entry.cached.empty() && it != lastPatch.end())
          haloRows[it->second][value] = entry.cached;
        lastPatch[value] = patch;
      }
  }
  for (unsigned patch = 0; patch < patches; ++patch) {
    const PatchPlan &plan = plans[patch];
    const llvm::DenseMap<Value, RowRange> &toSave = haloRows[patch];
    // A halo is saved once its band's last reader in the patch is built.
    llvm::DenseMap<Operation *, SmallVector<Value>> savedAfter;
    {
      llvm::DenseMap<Value, Operation *> lastReader;
      for (Operation *op : ops) {
        lastReader.try_emplace(op->getResult(0), op);
        auto it = plan.find(op->getResult(0));
        if (it == plan.end() || it->second.computed.empty())
          continue;
        for (Value operand : op->getOperands())
          if (toSave.count(operand))
            lastReader[operand] = op;
      }
      for (auto [value, rows] : toSave)
        if (!llvm::is_contained(exits, value))
          savedAfter[lastReader.lookup(value)].push_back(value);
    }
    bands.clear();
    for (Operation *op : ops) {
      Value result = op->getResult(0);
      auto it = plan.find(result);
      if (it == plan.end())
        continue;
      const BandPlan &entry = it->second;
      auto cannotCompute = [&] {
        return op->emitOpError("serenity-tile-spatial: cannot compute rows ")
               << entry.computed.lo << " to " << entry.computed.hi
               << " of this op alone";
      };
      Value band;
      if (entry.cached.empty()) {
        band = buildBand(builder, op, entry.computed);
      } else {
        // The cached rows first, then the new ones computed in place.
        auto [halo, haloRange] = halos.lookup(result);
        if (!halo || entry.cached.lo < haloRange.lo ||
            entry.cached.hi > haloRange.hi)
          return op->emitOpError("serenity-tile-spatial: no halo holds rows ")
                 << entry.cached.lo << " to " << entry.cached.hi;
        Location loc = op->getLoc();
        // The ops that make the band with its cached rows.
        SmallVector<Operation *> bandOps;
        band = tensor::EmptyOp::create(
            builder, loc, withRows(result.getType(), entry.band.size()),
            ValueRange());
        bandOps.push_back(band.getDefiningOp());
        Value cached = sliceRows(
            builder, loc, halo,
            {entry.cached.lo - haloRange.lo, entry.cached.hi - haloRange.lo});
        if (cached != halo)
          bandOps.push_back(cached.getDefiningOp());
        RowSlice cachedSlice(builder, cast<RankedTensorType>(band.getType()),
                             {0, entry.cached.size()});
        band = tensor::InsertSliceOp::create(
            builder, loc, cached, band, cachedSlice.offsets, cachedSlice.sizes,
            cachedSlice.strides);
        bandOps.push_back(band.getDefiningOp());
        if (!entry.computed.empty()) {
          Value part = buildBand(builder, op, entry.computed);
          if (!part)
            return cannotCompute();
          RowRange computedInBand{entry.computed.lo - entry.band.lo,
                                  entry.computed.hi - entry.band.lo};
          part = computeInto(builder, part, band, computedInBand, bandOps);
          RowSlice slice(builder, cast<RankedTensorType>(band.getType()),
                         computedInBand);
          band = tensor::InsertSliceOp::create(builder, loc, part, band,
                                               slice.offsets, slice.sizes,
                                               slice.strides);
        }
      }
      if (!band)
        return cannotCompute();
      bands[result] = {band, entry.band};
      for (Value value : savedAfter.lookup(op))
        saveHalo(builder, value, toSave.lookup(value));
    }
    for (auto [exit, whole] : llvm::zip(exits, assembled)) {
      RowRange rows = partition(exit, patch);
      if (rows.empty())
        continue;
      Value part = sliceOfBand(builder, exit.getLoc(), exit, rows);
      if (!part) {
        return exit.getDefiningOp()->emitOpError(
            "serenity-tile-spatial: no band holds the rows this patch "
            "assembles");
      }
      part = computeInto(builder, part, whole, rows);
      RowSlice slice(builder, cast<RankedTensorType>(exit.getType()), rows);
      whole = tensor::InsertSliceOp::create(builder, exit.getLoc(), part, whole,
                                            slice.offsets, slice.sizes,
                                            slice.strides);
    }
    for (Value exit : exits)
      if (toSave.count(exit))
        saveHalo(builder, exit, toSave.lookup(exit));
  }
  for (auto [exit, whole] : llvm::zip(exits, assembled))
    exit.replaceUsesWithIf(whole, [&](OpOperand &use) {
      return !ops.contains(body->findAncestorOpInBlock(*use.getOwner()));
    });
  // Each assembled tensor where the patches first write it: its buffer is
  // live from there (the memory model allocates it at the tensor.empty).
  for (Value empty : emptyAssembled) {
    Operation *first = nullptr;
    for (Operation *user : empty.getUsers())
      if (!first || user->isBeforeInBlock(first))
        first = user;
    if (first)
      empty.getDefiningOp()->moveBefore(first);
  }
  for (Operation *op : llvm::reverse(ops))
    op->erase();
  return success();
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
                   unsigned groupOps, unsigned patches, uint64_t macsBefore,
                   uint64_t macsAfter) {
  Builder builder(func.getContext());
  auto entry = [&](StringRef name, uint64_t value) {
    return builder.getNamedAttr(name, builder.getI64IntegerAttr(value));
  };
  func->setAttr(
      SerenityDialect::kPatchesAttrName,
      builder.getDictionaryAttr(
          {entry("groups", groups), entry("cached_groups", cachedGroups),
           entry("group_ops", groupOps), entry("patches", patches),
           entry("macs_before", macsBefore), entry("macs_after", macsAfter)}));
}

/// The patch counts the pass tries.
constexpr unsigned kPatchCounts[] = {2, 3, 4, 6, 8, 12, 16};
/// The patch counts tried on groups around the peak (fewer: each is tiled
/// in a copy), and how many groups the pass makes at most.
constexpr unsigned kPeakPatchCounts[] = {2, 4, 8};
constexpr unsigned kMaxGroups = 3;
/// Groups around the peak start and end at one of the kPeakCuts cuts with
/// the fewest bytes across within kPeakWindow ops of it.
constexpr unsigned kPeakCuts = 2;
constexpr unsigned kPeakWindow = 400;

/// A group (`count` ops from `start` in groupableOps order) in `patches`
/// patches, and what it gives; `patches` 0: the function as it is.
struct Candidate {
  unsigned start = 0, count = 0, patches = 0;
  bool cacheHalos = false;
  uint64_t arenaBytes = 0, macs = 0;
  /// Where the memory model's live bytes peak in the tiled copy: the
  /// location of the op there (that of the op it was banded from).
  LocationAttr peakLoc;
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
                          candidate.patches, candidate.cacheHalos)
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
  if (candidate.patches > 0 &&
      failed(applyCandidate(groupableOps(copy.getBody().front()), candidate)))
    return failure();
  candidate.macs = countMacs(copy);
  if (fuseRequantize && failed(fuseRequantization(copy)))
    return failure();
  FailureOr<FunctionGraph> graph = FunctionGraph::build(copy);
  if (failed(graph))
    return failure();
  LivenessModel model(graph->getGraph(), MemoryModel::Bufferized);
  std::vector<NodeId> order = graph->getGraph().getProgramOrder();
  LivenessTrace trace = model.simulate(order);
  candidate.arenaBytes = trace.peak;
  if (trace.peakStep)
    candidate.peakLoc = graph->getOperation(order[*trace.peakStep])->getLoc();
  return candidate;
}

FailureOr<uint64_t> TileSpatialPass::measureBound(func::FuncOp func) {
  auto [scratch, copy] = copyIntoScratch(func);
  SilenceThisThread silence(func.getContext());
  if (fuseRequantize && failed(fuseRequantization(copy)))
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
  auto chooseHalos = [&](ArrayRef<Operation *> group, unsigned p,
                         uint64_t macsBefore,
                         double budget) -> std::optional<bool> {
    for (bool cache : {false, true}) {
      if (halos == (cache ? HaloMode::Recompute : HaloMode::Cache))
        continue;
      auto [tiled, whole] =
          PatchBuilder(group, p, cache, &facts).countGroupMacs();
      if (macsBefore + tiled - whole <= budget)
        return cache;
    }
    return std::nullopt;
  };

  if (!memoryAware) {
    unsigned count = groupOps ? groupOps.getValue() : prefix;
    ArrayRef<Operation *> group = ArrayRef(ops).take_front(count);
    uint64_t macsBefore = countMacs(func);
    bool cache = chooseHalos(group, patches, macsBefore,
                             macsBefore * (1.0 + maxExtraMacs / 100.0))
                     .value_or(halos == HaloMode::Cache);
    if (failed(PatchBuilder(group, patches, cache).run()))
      return signalPassFailure();
    recordPatches(func, 1, cache, count, patches, macsBefore, countMacs(func));
    return;
  }

  // Candidates are scored by the `bufferized` memory model, which is exact
  // on what the pass makes (docs/memory-model.md): the live-bytes bound of
  // the buffers bufferization makes. verify-arena bufferizes the function
  // as it is and as tiled, to check that.
  FailureOr<Candidate> original = estimate(func, Candidate());
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
  Candidate current = *original;
  unsigned groups = 0, cachedGroups = 0, totalOps = 0, mostPatches = 0;
  // The given patch count, or `defaults`.
  auto patchCounts = [&](ArrayRef<unsigned> defaults) {
    return patches ? SmallVector<unsigned>{patches.getValue()}
                   : SmallVector<unsigned>(defaults);
  };

  // Greedy: each round tiles the group that lowers the arena most, until
  // none does or the MAC budget is spent. The first round tries groups that
  // open the body (the stem); every round tries groups around the op that
  // holds the modeled peak.
  llvm::DenseSet<Operation *> tiledBefore;
  // The function before the first group, should verify-arena find that
  // the tiling does not bufferize below it.
  OwningOpRef<func::FuncOp> untiled;
  // What the first round found, for a remark that says why nothing was
  // tiled: how many candidates, the lowest arena among those within the MAC
  // budget and among all.
  size_t firstRoundCandidates = 0, firstRoundOverBudget = 0;
  std::optional<Candidate> firstRoundBest, firstRoundLowest;
  for (unsigned round = 0; round < kMaxGroups; ++round) {
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
      if (PatchBuilder(group, p, false, &facts).fewestExitRows() < p)
        return std::nullopt;
      std::optional<bool> cache = chooseHalos(group, p, current.macs, budget);
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
      auto banded = [&](unsigned end, unsigned count) {
        return PatchBuilder(ArrayRef(ops).take_front(end), count, false, &facts)
                   .fewestExitRows() >= count;
      };
      for (unsigned count : patchCounts(kPatchCounts)) {
        auto deepest = ends.begin();
        if (halos != HaloMode::Cache) {
          deepest =
              std::partition_point(ends.begin(), ends.end(), [&](unsigned end) {
                auto [tiled, whole] =
                    PatchBuilder(ArrayRef(ops).take_front(end), count, false,
                                 &facts)
                        .countGroupMacs();
                return current.macs + tiled - whole <= budget;
              });
          if (deepest == ends.begin())
            ++firstRoundOverBudget; // even the shallowest group
          else if (banded(*std::prev(deepest), count) &&
                   holdsPeak(0, *std::prev(deepest)))
            candidates.push_back({0, *std::prev(deepest), count});
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
            chooseHalos(ArrayRef(ops).take_front(*std::prev(cachedEnd)), count,
                        current.macs, budget) == true)
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
      for (unsigned start : starts)
        for (unsigned end : ends)
          for (unsigned count : patchCounts(kPeakPatchCounts))
            if (round > 0 || start > 0)
              if (std::optional<bool> cache = fits(start, end - start, count))
                candidates.push_back({start, end - start, count, *cache});
    }

    // Each candidate is tiled in a copy of its own, so they are estimated
    // in parallel (the function itself is only read).
    SmallVector<FailureOr<Candidate>> results(candidates.size(), failure());
    parallelFor(func.getContext(), 0, candidates.size(), [&](size_t index) {
      results[index] = estimate(func, candidates[index]);
    });
    std::optional<Candidate> best;
    for (auto [candidate, measured] : llvm::zip(candidates, results)) {
      if (reportCandidates) {
        std::string what = llvm::formatv(
            "serenity-tile-spatial: candidate {0} ops from {1} in {2} "
            "patches, halos {3}",
            candidate.count, candidate.start, candidate.patches,
            candidate.cacheHalos ? "cached" : "recomputed");
        if (succeeded(measured))
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
      if (failed(measured) || measured->macs > budget)
        continue;
      if (!best || measured->arenaBytes < best->arenaBytes)
        best = *measured;
    }
    if (round == 0) {
      firstRoundCandidates = candidates.size();
      firstRoundBest = best;
    }
    if (!best || best->arenaBytes >= current.arenaBytes)
      break;
    if (verifyArena && !untiled)
      untiled = func.clone();
    if (failed(applyCandidate(ops, *best, &tiledBefore)))
      return signalPassFailure();
    current = *best;
    ++groups;
    cachedGroups += best->cacheHalos;
    totalOps += best->count;
    mostPatches = std::max(mostPatches, best->patches);
  }
  if (groups == 0) {
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
        "modeled) within +{1}% MACs; left as it is: {2}",
        original->arenaBytes, maxExtraMacs.getValue(), why);
    return;
  }
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
  recordPatches(func, groups, cachedGroups, totalOps, mostPatches,
                original->macs, current.macs);
  emitRemark(func.getLoc()) << llvm::formatv(
      "serenity-tile-spatial: {0} ops in {1} group(s), at most {2} patches: "
      "arena {3} -> {4} bytes (modeled), MACs {5} -> {6} (+{7:F1}%){8}",
      totalOps, groups, mostPatches, original->arenaBytes, current.arenaBytes,
      original->macs, current.macs,
      original->macs
          ? 100.0 * (double(current.macs) - original->macs) / original->macs
          : 0.0,
      cachedGroups ? llvm::formatv(", halos cached in {0}", cachedGroups).str()
                   : std::string());
}

} // namespace
