#!/usr/bin/env python3
"""Compile, and run where it is a program, every C code block of the docs.

Every fenced block whose info string starts with `c` (```c ...```) in
README.md and docs/**/*.md is one of three kinds, chosen by its author:

  program   the block defines `int main(...)`: it is compiled against the
            public headers, linked against libcimlir and run from the source
            root; it must exit with status 0 (a crash or a non-zero exit
            fails the test).
  fragment  info string ```c fragment: statements, wrapped in
                void cimDocFragment(ARGS) { BLOCK }
            after `#include` of every header in include/cim-c/ and the MLIR C
            API headers the cim headers use; compiled, not run. ARGS are the
            names the fragment uses but does not declare, given by an HTML
            comment on the line(s) before the fence:
                <!-- fragment-args: MlirModule module, MlirStringCallback onError -->
            (no comment: `void`).
  file      info string ```c file: a whole translation unit without main (a
            plugin, a callback); compiled as it is, not linked.

Anything else in a ```c block is an error, and so is a block of another or no
language that looks like C API code (a `cimXxx(` / `mlirXxx(` call ending in
`;`): such a block must be tagged ```c so it is tested. The script prints
one line per block (what it did) and exits 1 if any block failed or was
neither compiled nor run.

Compiler errors point at the Markdown file and line (#line directives).
Standard library only.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
MAIN = re.compile(r"\bint\s+main\s*\(")
ARGS = re.compile(r"<!--\s*fragment-args:\s*(?P<args>.*?)\s*-->", re.S)
LOOKS_LIKE_C = re.compile(r"\b(cim|mlir)[A-Z]\w*\s*\([^\n]*\)\s*;")
MLIR_HEADERS = ["mlir-c/IR.h", "mlir-c/Pass.h", "mlir-c/Diagnostics.h",
                "mlir-c/RegisterEverything.h", "mlir-c/Support.h"]
STD_HEADERS = ["stdbool.h", "stddef.h", "stdint.h", "stdio.h", "stdlib.h",
               "string.h"]


class Block:
    def __init__(self, path, line, lang, attrs, text, before):
        self.path = path        # relative to the source root
        self.line = line        # 1-based line of the first content line
        self.lang = lang
        self.attrs = attrs
        self.text = text
        self.before = before    # the Markdown text before the fence

    def where(self):
        return "%s:%d" % (self.path, self.line - 1)


def read_blocks(root, rel):
    """Yields the fenced blocks of one Markdown file."""
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group("indent"), m.group("fence"), m.group("info")
        words = info.strip().split()
        start = i + 1
        j = start
        body = []
        while j < len(lines):
            close = lines[j].strip()
            if close.startswith(fence[0] * len(fence)) and not close.strip(fence[0]):
                break
            line = lines[j]
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            j += 1
        if j == len(lines):
            raise SystemExit("%s:%d: unterminated code fence" % (rel, i + 1))
        yield Block(rel, start + 1, words[0] if words else "", words[1:],
                    "\n".join(body) + "\n", "\n".join(lines[:i]))
        i = j + 1


def fragment_args(block):
    """The `fragment-args` comment that ends right before the fence, if any."""
    before = block.before.rstrip()
    if not before.endswith("-->"):
        return "void"
    start = before.rfind("<!--")
    m = ARGS.fullmatch(before[start:])
    if not m:
        return "void"
    return m.group("args") or "void"


def headers(include_dir):
    return sorted(os.path.basename(h)
                  for h in glob.glob(os.path.join(include_dir, "cim-c", "*.h")))


def source_of(block, kind, include_dir):
    """The C translation unit for one block."""
    quoted = block.path.replace("\\", "\\\\").replace('"', '\\"')
    if kind == "fragment":
        pre = ["#include <%s>" % h for h in STD_HEADERS]
        pre += ['#include "cim-c/%s"' % h for h in headers(include_dir)]
        pre += ['#include "%s"' % h for h in MLIR_HEADERS]
        args = fragment_args(block)
        pre.append("void cimDocFragment(%s);" % args)
        pre.append("void cimDocFragment(%s) {" % args)
        return ("\n".join(pre) + '\n#line %d "%s"\n' % (block.line, quoted) +
                block.text + "}\n")
    return '#line %d "%s"\n' % (block.line, quoted) + block.text


def classify(block):
    """('program' | 'fragment' | 'file', None) or (None, why not)."""
    known = {"fragment", "file"}
    unknown = [a for a in block.attrs if a not in known]
    if unknown:
        return None, "unknown info word(s) %s (use `c fragment` or `c file`)" % unknown
    has_main = bool(MAIN.search(block.text))
    if "fragment" in block.attrs and "file" in block.attrs:
        return None, "both `fragment` and `file`"
    if "fragment" in block.attrs:
        if has_main:
            return None, "a `fragment` defines main (drop `fragment`: it is a program)"
        return "fragment", None
    if has_main:
        return "program", None
    if "file" in block.attrs:
        return "file", None
    return None, ("neither a program (no `int main`) nor tagged `c fragment` "
                  "or `c file`: it would not be tested")


def run(cmd, cwd=None, timeout=None):
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=timeout)


def describe_status(rc):
    if rc < 0:
        return "killed by signal %d" % -rc
    if rc > 128:
        return "exit %d (signal %d?)" % (rc, rc - 128)
    return "exit %d" % rc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", required=True, help="source root")
    ap.add_argument("--lib-dir", required=True, help="directory of libcimlir.so")
    ap.add_argument("--include", help="cimlir's include directory (default: SRC/include)")
    ap.add_argument("--mlir-include", default="/usr/lib/llvm-22/include")
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--cflags", default="", help="extra flags (sanitizers)")
    ap.add_argument("--work", help="scratch directory (default: a temporary one)")
    ap.add_argument("--expect-at-least", type=int, default=0,
                    help="fail if fewer ```c blocks are found (guards the parser)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per program")
    ap.add_argument("files", nargs="*",
                    help="Markdown files relative to --src (default: README.md, docs/**/*.md)")
    opt = ap.parse_args()

    root = os.path.abspath(opt.src)
    include_dir = os.path.abspath(opt.include or os.path.join(root, "include"))
    files = opt.files or (["README.md"] + sorted(
        os.path.relpath(p, root)
        for p in glob.glob(os.path.join(root, "docs", "**", "*.md"), recursive=True)))
    work = opt.work or tempfile.mkdtemp(prefix="cim-doc-snippets-")
    os.makedirs(work, exist_ok=True)

    cflags = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-variable",
              "-Wno-unused-parameter", "-Wno-unused-but-set-variable",
              "-Wno-unused-function", "-I", include_dir, "-isystem",
              opt.mlir_include] + opt.cflags.split()
    lib_dir = os.path.abspath(opt.lib_dir)
    ldflags = ["-L", lib_dir, "-lcimlir", "-Wl,-rpath," + lib_dir]

    failures, counts, seen = 0, {"program": 0, "fragment": 0, "file": 0}, 0
    for rel in files:
        for n, block in enumerate(read_blocks(root, rel)):
            if block.lang.lower() not in ("c",):
                if LOOKS_LIKE_C.search(block.text):
                    print("FAIL %s: a ```%s block with C API calls: tag it ```c "
                          "so that it is compiled" % (block.where(), block.lang))
                    failures += 1
                continue
            seen += 1
            kind, why = classify(block)
            if not kind:
                print("FAIL %s: %s" % (block.where(), why))
                failures += 1
                continue
            stem = re.sub(r"[^A-Za-z0-9]+", "_", rel) + "_%d" % block.line
            src = os.path.join(work, stem + ".c")
            with open(src, "w", encoding="utf-8") as f:
                f.write(source_of(block, kind, include_dir))
            if kind == "program":
                exe = os.path.join(work, stem)
                r = run([opt.cc] + cflags + [src, "-o", exe] + ldflags)
            else:
                r = run([opt.cc] + cflags + ["-c", src, "-o",
                                             os.path.join(work, stem + ".o")])
            if r.returncode != 0:
                print("FAIL %s: %s does not compile:\n%s" % (block.where(), kind,
                                                           r.stdout.rstrip()))
                failures += 1
                continue
            if kind != "program":
                print("compiled %s %s" % (kind, block.where()))
                counts[kind] += 1
                continue
            try:
                r = run([exe], cwd=root, timeout=opt.timeout)
            except subprocess.TimeoutExpired:
                print("FAIL %s: program ran longer than %d s" % (block.where(),
                                                                 opt.timeout))
                failures += 1
                continue
            if r.returncode != 0:
                print("FAIL %s: program compiled, but running it: %s; "
                      "its output:\n%s" % (block.where(),
                                           describe_status(r.returncode),
                                           r.stdout.rstrip()))
                failures += 1
                continue
            print("ran program %s (exit 0)" % block.where())
            for line in r.stdout.rstrip().split("\n"):
                print("  | " + line)
            counts["program"] += 1

    print("%d ```c blocks in %d files: %d programs ran, %d fragments and %d "
          "files compiled, %d failed" % (seen, len(files), counts["program"],
                                        counts["fragment"], counts["file"],
                                        failures))
    if seen < opt.expect_at_least:
        print("FAIL: expected at least %d ```c blocks, found %d" %
              (opt.expect_at_least, seen))
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
