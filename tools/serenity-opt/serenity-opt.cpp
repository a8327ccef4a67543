//===- serenity-opt.cpp - mlir-opt with Serenity's passes -----------------===//
//
// Everything stock mlir-opt registers (so whole lowering pipelines run through
// it) plus the serenity dialect and passes.
//
//===----------------------------------------------------------------------===//

#include "serenity/Dialect/Serenity/SerenityDialect.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  serenity::registerSerenityPassesAndPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<serenity::SerenityDialect>();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Serenity memory-aware scheduling driver\n", registry));
}
