//===- Compile.cpp - Compile a planned model for a Cortex-M ---------------===//
//
// --serenity-pipeline (global arena), the upstream lowering to LLVM for a
// 32-bit bare-metal target, then LLVM's -O2 and the ARM back end in process.
//
//===----------------------------------------------------------------------===//

#include "serenity/Target/CortexM.h"

#include "serenity/Analysis/ArenaBuffers.h"
#include "serenity/Analysis/LivenessReport.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"
#include "serenity/Transforms/Passes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/LEB128.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>

using namespace mlir;
using namespace serenity;

/// The lowering after planning: copies as loops (no memrefCopy on the
/// device), one function per kernel (LLVM's time grows faster than a
/// function's size), 32-bit indices everywhere, and bare pointers at the
/// entry point so that C calls it with plain arrays; math.roundeven (float
/// requantization) as integer ops, since newlib has no roundevenf and
/// ARMv7-M's FPU no VRINTN. Nested in the module's pass manager.
static constexpr llvm::StringLiteral kLoweringPipeline =
    "serenity-drop-reports,func.func(serenity-copies-to-linalg),"
    "serenity-outline-kernels,func.func(convert-linalg-to-loops,canonicalize,"
    "cse,"
    "loop-invariant-code-motion),"
    "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
    "finalize-memref-to-llvm{index-bitwidth=32},"
    "func.func(math-expand-ops{ops=roundeven}),convert-math-to-llvm,"
    "convert-arith-to-llvm{index-bitwidth=32},"
    "convert-cf-to-llvm{index-bitwidth=32},"
    "convert-func-to-llvm{index-bitwidth=32 use-bare-ptr-memref-call-conv=1},"
    "reconcile-unrealized-casts";

uint64_t CompiledModel::ioBytes() const {
  uint64_t bytes = 0;
  for (const std::vector<EntryBuffer> *buffers : {&inputs, &outputs})
    for (const EntryBuffer &buffer : *buffers)
      if (!buffer.arenaOffset)
        bytes += buffer.bytes;
  return bytes;
}

llvm::ArrayRef<DeviceElementType> serenity::getDeviceElementTypes() {
  static const DeviceElementType types[] = {
      {"f32", "float"},   {"i8", "int8_t"},   {"ui8", "uint8_t"},
      {"i16", "int16_t"}, {"i32", "int32_t"},
  };
  return types;
}

std::optional<uint64_t> serenity::parseByteSize(llvm::StringRef text) {
  uint64_t scale = 1;
  if (text.consume_back_insensitive("k") || text.consume_back_insensitive("kb"))
    scale = 1024;
  else if (text.consume_back_insensitive("m") ||
           text.consume_back_insensitive("mb"))
    scale = 1024 * 1024;
  uint64_t value;
  if (text.empty() || text.getAsInteger(10, value))
    return std::nullopt;
  return value * scale;
}

