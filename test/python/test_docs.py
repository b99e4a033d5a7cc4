"""Every ```python block of the docs runs, and the package's docstring
examples pass (doctest), from the repository root.

A block of docs/*.md or README.md whose info string is `python` is run as a
script in a fresh interpreter with this build's package and library; it must
exit 0. Blocks tagged ```python no-run are skipped (none should be).
"""

import doctest
import glob
import importlib
import os
import re
import subprocess
import sys

import pytest

from cimlir_paths import ROOT

FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```", re.S | re.M)


def blocks():
    paths = sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.md"),
                             recursive=True)) + [os.path.join(ROOT,
                                                              "README.md")]
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            yield pytest.param(path, m.group(1),
                               id=f"{os.path.relpath(path, ROOT)}:{line}")


@pytest.mark.parametrize("path, code", list(blocks()))
def test_doc_block_runs(path, code):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(ROOT, "python") + os.pathsep + \
        env.get("PYTHONPATH", "")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("module", ["cimlir._target", "cimlir._model"])
def test_docstring_examples(module, monkeypatch):
    monkeypatch.chdir(ROOT)
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS |
                             doctest.IGNORE_EXCEPTION_DETAIL)
    assert result.attempted > 0 and result.failed == 0
