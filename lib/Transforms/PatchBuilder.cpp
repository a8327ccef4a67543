//===- PatchBuilder.cpp - Patches of a group of ops, emitted --------------===//
//
// Each patch builds, op by op, the band (a tile of rows, or of rows and
// columns) the plan gives it: a clone of the op on its operands' bands when
// that computes the band, otherwise the op's tiled implementation; cached
// parts come from the halo the patch before saved. The values that leave
// the group are assembled whole.
//
//===----------------------------------------------------------------------===//

#include "PatchBuilder.h"
#include "serenity/Analysis/OpOrder.h"
#include "serenity/Analysis/WindowOps.h"
#include "serenity/Dialect/Serenity/SerenityDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;
using namespace serenity;

static Value sliceTile(OpBuilder &builder, Location loc, Value value,
                       Tile tile);

PatchBuilder::PatchBuilder(ArrayRef<Operation *> group, Grid grid,
                           bool cacheHalos, OpFacts *facts)
    : ops(group.begin(), group.end()), grid(grid), cacheHalos(cacheHalos),
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
    bandOp.cols = colsOf(result);
    bandOp.macs = this->facts.macs(op);
    bandOp.exit = llvm::is_contained(exits, result);
    // Made again at no cost (computeInto may also turn an empty band into
    // a slice of another: none of it is kept across patches).
    bandOp.cacheable = !isa<tensor::PadOp, tensor::EmptyOp>(op);
    const std::optional<RowAccess> &access = this->facts.access(op);
    for (OpOperand &operand : op->getOpOperands()) {
      auto producer = indexOf.find(operand.get().getDefiningOp());
      if (producer == indexOf.end())
        continue;
      unsigned number = operand.getOperandNumber();
      bandOp.inputs.push_back(
          {producer->second,
           [access, number](Tile tile) -> std::optional<Tile> {
             return access ? access->operandTile(number, tile) : std::nullopt;
           }});
    }
    bandOps.push_back(std::move(bandOp));
  }
}

bool PatchBuilder::fitsGrid() {
  if (exits.empty())
    return false;
  for (Value exit : exits)
    if (rowsOf(exit) < grid.rows || colsOf(exit) < grid.cols)
      return false;
  // An op without columns (a pool's window) is computed whole.
  return !tilesCols() || llvm::all_of(ops, [&](Operation *op) {
    const std::optional<RowAccess> &access = facts.access(op);
    return access && (access->tilesColumns() || !hasCols(op->getResult(0)));
  });
}

std::optional<Tile> PatchBuilder::readOf(Operation *op, unsigned index,
                                         Tile tile) {
  std::optional<Tile> read = facts.access(op)->operandTile(index, tile);
  // Bands of one column of patches hold every column (as planned).
  if (read && !tilesCols())
    read->cols = {0, colsOf(op->getOperand(index))};
  return read;
}

std::pair<uint64_t, uint64_t> PatchBuilder::countGroupMacs() const {
  return countBandMacs(bandOps, planPatches());
}

Value PatchBuilder::computeInto(OpBuilder &builder, Value part, Value whole,
                                Tile tile, ArrayRef<Operation *> wholeOps) {
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
        if (isBeforeNearby(empty, op))
          op->moveBefore(empty);
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(empty);
      Value slice = sliceTile(builder, empty.getLoc(), whole, tile);
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
                                Tile tile) {
  auto [band, bandTile] = bands.lookup(value);
  if (!band || !bandTile.contains(tile))
    return nullptr;
  // Exactly the part this patch computed after the cached one: that part
  // itself, as the slice of the band would fold to (bufferized, the reader
  // reads the part's buffer, which so lives until it; the memory model
  // must see that read).
  auto [part, partTile] = computedParts.lookup(value);
  if (part && partTile == tile)
    return part;
  return sliceTile(builder, loc, band, bandTile.relative(tile));
}

/// The offsets, sizes and strides of tile `tile` of a tensor of `type`,
/// all of its other dimensions.
namespace {
struct TileSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  TileSlice(Builder &builder, RankedTensorType type, Tile tile)
      : offsets(type.getRank(), builder.getIndexAttr(0)),
        strides(type.getRank(), builder.getIndexAttr(1)) {
    for (int64_t size : type.getShape())
      sizes.push_back(builder.getIndexAttr(size));
    offsets[kRowDim] = builder.getIndexAttr(tile.rows.lo);
    sizes[kRowDim] = builder.getIndexAttr(tile.rows.size());
    if (type.getRank() > kColDim) {
      offsets[kColDim] = builder.getIndexAttr(tile.cols.lo);
      sizes[kColDim] = builder.getIndexAttr(tile.cols.size());
    }
  }
};
} // namespace

