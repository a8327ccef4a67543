//===- BandPlannerTest.cpp - Bands of rows of a group of ops --------------===//

#include "serenity/Core/BandPlanner.h"

#include "gtest/gtest.h"

using namespace serenity;

namespace {

/// The range of an input axis of `extent` that a window of `kernel`,
/// stride `stride` and `padLow` of padding before reads for `range` of its
/// output.
RowRange windowRead(RowRange range, int64_t extent, int64_t kernel,
                    int64_t stride, int64_t padLow) {
  return {std::max<int64_t>(range.lo * stride - padLow, 0),
          std::min<int64_t>((range.hi - 1) * stride - padLow + kernel, extent)};
}

/// A square window on an input of `inputRows` x `inputCols`.
BandOp::Input window(unsigned op, int64_t inputRows, int64_t kernel,
                     int64_t stride, int64_t padLow, int64_t inputCols = 1) {
  return {op, [=](Tile tile) -> std::optional<Tile> {
            return Tile{
                windowRead(tile.rows, inputRows, kernel, stride, padLow),
                windowRead(tile.cols, inputCols, kernel, stride, padLow)};
          }};
}

/// Three 3x3 convolutions (stride 1, pad 1) on 8 rows of `cols` columns, 10
/// MACs an element; the last one's result leaves the group.
std::vector<BandOp> chainOfThree(int64_t cols = 1) {
  std::vector<BandOp> ops(3);
  for (unsigned i = 0; i < 3; ++i) {
    ops[i].rows = 8;
    ops[i].cols = cols;
    ops[i].macs = 80 * cols;
    if (i > 0)
      ops[i].inputs.push_back(window(i - 1, 8, 3, 1, 1, cols));
  }
  ops[2].exit = true;
  return ops;
}

// Recomputed halos: each patch computes half of the exit and, below it,
// one more row per op on the side of the other half (MCUNetV2): 4, 5, 6
// rows an op a patch, 30 rows for 24.
TEST(BandPlanner, RecomputedHalosGrowDownTheChain) {
  std::vector<BandOp> ops = chainOfThree();
  std::vector<PatchPlan> plans =
      planBands(ops, Grid{2, 1}, /*cacheHalos=*/false);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_EQ(plans[0][2].computed.rows, (RowRange{0, 4}));
  EXPECT_EQ(plans[0][1].computed.rows, (RowRange{0, 5}));
  EXPECT_EQ(plans[0][0].computed.rows, (RowRange{0, 6}));
  EXPECT_EQ(plans[1][2].computed.rows, (RowRange{4, 8}));
  EXPECT_EQ(plans[1][1].computed.rows, (RowRange{3, 8}));
  EXPECT_EQ(plans[1][0].computed.rows, (RowRange{2, 8}));
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
  std::vector<PatchPlan> plans =
      planBands(ops, Grid{2, 1}, /*cacheHalos=*/true);
  ASSERT_EQ(plans.size(), 2u);
  // The exit's halves meet without overlap: nothing cached.
  EXPECT_TRUE(plans[1][2].cached.empty());
  EXPECT_EQ(plans[1][2].computed.rows, (RowRange{4, 8}));
  // Rows 3 and 4 of the middle op, computed by the first patch.
  EXPECT_EQ(plans[1][1].band.rows, (RowRange{3, 8}));
  EXPECT_EQ(plans[1][1].cached.rows, (RowRange{3, 5}));
  EXPECT_EQ(plans[1][1].computed.rows, (RowRange{5, 8}));
  // The first op: the rows its reader computes read 4 to 8; 4 and 5 are
  // cached.
  EXPECT_EQ(plans[1][0].band.rows, (RowRange{4, 8}));
  EXPECT_EQ(plans[1][0].cached.rows, (RowRange{4, 6}));
  EXPECT_EQ(plans[1][0].computed.rows, (RowRange{6, 8}));
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
  std::vector<PatchPlan> plans =
      planBands(ops, Grid{2, 1}, /*cacheHalos=*/false);
  // Output rows 0-1 read input rows 0-3 (row -1 is padding), 2-3 read 3-7.
  EXPECT_EQ(plans[0][0].computed.rows, (RowRange{0, 4}));
  EXPECT_EQ(plans[1][0].computed.rows, (RowRange{3, 8}));
  EXPECT_TRUE(plans[0][2].band.empty());

  ops[2].rows = 1;
  ops[2].macs = 4;
  ops[2].exit = true;
  ops[2].inputs.push_back({1, [](Tile) { return std::nullopt; }});
  ops[1].exit = false;
  plans = planBands(ops, Grid{2, 1}, /*cacheHalos=*/false);
  // One row leaves the group: the second patch's share of it (the first
  // has none), and with it all of op 1 and all of op 0.
  for (const BandPlan &entry : plans[0])
    EXPECT_TRUE(entry.band.empty());
  EXPECT_EQ(plans[1][2].computed.rows, (RowRange{0, 1}));
  EXPECT_EQ(plans[1][1].computed.rows, (RowRange{0, 4}));
  EXPECT_EQ(plans[1][0].computed.rows, (RowRange{0, 8}));
  EXPECT_EQ(countBandMacs(ops, plans),
            std::make_pair(uint64_t(52), uint64_t(52)));
}

// A 2x2 grid with halos recomputed on both axes: each patch computes a
// quarter of the exit and a tile one row and one column larger per op
// towards the other quarters: 16, 25, 36 elements an op a patch.
TEST(BandPlanner, TwoDimensionalTilesRecomputeBothHalos) {
  std::vector<BandOp> ops = chainOfThree(/*cols=*/8);
  std::vector<PatchPlan> plans = planBands(ops, Grid{2, 2}, false);
  ASSERT_EQ(plans.size(), 4u);
  EXPECT_EQ(plans[0][2].computed, (Tile{{0, 4}, {0, 4}}));
  EXPECT_EQ(plans[0][1].computed, (Tile{{0, 5}, {0, 5}}));
  EXPECT_EQ(plans[0][0].computed, (Tile{{0, 6}, {0, 6}}));
  EXPECT_EQ(plans[1][2].computed, (Tile{{0, 4}, {4, 8}}));
  EXPECT_EQ(plans[1][0].computed, (Tile{{0, 6}, {2, 8}}));
  EXPECT_EQ(plans[3][2].computed, (Tile{{4, 8}, {4, 8}}));
  EXPECT_EQ(plans[3][0].computed, (Tile{{2, 8}, {2, 8}}));
  EXPECT_EQ(countBandMacs(ops, plans),
            std::make_pair(uint64_t(10 * (64 + 100 + 144)), uint64_t(1920)));
}

// Cached along columns (StreamNet's split): the second patch of a row of
// patches takes the columns the first computed from its halo, so the
// extra MACs are those of the row halos alone, as in bands of 2 patches;
// a new row of patches spans other rows and caches nothing.
TEST(BandPlanner, TwoDimensionalTilesCacheColumnHalos) {
  std::vector<BandOp> ops = chainOfThree(/*cols=*/8);
  std::vector<PatchPlan> plans = planBands(ops, Grid{2, 2}, true);
  ASSERT_EQ(plans.size(), 4u);
  EXPECT_TRUE(plans[1][2].cached.empty());
  EXPECT_EQ(plans[1][1].band, (Tile{{0, 5}, {3, 8}}));
  EXPECT_EQ(plans[1][1].cached, (Tile{{0, 5}, {3, 5}}));
  EXPECT_EQ(plans[1][1].computed, (Tile{{0, 5}, {5, 8}}));
  EXPECT_EQ(plans[1][0].band, (Tile{{0, 6}, {4, 8}}));
  EXPECT_EQ(plans[1][0].cached, (Tile{{0, 6}, {4, 6}}));
  EXPECT_EQ(plans[1][0].computed, (Tile{{0, 6}, {6, 8}}));
  EXPECT_TRUE(plans[2][1].cached.empty());
  EXPECT_EQ(plans[2][1].computed, (Tile{{3, 8}, {0, 5}}));
  std::vector<PatchPlan> bands = planBands(ops, Grid{2, 1}, false);
  EXPECT_EQ(countBandMacs(ops, plans), countBandMacs(ops, bands));
  EXPECT_EQ(countBandMacs(ops, plans),
            std::make_pair(uint64_t(2400), uint64_t(1920)));
}

// An op whose halos may not be cached (a pad) computes its whole band in
// every patch, from its reader's needs; the op it reads keeps its cached
// halo.
TEST(BandPlanner, UncacheableOpsComputeTheirWholeBand) {
  std::vector<BandOp> ops = chainOfThree();
  ops[1].cacheable = false;
  std::vector<PatchPlan> plans = planBands(ops, Grid{2, 1}, true);
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_TRUE(plans[1][1].cached.empty());
  EXPECT_EQ(plans[1][1].computed.rows, (RowRange{3, 8}));
  // Op 0 caches rows 2-5 of the rows 2-8 that op 1's band reads.
  EXPECT_EQ(plans[1][0].band.rows, (RowRange{2, 8}));
  EXPECT_EQ(plans[1][0].cached.rows, (RowRange{2, 6}));
  EXPECT_EQ(plans[1][0].computed.rows, (RowRange{6, 8}));
  // Op 1 computes 5 + 5 rows: 100 MACs for 80.
  EXPECT_EQ(countBandMacs(ops, plans),
            std::make_pair(uint64_t(80 + 100 + 80), uint64_t(240)));
}

} // namespace
