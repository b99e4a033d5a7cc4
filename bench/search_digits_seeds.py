#!/usr/bin/python3
"""Accuracy of QAT policies on digits over several seeds (issue 15's
measure, bench/results/search-digits.md): for every seed, the float digits
CNN of that seed (split and initialisation: ``cim-aq-search --seed S``),
then QAT of every policy with every recipe, test accuracy of the fake-quant
model in float64 (= the simulator's), validation accuracy, and with
``--simulate`` the simulator's accuracy of the compiled model. Results are
cached one JSON line per run in ``OUT/runs.jsonl`` (a rerun only trains
what is missing); the table is printed as Markdown: mean +- sample standard
deviation over the seeds, and the loss against W8A8 trained with the same
recipe paired per seed (mean, worst seed).

  PYTHONPATH=python CIMLIR_LIBRARY=build/lib/libcimlir.so /usr/bin/python3 \\
      bench/search_digits_seeds.py --out OUT --seeds 0,1,2,3,4 \\
      --policy 'a233=8/2 8/3 8/3 8/8 8/8' \\
      --recipe 'kd=calib=max,grad=lsq,distill=0.5,epochs=40,lr=5e-4'

A policy is ``w/a`` per layer, or ``W,A`` for uniform; W8A8 (``8,8``) is
always added. A recipe is ``NAME=key=value,...`` with keys ``calib``
(max, mse, or a percentile), ``grad`` (pact, lsq), ``distill`` (0..1),
``temp``, ``epochs``, ``lr``, ``pc`` (1: per-channel weights).
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import torch

RECIPE_KEYS = {"calib": "max", "grad": "pact", "distill": 0.0, "temp": 4.0,
               "epochs": 15, "lr": 1e-3, "pc": 0}


def parse_recipe(spec):
    name, _, body = spec.partition("=")
    r = dict(RECIPE_KEYS)
    for item in filter(None, body.split(",")):
        k, _, v = item.partition("=")
        if k not in r:
            raise SystemExit(f"recipe {name}: unknown key {k!r}")
        r[k] = type(RECIPE_KEYS[k])(v) if k != "calib" else v
    return name, r


def parse_policy(spec, n_layers=5):
    name, _, body = spec.partition("=")
    body = body or name
    if "/" in body:
        rows = [[int(v) for v in cell.split("/")] for cell in body.split()]
    else:
        w, a = (int(v) for v in body.split(","))
        rows = [[w, a]] * n_layers
    return name, np.asarray(rows, np.int64)


def pstr(p):
    return " ".join(f"{w}/{a}" for w, a in p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--policy", action="append", default=[])
    ap.add_argument("--recipe", action="append", default=[])
    ap.add_argument("--float-epochs", type=int, default=40)
    ap.add_argument("--float-lr", type=float, default=3e-3)
    ap.add_argument("--simulate", action="store_true",
                    help="also classify the test set on cim-sim (default target)")
    ap.add_argument("--table-only", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    from cimlir.search import data, export, loop, oracle, qat

    os.makedirs(args.out, exist_ok=True)
    seeds = [int(s) for s in args.seeds.split(",")]
    policies = [parse_policy("w8a8=8,8")] + [parse_policy(s) for s in args.policy]
    recipes = [parse_recipe(s) for s in args.recipe] or [parse_recipe("base=")]
    cache_path = os.path.join(args.out, "runs.jsonl")
    cache = {}
    if os.path.exists(cache_path):
        with open(cache_path) as f:
            for line in f:
                r = json.loads(line)
                cache[r["key"]] = r

    # latency ratios from the compiler's estimate, both targets
    probe = data.build_model("digits-cnn", 10, (1, 8, 8))
    fpath = os.path.join(args.out, "model-float.onnx")
    export.save_onnx(probe, fpath, (1, 1, 8, 8), quantized=False)
    orcs = {4: oracle.Oracle(fpath, oracle.load_target()),
            2: oracle.Oracle(fpath, oracle.load_target(None, cell_bits=2))}
    ratio = {(cb, pstr(p)): o.latency(p) / o.uniform(8, 8)
             for cb, o in orcs.items() for _, p in policies}

    floats = {}
    for seed in seeds:
        split = None
        for rname, r in recipes:
            for pname, p in policies:
                key = json.dumps([seed, args.float_epochs, args.float_lr,
                                  pstr(p), r, args.simulate], sort_keys=True)
                if key in cache or args.table_only:
                    continue
                if split is None:
                    split = data.load_digits_split(seed=seed)
                    torch.manual_seed(seed)
                    fm = data.build_model("digits-cnn", 10, split.image_shape)
                    qat.train(fm, split.x_train, split.y_train,
                              args.float_epochs, args.float_lr, seed=seed)
                    fm.eval()
                    floats[seed] = qat.accuracy(fm, split.x_test, split.y_test)
                t0 = time.perf_counter()
                recipe = qat.Recipe(r["calib"], r["grad"], r["distill"], r["temp"])
                torch.manual_seed(seed)
                m = qat.quantized_copy(fm, p, split.x_train[:512], bool(r["pc"]),
                                       recipe)
                qat.train_quantized(m, fm, split.x_train, split.y_train,
                                    r["epochs"], r["lr"], seed=seed,
                                    recipe=recipe)
                m.eval()
                rec = {"key": key, "seed": seed, "policy": pstr(p),
                       "recipe": r, "float_acc": floats[seed],
                       "test_acc": qat.accuracy(m, split.x_test, split.y_test,
                                                double=True),
                       "val_acc": qat.accuracy(m, split.x_val, split.y_val,
                                               double=True)}
                if args.simulate:
                    wd = os.path.join(args.out, "sim")
                    os.makedirs(wd, exist_ok=True)
                    s = loop.simulate(m, split.x_test, split.y_test,
                                      orcs[4].target, wd)
                    rec.update(sim_acc=s["sim_acc"], sim_agree=s["agree"])
                rec["seconds"] = time.perf_counter() - t0
                cache[key] = rec
                with open(cache_path, "a") as f:
                    f.write(json.dumps(rec) + "\n")
                print(f"seed {seed} {rname} {pname}: test {rec['test_acc']:.2f} "
                      f"val {rec['val_acc']:.2f} "
                      f"{'sim %.2f' % rec['sim_acc'] if 'sim_acc' in rec else ''}"
                      f" ({rec['seconds']:.0f} s)", file=sys.stderr, flush=True)
    table(args, seeds, policies, recipes, cache, ratio)


def _ms(v):
    if not v:
        return "-"
    if len(v) == 1:
        return f"{v[0]:.2f}"
    return f"{statistics.mean(v):.2f} +- {statistics.stdev(v):.2f}"


def table(args, seeds, policies, recipes, cache, ratio):
    def runs(p, r):
        out = {}
        for key, rec in cache.items():
            k = json.loads(key)
            if (k[0] in seeds and k[1] == args.float_epochs
                    and k[2] == args.float_lr and k[3] == pstr(p) and k[4] == r):
                out[k[0]] = rec
        return out

    fl = {}
    print(f"seeds {','.join(map(str, seeds))}; accuracy: mean +- sample std "
          f"over seeds (test set, float64 fake-quant = simulator)")
    print("| recipe | policy | cell4 ratio | cell2 ratio | n | test acc | "
          "val acc | loss vs W8A8 (mean, worst seed) | cim-sim acc |")
    print("|---|---|---|---|---|---|---|---|---|")
    for rname, r in recipes:
        base = runs(policies[0][1], r)
        for pname, p in policies:
            got = runs(p, r)
            for s, rec in got.items():
                fl[s] = rec["float_acc"]
            test = [got[s]["test_acc"] for s in seeds if s in got]
            val = [got[s]["val_acc"] for s in seeds if s in got]
            loss = [base[s]["test_acc"] - got[s]["test_acc"]
                    for s in seeds if s in got and s in base]
            sim = [got[s]["sim_acc"] for s in seeds if "sim_acc" in got.get(s, {})]
            ls = (f"{statistics.mean(loss):+.2f}, worst {max(loss):+.2f}"
                  if loss else "-")
            print(f"| {rname} | {pstr(p)} | {1 / ratio[(4, pstr(p))]:.2f}x | "
                  f"{1 / ratio[(2, pstr(p))]:.2f}x | {len(test)} | {_ms(test)} | "
                  f"{_ms(val)} | {ls} | {_ms(sim)} |")
    print(f"float: {_ms([fl[s] for s in seeds if s in fl])}")


if __name__ == "__main__":
    main()
