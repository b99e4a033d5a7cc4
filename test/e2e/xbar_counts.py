#!/usr/bin/env python3
"""Counts on the lowered crossbar program equal the cost model (issue 5, item 7).

For every reference policy (test/e2e/Inputs/<network>-<policy>.json, rows
[w_bits, a_bits]) this script writes a cim module with one layer per
reference layer (test/data/cim-aq-policies.json: type, input_dim, output_dim,
mvm_invocations, repeat_factor) at the policy's bits, with integer splat
weights, and runs in ONE cim-opt process

    --cim-estimate (cost model on cim)  --cim-tile --cim-bitslice
    --convert-cim-to-xbar  --cim-estimate (counts read off the xbar ops)

Then, per layer: every count of the xbar report (writes, cells, MVM cycles,
row activations, ADC conversions, latency, energy) must equal the model's,
and writes and MVM cycles must also equal the brief's formula computed here:
slices = ceil(w / cell_bits); columns = out * slices * 2; tiles =
ceil(columns / cols) * ceil(in / rows); writes = tiles * repeat;
MVMs = invocations * tiles * ceil(a / dac_bits) * repeat.

Usage: xbar_counts.py CIM_OPT SRC_ROOT WORK_DIR
"""

import json
import math
import os
import subprocess
import sys
import time


def kernel_for(in_dim, first):
    """A square kernel whose size divides in_dim into channels (any choice
    gives the same crossbar layer; these are the networks' own)."""
    for k in (32, 7, 3):
        if in_dim % (k * k) == 0 and in_dim // (k * k) == 3:
            return k
    if not first and in_dim % 9 == 0:
        return 3
    return 1


def layer_text(i, net, d, wb, ab):
    name = "%s.%d" % (net, i)
    attrs = ('a_bits = %d : i64, a_signed = true, layer = 0 : i64, '
             'w_bits = %d : i64, w_signed = true' % (ab, wb))
    inv, k, n, rep = (d["mvm_invocations"], d["input_dim"], d["output_dim"],
                      d["repeat_factor"])
    if d["type"] == "MatMul":
        # Attention: both operands activations, one product per head.
        return ('func.func @l%d(%%a: tensor<%dx%dx%dxi8>, %%w: tensor<%dx%dx%dxi8>) '
                '-> tensor<%dx%dx%dxi32> {\n'
                '  %%r = "cim.matmul"(%%a, %%w) {%s, weights = "dynamic"} '
                ': (tensor<%dx%dx%dxi8>, tensor<%dx%dx%dxi8>) -> tensor<%dx%dx%dxi32> '
                'loc("%s")\n  return %%r : tensor<%dx%dx%dxi32>\n}\n'
                % (i, rep, inv, k, rep, k, n, rep, inv, n, attrs, rep, inv, k,
                   rep, k, n, rep, inv, n, name, rep, inv, n))
    assert rep == 1
    if d["type"] == "Dense":
        return ('func.func @l%d(%%a: tensor<%dx%dxi8>) -> tensor<%dx%dxi32> {\n'
                '  %%w = arith.constant dense<1> : tensor<%dx%dxi8>\n'
                '  %%r = "cim.matmul"(%%a, %%w) {%s, weights = "static"} '
                ': (tensor<%dx%dxi8>, tensor<%dx%dxi8>) -> tensor<%dx%dxi32> '
                'loc("%s")\n  return %%r : tensor<%dx%dxi32>\n}\n'
                % (i, inv, k, inv, n, k, n, attrs, inv, k, k, n, inv, n, name,
                   inv, n))
    # Conv2D: non-overlapping kxk patches (stride k) over an oh x ow map.
    kk = kernel_for(k, i == 0)
    c = k // (kk * kk)
    oh = int(math.isqrt(inv))
    ow = inv // oh
    assert oh * ow == inv
    x = "1x%dx%dx%dxi8" % (c, oh * kk, ow * kk)
    w = "%dx%dx%dx%dxi8" % (n, c, kk, kk)
    r = "1x%dx%dx%dxi32" % (n, oh, ow)
    return ('func.func @l%d(%%x: tensor<%s>) -> tensor<%s> {\n'
            '  %%w = arith.constant dense<1> : tensor<%s>\n'
            '  %%r = "cim.conv2d"(%%x, %%w) {%s, weights = "static", '
            'dilations = array<i64: 1, 1>, groups = 1 : i64, '
            'layout = "nchw_fchw", pad_value = 0 : i64, '
            'padding = array<i64: 0, 0, 0, 0>, strides = array<i64: %d, %d>} '
            ': (tensor<%s>, tensor<%s>) -> tensor<%s> loc("%s")\n'
            '  return %%r : tensor<%s>\n}\n'
            % (i, x, r, w, attrs, kk, kk, x, w, r, name, r))


