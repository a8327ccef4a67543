//===- SerenityDialect.td - The serenity dialect -----------*- tablegen -*-===//

#ifndef SERENITY_DIALECT_SERENITY_SERENITYDIALECT_TD
#define SERENITY_DIALECT_SERENITY_SERENITYDIALECT_TD

include "mlir/IR/OpBase.td"

def Serenity_Dialect : Dialect {
  let name = "serenity";
  let cppNamespace = "::serenity";
  let summary = "Memory-aware scheduling reports";
  let description = [{
    The `serenity` dialect holds what Serenity's passes record on the IR: the
    `#serenity.schedule` report that `--serenity-schedule` attaches to every
    function it reorders, under the discardable attribute name
    `serenity.schedule`.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The discardable attribute that holds a function's schedule report.
    static constexpr ::llvm::StringLiteral kScheduleAttrName =
        "serenity.schedule";
  }];
}

#endif // SERENITY_DIALECT_SERENITY_SERENITYDIALECT_TD
