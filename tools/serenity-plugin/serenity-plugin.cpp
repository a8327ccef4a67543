//===- serenity-plugin.cpp - Serenity as an mlir-opt plugin ---------------===//
//
// One shared object, both kinds of mlir-opt plugin:
//   --load-dialect-plugin=SerenityPlugin.so  reads IR with Serenity's
//                                            reports (#serenity.schedule, ...)
//   --load-pass-plugin=SerenityPlugin.so     runs Serenity's passes
//
//===----------------------------------------------------------------------===//

#include "serenity/Dialect/Serenity/SerenityDialect.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "SerenityPasses", LLVM_VERSION_STRING,
          []() { serenity::registerSerenityPassesAndPipelines(); }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "Serenity", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            registry->insert<serenity::SerenityDialect>();
          }};
}
