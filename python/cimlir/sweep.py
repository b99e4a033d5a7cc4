"""cim-sweep: a design-space grid of targets x models x policies, as tidy
CSV and JSON, with optional figures (docs/sweep.md).

A *point* is one target (the base target with some fields set), one model
and one policy. The grid is the cartesian product of the ``--set`` axes, in
the order given (the last axis varies fastest), then the models, then each
model's policies. Point ``k`` is the k-th point of that order, so a
``--shard i/n`` run computes a fixed, contiguous slice of it and
``cim-sweep merge`` restores the unsharded output byte for byte.

Every number comes from libcimlir (``cimlir.estimate_batch``); this module
only enumerates, batches, formats and plots.
"""

import argparse
import concurrent.futures
import csv
import ctypes
import io
import itertools
import json
import multiprocessing
import os
import re
import sys

import numpy as np

import cimlir
from . import _ffi

PROG = "cim-sweep"
CHUNK = 4096  # policies per estimate_batch call (and per unit of work)

# The files a sweep writes into --output.
POINTS_CSV = "points.csv"
LAYERS_CSV = "layers.csv"
POINTS_JSON = "points.json"

# Per-layer columns taken from the model's layer table, named like the
# layer entries of cim-estimate's JSON report.
LAYER_INFO = ("name", "kind", "in_dim", "out_dim", "invocations", "repeat")


class UsageError(Exception):
    """A bad command line or input found by cim-sweep itself (C-side errors
    arrive as cimlir.Error with the library's message)."""


# --- Policies ----------------------------------------------------------------
# Policy files are read by the C library (cim-c/Policy.h), the same reader
# cim-opt's policy= option uses, so formats and messages are identical. The
# handle is kept (rather than cimlir.load_policy's arrays) for the C
# library's layer-count check; _ffi binds the readers, the two functions
# below are bound here.

lib = _ffi.lib


def _policy_from_handle(h, label, model):
    """int64[L, 2] from a C policy, row i for layer i of `model`, matched by
    the C library's one rule (cimPolicyMatchLayers: by name when every row
    has one, else by position; shapes checked where rows carry them)."""
    try:
        layers = model.layers
        n = len(layers)
        names = [l.name.encode() for l in layers]  # kept alive for the call
        table = (_ffi.PolicyLayer * max(n, 1))()
        for i, l in enumerate(layers):
            table[i] = _ffi.PolicyLayer(names[i], l.in_dim, l.out_dim,
                                        l.invocations, l.repeat)
        rows = (ctypes.c_ssize_t * max(n, 1))()
        messages = []

        def collect(layer, ref, _user):
            text = ctypes.string_at(ref.data, ref.length).decode(
                "utf-8", "replace")
            where = f"layer {layer} ('{layers[layer].name}')" \
                if 0 <= layer < n else ""
            messages.append(f"model '{model.source}'"
                            + (f", {where}" if where else "") + f": {text}")

        callback = _ffi.PolicyErrorCallback(collect)
        if _ffi.failed(lib.cimPolicyMatchLayers(h, n, table, rows, callback,
                                                None)):
            raise cimlir.Error(messages or [f"policy '{label}' does not "
                                            f"match model '{model.source}'"])
        p = np.empty((n, 2), dtype=np.int64)
        for i in range(n):
            p[i] = (lib.cimPolicyGetWeightBits(h, rows[i]),
                    lib.cimPolicyGetActivationBits(h, rows[i]))
        return p
    finally:
        lib.cimPolicyDestroy(h)


def _parse_uniform(label):
    text = label[len("uniform:"):]
    try:
        w, a = (int(x) for x in text.split(","))
    except ValueError:
        raise UsageError(f"policy '{label}': expected uniform:W,A with "
                         "integer bits, e.g. uniform:8,8") from None
    return w, a


