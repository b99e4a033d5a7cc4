"""cimlir.Model and the cost functions (private module)."""

import ctypes
import os

import numpy as np

from . import _ffi
from ._errors import Error, check
from ._target import Target

lib = _ffi.lib
MAX_BITS = 8

_LAYER_FIELDS = []
while True:
    _name = lib.cimModelLayerFieldGetName(len(_LAYER_FIELDS))
    if _name is None:
        break
    _LAYER_FIELDS.append(_name.decode())

COST_FIELDS = tuple(lib.cimLayerCostFieldGetName(i).decode()
                    for i in range(lib.cimLayerCostGetNumFields()))
"""The cost fields, in C order (``CIM_LAYER_COST_FIELDS``): the keys of
every estimate's dictionaries and of ``cim-estimate``'s JSON report."""


class Layer:
    """One matrix-vector layer of a model (a row of ``Model.layers``).

    Attributes are the fields of ``CIM_MODEL_LAYER_FIELDS`` (docs/python.md):
    ``name``, ``op``, ``kind`` ('conv2d', 'dense' or 'matmul'), ``in_dim``,
    ``out_dim``, ``invocations``, ``repeat``, ``w_bits``, ``a_bits``,
    ``w_signed``, ``a_signed``, ``in_channels``, ``out_channels``,
    ``kernel_h``, ``kernel_w``, ``stride_h``, ``stride_w``, ``groups``,
    ``batch``, ``in_h``, ``in_w``, ``out_h``, ``out_w``, ``macs``,
    ``weights``.
    """

    def __init__(self, name, op, values):
        self.name = name
        self.op = op
        for key, value in values.items():
            setattr(self, key, value)

    def to_dict(self):
        d = {"name": self.name, "op": self.op}
        d.update({k: getattr(self, k) for k in _LAYER_FIELDS})
        return d

    def __repr__(self):
        return (f"Layer({self.name!r}, {self.kind}, in_dim={self.in_dim}, "
                f"out_dim={self.out_dim}, invocations={self.invocations})")


class Model:
    """A network: MLIR (text or bytecode) or ONNX, with its layer table.

    Layers are in program order, which is the order of policy rows.

    Examples
    --------
    >>> import cimlir
    >>> m = cimlir.Model.parse('''
    ... func.func @f(%x: tensor<4x64xf32>) -> tensor<4x10xf32> {
    ...   %w = arith.constant dense<0.5> : tensor<64x10xf32>
    ...   %z = arith.constant dense<0.0> : tensor<4x10xf32>
    ...   %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x10xf32>)
    ...        outs(%z : tensor<4x10xf32>) -> tensor<4x10xf32> loc("fc")
    ...   return %y : tensor<4x10xf32>
    ... }''')
    >>> [(l.name, l.kind, l.in_dim, l.out_dim, l.macs) for l in m.layers]
    [('fc', 'dense', 64, 10, 2560)]
    """

    def __init__(self, _handle, source):
        self._handle = _handle
        self.source = source
        n = lib.cimModelGetNumLayers(_handle)
        layers = []
        for i in range(n):
            values = {key: int(lib.cimModelGetLayerField(_handle, i, k))
                      for k, key in enumerate(_LAYER_FIELDS)}
            values["kind"] = lib.cimLayerKindGetName(values["kind"]).decode()
            values["w_signed"] = bool(values["w_signed"])
            values["a_signed"] = bool(values["a_signed"])
            layers.append(Layer(
                lib.cimModelGetLayerName(_handle, i).decode(),
                lib.cimModelGetLayerOpName(_handle, i).decode(), values))
        self.layers = layers
        self._names = [l.name for l in layers]

    def __del__(self):
        h = getattr(self, "_handle", None)
        if h is not None and h.ptr:
            lib.cimModelDestroy(h)
            self._handle = None

    @classmethod
    def load(cls, path):
        """Reads an ``.onnx`` model (the ONNX importer) or MLIR text/bytecode.

        Raises
        ------
        cimlir.Error
            With every diagnostic (``file:line:col: error: ...``) when the file
            cannot be read, parsed or verified, or holds a layer cimlir cannot
            map.
        """
        errors = _ffi.Collector()
        h = lib.cimModelLoadFile(os.fsencode(path), errors.callback, None)
        if not h.ptr:
            raise Error(errors.messages() or [f"cannot load {path}"])
        return cls(h, os.fspath(path))

    @classmethod
    def parse(cls, text, name="<string>"):
        """Parses MLIR source text (or bytecode bytes)."""
        errors = _ffi.Collector()
        h = lib.cimModelParse(_ffi.StringRef.of(text), _ffi.StringRef.of(name),
                              errors.callback, None)
        if not h.ptr:
            raise Error(errors.messages() or [f"cannot parse {name}"])
        return cls(h, name)

    def __len__(self):
        return len(self.layers)

    def layer_table(self):
        """The layer table as a dict of NumPy arrays (int64, or str for
        ``name``, ``op`` and ``kind``), one entry per layer."""
        cols = {"name": np.array([l.name for l in self.layers]),
                "op": np.array([l.op for l in self.layers]),
                "kind": np.array([l.kind for l in self.layers])}
        for key in _LAYER_FIELDS:
            if key != "kind":
                cols[key] = np.array([int(getattr(l, key))
                                      for l in self.layers], dtype=np.int64)
        return cols

    def uniform_policy(self, w_bits, a_bits):
        """The policy giving every layer `w_bits` and `a_bits`: int64[L, 2]."""
        p = np.empty((len(self.layers), 2), dtype=np.int64)
        p[:, 0] = w_bits
        p[:, 1] = a_bits
        return p

    def __repr__(self):
        return f"Model({self.source!r}, {len(self.layers)} layers)"


