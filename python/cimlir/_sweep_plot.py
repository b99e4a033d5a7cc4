"""Figures of a cim-sweep output directory (private; used by cimlir.sweep).

Reads ``points.json`` only, so a merged sweep plots like an unsharded one.
The per-layer breakdown recomputes its one point with libcimlir, once per
time field of the target (the others set to 0), so the split into write /
MVM / ADC time is the C pricing function's, not a re-implementation.
"""

import json
import os

import numpy as np

import cimlir
from . import sweep as _sweep

FIGSIZE_PANEL = (3.6, 3.2)


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    # Byte-stable figures: no creation date, fixed SVG ids, text as text.
    matplotlib.rcParams["svg.hashsalt"] = "cimlir"
    matplotlib.rcParams["svg.fonttype"] = "none"
    return plt


def _save(fig, outdir, stem):
    paths = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None})):
        path = os.path.join(outdir, f"{stem}.{ext}")
        fig.savefig(path, dpi=150, metadata=meta, bbox_inches="tight")
        paths.append(path)
    return paths


def _axis_label(fields, value):
    return "=".join(fields) + f"={value}"


def _models(points):
    seen = []
    for p in points:
        if p["model"] not in seen:
            seen.append(p["model"])
    return seen


def _y(point, speedup):
    if speedup:
        return point.get("speedup")
    return point["total"]["latency_ps"] * 1e-9  # ms


def short_policy(label):
    """A policy's legend label: the file's stem, or the spec itself."""
    if label.startswith("uniform:") or label == "own":
        return label
    return os.path.splitext(os.path.basename(label))[0]


STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ("-", "v"),
          ("--", "P")]


def plot_speedup(plt, doc, outdir):
    """Speedup (or latency) against cell bits (else the first varied
    field), one panel per model; one colour per value of the other axes
    (shared legend below) and one line style per policy of the model."""
    spec, points = doc["sweep"], doc["points"]
    axes = [(tuple(f), v) for f, v in spec["set"]]
    varied = [f for fields, _ in axes for f in fields]
    xfield = "cell_bits" if "cell_bits" in varied or not varied else varied[0]
    others = [fields for fields, _ in axes if xfield not in fields]
    speedup = spec["baseline"] is not None
    models = _models(points)
    colours = []
    for p in points:
        key = ", ".join(_axis_label(f, p["target"][f[0]]) for f in others)
        if key not in colours:
            colours.append(key)
    fig, panels = plt.subplots(1, len(models), squeeze=False, sharey=speedup,
                               figsize=(FIGSIZE_PANEL[0] * len(models),
                                        FIGSIZE_PANEL[1]))
    for ax, model in zip(panels[0], models):
        mine = [p for p in points if p["model"] == model]
        policies = []
        for p in mine:
            if p["policy"] not in policies:
                policies.append(p["policy"])
        lines = {}
        for p in mine:
            key = ", ".join(_axis_label(f, p["target"][f[0]]) for f in others)
            x = (p["target"][xfield] if xfield in p["target"]
                 else doc["base_target"][xfield])
            y = _y(p, speedup)
            if y is not None:
                lines.setdefault((key, p["policy"]), []).append((x, y))
        for (key, pol), xy in lines.items():
            xy.sort()
            ls, mk = STYLES[policies.index(pol) % len(STYLES)]
            ax.plot([a for a, _ in xy], [b for _, b in xy], linestyle=ls,
                    marker=mk, markersize=4,
                    color=f"C{colours.index(key) % 10}")
        xs = sorted({a for xy in lines.values() for a, _ in xy})
        if xs and all(isinstance(a, int) for a in xs):
            ax.set_xticks(xs)
        ax.set_title(model)
        ax.set_xlabel(xfield)
        ax.grid(True, alpha=0.3)
        if len(policies) > 1:
            handles = [plt.Line2D([], [], color="grey", linestyle=ls,
                                  marker=mk, markersize=4)
                       for ls, mk in (STYLES[i % len(STYLES)]
                                      for i in range(len(policies)))]
            ax.legend(handles, [short_policy(p) for p in policies],
                      fontsize=7)
        else:
            ax.text(0.02, 0.02, short_policy(policies[0]), fontsize=7,
                    transform=ax.transAxes, color="0.3")
    panels[0][0].set_ylabel(
        f"speedup over {short_policy(spec['baseline'])}" if speedup
        else "latency (ms)")
    fig.tight_layout()
    if any(colours):
        handles = [plt.Line2D([], [], color=f"C{i % 10}", marker="o",
                              markersize=4) for i in range(len(colours))]
        fig.legend(handles, colours, loc="upper center", fontsize=8,
                   ncol=min(len(colours), 6), bbox_to_anchor=(0.5, 0.0),
                   frameon=False)
    stem = ("speedup-" if speedup else "latency-") + xfield.replace("_", "-")
    paths = _save(fig, outdir, stem)
    plt.close(fig)
    return paths


def _time_fields(target):
    return [f for f in cimlir.Target.fields()
            if f.startswith("t_") and f.endswith("_ns")
            and getattr(target, f)]


