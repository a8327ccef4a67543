//===- DropReports.cpp - The --serenity-drop-reports pass -----------------===//

#include "serenity/Transforms/Passes.h"

namespace serenity {
#define GEN_PASS_DEF_SERENITYDROPREPORTS
#include "serenity/Transforms/Passes.h.inc"
} // namespace serenity

using namespace mlir;
using namespace serenity;

namespace {

struct DropReportsPass
    : public serenity::impl::SerenityDropReportsBase<DropReportsPass> {
  using Base::Base;

  void runOnOperation() final {
    std::string prefix = (SerenityDialect::getDialectNamespace() + ".").str();
    getOperation()->walk([&](Operation *op) {
      SmallVector<StringAttr> names;
      for (NamedAttribute attribute : op->getDiscardableAttrs())
        // The arena offsets of the inputs and outputs are the calling
        // convention, not a report (a plain array<i64> stock tools read).
        if (attribute.getName().strref().starts_with(prefix) &&
            attribute.getName() != SerenityDialect::kArenaIOAttrName)
          names.push_back(attribute.getName());
      for (StringAttr name : names)
        op->removeDiscardableAttr(name);
    });
  }
};

} // namespace
