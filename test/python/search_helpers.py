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
    """Path of a cimlir tool in the build that CIMLIR_LIBRARY points into
    (<build>/lib/libcimlir.so -> <build>/tools/<name>/<name>)."""
    lib = os.environ.get("CIMLIR_LIBRARY")
    if not lib:
        pytest.skip("CIMLIR_LIBRARY is not set")
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(lib))),
                        "tools", name, name)
    if not os.path.exists(path):
        pytest.skip(f"{path} not built")
    return path
