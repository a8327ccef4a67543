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

/// An llvm::cl modifier: the choices of an enum option, from its table.
template <typename Enum> struct EnumChoices {
  template <typename Opt> void apply(Opt &option) const {
    for (const EnumName<Enum> &entry : getEnumNames<Enum>())
      option.getParser().addLiteralOption(entry.name, entry.value,
                                          entry.description);
  }
};

} // namespace serenity

#endif // SERENITY_TRANSFORMS_PASSOPTIONS_H
