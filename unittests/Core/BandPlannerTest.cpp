//===- BandPlannerTest.cpp - Bands of rows of a group of ops --------------===//

#include "serenity/Core/BandPlanner.h"

#include "gtest/gtest.h"

using namespace serenity;

namespace {

/// Rows of an input of `inputRows` rows that a window of `kernel` rows,
/// stride `stride` and `padLow` rows of padding above reads for `rows` of
/// its output.
BandOp::Input window(unsigned op, int64_t inputRows, int64_t kernel,
                     int64_t stride, int64_t padLow) {
  return {op, [=](RowRange rows) -> std::optional<RowRange> {
            return RowRange{
                std::max<int64_t>(rows.lo * stride - padLow, 0),
                std::min<int64_t>((rows.hi - 1) * stride - padLow + kernel,
                                  inputRows)};
          }};
}

/// Three 3x3 convolutions (stride 1, pad 1) on 8 rows, 10 MACs a row; the
/// last one's result leaves the group.
std::vector<BandOp> chainOfThree() {
  std::vector<BandOp> ops(3);
  for (unsigned i = 0; i < 3; ++i) {
    ops[i].rows = 8;
    ops[i].macs = 80;
    if (i > 0)
      ops[i].inputs.push_back(window(i - 1, 8, 3, 1, 1));
  }
  ops[2].exit = true;
  return ops;
}

// Recomputed halos: each patch computes half of the exit and, below it,
// one more row per op on the side of the other half (MCUNetV2): 4, 5, 6
// rows an op a patch, 30 rows for 24.
TEST(BandPlanner, RecomputedHalosGrowDownTheChain) {
  std::vector<BandOp> ops = chainOfThree();
  std::vector<PatchPlan> plans = planBands(ops, 2, /*cacheHalos=*/false);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0][2].computed, (RowRange{0, 4}));
  EXPECT_EQ(plans[0][1].computed, (RowRange{0, 5}));
  EXPECT_EQ(plans[0][0].computed, (RowRange{0, 6}));
  EXPECT_EQ(plans[1][2].computed, (RowRange{4, 8}));
  EXPECT_EQ(plans[1][1].computed, (RowRange{3, 8}));
  EXPECT_EQ(plans[1][0].computed, (RowRange{2, 8}));
  for (const PatchPlan &plan : plans)
    for (const BandPlan &entry : plan) {
      EXPECT_TRUE(entry.cached.empty());
      EXPECT_EQ(entry.band, entry.computed);
    }
  EXPECT_EQ(countBandMacs(ops, plans),
            std::make_pair(uint64_t(300), uint64_t(240)));
}

// Cached halos (StreamNet): the second patch takes the rows the first
// computed of its band from the first band's halo, and computes each row
// once: 0% extra MACs.
TEST(BandPlanner, CachedHalosComputeEveryRowOnce) {
  std::vector<BandOp> ops = chainOfThree();
  std::vector<PatchPlan> plans = planBands(ops, 2, /*cacheHalos=*/true);
  ASSERT_EQ(plans.size(), 2u);
  // The exit's halves meet without overlap: nothing cached.
  EXPECT_TRUE(plans[1][2].cached.empty());
  EXPECT_EQ(plans[1][2].computed, (RowRange{4, 8}));
  // Rows 3 and 4 of the middle op, computed by the first patch.
  EXPECT_EQ(plans[1][1].band, (RowRange{3, 8}));
  EXPECT_EQ(plans[1][1].cached, (RowRange{3, 5}));
  EXPECT_EQ(plans[1][1].computed, (RowRange{5, 8}));
  // The first op: the rows its reader computes read 4 to 8; 4 and 5 are
  // cached.
  EXPECT_EQ(plans[1][0].band, (RowRange{4, 8}));
  EXPECT_EQ(plans[1][0].cached, (RowRange{4, 6}));
  EXPECT_EQ(plans[1][0].computed, (RowRange{6, 8}));
  EXPECT_EQ(countBandMacs(ops, plans),
            std::make_pair(uint64_t(240), uint64_t(240)));
}

// A stride-2 op halves the rows its input needs; an op that reads an
// earlier one whole (a global pool) makes every patch compute all of it.
TEST(BandPlanner, StridesAndWholeReads) {
  std::vector<BandOp> ops(3);
  ops[0].rows = 8;
  ops[0].macs = 8;
  ops[1].rows = 4;
  ops[1].macs = 40;
  ops[1].inputs.push_back(window(0, 8, 3, 2, 1));
  ops[1].exit = true;
  std::vector<PatchPlan> plans = planBands(ops, 2, /*cacheHalos=*/false);
  // Output rows 0-1 read input rows 0-3 (row -1 is padding), 2-3 read 3-7.
  EXPECT_EQ(plans[0][0].computed, (RowRange{0, 4}));
  EXPECT_EQ(plans[1][0].computed, (RowRange{3, 8}));
  EXPECT_TRUE(plans[0][2].band.empty());

  ops[2].rows = 1;
  ops[2].macs = 4;
  ops[2].exit = true;
  ops[2].inputs.push_back({1, [](RowRange) { return std::nullopt; }});
  ops[1].exit = false;
  plans = planBands(ops, 2, /*cacheHalos=*/false);
  // One row leaves the group: the second patch's share of it (the first
  // has none), and with it all of op 1 and all of op 0.
  for (const BandPlan &entry : plans[0])
    EXPECT_TRUE(entry.band.empty());
  EXPECT_EQ(plans[1][2].computed, (RowRange{0, 1}));
  EXPECT_EQ(plans[1][1].computed, (RowRange{0, 4}));
  EXPECT_EQ(plans[1][0].computed, (RowRange{0, 8}));
  EXPECT_EQ(countBandMacs(ops, plans),
            std::make_pair(uint64_t(52), uint64_t(52)));
}

} // namespace
