//===- PlacementCheck.cpp - Checking and drawing a placement --------------===//
//
// Deliberately independent of Placement.cpp: it recomputes everything from
// the lifetimes, sizes and offsets with a plain sweep over the steps.
//
//===----------------------------------------------------------------------===//

#include "serenity/Core/Placement.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>

using namespace serenity;

std::optional<std::string>
serenity::verifyPlacement(llvm::ArrayRef<BufferLifetime> buffers,
                          llvm::ArrayRef<uint64_t> offsets, uint64_t arenaBytes,
                          uint64_t alignment) {
  std::string message;
  llvm::raw_string_ostream os(message);
  if (buffers.size() != offsets.size()) {
    os << offsets.size() << " offsets for " << buffers.size() << " buffers";
    return message;
  }
  // Per step, the buffers that start; a map of live byte ranges is kept as
  // the steps advance.
  std::map<unsigned, std::vector<unsigned>> startsAt;
  for (unsigned i = 0, e = buffers.size(); i < e; ++i) {
    const BufferLifetime &buffer = buffers[i];
    if (buffer.lastStep < buffer.firstStep) {
      os << "buffer " << i << " ends (step " << buffer.lastStep
         << ") before it starts (step " << buffer.firstStep << ")";
      return message;
    }
    if (buffer.bytes == 0)
      continue;
    if (alignment > 1 && offsets[i] % alignment != 0) {
      os << "buffer " << i << " at offset " << offsets[i]
         << " is not aligned to " << alignment;
      return message;
    }
    if (offsets[i] + buffer.bytes > arenaBytes) {
      os << "buffer " << i << " [" << offsets[i] << ", "
         << offsets[i] + buffer.bytes << ") exceeds the arena of " << arenaBytes
         << " bytes";
      return message;
    }
    startsAt[buffer.firstStep].push_back(i);
  }
  // Live buffers keyed by offset; neighbours in the map must not overlap.
  std::map<uint64_t, unsigned> live;
  for (auto &[step, starting] : startsAt) {
    for (auto it = live.begin(); it != live.end();)
      it = buffers[it->second].lastStep < step ? live.erase(it) : std::next(it);
    for (unsigned i : starting) {
      uint64_t begin = offsets[i], end = offsets[i] + buffers[i].bytes;
      auto next = live.lower_bound(begin);
      if (next != live.end() && next->first < end) {
        os << "buffers " << i << " and " << next->second << " are live at step "
           << step << " and overlap at offset " << next->first;
        return message;
      }
      if (next != live.begin()) {
        auto previous = std::prev(next);
        unsigned other = previous->second;
        if (previous->first + buffers[other].bytes > begin) {
          os << "buffers " << i << " and " << other << " are live at step "
             << step << " and overlap at offset " << begin;
          return message;
        }
      }
      live.emplace(begin, i);
    }
  }
  return std::nullopt;
}

std::string serenity::renderArenaMap(llvm::ArrayRef<BufferLifetime> buffers,
                                     llvm::ArrayRef<uint64_t> offsets,
                                     uint64_t arenaBytes, unsigned columns) {
  std::string text;
  llvm::raw_string_ostream os(text);
  unsigned lastStep = 0;
  for (const BufferLifetime &buffer : buffers)
    lastStep = std::max(lastStep, buffer.lastStep);
  if (buffers.empty() || arenaBytes == 0 || columns == 0)
    return "(empty arena)\n";
  for (unsigned step = 0; step <= lastStep; ++step) {
    std::string row(columns, '.');
    for (unsigned i = 0, e = buffers.size(); i < e; ++i) {
      const BufferLifetime &buffer = buffers[i];
      if (buffer.bytes == 0 || step < buffer.firstStep ||
          step > buffer.lastStep)
        continue;
      uint64_t first = offsets[i] * columns / arenaBytes;
      uint64_t last = (offsets[i] + buffer.bytes - 1) * columns / arenaBytes;
      char letter =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[i % 52];
      for (uint64_t c = first; c <= last && c < columns; ++c)
        row[c] = letter;
    }
    os << llvm::format_decimal(step, 4) << " |" << row << "|\n";
  }
  return text;
}
