"""cimlir from Python: the compiler as an in-process library.

A thin, NumPy-first layer over ``libcimlir``'s C API (``cim-c/Model.h``,
``cim-c/Target.h``, ``cim-c/Sim.h``); every number comes from the C library,
nothing of the compiler is re-implemented here. See ``docs/python.md``.

Public surface
--------------
Target                 a crossbar design (``Target.default()``, ``.load``,
                       ``.replace(cell_bits=2)``)
Model                  a network (``Model.load("net.mlir" | "net.onnx")``)
                       with ``model.layers``
estimate               exact cost of one policy
estimate_batch         exact cost of many policies (``int[N, L, 2]``)
latency_table          the ``[L, 8, 8]`` table HAQ / CIM-AQ load
cost_table             every cost field: ``[L, 8, 8, F]``
load_policy            a policy file (.npy [L, 2] or JSON) as int64[L, 2]
compile                model -> Program (binary, assembly), in-process
Program                ``program.run(inputs)`` -> outputs, simulator report
Error                  the one exception type, with the C library's message
COST_FIELDS            names of the cost fields
"""

from ._errors import Error
from ._target import Target
from ._model import (COST_FIELDS, Estimate, Layer, Model, cost_table,
                     estimate, estimate_batch, latency_table, load_policy)
from ._program import Program, compile
from . import _ffi

__version__ = _ffi.lib.cimGetVersion().decode()

__all__ = ["Error", "Target", "Model", "Layer", "Estimate", "Program",
           "COST_FIELDS", "estimate", "estimate_batch", "latency_table",
           "cost_table", "compile", "load_policy"]
