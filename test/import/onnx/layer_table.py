#!/usr/bin/python3
"""Prints the matrix-vector layer table of a cim-estimate report, or checks
that two reports list the same layers.

  layer_table.py REPORT.json
      one line per layer: kind in_dim out_dim invocations repeat MACs
      (MACs = in_dim * out_dim * invocations * repeat)
  layer_table.py REPORT.json --same OTHER.json
      "N layers equal" when both have the same layers in the same order
      (kind, in_dim, out_dim, invocations, repeat, bits and every cost
      field; names may differ: ONNX node names against hand-written ones),
      else the first difference, exit 1.
"""
import json
import sys

FIELDS = ["kind", "in_dim", "out_dim", "invocations", "repeat", "w_bits",
          "a_bits"]


def rows(path):
    with open(path) as f:
        return json.load(f)["layers"]


def main(argv):
    a = rows(argv[1])
    if len(argv) == 2:
        for l in a:
            macs = l["in_dim"] * l["out_dim"] * l["invocations"] * l["repeat"]
            print(l["kind"], l["in_dim"], l["out_dim"], l["invocations"],
                  l["repeat"], macs)
        print(f"{len(a)} layers")
        return 0
    b = rows(argv[3])
    if len(a) != len(b):
        print(f"layer count differs: {len(a)} against {len(b)}")
        return 1
    for i, (x, y) in enumerate(zip(a, b)):
        for k in FIELDS:
            if x[k] != y[k]:
                print(f"layer {i} ({x['name']} / {y['name']}): {k} {x[k]} "
                      f"against {y[k]}")
                return 1
        if x["cost"] != y["cost"]:
            print(f"layer {i} ({x['name']} / {y['name']}): cost differs")
            return 1
    print(f"{len(a)} layers equal")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
