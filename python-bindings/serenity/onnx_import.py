"""serenity-import-onnx: ONNX models of CNNs to TOSA MLIR.

    serenity-import-onnx model.onnx -o model.mlir

One func.func @<graph name> in the ONNX graph's node order (the converter's
order: Serenity's baseline). NCHW tensors become NHWC inside the function:
4-D inputs are transposed once on entry and 4-D outputs once on exit (none
with --channels-last, which takes and returns them NHWC), and the layout
change is folded into the weights of convolutions. Each 4-D argument and
result states its layout (serenity.layout). Initializers become
tosa.const; BatchNormalization is folded into the convolution before it when
it is that convolution's only reader. An unsupported op or a dynamic shape is
an error that names the op type and the node, and nothing is written.
Subgraphs that compute on constants and static shapes are folded. Every op
carries the name of the ONNX node it came from as its location, and the
output is verified before it is written.
"""

import argparse
import sys
import warnings

from . import tosa
from .onnx.base import TO_NHWC, ImporterBase, ImportError_, Value
from .onnx.elementwise import ElementwiseOps
from .onnx.quantization import ONNX_ELEMENTS, ROUNDINGS, UNSIGNED_OFFSET
from .onnx.quantized import QuantizedOps
from .onnx.reductions import ReductionOps
from .onnx.shapes import ShapeOps
from .onnx.windows import WindowOps

# Where a quantized op reads the scale and zero point of an input: {op type:
# {input index: (scale index, zero point index)}}.
QUANTIZATION_INPUTS = {
    "QuantizeLinear": {0: (1, 2)},
    "DequantizeLinear": {0: (1, 2)},
    "QLinearConv": {0: (1, 2)},
    "QLinearMatMul": {0: (1, 2), 3: (4, 5)},
    "QLinearAdd": {0: (1, 2), 3: (4, 5)},
    "QLinearGlobalAveragePool": {0: (1, 2)},
}


def layout_attribute(shape, nhwc):
    """The `serenity.layout` of a 4-D argument or result."""
    return 'serenity.layout = "%s"' % ("NHWC" if nhwc else "NCHW")


