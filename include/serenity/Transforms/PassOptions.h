//===- PassOptions.h - The enums users name in pass options -----*- C++ -*-===//
//
// The pass-level enums and the bridge from every option enum's name table
// (serenity/Core/EnumNames.h) to llvm::cl: an option of an enum type accepts
// exactly the names of the table, rejects any other value while the pass
// pipeline is parsed (before any input is read), and lists the choices in
// --help.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_TRANSFORMS_PASSOPTIONS_H
#define SERENITY_TRANSFORMS_PASSOPTIONS_H

#include "serenity/Core/EnumNames.h"
#include "serenity/Core/MemoryModel.h"
#include "serenity/Core/Placement.h"
#include "serenity/Core/Scheduler.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassOptions.h"

#include <string>
#include <vector>

namespace serenity {

/// Where --serenity-plan-memory puts the arena.
enum class ArenaKind { Global, Argument, Alloc };
template <> llvm::ArrayRef<EnumName<ArenaKind>> getEnumNames<ArenaKind>();

/// How --serenity-rewrite decides.
enum class RewriteMode { MemoryAware, Always };
template <> llvm::ArrayRef<EnumName<RewriteMode>> getEnumNames<RewriteMode>();

/// The rewrites of --serenity-rewrite.
enum class RewriteKind { Channel, Kernel, Concat };
template <> llvm::ArrayRef<EnumName<RewriteKind>> getEnumNames<RewriteKind>();

/// What --serenity-tile-spatial does with the rows two patches share.
enum class HaloMode { Recompute, Cache, Auto };
template <> llvm::ArrayRef<EnumName<HaloMode>> getEnumNames<HaloMode>();

/// The formats of --serenity-liveness.
enum class ReportFormat { Text, Json };
template <> llvm::ArrayRef<EnumName<ReportFormat>> getEnumNames<ReportFormat>();

/// Records that the option object at `option`, named `name`, takes one of
/// `choices`, for parseOptionsExplained.
void recordOptionChoices(const void *option, llvm::StringRef name,
                         std::vector<std::string> choices);

/// An llvm::cl modifier: the choices of an enum option, from its table.
template <typename Enum> struct EnumChoices {
  template <typename Opt> void apply(Opt &option) const {
    for (const EnumName<Enum> &entry : getEnumNames<Enum>())
      option.getParser().addLiteralOption(entry.name, entry.value,
                                          entry.description);
    std::vector<std::string> choices;
    for (const EnumName<Enum> &entry : getEnumNames<Enum>())
      choices.push_back(entry.name.str());
    recordOptionChoices(&option, option.ArgStr, std::move(choices));
  }
};

/// Checks every value of an enum option in the option string `text` (its
/// object in [`owner`, `owner` + `ownerBytes`)) against its choices, before
/// llvm::cl parses it (which writes its complaint to stderr, without the
/// choices). Reports the first wrong one in one line through
/// `errorHandler`, prefixed by `what`, and fails.
llvm::LogicalResult checkChoices(
    llvm::StringRef text, const void *owner, size_t ownerBytes,
    llvm::StringRef what,
    llvm::function_ref<llvm::LogicalResult(const llvm::Twine &)> errorHandler);

/// checkChoices, then parses `text` into `options` (a pipeline's, lying in
/// [`owner`, `owner` + `ownerBytes`)); an unknown option is reported with
/// the nearest known one ("did you mean").
llvm::LogicalResult parseOptionsExplained(
    mlir::detail::PassOptions &options, llvm::StringRef text, const void *owner,
    size_t ownerBytes, llvm::StringRef what,
    llvm::function_ref<llvm::LogicalResult(const llvm::Twine &)> errorHandler);

/// A pass's initializeOptions with checkChoices first and "did you mean"
/// for an unknown option (passes override initializeOptions with it).
llvm::LogicalResult initializeOptionsExplained(
    mlir::Pass &pass, size_t passBytes, llvm::StringRef text,
    llvm::function_ref<llvm::LogicalResult(const llvm::Twine &)> errorHandler);

} // namespace serenity

#endif // SERENITY_TRANSFORMS_PASSOPTIONS_H
