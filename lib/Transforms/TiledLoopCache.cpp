//===- TiledLoopCache.cpp - Tile loops reused for equal ops ---------------===//

#include "TiledLoopCache.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace serenity;

SmallVector<Operation *>
serenity::collectTiledCluster(Operation *root,
                              function_ref<bool(Operation *)> fuses) {
  SmallVector<Operation *> cluster;
  llvm::SmallPtrSet<Operation *, 8> seen;
  // Post-order: each op after the producers it reads.
  std::function<void(Operation *)> visit = [&](Operation *op) {
    if (!seen.insert(op).second)
      return;
    for (Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp();
          producer && fuses(producer))
        visit(producer);
    cluster.push_back(op);
  };
  visit(root);
  return cluster;
}

namespace {

/// Hash of a cluster's ops: names, attributes, result and operand types.
size_t hashCluster(ArrayRef<Operation *> cluster) {
  llvm::hash_code hash = llvm::hash_value(cluster.size());
  for (Operation *op : cluster)
    hash = llvm::hash_combine(
        hash,
        OperationEquivalence::computeHash(
            op, [](Value operand) { return hash_value(operand.getType()); },
            OperationEquivalence::ignoreHashValue));
  return hash;
}

/// An op without operands (a constant, an empty tensor): what it makes is
/// all it is, so tiling may fold it into the loop.
bool isLeaf(Operation *op) { return op && op->getNumOperands() == 0; }

/// Whether `candidate` is equal to `recorded` (TiledLoopCache's sense);
/// then maps each value `recorded` reads from outside or makes to
/// `candidate`'s, and lists those it reads from outside in `outside`.
bool matchClusters(ArrayRef<Operation *> recorded,
                   ArrayRef<Operation *> candidate, IRMapping &mapping,
                   SmallVectorImpl<Value> *outside = nullptr) {
  if (recorded.size() != candidate.size())
    return false;
  for (auto [a, b] : llvm::zip_equal(recorded, candidate))
    if (!OperationEquivalence::isEquivalentTo(
            a, b, OperationEquivalence::ignoreValueEquivalence, nullptr,
            OperationEquivalence::None))
      return false;
  // Ops and their nested ops in the same order on both sides (their
  // regions are equal).
  SmallVector<Operation *> left, right;
  for (auto [a, b] : llvm::zip_equal(recorded, candidate)) {
    a->walk<WalkOrder::PreOrder>([&](Operation *op) { left.push_back(op); });
    b->walk<WalkOrder::PreOrder>([&](Operation *op) { right.push_back(op); });
  }
  if (left.size() != right.size())
    return false;
  llvm::DenseSet<Value> inside, candidateInside;
  llvm::DenseMap<Value, Value> backwards;
  auto define = [&](ValueRange a, ValueRange b) {
    for (auto [x, y] : llvm::zip_equal(a, b)) {
      inside.insert(x);
      candidateInside.insert(y);
      mapping.map(x, y);
    }
  };
  for (auto [a, b] : llvm::zip_equal(left, right)) {
    for (auto [x, y] : llvm::zip_equal(a->getOperands(), b->getOperands())) {
      if (inside.contains(x)) {
        if (mapping.lookup(x) != y)
          return false;
        continue;
      }
      if (candidateInside.contains(y))
        return false;
      Operation *xProducer = x.getDefiningOp(), *yProducer = y.getDefiningOp();
      if ((isLeaf(xProducer) || isLeaf(yProducer)) &&
          !(isLeaf(xProducer) && isLeaf(yProducer) &&
            OperationEquivalence::isEquivalentTo(
                xProducer, yProducer,
                OperationEquivalence::ignoreValueEquivalence, nullptr,
                OperationEquivalence::IgnoreLocations)))
        return false;
      if (Value mapped = mapping.lookupOrNull(x)) {
        if (mapped != y)
          return false;
        continue;
      }
      if (!backwards.try_emplace(y, x).second)
        return false;
      mapping.map(x, y);
      if (outside)
        outside->push_back(x);
    }
    define(a->getResults(), b->getResults());
    for (auto [r, s] : llvm::zip_equal(a->getRegions(), b->getRegions()))
      for (auto [blockA, blockB] : llvm::zip_equal(r, s))
        define(blockA.getArguments(), blockB.getArguments());
  }
  return true;
}

} // namespace