class Importer(ElementwiseOps, ReductionOps, WindowOps, ShapeOps, QuantizedOps, ImporterBase):
    """One ONNX graph to one func.func: the op families in serenity/onnx/,
    dispatched by op type."""

    OPS = {**ElementwiseOps.ELEMENTWISE_OPS, **ReductionOps.REDUCTION_OPS,
           **WindowOps.WINDOW_OPS, **ShapeOps.SHAPE_OPS, **QuantizedOps.QUANTIZED_OPS}

    def __init__(self, model, input_shapes=None, rounding="pytorch", quantized_io=True,
                 channels_last=False):
        super().__init__(model, input_shapes, rounding)
        self.quantized_io = quantized_io
        self.channels_last = channels_last

    def boundary_quantization(self, name):
        """The one Quantization with which every reader of the graph input
        `name` quantizes it or reads its integers, or None."""
        found = None
        for node in self.consumers.get(name, []):
            readers = QUANTIZATION_INPUTS.get(node.op_type)
            if readers is None:
                return None
            for index, input_name in enumerate(node.input):
                if input_name != name:
                    continue
                scale, zero_point = readers.get(index, (None, None))
                if scale is None:
                    return None
                quant = self.quantization_of(node, scale, zero_point)
                if found is not None and not found.same_as(quant):
                    return None
                found = quant
        return found

    def argument(self, info, index):
        """The function argument of graph input `info`, its attributes, and
        the value the ops read."""
        shape = self.shapes[info.name]
        if any(d is None or d <= 0 for d in shape):
            raise ImportError_("graph input '%s' has a dynamic or unknown shape %s; give it with "
                               "--input-shape %s=%s" % (info.name, shape, info.name, "x".join(
                                   str(d) if d and d > 0 else ("1" if i == 0 else "N")
                                   for i, d in enumerate(shape))))
        onnx_type = info.type.tensor_type.elem_type
        element = ONNX_ELEMENTS.get(onnx_type)
        if element is None:
            raise ImportError_("graph input '%s' has ONNX element type %s, which is not supported"
                               % (info.name, self.onnx.TensorProto.DataType.Name(onnx_type)))
        quant = None
        if element in ("ui8", "i8") or (element == "f32" and self.quantized_io):
            quant = self.boundary_quantization(info.name)
            if element == "f32" and quant is not None:
                # Quantized by the caller, as TFLite's int8 models are.
                element = quant.storage
        name = "%%arg%d" % index
        # A 4-D input is NCHW as ONNX defines it, or NHWC (channels_last):
        # then the ops read it as it is, with no transposed copy.
        nhwc = self.channels_last and len(shape) == 4
        if nhwc:
            shape = [shape[i] for i in TO_NHWC]
        attrs = [layout_attribute(shape, nhwc)] if len(shape) == 4 else []
        argument = Value(name, shape, element=element)
        if element not in ("ui8", "i8"):
            return argument, attrs, self.to_nhwc(argument.like(name, nhwc=nhwc))
        value = Value(name, shape, nhwc, element="i8", quant=quant, storage=element)
        if element == "ui8":
            # The same reals in i8 (every int8 op's type): q - 128.
            name = self.emit.rescale(argument, [1 << 30], [30], UNSIGNED_OFFSET, 0, shape, "i8",
                                     in_element="ui8", hint="signed")
            value = Value(name, shape, nhwc, element="i8", quant=quant, storage="ui8")
        return argument, attrs + ([quant.attribute()] if quant else []), self.to_nhwc(value)

    def result(self, info):
        """The function result of graph output `info` and its attributes: a
        quantized value in the model's storage type, else a float one."""
        value = self.values.get(info.name)
        if value is None:
            raise ImportError_("graph output '%s' is not computed" % info.name)
        if value.dequantized is not None and self.quantized_io:
            value = value.dequantized
        elif value.dequantized is not None:
            value = self.materialize_dequantized(value)
        value = self.to_nhwc(value) if self.channels_last else self.to_nchw(value)
        attrs = [layout_attribute(value.shape, value.nhwc)] if len(value.shape) == 4 else []
        if value.element != "i8":
            return value, attrs
        if value.storage == "ui8":
            value = Value(self.emit.rescale(value, [1 << 30], [30], 0, UNSIGNED_OFFSET, value.shape,
                                            "ui8", in_element="i8", hint="unsigned"),
                          value.shape, element="ui8", quant=value.quant)
        return value, attrs + ([value.quant.attribute()] if value.quant else [])

    def check_op_types(self):
        """Every node of an op type the importer does not know, at once (a
        user fixes a model in one round, not one error at a time)."""
        unknown = [node for node in self.graph.node
                   if id(node) not in self.inside_patterns and node.op_type not in self.OPS]
        if len(unknown) == 1:
            self.fail(unknown[0], "unsupported op type")
        if unknown:
            raise ImportError_("%d nodes of unsupported op types (%s):\n%s" % (
                len(unknown), ", ".join(sorted({n.op_type for n in unknown})),
                "\n".join("  %s node '%s'" % (n.op_type, n.name or n.output[0]) for n in unknown)))

    def run(self, name):
        self.check_op_types()
        args, arg_attrs = [], []
        for info in self.graph.input:
            if info.name in self.initializers:
                continue
            argument, attrs, value = self.argument(info, len(args))
            args.append(argument)
            arg_attrs.append(attrs)
            self.values[info.name] = value
        for node in self.graph.node:
            if id(node) in self.inside_patterns:
                continue  # emitted with its pattern, at its QuantizeLinear
            handler = self.OPS[node.op_type]
            # Every op the node becomes carries its name, so that schedules
            # and diagnostics map back to the ONNX graph.
            self.emit.location = node.name or node.output[0]
            handler(self, node)
        self.emit.location = None
        results, result_attrs = zip(*[self.result(info) for info in self.graph.output])
        joined = lambda attrs: ", ".join(attrs) or None
        return tosa.render_function(name, args, results, self.emit.body(),
                                    argument_attrs=[joined(a) for a in arg_attrs],
                                    result_attrs=[joined(a) for a in result_attrs])


