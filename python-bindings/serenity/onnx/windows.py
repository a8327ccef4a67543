"""Window and matrix ops of the ONNX importer: convolutions (batch norm
folded in), pooling, Gemm and MatMul."""

import numpy as np

from .. import tosa
from .base import Value


class WindowOps:
    """Mixed into the Importer (serenity.onnx_import)."""

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
        weight = self.constant_input(node, 1)
        if weight is None:
            self.fail(node, "has no weight (its second input)")
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
        result = self.emit_conv(node, x, weight, bias)
        if bn is not None:
            self.values[bn.output[0]] = result
        self.values[node.output[0]] = result

    def emit_conv(self, node, x, weight, bias, zero_points=(0, 0), geometry=None):
        """Node's convolution of the NHWC `x` by `weight` (ONNX's OIHW) plus
        `bias`: f32, or i8 inputs and weights (with their `zero_points`)
        into an i32 accumulator with an i32 bias. `geometry` overrides
        node's group, strides, dilations and pads attributes and its
        (NHWC) output_shape."""
        geometry = geometry or {}
        attr = lambda name, default: geometry.get(name, self.attr(node, name, default))
        if len(x.shape) != 4:
            self.fail(node, "only 2-D convolutions are supported")
        quantized = x.element == "i8"
        weight_element, bias_element = ("i8", "i32") if quantized else ("f32", "f32")
        result_element = "i32" if quantized else "f32"
        if quantized:
            input_zp, weight_zp = (self.emit.int_zero_point(z, "i8") for z in zero_points)
        else:
            input_zp = weight_zp = self.emit.zero_point()
        out_channels = weight.shape[0]
        group = attr("group", 1)
        strides = attr("strides", [1, 1])
        dilations = attr("dilations", [1, 1])
        pads = attr("pads", [0, 0, 0, 0])
        if attr("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
            self.fail(node, "auto_pad is not supported; give explicit pads")
        out_shape = geometry.get("output_shape") or self.output_shape(node, True)
        kh, kw = weight.shape[2], weight.shape[3]
        # ONNX pads: top, left, bottom, right; TOSA: top, bottom, left, right.
        if dilations[0] != dilations[1]:
            self.fail(node, "different dilations along height and width are not supported")
        x, pad = self.fit(node, x, (kh, kw), strides, pads, dilations[0], out_shape[1:3])
        attrs = tosa.window_attrs(strides, pad, dilations[0], acc_type=result_element)
        in_channels = x.shape[3]
        const = lambda array, element: self.emit.const(array, element)
        if group == 1:
            w = const(weight.transpose(0, 2, 3, 1), weight_element)
            b = const(bias, bias_element)
            name = self.op("conv2d", [x, w, b, input_zp, weight_zp], attrs, out_shape, "conv",
                           result_element)
        elif group == in_channels and out_channels % in_channels == 0:
            multiplier = out_channels // in_channels
            w = const(weight.reshape(in_channels, multiplier, kh, kw).transpose(2, 3, 0, 1),
                      weight_element)
            b = const(bias, bias_element)
            name = self.op("depthwise_conv2d", [x, w, b, input_zp, weight_zp], attrs, out_shape,
                           "dw", result_element)
        else:
            # Grouped: one conv per group on its channel slice, concatenated.
            parts = []
            per_in, per_out = in_channels // group, out_channels // group
            for g in range(group):
                start = self.emit.const_shape([0, 0, 0, g * per_in])
                size = self.emit.const_shape([x.shape[0], x.shape[1], x.shape[2], per_in])
                part_shape = [x.shape[0], x.shape[1], x.shape[2], per_in]
                part = x.like(self.op("slice", [x, start, size], "", part_shape, "v", x.element),
                              part_shape)
                w = const(weight[g * per_out:(g + 1) * per_out].transpose(0, 2, 3, 1),
                          weight_element)
                b = const(bias[g * per_out:(g + 1) * per_out], bias_element)
                shape = out_shape[:3] + [per_out]
                parts.append(Value(self.op("conv2d", [part, w, b, input_zp, weight_zp], attrs,
                                           shape, "conv", result_element), shape,
                                   element=result_element))
            name = self.op("concat", parts, "axis = 3 : i32", out_shape, "cat", result_element)
        return Value(name, out_shape, True, element=result_element)

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
        self.values[node.output[0]] = self.emit_pool(node, self.input(node, 0), op, global_)

    def emit_pool(self, node, x, op, global_=False):
        """Node's pooling of `x`: f32, or i8 with `x.quant`'s zero point
        (which padding counted by an average holds, and an i8 average
        keeps)."""
        x = self.to_nhwc(x)
        if len(x.shape) != 4:
            self.fail(node, "only 2-D pooling is supported")
        quantized = x.element == "i8"
        zero = x.quant.zero_point if quantized else 0
        out_shape = ([x.shape[0], 1, 1, x.shape[3]] if global_
                     else self.output_shape(node, True))
        if global_:
            kernel, strides, pads = [x.shape[1], x.shape[2]], [1, 1], [0, 0, 0, 0]
        else:
            kernel = self.attr(node, "kernel_shape")
            strides = self.attr(node, "strides", [1, 1])
            pads = self.attr(node, "pads", [0, 0, 0, 0])
            if self.attr(node, "auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
                self.fail(node, "auto_pad is not supported; give explicit pads")
            if any(d != 1 for d in self.attr(node, "dilations", [1, 1])):
                self.fail(node, "dilated pooling is not supported")
            if op == "avg_pool2d" and self.attr(node, "count_include_pad", 0) and any(pads):
                # TOSA averages over the input only: pad with zeros first,
                # so that they count.
                top, left, bottom, right = pads
                shape = [x.shape[0], x.shape[1] + top + bottom, x.shape[2] + left + right, x.shape[3]]
                zero_value = self.emit.const(np.full([1], zero), x.element)
                x = x.like(self.op("pad", [x, self.emit.const_shape(
                    [0, 0, top, bottom, left, right, 0, 0]), zero_value], "", shape, "pad",
                    x.element), shape)
                pads = [0, 0, 0, 0]
        # Ceil mode shows in the output size; fit() pads for it.
        x, pad = self.fit(node, x, kernel, strides, pads, output=out_shape[1:3])
        if any(p >= k for p, k in zip(pad, (kernel[0], kernel[0], kernel[1], kernel[1]))):
            self.fail(node, "padding as large as the window is not supported")
        attrs = tosa.window_attrs(strides, pad, kernel=kernel, accumulate=op == "avg_pool2d",
                                  acc_type="i32" if quantized else "f32")
        operands = [x]
        if op == "avg_pool2d":
            zp = self.emit.int_zero_point(zero, "i8") if quantized else self.emit.zero_point()
            operands += [zp, zp]
        return x.like(self.op(op, operands, attrs, out_shape, "pool", x.element), out_shape)

    def resize(self, node):
        """Nearest-neighbour upsampling by whole factors (nn.Upsample), as
        tosa.resize: TOSA rounds the sample position out / n half up, so an
        offset of -(n // 2) turns that into PyTorch's floor(out / n), and a
        border of n - 1 - n // 2 keeps n outputs per input."""
        x = self.to_nhwc(self.input(node, 0))
        text = lambda name, default: (lambda v: v.decode() if isinstance(v, bytes) else v)(
            self.attr(node, name, default))
        if len(x.shape) != 4 or text("mode", "nearest") != "nearest":
            self.fail(node, "only nearest-neighbour resizing of 4-D tensors is supported")
        transform = text("coordinate_transformation_mode", "half_pixel")
        rounding = text("nearest_mode", "round_prefer_floor")
        # For whole factors these sample floor(out / n): half-pixel centres
        # never fall halfway between two inputs.
        floor_like = (node.op_type == "Upsample" or (transform == "asymmetric" and rounding == "floor")
                      or (transform in ("half_pixel", "pytorch_half_pixel")
                          and rounding in ("round_prefer_floor", "round_prefer_ceil")))
        if not floor_like:
            self.fail(node, "coordinate_transformation_mode '%s' with nearest_mode '%s' is not supported"
                      % (transform, rounding))
        out_shape = self.output_shape(node, True)
        factors = []
        for axis in (1, 2):
            if out_shape[axis] % x.shape[axis]:
                self.fail(node, "only whole upsampling factors are supported (%d to %d)"
                          % (x.shape[axis], out_shape[axis]))
            factors.append(out_shape[axis] // x.shape[axis])
        if out_shape[0] != x.shape[0] or out_shape[3] != x.shape[3]:
            self.fail(node, "only height and width can be resized")
        (fh, fw) = factors
        scale = self.emit.const_shape([fh, 1, fw, 1])
        offset = self.emit.const_shape([-(fh // 2), -(fw // 2)])
        border = self.emit.const_shape([fh - 1 - fh // 2, fw - 1 - fw // 2])
        self.define(node, self.emit.op("resize", [x, scale, offset, border],
                                       "mode = #tosa.resize_mode<NEAREST_NEIGHBOR>", out_shape, "up"),
                    out_shape, True)

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

    WINDOW_OPS = {
        "Conv": conv,
        "BatchNormalization": batch_norm,
        "MaxPool": lambda self, n: self.pool(n, "max_pool2d"),
        "AveragePool": lambda self, n: self.pool(n, "avg_pool2d"),
        "GlobalAveragePool": lambda self, n: self.pool(n, "avg_pool2d", global_=True),
        "GlobalMaxPool": lambda self, n: self.pool(n, "max_pool2d", global_=True),
        "Resize": resize,
        "Upsample": resize,
        "Gemm": gemm,
        "MatMul": gemm,
    }
