#!/usr/bin/env python3
"""Checks that the library's modules include each other only downwards.

The layers are written down in docs/design.md ("Modules and layers") and
lib/CMakeLists.txt; LAYERS below is the same list, lowest first. A module may
include headers of its own module and of modules in lower layers; two
different modules in the same layer may not include each other. Every
quoted #include in lib/, passes/, dialects/, tools/ and bench/ is resolved to
the module that owns the header (public cim-c/ headers through PUBLIC), and
each include that points upwards or sideways is printed as
    FILE:LINE: MODULE includes HEADER of MODULE (layer N > M)
The exit code is 1 if there is any, or if a header cannot be placed.

    check_layers.py SOURCE_ROOT
"""
import os
import re
import sys

# Lowest first; modules on one line share a layer.
LAYERS = [
    ["support"],
    ["tooling"],
    ["dialects"],
    ["target"],
    ["kernels"],
    ["cost"],
    ["ir"],
    ["isa"],
    ["schedule"],
    ["sim"],
    ["pass"],
    ["import", "passes"],
    ["model"],
    ["tools"],
]

# The module that implements each public header.
PUBLIC = {
    "Support.h": "support", "Version.h": "support", "Npy.h": "support",
    "Tooling.h": "tooling", "Output.h": "support", "Input.h": "support",
    "Dialects.h": "dialects",
    "Target.h": "target",
    "Kernels.h": "kernels",
    "Cost.h": "cost", "Policy.h": "cost", "Estimate.h": "cost",
    "Isa.h": "isa",
    "Schedule.h": "schedule",
    "Sim.h": "sim",
    "Passes.h": "pass", "Pipeline.h": "pass", "Plugin.h": "pass",
    "Import.h": "import",
    "Model.h": "model",
}

RANK = {m: i for i, layer in enumerate(LAYERS) for m in layer}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def module_of(root, path):
    """The module a source or header file belongs to, by its directory."""
    rel = os.path.relpath(path, root).split(os.sep)
    if rel[0] == "lib" and len(rel) > 2:
        return rel[1]
    if rel[0] in ("passes", "dialects"):
        return rel[0]
    if rel[0] in ("tools", "bench"):
        return "tools"
    return None


def owner(root, includer, header):
    """The module owning `header` as included from `includer`, or None."""
    if header.startswith("cim-c/"):
        return PUBLIC.get(header[len("cim-c/"):])
    if header.startswith("mlir-c/"):
        return "mlir"
    here = os.path.join(os.path.dirname(includer), header)
    if os.path.exists(here):
        return module_of(root, here)
    in_lib = os.path.join(root, "lib", header)
    if os.path.exists(in_lib):
        return module_of(root, in_lib)
    if os.path.exists(os.path.join(root, "lib", "support", header)):
        return "support"
    if os.path.exists(os.path.join(root, header)):
        return module_of(root, os.path.join(root, header))
    return None


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    problems = 0
    checked = 0
    for top in ("lib", "passes", "dialects", "tools", "bench"):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                mod = module_of(root, path)
                if mod not in RANK:
                    print(f"{path}: not in any module of LAYERS")
                    problems += 1
                    continue
                with open(path, encoding="utf-8") as f:
                    for lineno, line in enumerate(f, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        header = m.group(1)
                        other = owner(root, path, header)
                        checked += 1
                        rel = os.path.relpath(path, root)
                        if other is None:
                            print(f"{rel}:{lineno}: cannot place '{header}' "
                                  "in a module (add it to PUBLIC or LAYERS)")
                            problems += 1
                        elif other in ("mlir", mod):
                            continue
                        elif other not in RANK:
                            print(f"{rel}:{lineno}: '{header}' belongs to "
                                  f"'{other}', which is not in LAYERS")
                            problems += 1
                        elif RANK[other] >= RANK[mod]:
                            print(f"{rel}:{lineno}: {mod} includes {header} of "
                                  f"{other} (layer {RANK[other]} >= "
                                  f"{RANK[mod]})")
                            problems += 1
    print(f"{checked} includes checked, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
