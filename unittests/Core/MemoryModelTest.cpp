//===- MemoryModelTest.cpp - Peaks of hand-computed graphs ----------------===//

#include "serenity/Core/MemoryModel.h"
#include "ReferenceModel.h"

#include "gtest/gtest.h"

using namespace serenity;

namespace {

std::vector<uint64_t> footprints(const LivenessTrace &trace) {
  std::vector<uint64_t> result;
  for (const StepEffect &step : trace.steps)
    result.push_back(step.footprint);
  return result;
}

/// An 8-byte argument expanded to 64 bytes: the start several graphs share.
std::pair<NodeId, ValueId> addExpand(DataflowGraph &graph) {
  ValueId input = graph.addArgument(8);
  NodeId expand = graph.addNode("expand", {input});
  return {expand, graph.addResult(expand, 64)};
}

// a(16) -> n0 -> b(32) -> n1 -> c(8), c returned.
TEST(MemoryModelTest, ChainFreesOperandsAfterTheirLastUse) {
  DataflowGraph graph;
  ValueId a = graph.addArgument(16);
  NodeId n0 = graph.addNode("n0", {a});
  ValueId b = graph.addResult(n0, 32);
  NodeId n1 = graph.addNode("n1", {b});
  graph.markReturned(graph.addResult(n1, 8));
  for (MemoryModel model : {MemoryModel::Strict, MemoryModel::Inplace}) {
    LivenessModel liveness(graph, model);
    EXPECT_EQ(liveness.getInitialLiveBytes(), 16u);
    LivenessTrace trace = liveness.simulate({n0, n1});
    EXPECT_EQ(footprints(trace), (std::vector<uint64_t>{48, 40}));
    EXPECT_EQ(trace.steps[0].allocated, 32u);
    EXPECT_EQ(trace.steps[0].freed, 16u);
    EXPECT_EQ(trace.steps[1].freed, 32u);
    EXPECT_EQ(trace.steps[1].liveAfter, 8u);
    EXPECT_EQ(trace.peak, 48u);
    EXPECT_EQ(trace.peakStep, 0u);
  }
}

// a(8) -> n0 expand -> b(64) -> n1 clamp (element-wise) -> c(64)
//      -> n2 reduce -> d(8), returned.
TEST(MemoryModelTest, ElementwiseWritesIntoDyingOperandOnlyWhenInplace) {
  DataflowGraph graph;
  auto [n0, b] = addExpand(graph);
  NodeId n1 = graph.addNode("clamp", {b});
  ValueId c = graph.addResult(n1, 64, StorageKind::Elementwise, {b});
  NodeId n2 = graph.addNode("reduce", {c});
  graph.markReturned(graph.addResult(n2, 8));

  LivenessTrace strict =
      LivenessModel(graph, MemoryModel::Strict).simulate({n0, n1, n2});
  EXPECT_EQ(footprints(strict), (std::vector<uint64_t>{72, 128, 72}));
  EXPECT_EQ(strict.peak, 128u);
  EXPECT_EQ(strict.peakStep, 1u);

  LivenessTrace inplace =
      LivenessModel(graph, MemoryModel::Inplace).simulate({n0, n1, n2});
  EXPECT_EQ(footprints(inplace), (std::vector<uint64_t>{72, 64, 72}));
  EXPECT_EQ(inplace.steps[1].allocated, 0u);
  EXPECT_EQ(inplace.steps[1].freed, 0u);
  EXPECT_EQ(inplace.peak, 72u);
  EXPECT_EQ(inplace.peakStep, 0u);
}

TEST(MemoryModelTest, ElementwiseDoesNotWriteIntoALiveOperand) {
  DataflowGraph graph;
  auto [n0, b] = addExpand(graph);
  NodeId n1 = graph.addNode("clamp", {b});
  ValueId c = graph.addResult(n1, 64, StorageKind::Elementwise, {b});
  NodeId n2 = graph.addNode("add", {b, c});
  graph.markReturned(graph.addResult(n2, 64, StorageKind::Elementwise, {b, c}));
  LivenessTrace trace =
      LivenessModel(graph, MemoryModel::Inplace).simulate({n0, n1, n2});
  // clamp: b is still read by add; add: writes into b, c dies unreused.
  EXPECT_EQ(footprints(trace), (std::vector<uint64_t>{72, 128, 128}));
  EXPECT_EQ(trace.steps[2].allocated, 0u);
  EXPECT_EQ(trace.steps[2].freed, 64u);
  EXPECT_EQ(trace.steps[2].liveAfter, 64u);
}

TEST(MemoryModelTest, ElementwiseNeverWritesIntoAnArgument) {
  DataflowGraph graph;
  ValueId a = graph.addArgument(64);
  NodeId n0 = graph.addNode("clamp", {a});
  graph.markReturned(graph.addResult(n0, 64, StorageKind::Elementwise, {a}));
  EXPECT_EQ(LivenessModel(graph, MemoryModel::Inplace).peakOf({n0}), 128u);
}

// a(8) -> n0 -> b(64) -> n1 reshape (view) -> r(64) -> n2 -> c(64) -> n3 -> d.
TEST(MemoryModelTest, ViewsAliasOnlyWhenInplace) {
  DataflowGraph graph;
  auto [n0, b] = addExpand(graph);
  NodeId n1 = graph.addNode("reshape", {b});
  ValueId r = graph.addResult(n1, 64, StorageKind::View, {b});
  NodeId n2 = graph.addNode("conv", {r, b});
  ValueId c = graph.addResult(n2, 32);
  NodeId n3 = graph.addNode("reduce", {c});
  graph.markReturned(graph.addResult(n3, 8));

  LivenessTrace strict =
      LivenessModel(graph, MemoryModel::Strict).simulate({n0, n1, n2, n3});
  EXPECT_EQ(footprints(strict), (std::vector<uint64_t>{72, 128, 160, 40}));
  LivenessTrace inplace =
      LivenessModel(graph, MemoryModel::Inplace).simulate({n0, n1, n2, n3});
  // The view adds nothing and keeps b's buffer alive until conv.
  EXPECT_EQ(footprints(inplace), (std::vector<uint64_t>{72, 64, 96, 40}));
  EXPECT_EQ(inplace.steps[2].freed, 64u);
}

// Destination-passing: fill writes a fresh buffer (its init is empty), matmul
// writes into the filled buffer when it is its last use, in both models.
TEST(MemoryModelTest, DestinationReusesDyingInitInBothModels) {
  DataflowGraph graph;
  ValueId a = graph.addArgument(32);
  NodeId empty = graph.addNode("tensor.empty", {});
  ValueId e = graph.addResult(empty, 0);
  NodeId fill = graph.addNode("linalg.fill", {e});
  ValueId f = graph.addResult(fill, 32);
  NodeId matmul = graph.addNode("linalg.matmul", {a, f});
  graph.markReturned(
      graph.addResult(matmul, 32, StorageKind::Destination, {f}));
  for (MemoryModel model : {MemoryModel::Strict, MemoryModel::Inplace}) {
    LivenessTrace trace =
        LivenessModel(graph, model).simulate({empty, fill, matmul});
    EXPECT_EQ(footprints(trace), (std::vector<uint64_t>{32, 64, 64}));
    EXPECT_EQ(trace.steps[2].allocated, 0u);
    EXPECT_EQ(trace.steps[2].liveAfter, 32u);
  }
}

TEST(MemoryModelTest, DestinationCopiesWhenInitIsStillNeeded) {
  DataflowGraph graph;
  ValueId a = graph.addArgument(32);
  NodeId fill = graph.addNode("fill", {});
  ValueId f = graph.addResult(fill, 32);
  NodeId matmul = graph.addNode("matmul", {a, f});
  ValueId m = graph.addResult(matmul, 32, StorageKind::Destination, {f});
  NodeId add = graph.addNode("add", {m, f});
  graph.markReturned(graph.addResult(add, 32));
  LivenessTrace trace =
      LivenessModel(graph, MemoryModel::Strict).simulate({fill, matmul, add});
  EXPECT_EQ(footprints(trace), (std::vector<uint64_t>{64, 96, 96}));
}

TEST(MemoryModelTest, UnusedArgumentIsNeverLiveAndReturnedOneAlways) {
  DataflowGraph graph;
  graph.addArgument(1000); // Nothing reads it.
  ValueId kept = graph.addArgument(10);
  graph.markReturned(kept);
  ValueId x = graph.addArgument(4);
  NodeId n0 = graph.addNode("n0", {x, x});   // Read twice, counted once.
  ValueId unused = graph.addResult(n0, 100); // No user: freed right after.
  (void)unused;
  NodeId n1 = graph.addNode("n1", {});
  graph.markReturned(graph.addResult(n1, 1));
  LivenessModel liveness(graph, MemoryModel::Strict);
  EXPECT_EQ(liveness.getInitialLiveBytes(), 14u);
  LivenessTrace trace = liveness.simulate({n0, n1});
  EXPECT_EQ(footprints(trace), (std::vector<uint64_t>{114, 11}));
  EXPECT_EQ(trace.steps[0].freed, 104u);
}

TEST(MemoryModelTest, WeightsCostNothing) {
  DataflowGraph graph;
  ValueId a = graph.addArgument(16);
  ValueId weight = graph.addConstant("tosa.const");
  NodeId conv = graph.addNode("conv", {a, weight});
  graph.markReturned(graph.addResult(conv, 16));
  EXPECT_EQ(graph.getProgramOrder(), std::vector<NodeId>{conv});
  EXPECT_EQ(LivenessModel(graph, MemoryModel::Strict).peakOf({conv}), 32u);
}

TEST(MemoryModelTest, EmptyScheduleHoldsTheArguments) {
  DataflowGraph graph;
  graph.markReturned(graph.addArgument(24));
  graph.addArgument(8);
  LivenessTrace trace = LivenessModel(graph, MemoryModel::Strict).simulate({});
  EXPECT_EQ(trace.peak, 32u);
  EXPECT_FALSE(trace.peakStep.has_value());
}

TEST(MemoryModelTest, AgreesWithReferenceOnHandGraphs) {
  DataflowGraph graph;
  auto [n0, b] = addExpand(graph);
  NodeId n1 = graph.addNode("reshape", {b});
  ValueId r = graph.addResult(n1, 64, StorageKind::View, {b});
  NodeId n2 = graph.addNode("clamp", {r});
  ValueId c = graph.addResult(n2, 64, StorageKind::Elementwise, {r});
  NodeId n3 = graph.addNode("reduce", {c});
  graph.markReturned(graph.addResult(n3, 8));
  for (MemoryModel model : {MemoryModel::Strict, MemoryModel::Inplace})
    EXPECT_EQ(
        footprints(LivenessModel(graph, model).simulate({n0, n1, n2, n3})),
        reference::referenceFootprints(graph, model, {n0, n1, n2, n3}));
}

// The `bufferized` model: arguments and returned values are the caller's,
// every buffer is rounded up to 16 bytes, and a node's lowering temporaries
// count at the op of the lowering where they live.
// x (argument) -> n0 -> a(40 -> 48) -> n1 padded conv -> b(80) -> n2 -> c
// (returned). n1 first copies a into a 112-byte padded temporary (a still
// read), then computes b from the temporary (a no longer read).
TEST(MemoryModelTest, BufferizedCountsLoweringTemporariesOpByOp) {
  DataflowGraph graph;
  ValueId x = graph.addArgument(1000);
  NodeId n0 = graph.addNode("n0", {x});
  ValueId a = graph.addResult(n0, 40);
  NodeId n1 = graph.addNode("conv", {a});
  ValueId b = graph.addResult(n1, 80);
  graph.setLowering(n1, {{112, true, false}, {112, false, true}});
  NodeId n2 = graph.addNode("n2", {b});
  graph.markReturned(graph.addResult(n2, 500));

  LivenessModel bufferized(graph, MemoryModel::Bufferized);
  EXPECT_EQ(bufferized.getInitialLiveBytes(), 0u);
  LivenessTrace trace = bufferized.simulate({n0, n1, n2});
  // n1: max(48 + 112, 112 + 80) = 192; the returned c takes no arena bytes.
  EXPECT_EQ(footprints(trace), (std::vector<uint64_t>{48, 192, 80}));
  EXPECT_EQ(trace.steps[1].liveAfter, 80u);
  EXPECT_EQ(trace.steps[2].liveAfter, 0u);
  // The node's own share under every schedule: its operand is not read while
  // the result is written, so at most max(48 + 112, 112 + 80).
  EXPECT_EQ(bufferized.getOwnFootprint(n1), 192u);

  // The other models ignore the lowering and count the caller's buffers.
  EXPECT_EQ(
      footprints(
          LivenessModel(graph, MemoryModel::Strict).simulate({n0, n1, n2})),
      (std::vector<uint64_t>{1040, 120, 580}));
}

// A fused node whose lowering copies one operand into a padded temporary
// and reads the other in its last op (an int8 add of an average pool and a
// convolution, fused): the copied operand is free from the second op on,
// the other only after the node.
// a (48), b (64) -> n0 fused: pad a into 112 (a, b live), then the loop with
// the copy and a 32-byte tile, reading b (a done), writing c (80, returned
// later by n1).
TEST(MemoryModelTest, BufferizedOperandsDoneFreeTheirBufferEarly) {
  DataflowGraph graph;
  ValueId x = graph.addArgument(1000);
  NodeId na = graph.addNode("na", {x});
  ValueId a = graph.addResult(na, 48);
  NodeId nb = graph.addNode("nb", {x});
  ValueId b = graph.addResult(nb, 64);
  NodeId fused = graph.addNode("fused", {a, b});
  ValueId c = graph.addResult(fused, 80);
  LoweringStep pad{112, true, false};
  LoweringStep loop{112 + 32, true, true};
  loop.operandsDone = {a};
  graph.setLowering(fused, {pad, loop});
  NodeId n1 = graph.addNode("n1", {c});
  graph.markReturned(graph.addResult(n1, 500));

  LivenessModel bufferized(graph, MemoryModel::Bufferized);
  LivenessTrace trace = bufferized.simulate({na, nb, fused, n1});
  // fused: max(48 + 64 + 112, 64 + 144 + 80) = 288.
  EXPECT_EQ(footprints(trace), (std::vector<uint64_t>{48, 112, 288, 80}));
  EXPECT_EQ(bufferized.getOwnFootprint(fused), 288u);
  // a read again later: it does not die at the node, and stays counted.
  NodeId n2 = graph.addNode("n2", {a});
  graph.markReturned(graph.addResult(n2, 16));
  LivenessModel later(graph, MemoryModel::Bufferized);
  EXPECT_EQ(footprints(later.simulate({na, nb, fused, n1, n2})),
            (std::vector<uint64_t>{48, 112, 336, 128, 48}));
}

// A slice is read in place (an alias of its source) under `bufferized` only;
// a reshape of a slice is a copy there, since a strided part of a buffer
// cannot be reshaped in place.
TEST(MemoryModelTest, BufferizedSlicesAliasAndReshapedSlicesCopy) {
  DataflowGraph graph;
  auto [n0, b] = addExpand(graph);
  NodeId slice = graph.addNode("slice", {b});
  ValueId s = graph.addResult(slice, 32, StorageKind::Subview, {b});
  NodeId reshape = graph.addNode("reshape", {s});
  ValueId r = graph.addResult(reshape, 32, StorageKind::View, {s});
  NodeId use = graph.addNode("use", {r});
  graph.markReturned(graph.addResult(use, 8));
  std::vector<NodeId> order = {n0, slice, reshape, use};

  // Bufferized: b (64) lives until the reshape copies its slice (32).
  EXPECT_EQ(
      footprints(LivenessModel(graph, MemoryModel::Bufferized).simulate(order)),
      (std::vector<uint64_t>{64, 64, 96, 32}));
  // Inplace: the slice is a new buffer, the reshape its alias.
  EXPECT_EQ(
      footprints(LivenessModel(graph, MemoryModel::Inplace).simulate(order)),
      (std::vector<uint64_t>{72, 96, 32, 40}));
}

// An in-place concat that is returned: the first insert allocates, the
// second writes into it, and the result is returned. Under `bufferized` the
// whole chain is the caller's out-param; were r1 read again, it would be
// copied, and it would count.
TEST(MemoryModelTest, BufferizedReturnedDestinationChainIsTheCallers) {
  DataflowGraph graph;
  ValueId x = graph.addArgument(32);
  NodeId n0 = graph.addNode("a", {x});
  ValueId a = graph.addResult(n0, 64);
  NodeId n1 = graph.addNode("insert", {a});
  ValueId r1 = graph.addResult(n1, 128);
  NodeId n2 = graph.addNode("b", {x});
  ValueId b = graph.addResult(n2, 64);
  NodeId n3 = graph.addNode("insert", {b, r1});
  graph.markReturned(graph.addResult(n3, 128, StorageKind::Destination, {r1}));
  EXPECT_EQ(footprints(LivenessModel(graph, MemoryModel::Bufferized)
                           .simulate({n0, n1, n2, n3})),
            (std::vector<uint64_t>{64, 64, 64, 64}));

  NodeId reader = graph.addNode("reader", {r1});
  graph.markReturned(graph.addResult(reader, 16));
  EXPECT_EQ(footprints(LivenessModel(graph, MemoryModel::Bufferized)
                           .simulate({n0, n1, n2, n3, reader})),
            (std::vector<uint64_t>{64, 192, 192, 192, 128}));
}

// A patch computing its rows where they go: a slice of X (e), an op
// writing into it (d), the insert back into X at the same place (i). Under
// `bufferized` d and i are X itself (one-shot bufferization writes the
// slice in place); under `strict` (which also counts the 32-byte argument
// until the producer reads it) e is a new buffer, d writes into it as it
// dies, and i into the dying X. Returned, X is the caller's out-param.
TEST(MemoryModelTest, BufferizedSliceWrittenInPlaceIsItsBuffer) {
  for (bool returnInsert : {false, true}) {
    DataflowGraph graph;
    ValueId arg = graph.addArgument(32);
    NodeId empty = graph.addNode("empty", {});
    ValueId x = graph.addResult(empty, 96);
    NodeId producer = graph.addNode("producer", {arg});
    ValueId p = graph.addResult(producer, 32);
    NodeId slice = graph.addNode("slice", {x});
    ValueId e = graph.addResult(slice, 32, StorageKind::Subview, {x});
    NodeId compute = graph.addNode("compute", {p, e});
    ValueId d = graph.addResult(compute, 32, StorageKind::SliceInPlace, {e});
    NodeId insert = graph.addNode("insert", {d, x});
    ValueId i = graph.addResult(insert, 96, StorageKind::SliceInPlace, {x});
    std::vector<NodeId> order = {empty, producer, slice, compute, insert};
    if (returnInsert) {
      graph.markReturned(i);
    } else {
      NodeId consumer = graph.addNode("consumer", {i});
      graph.markReturned(graph.addResult(consumer, 16));
      order.push_back(consumer);
    }
    std::vector<uint64_t> bufferized =
        returnInsert ? std::vector<uint64_t>{0, 32, 32, 32, 0}
                     : std::vector<uint64_t>{96, 128, 128, 128, 96, 96};
    EXPECT_EQ(
        footprints(
            LivenessModel(graph, MemoryModel::Bufferized).simulate(order)),
        bufferized)
        << "returned: " << returnInsert;
    std::vector<uint64_t> strict =
        returnInsert ? std::vector<uint64_t>{128, 160, 160, 160, 128}
                     : std::vector<uint64_t>{128, 160, 160, 160, 128, 112};
    EXPECT_EQ(
        footprints(LivenessModel(graph, MemoryModel::Strict).simulate(order)),
        strict)
        << "returned: " << returnInsert;
  }
}

// An in-place depthwise convolution (dw) writes its 24-byte result over the
// 96-byte X it alone reads, holding a 16-byte one-channel temporary: under
// `bufferized` the result is X's buffer, all 96 bytes of it, until the
// consumer has read it (a stride-2 result is a corner of X). Under `strict`
// (which counts the 32-byte argument until p reads it) a new buffer.
TEST(MemoryModelTest, BufferizedChannelsInPlaceKeepOperandsBuffer) {
  DataflowGraph graph;
  ValueId arg = graph.addArgument(32);
  NodeId p = graph.addNode("p", {arg});
  ValueId x = graph.addResult(p, 96);
  NodeId dw = graph.addNode("dw", {x});
  ValueId r = graph.addResult(dw, 24, StorageKind::ChannelsInPlace, {x});
  graph.setLowering(dw, {LoweringStep{16, true, true}});
  NodeId consumer = graph.addNode("consumer", {r});
  ValueId c = graph.addResult(consumer, 16);
  NodeId last = graph.addNode("last", {c});
  graph.markReturned(graph.addResult(last, 16));
  std::vector<NodeId> order = {p, dw, consumer, last};
  LivenessModel bufferized(graph, MemoryModel::Bufferized);
  EXPECT_EQ(bufferized.getBufferOf(r), bufferized.getBufferOf(x));
  EXPECT_EQ(footprints(bufferized.simulate(order)),
            (std::vector<uint64_t>{96, 112, 112, 16}));
  EXPECT_EQ(
      footprints(LivenessModel(graph, MemoryModel::Strict).simulate(order)),
      (std::vector<uint64_t>{128, 120, 40, 32}));
}

TEST(MemoryModelTest, BufferizedNamesRoundTrip) {
  EXPECT_EQ(parseMemoryModel("bufferized"), MemoryModel::Bufferized);
  EXPECT_EQ(stringifyMemoryModel(MemoryModel::Bufferized), "bufferized");
}

} // namespace
