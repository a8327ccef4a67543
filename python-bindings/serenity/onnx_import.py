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
import warnings

from . import tosa
from .onnx.base import ImporterBase, ImportError_, Value
from .onnx.elementwise import ElementwiseOps
from .onnx.shapes import ShapeOps
from .onnx.windows import WindowOps


class Importer(ElementwiseOps, WindowOps, ShapeOps, ImporterBase):
    """One ONNX graph to one func.func: the op families in serenity/onnx/,
    dispatched by op type."""

    OPS = {**ElementwiseOps.ELEMENTWISE_OPS, **WindowOps.WINDOW_OPS, **ShapeOps.SHAPE_OPS}

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
        text = import_model(model, args.name)
    except ImportError_ as error:
        return fail(error)
    try:
        tosa.write_text(args.output, text)
    except OSError as error:
        return fail("cannot write '%s': %s" % (args.output, error.strerror))
    return 0


if __name__ == "__main__":
    sys.exit(main())
