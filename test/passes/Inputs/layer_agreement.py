#!/usr/bin/env python3
"""Checks that two cim-estimate JSON reports of one model agree layer by layer,
and that every layer's cost is the reference model's.

    layer_agreement.py LINALG.json CIM.json

LINALG.json is cim-estimate on the linalg (integer or QDQ) model, CIM.json on
the same model after convert-linalg-to-cim: the layer table the estimator
reads (lib/ir/LayerOps.def) must give the same layers as the converter
lowers. Every field must be equal (name, kind, in_dim, out_dim, invocations,
repeat, bits, every cost). Independently of the compiler, each layer's tiles,
writes, MVM cycles and latency are recomputed from its shape and bits with
the reference formula of the product brief ("The target description"):

    slices = ceil(w_bits / cell_bits); columns = out_dim * slices * 2
    tiles = ceil(columns / cols) * ceil(in_dim / rows)   (per weight matrix)
    writes = tiles * repeat
    MVMs = invocations * tiles * ceil(a_bits / dac_bits) * repeat
    latency = writes * t_write + MVMs * t_mvm

(differential columns, no OU limit, no ADC / digital / buffer time: the
script refuses other targets). Prints one line per layer with its shape, for
FileCheck to compare with hand-derived numbers. Standard library only.
"""
import json
import sys


def ceil_div(a, b):
    return -(-a // b)


def reference(layer, t):
    slices = ceil_div(layer["w_bits"], t["cell_bits"])
    columns = layer["out_dim"] * slices * 2
    tiles = ceil_div(columns, t["cols"]) * ceil_div(layer["in_dim"], t["rows"])
    planes = ceil_div(layer["a_bits"], t["dac_bits"])
    writes = tiles * layer["repeat"]
    mvms = layer["invocations"] * tiles * planes * layer["repeat"]
    latency_ps = (writes * t["t_write_ns"] + mvms * t["t_mvm_ns"]) * 1000
    return {"tiles": tiles, "writes": writes, "mvm_cycles": mvms,
            "latency_ps": latency_ps}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    a = json.load(open(sys.argv[1]))
    b = json.load(open(sys.argv[2]))
    t = a["target"]
    if (t["weight_mapping"] != "differential-column" or t["ou_rows"] < t["rows"]
            or any(t[k] for k in ("t_adc_ns", "t_digital_ns", "t_buffer_ns"))):
        sys.exit("layer_agreement.py: the reference formula needs differential "
                 "columns, no OU limit and no ADC/digital/buffer time")
    la, lb = a["layers"], b["layers"]
    if len(la) != len(lb):
        sys.exit("layer count differs: %d in %s, %d in %s"
                 % (len(la), sys.argv[1], len(lb), sys.argv[2]))
    for i, (x, y) in enumerate(zip(la, lb)):
        if x != y:
            keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
            sys.exit("layer %d (%s) differs in %s: %s vs %s"
                     % (i, x.get("name"), ", ".join(keys),
                        [x.get(k) for k in keys], [y.get(k) for k in keys]))
        want = reference(x, t)
        got = {k: x["cost"][k] for k in want}
        if got != want:
            sys.exit("layer %d (%s): cost %s, reference formula %s"
                     % (i, x["name"], got, want))
        print("%s %s in=%d out=%d invocations=%d repeat=%d w%da%d" % (
            x["name"], x["kind"], x["in_dim"], x["out_dim"], x["invocations"],
            x["repeat"], x["w_bits"], x["a_bits"]))
    print("%d layers agree and cost the reference formula" % len(la))


if __name__ == "__main__":
    main()
