# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SERENITY"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.serenity_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(
    ("%serenity_plugin", os.path.join(config.serenity_lib_dir, "SerenityPlugin.so"))
)
config.substitutions.append(("%serenity_src", config.serenity_src_root))
# Debian's python3, which sees python3-numpy (a pyenv python3 may come first on PATH).
config.substitutions.append(("%python", "/usr/bin/python3"))
config.substitutions.append(
    ("%zoo", os.path.join(config.serenity_src_root, "benchmarks", "zoo", "generate.py"))
)

# Execution tests: lower TOSA to LLVM and run it with the upstream runner.
config.substitutions.append(
    (
        "%lower_to_llvm",
        "--pass-pipeline=\"builtin.module(func.func(tosa-to-linalg-named,"
        "tosa-to-linalg,tosa-to-arith,tosa-to-tensor),"
        "one-shot-bufferize{bufferize-function-boundaries},"
        "func.func(convert-linalg-to-loops),convert-scf-to-cf,"
        "expand-strided-metadata,lower-affine,finalize-memref-to-llvm,"
        "convert-math-to-llvm,convert-arith-to-llvm,convert-cf-to-llvm,"
        "convert-func-to-llvm,reconcile-unrealized-casts)\"",
    )
)
runner_libs = ",".join(
    os.path.join(config.llvm_lib_dir, "lib%s.so" % name)
    for name in ("mlir_runner_utils", "mlir_c_runner_utils")
)
config.substitutions.append(
    (
        "%run",
        os.path.join(config.llvm_tools_dir, "mlir-runner")
        + " -e main -entry-point-result=void -shared-libs=" + runner_libs,
    )
)
config.substitutions.append(
    (
        "%make_comparison",
        "/usr/bin/python3 "
        + os.path.join(config.test_source_root, "Execution", "Inputs", "make_comparison.py"),
    )
)

# The memory that runs: the upstream bufferization as written (results as
# out-params, the calling convention of --serenity-pipeline), the lowering of
# bufferized IR with every allocation routed through heap_counter.c, and the
# runner with that library loaded.
config.substitutions.append(
    (
        "%bufferize_upstream",
        "--pass-pipeline=\"builtin.module(func.func(tosa-to-linalg-named,"
        "tosa-to-linalg,tosa-to-arith,tosa-to-tensor),"
        "one-shot-bufferize{bufferize-function-boundaries "
        "function-boundary-type-conversion=identity-layout-map},"
        "buffer-results-to-out-params{hoist-static-allocs "
        "modify-public-functions})\"",
    )
)
config.substitutions.append(
    (
        "%lower_memrefs_to_llvm",
        "--pass-pipeline=\"builtin.module(func.func(convert-linalg-to-loops),"
        "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
        "finalize-memref-to-llvm{use-generic-functions=true},"
        "convert-math-to-llvm,convert-arith-to-llvm,convert-cf-to-llvm,"
        "convert-func-to-llvm,reconcile-unrealized-casts)\"",
    )
)
config.substitutions.append(
    (
        "%counted_run",
        os.path.join(config.llvm_tools_dir, "mlir-runner")
        + " -e main -entry-point-result=void -shared-libs=" + runner_libs + ","
        + os.path.join(config.serenity_lib_dir, "libSerenityHeapCounter.so"),
    )
)
for script in ("make_runner", "compare_runs"):
    config.substitutions.append(
        (
            "%" + script,
            "/usr/bin/python3 "
            + os.path.join(config.test_source_root, "Execution", "Inputs", script + ".py"),
        )
    )
config.substitutions.append(("%demo", os.path.join(config.serenity_src_root, "examples", "darts_v2_demo.mlir")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.serenity_tools_dir, append_path=True)

tool_dirs = [config.serenity_tools_dir, config.llvm_tools_dir]
tools = [
    "serenity-opt",
    ToolSubst("mlir-opt", unresolved="fatal"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