namespace {

/// The triple of an ARM M-profile CPU, or none for another CPU.
std::optional<std::string> tripleFor(llvm::StringRef cpu, FloatABI abi) {
  std::optional<std::string> arch =
      llvm::StringSwitch<std::optional<std::string>>(cpu)
          .Cases({"cortex-m0", "cortex-m0plus", "cortex-m1"}, "thumbv6m")
          .Case("cortex-m3", "thumbv7m")
          .Cases({"cortex-m4", "cortex-m7"}, "thumbv7em")
          .Case("cortex-m23", "thumbv8m.base")
          .Cases({"cortex-m33", "cortex-m35p"}, "thumbv8m.main")
          .Cases({"cortex-m55", "cortex-m85"}, "thumbv8.1m.main")
          .Default(std::nullopt);
  if (!arch)
    return std::nullopt;
  return *arch + (abi == FloatABI::Hard ? "-none-eabihf" : "-none-eabi");
}

/// Flash and stack figures from the object's sections.
LogicalResult measureObject(CompiledModel &model, Location loc) {
  llvm::Expected<std::unique_ptr<llvm::object::ObjectFile>> object =
      llvm::object::ObjectFile::createObjectFile(
          llvm::MemoryBufferRef(model.object, model.entry + ".o"));
  if (!object)
    return emitError(loc) << "serenity-compile: cannot read the object: "
                          << llvm::toString(object.takeError());
  std::optional<llvm::object::SectionRef> stackSizes;
  for (const llvm::object::SectionRef &section : (*object)->sections()) {
    llvm::Expected<StringRef> name = section.getName();
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (section.isText())
      model.codeBytes += section.getSize();
    else if (name->starts_with(".rodata"))
      model.weightBytes += section.getSize();
    else if (*name == ".stack_sizes")
      stackSizes = section;
  }
  if (!stackSizes)
    return success();
  // Entries: a 4-byte function address, then its frame size (ULEB128). In
  // the object, the address is a relocation: against the function's symbol
  // or against its section, with the offset in the field (REL).
  llvm::DenseMap<uint64_t, std::string> functionAt; // section offset -> name
  for (const llvm::object::SymbolRef &symbol : (*object)->symbols()) {
    llvm::Expected<llvm::object::SymbolRef::Type> type = symbol.getType();
    llvm::Expected<uint64_t> address = symbol.getAddress();
    llvm::Expected<StringRef> symbolName = symbol.getName();
    if (!type || !address || !symbolName) {
      if (!type)
        llvm::consumeError(type.takeError());
      if (!address)
        llvm::consumeError(address.takeError());
      if (!symbolName)
        llvm::consumeError(symbolName.takeError());
      continue;
    }
    if (*type == llvm::object::SymbolRef::ST_Function)
      functionAt[*address & ~uint64_t(1)] = symbolName->str();
  }
  llvm::DenseMap<uint64_t, uint64_t> symbolBase; // entry offset -> address
  for (const llvm::object::SectionRef &section : (*object)->sections()) {
    llvm::Expected<llvm::object::section_iterator> target =
        section.getRelocatedSection();
    if (!target) {
      llvm::consumeError(target.takeError());
      continue;
    }
    if (*target == (*object)->section_end() || **target != *stackSizes)
      continue;
    for (const llvm::object::RelocationRef &relocation :
         section.relocations()) {
      llvm::object::symbol_iterator symbol = relocation.getSymbol();
      if (symbol == (*object)->symbol_end())
        continue;
      llvm::Expected<uint64_t> address = symbol->getAddress();
      if (!address) {
        llvm::consumeError(address.takeError());
        continue;
      }
      symbolBase[relocation.getOffset()] = *address;
    }
  }
  llvm::Expected<StringRef> contents = stackSizes->getContents();
  if (!contents) {
    llvm::consumeError(contents.takeError());
    return success();
  }
  // The entry calls the kernels one at a time: its frame plus the deepest.
  uint64_t entryFrame = 0, deepestKernel = 0;
  const uint8_t *begin = contents->bytes_begin(), *cursor = begin;
  while (cursor + 4 < contents->bytes_end()) {
    uint64_t offset = cursor - begin;
    uint64_t function =
        symbolBase.lookup(offset) + llvm::support::endian::read32le(cursor);
    unsigned length = 0;
    uint64_t size =
        llvm::decodeULEB128(cursor + 4, &length, contents->bytes_end());
    if (!length)
      break;
    if (functionAt.lookup(function & ~uint64_t(1)) == model.entry)
      entryFrame = size;
    else
      deepestKernel = std::max(deepestKernel, size);
    cursor += 4 + length;
  }
  model.stackBytes = entryFrame + deepestKernel;
  return success();
}

} // namespace

