"""Paths shared by the test_cimlir_*.py suites."""

import os

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", ".."))
BUILD = os.environ.get("CIMLIR_BUILD", os.path.join(ROOT, "build"))


def tool(name):
    return os.path.join(BUILD, "tools", name, name)


def example(*parts):
    return os.path.join(ROOT, "examples", *parts)


REFERENCE = os.path.normpath(os.path.join(ROOT, "..", "shared", "reference",
                                          "cim-aq-policies.json"))