def import_model(model, name=None, input_shapes=None, verify=True, rounding="pytorch",
                 quantized_io=True, channels_last=False):
    """The TOSA MLIR text of an onnx.ModelProto. `input_shapes` ({input name:
    [dims]}) fixes the shapes of inputs exported as dynamic. The text is
    checked with MLIR's verifier unless `verify` is false; IR that does not
    verify raises ImportError_ with the first error.

    A quantized model's integer arithmetic follows `rounding`: "pytorch"
    (PyTorch's, the default: single rounding, qnnpack's add) or "tflite"
    (double rounding, TFLite's add). With
    `quantized_io`, a float input that the model quantizes at once becomes
    an integer argument and a dequantized output an integer result, each
    with its `serenity.quantization` (as TFLite's int8 models are);
    without, they stay float.

    4-D inputs and outputs are NCHW as ONNX defines them, each with its
    `serenity.layout`; with `channels_last` they are NHWC, as a camera
    writes images, and the function holds no transposed copy of them."""
    if rounding not in ROUNDINGS:
        raise ImportError_("rounding must be one of %s, not '%s'" % (", ".join(ROUNDINGS), rounding))
    name = name or model.graph.name or "main"
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    text = Importer(model, input_shapes, rounding, quantized_io, channels_last).run(name)
    if verify:
        from . import Error, verify as verify_text
        try:
            verify_text(text, name)
        except Error as error:
            raise ImportError_("the imported IR does not verify (an importer bug; please report "
                               "it with the model): %s" % str(error).splitlines()[0])
    return text


def parse_input_shape(text):
    """NAME=1x3x224x224 -> (NAME, [1, 3, 224, 224])."""
    name, _, dims = text.rpartition("=")
    try:
        shape = [int(d) for d in dims.split("x")]
    except ValueError:
        shape = []
    if not name or not shape or any(d <= 0 for d in shape):
        raise argparse.ArgumentTypeError("expected NAME=DIMxDIMx..., e.g. input=1x3x224x224; got '%s'"
                                         % text)
    return name, shape


def main(argv=None):
    import onnx

    from .cli import cannot, failer

    parser = argparse.ArgumentParser(prog="serenity-import-onnx", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="an .onnx file")
    parser.add_argument("-o", "--output", default="-", help="output .mlir ('-': stdout)")
    parser.add_argument("--name", help="function name (default: the graph's name)")
    parser.add_argument("--input-shape", type=parse_input_shape, action="append", default=[],
                        metavar="NAME=1x3x224x224",
                        help="the static shape of a graph input exported with dynamic dimensions "
                             "(repeat for several inputs)")
    parser.add_argument("--rounding", choices=ROUNDINGS, default="pytorch",
                        help="a quantized model's integer arithmetic: as PyTorch's qnnpack "
                             "(single rounding; the default) or as TFLite (double rounding)")
    parser.add_argument("--float-io", action="store_true",
                        help="keep a quantized model's float input and output (quantized and "
                             "dequantized inside the function) instead of integer ones")
    parser.add_argument("--channels-last", action="store_true",
                        help="take and return 4-D tensors NHWC (as a camera writes images) "
                             "instead of ONNX's NCHW: no transposed copy of the input")
    args = parser.parse_args(argv)
    fail = failer("serenity-import-onnx")

    try:
        # A damaged file also makes protobuf warn; the one line below says it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = onnx.load(args.model)
    except OSError as error:
        return fail(cannot("read", args.model, error))
    except Exception:  # protobuf's DecodeError and the like
        return fail("'%s' is not an ONNX model" % args.model)
    try:
        text = import_model(model, args.name, dict(args.input_shape), rounding=args.rounding,
                            quantized_io=not args.float_io, channels_last=args.channels_last)
    except ImportError_ as error:
        return fail(error)
    try:
        tosa.write_text(args.output, text)
    except OSError as error:
        return fail(cannot("write", args.output, error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
