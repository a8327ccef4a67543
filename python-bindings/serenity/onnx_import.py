"""serenity-import-onnx: ONNX models of CNNs to TOSA MLIR.

    serenity-import-onnx model.onnx -o model.mlir

One func.func @<graph name> in the ONNX graph's node order (the converter's
order: Serenity's baseline). NCHW tensors become NHWC inside the function:
4-D inputs are transposed once on entry and 4-D outputs once on exit, and the
layout change is folded into the weights of convolutions. Initializers become
tosa.const; BatchNormalization is folded into the convolution before it when
it is that convolution's only reader. An unsupported op or a dynamic shape is
an error that names the op type and the node, and nothing is written.
"""

import argparse
import sys

import numpy as np

from . import tosa
from .tosa import F32_MAX, clamp_attrs, tensor_type
TO_NHWC = (0, 2, 3, 1)
TO_NCHW = (0, 3, 1, 2)
# An NCHW axis in NHWC.
NHWC_AXIS = {0: 0, 1: 3, 2: 1, 3: 2}


class ImportError_(Exception):
    pass


class Value:
    """An SSA tensor value; `nhwc` marks a 4-D tensor stored NHWC for an NCHW
    one."""

    def __init__(self, name, shape, nhwc=False, constant=None):
        self.name = name
        self.shape = tuple(int(d) for d in shape)
        self.nhwc = nhwc
        self.constant = constant  # numpy array of an initializer (ONNX layout)

    @property
    def type(self):
        return tensor_type(self.shape)


