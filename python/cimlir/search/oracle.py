"""The hardware oracle: the only module of the search that calls cimlir.

Latency (and energy, writes) of a policy comes from the compiler's own
cost model in-process (``cimlir.estimate`` / ``cimlir.estimate_batch``),
for the user's target: never from a table made by hand. The time spent
in cimlir is accumulated in ``Oracle.seconds`` so the search can report
the oracle's share of the wall time.
"""

import time

import numpy as np


def _cimlir():
    try:
        import cimlir
    except ImportError as e:  # pragma: no cover - environment problem
        raise RuntimeError(
            "the cimlir Python package is not importable: set PYTHONPATH to "
            "<repo>/python and CIMLIR_LIBRARY to <build>/lib/libcimlir.so "
            f"({e})") from e
    return cimlir


def load_target(path=None, **fields):
    """A ``cimlir.Target``: the file at ``path`` (JSON) or the built-in
    default, with single fields replaced (``cell_bits=2``)."""
    cimlir = _cimlir()
    t = cimlir.Target.load(path) if path else cimlir.Target.default()
    return t.replace(**fields) if fields else t


class Oracle:
    """Costs of per-layer policies of one model on one target.

    ``model_path`` is what ``cimlir.Model.load`` reads (float ``.onnx`` or
    ``.mlir``); ``layers`` is its layer table in program order = policy
    row order.
    """

    def __init__(self, model_path, target):
        cimlir = _cimlir()
        self._cimlir = cimlir
        self.target = target
        t0 = time.perf_counter()
        self.model = cimlir.Model.load(str(model_path))
        self.layers = list(self.model.layers)
        self.seconds = time.perf_counter() - t0
        self.calls = 0

    @property
    def num_layers(self):
        return len(self.layers)

    def _timed(self, fn, *args):
        t0 = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.seconds += time.perf_counter() - t0
            self.calls += 1

    def latency(self, policy):
        """Total latency (ps, int) of one ``[L, 2]`` policy."""
        p = np.asarray(policy, dtype=np.int64).reshape(1, self.num_layers, 2)
        out = self._timed(self._cimlir.estimate_batch, self.model, self.target,
                          p, ["latency_ps"])
        return int(out["latency_ps"][0])

    def totals(self, policy):
        """Every total of one policy (dict: latency_ps, energy_fj, writes,
        mvm_cycles, ...)."""
        p = np.asarray(policy, dtype=np.int64).reshape(self.num_layers, 2)
        est = self._timed(self._cimlir.estimate, self.model, self.target, p)
        return {k: int(v) for k, v in est.total.items()}

    def latency_batch(self, policies):
        """Latencies (int64 ``[N]``) of ``policies`` (``[N, L, 2]``)."""
        p = np.asarray(policies, dtype=np.int64).reshape(-1, self.num_layers, 2)
        out = self._timed(self._cimlir.estimate_batch, self.model, self.target,
                          p, ["latency_ps"])
        return np.asarray(out["latency_ps"], dtype=np.int64)

    def uniform(self, w_bits, a_bits):
        """Latency of the uniform policy ``(w_bits, a_bits)`` everywhere."""
        return self.latency(np.tile([w_bits, a_bits], (self.num_layers, 1)))


def compile_model(model_path, target):
    """``cimlir.compile`` of the model file at ``model_path`` (a QDQ
    ``.onnx`` or ``.mlir``) for ``target``: the program object."""
    cimlir = _cimlir()
    return cimlir.compile(cimlir.Model.load(str(model_path)), target)


def run_program(program, inputs):
    """``program.run(inputs)``: ``(outputs dict, report dict)``."""
    return program.run(inputs)
