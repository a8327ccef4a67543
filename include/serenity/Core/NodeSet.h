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

/// An owning set of nodes.
class NodeSet {
public:
  explicit NodeSet(unsigned numNodes = 0) : words(numWordsFor(numNodes), 0) {}

  void insert(NodeId node) { words[node / 64] |= uint64_t(1) << (node % 64); }
  bool contains(NodeId node) const { return containsNode(words, node); }
  void setWord(unsigned index, uint64_t word) { words[index] = word; }
  /// Adds every node id below `numNodes`.
  void insertAll(unsigned numNodes) {
    for (unsigned node = 0; node < numNodes; node += 64)
      words[node / 64] = numNodes - node >= 64
                             ? ~uint64_t(0)
                             : (uint64_t(1) << (numNodes - node)) - 1;
  }
  void unite(const NodeSet &other) {
    for (unsigned i = 0, e = words.size(); i < e; ++i)
      words[i] |= other.words[i];
  }
  void intersect(const NodeSet &other) {
    for (unsigned i = 0, e = words.size(); i < e; ++i)
      words[i] &= other.words[i];
  }
  void subtract(const NodeSet &other) {
    for (unsigned i = 0, e = words.size(); i < e; ++i)
      words[i] &= ~other.words[i];
  }
  /// Calls `fn(node)` for every node of the set, ascending.
  template <typename Fn> void forEach(Fn fn) const {
    for (unsigned i = 0, e = words.size(); i < e; ++i)
      for (uint64_t word = words[i]; word; word &= word - 1)
        fn(NodeId(i * 64 + __builtin_ctzll(word)));
  }
  NodeWords getWords() const { return words; }

private:
  llvm::SmallVector<uint64_t, 2> words;
};

} // namespace serenity

#endif // SERENITY_CORE_NODESET_H
