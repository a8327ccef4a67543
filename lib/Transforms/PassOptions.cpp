//===- PassOptions.cpp - The enums users name in pass options -------------===//

#include "serenity/Transforms/PassOptions.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"

#include <map>
#include <mutex>

using namespace serenity;

namespace {

/// An enum option's choices, recorded when the option is made.
struct RecordedChoices {
  std::string name;
  std::vector<std::string> choices;
  uint64_t order;
};

/// Choices by option object. An object's address may be reused by a later
/// one: the later record replaces it, and among records inside one owner
/// the latest counts.
struct ChoicesRegistry {
  std::mutex mutex;
  std::map<const void *, RecordedChoices> byOption;
  uint64_t next = 0;
};

ChoicesRegistry &getChoicesRegistry() {
  static ChoicesRegistry registry;
  return registry;
}

} // namespace

void serenity::recordOptionChoices(const void *option, llvm::StringRef name,
                                   std::vector<std::string> choices) {
  ChoicesRegistry &registry = getChoicesRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  registry.byOption[option] = {name.str(), std::move(choices), registry.next++};
}

/// The choices of the enum option `name` whose object lies in [begin,
/// end), if it is one.
static std::optional<std::vector<std::string>>
findChoices(const char *begin, const char *end, llvm::StringRef name) {
  ChoicesRegistry &registry = getChoicesRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  const RecordedChoices *found = nullptr;
  for (auto it = registry.byOption.lower_bound(begin),
            last = registry.byOption.lower_bound(end);
       it != last; ++it)
    if (it->second.name == name && (!found || it->second.order > found->order))
      found = &it->second;
  if (!found)
    return std::nullopt;
  return found->choices;
}

/// The `key` of each `key[=value]` of an option string (braces nest).
static llvm::SmallVector<std::pair<llvm::StringRef, llvm::StringRef>>
splitOptions(llvm::StringRef text) {
  llvm::SmallVector<std::pair<llvm::StringRef, llvm::StringRef>> pairs;
  size_t start = 0, depth = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : ' ';
    if (c == '{')
      ++depth;
    else if (c == '}' && depth)
      --depth;
    if (c != ' ' || depth)
      continue;
    llvm::StringRef token = text.slice(start, i).trim();
    start = i + 1;
    if (!token.empty())
      pairs.push_back(token.split('='));
  }
  return pairs;
}

llvm::LogicalResult serenity::checkChoices(
    llvm::StringRef text, const void *owner, size_t ownerBytes,
    llvm::StringRef what,
    llvm::function_ref<llvm::LogicalResult(const llvm::Twine &)> errorHandler) {
  auto begin = static_cast<const char *>(owner);
  for (auto [key, value] : splitOptions(text)) {
    std::optional<std::vector<std::string>> choices =
        findChoices(begin, begin + ownerBytes, key);
    if (choices && !llvm::is_contained(*choices, value))
      return errorHandler(what + ": '" + value + "' is not a value of " + key +
                          " (choose " + llvm::join(*choices, ", ") + ")");
  }
  return llvm::success();
}

/// An option-parsing error in one line: an unknown option gets the nearest
/// of the options `printed` lists ("{a=1 b=x}"; list options without values
/// are not printed, so they are never suggested).
static std::string explainParseError(llvm::StringRef error,
                                     llvm::StringRef printed,
                                     llvm::StringRef what) {
  llvm::SmallVector<llvm::StringRef> match;
  if (!llvm::Regex("no such option ([^ \n]+)").match(error, &match))
    return (what + ": " + error.trim()).str();
  llvm::SmallVector<std::string> names;
  for (auto [key, value] : splitOptions(printed.trim("{} ")))
    names.push_back(key.str());
  std::string nearest;
  unsigned best = 4; // farther than 3 edits is no suggestion
  for (const std::string &name : names) {
    unsigned distance = llvm::StringRef(name).edit_distance(match[1]);
    if (distance < best) {
      best = distance;
      nearest = name;
    }
  }
  return (what + ": no option '" + match[1] + "'" +
          (nearest.empty() ? std::string()
                           : "; did you mean '" + nearest + "'?"))
      .str();
}

llvm::LogicalResult serenity::parseOptionsExplained(
    mlir::detail::PassOptions &options, llvm::StringRef text, const void *owner,
    size_t ownerBytes, llvm::StringRef what,
    llvm::function_ref<llvm::LogicalResult(const llvm::Twine &)> errorHandler) {
  if (failed(checkChoices(text, owner, ownerBytes, what, errorHandler)))
    return llvm::failure();
  std::string printed, error;
  llvm::raw_string_ostream printStream(printed), errorStream(error);
  options.print(printStream);
  if (succeeded(options.parseFromString(text, errorStream)))
    return llvm::success();
  if (error.empty())
    return errorHandler(what + ": invalid options '" + text + "'");
  return errorHandler(explainParseError(error, printed, what));
}

llvm::LogicalResult serenity::initializeOptionsExplained(
    mlir::Pass &pass, size_t passBytes, llvm::StringRef text,
    llvm::function_ref<llvm::LogicalResult(const llvm::Twine &)> errorHandler) {
  llvm::StringRef what = pass.getArgument();
  if (failed(checkChoices(text, &pass, passBytes, what, errorHandler)))
    return llvm::failure();
  // The pass as a pipeline element: "name{a=1 b=x}".
  std::string printed;
  llvm::raw_string_ostream printStream(printed);
  pass.printAsTextualPipeline(printStream);
  llvm::StringRef options =
      llvm::StringRef(printed).drop_until([](char c) { return c == '{'; });
  return pass.mlir::Pass::initializeOptions(
      text, [&](const llvm::Twine &message) {
        std::string error = message.str();
        if (error.empty())
          return errorHandler(what + ": invalid options '" + text + "'");
        return errorHandler(explainParseError(error, options, what));
      });
}

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
