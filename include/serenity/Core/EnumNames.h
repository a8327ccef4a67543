//===- EnumNames.h - One table of names per option enum ---------*- C++ -*-===//
//
// Every enum a user names in an option (memory model, algorithm, placement,
// ...) has one table of names and descriptions. Parsing, printing, the error
// texts that list the choices, `--help`, and the Python package all read it,
// so that a name is written once.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_ENUMNAMES_H
#define SERENITY_CORE_ENUMNAMES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"

#include <optional>
#include <string>

namespace serenity {

template <typename Enum> struct EnumName {
  Enum value;
  llvm::StringLiteral name;
  llvm::StringLiteral description;
};

/// The table of `Enum`, in the order help lists it; specialized next to each
/// enum.
template <typename Enum> llvm::ArrayRef<EnumName<Enum>> getEnumNames();

template <typename Enum> std::optional<Enum> parseEnum(llvm::StringRef name) {
  for (const EnumName<Enum> &entry : getEnumNames<Enum>())
    if (entry.name == name)
      return entry.value;
  return std::nullopt;
}

template <typename Enum> llvm::StringRef stringifyEnum(Enum value) {
  for (const EnumName<Enum> &entry : getEnumNames<Enum>())
    if (entry.value == value)
      return entry.name;
  llvm_unreachable("an enum value without a name");
}

/// The names as a sentence fragment: "a, b or c".
template <typename Enum> std::string describeEnum() {
  llvm::ArrayRef<EnumName<Enum>> names = getEnumNames<Enum>();
  std::string text;
  for (size_t i = 0, e = names.size(); i < e; ++i) {
    if (i > 0)
      text += i + 1 == e ? " or " : ", ";
    text += names[i].name.str();
  }
  return text;
}

} // namespace serenity

#endif // SERENITY_CORE_ENUMNAMES_H