def load_policy(label, model):
    """The policy named by `label` for `model`, as int64[L, 2].

    `label` is a file (``.npy`` int64 [L, 2], or JSON ``[[w, a], ...]`` /
    ``{"layers": [{"name", "w_bits", "a_bits"}, ...]}``), ``uniform:W,A``,
    or ``own`` (the model's own bits; a quantized model). Raises
    cimlir.Error with the C library's message on bad files, bits outside
    1..8 or a row count other than the model's layer count.
    """
    L = len(model.layers)
    if label == "own":
        p = np.array([[l.w_bits, l.a_bits] for l in model.layers],
                     dtype=np.int64).reshape(L, 2)
        bad = [l.name for l in model.layers if not l.w_bits or not l.a_bits]
        if bad:
            raise cimlir.Error(f"policy 'own': layer '{bad[0]}' of model "
                               f"'{model.source}' has float operands and no "
                               "precision: give a --policy")
        return p
    errors = _ffi.Collector()
    if label.startswith("uniform:"):
        w, a = _parse_uniform(label)
        ws = np.full(L, w, dtype=np.int64)
        as_ = np.full(L, a, dtype=np.int64)
        h = lib.cimPolicyCreate(L, ws.ctypes.data_as(_ffi.c_int64_p),
                                as_.ctypes.data_as(_ffi.c_int64_p),
                                errors.callback, None)
        if not h.ptr:
            raise cimlir.Error([f"policy '{label}': {m}"
                                for m in errors.messages()])
    else:
        h = lib.cimPolicyLoadFile(os.fsencode(label), errors.callback, None)
        if not h.ptr:
            raise cimlir.Error(errors.messages()
                               or [f"cannot load policy '{label}'"])
    return _policy_from_handle(h, label, model)


# --- The grid ------------------------------------------------------------------

def parse_axis(text):
    """``field=v1,v2`` or ``f1,f2=v1,v2`` (several fields that take the same
    value together) -> (fields tuple, values list of str)."""
    if "=" not in text:
        raise UsageError(f"--set '{text}': expected field=value[,value...]")
    lhs, rhs = text.split("=", 1)
    fields = tuple(f.strip() for f in lhs.split(","))
    values = [v.strip() for v in rhs.split(",")]
    if not all(fields) or not all(values):
        raise UsageError(f"--set '{text}': empty field name or value")
    if len(set(values)) != len(values):
        raise UsageError(f"--set '{text}': a value is given twice")
    return fields, values


def parse_shard(text):
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UsageError(f"--shard '{text}': expected i/n, e.g. 3/16") \
            from None
    if n < 1 or not 0 <= i < n:
        raise UsageError(f"--shard '{text}': need 0 <= i < n")
    return i, n


def model_names(paths):
    """Short model names (file stems), or the paths when stems collide."""
    stems = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    return list(paths)


