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
import os
import struct
import sys

import numpy as np

F32_MAX = 3.4028234663852886e38
TO_NHWC = (0, 2, 3, 1)
TO_NCHW = (0, 3, 1, 2)
# An NCHW axis in NHWC.
NHWC_AXIS = {0: 0, 1: 3, 2: 1, 3: 2}


class ImportError_(Exception):
    pass


def tensor_type(shape, element="f32"):
    if not shape:
        return "tensor<%s>" % element
    return "tensor<%sx%s>" % ("x".join(str(int(d)) for d in shape), element)


class Value:
    """An SSA value; `nhwc` marks a 4-D tensor stored NHWC for an NCHW one."""

    def __init__(self, name, shape, nhwc=False, constant=None):
        self.name = name
        self.shape = tuple(int(d) for d in shape)
        self.nhwc = nhwc
        self.constant = constant  # numpy array of an initializer (ONNX layout)

    @property
    def type(self):
        return tensor_type(self.shape)


class Emitter:
    def __init__(self):
        self.lines = []
        self.counter = 0
        self.cache = {}

    def fresh(self, hint="v"):
        self.counter += 1
        return "%%%s%d" % (hint, self.counter)

    def op(self, name, operands, attrs, shape, hint="v", result_type=None):
        result = self.fresh(hint)
        types = ", ".join(o[1] if isinstance(o, tuple) else o.type for o in operands)
        names = ", ".join(o[0] if isinstance(o, tuple) else o.name for o in operands)
        self.lines.append('  %s = "tosa.%s"(%s) {%s} : (%s) -> %s' % (
            result, name, names, attrs, types, result_type or tensor_type(shape)))
        return result

    def const(self, array, element="f32"):
        array = np.ascontiguousarray(array, dtype=np.float32 if element == "f32" else None)
        name = self.fresh("c")
        ty = tensor_type(array.shape, element)
        if element == "f32":
            if array.size and np.all(array == array.flat[0]):
                literal = "dense<%s>" % float_literal(array.flat[0])
            else:
                literal = 'dense<"0x%s">' % array.astype("<f4").tobytes().hex().upper()
        else:  # i8 shift
            literal = "dense<%d>" % int(array.flat[0])
        self.lines.append('  %s = "tosa.const"() {values = %s : %s} : () -> %s' % (
            name, literal, ty, ty))
        return (name, ty)

    def shape(self, dims):
        name = self.fresh("s")
        self.lines.append("  %s = tosa.const_shape {values = dense<[%s]> : tensor<%dxindex>}"
                          " : () -> !tosa.shape<%d>" % (
                              name, ", ".join(str(int(d)) for d in dims), len(dims), len(dims)))
        return (name, "!tosa.shape<%d>" % len(dims))

    def zp(self):
        if "zp" not in self.cache:
            self.cache["zp"] = self.const(np.zeros([1], np.float32))
        return self.cache["zp"]

    def shift(self):
        if "shift" not in self.cache:
            self.cache["shift"] = self.const(np.zeros([1], np.int8), "i8")
        return self.cache["shift"]


def float_literal(value):
    return repr(float(np.float32(value)))


