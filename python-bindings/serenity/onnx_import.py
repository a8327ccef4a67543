"""serenity-import-onnx: ONNX (NCHW) to TOSA (NHWC) MLIR. Placeholder."""
import sys


def main(argv=None):
    print("serenity-import-onnx: not implemented yet", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
