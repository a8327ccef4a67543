"""serenity-import-onnx: ONNX models of CNNs to TOSA MLIR.

    serenity-import-onnx model.onnx -o model.mlir

One func.func @<graph name> in the ONNX graph's node order (the converter's
order: Serenity's baseline). NCHW tensors become NHWC inside the function:
4-D inputs are transposed once on entry and 4-D outputs once on exit, and the
layout change is folded into the weights of convolutions. Initializers become
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
from .onnx.base import ImporterBase, ImportError_, Value
from .onnx.elementwise import ElementwiseOps
from .onnx.reductions import ReductionOps
from .onnx.shapes import ShapeOps
from .onnx.windows import WindowOps


class Importer(ElementwiseOps, ReductionOps, WindowOps, ShapeOps, ImporterBase):
    """One ONNX graph to one func.func: the op families in serenity/onnx/,
    dispatched by op type."""

    OPS = {**ElementwiseOps.ELEMENTWISE_OPS,
           **ReductionOps.REDUCTION_OPS, **WindowOps.WINDOW_OPS, **ShapeOps.SHAPE_OPS}

    def run(self, name):
        args = []
        for info in self.graph.input:
            if info.name in self.initializers:
                continue
            shape = self.shapes[info.name]
            if any(d is None or d <= 0 for d in shape):
                raise ImportError_("graph input '%s' has a dynamic or unknown shape %s; give it with "
                                   "--input-shape %s=%s" % (info.name, shape, info.name, "x".join(
                                       str(d) if d and d > 0 else ("1" if i == 0 else "N")
                                       for i, d in enumerate(shape))))
            value = Value("%%arg%d" % len(args), shape)
            args.append(value)
            self.values[info.name] = self.to_nhwc(value)
        for node in self.graph.node:
            handler = self.OPS.get(node.op_type)
            if handler is None:
                self.fail(node, "unsupported op type")
            # Every op the node becomes carries its name, so that schedules
            # and diagnostics map back to the ONNX graph.
            self.emit.location = node.name or node.output[0]
            handler(self, node)
        self.emit.location = None
        results = []
        for info in self.graph.output:
            value = self.values.get(info.name)
            if value is None:
                raise ImportError_("graph output '%s' is not computed" % info.name)
            results.append(self.to_nchw(value))
        return tosa.render_function(name, args, results, self.emit.body())


def import_model(model, name=None, input_shapes=None, verify=True):
    """The TOSA MLIR text of an onnx.ModelProto. `input_shapes` ({input name:
    [dims]}) fixes the shapes of inputs exported as dynamic. The text is
    checked with MLIR's verifier unless `verify` is false; IR that does not
    verify raises ImportError_ with the first error."""
    name = name or model.graph.name or "main"
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    text = Importer(model, input_shapes).run(name)
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

    parser = argparse.ArgumentParser(prog="serenity-import-onnx", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="an .onnx file")
    parser.add_argument("-o", "--output", default="-", help="output .mlir ('-': stdout)")
    parser.add_argument("--name", help="function name (default: the graph's name)")
    parser.add_argument("--input-shape", type=parse_input_shape, action="append", default=[],
                        metavar="NAME=1x3x224x224",
                        help="the static shape of a graph input exported with dynamic dimensions "
                             "(repeat for several inputs)")
    args = parser.parse_args(argv)
    def fail(message):
        print("serenity-import-onnx: %s" % message, file=sys.stderr)
        return 1

    try:
        # A damaged file also makes protobuf warn; the one line below says it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = onnx.load(args.model)
    except OSError as error:
        return fail("cannot read '%s': %s" % (args.model, error.strerror))
    except Exception:  # protobuf's DecodeError and the like
        return fail("'%s' is not an ONNX model" % args.model)
    try:
        text = import_model(model, args.name, dict(args.input_shape))
    except ImportError_ as error:
        return fail(error)
    try:
        tosa.write_text(args.output, text)
    except OSError as error:
        return fail("cannot write '%s': %s" % (args.output, error.strerror))
    return 0


if __name__ == "__main__":
    sys.exit(main())
