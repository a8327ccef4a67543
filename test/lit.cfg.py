# -*- Python -*-
import os
import sys

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SERENITY"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.serenity_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "lowering.py", "Inputs"]

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

# Tests too slow for the default run (CI's 15 minutes), run on request:
# `lit -Dslow_tests=1 ...` (see test/Execution/tile-spatial-networks.test).
if lit_config.params.get("slow_tests", "0") not in ("", "0"):
    config.available_features.add("slow-tests")

# Execution tests: the upstream lowerings (test/lowering.py, shared with the
# Python tests) and the upstream runner.
sys.path.insert(0, config.test_source_root)
import lowering  # noqa: E402

config.substitutions.append(("%lower_to_llvm", "--pass-pipeline=\"%s\"" % lowering.LOWER_TO_LLVM))
config.substitutions.append(("%to_linalg", "--pass-pipeline=\"%s\"" % lowering.TO_LINALG))
config.substitutions.append(
    ("%run", " ".join(lowering.runner_command(config.llvm_tools_dir, config.llvm_lib_dir)))
)
config.substitutions.append(
    (
        "%make_comparison",
        "/usr/bin/python3 "
        + os.path.join(config.test_source_root, "Execution", "Inputs", "make_comparison.py"),
    )
)

# The memory that runs: the upstream bufferization as written, the lowering
# of bufferized IR with every allocation routed through heap_counter.c, and
# the runner with that library loaded.
config.substitutions.append(
    ("%bufferize_upstream", "--pass-pipeline=\"%s\"" % lowering.BUFFERIZE_UPSTREAM)
)
config.substitutions.append(
    ("%lower_memrefs_to_llvm", "--pass-pipeline=\"%s\"" % lowering.LOWER_MEMREFS_TO_LLVM)
)
config.substitutions.append(
    (
        "%counted_run",
        " ".join(
            lowering.runner_command(
                config.llvm_tools_dir,
                config.llvm_lib_dir,
                [os.path.join(config.serenity_lib_dir, "libSerenityHeapCounter.so")],
            )
        ),
    )
)
for script in ("make_runner", "compare_runs", "count_ops", "int8_reference"):
    config.substitutions.append(
        (
            "%" + script,
            "/usr/bin/python3 "
            + os.path.join(config.test_source_root, "Execution", "Inputs", script + ".py"),
        )
    )
# The Cortex-M target: a model on the emulated Cortex-M4 against the host.
config.substitutions.append(
    (
        "%check_on_device",
        "/usr/bin/python3 "
        + os.path.join(config.test_source_root, "CortexM", "Inputs", "check_on_device.py")
        + " --build " + config.serenity_obj_root,
    )
)
config.substitutions.append(("%serenity_tools", config.serenity_tools_dir))
config.substitutions.append(
    ("%qemu_run", "/usr/bin/python3 " + os.path.join(config.serenity_tools_dir, "serenity-run-qemu"))
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
