"""cimlir.compile and cimlir.Program (private module)."""

import ctypes
import io
import json

import numpy as np

from . import _ffi
from ._errors import Error, check
from ._model import _policies, _target

lib = _ffi.lib


class Program:
    """A compiled ISA program (docs/isa.md), held in memory.

    Attributes
    ----------
    binary : bytes
        The encoded program, what ``cim-translate --mlir-to-cim-bin`` writes.
    inputs, outputs : list of str
        Port names, in order.
    """

    def __init__(self, _ptr):
        self._ptr = _ptr
        self.inputs = [lib.cimProgramGetInputName(_ptr, i).decode()
                       for i in range(lib.cimProgramGetNumInputs(_ptr))]
        self.outputs = [lib.cimProgramGetOutputName(_ptr, i).decode()
                        for i in range(lib.cimProgramGetNumOutputs(_ptr))]
        data = ctypes.c_void_p()
        size = ctypes.c_size_t()
        errors = _ffi.Collector()
        check(lib.cimProgramEncode(_ptr, ctypes.byref(data),
                                   ctypes.byref(size), errors.callback, None),
              errors)
        self.binary = ctypes.string_at(data, size.value)
        ctypes.CDLL(None).free(data)

    def __del__(self):
        ptr = getattr(self, "_ptr", None)
        if ptr:
            lib.cimProgramDestroy(ptr)
            self._ptr = None

    @classmethod
    def from_binary(cls, data):
        """Decodes a binary program (``.bin`` bytes)."""
        data = bytes(data)
        ptr = ctypes.c_void_p()
        errors = _ffi.Collector()
        check(lib.cimProgramDecode(data, len(data), ctypes.byref(ptr),
                                   errors.callback, None), errors)
        return cls(ptr.value)

    @property
    def report(self):
        """The program's own events and cost on its target, run one
        instruction after the other (``cimProgramGetCost``): a dict with
        ``events`` (writes, mvm_cycles, adc_conversions, ...),
        ``latency_ps`` and ``energy_fj`` per component, and their totals.
        For a scheduled program, ``run`` reports the scheduled time."""
        out, errors = _ffi.Collector(), _ffi.Collector()
        check(lib.cimProgramPrintCostJSON(self._ptr, out.callback, None,
                                          errors.callback, None), errors)
        return json.loads(out.text())

    @property
    def assembly(self):
        """The text assembly (``cim-translate --cim-bin-to-asm``)."""
        out = _ffi.Collector()
        lib.cimProgramPrintAsm(self._ptr, out.callback, None)
        return out.text()

    def run(self, inputs, shortcuts=True):
        """Runs the program in the simulator, bit-exactly.

        Parameters
        ----------
        inputs : dict
            Input name -> integer NumPy array of the program's shape and
            dtype (``int8`` for an i8 input, ...); a single array is taken for
            a program with one input.
        shortcuts : bool
            The simulator's exact integer shortcuts (``cim-sim
            --no-shortcuts`` turns them off; results are identical).

        Returns
        -------
        outputs : dict
            Output name -> NumPy array.
        report : dict
            The simulator's JSON report (docs/cim-sim.md).
        """
        if not isinstance(inputs, dict):
            if len(self.inputs) != 1:
                raise Error(f"the program has {len(self.inputs)} inputs "
                            f"({', '.join(self.inputs)}): pass a dict")
            inputs = {self.inputs[0]: inputs}
        unknown = sorted(set(inputs) - set(self.inputs))
        if unknown:
            raise Error(f"the program has no input named '{unknown[0]}' "
                        f"(inputs: {', '.join(self.inputs)})")
        missing = [n for n in self.inputs if n not in inputs]
        if missing:
            raise Error(f"input '{missing[0]}' is not given")
        sim = _ffi.Handle()
        errors = _ffi.Collector()
        check(lib.cimSimCreate(self._ptr, lib.cimProgramGetTarget(self._ptr),
                               ctypes.byref(sim), errors.callback, None),
              errors)
        try:
            lib.cimSimSetShortcuts(sim, bool(shortcuts))
            for i, name in enumerate(self.inputs):
                buf = io.BytesIO()
                np.save(buf, np.ascontiguousarray(inputs[name]))
                data = buf.getvalue()
                errors = _ffi.Collector()
                check(lib.cimSimSetInputNpy(sim, i, data, len(data),
                                            errors.callback, None), errors)
            errors = _ffi.Collector()
            check(lib.cimSimRun(sim, errors.callback, None), errors)
            outputs = {}
            for i, name in enumerate(self.outputs):
                out, errors = _ffi.Collector(), _ffi.Collector()
                check(lib.cimSimPrintOutputNpy(sim, i, out.callback, None,
                                               errors.callback, None), errors)
                outputs[name] = np.load(io.BytesIO(out.bytes()))
            report = _ffi.Collector()
            lib.cimSimPrintReportJSON(sim, report.callback, None)
            return outputs, json.loads(report.text())
        finally:
            lib.cimSimDestroy(sim)

    def __repr__(self):
        return (f"Program({len(self.binary)} bytes, inputs={self.inputs}, "
                f"outputs={self.outputs})")


def compile(model, target=None, policy=None, schedule=False, options="",
            calibration=None):
    """Compiles `model` for `target` into an ISA program, in-process.

    Parameters
    ----------
    model : Model
    target : Target, path or None (the default target)
    policy : array_like of int [L, 2], optional
        Bits per layer for a float model (cim-assign-precision); None for a
        quantized model (its own bits).
    schedule : bool
        Also run weight duplication and the multi-crossbar schedule.
    options : str
        Further ``cim-compile`` options (docs/passes.md), e.g.
        ``"cim-tile={rows=128}"``. With `policy`, the options of the
        ``cim-assign-precision={...}`` stage apply to it (calibration,
        ``default-range``, ``first-last-8bit``); a second policy there is
        an error.
    calibration : str or path, optional
        A calibration JSON file (docs/precision.md) for a float model: the
        value ranges that set the activation scales, instead of
        ``default-range``. Short for
        ``options="cim-assign-precision={calibration=PATH}"``.

    Raises
    ------
    cimlir.Error
        With the compiler's diagnostics.
    """
    t = _target(target)
    p = None
    if policy is not None:
        p = _policies(model, policy, 2)
    stage = ""
    if calibration is not None:
        path = str(calibration)
        if "cim-assign-precision" in options:
            raise Error("compile: give the calibration either as "
                        "calibration= or inside options' "
                        "cim-assign-precision={...}, not both")
        if '"' in path or "{" in path or "}" in path:
            raise Error(f"compile: calibration path {path!r} holds a quote "
                        "or brace, which the option text cannot carry")
        stage = 'cim-assign-precision={calibration="%s"}' % path
    text = " ".join(x for x in (("schedule=true" if schedule else ""),
                                options, stage) if x)
    ptr = ctypes.c_void_p()
    errors = _ffi.Collector()
    check(lib.cimModelCompile(model._handle, t._ptr,
                              p.ctypes.data_as(_ffi.c_int64_p)
                              if p is not None else None,
                              _ffi.StringRef.of(text), ctypes.byref(ptr),
                              errors.callback, None), errors, "compile")
    return Program(ptr.value)
