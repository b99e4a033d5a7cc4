#!/usr/bin/python3
"""Checks that two cim-estimate reports cost the same layers the same,
whatever their order and names:

  same_costs.py A.json B.json

Each layer is keyed by kind, in_dim, out_dim, invocations, repeat, w_bits
and a_bits; the two reports must hold the same multiset of keys, and layers
with the same key the same cost fields (and the same W8A8 baseline cost,
when there is one). The totals (every field, and the baseline's) must be
equal. Prints "N layers: the same costs per layer and in total; latency L us,
speedup S" (S to three decimals), else the first difference, exit 1.
"""
import json
import sys
from collections import Counter

KEY = ["kind", "in_dim", "out_dim", "invocations", "repeat", "w_bits",
       "a_bits"]


def layers(report):
    return Counter(json.dumps([l[k] for k in KEY] +
                              [l["cost"], l.get("baseline")], sort_keys=True)
                   for l in report["layers"])


def main(argv):
    with open(argv[1]) as f:
        a = json.load(f)
    with open(argv[2]) as f:
        b = json.load(f)
    la, lb = layers(a), layers(b)
    if la != lb:
        print("layers differ: only in", argv[1], list((la - lb).elements())[:1],
              "only in", argv[2], list((lb - la).elements())[:1])
        return 1
    for k in ("total", "baseline_total"):
        if a.get(k) != b.get(k):
            print(f"{k} differs: {a.get(k)} against {b.get(k)}")
            return 1
    latency = a["total"]["latency_ps"] / 1e6
    print(f"{len(a['layers'])} layers: the same costs per layer and in total; "
          f"latency {latency:.3f} us, speedup {a['speedup']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
