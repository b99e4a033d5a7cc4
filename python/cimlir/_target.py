"""cimlir.Target: a crossbar design (private module; use ``cimlir.Target``)."""

import ctypes
import os

from . import _ffi
from ._errors import Error, check

lib = _ffi.lib


def _field_names():
    return [lib.cimTargetFieldGetName(i).decode()
            for i in range(lib.cimTargetGetNumFields())]


class Target:
    """A target description: the fields of ``docs/target.md``.

    Fields are attributes named by their JSON keys (``rows``, ``cell_bits``,
    ``t_write_ns``, ``weight_mapping``, ...), in the JSON file's units;
    enumerations are strings. Targets are immutable: ``replace`` returns a
    new one.

    Examples
    --------
    >>> import cimlir
    >>> t = cimlir.Target.default()
    >>> (t.rows, t.cols, t.cell_bits, t.dac_bits)
    (256, 256, 4, 1)
    >>> t.replace(cell_bits=2).cell_bits
    2
    >>> cimlir.Target.default().replace(cell_bits=9)
    Traceback (most recent call last):
    ...
    cimlir._errors.Error: ...cell_bits...
    """

    __slots__ = ("_ptr",)

    def __init__(self, _ptr):
        self._ptr = _ptr

    def __del__(self):
        ptr = getattr(self, "_ptr", None)
        if ptr:
            lib.cimTargetDestroy(ptr)
            self._ptr = None

    @classmethod
    def default(cls):
        """The built-in reference target (256x256, 4-bit cells, ...)."""
        return cls(lib.cimTargetCreateCopy(None))

    @classmethod
    def load(cls, path):
        """Reads a target JSON file; missing fields keep their defaults."""
        t = cls(lib.cimTargetCreateCopy(None))
        errors = _ffi.Collector()
        check(lib.cimTargetLoadFile(os.fsencode(path), t._ptr,
                                    errors.callback, None), errors,
              f"loading target {path}")
        return t

    @staticmethod
    def fields():
        """The field names, in the order of the target table."""
        return _field_names()

    def replace(self, **fields):
        """A copy with `fields` set (JSON units; enums as their names).

        Raises
        ------
        cimlir.Error
            On an unknown field, a malformed value or an invalid result.
        """
        t = Target(lib.cimTargetCreateCopy(self._ptr))
        for name, value in fields.items():
            if isinstance(value, bool):
                value = "true" if value else "false"
            errors = _ffi.Collector()
            check(lib.cimTargetSetField(t._ptr, _ffi.StringRef.of(name),
                                        _ffi.StringRef.of(str(value)),
                                        errors.callback, None), errors)
        errors = _ffi.Collector()
        check(lib.cimTargetValidate(t._ptr, errors.callback, None), errors)
        return t

    def _field_text(self, index):
        out = _ffi.Collector()
        lib.cimTargetPrintFieldValue(self._ptr, index, out.callback, None)
        return out.text()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        index = lib.cimTargetLookupField(_ffi.StringRef.of(name))
        if index < 0:
            raise AttributeError(f"a target has no field '{name}'")
        text = self._field_text(index)
        for conv in (int, float):
            try:
                return conv(text)
            except ValueError:
                pass
        if text in ("true", "false"):
            return text == "true"
        return text

    def __setattr__(self, name, value):
        if name == "_ptr":
            object.__setattr__(self, name, value)
            return
        raise AttributeError("targets are immutable: use replace()")

    def to_dict(self):
        """All fields, by name."""
        return {n: getattr(self, n) for n in _field_names()}

    def to_json(self):
        """The target as JSON text (what Target.load reads)."""
        out = _ffi.Collector()
        lib.cimTargetPrintJSON(self._ptr, out.callback, None)
        return out.text()

    @property
    def fingerprint(self):
        """The 64-bit fingerprint the ISA binary header records."""
        return int(lib.cimTargetGetFingerprint(self._ptr))

    def __eq__(self, other):
        return isinstance(other, Target) and bool(
            lib.cimTargetEqual(self._ptr, other._ptr))

    def __hash__(self):
        return self.fingerprint

    def __repr__(self):
        d = self.to_dict()
        keys = ("rows", "cols", "cell_bits", "dac_bits", "adc_bits",
                "crossbars")
        inner = ", ".join(f"{k}={d[k]!r}" for k in keys if k in d)
        return f"Target({inner}, ...)"
