//===- serenity-compile.cpp - A planned model as a Cortex-M object --------===//
//
//   serenity-compile model.mlir -o build/model [--mcpu=cortex-m4] [--ram=256K]
//                    [--flash=1M] [--stack=8K] [--heap=4K]
//
// writes build/model.o (the entry point, its weights and its arena) and
// build/model.h (its C declaration, buffer shapes and arena size), and prints
// the memory summary. The flow lives in targets/cortex-m/Compile.cpp.
//
//===----------------------------------------------------------------------===//

#include "serenity/Target/CortexM.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <tuple>

using namespace mlir;
using namespace serenity;
namespace cl = llvm::cl;

// --help lists these only; LLVM's and MLIR's own flags (e.g. --time-passes)
// still work.
static cl::OptionCategory toolOptions("serenity-compile options");

static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("<input .mlir (TOSA or Linalg "
                                               "on tensors)>"),
                                      cl::init("-"), cl::cat(toolOptions));
static cl::opt<std::string>
    outputPrefix("o", cl::Required, cl::value_desc("prefix"),
                 cl::desc("Write <prefix>.o and <prefix>.h"),
                 cl::cat(toolOptions));
static cl::opt<std::string> cpu("mcpu", cl::init("cortex-m4"),
                                cl::desc("ARM M-profile CPU (cortex-m4, "
                                         "cortex-m7, cortex-m55, ...)"),
                                cl::cat(toolOptions));
static cl::opt<FloatABI>
    floatABI("float-abi", cl::init(FloatABI::Hard), cl::desc("Float ABI"),
             cl::values(clEnumValN(FloatABI::Hard, "hard", "FPU registers"),
                        clEnumValN(FloatABI::SoftFP, "softfp",
                                   "FPU instructions, integer-register calls"),
                        clEnumValN(FloatABI::Soft, "soft", "no FPU")),
             cl::cat(toolOptions));
static cl::opt<std::string>
    pipeline("pipeline", cl::init(""),
             cl::desc("Options of --serenity-pipeline, e.g. \"rewrite=1 "
                      "placement=exact\" (the arena is always global)"),
             cl::cat(toolOptions));
static cl::opt<std::string>
    ram("ram", cl::init(""),
        cl::desc("SRAM budget (e.g. 256K): fail when the arena, the inputs "
                 "and outputs outside it, the stack and the heap need more"),
        cl::cat(toolOptions));
static cl::opt<std::string>
    stack("stack", cl::init("8K"),
          cl::desc("Stack the program reserves, counted in RAM (default: "
                   "serenity-run-qemu's 8K); the model's estimate must fit"),
          cl::cat(toolOptions));
static cl::opt<std::string>
    heap("heap", cl::init("4K"),
         cl::desc("Heap the program reserves for its C library, counted in "
                  "RAM (default: serenity-run-qemu's 4K)"),
         cl::cat(toolOptions));
static cl::opt<std::string>
    flash("flash", cl::init(""),
          cl::desc("Flash budget (e.g. 1M): fail when the weights and the "
                   "code need more"),
          cl::cat(toolOptions));
static cl::opt<std::string>
    report("report", cl::init(""), cl::value_desc("file"),
           cl::desc("Also write the figures as JSON to this file"),
           cl::cat(toolOptions));
static cl::opt<bool> quiet("quiet", cl::init(false),
                           cl::desc("Do not print the memory summary"),
                           cl::cat(toolOptions));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAllPasses();
  registerSerenityPassesAndPipelines();
  cl::HideUnrelatedOptions(toolOptions);
  cl::ParseCommandLineOptions(
      argc, argv,
      "serenity-compile: a TOSA model, scheduled, rewritten and planned by "
      "Serenity, as an object file for an ARM Cortex-M\n");

  CortexMOptions options;
  options.cpu = cpu;
  options.floatABI = floatABI;
  options.pipelineOptions = pipeline;
  for (auto [name, text, bytes] :
       {std::make_tuple("ram", &ram, &options.ramBytes),
        std::make_tuple("flash", &flash, &options.flashBytes),
        std::make_tuple("stack", &stack, &options.stackReserveBytes),
        std::make_tuple("heap", &heap, &options.heapBytes)}) {
    if (text->empty())
      continue;
    std::optional<uint64_t> parsed = parseByteSize(*text);
    if (!parsed) {
      llvm::errs() << "serenity-compile: --" << name
                   << ": expected a size such as 262144, 256K or 1M, got '"
                   << *text << "'\n";
      return 1;
    }
    *bytes = *parsed;
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<SerenityDialect>();
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input = openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << "serenity-compile: " << error << "\n";
    return 1;
  }
  llvm::SourceMgr sources;
  sources.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sources, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sources, &context);
  if (!module)
    return 1;
  // As read: what the budget check's suggestions plan again.
  OwningOpRef<ModuleOp> original(module->clone());
  FailureOr<CompiledModel> compiled = compileForCortexM(*module, options);
  if (failed(compiled))
    return 1;
  Operation *entry = SymbolTable::lookupSymbolIn(*module, compiled->entry);
  Location loc = entry ? entry->getLoc() : module->getLoc();
  // Over a budget: nothing is written, and the summary shows where the
  // bytes go.
  std::vector<std::string> overBudget = checkCortexMBudgets(*compiled, options);
  if (!overBudget.empty()) {
    for (const std::string &problem : overBudget)
      emitError(loc) << "serenity-compile: " << problem;
    if (options.ramBytes && compiled->ramBytes() > options.ramBytes) {
      std::vector<std::string> help =
          suggestRamSavings(*original, *compiled, options);
      if (!help.empty()) {
        llvm::errs() << "What would help (planned now, RAM counted as "
                        "above):\n";
        for (const std::string &line : help)
          llvm::errs() << "  " << line << "\n";
      }
    }
    llvm::errs() << renderCortexMSummary(*compiled);
    return 1;
  }

  // Both files or neither: kept only once both are written.
  std::string objectPath = outputPrefix + ".o",
              headerPath = outputPrefix + ".h";
  std::unique_ptr<llvm::ToolOutputFile> object =
      openOutputFile(objectPath, &error);
  std::unique_ptr<llvm::ToolOutputFile> header =
      object ? openOutputFile(headerPath, &error) : nullptr;
  std::unique_ptr<llvm::ToolOutputFile> json =
      header && !report.empty() ? openOutputFile(report, &error) : nullptr;
  if (!object || !header || (!report.empty() && !json)) {
    llvm::errs() << "serenity-compile: " << error << "\n";
    return 1;
  }
  SmallVector<llvm::ToolOutputFile *, 3> files{object.get(), header.get()};
  object->os() << compiled->object;
  header->os() << renderCortexMHeader(*compiled);
  if (json) {
    json->os() << renderCortexMReport(*compiled);
    files.push_back(json.get());
  }
  bool failedWrite = false;
  for (llvm::ToolOutputFile *file : files) {
    file->os().flush();
    failedWrite |= file->os().has_error();
  }
  if (failedWrite) {
    llvm::errs() << "serenity-compile: cannot write the outputs of "
                 << outputPrefix << "\n";
    for (llvm::ToolOutputFile *file : files)
      file->os().clear_error();
    return 1;
  }
  for (llvm::ToolOutputFile *file : files)
    file->keep();
  if (!quiet)
    llvm::outs() << renderCortexMSummary(*compiled);
  return 0;
}
