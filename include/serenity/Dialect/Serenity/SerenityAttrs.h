//===- SerenityAttrs.h - serenity attributes --------------------*- C++ -*-===//

#ifndef SERENITY_DIALECT_SERENITY_SERENITYATTRS_H
#define SERENITY_DIALECT_SERENITY_SERENITYATTRS_H

#include "serenity/Core/MemoryModel.h"
#include "serenity/Core/Placement.h"
#include "serenity/Core/Scheduler.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#define GET_ATTRDEF_CLASSES
#include "serenity/Dialect/Serenity/SerenityAttrs.h.inc"

#endif // SERENITY_DIALECT_SERENITY_SERENITYATTRS_H
