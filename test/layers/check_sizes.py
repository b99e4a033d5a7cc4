#!/usr/bin/env python3
"""Lists C functions over 120 lines and C files over 800 lines.

The house limit (docs/design.md, "Modules and layers"): no function over ~120
lines and no file over ~800 lines unless a comment says why it must be so.
That comment starts with the words "Longer than the house limit" and stands
in the function's leading comment (or its first lines) for a function, in
the file's first 40 lines for a file. Each C function or file in lib/,
passes/, dialects/ and tools/ that is over its limit without one is printed
as
    FILE:LINE: function NAME is N lines (limit 120)
    FILE:1: file is N lines (limit 800)
and the exit code is 1 if there is any. A function's length counts the lines
from its name to its closing brace.

PENDING names the offenders known when the check was added (issue 18), each
being split by whoever owns the file; they are printed with "pending:" and
do not fail the check, a new one does. An entry that is no longer over its
limit is printed with "stale:" so that it is removed.

    check_sizes.py SOURCE_ROOT [--all]

--all also prints the exceptions that carry the comment (prefixed "ok:").
"""
import os
import re
import sys

FUNCTION_LIMIT = 120
FILE_LIMIT = 800
MARK = "longer than the house limit"
TOPS = ("lib", "passes", "dialects", "tools")

# (path, function name or None for the file): over the limit, not yet split.
PENDING = set()


def blank_out(text):
    """`text` with comments, strings and character literals replaced by
    spaces (newlines kept), so braces and parentheses can be counted."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "#" and (i == 0 or text[i - 1] == "\n"):
            # A preprocessor line (with its continuations) is not code here.
            j = i
            while True:
                k = text.find("\n", j)
                if k < 0:
                    k = n
                    break
                if text[k - 1] != "\\":
                    break
                j = k + 1
            out.append(re.sub(r"[^\n]", " ", text[i:k]))
            i = k
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(text):
    """(name, first line, last line) of each function definition: a brace
    at file level whose preceding code ends with ')'."""
    code = blank_out(text)
    result = []
    depth = 0
    i = 0
    for m in re.finditer(r"[{}]", code):
        i = m.start()
        if code[i] == "{":
            if depth == 0:
                before = code[:i].rstrip()
                if before.endswith(")"):
                    # Walk back to the '(' that opens the parameter list.
                    k, level = len(before) - 1, 0
                    while k >= 0:
                        if before[k] == ")":
                            level += 1
                        elif before[k] == "(":
                            level -= 1
                            if level == 0:
                                break
                        k -= 1
                    name = re.search(r"(\w+)\s*$", before[:k])
                    if name:
                        start = code.count("\n", 0, name.start()) + 1
                        result.append([name.group(1), start, None])
            depth += 1
        else:
            depth -= 1
            if depth == 0 and result and result[-1][2] is None:
                result[-1][2] = code.count("\n", 0, i) + 1
    return [(n, s, e) for n, s, e in result if e is not None]


def has_mark(lines, first, last):
    """Whether lines[first-1:last] (1-based, inclusive) carry the mark."""
    lo = max(first, 1) - 1
    return any(MARK in line.lower() for line in lines[lo:last])


def leading_comment_start(lines, line):
    """The first line of the comment block right above 1-based `line`."""
    k = line - 1
    while k >= 2 and lines[k - 2].strip().startswith(("///", "//", "/*", "*")):
        k -= 1
    return k


def report(rel, what, ok, show_all, seen):
    """Prints one offender; returns 1 when it fails the check."""
    key = (rel, what[0])
    seen.add(key)
    if ok:
        if show_all:
            print(f"ok: {what[1]}")
        return 0
    if key in PENDING:
        print(f"pending: {what[1]}")
        return 0
    print(what[1])
    return 1


def check(root, show_all):
    problems = 0
    seen = set()
    for top in TOPS:
        for dirpath, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                lines = text.split("\n")
                count = len(lines) - (1 if text.endswith("\n") else 0)
                if count > FILE_LIMIT:
                    problems += report(
                        rel, (None, f"{rel}:1: file is {count} lines "
                                    f"(limit {FILE_LIMIT})"),
                        has_mark(lines, 1, 40), show_all, seen)
                for fname, first, last in functions(text):
                    size = last - first + 1
                    if size <= FUNCTION_LIMIT:
                        continue
                    start = leading_comment_start(lines, first)
                    problems += report(
                        rel, (fname, f"{rel}:{first}: function {fname} is "
                                     f"{size} lines (limit {FUNCTION_LIMIT})"),
                        has_mark(lines, start, first + 10), show_all, seen)
    for rel, what in sorted(PENDING - seen, key=str):
        print(f"stale: {rel} {what or '(file)'} is within the limit now: "
              "remove it from PENDING")
    print(f"{problems} over the limit without a reason")
    return 1 if problems else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--all"]
    sys.exit(check(os.path.abspath(args[0] if args else "."),
                   "--all" in sys.argv[1:]))