def _target(target):
    if target is None:
        return Target.default()
    if isinstance(target, Target):
        return target
    return Target.load(target)


def load_policy(path):
    """Reads a policy file as cim-opt does (``cim-c/Policy.h``): the
    reference system's ``.npy`` (int64 ``[L, 2]``) or JSON (``[[w, a], ...]``
    or ``{"layers": [{"name", "w_bits", "a_bits"}, ...]}``).

    Returns
    -------
    policy : numpy.ndarray
        int64 ``[L, 2]``: weight and activation bits per layer.
    names : list of str
        The layer names of a named JSON policy, else empty strings.
    """
    errors = _ffi.Collector()
    h = lib.cimPolicyLoadFile(os.fsencode(path), errors.callback, None)
    if not h.ptr:
        raise Error(errors.messages() or [f"cannot load policy {path}"])
    try:
        n = lib.cimPolicyGetNumLayers(h)
        p = np.array([[lib.cimPolicyGetWeightBits(h, i),
                       lib.cimPolicyGetActivationBits(h, i)]
                      for i in range(n)], dtype=np.int64).reshape(n, 2)
        names = [(lib.cimPolicyGetLayerName(h, i) or b"").decode()
                 for i in range(n)]
    finally:
        lib.cimPolicyDestroy(h)
    return p, names


def _policies(model, policies, ndim):
    if isinstance(policies, (str, os.PathLike)):
        policies = load_policy(policies)[0]
    p = np.ascontiguousarray(policies, dtype=np.int64)
    L = len(model.layers)
    if p.ndim != ndim or p.shape[-2:] != (L, 2):
        want = "[L, 2]" if ndim == 2 else "[N, L, 2]"
        raise Error(f"policy shape {list(p.shape)} is not {want} with L = {L} "
                    f"(the model's layers)")
    return p


def cost_table(model, target=None):
    """Every cost field of every layer at every width: int64[L, 8, 8, F].

    ``table[i, w-1, a-1, f]`` is cost field ``COST_FIELDS[f]`` of layer i at
    w weight bits and a activation bits; -1 where the target cannot map that
    width for that layer.
    """
    t = _target(target)
    L, F = len(model.layers), len(COST_FIELDS)
    out = np.empty((L, MAX_BITS, MAX_BITS, F), dtype=np.int64)
    errors = _ffi.Collector()
    check(lib.cimModelGetCostTable(model._handle, t._ptr,
                                   out.ctypes.data_as(_ffi.c_int64_p),
                                   errors.callback, None), errors)
    return out


def latency_table(model, target=None, field="latency_ps"):
    """The ``[L, 8, 8]`` latency table CIM-AQ and HAQ load.

    ``table[i, w-1, a-1]`` is the latency of layer i (picoseconds, int64) at
    w/a bits on `target`, -1 where the target cannot map it. Save it with
    ``numpy.save``. `field` picks another cost field (``COST_FIELDS``).
    """
    return cost_table(model, target)[..., COST_FIELDS.index(field)].copy()


