"""Files a search writes: policy (.npy + JSON), log (CSV), plot (PNG)."""

import csv
import json

import numpy as np

from .searcher import Record


def save_policy(path_npy, path_json, policy, layers, info=None):
    """``[L, 2]`` int64 ``.npy`` (the reference system's format, read by
    ``cim-opt --cim-estimate=policy=`` and ``--cim-assign-precision=policy=``)
    and the named JSON form (docs/target.md)."""
    p = np.asarray(policy, dtype=np.int64).reshape(-1, 2)
    if len(p) != len(layers):
        raise ValueError(f"policy has {len(p)} rows, model has {len(layers)} layers")
    np.save(path_npy, p)
    doc = {"layers": [{"name": layer.name, "w_bits": int(w), "a_bits": int(a)}
                      for layer, (w, a) in zip(layers, p)]}
    if info:
        doc["search"] = info
    with open(path_json, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


def load_policy(path):
    """An ``[L, 2]`` int64 policy from ``.npy`` or JSON (either form)."""
    if str(path).endswith(".npy"):
        p = np.load(path)
    else:
        with open(path) as f:
            doc = json.load(f)
        if isinstance(doc, dict):
            doc = [[e["w_bits"], e["a_bits"]] for e in doc["layers"]]
        p = np.asarray(doc)
    if p.ndim != 2 or p.shape[1] != 2 or p.dtype.kind not in "iu":
        raise ValueError(f"{path}: a policy is an integer [L, 2] array, got "
                         f"{p.dtype} {list(p.shape)}")
    if (p < 1).any() or (p > 8).any():
        raise ValueError(f"{path}: bits must lie in 1..8")
    return p.astype(np.int64)


def save_log(path, records):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(Record.FIELDS)
        for r in records:
            w.writerow(r.row())


def save_plot(path, records, best, budget, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ratio = np.array([r.latency_ratio for r in records])
    acc = np.array([r.accuracy for r in records])
    ep = np.array([r.episode for r in records])
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    sc = ax.scatter(ratio, acc, c=ep, cmap="viridis", s=14, label="episodes")
    order = np.argsort(ratio, kind="stable")
    front_x, front_y, top = [], [], -np.inf
    for i in order:  # best accuracy at or below each latency ratio
        if acc[i] > top:
            top = acc[i]
            front_x.append(ratio[i])
            front_y.append(acc[i])
    ax.step(front_x, front_y, where="post", color="C3", label="front: best accuracy up to this ratio")
    ax.scatter([best.latency_ratio], [best.accuracy], marker="*", s=160,
               color="C3", zorder=3, label="best reward")
    ax.axvline(budget, color="grey", ls="--", lw=1, label=f"budget {budget:g}")
    ax.set_xlabel("latency / W8A8 latency (cimlir estimate)")
    ax.set_ylabel("validation accuracy after short fine-tune (%)")
    ax.set_title(title)
    fig.colorbar(sc, ax=ax, label="episode")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
