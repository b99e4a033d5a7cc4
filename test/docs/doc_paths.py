#!/usr/bin/env python3
"""Files the docs and the source comments name exist.

1. README.md and docs/**/*.md: every `code span`, path in prose or HTML
   comment, or link target that is a path in the repository (it starts with one of the repository's top-level
   directories, e.g. `lib/cost/cost.c`, `test/passes/*.mlir`) names a file or
   directory that exists (globs: at least one match); every relative
   Markdown link ([isa.md](isa.md), [x](dialects/cim.md#ops)) resolves.
2. Comments in include/, lib/, passes/, tools/, dialects/ (*.c, *.h): a file
   name they mention (`isa_table.c`, `docs/isa.md`, `support/StrBuf.h`)
   exists: as a path from the source root, from the comment's directory, from
   lib/, or, for a bare file name, anywhere in the tree.

Prints every dangling reference with its file and line; exits 1 if there is
one. Standard library only.
"""

import argparse
import glob
import os
import re
import sys

SKIP_DIRS = {".git", "__pycache__"}
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
FILE_NAME = re.compile(
    r"(?<![\w./-])((?:[\w.-]+/)*[\w-]+\.(?:c|h|md|py|mlir|json|test|cmake|txt|npy|s))\b")
BARE_PATH = re.compile(r"(?<![\w./-])((?:[\w-]+/)+[\w-]+\.[a-z]+)\b")
C_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
# Placeholders and examples that name no file of this repository.
PLACEHOLDER = re.compile(r"[<>{}$]|\b[A-Z]{2,}\.|\.\.\.|\bX\.|\bfoo\b|\bmy[_a-z]*\.")


# Bare names in comments that are not files of this repository: upstream
# sources a comment cites, and user files in usage examples (`p.npy`).
UPSTREAM = {"regcomp.c", "regex.h"}
EXAMPLE_EXTS = (".npy", ".json", ".mlir", ".s", ".test", ".txt")


def walk_files(root):
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith("build")]
        for f in files:
            yield os.path.join(d, f)


def exists(root, path):
    if any(c in path for c in "*?["):
        return bool(glob.glob(os.path.join(root, path), recursive=True))
    return os.path.exists(os.path.join(root, path))


def check_markdown(root, rel, top_dirs, errors):
    base = os.path.dirname(rel)
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        lines = f.read().split("\n")
    in_fence = False
    for n, line in enumerate(lines, 1):
        if re.match(r"^\s*(```|~~~)", line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        words = [(span.split()[0], False) for span in SPAN.findall(line)
                 if span.split()]
        # Paths in prose and HTML comments (a top-level directory, a file
        # name), which may also be relative to the page (docs/: dialects/x.md).
        prose = LINK.sub("]", SPAN.sub("", line))
        words += [(m.group(1), True) for m in BARE_PATH.finditer(prose)]
        for word, relative_ok in sorted(set(words)):
            word = re.sub(r"(:\d+)+$", "", word).rstrip(".,;:")
            if "/" not in word or word.split("/")[0] not in top_dirs:
                continue
            if PLACEHOLDER.search(word):
                continue
            if relative_ok and os.path.exists(os.path.join(root, base, word)):
                continue
            if not exists(root, word):
                errors.append("%s:%d: `%s` does not exist" % (rel, n, word))
        for target in LINK.findall(line):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#")[0]
            if path and not os.path.exists(os.path.join(root, base, path)):
                errors.append("%s:%d: link target %s does not exist" % (rel, n, target))


def check_comments(root, rel, basenames, errors):
    text = open(os.path.join(root, rel), encoding="utf-8", errors="replace").read()
    here = os.path.dirname(rel)
    for m in C_COMMENT.finditer(text):
        line0 = text.count("\n", 0, m.start()) + 1
        for fm in FILE_NAME.finditer(m.group(0)):
            name = fm.group(1)
            if PLACEHOLDER.search(name):
                continue
            cands = [name, os.path.join(here, name), os.path.join(here, "..", name),
                     os.path.join("lib", name), os.path.join("include", name)]
            if any(os.path.exists(os.path.join(root, c)) for c in cands):
                continue
            if "/" not in name and (name in basenames or name in UPSTREAM or
                                    name.endswith(EXAMPLE_EXTS)):
                continue
            if re.match(r"^(mlir|llvm|mlir-c|llvm-c|sys|linux)/", name):
                continue
            line = line0 + m.group(0).count("\n", 0, fm.start())
            errors.append("%s:%d: comment names %s, which does not exist" %
                          (rel, line, name))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", required=True, help="source root")
    opt = ap.parse_args()
    root = os.path.abspath(opt.src)

    top_dirs = {d for d in os.listdir(root)
                if os.path.isdir(os.path.join(root, d)) and d not in SKIP_DIRS
                and not d.startswith("build")}
    files = [os.path.relpath(p, root) for p in walk_files(root)]
    basenames = {os.path.basename(p) for p in files}
    errors = []
    docs = ["README.md"] + sorted(p for p in files
                                  if p.startswith("docs" + os.sep) and p.endswith(".md"))
    for rel in docs:
        check_markdown(root, rel, top_dirs, errors)
    sources = sorted(p for p in files if p.split(os.sep)[0] in
                     ("include", "lib", "passes", "tools", "dialects")
                     and p.endswith((".c", ".h")))
    for rel in sources:
        check_comments(root, rel, basenames, errors)
    print("checked the paths named in %d Markdown files and the comments of "
          "%d C files" % (len(docs), len(sources)))
    for e in errors:
        print("FAIL " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
