//===- WindowParts.cpp - A padded window op as interior and borders -------===//

#include "serenity/Core/WindowParts.h"

#include <algorithm>

using namespace serenity;

/// The output positions [first, end) whose windows lie inside the input
/// (clamped to the output; first == end when there are none).
static std::pair<int64_t, int64_t> getInterior(const WindowAxis &axis) {
  int64_t first = (axis.padLow + axis.stride - 1) / axis.stride;
  // The last window start, in padded coordinates, that ends inside.
  int64_t lastStart = axis.inputSize - axis.span() + axis.padLow;
  int64_t end = lastStart < 0 ? 0 : lastStart / axis.stride + 1;
  first = std::min(first, axis.outputSize);
  return {first, std::clamp(end, first, axis.outputSize)};
}

llvm::SmallVector<WindowPart, 5>
serenity::splitPaddedWindow(const WindowAxis &rows, const WindowAxis &columns) {
  if (!rows.padLow && !rows.padHigh && !columns.padLow && !columns.padHigh)
    return {};
  auto [top, bottom] = getInterior(rows);
  auto [left, right] = getInterior(columns);
  if (top == bottom || left == right)
    return {};
  int64_t height = rows.outputSize, width = columns.outputSize;
  llvm::SmallVector<WindowPart, 5> parts;
  for (WindowPart part : {WindowPart{{0, 0}, {top, width}, false},
                          WindowPart{{top, 0}, {bottom, left}, false},
                          WindowPart{{top, left}, {bottom, right}, true},
                          WindowPart{{top, right}, {bottom, width}, false},
                          WindowPart{{bottom, 0}, {height, width}, false}})
    if (part.size(0) > 0 && part.size(1) > 0)
      parts.push_back(part);
  return parts;
}

TileExtent serenity::getLargestBorderTile(const WindowAxis &rows,
                                          const WindowAxis &columns) {
  TileExtent largest;
  for (const WindowPart &part : splitPaddedWindow(rows, columns)) {
    TileExtent tile{rows.readExtent(part.size(0)),
                    columns.readExtent(part.size(1))};
    if (!part.interior && tile.area() > largest.area())
      largest = tile;
  }
  return largest;
}