/// Tile `tile` of `value`, all of its other dimensions.
static Value sliceTile(OpBuilder &builder, Location loc, Value value,
                       Tile tile) {
  if (tile == wholeTile(value))
    return value;
  TileSlice slice(builder, cast<RankedTensorType>(value.getType()), tile);
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

/// A type like `type` with the rows and columns of `tile`.
static RankedTensorType withTile(Type type, Tile tile) {
  auto ranked = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(ranked.getShape());
  shape[kRowDim] = tile.rows.size();
  if (ranked.getRank() > kColDim)
    shape[kColDim] = tile.cols.size();
  return ranked.clone(shape);
}

Value PatchBuilder::buildBand(OpBuilder &builder, Operation *op, Tile tile) {
  Location loc = op->getLoc();
  Value result = op->getResult(0);
  const RowAccess *access = &*facts.access(op);
  // The band of operand `index`: a tile of a group value (all of it if
  // read whole), or of another value, or the value itself.
  auto operandBand = [&](unsigned index) -> Value {
    Value operand = op->getOperand(index);
    std::optional<Tile> needed = readOf(op, index, tile);
    if (ops.contains(operand.getDefiningOp()))
      return sliceOfBand(builder, loc, operand,
                         needed ? *needed : wholeTile(operand));
    if (!needed)
      return operand;
    return sliceTile(builder, loc, operand, *needed);
  };
  if (isa<tensor::EmptyOp>(op))
    return tensor::EmptyOp::create(
        builder, loc, withTile(result.getType(), tile), ValueRange());
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    // Padding alone (the last rows or columns, once the earlier patches
    // computed the rest).
    if (readOf(op, 0, tile)->empty()) {
      Value padding = pad.getConstantPaddingValue();
      if (!padding)
        return nullptr;
      Value band = tensor::EmptyOp::create(
          builder, loc, withTile(result.getType(), tile), ValueRange());
      return linalg::FillOp::create(builder, loc, padding, band).getResult(0);
    }
    Value source = operandBand(0);
    if (!source)
      return nullptr;
    // (A band of a pad of unknown amounts: RowAccess tiles none.)
    auto [low, high] = *getPadAmounts(pad);
    auto padAlong = [&](unsigned dim, RowRange range, int64_t extent) {
      int64_t padLow = low[dim];
      low[dim] = std::max<int64_t>(padLow - range.lo, 0);
      high[dim] = std::max<int64_t>(range.hi - (padLow + extent), 0);
    };
    padAlong(kRowDim, tile.rows, rowsOf(pad.getSource()));
    if (tilesCols())
      padAlong(kColDim, tile.cols, colsOf(pad.getSource()));
    // A tile inside the source pads nothing: the source's tile itself (as
    // the pad would fold to before bufferization; the memory model must
    // not count a copy).
    auto isZero = [](int64_t amount) { return amount == 0; };
    if (!pad.getNofold() && llvm::all_of(low, isZero) &&
        llvm::all_of(high, isZero))
      return source;
    auto band = tensor::PadOp::create(
        builder, loc, withTile(result.getType(), tile), source, low, high,
        ValueRange(), ValueRange(), pad.getNofold());
    band->setAttr(SerenityDialect::kTilePadAttrName, builder.getUnitAttr());
    IRMapping mapping;
    pad.getRegion().cloneInto(&band.getRegion(), mapping);
    return band;
  }
  // Offsets and sizes of a slice of the operands' bands: those of the
  // tile's rows (and columns) start at the band's.
  auto toTile = [&](SmallVector<OpFoldResult> &offsets,
                    SmallVector<OpFoldResult> &sizes, bool offsetsToo) {
    if (offsetsToo)
      offsets[kRowDim] = builder.getIndexAttr(0);
    sizes[kRowDim] = builder.getIndexAttr(tile.rows.size());
    if (tilesCols()) {
      if (offsetsToo)
        offsets[kColDim] = builder.getIndexAttr(0);
      sizes[kColDim] = builder.getIndexAttr(tile.cols.size());
    }
  };
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    Value source = operandBand(0);
    if (!source)
      return nullptr;
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    toTile(offsets, sizes, /*offsetsToo=*/true);
    return tensor::ExtractSliceOp::create(builder, loc, source, offsets, sizes,
                                          slice.getMixedStrides());
  }
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
    Value source = operandBand(0), dest = operandBand(1);
    if (!source || !dest)
      return nullptr;
    SmallVector<OpFoldResult> offsets = insert.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = insert.getMixedSizes();
    toTile(offsets, sizes, /*offsetsToo=*/false);
    return tensor::InsertSliceOp::create(builder, loc, source, dest, offsets,
                                         sizes, insert.getMixedStrides());
  }
  // A reshape that keeps the rows (and columns): the same on the band.
  auto reshapeBand = [&](auto reshape) -> Value {
    Value source = operandBand(0);
    if (!source)
      return nullptr;
    return decltype(reshape)::create(builder, loc,
                                     withTile(result.getType(), tile), source,
                                     reshape.getReassociationIndices());
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    return reshapeBand(collapse);
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return reshapeBand(expand);

  // A Linalg op that the operands' bands make its band: a clone on them.
  if (tilesCols() ? access->isTiledByClone() : access->isBandedByClone()) {
    SmallVector<Value> operandBands;
    for (unsigned index = 0, e = op->getNumOperands(); index < e; ++index) {
      operandBands.push_back(operandBand(index));
      if (!operandBands.back())
        return nullptr;
    }
    Operation *band = builder.clone(*op);
    band->setOperands(operandBands);
    band->getResult(0).setType(withTile(result.getType(), tile));
    return band->getResult(0);
  }
  // Otherwise its tiled implementation on the tile's loop ranges reads
  // slices of the full operands; those of group values read the bands.
  auto tileable = cast<TilingInterface>(op);
  SmallVector<OpFoldResult> offsets, sizes;
  for (auto [loop, size] : llvm::enumerate(access->getLoopSizes())) {
    RowRange range{0, size};
    if (loop == access->getRowLoop())
      range = tile.rows;
    else if (tilesCols() && loop == access->getColLoop())
      range = tile.cols;
    offsets.push_back(builder.getIndexAttr(range.lo));
    sizes.push_back(builder.getIndexAttr(range.size()));
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
    // The tile of the group value it takes.
    auto staticRange = [&](unsigned dim) -> std::optional<RowRange> {
      int64_t lo = slice.getStaticOffsets()[dim];
      int64_t size = slice.getStaticSizes()[dim];
      if (ShapedType::isDynamic(lo) || ShapedType::isDynamic(size))
        return std::nullopt;
      return RowRange{lo, lo + size};
    };
    Tile wanted = wholeTile(slice.getSource());
    std::optional<RowRange> rows = staticRange(kRowDim);
    std::optional<RowRange> cols = slice.getSourceType().getRank() > kColDim
                                       ? staticRange(kColDim)
                                       : wanted.cols;
    if (!slice.hasUnitStride() || !rows || !cols)
      return nullptr;
    wanted = {*rows, *cols};
    auto [band, bandTile] = bands.lookup(slice.getSource());
    if (!band || !bandTile.contains(wanted))
      return nullptr;
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(slice);
    SmallVector<OpFoldResult> sliceOffsets = slice.getMixedOffsets();
    Tile inBand = bandTile.relative(wanted);
    sliceOffsets[kRowDim] = builder.getIndexAttr(inBand.rows.lo);
    if (slice.getSourceType().getRank() > kColDim)
      sliceOffsets[kColDim] = builder.getIndexAttr(inBand.cols.lo);
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

void PatchBuilder::saveHalo(OpBuilder &builder, Value value, Tile tile) {
  Location loc = value.getLoc();
  // A copy, not a view: the band is free once the patch is done with it.
  Value ofBand = sliceOfBand(builder, loc, value, tile);
  Type type = ofBand.getType();
  Value halo = tensor::EmptyOp::create(builder, loc, type, ValueRange());
  halos[value] = {
      linalg::CopyOp::create(builder, loc, type, ofBand, halo).getResult(0),
      tile};
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
  unsigned patches = grid.count();
  // Per patch and value: the part of its band a later patch reads from the
  // halo (the cached part of the value's next band).
  SmallVector<llvm::DenseMap<Value, Tile>> haloTiles(patches);
  {
    llvm::DenseMap<Value, unsigned> lastPatch;
    for (unsigned patch = 0; patch < patches; ++patch)
      for (auto [op, entry] : llvm::zip_equal(ops, plans[patch])) {
        if (entry.band.empty())
          continue;
        Value value = op->getResult(0);
        auto it = lastPatch.find(value);
        if (!entry.cached.empty() && it != lastPatch.end())
          haloTiles[it->second][value] = entry.cached;
        lastPatch[value] = patch;
      }
  }
  for (unsigned patch = 0; patch < patches; ++patch) {
    const PatchPlan &plan = plans[patch];
    const llvm::DenseMap<Value, Tile> &toSave = haloTiles[patch];
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
      for (auto [value, tile] : toSave)
        if (!llvm::is_contained(exits, value))
          savedAfter[lastReader.lookup(value)].push_back(value);
    }
    bands.clear();
    computedParts.clear();
    for (auto [index, op] : llvm::enumerate(ops)) {
      const BandPlan &entry = plan[index];
      Value result = op->getResult(0);
      if (entry.band.empty())
        continue;
      auto cannotCompute = [&] {
        return op->emitOpError("serenity-tile-spatial: cannot compute rows ")
               << entry.computed.rows.lo << " to " << entry.computed.rows.hi
               << ", columns " << entry.computed.cols.lo << " to "
               << entry.computed.cols.hi << " of this op alone";
      };
      Value band;
      if (entry.cached.empty()) {
        band = buildBand(builder, op, entry.computed);
      } else {
        // The cached part first, then the new one computed in place.
        auto [halo, haloTile] = halos.lookup(result);
        if (!halo || !haloTile.contains(entry.cached))
          return op->emitOpError("serenity-tile-spatial: no halo holds rows ")
                 << entry.cached.rows.lo << " to " << entry.cached.rows.hi
                 << ", columns " << entry.cached.cols.lo << " to "
                 << entry.cached.cols.hi;
        Location loc = op->getLoc();
        // The ops that make the band with its cached rows.
        SmallVector<Operation *> bandOps;
        band = tensor::EmptyOp::create(
            builder, loc, withTile(result.getType(), entry.band), ValueRange());
        bandOps.push_back(band.getDefiningOp());
        Value cached =
            sliceTile(builder, loc, halo, haloTile.relative(entry.cached));
        if (cached != halo)
          bandOps.push_back(cached.getDefiningOp());
        TileSlice cachedSlice(builder, cast<RankedTensorType>(band.getType()),
                              entry.band.relative(entry.cached));
        band = tensor::InsertSliceOp::create(
            builder, loc, cached, band, cachedSlice.offsets, cachedSlice.sizes,
            cachedSlice.strides);
        bandOps.push_back(band.getDefiningOp());
        if (!entry.computed.empty()) {
          Value part = buildBand(builder, op, entry.computed);
          if (!part)
            return cannotCompute();
          Tile computedInBand = entry.band.relative(entry.computed);
          part = computeInto(builder, part, band, computedInBand, bandOps);
          TileSlice slice(builder, cast<RankedTensorType>(band.getType()),
                          computedInBand);
          band = tensor::InsertSliceOp::create(builder, loc, part, band,
                                               slice.offsets, slice.sizes,
                                               slice.strides);
          computedParts[result] = {part, entry.computed};
        }
      }
      if (!band)
        return cannotCompute();
      bands[result] = {band, entry.band};
      for (Value value : savedAfter.lookup(op))
        saveHalo(builder, value, toSave.lookup(value));
    }
    for (auto [exit, whole] : llvm::zip(exits, assembled)) {
      Tile tile = getPatchTile(rowsOf(exit), colsOf(exit), patch, grid);
      if (tile.empty())
        continue;
      Value part = sliceOfBand(builder, exit.getLoc(), exit, tile);
      if (!part) {
        return exit.getDefiningOp()->emitOpError(
            "serenity-tile-spatial: no band holds the tile this patch "
            "assembles");
      }
      part = computeInto(builder, part, whole, tile);
      TileSlice slice(builder, cast<RankedTensorType>(exit.getType()), tile);
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
      if (!first || isBeforeNearby(user, first))
        first = user;
    if (first)
      empty.getDefiningOp()->moveBefore(first);
  }
  for (Operation *op : llvm::reverse(ops))
    op->erase();
  return success();
}
