//===- SerenityDialect.cpp - The serenity dialect -------------------------===//

#include "serenity/Dialect/Serenity/SerenityDialect.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace serenity;

#include "serenity/Dialect/Serenity/SerenityDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "serenity/Dialect/Serenity/SerenityAttrs.cpp.inc"

void SerenityDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "serenity/Dialect/Serenity/SerenityAttrs.cpp.inc"
      >();
}

LogicalResult
SerenityDialect::verifyOperationAttribute(Operation *op,
                                          NamedAttribute attribute) {
  StringRef name = attribute.getName();
  if (name == kScheduleAttrName) {
    if (!isa<ScheduleReportAttr>(attribute.getValue()))
      return op->emitError() << "'" << kScheduleAttrName
                             << "' must be a #serenity.schedule report";
  } else if (name == kArenaAttrName) {
    if (!isa<ArenaReportAttr>(attribute.getValue()))
      return op->emitError()
             << "'" << kArenaAttrName << "' must be a #serenity.arena report";
  } else if (name == kWrittenPeaksAttrName) {
    auto peaks = dyn_cast<DictionaryAttr>(attribute.getValue());
    if (!peaks || !llvm::all_of(peaks, [](NamedAttribute entry) {
          return parseMemoryModel(entry.getName()) &&
                 isa<IntegerAttr>(entry.getValue());
        }))
      return op->emitError()
             << "'" << kWrittenPeaksAttrName << "' must map memory models ("
             << describeEnum<MemoryModel>() << ") to byte counts";
  } else if (name == kArenaIOAttrName) {
    auto offsets = dyn_cast<DenseI64ArrayAttr>(attribute.getValue());
    if (!offsets || llvm::any_of(offsets.asArrayRef(),
                                 [](int64_t offset) { return offset < 0; }))
      return op->emitError() << "'" << kArenaIOAttrName
                             << "' must be an array<i64> of byte offsets";
  } else if (name == kTilePadAttrName) {
    if (!isa<UnitAttr>(attribute.getValue()) ||
        op->getName().getStringRef() != "tensor.pad")
      return op->emitError() << "'" << kTilePadAttrName
                             << "' is a unit attribute of a tensor.pad";
    return success();
  } else if (name == kPatchesAttrName) {
    auto patches = dyn_cast<DictionaryAttr>(attribute.getValue());
    if (!patches || !llvm::all_of(patches, [](NamedAttribute entry) {
          return isa<IntegerAttr>(entry.getValue());
        }))
      return op->emitError()
             << "'" << kPatchesAttrName << "' must be a dictionary of integers";
  } else {
    return op->emitError() << "unknown serenity attribute '" << name << "'";
  }
  if (!isa<FunctionOpInterface>(op))
    return op->emitError() << "'" << name << "' belongs on a function";
  return success();
}

/// A value's layout: one distinct capital letter per dimension.
static LogicalResult verifyLayout(Operation *op, Type valueType,
                                  NamedAttribute attribute, StringRef what) {
  auto layout = dyn_cast<StringAttr>(attribute.getValue());
  auto shaped = dyn_cast<ShapedType>(valueType);
  StringRef letters = layout ? layout.getValue() : StringRef();
  llvm::SmallSet<char, 8> seen;
  bool valid = layout && llvm::all_of(letters, [&](char c) {
                 return llvm::isUpper(c) && seen.insert(c).second;
               });
  if (!valid)
    return op->emitError() << "'" << attribute.getName().getValue() << "' of "
                           << what
                           << " must name each dimension with its own "
                              "capital letter (\"NCHW\"), got "
                           << attribute.getValue();
  if (shaped && shaped.hasRank() && int64_t(letters.size()) != shaped.getRank())
    return op->emitError() << "'" << attribute.getName().getValue() << "' of "
                           << what << ": " << letters.size()
                           << " dimensions named, " << valueType << " has "
                           << shaped.getRank();
  return success();
}