class Importer:
    def __init__(self, model):
        import onnx
        from onnx import numpy_helper, shape_inference

        self.onnx = onnx
        self.graph = shape_inference.infer_shapes(model).graph
        self.emit = tosa.Emitter()
        self.values = {}
        self.consumers = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.initializers = {i.name: numpy_helper.to_array(i) for i in self.graph.initializer}
        self.shapes = {}
        for info in list(self.graph.value_info) + list(self.graph.output) + list(self.graph.input):
            dims = info.type.tensor_type.shape.dim
            self.shapes[info.name] = [d.dim_value if d.HasField("dim_value") else None for d in dims]
        self.folded = set()

    # -- helpers -----------------------------------------------------------
    def fail(self, node, reason):
        raise ImportError_("%s node '%s': %s" % (node.op_type, node.name or node.output[0], reason))

    def attr(self, node, name, default=None):
        for a in node.attribute:
            if a.name == name:
                return self.onnx.helper.get_attribute_value(a)
        return default

    def static_shape(self, node, name):
        shape = self.shapes.get(name)
        if shape is None or any(d is None or d <= 0 for d in shape):
            self.fail(node, "value '%s' has a dynamic or unknown shape %s" % (name, shape))
        return shape

    def input(self, node, index):
        name = node.input[index]
        if name in self.values:
            return self.values[name]
        if name in self.initializers:
            array = self.initializers[name].astype(np.float32)
            value = Value(self.emit.const(array).name, array.shape, constant=array)
            self.values[name] = value
            return value
        self.fail(node, "input '%s' is not defined" % name)

    def constant_input(self, node, index):
        if index >= len(node.input) or not node.input[index]:
            return None
        name = node.input[index]
        if name in self.initializers:
            return self.initializers[name]
        producer = self.values.get(name)
        if producer is not None and producer.constant is not None:
            return producer.constant
        self.fail(node, "input '%s' must be a constant" % name)

    def to_nchw(self, value):
        if not value.nhwc:
            return value
        shape = [value.shape[i] for i in TO_NCHW]
        name = self.emit.op("transpose", [value], "perms = array<i32: 0, 3, 1, 2>", shape, "t")
        return Value(name, shape)

    def to_nhwc(self, value):
        if value.nhwc or len(value.shape) != 4:
            return value
        shape = [value.shape[i] for i in TO_NHWC]
        name = self.emit.op("transpose", [value], "perms = array<i32: 0, 2, 3, 1>", shape, "t")
        return Value(name, shape, nhwc=True)

    def broadcast_operand(self, node, value, like):
        """Brings an operand of a binary op to `like`'s rank and layout."""
        if value.nhwc == like.nhwc and len(value.shape) == len(like.shape):
            return value
        if value.constant is not None:
            array = value.constant.astype(np.float32)
            if like.nhwc:
                array = array.reshape((1,) * (4 - array.ndim) + array.shape).transpose(TO_NHWC)
            else:
                array = array.reshape((1,) * (len(like.shape) - array.ndim) + array.shape)
            name = self.emit.const(array).name
            return Value(name, array.shape, constant=array)
        if like.nhwc and not value.nhwc and len(value.shape) == 4:
            return self.to_nhwc(value)
        if value.nhwc and not like.nhwc:
            return self.to_nchw(value)
        self.fail(node, "cannot broadcast %s with %s" % (value.shape, like.shape))

    def fit(self, node, x, kernel, strides, pads, dilation=1):
        """TOSA's exact-fit pads (top, bottom, left, right) of a window over
        the NHWC `x`, from ONNX pads (top, left, bottom, right)."""
        top, left, bottom, right = pads
        try:
            return tosa.fit_pads(x.shape[1], x.shape[2], kernel, strides,
                                 (top, bottom, left, right), dilation)
        except ValueError as error:
            self.fail(node, str(error))

    def output_shape(self, node, nhwc):
        shape = self.static_shape(node, node.output[0])
        return [shape[i] for i in TO_NHWC] if nhwc else shape

    def define(self, node, name, shape, nhwc=False, index=0):
        self.values[node.output[index]] = Value(name, shape, nhwc)

    # -- ops ---------------------------------------------------------------
    def unary(self, node, op, attrs=""):
        x = self.input(node, 0)
        self.define(node, self.emit.op(op, [x], attrs, x.shape), x.shape, x.nhwc)

    def negate(self, node):
        # tosa.negate takes input and output zero points.
        x = self.input(node, 0)
        zp = self.emit.zero_point()
        self.define(node, self.emit.op("negate", [x, zp, zp], "", x.shape), x.shape, x.nhwc)

    def clamp(self, node, low, high):
        x = self.input(node, 0)
        attrs = clamp_attrs(low, high)
        self.define(node, self.emit.op("clamp", [x], attrs, x.shape, "relu"), x.shape, x.nhwc)

    def binary(self, node, op):
        a, b = self.input(node, 0), self.input(node, 1)
        like = a if (a.nhwc or len(a.shape) >= len(b.shape)) and a.constant is None else b
        a, b = self.broadcast_operand(node, a, like), self.broadcast_operand(node, b, like)
        shape = [max(x, y) for x, y in zip(a.shape, b.shape)]
        if op == "div":
            if b.constant is not None:
                array = (1.0 / b.constant.astype(np.float32)).reshape(b.shape)
                b = Value(self.emit.const(array).name, b.shape)
            else:
                b = Value(self.emit.op("reciprocal", [b], "", b.shape), b.shape)
            op = "mul"
        operands = [a, b] + ([self.emit.shift()] if op == "mul" else [])
        self.define(node, self.emit.op(op, operands, "", shape), shape, like.nhwc)

    def hard_swish(self, node):
        x = self.input(node, 0)
        three = Value(self.emit.const(np.full([1] * len(x.shape), 3.0)).name, [1] * len(x.shape))
        sixth = Value(self.emit.const(np.full([1] * len(x.shape), 1.0 / 6)).name, [1] * len(x.shape))
        shifted = Value(self.emit.op("add", [x, three], "", x.shape), x.shape)
        gate = Value(self.emit.op("clamp", [shifted], "max_val = 6.0 : f32, min_val = 0.0 : f32",
                                  x.shape), x.shape)
        scaled = Value(self.emit.op("mul", [gate, sixth, self.emit.shift()], "", x.shape), x.shape)
        self.define(node, self.emit.op("mul", [x, scaled, self.emit.shift()], "", x.shape),
                    x.shape, x.nhwc)

    def folded_batch_norm(self, node):
        """The BatchNormalization reading this Conv alone, if it can be folded."""
        readers = self.consumers.get(node.output[0], [])
        if len(readers) == 1 and readers[0].op_type == "BatchNormalization":
            bn = readers[0]
            if all(name in self.initializers for name in bn.input[1:5]):
                return bn
        return None

    def conv(self, node):
        x = self.to_nhwc(self.input(node, 0))
        if len(x.shape) != 4:
            self.fail(node, "only 2-D convolutions are supported")
        weight = self.constant_input(node, 1)
        if weight is None:
            self.fail(node, "the weight must be an initializer")
        weight = weight.astype(np.float32)
        out_channels = weight.shape[0]
        bias = self.constant_input(node, 2) if len(node.input) > 2 else None
        bias = np.zeros([out_channels], np.float32) if bias is None else bias.astype(np.float32)
        bn = self.folded_batch_norm(node)
        if bn is not None:
            gamma, beta, mean, var = (self.initializers[n].astype(np.float32) for n in bn.input[1:5])
            scale = gamma / np.sqrt(var + self.attr(bn, "epsilon", 1e-5))
            weight = weight * scale.reshape([-1, 1, 1, 1])
            bias = (bias - mean) * scale + beta
            self.folded.add(bn.name or bn.output[0])
        group = self.attr(node, "group", 1)
        strides = self.attr(node, "strides", [1, 1])
        dilations = self.attr(node, "dilations", [1, 1])
        pads = self.attr(node, "pads", [0, 0, 0, 0])
        if self.attr(node, "auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            self.fail(node, "auto_pad is not supported; give explicit pads")
        out_nchw = self.static_shape(node, node.output[0])
        out_shape = [out_nchw[i] for i in TO_NHWC]
        kh, kw = weight.shape[2], weight.shape[3]
        # ONNX pads: top, left, bottom, right; TOSA: top, bottom, left, right.
        if dilations[0] != dilations[1]:
            self.fail(node, "different dilations along height and width are not supported")
        pad = self.fit(node, x, (kh, kw), strides, pads, dilations[0])
        attrs = tosa.window_attrs(strides, pad, dilations[0])
        in_channels = x.shape[3]
        zp = self.emit.zero_point()
        if group == 1:
            w = self.emit.const(weight.transpose(0, 2, 3, 1))
            b = self.emit.const(bias)
            name = self.emit.op("conv2d", [x, w, b, zp, zp], attrs, out_shape, "conv")
        elif group == in_channels and out_channels % in_channels == 0:
            multiplier = out_channels // in_channels
            w = self.emit.const(weight.reshape(in_channels, multiplier, kh, kw).transpose(2, 3, 0, 1))
            b = self.emit.const(bias)
            name = self.emit.op("depthwise_conv2d", [x, w, b, zp, zp], attrs, out_shape, "dw")
        else:
            # Grouped: one conv per group on its channel slice, concatenated.
            parts = []
            per_in, per_out = in_channels // group, out_channels // group
            for g in range(group):
                start = self.emit.const_shape([0, 0, 0, g * per_in])
                size = self.emit.const_shape([x.shape[0], x.shape[1], x.shape[2], per_in])
                part_shape = [x.shape[0], x.shape[1], x.shape[2], per_in]
                part = Value(self.emit.op("slice", [x, start, size], "", part_shape), part_shape)
                w = self.emit.const(weight[g * per_out:(g + 1) * per_out].transpose(0, 2, 3, 1))
                b = self.emit.const(bias[g * per_out:(g + 1) * per_out])
                shape = out_shape[:3] + [per_out]
                parts.append(Value(self.emit.op("conv2d", [part, w, b, zp, zp], attrs, shape, "conv"),
                                   shape))
            name = self.emit.op("concat", parts, "axis = 3 : i32", out_shape, "cat")
        if bn is not None:
            self.values[bn.output[0]] = Value(name, out_shape, True)
        self.define(node, name, out_shape, True)

    def batch_norm(self, node):
        if (node.name or node.output[0]) in self.folded:
            return
        x = self.input(node, 0)
        gamma, beta, mean, var = (self.constant_input(node, i).astype(np.float32) for i in range(1, 5))
        scale = gamma / np.sqrt(var + self.attr(node, "epsilon", 1e-5))
        shift = beta - mean * scale
        shape = [1] * len(x.shape)
        shape[3 if x.nhwc else 1] = -1
        s = Value(self.emit.const(scale.reshape(shape)).name, scale.reshape(shape).shape)
        t = Value(self.emit.const(shift.reshape(shape)).name, shift.reshape(shape).shape)
        scaled = Value(self.emit.op("mul", [x, s, self.emit.shift()], "", x.shape), x.shape)
        self.define(node, self.emit.op("add", [scaled, t], "", x.shape), x.shape, x.nhwc)

    def pool(self, node, op, global_=False):
        x = self.to_nhwc(self.input(node, 0))
        if global_:
            kernel, strides, pads = [x.shape[1], x.shape[2]], [1, 1], [0, 0, 0, 0]
        else:
            kernel = self.attr(node, "kernel_shape")
            strides = self.attr(node, "strides", [1, 1])
            pads = self.attr(node, "pads", [0, 0, 0, 0])
            if self.attr(node, "ceil_mode", 0):
                self.fail(node, "ceil_mode is not supported")
            if op == "avg_pool2d" and self.attr(node, "count_include_pad", 0) and any(pads):
                self.fail(node, "count_include_pad with padding is not supported")
        out_shape = self.output_shape(node, True)
        pad = self.fit(node, x, kernel, strides, pads)
        attrs = tosa.window_attrs(strides, pad, kernel=kernel, accumulate=op == "avg_pool2d")
        operands = [x]
        if op == "avg_pool2d":
            operands += [self.emit.zero_point(), self.emit.zero_point()]
        self.define(node, self.emit.op(op, operands, attrs, out_shape, "pool"), out_shape, True)

    def concat(self, node):
        inputs = [self.input(node, i) for i in range(len(node.input))]
        nhwc = any(v.nhwc for v in inputs)
        inputs = [self.to_nhwc(v) if nhwc else v for v in inputs]
        axis = self.attr(node, "axis")
        rank = len(inputs[0].shape)
        axis = axis % rank
        if nhwc:
            axis = NHWC_AXIS[axis]
        out_shape = self.output_shape(node, nhwc)
        self.define(node, self.emit.op("concat", inputs, "axis = %d : i32" % axis, out_shape, "cat"),
                    out_shape, nhwc)

    def gemm(self, node):
        a = self.to_nchw(self.input(node, 0))
        b = self.constant_input(node, 1)
        if b is None or len(a.shape) != 2:
            self.fail(node, "needs a 2-D input and a constant second operand")
        b = b.astype(np.float32)
        if node.op_type == "Gemm":
            if self.attr(node, "transA", 0):
                self.fail(node, "transA is not supported")
            if self.attr(node, "transB", 0):
                b = b.T
            b = b * self.attr(node, "alpha", 1.0)
        n, k = a.shape
        m = b.shape[1]
        a3 = Value(self.emit.op("reshape", [a, self.emit.const_shape([1, n, k])], "", [1, n, k]), [1, n, k])
        b3 = Value(self.emit.const(b.reshape(1, k, m)).name, [1, k, m])
        product = Value(self.emit.op("matmul", [a3, b3, self.emit.zero_point(), self.emit.zero_point()], "",
                                     [1, n, m], "mm"), [1, n, m])
        result = Value(self.emit.op("reshape", [product, self.emit.const_shape([n, m])], "", [n, m]), [n, m])
        if node.op_type == "Gemm" and len(node.input) > 2 and node.input[2]:
            c = self.constant_input(node, 2).astype(np.float32) * self.attr(node, "beta", 1.0)
            c = Value(self.emit.const(np.broadcast_to(c, (1, m)) if c.ndim < 2 else c).name,
                      (1, m) if c.ndim < 2 else c.shape)
            result = Value(self.emit.op("add", [result, c], "", [n, m]), [n, m])
        self.values[node.output[0]] = result

    def reshape_like(self, node):
        x = self.to_nchw(self.input(node, 0))
        shape = self.static_shape(node, node.output[0])
        self.define(node, self.emit.op("reshape", [x, self.emit.const_shape(shape)], "", shape, "r"), shape)

    def transpose(self, node):
        x = self.to_nchw(self.input(node, 0))
        perm = self.attr(node, "perm", list(reversed(range(len(x.shape)))))
        shape = [x.shape[p] for p in perm]
        self.define(node, self.emit.op("transpose", [x], "perms = array<i32: %s>" % ", ".join(
            str(p) for p in perm), shape, "t"), shape)

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
        self.values[node.output[0]] = self.input(node, 0)

    def clip(self, node):
        low = self.constant_input(node, 1) if len(node.input) > 1 and node.input[1] else self.attr(node, "min", -F32_MAX)
        high = self.constant_input(node, 2) if len(node.input) > 2 and node.input[2] else self.attr(node, "max", F32_MAX)
        self.clamp(node, float(np.asarray(low).reshape(-1)[0]), float(np.asarray(high).reshape(-1)[0]))

    OPS = {
        "Relu": lambda self, n: self.clamp(n, 0.0, F32_MAX),
        "Clip": clip,
        "Sigmoid": lambda self, n: self.unary(n, "sigmoid"),
        "Tanh": lambda self, n: self.unary(n, "tanh"),
        "Exp": lambda self, n: self.unary(n, "exp"),
        "Abs": lambda self, n: self.unary(n, "abs"),
        "Neg": lambda self, n: self.negate(n),
        "HardSwish": hard_swish,
        "Add": lambda self, n: self.binary(n, "add"),
        "Sub": lambda self, n: self.binary(n, "sub"),
        "Mul": lambda self, n: self.binary(n, "mul"),
        "Div": lambda self, n: self.binary(n, "div"),
        "Conv": conv,
        "BatchNormalization": batch_norm,
        "MaxPool": lambda self, n: self.pool(n, "max_pool2d"),
        "AveragePool": lambda self, n: self.pool(n, "avg_pool2d"),
        "GlobalAveragePool": lambda self, n: self.pool(n, "avg_pool2d", global_=True),
        "Concat": concat,
        "Gemm": gemm,
        "MatMul": gemm,
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

    def run(self, name):
        args = []
        for info in self.graph.input:
            if info.name in self.initializers:
                continue
            shape = self.shapes[info.name]
            if any(d is None or d <= 0 for d in shape):
                raise ImportError_("graph input '%s' has a dynamic or unknown shape %s" % (info.name, shape))
            value = Value("%%arg%d" % len(args), shape)
            args.append(value)
            self.values[info.name] = self.to_nhwc(value)
        for node in self.graph.node:
            handler = self.OPS.get(node.op_type)
            if handler is None:
                self.fail(node, "unsupported op type")
            handler(self, node)
        results = []
        for info in self.graph.output:
            value = self.values.get(info.name)
            if value is None:
                raise ImportError_("graph output '%s' is not computed" % info.name)
            results.append(self.to_nchw(value))
        return tosa.render_function(name, args, results, self.emit.body())


def import_model(model, name=None):
    """The TOSA MLIR text of an onnx.ModelProto."""
    name = name or model.graph.name or "main"
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return Importer(model).run(name)


def main(argv=None):
    import onnx

    parser = argparse.ArgumentParser(prog="serenity-import-onnx", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="an .onnx file")
    parser.add_argument("-o", "--output", default="-", help="output .mlir ('-': stdout)")
    parser.add_argument("--name", help="function name (default: the graph's name)")
    args = parser.parse_args(argv)
    try:
        text = import_model(onnx.load(args.model), args.name)
    except ImportError_ as error:
        print("serenity-import-onnx: %s" % error, file=sys.stderr)
        return 1
    tosa.write_text(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
