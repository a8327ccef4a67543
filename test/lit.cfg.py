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