/// A function's argument or result attribute: the quantization of an
/// integer tensor, whose element type is its storage type, or its layout.
static LogicalResult verifyValueAttribute(Operation *op, Type valueType,
                                          NamedAttribute attribute,
                                          StringRef what) {
  StringRef name = attribute.getName();
  if (name == SerenityDialect::kLayoutAttrName)
    return verifyLayout(op, valueType, attribute, what);
  if (name != SerenityDialect::kQuantizationAttrName)
    return op->emitError() << "unknown serenity " << what << " attribute '"
                           << name << "'";
  auto typeAttr = dyn_cast<TypeAttr>(attribute.getValue());
  Type quantized = typeAttr ? typeAttr.getValue() : Type();
  if (!isa_and_nonnull<quant::UniformQuantizedType,
                       quant::UniformQuantizedPerAxisType>(quantized))
    return op->emitError() << "'" << name << "' of " << what
                           << " must be a !quant.uniform type, got "
                           << attribute.getValue();
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(quantized);
  // The integers a caller passes: i8 (signless) for signed storage, ui8
  // for unsigned.
  auto quantizedType = cast<quant::QuantizedType>(quantized);
  Type expected = IntegerType::get(
      op->getContext(), quantizedType.getStorageTypeIntegralWidth(),
      quantizedType.isSigned() ? IntegerType::Signless : IntegerType::Unsigned);
  // A tensor, or the buffer bufferization makes of it; lowered further (a
  // pointer), the value no longer says what it holds.
  auto shaped = dyn_cast<ShapedType>(valueType);
  if (!shaped)
    return success();
  if (shaped.getElementType() != expected)
    return op->emitError() << "'" << name << "' of " << what << " stores "
                           << expected << " integers, but the value is "
                           << valueType;
  if (perAxis && (!shaped.hasRank() ||
                  perAxis.getQuantizedDimension() >= shaped.getRank() ||
                  shaped.getDimSize(perAxis.getQuantizedDimension()) !=
                      int64_t(perAxis.getScales().size())))
    return op->emitError() << "'" << name << "' of " << what
                           << ": one scale per element of dimension "
                           << perAxis.getQuantizedDimension() << " of "
                           << valueType << ", got "
                           << perAxis.getScales().size();
  return success();
}

LogicalResult
SerenityDialect::verifyRegionArgAttribute(Operation *op, unsigned regionIndex,
                                          unsigned argIndex,
                                          NamedAttribute attribute) {
  Type type = op->getRegion(regionIndex).getArgument(argIndex).getType();
  return verifyValueAttribute(op, type, attribute,
                              "argument #" + std::to_string(argIndex));
}

LogicalResult SerenityDialect::verifyRegionResultAttribute(
    Operation *op, unsigned regionIndex, unsigned resultIndex,
    NamedAttribute attribute) {
  auto function = dyn_cast<FunctionOpInterface>(op);
  if (!function)
    return op->emitError() << "'" << attribute.getName()
                           << "' belongs on a function's result";
  return verifyValueAttribute(op, function.getResultTypes()[resultIndex],
                              attribute,
                              "result #" + std::to_string(resultIndex));
}

static bool isHeuristic(Algorithm algorithm) {
  return algorithm != Algorithm::Optimal;
}

LogicalResult
ScheduleReportAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           uint64_t peak, uint64_t inputPeak,
                           uint64_t lowerBound, Algorithm algorithm,
                           Algorithm producedBy, MemoryModel model,
                           ScheduleStatus status, uint64_t states) {
  if (lowerBound > peak)
    return emitError() << "lower_bound " << lowerBound << " exceeds the peak "
                       << peak;
  if (isHeuristic(algorithm) != (status == ScheduleStatus::Heuristic))
    return emitError() << "status '" << stringifyScheduleStatus(status)
                       << "' does not fit algorithm '"
                       << stringifyAlgorithm(algorithm) << "'";
  if (algorithm == Algorithm::BestHeuristic && !isHeuristic(producedBy))
    return emitError() << "best-heuristic keeps a heuristic's order, not '"
                       << stringifyAlgorithm(producedBy) << "'";
  if (isHeuristic(algorithm) && algorithm != Algorithm::BestHeuristic &&
      producedBy != algorithm)
    return emitError() << "a '" << stringifyAlgorithm(algorithm)
                       << "' schedule cannot be produced by '"
                       << stringifyAlgorithm(producedBy) << "'";
  if (status == ScheduleStatus::Optimal && lowerBound != peak)
    return emitError() << "an optimal schedule has lower_bound == peak";
  if (algorithm == Algorithm::Optimal && peak > inputPeak)
    return emitError() << "the optimal search never returns a peak above "
                          "the input's";
  return success();
}

LogicalResult
ArenaReportAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        uint64_t bytes, uint64_t liveBound, uint64_t buffers,
                        uint64_t alignment, PlacementAlgorithm algorithm,
                        PlacementAlgorithm producedBy, ScheduleStatus status) {
  if (liveBound > bytes)
    return emitError() << "live_bound " << liveBound << " exceeds the arena's "
                       << bytes << " bytes";
  if (alignment == 0)
    return emitError() << "alignment must be positive";
  bool exact = algorithm == PlacementAlgorithm::Exact;
  if (exact == (status == ScheduleStatus::Heuristic))
    return emitError() << "status '" << stringifyScheduleStatus(status)
                       << "' does not fit algorithm '"
                       << stringifyPlacementAlgorithm(algorithm) << "'";
  if (!exact && producedBy != algorithm)
    return emitError() << "a '" << stringifyPlacementAlgorithm(algorithm)
                       << "' placement cannot be produced by '"
                       << stringifyPlacementAlgorithm(producedBy) << "'";
  return success();
}