FailureOr<CompiledModel>
serenity::planForCortexM(ModuleOp module, const CortexMOptions &options) {
  MLIRContext *context = module.getContext();
  Location loc = module.getLoc();
  // The entry point: the one public function with a body.
  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || func.isPrivate())
      continue;
    if (entry)
      return emitError(func.getLoc())
             << "serenity-compile: a second public function; compile one "
                "entry point per module (the first is @"
             << entry.getSymName() << ")";
    entry = func;
  }
  if (!entry)
    return emitError(loc) << "serenity-compile: no public function with a "
                             "body to compile";
  CompiledModel model;
  model.entry = entry.getSymName().str();
  model.cpu = options.cpu;
  model.floatABI = options.floatABI;
  DataLayout layout = DataLayout::closest(entry);
  auto describe = [&](Type type, StringRef name, DictionaryAttr attributes,
                      std::vector<EntryBuffer> &into) -> LogicalResult {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped || !shaped.hasStaticShape() ||
        !shaped.getElementType().isIntOrFloat())
      return emitError(entry.getLoc())
             << "serenity-compile: " << name << " has type " << type
             << "; a device build needs static shapes";
    EntryBuffer buffer;
    buffer.name = name.str();
    llvm::raw_string_ostream(buffer.element) << shaped.getElementType();
    const DeviceElementType *known =
        llvm::find_if(getDeviceElementTypes(), [&](const DeviceElementType &t) {
          return t.mlir == buffer.element;
        });
    if (known == getDeviceElementTypes().end()) {
      std::string names;
      llvm::raw_string_ostream list(names);
      llvm::interleaveComma(
          getDeviceElementTypes(), list,
          [&](const DeviceElementType &t) { list << t.mlir; });
      return emitError(entry.getLoc())
             << "serenity-compile: " << name << " has element type "
             << shaped.getElementType() << "; a device entry point takes "
             << names;
    }
    buffer.cType = known->c.str();
    buffer.shape.assign(shaped.getShape().begin(), shaped.getShape().end());
    buffer.bytes = getBufferBytes(shaped, layout);
    if (auto layout = attributes ? attributes.getAs<StringAttr>(
                                       SerenityDialect::kLayoutAttrName)
                                 : nullptr)
      buffer.layout = layout.getValue().str();
    // The dialect verified it: a !quant.uniform of this element type.
    auto quantization =
        attributes
            ? attributes.getAs<TypeAttr>(SerenityDialect::kQuantizationAttrName)
            : nullptr;
    if (quantization) {
      Type quantized = quantization.getValue();
      if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(quantized)) {
        buffer.scales = {perTensor.getScale()};
        buffer.zeroPoints = {perTensor.getZeroPoint()};
      } else {
        auto perAxis = cast<quant::UniformQuantizedPerAxisType>(quantized);
        buffer.scales.assign(perAxis.getScales().begin(),
                             perAxis.getScales().end());
        buffer.zeroPoints.assign(perAxis.getZeroPoints().begin(),
                                 perAxis.getZeroPoints().end());
        buffer.axis = perAxis.getQuantizedDimension();
      }
    }
    into.push_back(buffer);
    return success();
  };
  for (auto [index, type] : llvm::enumerate(entry.getArgumentTypes()))
    if (failed(describe(type, "input" + std::to_string(index),
                        entry.getArgAttrDict(index), model.inputs)))
      return failure();
  for (auto [index, type] : llvm::enumerate(entry.getResultTypes()))
    if (failed(describe(type, "output" + std::to_string(index),
                        entry.getResultAttrDict(index), model.outputs)))
      return failure();

  // Schedule, bufferize and plan.
  std::unique_ptr<SerenityPipelineOptions> pipelineOptions =
      SerenityPipelineOptions::createFromString(options.pipelineOptions);
  if (!pipelineOptions)
    return emitError(loc) << "serenity-compile: invalid --pipeline options '"
                          << options.pipelineOptions << "'";
  pipelineOptions->arena = ArenaKind::Global;
  pipelineOptions->keepReports = true;
  PassManager planning(context);
  if (failed(buildSerenityPipeline(
          planning, *pipelineOptions,
          [&](const Twine &message) { return emitError(loc) << message; })) ||
      failed(planning.run(module)))
    return failure();
  // The symbol plan-memory gives the arena (a memref.global).
  std::string arenaName = getArenaGlobalName(model.entry);
  if (auto report = entry->getAttrOfType<ArenaReportAttr>(
          SerenityDialect::kArenaAttrName)) {
    model.arenaBytes = report.getBytes();
    model.arenaLiveBound = report.getLiveBound();
    model.placement = stringifyEnum(report.getAlgorithm()).str();
    model.placementStatus = stringifyEnum(report.getStatus()).str();
  }
  model.slots = collectArenaSlots(entry, arenaName, model.numSteps);
  if (auto offsets = entry->getAttrOfType<DenseI64ArrayAttr>(
          SerenityDialect::kArenaIOAttrName)) {
    // io-in-arena: the arena holds them; the entry takes nothing.
    unsigned index = 0;
    for (std::vector<EntryBuffer> *buffers : {&model.inputs, &model.outputs})
      for (EntryBuffer &buffer : *buffers)
        if (index < offsets.size())
          buffer.arenaOffset = offsets[index++];
    for (ArenaSlot &slot : model.slots)
      if (slot.argument)
        slot.location =
            *slot.argument < model.inputs.size()
                ? model.inputs[*slot.argument].name
                : model.outputs[*slot.argument - model.inputs.size()].name;
  } else {
    for (auto [index, input] : llvm::enumerate(model.inputs))
      input.readOnly = !getBufferAccess(entry.getArgument(index)).written;
  }
  model.stackReserveBytes = options.stackReserveBytes;
  model.heapBytes = options.heapBytes;
  return model;
}

