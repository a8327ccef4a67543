//===- SerenityDialect.h - The serenity dialect -----------------*- C++ -*-===//

#ifndef SERENITY_DIALECT_SERENITY_SERENITYDIALECT_H
#define SERENITY_DIALECT_SERENITY_SERENITYDIALECT_H

#include "mlir/IR/Dialect.h"

#include "serenity/Dialect/Serenity/SerenityDialect.h.inc"

#endif // SERENITY_DIALECT_SERENITY_SERENITYDIALECT_H
