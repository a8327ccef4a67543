"""The ONNX importer's op families (serenity.onnx_import composes them)."""
