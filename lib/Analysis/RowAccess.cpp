//===- RowAccess.cpp - How an op reads rows of its operands -------------===//

#include "serenity/Analysis/RowAccess.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;
using namespace serenity;

int64_t serenity::rowsOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getDimSize(kRowDim);
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
  if (isa<tensor::EmptyOp>(op))
    return access;
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    if (!pad.getLow().empty() || !pad.getHigh().empty() ||
        !hasRows(pad.getSource()))
      return std::nullopt;
    return access;
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    int64_t stride = slice.getStaticStrides()[kRowDim];
    if (slice.getSourceType().getRank() != slice.getResultType().getRank() ||
        !hasRows(slice.getSource()) ||
        ShapedType::isDynamic(slice.getStaticOffsets()[kRowDim]) ||
        ShapedType::isDynamic(stride) || stride <= 0)
      return std::nullopt;
    return access;
  }
  if (auto insert = dyn_cast<tensor::InsertSliceOp>(op)) {
    // A piece of a concat along another dimension: all rows of both.
    if (insert.getSourceType().getRank() != insert.getDestType().getRank() ||
        !hasRows(insert.getSource()) ||
        insert.getStaticOffsets()[kRowDim] != 0 ||
        insert.getStaticStrides()[kRowDim] != 1 ||
        insert.getStaticSizes()[kRowDim] != rowsOf(insert.getDest()))
      return std::nullopt;
    return access;
  }
  // A reshape that keeps the batch and the rows dimensions of their own.
  auto keepsRows = [](ArrayRef<ReassociationIndices> groups) {
    return groups.size() > kRowDim && groups[0].size() == 1 &&
           groups[kRowDim] == ReassociationIndices{kRowDim};
  };
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    return keepsRows(collapse.getReassociationIndices())
               ? std::optional<RowAccess>(access)
               : std::nullopt;
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return keepsRows(expand.getReassociationIndices())
               ? std::optional<RowAccess>(access)
               : std::nullopt;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      linalgOp.getNumDpsInits() != 1 || !isa<TilingInterface>(op))
    return std::nullopt;
  AffineMap resultMap =
      linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0));
  auto rowExpr = dyn_cast<AffineDimExpr>(resultMap.getResult(kRowDim));
  if (!rowExpr || linalgOp.getIteratorTypesArray()[rowExpr.getPosition()] !=
                      utils::IteratorType::parallel)
    return std::nullopt;
  access.rowLoop = rowExpr.getPosition();
  access.loopSizes = linalgOp.getStaticLoopRanges();
  if (llvm::any_of(access.loopSizes, ShapedType::isDynamic))
    return std::nullopt;
  // Every operand reads its rows (if any) through one dimension: 1, or
  // another one (a transpose of the input); the group then reads such an
  // operand whole, if it makes it at all.
  // A body that reads its loop indices (an average pool's divisor at the
  // edges) needs them offset to the band: the tiled implementation does.
  access.bandedByClone = !linalgOp.hasIndexSemantics();
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
    unsigned rowDims = llvm::count_if(map.getResults(), [&](AffineExpr expr) {
      return expr.isFunctionOfDim(access.rowLoop);
    });
    if (rowDims > 1)
      return std::nullopt;
    if (map.getNumResults() > kRowDim &&
        map.getResult(kRowDim).isFunctionOfDim(access.rowLoop)) {
      SmallVector<RowRange> box;
      for (int64_t size : access.loopSizes)
        box.push_back({0, size});
      if (!boundsOf(map.getResult(kRowDim), box))
        return std::nullopt;
      // Its value with every loop at 0, its constant term.
      SmallVector<RowRange> origin(access.loopSizes.size(), RowRange{0, 1});
      access.bandedByClone &=
          boundsOf(map.getResult(kRowDim), origin)->first == 0;
    } else if (rowDims) {
      access.bandedByClone = false;
    }
  }
  return access;
}

std::optional<RowRange> RowAccess::operandRows(unsigned index,
                                               RowRange rows) const {
  if (isa<tensor::EmptyOp>(op))
    return std::nullopt;
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    if (index != 0)
      return std::nullopt;
    int64_t low = pad.getStaticLow()[kRowDim];
    int64_t sourceRows = rowsOf(pad.getSource());
    return RowRange{std::clamp<int64_t>(rows.lo - low, 0, sourceRows),
                    std::clamp<int64_t>(rows.hi - low, 0, sourceRows)};
  }
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    if (index != 0)
      return std::nullopt;
    int64_t offset = slice.getStaticOffsets()[kRowDim];
    int64_t stride = slice.getStaticStrides()[kRowDim];
    return RowRange{offset + rows.lo * stride,
                    offset + (rows.hi - 1) * stride + 1};
  }
  if (isa<tensor::InsertSliceOp, tensor::CollapseShapeOp,
          tensor::ExpandShapeOp>(op))
    return index < 2 ? std::optional<RowRange>(rows) : std::nullopt;
  auto linalgOp = cast<linalg::LinalgOp>(op);
  AffineMap map = linalgOp.getMatchingIndexingMap(&op->getOpOperand(index));
  if (map.getNumResults() <= kRowDim ||
      !map.getResult(kRowDim).isFunctionOfDim(rowLoop))
    return std::nullopt;
  SmallVector<RowRange> box;
  for (auto [loop, size] : llvm::enumerate(loopSizes))
    box.push_back(loop == rowLoop ? rows : RowRange{0, size});
  auto bounds = boundsOf(map.getResult(kRowDim), box);
  return RowRange{bounds->first, bounds->second + 1};
}