FailureOr<CompiledModel>
serenity::compileForCortexM(ModuleOp module, const CortexMOptions &options) {
  MLIRContext *context = module.getContext();
  Location loc = module.getLoc();
  std::optional<std::string> triple = tripleFor(options.cpu, options.floatABI);
  if (!triple)
    return emitError(loc) << "serenity-compile: unknown CPU '" << options.cpu
                          << "'; expected an ARM M-profile CPU: cortex-m0, "
                             "cortex-m0plus, cortex-m3, cortex-m4, cortex-m7, "
                             "cortex-m23, cortex-m33, cortex-m55, cortex-m85";
  if (options.floatABI == FloatABI::Hard &&
      llvm::is_contained({"cortex-m0", "cortex-m0plus", "cortex-m1",
                          "cortex-m3", "cortex-m23"},
                         options.cpu))
    return emitError(loc) << "serenity-compile: " << options.cpu
                          << " has no FPU; use --float-abi=soft";

  FailureOr<CompiledModel> planned = planForCortexM(module, options);
  if (failed(planned))
    return failure();
  CompiledModel &model = *planned;
  auto entry =
      cast<func::FuncOp>(SymbolTable::lookupSymbolIn(module, model.entry));
  std::string arenaName = getArenaGlobalName(model.entry);

  // To LLVM IR, which has no place for the quantization (the header and the
  // report have it).
  for (StringRef name : {SerenityDialect::kQuantizationAttrName,
                         SerenityDialect::kLayoutAttrName}) {
    for (unsigned index = 0; index < entry.getNumArguments(); ++index)
      entry.removeArgAttr(index, name);
    for (unsigned index = 0; index < entry.getNumResults(); ++index)
      entry.removeResultAttr(index, StringAttr::get(context, name));
  }
  PassManager lowering(context);
  if (failed(parsePassPipeline(kLoweringPipeline, lowering)) ||
      failed(lowering.run(module)))
    return failure();
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  context->appendDialectRegistry(registry);
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, model.entry);
  if (!llvmModule)
    return emitError(loc) << "serenity-compile: translation to LLVM IR failed";

  // The ARM back end.
  LLVMInitializeARMTargetInfo();
  LLVMInitializeARMTarget();
  LLVMInitializeARMTargetMC();
  LLVMInitializeARMAsmPrinter();
  llvm::Triple targetTriple(*triple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(targetTriple, error);
  if (!target)
    return emitError(loc) << "serenity-compile: no ARM back end in this LLVM: "
                          << error;
  llvm::TargetOptions targetOptions;
  targetOptions.FloatABIType = options.floatABI == FloatABI::Hard
                                   ? llvm::FloatABI::Hard
                                   : llvm::FloatABI::Soft;
  targetOptions.EmitStackSizeSection = true;
  // -mfloat-abi=soft: no FPU instructions either.
  std::string features =
      options.floatABI == FloatABI::Soft ? "+soft-float,-fpregs" : "";
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      targetTriple, options.cpu, features, targetOptions, llvm::Reloc::Static,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return emitError(loc) << "serenity-compile: LLVM cannot target "
                          << options.cpu;
  llvmModule->setTargetTriple(targetTriple);
  llvmModule->setDataLayout(machine->createDataLayout());

  // The arena as a public symbol (plan-memory's is private, which the
  // assembler would drop): the header names it and nm shows its size.
  model.arenaSymbol = "serenity_arena_" + model.entry;
  if (llvm::GlobalVariable *arena =
          llvmModule->getGlobalVariable(arenaName, /*AllowInternal=*/true)) {
    arena->setName(model.arenaSymbol);
    arena->setLinkage(llvm::GlobalValue::ExternalLinkage);
    arena->setVisibility(llvm::GlobalValue::DefaultVisibility);
  } else if (!model.slots.empty()) {
    return emitError(loc) << "serenity-compile: the planned arena '"
                          << arenaName << "' is missing after lowering";
  } else {
    model.arenaSymbol.clear();
  }
  // Nothing here unwinds; without this, llc references the unwinder. The
  // kernels stay functions (inlined back, they would make one huge one)
  // with external linkage and hidden visibility: LLVM then compiles each
  // for any buffers, instead of for the constant addresses of its one call.
  // Specialized, a kernel's code and speed would turn on where the plan put
  // its buffers (Thumb-2 loads reach 4095 bytes past a base register).
  // No function calls the C library either: LLVM would make fill and copy
  // loops calls of memset and memcpy, whose frames the object does not
  // give (newlib's memset pushes 12 bytes), so the stack estimate would
  // miss them.
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr(llvm::Attribute::NoUnwind);
    function.addFnAttr("no-builtins");
    if (function.getName() != model.entry) {
      function.addFnAttr(llvm::Attribute::NoInline);
      function.setLinkage(llvm::GlobalValue::ExternalLinkage);
      function.setVisibility(llvm::GlobalValue::HiddenVisibility);
    }
  }

  // -O2.
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassBuilder builder(machine.get());
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2)
      .run(*llvmModule, modules);

  // The object file.
  llvm::SmallVector<char> object;
  llvm::raw_svector_ostream objectStream(object);
  llvm::legacy::PassManager codegen;
  if (machine->addPassesToEmitFile(codegen, objectStream, nullptr,
                                   llvm::CodeGenFileType::ObjectFile))
    return emitError(loc) << "serenity-compile: LLVM cannot emit an object "
                             "for "
                          << options.cpu;
  codegen.run(*llvmModule);
  model.object.assign(object.begin(), object.end());
  if (failed(measureObject(model, loc)))
    return failure();

  return std::move(model);
}