def estimate_batch(model, target, policies, fields=None, per_layer=False):
    """Costs many policies at once.

    Parameters
    ----------
    model : Model
    target : Target, path or None (the default target)
    policies : array_like of int, shape [N, L, 2]
        ``policies[p, i] = (w_bits, a_bits)`` of layer i in policy p.
    fields : sequence of str, optional
        Cost fields to sum (default: all of ``COST_FIELDS``).
    per_layer : bool
        Also return the per-layer values, ``int64[N, L]`` per field.

    Returns
    -------
    dict
        field -> ``int64[N]`` totals (and, with `per_layer`, a second dict
        field -> ``int64[N, L]``). Totals equal ``cim-opt --cim-estimate``'s
        total for each policy.

    Examples
    --------
    >>> import numpy as np, cimlir
    >>> m = cimlir.Model.load("examples/models/resnet18.mlir")
    >>> p = np.stack([m.uniform_policy(8, 8), m.uniform_policy(4, 4)])
    >>> lat = cimlir.estimate_batch(m, None, p, fields=["latency_ps"])
    >>> bool(lat["latency_ps"][0] > lat["latency_ps"][1])
    True
    """
    t = _target(target)
    p = _policies(model, policies, 3)
    names = list(COST_FIELDS if fields is None else fields)
    for f in names:
        if f not in COST_FIELDS:
            raise Error(f"unknown cost field '{f}' (known: "
                        + ", ".join(COST_FIELDS) + ")")
    idx = np.array([COST_FIELDS.index(f) for f in names], dtype=np.intp)
    N, L, K = p.shape[0], p.shape[1], len(names)
    totals = np.empty((N, K), dtype=np.int64)
    layers = np.empty((N, L, K), dtype=np.int64) if per_layer else None
    errors = _ffi.Collector()
    check(lib.cimModelEstimateBatch(
        model._handle, t._ptr, N, p.ctypes.data_as(_ffi.c_int64_p),
        idx.ctypes.data_as(_ffi.c_intptr_p), K,
        totals.ctypes.data_as(_ffi.c_int64_p),
        layers.ctypes.data_as(_ffi.c_int64_p) if per_layer else None,
        errors.callback, None), errors)
    out = {f: totals[:, k] for k, f in enumerate(names)}
    if per_layer:
        return out, {f: layers[:, :, k] for k, f in enumerate(names)}
    return out


class Estimate:
    """The cost of one policy: ``total`` (field -> int) and ``layers``
    (field -> int64[L]), plus the layer names."""

    def __init__(self, names, total, layers):
        self.names = names
        self.total = total
        self.layers = layers

    @property
    def latency_s(self):
        return self.total["latency_ps"] * 1e-12

    @property
    def energy_j(self):
        return self.total["energy_fj"] * 1e-15

    def rows(self):
        """One dict per layer (name and every field), for tables and CSV."""
        return [dict(name=n, **{f: int(v[i]) for f, v in self.layers.items()})
                for i, n in enumerate(self.names)]

    def __repr__(self):
        return (f"Estimate(latency {self.latency_s * 1e3:.3f} ms, energy "
                f"{self.energy_j * 1e6:.3f} uJ, writes "
                f"{self.total['writes']}, {len(self.names)} layers)")


def estimate(model, target=None, policy=None):
    """The exact cost of one policy (``int[L, 2]``, or a policy file that
    ``load_policy`` reads) on `target`.

    With `policy` None the model's own bits are used (a quantized model);
    a float model needs a policy.
    """
    if policy is None:
        policy = np.array([[l.w_bits, l.a_bits] for l in model.layers],
                          dtype=np.int64).reshape(len(model.layers), 2)
        if (policy == 0).any():
            bad = next(l.name for l in model.layers
                       if l.w_bits == 0 or l.a_bits == 0)
            raise Error(f"layer '{bad}' has float operands and no precision: "
                        "give a policy or quantize the model first")
    p = _policies(model, policy, 2)
    t = _target(target)
    L, F = p.shape[0], len(COST_FIELDS)
    totals = np.empty(F, dtype=np.int64)
    layers = np.empty((L, F), dtype=np.int64)
    errors = _ffi.Collector()
    check(lib.cimModelEstimateBatch(
        model._handle, t._ptr, 1, p.ctypes.data_as(_ffi.c_int64_p), None, F,
        totals.ctypes.data_as(_ffi.c_int64_p),
        layers.ctypes.data_as(_ffi.c_int64_p), errors.callback, None), errors)
    return Estimate(model._names, dict(zip(COST_FIELDS, totals.tolist())),
                    dict(zip(COST_FIELDS, layers.T.copy())))
