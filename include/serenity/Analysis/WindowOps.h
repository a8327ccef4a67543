//===- WindowOps.h - How window ops read rows and columns -------*- C++ -*-===//
//
// Convolutions, depthwise convolutions and pools read windows of rows and
// columns of an NHWC input. TOSA gives their padding as attributes; Linalg
// reads a `tensor.pad` of the whole input, which --serenity-pad-free-windows
// splits into an interior part and border strips (WindowParts.h). The pass
// and the memory model both ask here what an op reads and holds.
//
//===----------------------------------------------------------------------===//

#ifndef SERENITY_ANALYSIS_WINDOWOPS_H
#define SERENITY_ANALYSIS_WINDOWOPS_H

#include "serenity/Core/WindowParts.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <optional>

namespace serenity {

/// The loops of a Linalg NHWC window op that run over its output rows and
/// columns.
constexpr unsigned kRowLoop = 1, kColumnLoop = 2;

/// The loop of a Linalg NHWC depthwise convolution or pool that runs over
/// its channels (each output channel reads its input channel alone).
constexpr unsigned kChannelLoop = 3;

/// A Linalg window op whose input is a `tensor.pad` that
/// --serenity-pad-free-windows removes: a constant pad of rows and columns
/// only, of static sizes, which only such ops read (so that the pad goes,
/// and no reader holds a whole copy). With some window inside the input,
/// the op is split into its parts; with none (a 5x5 window over a 3x3 map),
/// a depthwise convolution or pool runs one channel at a time, padding that
/// channel alone; any other op keeps its padded copy and is not one.
struct PaddedWindow {
  mlir::tensor::PadOp pad;
  WindowAxis rows, columns;
  /// Empty: one channel at a time.
  llvm::SmallVector<WindowPart, 5> parts;
};

/// The amounts `pad` pads each dimension by, below and above, when all are
/// known: attributes or constant index values (tosa-to-tensor pads by
/// constants of an explicit `tosa.pad`, as ONNX's Pad before an average pool
/// makes).
struct PadAmounts {
  llvm::SmallVector<int64_t> low, high;
};
std::optional<PadAmounts> getPadAmounts(mlir::tensor::PadOp pad);

/// Whether `op` is an explicit `tosa.pad` (an ONNX Pad before an average
/// pool, say) whose readers, once lowered, read its input in place: each a
/// TOSA window op of no padding of its own that reads it as its input, and
/// that --serenity-pad-free-windows splits or runs channel by channel as if
/// it were padded so (the memory model counts the pad as a view, and each
/// reader's padding as its own).
bool isTosaPadReadInPlace(mlir::Operation *op);

/// Whether `pad` pads the rows and columns of an NHWC map only, by a
/// constant, by known amounts (what a padded window op reads).
bool isRowAndColumnPad(mlir::tensor::PadOp pad);

/// `op`'s padded input as the pass splits it, if it is one.
std::optional<PaddedWindow> getPaddedWindow(mlir::Operation *op);

/// Whether `op` is a window op that the pass would split or run channel by
/// channel once the other readers of its pad are gone (tile loops that
/// make padded tiles of their own).
bool isPaddedWindowOp(mlir::Operation *op);

/// Whether `pad` pads a whole map: not a slice (a border strip's or a
/// band's) nor a patch's tile (`serenity.tile_pad`), and not inside a loop
/// (a tile loop pads its own rows).
bool isWholeMapPad(mlir::tensor::PadOp pad);

/// What the lowering of a padded TOSA window op holds for the padding,
/// besides its input and result: a border strip at a time when the pass
/// splits it, or one padded channel when it runs one channel at a time
/// (the input read in place), otherwise a padded copy of the whole input.
/// Both 0 without padding.
struct PaddingBytes {
  uint64_t border = 0;
  uint64_t copy = 0;
};

/// Bytes of the largest border strip of a Linalg op the pass splits, or of
/// one padded channel of its input: all it holds for the padding.
uint64_t getBorderBytes(const PaddedWindow &window);

/// For a TOSA convolution, depthwise convolution or pool; all zeros for any
/// other op, or an unpadded one.
PaddingBytes getTosaPaddingBytes(mlir::Operation *op);

/// Bytes of the padded input tile a TOSA window op reads for `columns` of
/// one row of its output when --serenity-fuse-requantize tiles it by rows
/// (getFusedTileColumns; 0 when it is not padded: it reads rows of its
/// input in place); of one channel of it when `oneChannel` (an in-place
/// depthwise convolution's).
uint64_t getTosaPaddedRowTileBytes(mlir::Operation *op, int64_t columns,
                                   bool oneChannel = false);

} // namespace serenity

#endif // SERENITY_ANALYSIS_WINDOWOPS_H
