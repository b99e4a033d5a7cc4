#!/usr/bin/env python3
"""Compares cim-estimate's cost-model report (on cim IR) with its count of
the lowered program (on xbar IR), layer by layer.

    python3 compare_xbar_counts.py MODEL_REPORT XBAR_REPORT

MODEL_REPORT  cim-estimate report=... on cim IR: each layer's "cost" comes
              from the analytic model (lib/cost.c, docs/target.md)
XBAR_REPORT   cim-estimate report=... on xbar IR: counts read off the
              xbar.write / xbar.mvm / xbar.adc ops ("source": "xbar")

Every layer must have the same name and equal writes, cells written
(model: cells x repeat), MVM cycles,
ADC conversions, row activations, latency and energy. Prints one summary
line; exits 1 naming the first difference.
"""
import json
import sys

FIELDS = [("writes", "writes"), ("mvm_cycles", "mvm_cycles"), ("adc_conversions", "adc_conversions"),
          ("row_activations", "row_activations"),
          ("latency_ps", "latency_ps"), ("energy_fj", "energy_fj")]


def main():
    model = json.load(open(sys.argv[1]))
    xbar = json.load(open(sys.argv[2]))
    if xbar.get("source") != "xbar":
        sys.exit("compare_xbar_counts: the second report is not a count of xbar IR")
    ml, xl = model["layers"], xbar["layers"]
    if len(ml) != len(xl):
        sys.exit(f"compare_xbar_counts: {len(ml)} layers in the model, "
                 f"{len(xl)} in the xbar program")
    for i, (m, x) in enumerate(zip(ml, xl)):
        if m["name"] != x["name"]:
            sys.exit(f"compare_xbar_counts: layer {i} is '{m['name']}' in the "
                     f"model and '{x['name']}' in the xbar program")
        # The model's "cells" is one copy of the layer's weights
        # (include/cim-c/Cost.h); the program writes them `repeat` times
        # (one weight matrix per batch entry / head).
        cells = m["cost"]["cells"] * m["repeat"]
        if cells != x["cells_written"]:
            sys.exit(f"compare_xbar_counts: layer {i} ('{m['name']}'): "
                     f"cells_written is {x['cells_written']} in the xbar "
                     f"program, the model says {cells} (cells x repeat)")
        for mk, xk in FIELDS:
            if m["cost"][mk] != x[xk]:
                sys.exit(f"compare_xbar_counts: layer {i} ('{m['name']}'): "
                         f"{xk} is {x[xk]} in the xbar program, the model "
                         f"says {m['cost'][mk]}")
    print(f"{len(ml)} layers: xbar counts equal the cost model")


if __name__ == "__main__":
    main()