class Importer:
    def __init__(self, model):
        import onnx
        from onnx import numpy_helper, shape_inference

        self.onnx = onnx
        self.graph = shape_inference.infer_shapes(model).graph
        self.emit = Emitter()
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
            value = Value(*self.emit.const(array)[:1], array.shape, constant=array)
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
            name, _ = self.emit.const(array)
            return Value(name, array.shape, constant=array)
        if like.nhwc and not value.nhwc and len(value.shape) == 4:
            return self.to_nhwc(value)
        if value.nhwc and not like.nhwc:
            return self.to_nchw(value)
        self.fail(node, "cannot broadcast %s with %s" % (value.shape, like.shape))

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
        zp = self.emit.zp()
        self.define(node, self.emit.op("negate", [x, zp, zp], "", x.shape), x.shape, x.nhwc)

    def clamp(self, node, low, high):
        x = self.input(node, 0)
        attrs = "max_val = %s : f32, min_val = %s : f32" % (float_literal(high), float_literal(low))
        self.define(node, self.emit.op("clamp", [x], attrs, x.shape, "relu"), x.shape, x.nhwc)

    def binary(self, node, op):
        a, b = self.input(node, 0), self.input(node, 1)
        like = a if (a.nhwc or len(a.shape) >= len(b.shape)) and a.constant is None else b
        a, b = self.broadcast_operand(node, a, like), self.broadcast_operand(node, b, like)
        shape = [max(x, y) for x, y in zip(a.shape, b.shape)]
        if op == "div":
            if b.constant is not None:
                array = (1.0 / b.constant.astype(np.float32)).reshape(b.shape)
                b = Value(self.emit.const(array)[0], b.shape)
            else:
                b = Value(self.emit.op("reciprocal", [b], "", b.shape), b.shape)
            op = "mul"
        operands = [a, b] + ([self.emit.shift()] if op == "mul" else [])
        self.define(node, self.emit.op(op, operands, "", shape), shape, like.nhwc)

    def hard_swish(self, node):
        x = self.input(node, 0)
        three = Value(*self.emit.const(np.full([1] * len(x.shape), 3.0))[:1], [1] * len(x.shape))
        sixth = Value(*self.emit.const(np.full([1] * len(x.shape), 1.0 / 6))[:1], [1] * len(x.shape))
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
        # ONNX pads: top, left, bottom, right; TOSA: top, bottom, left, right,
        # without the trailing padding no window reaches (TOSA wants exact).
        top, left, bottom, right = pads
        bottom -= (x.shape[1] + top + bottom - dilations[0] * (kh - 1) - 1) % strides[0]
        right -= (x.shape[2] + left + right - dilations[1] * (kw - 1) - 1) % strides[1]
        attrs = ("acc_type = f32, dilation = array<i64: %d, %d>, pad = array<i64: %d, %d, %d, %d>,"
                 " stride = array<i64: %d, %d>" % (dilations[0], dilations[1], top, bottom,
                                                   left, right, strides[0], strides[1]))
        in_channels = x.shape[3]
        zp = self.emit.zp()
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
                start = self.emit.shape([0, 0, 0, g * per_in])
                size = self.emit.shape([x.shape[0], x.shape[1], x.shape[2], per_in])
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
        s = Value(*self.emit.const(scale.reshape(shape))[:1], scale.reshape(shape).shape)
        t = Value(*self.emit.const(shift.reshape(shape))[:1], shift.reshape(shape).shape)
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
        top, left, bottom, right = pads
        bottom -= (x.shape[1] + top + bottom - kernel[0]) % strides[0]
        right -= (x.shape[2] + left + right - kernel[1]) % strides[1]
        attrs = ("kernel = array<i64: %d, %d>, pad = array<i64: %d, %d, %d, %d>, stride = array<i64: %d, %d>"
                 % (kernel[0], kernel[1], top, bottom, left, right, strides[0], strides[1]))
        operands = [x]
        if op == "avg_pool2d":
            attrs = "acc_type = f32, " + attrs
            operands += [self.emit.zp(), self.emit.zp()]
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
        a3 = Value(self.emit.op("reshape", [a, self.emit.shape([1, n, k])], "", [1, n, k]), [1, n, k])
        b3 = Value(*self.emit.const(b.reshape(1, k, m))[:1], [1, k, m])
        product = Value(self.emit.op("matmul", [a3, b3, self.emit.zp(), self.emit.zp()], "",
                                     [1, n, m], "mm"), [1, n, m])
        result = Value(self.emit.op("reshape", [product, self.emit.shape([n, m])], "", [n, m]), [n, m])
        if node.op_type == "Gemm" and len(node.input) > 2 and node.input[2]:
            c = self.constant_input(node, 2).astype(np.float32) * self.attr(node, "beta", 1.0)
            c = Value(*self.emit.const(np.broadcast_to(c, (1, m)) if c.ndim < 2 else c)[:1],
                      (1, m) if c.ndim < 2 else c.shape)
            result = Value(self.emit.op("add", [result, c], "", [n, m]), [n, m])
        self.values[node.output[0]] = result

    def reshape_like(self, node):
        x = self.to_nchw(self.input(node, 0))
        shape = self.static_shape(node, node.output[0])
        self.define(node, self.emit.op("reshape", [x, self.emit.shape(shape)], "", shape, "r"), shape)

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
        self.define(node, self.emit.op("pad", [x, self.emit.shape(padding), pad_value], "", shape, "pad"),
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
        self.define(node, self.emit.op("slice", [x, self.emit.shape(begin), self.emit.shape(size)], "",
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
            name = self.emit.op("slice", [x, self.emit.shape(begin), self.emit.shape(shape)], "",
                                shape, "split")
            self.define(node, name, shape, x.nhwc, index)

    def alias(self, node):
        self.values[node.output[0]] = self.input(node, 0)

    OPS = {
        "Relu": lambda self, n: self.clamp(n, 0.0, F32_MAX),
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

    def clip(self, node):
        low = self.constant_input(node, 1) if len(node.input) > 1 and node.input[1] else self.attr(node, "min", -F32_MAX)
        high = self.constant_input(node, 2) if len(node.input) > 2 and node.input[2] else self.attr(node, "max", F32_MAX)
        self.clamp(node, float(np.asarray(low).reshape(-1)[0]), float(np.asarray(high).reshape(-1)[0]))

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
            if node.op_type == "Clip":
                self.clip(node)
                continue
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
        signature = ", ".join("%s: %s" % (a.name, a.type) for a in args)
        result_types = ", ".join(r.type for r in results)
        lines = ["func.func @%s(%s) -> (%s) {" % (name, signature, result_types)]
        lines += self.emit.lines
        lines.append("  return %s : %s" % (", ".join(r.name for r in results), result_types))
        lines.append("}")
        return "\n".join(lines) + "\n"


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
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