class Grid:
    """The resolved sweep: targets, models and per-model policies.

    `spec` is the JSON-able description recorded in points.json (paths as
    given, so outputs do not depend on the working directory).
    """

    def __init__(self, spec):
        self.spec = spec
        base = spec["target"]
        self.base = (cimlir.Target.load(base) if base
                     else cimlir.Target.default())
        self.axes = [(tuple(f), list(v)) for f, v in spec["set"]]
        seen = set()
        for fields, _ in self.axes:
            for f in fields:
                if f in seen:
                    raise UsageError(f"--set: field '{f}' is set twice")
                seen.add(f)
        self.varied = [f for fields, _ in self.axes for f in fields]
        self.settings = []
        for combo in itertools.product(*(v for _, v in self.axes)):
            s = {}
            for (fields, _), value in zip(self.axes, combo):
                for f in fields:
                    s[f] = value
            self.settings.append(s)
        self.model_paths = list(spec["models"])
        self.names = model_names(self.model_paths)
        # labels[m]: the policies of model m, in command-line order.
        self.labels = [[lab for scope, lab in spec["policies"]
                        if scope is None or scope == name]
                       for name in self.names]
        self.sizes = [len(x) for x in self.labels]
        self.per_combo = sum(self.sizes)
        self.num_points = len(self.settings) * self.per_combo

    def target(self, c):
        s = self.settings[c]
        return self.base.replace(**s) if s else self.base

    def resolve(self):
        """Loads models and policies and checks every target: all errors
        surface here, before any point runs or any file is written."""
        for name, labs in zip(self.names, self.labels):
            if not labs:
                raise UsageError(f"model '{name}' has no policy")
        self.targets = [self.target(c) for c in range(len(self.settings))]
        self.models = [cimlir.Model.load(p) for p in self.model_paths]
        # policies[m]: int64[P_m, L_m, 2], the rows of labels[m].
        self.policies = [np.stack([load_policy(lab, m) for lab in labs])
                         for m, labs in zip(self.models, self.labels)]
        base = self.spec["baseline"]
        self.baselines = ([load_policy(base, m) for m in self.models]
                          if base else None)
        return self

    def point_range(self, shard):
        i, n = shard
        return (i * self.num_points // n, (i + 1) * self.num_points // n)

    def units(self, lo, hi):
        """Units of work covering points [lo, hi): (combo, model, k0, k1),
        policies k0..k1 of that model at that target."""
        out = []
        offsets = np.cumsum([0] + self.sizes)
        for c in range(len(self.settings)):
            start = c * self.per_combo
            for m, size in enumerate(self.sizes):
                a = max(lo, start + offsets[m]) - start - offsets[m]
                b = min(hi, start + offsets[m] + size) - start - offsets[m]
                for k in range(int(a), int(b), CHUNK):
                    out.append((c, m, k, min(int(b), k + CHUNK)))
        return out

    def point_index(self, c, m, k):
        return c * self.per_combo + sum(self.sizes[:m]) + k


# --- Running -------------------------------------------------------------------

def run_unit(grid, unit, layers):
    """Costs one unit; returns (unit, totals, per_layer, baseline) with
    int64 arrays [n, F], [n, L, F] (or None), and the baseline's [F] and
    [L, F] (or None)."""
    c, m, k0, k1 = unit
    model = grid.models[m]
    pols = grid.policies[m][k0:k1]
    if grid.baselines is not None:
        pols = np.concatenate([pols, grid.baselines[m][None]])
    fields = list(cimlir.COST_FIELDS)
    try:
        res = cimlir.estimate_batch(model, grid.targets[c], pols,
                                    per_layer=layers)
    except cimlir.Error as e:
        raise _point_error(grid, unit, e) from None
    if layers:
        tot = np.stack([res[0][f] for f in fields], axis=-1)
        per = np.stack([res[1][f] for f in fields], axis=-1)
    else:
        tot = np.stack([res[f] for f in fields], axis=-1)
        per = None
    n = k1 - k0
    base = None
    if grid.baselines is not None:
        base = (tot[n], per[n] if layers else None)
    return unit, tot[:n], (per[:n] if layers else None), base


def _point_error(grid, unit, error):
    """The library's message with the point it is about: estimate_batch
    names the policy by its index in the batch ("policy 3, layer ...")."""
    c, m, k0, k1 = unit
    where = ", ".join(f"{f}={v}" for f, v in grid.settings[c].items())
    msgs = []
    for msg in error.messages:
        match = re.match(r"policy (\d+)(.*)", msg, re.S)
        if match:
            k = k0 + int(match.group(1))
            parts = [f"model '{grid.names[m]}'"] + ([where] if where else [])
            if k < k1:
                head = f"point {grid.point_index(c, m, k)}"
                parts.insert(0, f"policy '{grid.labels[m][k]}'")
            else:
                head = f"baseline '{grid.spec['baseline']}'"
            msg = f"{head} ({', '.join(parts)})" + match.group(2)
        msgs.append(msg)
    return cimlir.Error(msgs)


_WORKER = {}


def _worker_init(spec):
    _WORKER["grid"] = Grid(spec).resolve()


def run_task(grid, units, layers):
    """Costs and formats a list of units: (points, JSON lines, points.csv
    body, layers.csv body). Formatting is most of a sweep's time, so it is
    done where the costing is, in the worker processes."""
    results = [run_unit(grid, u, layers) for u in units]
    lines, prows, lrows = [], [], []
    for point, prow, lr in rows(grid, results):
        lines.append(json_point(point))
        prows.append(prow)
        lrows.extend(lr)
    return (sum(u[3] - u[2] for u in units), lines, csv_text(None, prows),
            csv_text(None, lrows))


def _worker_run(units, layers):
    return run_task(_WORKER["grid"], units, layers)


def _tasks(units, jobs):
    """Units grouped into about 8 tasks per process, contiguous, each of
    about the same number of points (a task per unit would spend more on
    inter-process traffic than on costing)."""
    total = sum(u[3] - u[2] for u in units)
    size = max(1, total // (8 * jobs))
    tasks, cur, n = [], [], 0
    for u in units:
        cur.append(u)
        n += u[3] - u[2]
        if n >= size:
            tasks.append(cur)
            cur, n = [], 0
    if cur:
        tasks.append(cur)
    return tasks


class Progress:
    """Points done / total with an ETA on stderr, only on a terminal."""

    def __init__(self, total, enabled):
        self.bar = None
        if enabled and total:
            try:
                from tqdm import tqdm
                self.bar = tqdm(total=total, unit="pt", file=sys.stderr,
                                desc=PROG, dynamic_ncols=True)
            except ImportError:  # python3-tqdm absent: no progress bar
                self.bar = None

    def update(self, n):
        if self.bar is not None:
            self.bar.update(n)

    def close(self):
        if self.bar is not None:
            self.bar.close()


def run(grid, lo, hi, jobs, layers, progress):
    """Runs points [lo, hi); returns run_task's chunks in point order."""
    tasks = _tasks(grid.units(lo, hi), jobs)
    chunks = [None] * len(tasks)
    bar = Progress(hi - lo, progress)
    try:
        if jobs <= 1 or len(tasks) <= 1:
            for i, t in enumerate(tasks):
                chunks[i] = run_task(grid, t, layers)
                bar.update(chunks[i][0])
        else:
            ctx = multiprocessing.get_context("spawn")
            with concurrent.futures.ProcessPoolExecutor(
                    max_workers=min(jobs, len(tasks)), mp_context=ctx,
                    initializer=_worker_init,
                    initargs=(grid.spec,)) as pool:
                futs = {pool.submit(_worker_run, t, layers): i
                        for i, t in enumerate(tasks)}
                for f in concurrent.futures.as_completed(futs):
                    chunks[futs[f]] = f.result()
                    bar.update(chunks[futs[f]][0])
    finally:
        bar.close()
    return chunks


# --- Output ----------------------------------------------------------------------

def fmt(v):
    """One CSV cell: ints as integers, floats in their shortest exact form
    (repr), None as empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    return str(v)


def ratio(num, den):
    return float(num) / float(den) if den else None


def target_columns(grid):
    """The varied target fields' columns: ``target.<field>`` (the report's
    JSON path; cost fields such as ``rows`` share target field names)."""
    return ["target." + f for f in grid.varied]


def point_columns(grid):
    cols = ["point"] + target_columns(grid) + ["target_fingerprint",
                                               "model", "policy"]
    cols += list(cimlir.COST_FIELDS)
    cols += ["mean_w_bits", "mean_a_bits", "mean_bits"]
    if grid.spec["baseline"]:
        cols += ["baseline_latency_ps", "speedup"]
    return cols


def layer_columns(grid):
    cols = ["point"] + target_columns(grid) + ["model", "policy", "layer"]
    cols += list(LAYER_INFO) + ["w_bits", "a_bits"]
    cols += list(cimlir.COST_FIELDS)
    if grid.spec["baseline"]:
        cols += ["baseline_latency_ps", "speedup"]
    return cols


def _target_values(grid, c):
    t = grid.targets[c]
    return [getattr(t, f) for f in grid.varied]


def _strs(values):
    return [fmt(v) for v in values]


def rows(grid, results):
    """Yields (point dict for JSON, points.csv row, layers.csv rows), the
    CSV rows as lists of formatted cells."""
    fields = list(cimlir.COST_FIELDS)
    lat = fields.index("latency_ps")
    has_base = grid.spec["baseline"] is not None
    info = [[_strs(getattr(l, a) for a in LAYER_INFO) for l in m.layers]
            for m in grid.models]
    for (c, m, k0, k1), tot, per, base in results:
        tvals = _target_values(grid, c)
        tstrs = _strs(tvals)
        fp = "0x%016x" % grid.targets[c].fingerprint
        name = grid.names[m]
        pols = grid.policies[m][k0:k1]
        means = np.stack([pols[:, :, 0].mean(1), pols[:, :, 1].mean(1),
                          pols.mean((1, 2))], axis=1).tolist()
        tots = tot.tolist()
        if has_base:
            bt = dict(zip(fields, base[0].tolist()))
        if has_base and per is not None:
            blat = base[1][:, lat]
            blat_s = [str(b) for b in blat.tolist()]
        for j, k in enumerate(range(k0, k1)):
            idx = grid.point_index(c, m, k)
            label = grid.labels[m][k]
            total = dict(zip(fields, tots[j]))
            point = {"point": idx,
                     "target": dict(zip(grid.varied, tvals)),
                     "target_fingerprint": fp, "model": name,
                     "policy": label, "total": total,
                     "mean_w_bits": means[j][0], "mean_a_bits": means[j][1],
                     "mean_bits": means[j][2]}
            prow = ([str(idx)] + tstrs + [fp, name, label]
                    + [str(x) for x in tots[j]] + [repr(x) for x in means[j]])
            if has_base:
                sp = ratio(bt["latency_ps"], total["latency_ps"])
                point["baseline_total"] = bt
                point["speedup"] = sp
                prow += [str(bt["latency_ps"]), fmt(sp)]
            lrows = []
            if per is not None:
                head = [str(idx)] + tstrs + [name, label]
                costs = per[j].tolist()
                bits = pols[j].tolist()
                for i, (cost, (w, a)) in enumerate(zip(costs, bits)):
                    r = (head + [str(i)] + info[m][i] + [str(w), str(a)]
                         + [str(x) for x in cost])
                    if has_base:
                        r += [blat_s[i], fmt(ratio(blat[i], cost[lat]))]
                    lrows.append(r)
            yield point, prow, lrows


def csv_text(header, rowlist):
    """CSV of already formatted cells (csv quoting, "\\n" line ends), with
    a header row unless `header` is None."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header is not None:
        w.writerow(header)
    w.writerows(rowlist)
    return buf.getvalue()


def json_point(point):
    """One point of points.json: one line, the compact encoder."""
    return json.dumps(point, separators=(",", ":"), allow_nan=False)


def json_text(head, lines):
    """points.json: the readable `head`, then ``points`` one per line."""
    text = json.dumps(head, indent=1, allow_nan=False)
    return (text[:-2] + ',\n "points": [\n' + ",\n".join(lines)
            + "\n ]\n}\n")


def write_files(outdir, files):
    """Writes {name: text} into `outdir`, each through a temporary file and
    a rename, so an interrupted run never leaves a half-written file."""
    os.makedirs(outdir, exist_ok=True)
    for name, text in files.items():
        tmp = os.path.join(outdir, "." + name + ".tmp")
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, os.path.join(outdir, name))


