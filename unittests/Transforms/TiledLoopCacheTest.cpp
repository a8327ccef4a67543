//===- TiledLoopCacheTest.cpp - Tile loops reused for equal ops -----------===//
//
// The fusion with a cache must make the IR it makes without one, whether a
// loop is cloned (equal ops, in the same function or in a copy of it that
// outlives the first) or tiled again (ops that differ in a constant).
//
//===----------------------------------------------------------------------===//

#include "../../lib/Transforms/TiledLoopCache.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

/// A chain of two convolutions of 3x3 filters (`first` and `second`, splat
/// constants) and their requantizations, each pair at the same locations,
/// as a patch repeats them.
std::string twoConvolutions(int first, int second) {
  const char *conv = R"mlir(
  %c{0} = tosa.conv2d %q{1}, %w{0}, %b, %izp, %wzp {{acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xi8>, tensor<4x3x3x4xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x4xi32> loc("conv")
  %q{0} = tosa.rescale %c{0}, %m, %s, %zp32, %izp {{scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x6x6x4xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x6x6x4xi8> loc("requantize")
)mlir";
  return llvm::formatv(R"mlir(
func.func @f(%q0: tensor<1x6x6x4xi8>) -> tensor<1x6x6x4xi8> {{
  %w1 = "tosa.const"() <{{values = dense<{0}> : tensor<4x3x3x4xi8>}> : () -> tensor<4x3x3x4xi8>
  %w2 = "tosa.const"() <{{values = dense<{1}> : tensor<4x3x3x4xi8>}> : () -> tensor<4x3x3x4xi8>
  %b = "tosa.const"() <{{values = dense<[7, -5, 3, 100]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %zp32 = "tosa.const"() <{{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %m = "tosa.const"() <{{values = dense<1073741824> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{{values = dense<40> : tensor<1xi8>}> : () -> tensor<1xi8>
  {2}  {3}  return %q2 : tensor<1x6x6x4xi8>
}
)mlir",
                       first, second, llvm::formatv(conv, 1, 0).str(),
                       llvm::formatv(conv, 2, 1).str())
      .str();
}

struct TiledLoopCacheTest : public ::testing::Test {
  TiledLoopCacheTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    registerAllPasses();
  }

  /// `source` lowered to Linalg (unfused).
  OwningOpRef<ModuleOp> lower(const std::string &source) {
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    PassManager pm(&context);
    EXPECT_TRUE(succeeded(parsePassPipeline(
        "func.func(tosa-to-linalg-named,tosa-to-linalg,"
        "tosa-to-arith{include-apply-rescale=true},tosa-to-tensor)",
        pm)));
    EXPECT_TRUE(succeeded(pm.run(*module)));
    return module;
  }

  /// `source` lowered and fused, with `cache` (none if null).
  std::string fuse(const std::string &source, serenity::TiledLoopCache *cache) {
    OwningOpRef<ModuleOp> module = lower(source);
    auto func = module->lookupSymbol<func::FuncOp>("f");
    EXPECT_TRUE(succeeded(serenity::fuseRequantization(
        func, /*tileWindowOps=*/true, /*writePartsInPlace=*/false, cache)));
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return text;
  }

  MLIRContext context;
};

TEST_F(TiledLoopCacheTest, ClonesTheLoopOfEqualOps) {
  std::string source = twoConvolutions(3, 3);
  serenity::TiledLoopCache cache(&context);
  std::string reused = fuse(source, &cache);
  EXPECT_EQ(cache.getNumReused(), 1u);
  EXPECT_EQ(reused, fuse(source, nullptr));
  EXPECT_NE(reused.find("scf.for"), std::string::npos);
  EXPECT_EQ(reused.find("tosa."), std::string::npos);
}

TEST_F(TiledLoopCacheTest, TilesAgainOpsOfAnotherConstant) {
  std::string source = twoConvolutions(3, 5);
  serenity::TiledLoopCache cache(&context);
  std::string fused = fuse(source, &cache);
  EXPECT_EQ(cache.getNumReused(), 0u);
  EXPECT_EQ(fused, fuse(source, nullptr));
  EXPECT_NE(fused.find("dense<5> : tensor<4x3x3x4xi8>"), std::string::npos);
}

TEST_F(TiledLoopCacheTest, ServesACopyAfterTheFirstIsGone) {
  std::string source = twoConvolutions(3, 5);
  serenity::TiledLoopCache cache(&context);
  // The first function (and its module) is destroyed inside fuse().
  fuse(source, &cache);
  ASSERT_EQ(cache.getNumReused(), 0u);
  std::string again = fuse(source, &cache);
  EXPECT_EQ(cache.getNumReused(), 2u);
  EXPECT_EQ(again, fuse(source, nullptr));
}

} // namespace
