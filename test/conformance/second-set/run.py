#!/usr/bin/env python3
"""The second set: upstream RUN lines nobody picked for cim-opt.

Usage: run.py CIM_OPT [SCRATCH_DIR]

Every RUN line of the upstream copies next to this script becomes a lit test
of its own in SCRATCH_DIR (default: a new temporary directory): a copy of
its file with the other RUN lines disabled (RUN: -> RUN-OFF, line numbers
kept). A line is dropped when it runs one of mlir-opt's test passes or needs
mlir-opt's C++ test dialect (neither is in libMLIR; both listed below, as
the issue's trimming rule says), or when stock mlir-opt 22 fails it. The rest run
with `mlir-opt` replaced by CIM_OPT; the script prints the dropped lines,
the failures and "cim-opt passes P of N", and exits 0.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

LLVM_BIN = "/usr/lib/llvm-22/bin"
LIT = os.path.join(LLVM_BIN, "lit")
HERE = os.path.dirname(os.path.abspath(__file__))

# RUN lines that run one of mlir-opt's test passes.
NEEDS_TEST_PASS = {
    "Pass/ir-printing.run7.mlir",  # test-pass-failure
    "Pass/pass-timing.run7.mlir",  # -test-pm-nested-pipeline
    "Pass/pipeline-parsing.run1.mlir",  # test-module-pass, test-function-pass
    "Pass/pipeline-parsing.run2.mlir",  # -test-textual-pm-nested-pipeline
    "Pass/pipeline-parsing.run3.mlir",  # test-interface-pass
    "Pass/pipeline-parsing.run8.mlir",  # TestModulePass's nesting error
    "Transforms/composite-pass.run1.mlir",  # --test-composite-fixed-point-pass
}

# RUN lines that need mlir-opt's C++ test dialect (mlir/test/lib/Dialect/Test,
# linked into mlir-opt only: `mlir-opt --show-dialects` lists `test`, and the
# strings below are in /usr/lib/llvm-22/bin/mlir-opt but not in libMLIR.so).
# Only what the test dialect's C++ does is listed; a "test." op that any
# unregistered op stands in for is not a reason.
NEEDS_TEST_DIALECT = {
    # test.polyfor's custom syntax (TestOps.td PolyForOp: block arguments
    # named from `arg_names`); without the test dialect it is an
    # unregistered op printed in generic form.
    "IR/pretty-region-args.run1.mlir": "test.polyfor's custom printer",
    # Chunk 1's error "invalid to use 'test.invalid_attr'" comes from
    # TestDialect::verifyOperationAttribute; the line checks it (chunk 2
    # alone, the dominance error, passes with cim-opt).
    "IR/print-op-on-diagnostic.run1.mlir":
        "TestDialect::verifyOperationAttribute ('test.invalid_attr')",
}

LIT_CFG = r'''
import os
import lit.formats
config.name = "second-set"
config.test_format = lit.formats.ShTest(True)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
tool = lit_config.params.get("tool", "mlir-opt")
path = os.path.join("%s", "mlir-opt") if tool == "mlir-opt" else tool
config.substitutions.insert(0, (r"(?<![-\w./%%])mlir-opt(?![-\w])", path))
config.environment["PATH"] = "%s:/usr/bin:/bin"
''' % (LLVM_BIN, LLVM_BIN)


def run_lines(lines):
    """Groups of line indices, one per RUN line (with its continuations)."""
    runs, i = [], 0
    while i < len(lines):
        if "RUN:" in lines[i]:
            group = [i]
            while lines[i].rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                group.append(i)
            runs.append(group)
        i += 1
    return runs


def split(dst):
    tests = []
    for path in sorted(glob.glob(os.path.join(HERE, "**", "*.mlir"),
                            recursive=True)):
        lines = open(path).read().split("\n")
        rel = os.path.relpath(path, HERE)[: -len(".mlir")]
        runs = run_lines(lines)
        for k in range(len(runs)):
            out = list(lines)
            for j, group in enumerate(runs):
                if j != k:
                    for x in group:
                        out[x] = out[x].replace("RUN:", "RUN-OFF")
            name = "%s.run%d.mlir" % (rel, k + 1)
            target = os.path.join(dst, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "w").write("\n".join(out))
            tests.append(name)
    open(os.path.join(dst, "lit.cfg.py"), "w").write(LIT_CFG)
    return tests


def lit_passes(dst, tool, name):
    r = subprocess.run([LIT, "-q", "--param", "tool=" + tool,
                        os.path.join(dst, name)],
                       capture_output=True, text=True)
    return r.returncode == 0


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cim_opt = os.path.abspath(sys.argv[1])
    dst = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(
        prefix="second-set.")
    if os.path.isdir(dst):
        shutil.rmtree(dst)
    os.makedirs(dst)
    tests = split(dst)
    kept, failed = [], []
    for name in tests:
        if name in NEEDS_TEST_PASS:
            print("dropped %s: runs a test pass" % name)
        elif name in NEEDS_TEST_DIALECT:
            print("dropped %s: needs mlir-opt's test dialect (%s)" %
                  (name, NEEDS_TEST_DIALECT[name]))
        elif not lit_passes(dst, "mlir-opt", name):
            print("dropped %s: stock mlir-opt 22 fails it" % name)
        else:
            kept.append(name)
    for name in kept:
        if not lit_passes(dst, cim_opt, name):
            failed.append(name)
            print("FAIL %s" % name)
    print("%d RUN lines, %d kept; cim-opt passes %d of %d (%.0f%%)" %
          (len(tests), len(kept), len(kept) - len(failed), len(kept),
           100.0 * (len(kept) - len(failed)) / max(1, len(kept))))


if __name__ == "__main__":
    main()