std::vector<std::string>
serenity::suggestRamSavings(ModuleOp original, const CompiledModel &model,
                            const CortexMOptions &options) {
  std::vector<std::string> lines;
  std::unique_ptr<SerenityPipelineOptions> current =
      SerenityPipelineOptions::createFromString(options.pipelineOptions);
  if (!current)
    return lines;
  // Each option the pipeline does not use yet, alone and together.
  SmallVector<std::string> unused;
  if (current->algorithm != Algorithm::Optimal ||
      current->placement != PlacementAlgorithm::Exact)
    unused.push_back("algorithm=optimal placement=exact");
  if (!current->tileSpatial)
    unused.push_back("tile-spatial=1");
  if (!current->rewrite)
    unused.push_back("rewrite=1");
  if (!current->ioInArena)
    unused.push_back("io-in-arena=1");
  // Each alone; the others with io-in-arena, which only ever saves; all.
  SmallVector<std::string> trials(unused.begin(), unused.end());
  if (!current->ioInArena)
    for (const std::string &option : unused)
      if (option != "io-in-arena=1")
        trials.push_back(option + " io-in-arena=1");
  if (unused.size() > 2)
    trials.push_back(llvm::join(unused, " "));
  // The trials' remarks and warnings are not the user's.
  ScopedDiagnosticHandler silence(original.getContext(),
                                  [](Diagnostic &) { return success(); });
  auto verdict = [&](uint64_t ram) {
    if (!options.ramBytes)
      return std::string();
    return ram <= options.ramBytes
               ? llvm::formatv("fits, {0} B to spare", options.ramBytes - ram)
                     .str()
               : llvm::formatv("{0} B over", ram - options.ramBytes).str();
  };
  // RAM first, so that the columns line up; what to do last.
  auto line = [&](uint64_t ram, uint64_t arena, StringRef what) {
    return llvm::formatv("{0,9} B RAM, {1,9} B arena: {2,-24} {3}", ram, arena,
                         verdict(ram), what)
        .str();
  };
  // The plan with the least RAM so far, for the int8 estimate.
  CompiledModel best = model;
  std::string bestOption;
  for (const std::string &trial : trials) {
    CortexMOptions trialOptions = options;
    trialOptions.pipelineOptions = options.pipelineOptions + " " + trial;
    OwningOpRef<ModuleOp> copy(original.clone());
    FailureOr<CompiledModel> planned = planForCortexM(*copy, trialOptions);
    std::string option = llvm::formatv("--pipeline=\"{0}\"", trial).str();
    if (failed(planned)) {
      lines.push_back(option + " fails");
      continue;
    }
    uint64_t ram = model.ramBytesWith(planned->arenaBytes, planned->ioBytes());
    lines.push_back(line(ram, planned->arenaBytes, option));
    if (ram < model.ramBytesWith(best.arenaBytes, best.ioBytes())) {
      best = std::move(*planned);
      bestOption = " with " + option;
    }
  }
  // int8, on the lowest plan: a quarter of every f32 byte, the arena scaled
  // by the f32 share of its buffers. An estimate: quantizing needs
  // calibration data, which only the user has.
  uint64_t f32Bytes = 0, slotBytes = 0, f32Io = 0;
  for (const ArenaSlot &slot : best.slots) {
    slotBytes += slot.bytes;
    if (StringRef(slot.shape).ends_with("xf32"))
      f32Bytes += slot.bytes;
  }
  for (const std::vector<EntryBuffer> *buffers : {&best.inputs, &best.outputs})
    for (const EntryBuffer &buffer : *buffers)
      if (buffer.element == "f32" && !buffer.arenaOffset)
        f32Io += buffer.bytes;
  if (f32Bytes || f32Io) {
    uint64_t arena =
        best.arenaBytes -
        (slotBytes ? 3 * (best.arenaBytes * f32Bytes / slotBytes) / 4 : 0);
    uint64_t ram = model.ramBytesWith(arena, best.ioBytes() - 3 * f32Io / 4);
    lines.push_back(line(ram, arena,
                         "int8 instead of f32" + bestOption +
                             " (estimated: each f32 byte a quarter; quantize "
                             "the model, docs/onnx.md)"));
  }
  return lines;
}

static std::string macroName(llvm::StringRef name) {
  std::string macro;
  for (char c : name)
    macro += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  return macro;
}

std::string serenity::describeRam(const CompiledModel &model) {
  return llvm::formatv("arena {0}, inputs and outputs outside it {1}, stack "
                       "{2}, heap {3}",
                       model.arenaBytes, model.ioBytes(), model.stackRamBytes(),
                       model.heapBytes)
      .str();
}

