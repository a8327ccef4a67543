//===- NodeSet.h - Sets of graph nodes as bit words -------------*- C++ -*-===//
//
// A set of scheduled nodes is the DP's state key, so it is kept as plain
// 64-bit words that can be stored in a pool, hashed and compared cheaply.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_NODESET_H
#define SERENITY_CORE_NODESET_H

#include "serenity/Core/DataflowGraph.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace serenity {

using NodeWords = llvm::ArrayRef<uint64_t>;

inline unsigned numWordsFor(unsigned numNodes) { return (numNodes + 63) / 64; }

inline bool containsNode(NodeWords set, NodeId node) {
  return (set[node / 64] >> (node % 64)) & 1;
}

/// True if every node of `subset` is in `set` or is `extra`.
inline bool isCoveredBy(NodeWords subset, NodeWords set, NodeId extra) {
  for (unsigned i = 0, e = subset.size(); i < e; ++i) {
    uint64_t missing = subset[i] & ~set[i];
    if (i == extra / 64)
      missing &= ~(uint64_t(1) << (extra % 64));
    if (missing)
      return false;
  }
  return true;
}

/// An owning set of nodes.
class NodeSet {
public:
  explicit NodeSet(unsigned numNodes = 0) : words(numWordsFor(numNodes), 0) {}

  void assign(NodeWords other) { words.assign(other.begin(), other.end()); }
  void insert(NodeId node) { words[node / 64] |= uint64_t(1) << (node % 64); }
  void erase(NodeId node) { words[node / 64] &= ~(uint64_t(1) << (node % 64)); }
  bool contains(NodeId node) const { return containsNode(words, node); }
  void orWord(unsigned index, uint64_t word) { words[index] |= word; }
  void andWord(unsigned index, uint64_t word) { words[index] &= word; }
  /// Calls `fn(node)` for every node of the set, ascending.
  template <typename Fn> void forEach(Fn fn) const {
    for (unsigned i = 0, e = words.size(); i < e; ++i)
      for (uint64_t word = words[i]; word; word &= word - 1)
        fn(NodeId(i * 64 + __builtin_ctzll(word)));
  }
  NodeWords getWords() const { return words; }
  bool operator==(const NodeSet &other) const { return words == other.words; }

private:
  llvm::SmallVector<uint64_t, 2> words;
};

} // namespace serenity

#endif // SERENITY_CORE_NODESET_H
