//===- CopiesToLinalg.cpp - The --serenity-copies-to-linalg pass ----------===//
//
// memref.copy lowers to a call of the host runtime's `memrefCopy`; a
// bare-metal build has no such library, but linalg.copy lowers to loops.
//
//===----------------------------------------------------------------------===//

#include "serenity/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace serenity {
#define GEN_PASS_DEF_SERENITYCOPIESTOLINALG
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

/// Whether linalg.copy can stand for `copy`: both sides ranked memrefs of
/// one rank and element type (any strided layout; dynamic sizes too, such
/// as the part of a map a padded tile covers).
bool isLinalgCopyable(memref::CopyOp copy) {
  auto source = dyn_cast<MemRefType>(copy.getSource().getType());
  auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
  return source && target && source.getRank() == target.getRank() &&
         source.getElementType() == target.getElementType();
}

struct CopyToLinalgCopy : public OpRewritePattern<memref::CopyOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::CopyOp copy,
                                PatternRewriter &rewriter) const final {
    if (!isLinalgCopyable(copy))
      return rewriter.notifyMatchFailure(copy, "not a ranked, typed copy");
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
    return success();
  }
};

struct CopiesToLinalgPass
    : public serenity::impl::SerenityCopiesToLinalgBase<CopiesToLinalgPass> {
  using Base::Base;

  void runOnOperation() final {
    RewritePatternSet patterns(&getContext());
    populateCopiesToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk([](memref::CopyOp copy) {
      copy.emitWarning("serenity-copies-to-linalg: this copy stays a "
                       "memref.copy (unranked, or it converts element "
                       "types); lowered, it calls memrefCopy");
    });
  }
};

} // namespace

void serenity::populateCopiesToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CopyToLinalgCopy>(patterns.getContext());
}
