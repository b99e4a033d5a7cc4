"""pytest set-up of test/python (run by ctest as `python`).

Under ctest, CIMLIR_LIBRARY names the built library and CIMLIR_BUILD the
build directory; the package must then import (a failure here fails the run
instead of letting tests skip). PYTHONPATH points at <repo>/python.
"""

import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))

if os.environ.get("CIMLIR_LIBRARY"):
    import cimlir  # noqa: F401  (must work under ctest)
