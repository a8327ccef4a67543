//===- TiledLoopCache.h - Tile loops reused for equal ops -------*- C++ -*-===//
//
// Upstream's tile-and-fuse composes and folds affine maps for every slice it
// makes: most of the time of fusing a function of patches, whose patches
// repeat the same ops on the same shapes (--serenity-tile-spatial fuses one
// copy per candidate). A loop tiled once is cloned for every later cluster
// of ops equal to the one it was made of (used by --serenity-fuse-requantize;
// not a public API).
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_LIB_TRANSFORMS_TILEDLOOPCACHE_H
#define SERENITY_LIB_TRANSFORMS_TILEDLOOPCACHE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <unordered_map>

namespace serenity {

/// The ops a tiling of `root` fuses and reads: `root` and, transitively,
/// the producers of their operands for which `fuses` holds; producers first,
/// `root` last.
llvm::SmallVector<mlir::Operation *>
collectTiledCluster(mlir::Operation *root,
                    llvm::function_ref<bool(mlir::Operation *)> fuses);

/// Loops tiled from clusters (collectTiledCluster). Two clusters are equal
/// when their ops are, pairwise, with their regions, attributes, types and
/// locations, read each other's results at the same places, and read the
/// values from outside in the same pattern (one value for one value), the
/// constants and empty tensors among them equal too: tiling either makes
/// the same loop but for those values. The cache keeps copies of what it
/// records, so it serves any function of the context (the copies of one
/// that --serenity-tile-spatial estimates), from several threads.
class TiledLoopCache {
public:
  explicit TiledLoopCache(mlir::MLIRContext *context);

  /// Records what the tiling of `cluster` (of kind `variant`: the same
  /// ops may be tiled in more than one way) made, the ops `made` next to
  /// its root, in block order, among them `loop`, whose values `replacements`
  /// replaced the root's results; nothing when they read a value from
  /// outside that the cluster neither reads nor makes.
  void record(llvm::ArrayRef<mlir::Operation *> cluster, unsigned variant,
              llvm::ArrayRef<mlir::Operation *> made, mlir::Operation *loop,
              mlir::ValueRange replacements);

  /// The ops recorded for a cluster equal to `cluster` and `variant`, cloned
  /// before `cluster`'s root, whose results their replacements replace; the
  /// clone of the loop, or null when there is none.
  mlir::Operation *reuse(mlir::RewriterBase &rewriter,
                         llvm::ArrayRef<mlir::Operation *> cluster,
                         unsigned variant);

  /// How many clones reuse made.
  unsigned getNumReused() const { return numReused; }

private:
  struct Entry {
    unsigned variant;
    /// Copies in `holder`, reading its arguments and leaf ops for what the
    /// cluster read from outside; then the ops made.
    llvm::SmallVector<mlir::Operation *> cluster, made;
    unsigned loop;
    /// The made op and result that replaced each root result.
    llvm::SmallVector<std::pair<unsigned, unsigned>> replacements;
  };
  /// The copies, in its block (with arguments: never verified).
  mlir::OwningOpRef<mlir::ModuleOp> holder;
  /// By hashCluster.
  std::unordered_map<size_t, llvm::SmallVector<Entry, 1>> entries;
  std::shared_mutex mutex;
  std::atomic<unsigned> numReused = 0;
};

} // namespace serenity

#endif // SERENITY_LIB_TRANSFORMS_TILEDLOOPCACHE_H
