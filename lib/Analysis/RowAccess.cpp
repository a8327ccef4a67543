//===- RowAccess.cpp - How an op reads rows and columns ------------------===//

#include "serenity/Analysis/RowAccess.h"
#include "serenity/Analysis/WindowOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;
using namespace serenity;

int64_t serenity::rowsOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getDimSize(kRowDim);
}

int64_t serenity::colsOf(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getRank() > kColDim ? type.getDimSize(kColDim) : 1;
}

bool serenity::hasCols(Value value) {
  return hasRows(value) &&
         cast<RankedTensorType>(value.getType()).getRank() > kColDim;
}

bool serenity::hasRows(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.hasStaticShape() && type.getRank() > kRowDim;
}

/// The smallest and largest value of `expr` over the box `ranges` (each
/// [lo, hi)), when `expr` is a sum of dimensions and constants with
/// non-negative coefficients.
static std::optional<std::pair<int64_t, int64_t>>
boundsOf(AffineExpr expr, ArrayRef<RowRange> ranges) {
  if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
    RowRange range = ranges[dim.getPosition()];
    if (range.empty())
      return std::nullopt;
    return std::make_pair(range.lo, range.hi - 1);
  }
  if (auto constant = dyn_cast<AffineConstantExpr>(expr))
    return std::make_pair(constant.getValue(), constant.getValue());
  auto binary = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!binary)
    return std::nullopt;
  if (expr.getKind() == AffineExprKind::Add) {
    auto lhs = boundsOf(binary.getLHS(), ranges);
    auto rhs = boundsOf(binary.getRHS(), ranges);
    if (!lhs || !rhs)
      return std::nullopt;
    return std::make_pair(lhs->first + rhs->first, lhs->second + rhs->second);
  }
  if (expr.getKind() == AffineExprKind::Mul) {
    auto factor = dyn_cast<AffineConstantExpr>(binary.getRHS());
    auto bounds = boundsOf(binary.getLHS(), ranges);
    if (!factor || factor.getValue() < 0 || !bounds)
      return std::nullopt;
    return std::make_pair(bounds->first * factor.getValue(),
                          bounds->second * factor.getValue());
  }
  return std::nullopt;
}

std::optional<RowAccess> RowAccess::of(Operation *op) {
  if (op->getNumResults() != 1 || !hasRows(op->getResult(0)))
    return std::nullopt;
  RowAccess access;
  access.op = op;
  bool resultCols = hasCols(op->getResult(0));
  if (isa<tensor::EmptyOp>(op)) {
    access.columns = resultCols;
    return access;
  }
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    if (!pad.getLow().empty() || !pad.getHigh().empty() ||
        !hasRows(pad.getSource()))
      return std::nullopt;
    access.columns = resultCols;
    return access;
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    auto isStatic = [&](unsigned dim) {
      int64_t stride = slice.getStaticStrides()[dim];
      return !ShapedType::isDynamic(slice.getStaticOffsets()[dim]) &&
             !ShapedType::isDynamic(stride) && stride > 0;
    };
    if (slice.getSourceType().getRank() != slice.getResultType().getRank() ||
        !hasRows(slice.getSource()) || !isStatic(kRowDim))
      return std::nullopt;
    access.columns = resultCols && isStatic(kColDim);
    return access;
  }
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
    // A piece of a concat along another dimension: all rows (and columns)
    // of both.
    auto isWhole = [&](unsigned dim) {
      return insert.getStaticOffsets()[dim] == 0 &&
             insert.getStaticStrides()[dim] == 1 &&
             insert.getStaticSizes()[dim] ==
                 insert.getDestType().getDimSize(dim);
    };
    if (insert.getSourceType().getRank() != insert.getDestType().getRank() ||
        !hasRows(insert.getSource()) || !isWhole(kRowDim))
      return std::nullopt;
    access.columns = resultCols && isWhole(kColDim);
    return access;
  }
  // A reshape that keeps the batch and the rows dimensions of their own
  // (and the columns, to tile them).
  auto keeps = [](ArrayRef<ReassociationIndices> groups, unsigned dim) {
    return groups.size() > dim && groups[0].size() == 1 &&
           groups[dim] == ReassociationIndices{dim};
  };
  auto reshapeAccess =
      [&](ArrayRef<ReassociationIndices> groups) -> std::optional<RowAccess> {
    if (!keeps(groups, kRowDim))
      return std::nullopt;
    access.columns = resultCols && keeps(groups, kColDim);
    return access;
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    return reshapeAccess(collapse.getReassociationIndices());
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return reshapeAccess(expand.getReassociationIndices());
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      linalgOp.getNumDpsInits() != 1 || !isa<TilingInterface>(op))
    return std::nullopt;
  AffineMap resultMap =
      linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0));
  auto iterators = linalgOp.getIteratorTypesArray();
  auto parallelLoop = [&](unsigned dim) -> std::optional<unsigned> {
    if (resultMap.getNumResults() <= dim)
      return std::nullopt;
    auto expr = dyn_cast<AffineDimExpr>(resultMap.getResult(dim));
    if (!expr || iterators[expr.getPosition()] != utils::IteratorType::parallel)
      return std::nullopt;
    return expr.getPosition();
  };
  std::optional<unsigned> rowLoop = parallelLoop(kRowDim);
  if (!rowLoop)
    return std::nullopt;
  access.rowLoop = *rowLoop;
  access.loopSizes = linalgOp.getStaticLoopRanges();
  if (llvm::any_of(access.loopSizes, ShapedType::isDynamic))
    return std::nullopt;
  std::optional<unsigned> colLoop = parallelLoop(kColDim);
  access.columns = resultCols && colLoop && *colLoop != *rowLoop;
  if (access.columns)
    access.colLoop = *colLoop;
  // Every operand reads its rows (if any) through one dimension: 1, or
  // another one (a transpose of the input); the group then reads such an
  // operand whole, if it makes it at all. Columns likewise, through
  // dimension 2, or else all of them.
  // A body that reads its loop indices (an average pool's divisor at the
  // edges) needs them offset to the band: the tiled implementation does.
  access.bandedByClone = !linalgOp.hasIndexSemantics();
  access.tiledByClone = true;
  SmallVector<RowRange> box, origin;
  for (int64_t size : access.loopSizes) {
    box.push_back({0, size});
    // Every loop at 0: an expression's constant term.
    origin.push_back({0, 1});
  }
  // Whether `loop` reads operand dimension `dim` alone, and in bounds; and
  // whether from 0 at the origin. None: it reads it through several.
  auto readsThrough = [&](AffineMap map, unsigned loop, unsigned dim,
                          bool &fromZero) -> std::optional<bool> {
    unsigned dims = llvm::count_if(map.getResults(), [&](AffineExpr expr) {
      return expr.isFunctionOfDim(loop);
    });
    if (dims > 1)
      return std::nullopt;
    fromZero = dims == 0;
    if (map.getNumResults() <= dim || !map.getResult(dim).isFunctionOfDim(loop))
      return false;
    if (!boundsOf(map.getResult(dim), box))
      return std::nullopt;
    fromZero = boundsOf(map.getResult(dim), origin)->first == 0;
    return true;
  };
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
    bool fromZero = false;
    std::optional<bool> rows =
        readsThrough(map, access.rowLoop, kRowDim, fromZero);
    if (!rows)
      return std::nullopt;
    access.bandedByClone &= fromZero;
    if (!access.columns)
      continue;
    std::optional<bool> cols =
        readsThrough(map, access.colLoop, kColDim, fromZero);
    if (!cols)
      access.columns = false;
    access.tiledByClone &= cols.has_value() && fromZero;
  }
  return access;
}

