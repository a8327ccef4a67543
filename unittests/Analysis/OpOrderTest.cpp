//===- OpOrderTest.cpp - isBeforeNearby -----------------------------------===//

#include "serenity/Analysis/OpOrder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

constexpr const char *kBody = R"mlir(
func.func @f(%cond: i1) -> i32 {
  %a = arith.constant 1 : i32
  %b = arith.constant 2 : i32
  %c = arith.addi %a, %b : i32
  %d = scf.if %cond -> i32 {
    %e = arith.muli %c, %c : i32
    scf.yield %e : i32
  } else {
    scf.yield %c : i32
  }
  return %d : i32
}
)mlir";

struct OpOrderTest : public ::testing::Test {
  OpOrderTest() {
    context
        .loadDialect<arith::ArithDialect, func::FuncDialect, scf::SCFDialect>();
    module = parseSourceString<ModuleOp>(kBody, &context);
    ops = llvm::map_to_vector(
        module->lookupSymbol<func::FuncOp>("f").getBody().front(),
        [](Operation &op) { return &op; });
  }
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  SmallVector<Operation *> ops; // a, b, c, if, return
};

TEST_F(OpOrderTest, FollowsTheBlockInBothDirections) {
  ASSERT_EQ(ops.size(), 5u);
  for (size_t i = 0; i < ops.size(); ++i)
    for (size_t j = 0; j < ops.size(); ++j)
      EXPECT_EQ(serenity::isBeforeNearby(ops[i], ops[j]), i < j)
          << "ops " << i << " and " << j;
}

TEST_F(OpOrderTest, OpsOfOtherBlocksAreNeither) {
  Operation *nested = &ops[3]->getRegion(0).front().front();
  EXPECT_FALSE(serenity::isBeforeNearby(ops[0], nested));
  EXPECT_FALSE(serenity::isBeforeNearby(nested, ops[4]));
}

TEST_F(OpOrderTest, SeesOpsInsertedSinceTheLastNumbering) {
  // The block numbered, then ops inserted between two neighbours, which
  // its numbers do not order yet.
  ASSERT_TRUE(ops[1]->isBeforeInBlock(ops[2]));
  OpBuilder builder(ops[2]);
  SmallVector<Operation *> inserted;
  for (int i = 0; i < 8; ++i)
    inserted.push_back(
        arith::ConstantIntOp::create(builder, ops[2]->getLoc(), i, 32)
            .getOperation());
  EXPECT_TRUE(serenity::isBeforeNearby(inserted.front(), inserted.back()));
  EXPECT_FALSE(serenity::isBeforeNearby(inserted.back(), inserted.front()));
  EXPECT_TRUE(serenity::isBeforeNearby(ops[1], inserted.front()));
  EXPECT_TRUE(serenity::isBeforeNearby(inserted.back(), ops[2]));
}

} // namespace
