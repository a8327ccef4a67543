"""The upstream lowerings the tests run, in one place: lit's substitutions
(test/lit.cfg.py) and the Python tests (python-bindings/tests) both build
their commands from here.

LLVM's tools and libraries come from the build (CMake passes
SERENITY_LLVM_TOOLS_DIR and SERENITY_LLVM_LIB_DIR to the tests), or else
from `llvm-config-22`.
"""

import os
import subprocess

# TOSA to Linalg on tensors (where --serenity-tile-spatial runs).
TOSA_TO_LINALG = ("func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},"
                  "tosa-to-tensor)")
TO_LINALG = "builtin.module(%s)" % TOSA_TO_LINALG

# TOSA to LLVM for mlir-runner, buffers from one-shot bufferization.
LOWER_TO_LLVM = (
    "builtin.module(" + TOSA_TO_LINALG + ",one-shot-bufferize{bufferize-function-boundaries},"
    "func.func(convert-linalg-to-loops),convert-scf-to-cf,expand-strided-metadata,"
    "lower-affine,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,"
    "convert-cf-to-llvm,convert-func-to-llvm,reconcile-unrealized-casts)")

# The upstream bufferization as written, results as out-params (the calling
# convention of --serenity-pipeline).
BUFFERIZE_UPSTREAM = (
    "builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale=true},"
    "tosa-to-tensor),one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map},"
    "buffer-results-to-out-params{hoist-static-allocs modify-public-functions})")

# Bufferized IR to LLVM with every allocation through the generic functions
# (that the heap counter library counts).
LOWER_MEMREFS_TO_LLVM = (
    "builtin.module(func.func(convert-linalg-to-loops),convert-scf-to-cf,"
    "expand-strided-metadata,lower-affine,finalize-memref-to-llvm{use-generic-functions=true},"
    "convert-math-to-llvm,convert-arith-to-llvm,convert-cf-to-llvm,convert-func-to-llvm,"
    "reconcile-unrealized-casts)")

RUNNER_LIBRARIES = ("mlir_runner_utils", "mlir_c_runner_utils")


def _llvm_config(flag):
    for tool in ("llvm-config-22", "/usr/lib/llvm-22/bin/llvm-config"):
        try:
            return subprocess.run([tool, flag], check=True, stdout=subprocess.PIPE,
                                  text=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            continue
    raise RuntimeError("no LLVM 22: set SERENITY_LLVM_TOOLS_DIR and SERENITY_LLVM_LIB_DIR")


def llvm_tools_dir():
    return os.environ.get("SERENITY_LLVM_TOOLS_DIR") or _llvm_config("--bindir")


def llvm_lib_dir():
    return os.environ.get("SERENITY_LLVM_LIB_DIR") or _llvm_config("--libdir")


def runner_command(tools_dir, lib_dir, extra_libraries=()):
    """mlir-runner running @main, with the runner utilities loaded."""
    libraries = [os.path.join(lib_dir, "lib%s.so" % name) for name in RUNNER_LIBRARIES]
    return [os.path.join(tools_dir, "mlir-runner"), "-e", "main", "-entry-point-result=void",
            "-shared-libs=" + ",".join(libraries + list(extra_libraries))]