def layer_breakdown(doc, k):
    """(layer names, {component: latency_ps int64[L]}, baseline int64[L] or
    None) of point `k`, recomputed with libcimlir."""
    spec = doc["sweep"]
    point = next((p for p in doc["points"] if p["point"] == k), None)
    if point is None:
        raise _sweep.UsageError(
            f"--plot-point {k}: no such point in this output "
            f"({len(doc['points'])} points)")
    names = _sweep.model_names(spec["models"])
    model = cimlir.Model.load(spec["models"][names.index(point["model"])])
    base = (cimlir.Target.load(spec["target"]) if spec["target"]
            else cimlir.Target.default())
    target = base.replace(**point["target"]) if point["target"] else base
    pol = _sweep.load_policy(point["policy"], model)
    total = cimlir.estimate(model, target, pol).layers["latency_ps"]
    parts = {}
    times = _time_fields(target)
    for f in times:
        only = target.replace(**{g: 0 for g in times if g != f})
        parts[f] = cimlir.estimate(model, only, pol).layers["latency_ps"]
    rest = total - sum(parts.values(), np.zeros_like(total))
    if rest.any():
        parts["other"] = rest
    baseline = None
    if spec["baseline"]:
        bp = _sweep.load_policy(spec["baseline"], model)
        baseline = cimlir.estimate(model, target, bp).layers["latency_ps"]
    return point, [l.name for l in model.layers], parts, baseline


LABELS = {"t_write_ns": "crossbar writes", "t_mvm_ns": "MVM cycles",
          "t_adc_ns": "ADC conversions"}


def plot_layers(plt, doc, outdir, k):
    """Stacked bars: each layer's latency at point `k`, split by the
    target's time fields; the baseline's latency as a marker."""
    point, names, parts, baseline = layer_breakdown(doc, k)
    L = len(names)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.22 * L + 2), 3.6))
    x = np.arange(L)
    bottom = np.zeros(L)
    for f, v in parts.items():
        ms = v * 1e-9
        ax.bar(x, ms, bottom=bottom, width=0.8,
               label=LABELS.get(f, f.replace("_ns", "")))
        bottom += ms
    if baseline is not None:
        ax.plot(x, baseline * 1e-9, linestyle="none", marker="_",
                markersize=9, color="black",
                label=f"baseline {doc['sweep']['baseline']}")
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=90, fontsize=6 if L > 30 else 7)
    ax.set_ylabel("latency (ms)")
    where = ", ".join(f"{f}={v}" for f, v in point["target"].items())
    ax.set_title(f"point {k}: {point['model']}, "
                 f"{short_policy(point['policy'])}"
                 + (f", {where}" if where else ""), fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    paths = _save(fig, outdir, "layers-latency")
    plt.close(fig)
    return paths


def pareto_front(bits, latency):
    """Indices of the points no other point beats on both axes (more mean
    bits and less latency), by increasing latency."""
    order = sorted(range(len(bits)), key=lambda i: (latency[i], -bits[i]))
    front, best = [], -np.inf
    for i in order:
        if bits[i] > best:
            front.append(i)
            best = bits[i]
    return front


def plot_pareto(plt, doc, outdir, k):
    """Latency against mean bits of every policy, per model, at the target
    of point `k`; the Pareto front joined."""
    points = doc["points"]
    ref = next((p for p in points if p["point"] == k), points[0])
    here = [p for p in points
            if p["target_fingerprint"] == ref["target_fingerprint"]]
    models = _models(here)
    fig, panels = plt.subplots(1, len(models), squeeze=False,
                               figsize=(FIGSIZE_PANEL[0] * len(models),
                                        FIGSIZE_PANEL[1]))
    for ax, model in zip(panels[0], models):
        mine = [p for p in here if p["model"] == model]
        bits = [p["mean_bits"] for p in mine]
        lat = [p["total"]["latency_ps"] * 1e-9 for p in mine]
        ax.scatter(bits, lat, s=10, alpha=0.5, label="policies")
        front = pareto_front(bits, lat)
        ax.step([bits[i] for i in front], [lat[i] for i in front],
                where="post", color="C3", marker="o", markersize=4,
                label="Pareto front")
        ax.set_title(model)
        ax.set_xlabel("mean bits (weights and activations)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    panels[0][0].set_ylabel("latency (ms)")
    where = ", ".join(f"{f}={v}" for f, v in ref["target"].items())
    if where:
        fig.suptitle(where, fontsize=9)
    fig.tight_layout()
    paths = _save(fig, outdir, "pareto-latency-bits")
    plt.close(fig)
    return paths


def plot(outdir, k=None):
    """Draws every figure of the sweep in `outdir` (the per-layer one for
    point `k`, default the first point there); returns the paths."""
    with open(os.path.join(outdir, _sweep.POINTS_JSON),
              encoding="utf-8") as f:
        doc = json.load(f)
    if not doc["points"]:
        raise _sweep.UsageError(f"{outdir}: the sweep has no points to plot")
    if k is None:
        k = doc["points"][0]["point"]
    plt = _pyplot()
    paths = plot_speedup(plt, doc, outdir)
    paths += plot_layers(plt, doc, outdir, k)
    paths += plot_pareto(plt, doc, outdir, k)
    return paths
