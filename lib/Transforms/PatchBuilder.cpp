//===- PatchBuilder.cpp - Patches of a group of ops, emitted --------------===//
//
// Each patch builds, op by op, the band of rows the plan gives it: a clone
// of the op on its operands' bands when that computes the band, otherwise
// the op's tiled implementation; cached rows come from the halo an earlier
// patch saved. The values that leave the group are assembled whole.
//
//===----------------------------------------------------------------------===//

#include "PatchBuilder.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;
using namespace serenity;

static Value sliceRows(OpBuilder &builder, Location loc, Value value,
                       RowRange rows);

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
  llvm::DenseMap<Operation *, unsigned> indexOf;
  for (Operation *op : ops) {
    indexOf[op] = bandOps.size();
    Value result = op->getResult(0);
    BandOp bandOp;
    bandOp.rows = rowsOf(result);
    bandOp.macs = this->facts.macs(op);
    bandOp.exit = llvm::is_contained(exits, result);
    const std::optional<RowAccess> &access = this->facts.access(op);
    for (OpOperand &operand : op->getOpOperands()) {
      auto producer = indexOf.find(operand.get().getDefiningOp());
      if (producer == indexOf.end())
        continue;
      unsigned number = operand.getOperandNumber();
      bandOp.inputs.push_back(
          {producer->second,
           [access, number](RowRange rows) -> std::optional<RowRange> {
             return access ? access->operandRows(number, rows) : std::nullopt;
           }});
    }
    bandOps.push_back(std::move(bandOp));
  }
}

std::pair<uint64_t, uint64_t> PatchBuilder::countGroupMacs() const {
  return countBandMacs(bandOps, planPatches());
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
namespace {
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
} // namespace

/// Rows `rows` of `value`, all of its other dimensions.
static Value sliceRows(OpBuilder &builder, Location loc, Value value,
                       RowRange rows) {
  auto type = cast<RankedTensorType>(value.getType());
  if (rows.lo == 0 && rows.hi == type.getDimSize(kRowDim))
    return value;
  RowSlice slice(builder, type, rows);
  return tensor::ExtractSliceOp::create(builder, loc, value, slice.offsets,
                                        slice.sizes, slice.strides);
}

/// Drops `slice` if it takes all of its source (the tiled implementations
/// slice weights and whole bands as they are).
static void foldIdentitySlice(tensor::ExtractSliceOp slice) {
  if (slice.getSourceType() != slice.getResultType() ||
      !llvm::all_of(slice.getStaticOffsets(),
                    [](int64_t offset) { return offset == 0; }) ||
      !slice.hasUnitStride())
    return;
  slice.getResult().replaceAllUsesWith(slice.getSource());
  slice->erase();
}

/// A type like `type` with `rows` rows.
static RankedTensorType withRows(Type type, int64_t rows) {
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
  std::vector<PatchPlan> plans = planPatches();
  // Per patch and value: the rows of its band a later patch reads from the
  // halo (the cached rows of the value's next band).
  SmallVector<llvm::DenseMap<Value, RowRange>> haloRows(patches);
  {
    llvm::DenseMap<Value, unsigned> lastPatch;
    for (unsigned patch = 0; patch < patches; ++patch)
      for (auto [op, entry] : llvm::zip_equal(ops, plans[patch])) {
        if (entry.band.empty())
          continue;
        Value value = op->getResult(0);
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
      for (auto [op, entry] : llvm::zip_equal(ops, plan)) {
        lastReader.try_emplace(op->getResult(0), op);
        if (entry.computed.empty())
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
    for (auto [index, op] : llvm::enumerate(ops)) {
      const BandPlan &entry = plan[index];
      Value result = op->getResult(0);
      if (entry.band.empty())
        continue;
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
      RowRange rows = getPatchRows(rowsOf(exit), patch, patches);
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
