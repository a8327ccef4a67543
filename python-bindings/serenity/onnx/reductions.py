"""Reductions of the ONNX importer: ReduceMean / ReduceSum / ReduceMax
(global pooling as MNASNet and ShuffleNet write it), Softmax and
LayerNormalization."""

import numpy as np

from .base import NHWC_AXIS, Value


class ReductionOps:
    """Mixed into the Importer (serenity.onnx_import)."""

    def reduction_axes(self, node, x):
        """The reduced axes of `node` over `x`, in `x`'s layout."""
        if len(node.input) > 1 and node.input[1]:
            axes = self.constant_input(node, 1)
        else:
            axes = self.attr(node, "axes")
        rank = len(x.shape)
        if axes is None or not len(axes):
            if self.attr(node, "noop_with_empty_axes", 0):
                return []
            axes = range(rank)
        axes = sorted({int(a) % rank for a in np.asarray(axes).reshape(-1)})
        return [NHWC_AXIS[a] for a in axes] if x.nhwc else axes

    def reduce_axes(self, x, axes, op):
        """`x` reduced over `axes` (of its layout), keeping them as 1s: op is
        "sum", "max" or "mean"."""
        shape = list(x.shape)
        count = 1
        for axis in axes:
            count *= shape[axis]
            shape[axis] = 1
            tosa_op = "reduce_max" if op == "max" else "reduce_sum"
            x = Value(self.emit.op(tosa_op, [x], "axis = %d : i32" % axis, shape, "red"), shape, x.nhwc)
        if op == "mean" and count != 1:
            scale = np.full([1] * len(shape), 1.0 / count, np.float32)
            x = Value(self.emit.mul(x, self.emit.const(scale), shape), shape, x.nhwc)
        return x

    def reduce(self, node, op):
        x = self.input(node, 0)
        keep = self.attr(node, "keepdims", 1)
        if not keep and x.nhwc and not {1, 2} <= set(self.reduction_axes(node, x)):
            # Without H and W, the axes left would not keep their NCHW order.
            x = self.to_nchw(x)
        x = self.reduce_axes(x, self.reduction_axes(node, x), op)
        if keep:
            self.values[node.output[0]] = x
            return
        out_shape = self.static_shape(node, node.output[0])
        self.define(node, self.emit.op("reshape", [x, self.emit.const_shape(out_shape)], "",
                                       out_shape, "r"), out_shape)

    def softmax(self, node):
        x = self.input(node, 0)
        rank = len(x.shape)
        axis = self.attr(node, "axis", -1) % rank
        if x.nhwc:
            axis = NHWC_AXIS[axis]
        reduced = list(x.shape)
        reduced[axis] = 1
        attrs = "axis = %d : i32" % axis
        # exp(x - max) / sum: the usual guard against overflow.
        peak = Value(self.emit.op("reduce_max", [x], attrs, reduced, "max"), reduced)
        shifted = Value(self.emit.op("sub", [x, peak], "", x.shape), x.shape)
        exp = Value(self.emit.op("exp", [shifted], "", x.shape), x.shape)
        total = Value(self.emit.op("reduce_sum", [exp], attrs, reduced, "sum"), reduced)
        inverse = Value(self.emit.op("reciprocal", [total], "", reduced), reduced)
        self.define(node, self.emit.mul(exp, inverse, x.shape, "softmax"), x.shape, x.nhwc)

    def layer_norm(self, node):
        # (x - mean) / sqrt(var + epsilon) * scale + bias over the axes from
        # `axis` on, in the NCHW layout the scale and bias are given in.
        x = self.to_nchw(self.input(node, 0))
        rank = len(x.shape)
        first = self.attr(node, "axis", -1) % rank
        epsilon = self.attr(node, "epsilon", 1e-5)
        if len(node.output) > 1 and any(node.output[1:]):
            self.fail(node, "the mean and inverse deviation outputs are not supported")
        reduced = list(x.shape[:first]) + [1] * (rank - first)
        mean_of = lambda value: self.reduce_axes(value, range(first, rank), "mean")

        centred = Value(self.emit.op("sub", [x, mean_of(x)], "", x.shape), x.shape)
        variance = mean_of(Value(self.emit.mul(centred, centred, x.shape), x.shape))
        padded = Value(self.emit.op("add", [variance, self.emit.const(
            np.full([1] * rank, epsilon, np.float32))], "", reduced), reduced)
        inverse = Value(self.emit.op("rsqrt", [padded], "", reduced), reduced)
        result = Value(self.emit.mul(centred, inverse, x.shape), x.shape)
        for index, op in ((1, "mul"), (2, "add")):
            array = self.constant_input(node, index)
            if array is None:
                continue
            array = np.asarray(array, np.float32)
            array = array.reshape((1,) * (rank - array.ndim) + array.shape)
            operand = self.emit.const(array)
            name = (self.emit.mul(result, operand, x.shape) if op == "mul"
                    else self.emit.op("add", [result, operand], "", x.shape))
            result = Value(name, x.shape)
        self.values[node.output[0]] = result

    REDUCTION_OPS = {
        "LayerNormalization": layer_norm,
        "ReduceMean": lambda self, n: self.reduce(n, "mean"),
        "ReduceSum": lambda self, n: self.reduce(n, "sum"),
        "ReduceMax": lambda self, n: self.reduce(n, "max"),
        "Softmax": softmax,
    }
