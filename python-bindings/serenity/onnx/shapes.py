"""Shape and layout ops of the ONNX importer: concat, reshape, transpose,
pad, slice, split and aliases."""

import numpy as np

from .base import NHWC_AXIS, TO_NCHW, TO_NHWC


class ShapeOps:
    """Mixed into the Importer (serenity.onnx_import)."""

    def concat(self, node):
        inputs = [self.input(node, i) for i in range(len(node.input))]
        self.values[node.output[0]] = self.emit_concat(node, inputs)

    def emit_concat(self, node, inputs):
        """Node's concatenation of `inputs` (of one element type)."""
        nhwc = any(v.nhwc for v in inputs)
        inputs = [self.to_nhwc(v) if nhwc else v for v in inputs]
        axis = self.attr(node, "axis")
        rank = len(inputs[0].shape)
        axis = axis % rank
        if nhwc:
            axis = NHWC_AXIS[axis]
        out_shape = self.output_shape(node, nhwc)
        element = inputs[0].element
        return inputs[0].like(self.op("concat", inputs, "axis = %d : i32" % axis, out_shape, "cat",
                                      element), out_shape, nhwc)

    def reshape_like(self, node):
        self.values[node.output[0]] = self.emit_reshape_like(node, self.input(node, 0))

    def emit_reshape_like(self, node, x):
        """`x` (of any element type) in the shape of node's output."""
        x = self.to_nchw(x)
        shape = self.static_shape(node, node.output[0])
        return x.like(self.op("reshape", [x, self.emit.const_shape(shape)], "", shape, "r",
                              x.element), shape)

    def transpose(self, node):
        self.values[node.output[0]] = self.emit_transpose(node, self.input(node, 0))

    def emit_transpose(self, node, x):
        x = self.to_nchw(x)
        perm = self.attr(node, "perm", list(reversed(range(len(x.shape)))))
        shape = [x.shape[p] for p in perm]
        return x.like(self.op("transpose", [x], "perms = array<i32: %s>" % ", ".join(
            str(p) for p in perm), shape, "t", x.element), shape)

    def pad(self, node):
        x = self.input(node, 0)
        pads = self.constant_input(node, 1)
        pads = self.attr(node, "pads") if pads is None else list(pads)
        mode = self.attr(node, "mode", b"constant")
        if mode not in (b"constant", "constant"):
            self.fail(node, "only constant padding is supported")
        value = self.constant_input(node, 2) if len(node.input) > 2 else None
        value = 0.0 if value is None else float(np.asarray(value).reshape(-1)[0])
        rank = len(x.shape)
        begin, end = pads[:rank], pads[rank:]
        if x.nhwc:
            begin = [begin[i] for i in TO_NHWC]
            end = [end[i] for i in TO_NHWC]
        padding = [p for pair in zip(begin, end) for p in pair]
        shape = [d + b + e for d, b, e in zip(x.shape, begin, end)]
        pad_value = self.emit.const(np.full([1], value, np.float32))
        self.define(node, self.emit.op("pad", [x, self.emit.const_shape(padding), pad_value], "", shape, "pad"),
                    shape, x.nhwc)

    def slice_(self, node):
        x = self.input(node, 0)
        starts = list(self.constant_input(node, 1))
        ends = list(self.constant_input(node, 2))
        rank = len(x.shape)
        axes = list(self.constant_input(node, 3)) if len(node.input) > 3 and node.input[3] else list(range(len(starts)))
        steps = list(self.constant_input(node, 4)) if len(node.input) > 4 and node.input[4] else [1] * len(starts)
        if any(s != 1 for s in steps):
            self.fail(node, "only steps of 1 are supported")
        nchw_shape = [x.shape[i] for i in TO_NCHW] if x.nhwc else list(x.shape)
        begin, size = [0] * rank, list(nchw_shape)
        for start, end, axis in zip(starts, ends, axes):
            axis %= rank
            dim = nchw_shape[axis]
            start = max(0, min(dim, start + dim if start < 0 else start))
            end = max(0, min(dim, end + dim if end < 0 else end))
            begin[axis], size[axis] = start, end - start
        if x.nhwc:
            begin = [begin[i] for i in TO_NHWC]
            size = [size[i] for i in TO_NHWC]
        self.define(node, self.emit.op("slice", [x, self.emit.const_shape(begin), self.emit.const_shape(size)], "",
                                       size, "slice"), size, x.nhwc)

    def split(self, node):
        x = self.input(node, 0)
        rank = len(x.shape)
        axis = self.attr(node, "axis", 0) % rank
        nchw_shape = [x.shape[i] for i in TO_NCHW] if x.nhwc else list(x.shape)
        sizes = self.constant_input(node, 1) if len(node.input) > 1 and node.input[1] else self.attr(node, "split")
        if sizes is None:
            sizes = [nchw_shape[axis] // len(node.output)] * len(node.output)
        offset = 0
        for index, size in enumerate(sizes):
            begin, shape = [0] * rank, list(nchw_shape)
            begin[axis], shape[axis] = offset, int(size)
            offset += int(size)
            if x.nhwc:
                begin = [begin[i] for i in TO_NHWC]
                shape = [shape[i] for i in TO_NHWC]
            name = self.emit.op("slice", [x, self.emit.const_shape(begin), self.emit.const_shape(shape)], "",
                                shape, "split")
            self.define(node, name, shape, x.nhwc, index)

    def alias(self, node):
        # The value as it is: a dequantized one stays integers until read.
        value = self.values.get(node.input[0])
        self.values[node.output[0]] = value if value is not None else self.input(node, 0)

    SHAPE_OPS = {
        "Concat": concat,
        "Reshape": reshape_like,
        "Flatten": reshape_like,
        "Squeeze": reshape_like,
        "Unsqueeze": reshape_like,
        "Transpose": transpose,
        "Pad": pad,
        "Slice": slice_,
        "Split": split,
        "Identity": alias,
        "Dropout": alias,
    }
