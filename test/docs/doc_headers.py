#!/usr/bin/env python3
"""Every public header is listed and described in docs/c-api.md and README.md.

docs/c-api.md must have one table row per header of include/cim-c/,
  | `Name.h` | what it gives (a description of a few words) |
and no row for a header that does not exist. README.md's "Layout" block must
name every header (as `Name` or `Name.h`) on its `include/cim-c/` entry
(after the colon: `include/cim-c/   public C headers: Version, Dialects, ...`).
Prints what it checked; exits 1 on the first kind of drift it finds.
Standard library only.
"""

import argparse
import glob
import os
import re
import sys

ROW = re.compile(r"^\|\s*`(?P<header>[A-Za-z0-9_]+\.h)`\s*\|(?P<desc>[^|]*)\|")


def c_api_rows(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = ROW.match(line)
            if m:
                rows[m.group("header")] = (n, m.group("desc").strip())
    return rows


def readme_layout_names(path):
    """The words of README's Layout block entry for include/cim-c/."""
    text = open(path, encoding="utf-8").read()
    m = re.search(r"^## Layout\s*\n+```[^\n]*\n(?P<block>.*?)^```", text, re.S | re.M)
    if not m:
        return None
    words, inside = set(), False
    for line in m.group("block").split("\n"):
        if line.startswith("include/cim-c/"):
            inside = True
            line = line.split(":", 1)[1] if ":" in line else line[len("include/cim-c/"):]
        elif line and not line[0].isspace():
            inside = False
        if inside:
            words.update(re.findall(r"[A-Za-z0-9_]+(?:\.h)?", line))
    return words


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", required=True, help="source root")
    opt = ap.parse_args()
    root = os.path.abspath(opt.src)

    headers = sorted(os.path.basename(h) for h in
                     glob.glob(os.path.join(root, "include", "cim-c", "*.h")))
    rows = c_api_rows(os.path.join(root, "docs", "c-api.md"))
    layout = readme_layout_names(os.path.join(root, "README.md"))
    errors = []
    if not headers:
        errors.append("no headers found in include/cim-c/")
    for h in headers:
        if h not in rows:
            errors.append("docs/c-api.md: no table row for include/cim-c/%s" % h)
        elif len(rows[h][1].split()) < 3:
            errors.append("docs/c-api.md:%d: the row of %s does not describe it"
                          % (rows[h][0], h))
        else:
            print("docs/c-api.md:%d describes %s" % (rows[h][0], h))
    for h, (line, _) in sorted(rows.items()):
        if h not in headers:
            errors.append("docs/c-api.md:%d: a row for %s, which is not in "
                          "include/cim-c/" % (line, h))
    if layout is None:
        errors.append("README.md: no '## Layout' section with a code block")
    else:
        for h in headers:
            if h not in layout and h[:-2] not in layout:
                errors.append("README.md: the Layout entry for include/cim-c/ "
                              "does not name %s" % h)
        if not any(e.startswith("README") for e in errors):
            print("README.md's Layout names all %d headers" % len(headers))
    for e in errors:
        print("FAIL " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
