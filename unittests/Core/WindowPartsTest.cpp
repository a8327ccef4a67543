//===- WindowPartsTest.cpp - Interior and borders of padded windows -------===//

#include "serenity/Core/WindowParts.h"

#include "gtest/gtest.h"

#include <vector>

using namespace serenity;

namespace {

/// Parts as {row begin, row end, column begin, column end, interior}.
std::vector<std::array<int64_t, 5>> partsOf(const WindowAxis &rows,
                                            const WindowAxis &columns) {
  std::vector<std::array<int64_t, 5>> result;
  for (const WindowPart &part : splitPaddedWindow(rows, columns))
    result.push_back({part.begin[0], part.end[0], part.begin[1], part.end[1],
                      part.interior});
  return result;
}

WindowAxis axis(int64_t input, int64_t low, int64_t high, int64_t kernel,
                int64_t stride, int64_t dilation = 1) {
  WindowAxis axis{input, low, high, kernel, stride, dilation, 0};
  axis.outputSize = (input + low + high - axis.span()) / stride + 1;
  return axis;
}

TEST(WindowParts, SamePaddingStrideOneHasFourBorders) {
  WindowAxis a = axis(8, 1, 1, 3, 1);
  EXPECT_EQ(partsOf(a, a),
            (std::vector<std::array<int64_t, 5>>{{0, 1, 0, 8, 0},
                                                 {1, 7, 0, 1, 0},
                                                 {1, 7, 1, 7, 1},
                                                 {1, 7, 7, 8, 0},
                                                 {7, 8, 0, 8, 0}}));
  // The top strip reads 3 padded rows of all 10 padded columns.
  EXPECT_EQ(getLargestBorderTile(a, a), (TileExtent{3, 10}));
}

TEST(WindowParts, TensorFlowSameStrideTwoPadsOnlyAfter) {
  WindowAxis a = axis(8, 0, 1, 3, 2);
  ASSERT_EQ(a.outputSize, 4);
  EXPECT_EQ(partsOf(a, a),
            (std::vector<std::array<int64_t, 5>>{
                {0, 3, 0, 3, 1}, {0, 3, 3, 4, 0}, {3, 4, 0, 4, 0}}));
  // The bottom row of outputs reads 3 rows of (4 - 1) * 2 + 3 columns.
  EXPECT_EQ(getLargestBorderTile(a, a), (TileExtent{3, 9}));
}

TEST(WindowParts, PyTorchStrideTwoPadsBothSides) {
  WindowAxis a = axis(8, 1, 1, 3, 2);
  ASSERT_EQ(a.outputSize, 4);
  EXPECT_EQ(partsOf(a, a),
            (std::vector<std::array<int64_t, 5>>{
                {0, 1, 0, 4, 0}, {1, 4, 0, 1, 0}, {1, 4, 1, 4, 1}}));
  // The top row of outputs reads 3 rows of (4 - 1) * 2 + 3 columns.
  EXPECT_EQ(getLargestBorderTile(a, a), (TileExtent{3, 9}));
}

TEST(WindowParts, DilationWidensTheBorder) {
  WindowAxis rows = axis(10, 2, 2, 3, 1, 2);
  WindowAxis columns = axis(10, 0, 0, 1, 1);
  EXPECT_EQ(partsOf(rows, columns),
            (std::vector<std::array<int64_t, 5>>{
                {0, 2, 0, 10, 0}, {2, 8, 0, 10, 1}, {8, 10, 0, 10, 0}}));
  // Two output rows at the top read 1 + 5 padded rows.
  EXPECT_EQ(getLargestBorderTile(rows, columns), (TileExtent{1 + 5, 10}));
}

TEST(WindowParts, NothingToSplit) {
  // Unpadded.
  WindowAxis unpadded = axis(8, 0, 0, 3, 1);
  EXPECT_TRUE(partsOf(unpadded, unpadded).empty());
  EXPECT_EQ(getLargestBorderTile(unpadded, unpadded).area(), 0);
  // No window lies inside a 2x2 map under a 3x3 kernel.
  WindowAxis tiny = axis(2, 1, 1, 3, 1);
  EXPECT_TRUE(partsOf(tiny, tiny).empty());
  EXPECT_EQ(getLargestBorderTile(tiny, tiny).area(), 0);
}

} // namespace
