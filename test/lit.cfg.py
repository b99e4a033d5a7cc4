# lit configuration for cimlir's IR and tool tests.
import os

import lit.formats
import lit.util

config.name = "cimlir"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs", "unit", "consumer", "fuzz",
                   "plugin", "CMakeLists.txt", "consumer.c", "sample_plugin.c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.cim_obj_root, "test")

# Tools: ours from the build tree, FileCheck/not/mlir-opt from LLVM 22.
config.environment["PATH"] = os.pathsep.join(
    [config.cim_tools_dir, config.cim_test_bin_dir, config.llvm_tools_dir,
     config.environment.get("PATH", "")])
for var in ["ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "HOME", "TMPDIR",
            "CIM_SIM_CHECK_REFERENCE"]:
    if var in os.environ:
        config.environment[var] = os.environ[var]

dialects = os.path.join(config.cim_src_root, "dialects")
config.substitutions.append(("%cim-opt", os.path.join(config.cim_tools_dir, "cim-opt")))
config.substitutions.append(("%cim-translate",
                             os.path.join(config.cim_translate_dir, "cim-translate")))
config.substitutions.append(("%cim-sim", os.path.join(config.cim_sim_dir, "cim-sim")))
config.substitutions.append(("%mlir-opt", os.path.join(config.llvm_tools_dir, "mlir-opt")))
config.substitutions.append(("%mlir-runner", os.path.join(config.llvm_tools_dir, "mlir-runner")))
config.substitutions.append(("%llvm_lib_dir",
                             os.path.normpath(os.path.join(config.llvm_tools_dir, "..", "lib"))))
config.substitutions.append(("%irdl_cim", os.path.join(dialects, "cim.irdl.mlir")))
config.substitutions.append(("%irdl_xbar", os.path.join(dialects, "xbar.irdl.mlir")))
config.substitutions.append(("%cim_src_root", config.cim_src_root))
config.substitutions.append(("%cim_obj_root", config.cim_obj_root))
config.substitutions.append(("%sample_plugin",
                             os.path.join(config.cim_test_bin_dir, "cim-sample-plugin.so")))
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cc", config.c_compiler))
config.substitutions.append(("%mlir_dir", config.mlir_dir))

if config.cim_sanitizers:
    config.available_features.add("sanitizers")
else:
    config.available_features.add("no-sanitizers")

# Tests of real PyTorch exports need Debian's torch and torchvision
# (scripts/install-deps.sh installs them); without them they are skipped.
import subprocess
if subprocess.run(["/usr/bin/python3", "-c", "import torch, torchvision, sklearn"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
    config.available_features.add("torch")
