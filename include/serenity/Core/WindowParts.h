//===- WindowParts.h - A padded window op as interior and borders -*- C++
//-*-===//
//
// A convolution or pool over a padded input, split into the part whose
// windows lie inside the unpadded input (it reads the input itself) and the
// border strips around it (each pads only the rows or columns it reads).
// Plain arithmetic on rows and columns: the pass that splits ops
// (--serenity-pad-free-windows) and the memory model that counts the strips
// both take their parts from here.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_CORE_WINDOWPARTS_H
#define SERENITY_CORE_WINDOWPARTS_H

#include "llvm/ADT/SmallVector.h"

#include <array>
#include <cstdint>

namespace serenity {

/// One axis (rows or columns) of a window op over a padded input.
struct WindowAxis {
  int64_t inputSize = 0; // Unpadded.
  int64_t padLow = 0, padHigh = 0;
  int64_t kernel = 1, stride = 1, dilation = 1;
  int64_t outputSize = 0;

  /// Input positions one window covers.
  int64_t span() const { return (kernel - 1) * dilation + 1; }
  /// Positions of the padded input.
  int64_t paddedSize() const { return inputSize + padLow + padHigh; }
  /// Input positions, in padded coordinates, that `outputs` consecutive
  /// output positions read.
  int64_t readExtent(int64_t outputs) const {
    return outputs == 0 ? 0 : (outputs - 1) * stride + span();
  }
};

/// Output rows [begin[0], end[0]) by columns [begin[1], end[1]).
struct WindowPart {
  std::array<int64_t, 2> begin{}, end{};
  /// Its windows lie inside the input: it reads no padding.
  bool interior = false;

  int64_t size(unsigned axis) const { return end[axis] - begin[axis]; }
};

/// The parts of a window op over `rows` by `columns`, in the order their
/// rows run (top, left, interior, right, bottom; empty ones left out).
/// Empty when nothing is padded or no window lies inside the input: then
/// the op reads a padded copy of all of it.
llvm::SmallVector<WindowPart, 5> splitPaddedWindow(const WindowAxis &rows,
                                                   const WindowAxis &columns);

/// Rows and columns, in padded coordinates, of an input tile.
struct TileExtent {
  int64_t rows = 0, columns = 0;

  int64_t area() const { return rows * columns; }
  bool operator==(const TileExtent &other) const {
    return rows == other.rows && columns == other.columns;
  }
};

/// The largest padded input tile a border part reads (empty without parts):
/// the largest temporary the split op holds, per batch element and channel.
TileExtent getLargestBorderTile(const WindowAxis &rows,
                                const WindowAxis &columns);

} // namespace serenity

#endif // SERENITY_CORE_WINDOWPARTS_H
