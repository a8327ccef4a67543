//===- SerenityDialect.cpp - The serenity dialect -------------------------===//

#include "serenity/Dialect/Serenity/SerenityDialect.h"
#include "serenity/Dialect/Serenity/SerenityAttrs.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
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
  if (attribute.getName() != kScheduleAttrName)
    return op->emitError() << "unknown serenity attribute '"
                           << attribute.getName() << "'";
  if (!isa<ScheduleReportAttr>(attribute.getValue()))
    return op->emitError() << "'" << kScheduleAttrName
                           << "' must be a #serenity.schedule report";
  if (!isa<FunctionOpInterface>(op))
    return op->emitError() << "'" << kScheduleAttrName
                           << "' belongs on a function";
  return success();
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
