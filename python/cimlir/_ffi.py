"""ctypes bindings of libcimlir's C API (private).

Only handles, strings and int64 arrays cross this boundary: records (target
fields, layer fields, cost fields) are read field by field through the C
tables (``cimTargetGetNumFields``, ``CIM_MODEL_LAYER_FIELDS``,
``CIM_LAYER_COST_FIELDS``), so no C struct layout is written here.

The library is found, in order: ``$CIMLIR_LIBRARY`` (a path to
``libcimlir.so``); the installed library (``make install`` records its path
in ``_libpath.py``); the build tree of this source tree
(``build/lib/libcimlir.so``); the system's loader path.
"""

import ctypes
import ctypes.util
import os

c_int64_p = ctypes.POINTER(ctypes.c_int64)
c_intptr_p = ctypes.POINTER(ctypes.c_ssize_t)


class StringRef(ctypes.Structure):
    """MlirStringRef: a pointer and a length (mlir-c/Support.h)."""
    _fields_ = [("data", ctypes.c_void_p), ("length", ctypes.c_size_t)]

    @classmethod
    def of(cls, text):
        data = text.encode() if isinstance(text, str) else bytes(text)
        buf = ctypes.create_string_buffer(data, len(data))
        ref = cls(ctypes.cast(buf, ctypes.c_void_p), len(data))
        ref._keep = buf  # the bytes must outlive the call
        return ref


class LogicalResult(ctypes.Structure):
    """MlirLogicalResult (mlir-c/Support.h)."""
    _fields_ = [("value", ctypes.c_int8)]


class Handle(ctypes.Structure):
    """A cimlir handle (CimModel, CimSim): one pointer passed by value."""
    _fields_ = [("ptr", ctypes.c_void_p)]


class Operation(ctypes.Structure):
    """MlirOperation: one pointer passed by value."""
    _fields_ = [("ptr", ctypes.c_void_p)]


StringCallback = ctypes.CFUNCTYPE(None, StringRef, ctypes.c_void_p)


class PolicyLayer(ctypes.Structure):
    """CimPolicyLayer (cim-c/Policy.h): what a policy row is matched with."""
    _fields_ = [("name", ctypes.c_char_p), ("inDim", ctypes.c_int64),
                ("outDim", ctypes.c_int64), ("invocations", ctypes.c_int64),
                ("repeat", ctypes.c_int64)]


# CimPolicyErrorCallback: (layer index or -1, message, user data).
PolicyErrorCallback = ctypes.CFUNCTYPE(None, ctypes.c_ssize_t, StringRef,
                                       ctypes.c_void_p)


