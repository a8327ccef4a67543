//===- ChainUnitsTest.cpp - Which chains the search takes as one step -----===//

#include "serenity/Core/ChainUnits.h"

#include "gtest/gtest.h"

#include <vector>

using namespace serenity;

namespace {

/// The units of `graph` as lists of nodes, one per unit of two or more.
std::vector<std::vector<NodeId>> unitsOf(const DataflowGraph &graph,
                                         MemoryModel model,
                                         std::vector<NodeId> cuts = {}) {
  LivenessModel liveness(graph, model);
  ChainUnits units(liveness, Reachability(graph), cuts);
  std::vector<bool> inside(graph.getNumNodes(), false);
  for (NodeId node = 0; node < graph.getNumNodes(); ++node)
    if (units.getNext(node) != kNoNode)
      inside[units.getNext(node)] = true;
  std::vector<std::vector<NodeId>> result;
  for (NodeId head = 0; head < graph.getNumNodes(); ++head) {
    if (inside[head] || units.getNext(head) == kNoNode)
      continue;
    std::vector<NodeId> unit;
    for (NodeId node = head; node != kNoNode; node = units.getNext(node))
      unit.push_back(node);
    EXPECT_EQ(units.getSize(head), unit.size());
    result.push_back(unit);
  }
  return result;
}

/// A RandWire node between two others: x -> split -> {sum -> relu -> dw ->
/// pw, other} -> join. `dwBytes` and `pwBytes` size the chain's last two
/// results (the rest are 8 bytes).
DataflowGraph makeRandWireNode(uint64_t dwBytes, uint64_t pwBytes) {
  DataflowGraph graph;
  ValueId x = graph.addArgument(8);
  NodeId split = graph.addNode("split", {x});
  ValueId s = graph.addResult(split, 8);
  NodeId sum = graph.addNode("sum", {s});
  ValueId a = graph.addResult(sum, 8);
  NodeId relu = graph.addNode("relu", {a});
  ValueId r = graph.addResult(relu, 8);
  NodeId dw = graph.addNode("dw", {r});
  ValueId d = graph.addResult(dw, dwBytes);
  NodeId pw = graph.addNode("pw", {d});
  ValueId p = graph.addResult(pw, pwBytes);
  NodeId other = graph.addNode("other", {s});
  ValueId o = graph.addResult(other, 8);
  NodeId join = graph.addNode("join", {p, o});
  graph.markReturned(graph.addResult(join, 8));
  return graph;
}

using Units = std::vector<std::vector<NodeId>>;

TEST(ChainUnitsTest, AChainOfEqualSizesIsOneUnit) {
  // The sum reads a buffer the other branch reads too: the unit starts at
  // the relu and stops before the join, which reads the other branch.
  DataflowGraph graph = makeRandWireNode(8, 8);
  for (MemoryModel model :
       {MemoryModel::Strict, MemoryModel::Inplace, MemoryModel::Bufferized})
    EXPECT_EQ(unitsOf(graph, model), (Units{{2, 3, 4}}))
        << stringifyMemoryModel(model).str();
  // Under strict each step holds its 8-byte input and its 8-byte result;
  // the unit trades the sum for the pointwise result.
  LivenessModel strict(graph, MemoryModel::Strict);
  ChainUnits units(strict, Reachability(graph), {});
  EXPECT_EQ(units.getFootprintAbove(2), 8);
  EXPECT_EQ(units.getLiveChange(2), 0);
}

TEST(ChainUnitsTest, AUnitStopsWhereTheNextNodeRaisesTheLiveBytes) {
  // pw makes 16 bytes from dw's 8: moving it up could cost a later node.
  EXPECT_EQ(unitsOf(makeRandWireNode(8, 16), MemoryModel::Strict),
            (Units{{2, 3}}));
}

TEST(ChainUnitsTest, AUnitThatLowersTheLiveBytesDoesNotGrow) {
  // dw makes 4 bytes from relu's 8: the unit relu, dw frees bytes, so
  // moving it down to pw could cost the nodes in between.
  EXPECT_EQ(unitsOf(makeRandWireNode(4, 4), MemoryModel::Strict),
            (Units{{2, 3}}));
}

TEST(ChainUnitsTest, UnitsStopAtCuts) {
  EXPECT_EQ(unitsOf(makeRandWireNode(8, 8), MemoryModel::Strict, {3}),
            (Units{{2, 3}}));
}

TEST(ChainUnitsTest, AResultStillLiveAfterTheNextNodeEndsTheUnit) {
  // relu's result is read by dw and by the join: dw raises the live bytes.
  DataflowGraph graph;
  ValueId x = graph.addArgument(8);
  NodeId relu = graph.addNode("relu", {x});
  ValueId r = graph.addResult(relu, 8);
  NodeId dw = graph.addNode("dw", {r});
  ValueId d = graph.addResult(dw, 8);
  NodeId join = graph.addNode("join", {r, d});
  graph.markReturned(graph.addResult(join, 8));
  EXPECT_EQ(unitsOf(graph, MemoryModel::Strict), Units{});
}

} // namespace