std::vector<std::string>
serenity::checkCortexMBudgets(const CompiledModel &model,
                              const CortexMOptions &options) {
  std::vector<std::string> problems;
  if (options.ramBytes && model.ramBytes() > options.ramBytes)
    problems.push_back(llvm::formatv(
        "@{0} needs {1} bytes of RAM ({2}), more than --ram {3}: {4} bytes "
        "over",
        model.entry, model.ramBytes(), describeRam(model), options.ramBytes,
        model.ramBytes() - options.ramBytes));
  if (model.stackBytes > model.stackReserveBytes)
    problems.push_back(llvm::formatv(
        "@{0} needs an estimated {1} bytes of stack, more than --stack {2}",
        model.entry, model.stackBytes, model.stackReserveBytes));
  if (options.flashBytes && model.flashBytes() > options.flashBytes)
    problems.push_back(llvm::formatv(
        "@{0} needs {1} bytes of flash (weights {2}, code {3}), more than "
        "--flash {4}: {5} bytes over",
        model.entry, model.flashBytes(), model.weightBytes, model.codeBytes,
        options.flashBytes, model.flashBytes() - options.flashBytes));
  return problems;
}

std::string serenity::renderCortexMHeader(const CompiledModel &model) {
  std::string text;
  llvm::raw_string_ostream os(text);
  std::string macro = macroName(model.entry);
  os << "/* @" << model.entry << ": generated by serenity-compile for "
     << model.cpu << " ("
     << (model.floatABI == FloatABI::Hard     ? "hard"
         : model.floatABI == FloatABI::SoftFP ? "softfp"
                                              : "soft")
     << " float ABI). Do not edit. */\n"
     << "#ifndef SERENITY_" << macro << "_H\n#define SERENITY_" << macro
     << "_H\n\n#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n"
        "#endif\n\n";
  os << "/* The activations: one static arena, placed by Serenity. */\n"
     << "#define " << macro << "_ARENA_BYTES " << model.arenaBytes << "u\n";
  if (!model.arenaSymbol.empty())
    os << "extern uint8_t " << model.arenaSymbol << "[" << model.arenaBytes
       << "];\n";
  os << "\n/* Buffers: row-major, in the order of dimensions each states "
        "(_LAYOUT; as _SHAPE lists them where none is given), of the "
        "element type each names. */\n";
  auto describe = [&](const EntryBuffer &buffer, bool isInput) {
    std::string name = macro + "_" + macroName(buffer.name);
    uint64_t elements = 1;
    os << "#define " << name << "_SHAPE {";
    llvm::interleaveComma(buffer.shape, os);
    for (int64_t dim : buffer.shape)
      elements *= dim;
    os << "}\n";
    if (!buffer.layout.empty())
      os << "#define " << name << "_LAYOUT \"" << buffer.layout << "\"\n";
    os << "#define " << name << "_RANK " << buffer.shape.size() << "u\n"
       << "#define " << name << "_ELEMENTS " << elements << "u\n"
       << "typedef " << buffer.cType << " " << name << "_TYPE; /* "
       << buffer.element << " */\n";
    if (buffer.arenaOffset)
      os << "/* " << buffer.name << " lives in the arena: "
         << (isInput
                 ? "write it there before each call (the call overwrites it)"
                 : "read it there after the call, before the next one")
         << ". */\n#define " << name << "_OFFSET " << *buffer.arenaOffset
         << "u\n#define " << name << " ((" << name << "_TYPE *)("
         << model.arenaSymbol << " + " << name << "_OFFSET))\n";
    if (buffer.scales.empty()) {
      if (buffer.element != "f32")
        os << "/* " << buffer.name
           << ": integers of an unknown scale and zero point (no "
           << SerenityDialect::kQuantizationAttrName << " on it) */\n";
      return;
    }
    // Scales in C's float, with the digits that round-trip a float.
    auto floatLiteral = [](double value) {
      return llvm::formatv("{0:e8}f", value).str();
    };
    os << "/* real = scale * (" << buffer.name << " - zero point)"
       << (buffer.axis
               ? llvm::formatv(", per element of dimension {0}", *buffer.axis)
                     .str()
               : std::string())
       << " */\n";
    if (!buffer.axis) {
      os << "#define " << name << "_SCALE " << floatLiteral(buffer.scales[0])
         << "\n#define " << name << "_ZERO_POINT (" << buffer.zeroPoints[0]
         << ")\n";
      return;
    }
    os << "#define " << name << "_QUANTIZED_DIMENSION " << *buffer.axis
       << "u\n#define " << name << "_SCALES {";
    llvm::interleaveComma(buffer.scales, os,
                          [&](double scale) { os << floatLiteral(scale); });
    os << "}\n#define " << name << "_ZERO_POINTS {";
    llvm::interleaveComma(buffer.zeroPoints, os);
    os << "}\n";
  };
  for (const EntryBuffer &buffer : model.inputs)
    describe(buffer, /*isInput=*/true);
  for (const EntryBuffer &buffer : model.outputs)
    describe(buffer, /*isInput=*/false);
  os << "\n/* Runs the model: inputs first, then the outputs to fill (those "
        "outside the arena). It allocates nothing. */\nvoid "
     << model.entry << "(";
  bool first = true;
  for (const EntryBuffer &buffer : model.inputs) {
    if (buffer.arenaOffset)
      continue;
    os << (first ? "" : ", ") << (buffer.readOnly ? "const " : "")
       << buffer.cType << " *" << buffer.name;
    first = false;
  }
  for (const EntryBuffer &buffer : model.outputs) {
    if (buffer.arenaOffset)
      continue;
    os << (first ? "" : ", ") << buffer.cType << " *" << buffer.name;
    first = false;
  }
  if (first)
    os << "void";
  os << ");\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* SERENITY_" << macro
     << "_H */\n";
  return text;
}

