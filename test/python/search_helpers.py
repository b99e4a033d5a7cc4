"""Shared helpers of the test_search_*.py suites (cimlir.search)."""

import os
import sys

import pytest

sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "python"))


def cimlir_or_skip():
    """The cimlir package (libcimlir through CIMLIR_LIBRARY), or skip
    when the test runs without a build (pure-PyTorch tests still run)."""
    return pytest.importorskip("cimlir")


def tool(name):
    """Path of a cimlir tool: <build>/tools/<name>/<name>, the build being
    CIMLIR_BUILD or the one CIMLIR_LIBRARY (<build>/lib/libcimlir.so) is in."""
    build = os.environ.get("CIMLIR_BUILD")
    lib = os.environ.get("CIMLIR_LIBRARY")
    if not build and lib:
        build = os.path.dirname(os.path.dirname(os.path.abspath(lib)))
    if not build:
        pytest.skip("neither CIMLIR_BUILD nor CIMLIR_LIBRARY is set")
    path = os.path.join(build, "tools", name, name)
    if not os.path.exists(path):
        pytest.skip(f"{path} not built")
    return path