TiledLoopCache::TiledLoopCache(MLIRContext *context)
    : holder(ModuleOp::create(UnknownLoc::get(context))) {}

void TiledLoopCache::record(ArrayRef<Operation *> cluster, unsigned variant,
                            ArrayRef<Operation *> made, Operation *loop,
                            ValueRange replacements) {
  Entry entry;
  entry.variant = variant;
  auto position = llvm::find(made, loop);
  if (position == made.end())
    return;
  entry.loop = position - made.begin();
  for (Value replacement : replacements) {
    auto result = dyn_cast_or_null<OpResult>(replacement);
    auto producer = result ? llvm::find(made, result.getOwner()) : made.end();
    if (producer == made.end())
      return;
    entry.replacements.emplace_back(producer - made.begin(),
                                    result.getResultNumber());
  }
  // What the cluster reads from outside and makes.
  IRMapping known;
  SmallVector<Value> outside;
  if (!matchClusters(cluster, cluster, known, &outside))
    return;
  // The made ops read that, or each other.
  llvm::SmallPtrSet<Operation *, 8> madeOps(made.begin(), made.end());
  auto isMade = [&](Operation *op) {
    for (; op; op = op->getParentOp())
      if (madeOps.contains(op))
        return true;
    return false;
  };
  for (Operation *top : made) {
    WalkResult walk = top->walk([&](Operation *op) {
      for (Value operand : op->getOperands()) {
        Operation *owner =
            isa<BlockArgument>(operand)
                ? cast<BlockArgument>(operand).getOwner()->getParentOp()
                : operand.getDefiningOp();
        if (!known.contains(operand) && !isMade(owner))
          return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return;
  }

  // Copies in the holder: a leaf op for a value a leaf op made (matched by
  // what it makes), an argument for any other.
  std::unique_lock lock(mutex);
  Block *body = holder->getBody();
  OpBuilder builder = OpBuilder::atBlockEnd(body);
  IRMapping copies;
  for (Value value : outside) {
    Operation *producer = value.getDefiningOp();
    if (isLeaf(producer))
      copies.map(value, builder.clone(*producer)->getResult(
                            cast<OpResult>(value).getResultNumber()));
    else
      copies.map(value, body->addArgument(value.getType(), value.getLoc()));
  }
  for (Operation *op : cluster)
    entry.cluster.push_back(builder.clone(*op, copies));
  for (Operation *op : made)
    entry.made.push_back(builder.clone(*op, copies));
  entries[llvm::hash_combine(hashCluster(cluster), variant)].push_back(
      std::move(entry));
}

Operation *TiledLoopCache::reuse(RewriterBase &rewriter,
                                 ArrayRef<Operation *> cluster,
                                 unsigned variant) {
  size_t hash = llvm::hash_combine(hashCluster(cluster), variant);
  std::shared_lock lock(mutex);
  auto it = entries.find(hash);
  if (it == entries.end())
    return nullptr;
  for (Entry &entry : it->second) {
    IRMapping mapping;
    if (entry.variant != variant ||
        !matchClusters(entry.cluster, cluster, mapping))
      continue;
    Operation *root = cluster.back();
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(root);
    SmallVector<Operation *> clones;
    for (Operation *op : entry.made)
      clones.push_back(rewriter.clone(*op, mapping));
    for (auto [result, replacement] :
         llvm::zip_equal(root->getResults(), entry.replacements))
      rewriter.replaceAllUsesWith(
          result, clones[replacement.first]->getResult(replacement.second));
    ++numReused;
    return clones[entry.loop];
  }
  return nullptr;
}