def header_doc(grid, shard=None, lo=None, hi=None):
    doc = {"tool": PROG, "cimlir_version": cimlir.__version__,
           "sweep": grid.spec, "base_target": grid.base.to_dict(),
           "num_points": grid.num_points}
    if shard is not None:
        doc["shard"] = "%d/%d" % shard
        doc["point_range"] = [lo, hi]
    return doc


def outputs(grid, chunks, shard, lo, hi):
    head = header_doc(grid, shard, lo, hi)
    files = {POINTS_CSV: csv_text(point_columns(grid), [])
             + "".join(c[2] for c in chunks),
             POINTS_JSON: json_text(head, [l for c in chunks for l in c[1]])}
    if grid.spec["layers"]:
        files[LAYERS_CSV] = (csv_text(layer_columns(grid), [])
                             + "".join(c[3] for c in chunks))
    return files


# --- Merge -----------------------------------------------------------------------

def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def merge(out, shard_dirs):
    """Joins shard outputs into `out`; the result equals the unsharded run
    byte for byte. Refuses shards of different sweeps, missing or repeated
    shards."""
    docs = []
    for d in shard_dirs:
        try:
            docs.append((json.loads(_read(os.path.join(d, POINTS_JSON))), d))
        except (OSError, ValueError) as e:
            raise UsageError(f"merge: cannot read {d}/{POINTS_JSON}: {e}") \
                from None
    first = docs[0][0]
    keys = ("tool", "cimlir_version", "sweep", "base_target", "num_points")
    n = None
    by_index = {}
    for doc, d in docs:
        if any(doc.get(k) != first.get(k) for k in keys):
            raise UsageError(f"merge: {d} is from another sweep than "
                             f"{docs[0][1]}")
        if "shard" not in doc:
            raise UsageError(f"merge: {d} is not a shard (no --shard)")
        i, k = parse_shard(doc["shard"])
        if n is not None and k != n:
            raise UsageError(f"merge: {d} is shard {i}/{k}, others are /{n}")
        n = k
        if i in by_index:
            raise UsageError(f"merge: shard {i}/{n} given twice "
                             f"({by_index[i][1]} and {d})")
        by_index[i] = (doc, d)
    missing = [i for i in range(n) if i not in by_index]
    if missing:
        raise UsageError("merge: missing shard(s) " + ", ".join(
            f"{i}/{n}" for i in missing))
    ordered = [by_index[i] for i in range(n)]
    merged = {k: v for k, v in first.items()
              if k not in ("shard", "point_range", "points")}
    files = {POINTS_JSON: json_text(merged, [
        json_point(p) for doc, _ in ordered for p in doc["points"]])}
    names = [POINTS_CSV] + ([LAYERS_CSV] if first["sweep"]["layers"] else [])
    for name in names:
        parts = [_read(os.path.join(d, name)) for _, d in ordered]
        heads = {p.split("\n", 1)[0] for p in parts}
        if len(heads) != 1:
            raise UsageError(f"merge: the shards' {name} headers differ")
        files[name] = parts[0] + "".join(p.split("\n", 1)[1]
                                         for p in parts[1:])
    write_files(out, files)
    return merged