def formula(d, wb, ab, cell_bits):
    """The brief's reference model (256x256, differential column, 1-bit DAC)."""
    slices = -(-wb // cell_bits)
    columns = d["output_dim"] * slices * 2
    tiles = -(-columns // 256) * -(-d["input_dim"] // 256)
    writes = tiles * d["repeat_factor"]
    mvms = d["mvm_invocations"] * tiles * ab * d["repeat_factor"]
    return writes, mvms


def main():
    cim_opt, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    ref = json.load(open(os.path.join(src, "test/data/cim-aq-policies.json")))
    inputs = os.path.join(src, "test/e2e/Inputs")
    failures, layers_checked = 0, 0
    started = time.time()
    for policy in sorted(ref["policies"]):
        net = policy.split("-")[0]
        rows = json.load(open(os.path.join(inputs, policy + ".json")))
        dims = ref["layer_dimensions"][net]
        assert len(rows) == len(dims), policy
        cell_bits = 2 if policy.endswith("rcell2") else 4
        target = os.path.join(src, "examples/targets",
                              "reference-2bit-cells.json" if cell_bits == 2
                              else "reference.json")
        module = "".join(layer_text(i, net, d, wb, ab)
                         for i, (d, (wb, ab)) in enumerate(zip(dims, rows)))
        path = os.path.join(work, policy + ".mlir")
        with open(path, "w") as f:
            f.write("module {\n" + module + "}\n")
        model = os.path.join(work, policy + ".model.json")
        xbar = os.path.join(work, policy + ".xbar.json")
        t = "target=" + target
        out = subprocess.run(
            [cim_opt, path,
             "--cim-estimate=%s report=%s table=" % (t, model),
             "--cim-tile=" + t, "--cim-bitslice=" + t,
             "--convert-cim-to-xbar=" + t,
             "--cim-estimate=%s report=%s table=" % (t, xbar),
             "-o", os.devnull], capture_output=True, text=True)
        if out.returncode != 0:
            print("%s: cim-opt failed:\n%s" % (policy, out.stderr))
            failures += 1
            continue
        # The model's `cells` is one copy of the weights; every copy
        # (repeat) is written.
        mrep = [dict(l["cost"], name=l["name"],
                     cells_written=l["cost"]["cells"] * l["repeat"])
                for l in json.load(open(model))["layers"]]
        xrep = json.load(open(xbar))
        assert xrep["source"] == "xbar"
        xrep = xrep["layers"]
        if len(mrep) != len(dims) or len(xrep) != len(dims):
            print("%s: %d model layers, %d xbar layers, %d reference layers"
                  % (policy, len(mrep), len(xrep), len(dims)))
            failures += 1
            continue
        for i, (m, x, d, (wb, ab)) in enumerate(zip(mrep, xrep, dims, rows)):
            layers_checked += 1
            name = "%s.%d" % (net, i)
            if m["name"] != name or x["name"] != name:
                print("%s: layer %d named %s / %s" % (policy, i, m["name"],
                                                      x["name"]))
                failures += 1
            for key in ("writes", "cells_written", "mvm_cycles",
                        "row_activations", "adc_conversions", "latency_ps", "energy_fj"):
                if m[key] != x[key]:
                    print("%s layer %s: %s model %d, xbar IR %d"
                          % (policy, name, key, m[key], x[key]))
                    failures += 1
            fw, fm = formula(d, wb, ab, cell_bits)
            if (x["writes"], x["mvm_cycles"]) != (fw, fm):
                print("%s layer %s: formula writes %d MVMs %d, xbar IR %d %d"
                      % (policy, name, fw, fm, x["writes"], x["mvm_cycles"]))
                failures += 1
    print("xbar counts: %d policies, %d layers, %d mismatches, %.1f s"
          % (len(ref["policies"]), layers_checked, failures,
             time.time() - started))
    sweep_layers, sweep_failures = sweep(cim_opt, work)
    print("xbar counts sweep: %d targets, %d layers, %d mismatches"
          % (len(SWEEP_TARGETS), sweep_layers, sweep_failures))
    return 1 if failures or sweep_failures else 0


# Targets beyond the reference one: (rows, cols, cell_bits, dac_bits,
# adc_bits, mapping, ou_rows). Every mapping, ragged tiles, OU sub-cycles,
# multi-bit DACs, a finite ADC.
SWEEP_TARGETS = [
    (256, 256, 4, 1, 0, "differential-row", 256),
    (256, 256, 4, 1, 0, "offset", 256),
    (64, 48, 2, 1, 8, "differential-column", 16),
    (64, 48, 3, 2, 0, "differential-row", 7),
    (33, 17, 1, 1, 0, "offset", 33),
    (128, 96, 2, 2, 6, "offset", 40),
    (16, 16, 4, 1, 0, "differential-column", 5),
]

# (kind, in_dim, out_dim, invocations, repeat, w_bits, a_bits, a_signed)
SWEEP_LAYERS = [
    ("Dense", 300, 70, 3, 1, 8, 7, True),
    ("Dense", 1, 1, 1, 1, 1, 1, True),
    ("Dense", 37, 5, 2, 1, 3, 5, True),
    ("Dense", 129, 33, 4, 1, 5, 4, False),
    ("Conv2D", 27, 16, 16, 1, 4, 3, True),
    ("MatMul", 20, 9, 6, 3, 6, 8, False),
]


def sweep(cim_opt, work):
    checked, failures = 0, 0
    for ti, tgt in enumerate(SWEEP_TARGETS):
        rows, cols, cell, dac, adc, mapping, ou = tgt
        attr = ('#cim.target<%d, %d, %d, %d, %d, "%s", "twos-complement", 1, '
                '%d, 1, 56000000, 1400000, 3000, 0, 0, 70, 11, 13, 0, 0>'
                % (rows, cols, cell, dac, adc, mapping, ou))
        body = []
        for i, (kind, k, n, inv, rep, wb, ab, asg) in enumerate(SWEEP_LAYERS):
            d = {"type": kind, "input_dim": k, "output_dim": n,
                 "mvm_invocations": inv, "repeat_factor": rep}
            text = layer_text(i, "sweep", d, wb, ab)
            if not asg:
                text = text.replace("a_signed = true", "a_signed = false")
            body.append(text)
        path = os.path.join(work, "sweep%d.mlir" % ti)
        with open(path, "w") as f:
            f.write("module attributes {cim.target = %s} {\n%s}\n"
                    % (attr, "".join(body)))
        model = os.path.join(work, "sweep%d.model.json" % ti)
        xbar = os.path.join(work, "sweep%d.xbar.json" % ti)
        out = subprocess.run(
            [cim_opt, path, "--cim-estimate=report=%s table=" % model,
             "--cim-tile", "--cim-bitslice", "--convert-cim-to-xbar",
             "--cim-estimate=report=%s table=" % xbar, "-o", os.devnull],
            capture_output=True, text=True)
        if out.returncode != 0:
            print("sweep target %s: cim-opt failed:\n%s" % (tgt, out.stderr))
            failures += 1
            continue
        mrep = [dict(l["cost"], cells_written=l["cost"]["cells"] * l["repeat"])
                for l in json.load(open(model))["layers"]]
        xrep = json.load(open(xbar))["layers"]
        if len(mrep) != len(SWEEP_LAYERS) or len(xrep) != len(SWEEP_LAYERS):
            print("sweep target %s: layer counts differ" % (tgt,))
            failures += 1
            continue
        for i, (m, x) in enumerate(zip(mrep, xrep)):
            checked += 1
            for key in ("writes", "cells_written", "mvm_cycles",
                        "row_activations", "adc_conversions", "latency_ps",
                        "energy_fj"):
                if m[key] != x[key]:
                    print("sweep target %s layer %d: %s model %d, xbar IR %d"
                          % (tgt, i, key, m[key], x[key]))
                    failures += 1
    return checked, failures


if __name__ == "__main__":
    sys.exit(main())