/// The first step where the most arena bytes are live, and those bytes.
static std::pair<unsigned, uint64_t> findArenaPeak(const CompiledModel &model) {
  unsigned peakStep = 0;
  uint64_t peakBytes = 0;
  for (unsigned step = 0; step < model.numSteps; ++step) {
    uint64_t live = 0;
    for (const ArenaSlot &slot : model.slots)
      if (slot.first <= step && step <= slot.last)
        live += slot.bytes;
    if (live > peakBytes) {
      peakBytes = live;
      peakStep = step;
    }
  }
  return {peakStep, peakBytes};
}

std::string serenity::renderCortexMSummary(const CompiledModel &model,
                                           unsigned width) {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto line = [&](StringRef area, StringRef what, uint64_t bytes,
                  StringRef note) {
    os << llvm::formatv("  {0,-6}{1,-20}{2,10} B  {3}\n", area, what, bytes,
                        note);
  };
  // The inputs and outputs outside the arena, and how many are inside.
  auto outside = [](const std::vector<EntryBuffer> &buffers) {
    uint64_t bytes = 0;
    unsigned inArena = 0;
    for (const EntryBuffer &buffer : buffers) {
      if (buffer.arenaOffset)
        ++inArena;
      else
        bytes += buffer.bytes;
    }
    return std::make_pair(bytes, inArena);
  };
  os << "@" << model.entry << " for " << model.cpu << "\n";
  line("RAM", "arena", model.arenaBytes,
       llvm::formatv("{0} buffers; live-bytes bound {1}; {2} placement, {3}",
                     model.slots.size(), model.arenaLiveBound, model.placement,
                     model.placementStatus)
           .str());
  for (auto [what, buffers] : {std::make_pair("inputs", &model.inputs),
                               std::make_pair("outputs", &model.outputs)}) {
    auto [bytes, inArena] = outside(*buffers);
    line("", what, bytes,
         llvm::formatv("{0} buffers{1}", buffers->size(),
                       inArena ? llvm::formatv(", {0} of them in the arena "
                                               "(counted there)",
                                               inArena)
                                     .str()
                               : std::string())
             .str());
  }
  line("", "stack", model.stackRamBytes(),
       llvm::formatv("reserved (--stack); the model's estimate is {0}: the "
                     "entry's frame and its deepest kernel's (LLVM's "
                     ".stack_sizes)",
                     model.stackBytes)
           .str());
  line("", "heap", model.heapBytes,
       "reserved (--heap) for the C library; the model allocates nothing");
  line("", "total", model.ramBytes(), "");
  line("Flash", "weights", model.weightBytes, "constants (.rodata)");
  line("", "code", model.codeBytes, "(.text)");

  if (model.slots.empty() || !model.arenaBytes)
    return text;
  auto [peakStep, peakBytes] = findArenaPeak(model);
  os << llvm::formatv("\nLive at the peak (step {0}, {1} bytes):\n", peakStep,
                      peakBytes);
  for (const ArenaSlot &slot : model.slots)
    if (slot.first <= peakStep && peakStep <= slot.last)
      os << llvm::formatv("  {0,10} B at {1,8}  {2,-22} {3}\n", slot.bytes,
                          slot.offset, slot.shape, slot.location);

  // The arena over time: one row per step that starts or ends a buffer
  // (at most kMaxRows of them, evenly spaced, and the peak), one column per
  // arena / width bytes.
  constexpr unsigned kMaxRows = 40;
  std::vector<unsigned> changes;
  for (unsigned step = 0; step < model.numSteps; ++step)
    if (llvm::any_of(model.slots, [&](const ArenaSlot &slot) {
          return slot.first == step || slot.last + 1 == step;
        }))
      changes.push_back(step);
  std::vector<unsigned> rows = changes;
  if (changes.size() > kMaxRows) {
    rows.clear();
    for (unsigned i = 0; i < kMaxRows; ++i)
      rows.push_back(changes[i * changes.size() / kMaxRows]);
    rows.push_back(peakStep);
    llvm::sort(rows);
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  }
  os << llvm::formatv("\nArena over time ({0} bytes, one column = {1} bytes; "
                      "# in use; {2} of {3} changes shown):\n",
                      model.arenaBytes,
                      llvm::divideCeil(model.arenaBytes, width), rows.size(),
                      changes.size());
  for (unsigned step : rows) {
    std::string row(width, '.');
    uint64_t live = 0;
    for (const ArenaSlot &slot : model.slots) {
      if (slot.first > step || step > slot.last)
        continue;
      live += slot.bytes;
      uint64_t begin = slot.offset * width / model.arenaBytes;
      uint64_t end = llvm::divideCeil((slot.offset + slot.bytes) * width,
                                      model.arenaBytes);
      for (uint64_t column = begin; column < std::min<uint64_t>(end, width);
           ++column)
        row[column] = '#';
    }
    os << llvm::formatv("  {0,5} |{1}| {2,8}\n", step, row, live);
  }
  return text;
}