def _candidates():
    env = os.environ.get("CIMLIR_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    # Installed (make install writes _libpath.py next to this file).
    try:
        from ._libpath import LIBRARY  # relative to this directory
        yield os.path.normpath(os.path.join(here, LIBRARY))
    except ImportError:
        pass
    # Source tree: python/cimlir -> build/lib.
    yield os.path.normpath(os.path.join(here, "..", "..", "build", "lib",
                                        "libcimlir.so"))
    found = ctypes.util.find_library("cimlir")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise ImportError("cimlir: cannot find libcimlir.so; set CIMLIR_LIBRARY "
                      "to its path (tried: " + ", ".join(tried) + ")")


lib = _load()

# name: (restype, argtypes)
_SIGNATURES = {
    "cimGetVersion": (ctypes.c_char_p, []),
    # Target (cim-c/Target.h)
    "cimTargetCreateCopy": (ctypes.c_void_p, [ctypes.c_void_p]),
    "cimTargetDestroy": (None, [ctypes.c_void_p]),
    "cimTargetLoadFile": (LogicalResult, [ctypes.c_char_p, ctypes.c_void_p,
                                          StringCallback, ctypes.c_void_p]),
    "cimTargetValidate": (LogicalResult, [ctypes.c_void_p, StringCallback,
                                          ctypes.c_void_p]),
    "cimTargetEqual": (ctypes.c_bool, [ctypes.c_void_p, ctypes.c_void_p]),
    "cimTargetGetFingerprint": (ctypes.c_uint64, [ctypes.c_void_p]),
    "cimTargetPrintJSON": (None, [ctypes.c_void_p, StringCallback,
                                  ctypes.c_void_p]),
    "cimTargetGetNumFields": (ctypes.c_ssize_t, []),
    "cimTargetLookupField": (ctypes.c_ssize_t, [StringRef]),
    "cimTargetFieldGetName": (ctypes.c_char_p, [ctypes.c_ssize_t]),
    "cimTargetFieldGetUnit": (ctypes.c_char_p, [ctypes.c_ssize_t]),
    "cimTargetFieldGetDoc": (ctypes.c_char_p, [ctypes.c_ssize_t]),
    "cimTargetPrintFieldValue": (None, [ctypes.c_void_p, ctypes.c_ssize_t,
                                        StringCallback, ctypes.c_void_p]),
    "cimTargetSetField": (LogicalResult, [ctypes.c_void_p, StringRef,
                                          StringRef, StringCallback,
                                          ctypes.c_void_p]),
    # Costs (cim-c/Cost.h)
    "cimLayerCostGetNumFields": (ctypes.c_ssize_t, []),
    "cimLayerCostFieldGetName": (ctypes.c_char_p, [ctypes.c_ssize_t]),
    # Policies (cim-c/Policy.h)
    "cimPolicyLoadFile": (Handle, [ctypes.c_char_p, StringCallback,
                                   ctypes.c_void_p]),
    "cimPolicyCreate": (Handle, [ctypes.c_ssize_t, c_int64_p, c_int64_p,
                                 StringCallback, ctypes.c_void_p]),
    "cimPolicyCheckLayerCount": (LogicalResult, [Handle, ctypes.c_ssize_t,
                                                 StringCallback,
                                                 ctypes.c_void_p]),
    "cimPolicyMatchLayers": (LogicalResult, [Handle, ctypes.c_ssize_t,
                                             ctypes.POINTER(PolicyLayer),
                                             c_intptr_p, PolicyErrorCallback,
                                             ctypes.c_void_p]),
    "cimPolicyDestroy": (None, [Handle]),
    "cimPolicyGetNumLayers": (ctypes.c_ssize_t, [Handle]),
    "cimPolicyGetWeightBits": (ctypes.c_int64, [Handle, ctypes.c_ssize_t]),
    "cimPolicyGetActivationBits": (ctypes.c_int64, [Handle,
                                                    ctypes.c_ssize_t]),
    "cimPolicyGetLayerName": (ctypes.c_char_p, [Handle, ctypes.c_ssize_t]),
    # Model (cim-c/Model.h)
    "cimModelLoadFile": (Handle, [ctypes.c_char_p, StringCallback,
                                  ctypes.c_void_p]),
    "cimModelParse": (Handle, [StringRef, StringRef, StringCallback,
                               ctypes.c_void_p]),
    "cimModelDestroy": (None, [Handle]),
    "cimModelLayerFieldGetName": (ctypes.c_char_p, [ctypes.c_ssize_t]),
    "cimLayerKindGetName": (ctypes.c_char_p, [ctypes.c_int]),
    "cimModelGetNumLayers": (ctypes.c_ssize_t, [Handle]),
    "cimModelGetLayerName": (ctypes.c_char_p, [Handle, ctypes.c_ssize_t]),
    "cimModelGetLayerOpName": (ctypes.c_char_p, [Handle, ctypes.c_ssize_t]),
    "cimModelGetLayerField": (ctypes.c_int64, [Handle, ctypes.c_ssize_t,
                                               ctypes.c_int]),
    "cimModelGetCostTable": (LogicalResult, [Handle, ctypes.c_void_p,
                                             c_int64_p, StringCallback,
                                             ctypes.c_void_p]),
    "cimModelEstimateBatch": (LogicalResult, [
        Handle, ctypes.c_void_p, ctypes.c_ssize_t, c_int64_p, c_intptr_p,
        ctypes.c_ssize_t, c_int64_p, c_int64_p, StringCallback,
        ctypes.c_void_p]),
    "cimModelCompile": (LogicalResult, [Handle, ctypes.c_void_p, c_int64_p,
                                        StringRef, ctypes.POINTER(
                                            ctypes.c_void_p),
                                        StringCallback, ctypes.c_void_p]),
    # Programs (cim-c/Isa.h)
    "cimProgramDestroy": (None, [ctypes.c_void_p]),
    "cimProgramEncode": (LogicalResult, [
        ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_size_t), StringCallback, ctypes.c_void_p]),
    "cimProgramDecode": (LogicalResult, [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p),
        StringCallback, ctypes.c_void_p]),
    "cimProgramPrintAsm": (None, [ctypes.c_void_p, StringCallback,
                                  ctypes.c_void_p]),
    "cimProgramGetNumInputs": (ctypes.c_ssize_t, [ctypes.c_void_p]),
    "cimProgramGetInputName": (ctypes.c_char_p, [ctypes.c_void_p,
                                                 ctypes.c_ssize_t]),
    "cimProgramGetNumOutputs": (ctypes.c_ssize_t, [ctypes.c_void_p]),
    "cimProgramGetOutputName": (ctypes.c_char_p, [ctypes.c_void_p,
                                                  ctypes.c_ssize_t]),
    "cimProgramGetTarget": (ctypes.c_void_p, [ctypes.c_void_p]),
    "cimProgramPrintCostJSON": (LogicalResult, [
        ctypes.c_void_p, StringCallback, ctypes.c_void_p, StringCallback,
        ctypes.c_void_p]),
    # Simulator (cim-c/Sim.h)
    "cimSimCreate": (LogicalResult, [ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.POINTER(Handle), StringCallback,
                                     ctypes.c_void_p]),
    "cimSimDestroy": (None, [Handle]),
    "cimSimSetInputNpy": (LogicalResult, [Handle, ctypes.c_int64,
                                          ctypes.c_char_p, ctypes.c_size_t,
                                          StringCallback, ctypes.c_void_p]),
    "cimSimRun": (LogicalResult, [Handle, StringCallback, ctypes.c_void_p]),
    "cimSimPrintOutputNpy": (LogicalResult, [Handle, ctypes.c_uint32,
                                             StringCallback, ctypes.c_void_p,
                                             StringCallback,
                                             ctypes.c_void_p]),
    "cimSimPrintReportJSON": (None, [Handle, StringCallback,
                                     ctypes.c_void_p]),
    "cimSimSetShortcuts": (None, [Handle, ctypes.c_bool]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args


class Collector:
    """A StringCallback that keeps what it is given (C messages, printed
    text, serialized bytes)."""

    def __init__(self):
        self.parts = []
        self.callback = StringCallback(self._append)

    def _append(self, ref, _user):
        self.parts.append(ctypes.string_at(ref.data, ref.length)
                          if ref.length else b"")

    def bytes(self):
        return b"".join(self.parts)

    def text(self):
        return self.bytes().decode("utf-8", "replace")

    def messages(self):
        return [p.decode("utf-8", "replace") for p in self.parts]


def failed(result):
    return result.value == 0
