"""Element-wise ops of the ONNX importer: activations, clips and
arithmetic with broadcasting."""

import numpy as np

from ..tosa import F32_MAX, clamp_attrs
from .base import Value


class ElementwiseOps:
    """Mixed into the Importer (serenity.onnx_import)."""

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

    def clip(self, node):
        low = self.constant_input(node, 1) if len(node.input) > 1 and node.input[1] else self.attr(node, "min", -F32_MAX)
        high = self.constant_input(node, 2) if len(node.input) > 2 and node.input[2] else self.attr(node, "max", F32_MAX)
        self.clamp(node, float(np.asarray(low).reshape(-1)[0]), float(np.asarray(high).reshape(-1)[0]))

    def binary(self, node, op):
        a, b = self.input(node, 0), self.input(node, 1)
        like = a if (a.nhwc or len(a.shape) >= len(b.shape)) and a.constant is None else b
        # The shapes as ONNX gives them (constants have none inferred).
        given = [list(self.shapes.get(name) or value.shape) for name, value in zip(node.input, (a, b))]
        a, b = self.broadcast_operand(node, a, like), self.broadcast_operand(node, b, like)
        if any(x != y and 1 not in (x, y) for x, y in zip(a.shape, b.shape)):
            # An invalid model, not an importer bug: say so before TOSA does.
            self.fail(node, "cannot broadcast %s with %s" % tuple(given))
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
        three, sixth = self.scalar(x, 3.0), self.scalar(x, 1.0 / 6)
        shifted = Value(self.emit.op("add", [x, three], "", x.shape), x.shape)
        gate = Value(self.emit.op("clamp", [shifted], "max_val = 6.0 : f32, min_val = 0.0 : f32",
                                  x.shape), x.shape)
        scaled = Value(self.emit.op("mul", [gate, sixth, self.emit.shift()], "", x.shape), x.shape)
        self.define(node, self.emit.op("mul", [x, scaled, self.emit.shift()], "", x.shape),
                    x.shape, x.nhwc)

    def scalar(self, x, value):
        """A constant of `value` that broadcasts over `x`."""
        array = np.full([1] * len(x.shape), value, np.float32)
        return Value(self.emit.const(array).name, array.shape, constant=array)

    def hard_sigmoid(self, node):
        # clamp(alpha * x + beta, 0, 1)
        x = self.input(node, 0)
        alpha, beta = self.attr(node, "alpha", 0.2), self.attr(node, "beta", 0.5)
        scaled = Value(self.emit.mul(x, self.scalar(x, alpha), x.shape), x.shape)
        shifted = Value(self.emit.op("add", [scaled, self.scalar(x, beta)], "", x.shape), x.shape)
        self.define(node, self.emit.op("clamp", [shifted], clamp_attrs(0.0, 1.0), x.shape, "hsig"),
                    x.shape, x.nhwc)

    def leaky_relu(self, node):
        # max(x, alpha * x) for 0 <= alpha <= 1
        x = self.input(node, 0)
        alpha = self.attr(node, "alpha", 0.01)
        if not 0.0 <= alpha <= 1.0:
            self.fail(node, "alpha outside [0, 1] is not supported")
        scaled = Value(self.emit.mul(x, self.scalar(x, alpha), x.shape), x.shape)
        self.define(node, self.emit.op("maximum", [x, scaled], "", x.shape, "leaky"), x.shape, x.nhwc)

    ELEMENTWISE_OPS = {
        "HardSigmoid": hard_sigmoid,
        "LeakyRelu": leaky_relu,
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
    }
