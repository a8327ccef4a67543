//===- PassOptions.cpp - The enums users name in pass options -------------===//

#include "serenity/Transforms/PassOptions.h"

using namespace serenity;

template <>
llvm::ArrayRef<EnumName<ArenaKind>> serenity::getEnumNames<ArenaKind>() {
  static const EnumName<ArenaKind> names[] = {
      {ArenaKind::Global, "global",
       "a private memref.global (its size known at link time)"},
      {ArenaKind::Argument, "argument",
       "a memref<Nxi8> argument the caller provides"},
      {ArenaKind::Alloc, "alloc", "one memref.alloc at the top of the body"},
  };
  return names;
}

template <>
llvm::ArrayRef<EnumName<RewriteMode>> serenity::getEnumNames<RewriteMode>() {
  static const EnumName<RewriteMode> names[] = {
      {RewriteMode::MemoryAware, "memory-aware",
       "keep a rewrite only where the optimal peak drops"},
      {RewriteMode::Always, "always", "apply every rewrite"},
  };
  return names;
}

template <>
llvm::ArrayRef<EnumName<RewriteKind>> serenity::getEnumNames<RewriteKind>() {
  static const EnumName<RewriteKind> names[] = {
      {RewriteKind::Channel, "channel",
       "channel-wise partitioning of a conv2d over a concat"},
      {RewriteKind::Kernel, "kernel",
       "kernel-wise partitioning of a depthwise conv2d over a concat"},
      {RewriteKind::Concat, "concat", "concats written in place"},
  };
  return names;
}

template <>
llvm::ArrayRef<EnumName<HaloMode>> serenity::getEnumNames<HaloMode>() {
  static const EnumName<HaloMode> names[] = {
      {HaloMode::Recompute, "recompute",
       "every patch computes the rows it reads (extra MACs)"},
      {HaloMode::Cache, "cache",
       "a patch copies the rows the next one reads into a halo buffer (no "
       "extra MACs, a little more memory)"},
      {HaloMode::Auto, "auto",
       "recompute where the MAC budget allows, otherwise cache"},
  };
  return names;
}

template <>
llvm::ArrayRef<EnumName<ReportFormat>> serenity::getEnumNames<ReportFormat>() {
  static const EnumName<ReportFormat> names[] = {
      {ReportFormat::Text, "text", "a table per function"},
      {ReportFormat::Json, "json", "one JSON document"},
  };
  return names;
}