# --- Command line ------------------------------------------------------------------

EPILOG = """\
other commands:
  cim-sweep merge OUT SHARD_DIR...   join --shard outputs into OUT
  cim-sweep plot DIR [--plot-point K]  (re)draw the figures of a sweep

examples (docs/sweep.md):
  cim-sweep --model examples/models/resnet18.mlir --set cell_bits=1,2,3,4 \\
            --policy uniform:4,4 --policy uniform:8,8 --output out --plot
  cim-sweep ... --output part3 --shard 3/16   # one job of a Slurm array
"""


def sweep_parser():
    ap = argparse.ArgumentParser(
        prog=PROG, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Cost a grid of targets x models x policies with "
                    "libcimlir's exact estimate; write points.csv, "
                    "layers.csv and points.json (docs/sweep.md).")
    ap.add_argument("--target", metavar="T.json",
                    help="base target (default: the built-in reference)")
    ap.add_argument("--set", action="append", default=[], metavar="F=V,...",
                    help="a grid axis over target field F (repeatable; "
                    "'rows,cols=64,128' sets both fields together)")
    ap.add_argument("--model", action="append", default=[], required=True,
                    metavar="M", help="a model (.mlir or .onnx; repeatable)")
    ap.add_argument("--policy", action="append", default=[], metavar="P",
                    help="P.npy, P.json, uniform:W,A or own (repeatable; "
                    "NAME=P applies P to model NAME only; default: own)")
    ap.add_argument("--baseline", default="uniform:8,8", metavar="P",
                    help="policy the speedup column compares with "
                    "(default uniform:8,8; 'none' for no speedup)")
    ap.add_argument("--output", required=True, metavar="DIR",
                    help="directory for the CSV / JSON (and figures)")
    ap.add_argument("--no-layers", dest="layers", action="store_false",
                    help="do not write layers.csv")
    ap.add_argument("--plot", action="store_true",
                    help="also draw PNG and SVG figures into DIR")
    ap.add_argument("--plot-point", type=int, metavar="K",
                    help="the point of the per-layer figure (default: the "
                    "first one written)")
    ap.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                    help="local processes (0: one per CPU)")
    ap.add_argument("--shard", metavar="i/n",
                    help="run only slice i of n (0 <= i < n) of the points")
    ap.add_argument("--quiet", "-q", action="store_true",
                    help="no progress bar")
    return ap