std::string serenity::renderCortexMReport(const CompiledModel &model) {
  auto buffers = [](const std::vector<EntryBuffer> &list) {
    llvm::json::Array array;
    for (const EntryBuffer &buffer : list) {
      llvm::json::Value quantization = nullptr;
      if (!buffer.scales.empty()) {
        llvm::json::Object entry{
            {"scales", llvm::json::Array(buffer.scales)},
            {"zero_points", llvm::json::Array(buffer.zeroPoints)}};
        if (buffer.axis)
          entry["quantized_dimension"] = *buffer.axis;
        quantization = std::move(entry);
      }
      array.push_back(llvm::json::Object{
          {"name", buffer.name},
          {"shape", llvm::json::Array(buffer.shape)},
          {"element", buffer.element},
          {"c_type", buffer.cType},
          {"bytes", static_cast<int64_t>(buffer.bytes)},
          {"read_only", buffer.readOnly},
          {"layout", buffer.layout.empty() ? llvm::json::Value(nullptr)
                                           : llvm::json::Value(buffer.layout)},
          {"arena_offset",
           buffer.arenaOffset
               ? llvm::json::Value(static_cast<int64_t>(*buffer.arenaOffset))
               : llvm::json::Value(nullptr)},
          {"quantization", std::move(quantization)}});
    }
    return array;
  };
  // The arena over time: every buffer's place and lifetime, and the peak.
  auto [peakStep, peakBytes] = findArenaPeak(model);
  llvm::json::Array timeline, peakBuffers;
  for (auto [index, slot] : llvm::enumerate(model.slots)) {
    timeline.push_back(
        llvm::json::Object{{"offset", static_cast<int64_t>(slot.offset)},
                           {"bytes", static_cast<int64_t>(slot.bytes)},
                           {"first_step", slot.first},
                           {"last_step", slot.last},
                           {"shape", slot.shape},
                           {"location", slot.location}});
    if (slot.first <= peakStep && peakStep <= slot.last)
      peakBuffers.push_back(static_cast<int64_t>(index));
  }
  llvm::json::Object report{
      {"entry", model.entry},
      {"cpu", model.cpu},
      {"inputs", buffers(model.inputs)},
      {"outputs", buffers(model.outputs)},
      {"arena",
       llvm::json::Object{
           {"symbol", model.arenaSymbol},
           {"bytes", static_cast<int64_t>(model.arenaBytes)},
           {"live_bound", static_cast<int64_t>(model.arenaLiveBound)},
           {"buffers", static_cast<int64_t>(model.slots.size())},
           {"placement", model.placement},
           {"status", model.placementStatus},
           {"steps", model.numSteps},
           {"timeline", std::move(timeline)},
           {"peak",
            llvm::json::Object{{"step", peakStep},
                               {"bytes", static_cast<int64_t>(peakBytes)},
                               {"buffers", std::move(peakBuffers)}}}}},
      {"stack_bytes", static_cast<int64_t>(model.stackBytes)},
      {"ram",
       llvm::json::Object{
           {"arena", static_cast<int64_t>(model.arenaBytes)},
           {"inputs_outputs", static_cast<int64_t>(model.ioBytes())},
           {"stack", static_cast<int64_t>(model.stackRamBytes())},
           {"heap", static_cast<int64_t>(model.heapBytes)},
           {"total", static_cast<int64_t>(model.ramBytes())}}},
      {"weight_bytes", static_cast<int64_t>(model.weightBytes)},
      {"code_bytes", static_cast<int64_t>(model.codeBytes)},
      {"ram_bytes", static_cast<int64_t>(model.ramBytes())}};
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  return text;
}
