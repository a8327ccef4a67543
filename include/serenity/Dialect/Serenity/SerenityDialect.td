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
    `serenity.schedule`, and the `#serenity.arena` report that
    `--serenity-plan-memory` attaches under `serenity.arena`.
    `--serenity-drop-reports` removes both, for tools that do not load
    Serenity.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The discardable attribute that holds a function's schedule report.
    static constexpr ::llvm::StringLiteral kScheduleAttrName =
        "serenity.schedule";
    /// The discardable attribute that holds a function's arena report.
    static constexpr ::llvm::StringLiteral kArenaAttrName = "serenity.arena";
  }];
}

#endif // SERENITY_DIALECT_SERENITY_SERENITYDIALECT_TD