def build_spec(args, model_names_):
    policies = []
    for text in args.policy or ["own"]:
        scope, label = None, text
        head = text.split("=", 1)[0]
        if "=" in text and head in model_names_:
            scope, label = head, text.split("=", 1)[1]
        policies.append([scope, label])
    return {"target": args.target,
            "set": [[list(f), v] for f, v in map(parse_axis, args.set)],
            "models": list(args.model), "policies": policies,
            "baseline": None if args.baseline == "none" else args.baseline,
            "layers": args.layers}


def main_sweep(argv):
    args = sweep_parser().parse_args(argv)
    spec = build_spec(args, set(model_names(args.model)))
    shard = parse_shard(args.shard) if args.shard else None
    grid = Grid(spec).resolve()
    lo, hi = grid.point_range(shard) if shard else (0, grid.num_points)
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    chunks = run(grid, lo, hi, jobs, spec["layers"],
                 not args.quiet and sys.stderr.isatty())
    write_files(args.output, outputs(grid, chunks, shard, lo, hi))
    if args.plot:
        from . import _sweep_plot
        _sweep_plot.plot(args.output, args.plot_point)
    return 0


def main_merge(argv):
    ap = argparse.ArgumentParser(prog=PROG + " merge",
                                 description="Join --shard outputs.")
    ap.add_argument("out", metavar="OUT")
    ap.add_argument("shards", nargs="+", metavar="SHARD_DIR")
    ap.add_argument("--plot", action="store_true")
    ap.add_argument("--plot-point", type=int, metavar="K")
    args = ap.parse_args(argv)
    merge(args.out, args.shards)
    if args.plot:
        from . import _sweep_plot
        _sweep_plot.plot(args.out, args.plot_point)
    return 0


def main_plot(argv):
    ap = argparse.ArgumentParser(prog=PROG + " plot",
                                 description="Draw a sweep's figures.")
    ap.add_argument("dir", metavar="DIR")
    ap.add_argument("--plot-point", type=int, metavar="K")
    args = ap.parse_args(argv)
    from . import _sweep_plot
    _sweep_plot.plot(args.dir, args.plot_point)
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = {"merge": main_merge, "plot": main_plot}
    fn = commands.get(argv[0]) if argv else None
    try:
        if fn:
            return fn(argv[1:])
        return main_sweep(argv)
    except (cimlir.Error, UsageError) as e:
        for line in str(e).splitlines():
            print(f"{PROG}: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
