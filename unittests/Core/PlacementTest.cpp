//===- PlacementTest.cpp - Arena placement against definitions ------------===//

#include "serenity/Core/Placement.h"

#include "llvm/Support/thread.h"
#include "gtest/gtest.h"

#include <functional>
#include <random>

using namespace serenity;

namespace {

PlacementOptions withAlgorithm(PlacementAlgorithm algorithm,
                               uint64_t alignment = 1) {
  PlacementOptions options;
  options.algorithm = algorithm;
  options.alignment = alignment;
  return options;
}

/// Five buffers whose placements tell the greedy rules apart. In the order
/// W, Z, P, Q, X: W 16 bytes at step 2, Z 10 at step 0, P 4 at 0-1, Q 4 at
/// 1-2, X 2 at step 1. Largest first, W and Z go to 0, P above Z (10), Q above
/// W (16); X, live with P [10,14) and Q [16,20), sees gaps [0,10) and
/// [14,16).
std::vector<BufferLifetime> gapsExample() {
  return {{16, 2, 2}, {10, 0, 0}, {4, 0, 1}, {4, 1, 2}, {2, 1, 1}};
}

TEST(PlacementTest, TflmGreedyTakesTheFirstGap) {
  Placement p = placeBuffers(gapsExample(),
                             withAlgorithm(PlacementAlgorithm::TflmGreedy));
  EXPECT_EQ(p.offsets, (std::vector<uint64_t>{0, 0, 10, 16, 0}));
  EXPECT_EQ(p.arenaBytes, 20u);
  EXPECT_EQ(p.status, ScheduleStatus::Heuristic);
}

/// Five 32-byte buffers (ties everywhere), numbered in first-use order: A
/// 0-2, B 1, C and D 2-5, E 5-6. TFLite Micro's planner takes equal sizes
/// last-numbered first: E, D, C, B, A. E and D go to 0 and 32 (D above E,
/// both live at step 5), C above both (64), B at 0, A live with B, C and D
/// above all (96): 128 bytes, where first-use order (A at 0, B at 32, C at
/// 32, D at 64, E at 0) needs 96.
TEST(PlacementTest, TflmGreedyTakesEqualSizesLastNumberedFirst) {
  std::vector<BufferLifetime> ties = {
      {32, 0, 2}, {32, 1, 1}, {32, 2, 5}, {32, 2, 5}, {32, 5, 6}};
  Placement tflm =
      placeBuffers(ties, withAlgorithm(PlacementAlgorithm::TflmGreedy));
  EXPECT_EQ(tflm.offsets, (std::vector<uint64_t>{96, 0, 64, 32, 0}));
  EXPECT_EQ(tflm.arenaBytes, 128u);
  Placement bestFit =
      placeBuffers(ties, withAlgorithm(PlacementAlgorithm::TfliteArena));
  EXPECT_EQ(bestFit.offsets, (std::vector<uint64_t>{0, 32, 32, 64, 0}));
  EXPECT_EQ(bestFit.arenaBytes, 96u);
}

TEST(PlacementTest, TfliteArenaTakesTheSmallestGap) {
  Placement p = placeBuffers(gapsExample(),
                             withAlgorithm(PlacementAlgorithm::TfliteArena));
  EXPECT_EQ(p.offsets, (std::vector<uint64_t>{0, 0, 10, 16, 14}));
  EXPECT_EQ(p.arenaBytes, 20u);
}

TEST(PlacementTest, TvmGreedyStacksOnTheHighestOverlap) {
  Placement p =
      placeBuffers(gapsExample(), withAlgorithm(PlacementAlgorithm::TvmGreedy));
  EXPECT_EQ(p.offsets, (std::vector<uint64_t>{0, 0, 10, 16, 20}));
  EXPECT_EQ(p.arenaBytes, 22u);
}

TEST(PlacementTest, IreeInOrderPlacesByFirstUse) {
  // Z, P, Q, X, W: Z at 0, P above Z, Q at 0 (only P is live with it), X in
  // the gap [4,10) between Q and P, W above Q.
  Placement p = placeBuffers(gapsExample(),
                             withAlgorithm(PlacementAlgorithm::IreeInOrder));
  EXPECT_EQ(p.offsets, (std::vector<uint64_t>{4, 0, 10, 0, 4}));
  EXPECT_EQ(p.arenaBytes, 20u);
}

TEST(PlacementTest, LiveBytesBoundIsTheLargestStep) {
  // Step 0: Z + P = 14; step 1: P + Q + X = 10; step 2: W + Q = 20.
  EXPECT_EQ(computeLiveBytesBound(gapsExample(), 1), 20u);
  // Aligned to 16: step 1 is 16 + 16 + 16, step 2 is 16 + 16.
  EXPECT_EQ(computeLiveBytesBound(gapsExample(), 16), 48u);
}

TEST(PlacementTest, AlignmentRoundsOffsetsAndSizes) {
  Placement p = placeBuffers({{10, 0, 1}, {3, 1, 2}, {20, 2, 2}},
                             withAlgorithm(PlacementAlgorithm::Exact, 16));
  EXPECT_EQ(p.arenaBytes, 48u);
  EXPECT_EQ(p.liveBytesBound, 48u);
  EXPECT_EQ(p.status, ScheduleStatus::Optimal);
  EXPECT_EQ(verifyPlacement({{10, 0, 1}, {3, 1, 2}, {20, 2, 2}}, p.offsets,
                            p.arenaBytes, 16),
            std::nullopt);
  for (uint64_t offset : p.offsets)
    EXPECT_EQ(offset % 16, 0u);
}

/// Every greedy wastes a byte here. A = 1 byte at steps 0-2, B = 4 at 0,
/// C = 4 at 1, D = 3 at 2-3, E = 4 at 3: steps hold 5, 5, 4 and 7 bytes.
/// Largest first puts B, C and E at 0 (in either order of the equal sizes),
/// so D goes above E (4) and A above B, C and D (7): 8 bytes. In order of
/// first use, A goes to 0, B and C above it (1), D above A (1) and E above
/// D (4): 8 again. The exact search reaches the bound, 7 (B, C and D at 0,
/// E at 3, A at 6).
TEST(PlacementTest, ExactBeatsEveryGreedyWhereTheyWaste) {
  std::vector<BufferLifetime> buffers = {
      {1, 0, 2}, {4, 0, 0}, {4, 1, 1}, {3, 2, 3}, {4, 3, 3}};
  for (PlacementAlgorithm algorithm : allPlacementAlgorithms())
    if (algorithm != PlacementAlgorithm::Exact)
      EXPECT_EQ(placeBuffers(buffers, withAlgorithm(algorithm)).arenaBytes, 8u)
          << stringifyPlacementAlgorithm(algorithm).str();
  Placement exact =
      placeBuffers(buffers, withAlgorithm(PlacementAlgorithm::Exact));
  EXPECT_EQ(exact.arenaBytes, 7u);
  EXPECT_EQ(exact.liveBytesBound, 7u);
  EXPECT_EQ(exact.status, ScheduleStatus::Optimal);
  EXPECT_EQ(exact.producedBy, PlacementAlgorithm::Exact);
  EXPECT_EQ(verifyPlacement(buffers, exact.offsets, exact.arenaBytes, 1),
            std::nullopt);
}

/// The exact search places one buffer per level of its recursion: a group
/// of thousands of buffers (a patched network's: NASNet-A ImageNet in int8)
/// goes deeper than a thread's stack holds, here one of 1 MiB (a caller's
/// thread, as a pass's can be). The five buffers above in reverse time
/// (steps hold 7, 4, 5 and 5 bytes), on which the greedy planners waste a
/// byte, make the search run, then a chain of one-byte buffers follows.
TEST(PlacementTest, ExactSearchesDeeperThanTheCallersStack) {
  std::vector<BufferLifetime> buffers = {
      {1, 1, 3}, {4, 3, 3}, {4, 2, 2}, {3, 0, 1}, {4, 0, 0}};
  constexpr unsigned kChain = 4000;
  for (unsigned i = 0; i < kChain; ++i)
    buffers.push_back({1, 3 + i, 4 + i});
  for (PlacementAlgorithm algorithm : allPlacementAlgorithms())
    if (algorithm != PlacementAlgorithm::Exact)
      EXPECT_GE(placeBuffers(buffers, withAlgorithm(algorithm)).arenaBytes, 8u)
          << stringifyPlacementAlgorithm(algorithm).str();
  PlacementOptions options = withAlgorithm(PlacementAlgorithm::Exact);
  options.timeLimitMs = 0;
  Placement exact;
  llvm::thread caller(std::optional<unsigned>(1 << 20),
                      [&] { exact = placeBuffers(buffers, options); });
  caller.join();
  EXPECT_EQ(exact.arenaBytes, 7u);
  EXPECT_EQ(exact.status, ScheduleStatus::Optimal);
  EXPECT_EQ(exact.producedBy, PlacementAlgorithm::Exact);
  EXPECT_EQ(verifyPlacement(buffers, exact.offsets, exact.arenaBytes, 1),
            std::nullopt);
}

TEST(PlacementTest, VerifierCatchesOverlapsAndOverflow) {
  std::vector<BufferLifetime> buffers = {{8, 0, 2}, {8, 2, 3}, {8, 3, 4}};
  // 0 and 1 share step 2.
  EXPECT_NE(verifyPlacement(buffers, {0, 4, 16}, 24, 1), std::nullopt);
  // 0 and 2 never share a step: the same bytes are fine.
  EXPECT_EQ(verifyPlacement(buffers, {0, 8, 0}, 16, 1), std::nullopt);
  // Outside the arena.
  EXPECT_NE(verifyPlacement(buffers, {0, 8, 0}, 15, 1), std::nullopt);
  // Misaligned.
  EXPECT_NE(verifyPlacement(buffers, {0, 8, 0}, 16, 16), std::nullopt);
  // A buffer sharing the first byte of another.
  EXPECT_NE(verifyPlacement(buffers, {0, 7, 0}, 16, 1), std::nullopt);
}

TEST(PlacementTest, EmptyAndZeroSized) {
  Placement none = placeBuffers({}, PlacementOptions());
  EXPECT_EQ(none.arenaBytes, 0u);
  EXPECT_EQ(none.status, ScheduleStatus::Optimal);
  Placement zero = placeBuffers({{0, 0, 3}, {16, 1, 1}}, PlacementOptions());
  EXPECT_EQ(zero.arenaBytes, 16u);
  EXPECT_EQ(zero.offsets, (std::vector<uint64_t>{0, 0}));
}

TEST(PlacementTest, ArenaMapDrawsEveryBuffer) {
  std::string map = renderArenaMap(gapsExample(), {0, 0, 10, 16, 0}, 20, 20);
  EXPECT_EQ(map, "   0 |BBBBBBBBBBCCCC......|\n"
                 "   1 |EE........CCCC..DDDD|\n"
                 "   2 |AAAAAAAAAAAAAAAADDDD|\n");
}

/// The least arena for `buffers` by plain enumeration of offsets (sizes in
/// units of 1 byte): for each capacity from the bound upward, try every offset
/// of every buffer in turn. Shares nothing with the planners.
uint64_t bruteForceArena(const std::vector<BufferLifetime> &buffers) {
  uint64_t total = 0;
  for (const BufferLifetime &b : buffers)
    total += b.bytes;
  std::vector<uint64_t> offsets(buffers.size());
  uint64_t bound = 0;
  for (const BufferLifetime &b : buffers) {
    uint64_t live = 0;
    for (const BufferLifetime &c : buffers)
      if (c.firstStep <= b.firstStep && b.firstStep <= c.lastStep)
        live += c.bytes;
    bound = std::max(bound, live);
  }
  for (uint64_t capacity = bound; capacity <= total; ++capacity) {
    std::function<bool(unsigned)> fill = [&](unsigned i) {
      if (i == buffers.size())
        return true;
      if (buffers[i].bytes > capacity)
        return false;
      for (uint64_t o = 0; o + buffers[i].bytes <= capacity; ++o) {
        bool clash = false;
        for (unsigned j = 0; j < i && !clash; ++j)
          clash = buffers[j].firstStep <= buffers[i].lastStep &&
                  buffers[i].firstStep <= buffers[j].lastStep &&
                  offsets[j] < o + buffers[i].bytes &&
                  o < offsets[j] + buffers[j].bytes;
        if (clash)
          continue;
        offsets[i] = o;
        if (fill(i + 1))
          return true;
      }
      return false;
    };
    if (fill(0))
      return capacity;
  }
  return total;
}

std::vector<BufferLifetime> randomLifetimes(std::mt19937 &rng, unsigned count,
                                            unsigned steps, uint64_t maxBytes) {
  std::vector<BufferLifetime> buffers;
  for (unsigned i = 0; i < count; ++i) {
    unsigned a = std::uniform_int_distribution<unsigned>(0, steps - 1)(rng);
    unsigned length = std::uniform_int_distribution<unsigned>(0, 3)(rng);
    uint64_t bytes = std::uniform_int_distribution<uint64_t>(1, maxBytes)(rng);
    buffers.push_back({bytes, a, std::min(steps - 1, a + length)});
  }
  return buffers;
}

TEST(PlacementTest, ExactEqualsBruteForceOnSmallInstances) {
  std::mt19937 rng(9);
  unsigned beatGreedies = 0;
  for (unsigned trial = 0; trial < 3000; ++trial) {
    unsigned count = 1 + trial % 9;
    std::vector<BufferLifetime> buffers =
        randomLifetimes(rng, count, 2 + trial % 5, 4);
    Placement exact =
        placeBuffers(buffers, withAlgorithm(PlacementAlgorithm::Exact));
    ASSERT_EQ(verifyPlacement(buffers, exact.offsets, exact.arenaBytes, 1),
              std::nullopt)
        << "trial " << trial;
    ASSERT_EQ(exact.status, ScheduleStatus::Optimal) << "trial " << trial;
    ASSERT_EQ(exact.arenaBytes, bruteForceArena(buffers)) << "trial " << trial;
    uint64_t bestGreedy = ~uint64_t(0);
    for (PlacementAlgorithm algorithm : allPlacementAlgorithms())
      if (algorithm != PlacementAlgorithm::Exact)
        bestGreedy = std::min(
            bestGreedy,
            placeBuffers(buffers, withAlgorithm(algorithm)).arenaBytes);
    beatGreedies += exact.arenaBytes < bestGreedy;
  }
  // The instances must be hard enough to matter: on some the search beats
  // every greedy (24 of 3000 with this seed; 18 of the first 2000 since
  // tflm-greedy breaks ties as TFLM does, and so differs from
  // tflite-arena more often). Random small instances practically always
  // admit a placement at the live-bytes bound.
  EXPECT_GT(beatGreedies, 20u);
  RecordProperty("exact_beats_every_greedy", beatGreedies);
}

TEST(PlacementTest, EveryAlgorithmIsValidAndExactIsNeverWorse) {
  std::mt19937 rng(2023);
  unsigned proven = 0, atBound = 0;
  for (unsigned trial = 0; trial < 3000; ++trial) {
    unsigned count = 1 + trial % 40;
    std::vector<BufferLifetime> buffers =
        randomLifetimes(rng, count, 1 + trial % 30, 1 + trial % 1000);
    uint64_t alignment = trial % 3 == 0 ? 16 : 1;
    uint64_t bound = computeLiveBytesBound(buffers, alignment);
    // A node limit, not a time limit, so that the result is reproducible.
    PlacementOptions options =
        withAlgorithm(PlacementAlgorithm::Exact, alignment);
    options.timeLimitMs = 0;
    options.maxNodes = 200000;
    Placement exact = placeBuffers(buffers, options);
    proven += exact.status == ScheduleStatus::Optimal;
    atBound += exact.arenaBytes == bound;
    ASSERT_EQ(
        verifyPlacement(buffers, exact.offsets, exact.arenaBytes, alignment),
        std::nullopt)
        << "trial " << trial;
    for (PlacementAlgorithm algorithm : allPlacementAlgorithms()) {
      if (algorithm == PlacementAlgorithm::Exact)
        continue;
      Placement p = placeBuffers(buffers, withAlgorithm(algorithm, alignment));
      ASSERT_EQ(verifyPlacement(buffers, p.offsets, p.arenaBytes, alignment),
                std::nullopt)
          << stringifyPlacementAlgorithm(algorithm).str() << ", trial "
          << trial;
      ASSERT_GE(p.arenaBytes, bound);
      ASSERT_LE(exact.arenaBytes, p.arenaBytes)
          << stringifyPlacementAlgorithm(algorithm).str() << ", trial "
          << trial;
    }
  }
  // Most are proven; those that are not are still never above a greedy.
  EXPECT_GT(proven, 2800u);
  EXPECT_GE(atBound, proven - 10);
  RecordProperty("proven", proven);
}

TEST(PlacementTest, NodeLimitStopsWithBestFound) {
  // Many equal-length buffers that cannot reach the bound: the search must
  // give up at one node and return the best greedy, marked best-found.
  std::mt19937 rng(5);
  unsigned stopped = 0;
  for (unsigned trial = 0; trial < 200; ++trial) {
    std::vector<BufferLifetime> buffers = randomLifetimes(rng, 30, 12, 50);
    PlacementOptions options = withAlgorithm(PlacementAlgorithm::Exact);
    options.maxNodes = 1;
    Placement p = placeBuffers(buffers, options);
    ASSERT_EQ(verifyPlacement(buffers, p.offsets, p.arenaBytes, 1),
              std::nullopt);
    if (p.status == ScheduleStatus::BestFound) {
      ++stopped;
      EXPECT_GT(p.arenaBytes, p.liveBytesBound);
      EXPECT_LE(p.searchNodes, 40u);
    }
  }
  EXPECT_GT(stopped, 10u);
}

TEST(PlacementTest, NamesRoundTrip) {
  for (PlacementAlgorithm algorithm : allPlacementAlgorithms())
    EXPECT_EQ(parsePlacementAlgorithm(stringifyPlacementAlgorithm(algorithm)),
              algorithm);
  EXPECT_EQ(parsePlacementAlgorithm("first-fit"), std::nullopt);
}

} // namespace
