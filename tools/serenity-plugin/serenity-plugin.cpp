//===- serenity-plugin.cpp - Serenity as an mlir-opt pass plugin ----------===//

#include "serenity/Transforms/Passes.h"

#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "SerenityPasses", LLVM_VERSION_STRING,
          []() { serenity::registerSerenityPassesAndPipelines(); }};
}