std::optional<Tile> RowAccess::operandTile(unsigned index, Tile tile) const {
  if (isa<tensor::EmptyOp>(op))
    return std::nullopt;
  Value operand = op->getOperand(index);
  if (!hasRows(operand))
    return std::nullopt;
  // All columns unless the op tiles them and reads them so.
  Tile read{tile.rows, {0, colsOf(operand)}};
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    if (index != 0)
      return std::nullopt;
    std::optional<PadAmounts> amounts = getPadAmounts(pad);
    if (!amounts)
      return std::nullopt;
    auto unpadded = [&](RowRange range, unsigned dim, int64_t extent) {
      int64_t low = amounts->low[dim];
      return RowRange{std::clamp<int64_t>(range.lo - low, 0, extent),
                      std::clamp<int64_t>(range.hi - low, 0, extent)};
    };
    read.rows = unpadded(tile.rows, kRowDim, rowsOf(operand));
    if (columns)
      read.cols = unpadded(tile.cols, kColDim, colsOf(operand));
    return read;
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    if (index != 0)
      return std::nullopt;
    auto strided = [&](RowRange range, unsigned dim) {
      int64_t offset = slice.getStaticOffsets()[dim];
      int64_t stride = slice.getStaticStrides()[dim];
      return RowRange{offset + range.lo * stride,
                      offset + (range.hi - 1) * stride + 1};
    };
    read.rows = strided(tile.rows, kRowDim);
    if (columns)
      read.cols = strided(tile.cols, kColDim);
    return read;
  }
  if (isa<tensor::InsertSliceOp, tensor::CollapseShapeOp,
          tensor::ExpandShapeOp>(op)) {
    if (index >= 2)
      return std::nullopt;
    if (columns)
      read.cols = tile.cols;
    return read;
  }
  auto linalgOp = cast<linalg::LinalgOp>(op);
  AffineMap map = linalgOp.getMatchingIndexingMap(&op->getOpOperand(index));
  // The range of operand dimension `dim` that `ranges` of `loop` read,
  // every other loop whole.
  auto rangeOf = [&](unsigned loop, unsigned dim,
                     RowRange range) -> std::optional<RowRange> {
    if (map.getNumResults() <= dim || !map.getResult(dim).isFunctionOfDim(loop))
      return std::nullopt;
    SmallVector<RowRange> box;
    for (auto [index, size] : llvm::enumerate(loopSizes))
      box.push_back(index == loop ? range : RowRange{0, size});
    auto bounds = boundsOf(map.getResult(dim), box);
    return RowRange{bounds->first, bounds->second + 1};
  };
  std::optional<RowRange> rows = rangeOf(rowLoop, kRowDim, tile.rows);
  if (!rows)
    return std::nullopt;
  read.rows = *rows;
  if (columns)
    if (std::optional<RowRange> cols = rangeOf(colLoop, kColDim, tile.cols))
      read.cols = *cols;
  return read;
}
