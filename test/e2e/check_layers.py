#!/usr/bin/env python3
"""Compares a cim-estimate JSON report with the published reference layer table.

    python3 check_layers.py REPORT REFERENCE NET [--policy NAME]
                            [--speedup NAME EXPECTED]

REPORT     the file written by `cim-opt --cim-estimate='report=REPORT ...'`
REFERENCE  cim-aq-policies.json (test/data/ or shared/reference/)
NET        resnet18, vgg16 or vitb32: which "layer_dimensions" table to use

Layer i of the report must be row i of the reference table: same kind
(reference Conv2D / Dense / MatMul = report conv2d / dense / matmul), in_dim,
out_dim, invocations and repeat, and the two tables have the same length.

--policy NAME   additionally, every layer's w_bits / a_bits equal row i of
                the published policy NAME, and when the report has an overall
                "speedup" it equals, to three decimals, the reference cost
                model's speedup over W8A8 computed here from the reference
                table (an independent computation of the published formula,
                256x256 crossbars, 1-bit DACs, cell bits from NAME's rcellN).
--speedup NAME EXPECTED
                as --policy NAME, and the report's overall "speedup" printed
                with three decimals is EXPECTED (a published figure, or one
                computed independently from the reference table).

Prints one summary line per check on success. Exits 1 naming the first
mismatch, 2 on unusable input.
"""

import argparse
import json
import math
import sys

KINDS = {"Conv2D": "conv2d", "Dense": "dense", "MatMul": "matmul"}
FIELDS = [("in_dim", "input_dim"), ("out_dim", "output_dim"),
          ("invocations", "mvm_invocations"), ("repeat", "repeat_factor")]

# The published cost model (DATE 2026 reference system): 256x256 crossbars,
# differential columns, 1-bit DACs, 56 us per crossbar write, 1.4 us per MVM.
ROWS, COLS, T_WRITE_NS, T_MVM_NS = 256, 256, 56000, 1400


def fail(msg, code=1):
    print(f"check_layers: {msg}", file=sys.stderr)
    sys.exit(code)


def load(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(f"cannot read the {what} '{path}': {e}", 2)


def describe_ref(r):
    return (f"{r['type']} out_dim {r['output_dim']} in_dim {r['input_dim']} "
            f"invocations {r['mvm_invocations']} repeat {r['repeat_factor']}")


def reference_latency_ns(table, rows, cell_bits):
    """Latency of the whole network in ns under the published formula."""
    total = 0
    for layer, (w, a) in zip(table, rows):
        slices = math.ceil(w / cell_bits)
        columns = layer["output_dim"] * slices * 2
        tiles = (math.ceil(columns / COLS) *
                 math.ceil(layer["input_dim"] / ROWS))
        repeat = layer["repeat_factor"]
        mvms = layer["mvm_invocations"] * tiles * a * repeat
        total += tiles * repeat * T_WRITE_NS + mvms * T_MVM_NS
    return total


def check_shapes(report, table, net):
    layers = report.get("layers")
    if not isinstance(layers, list):
        fail("the report has no \"layers\" array", 2)
    for i, (got, want) in enumerate(zip(layers, table)):
        name = got.get("name", "?")
        kind = KINDS.get(want["type"], want["type"])
        if got.get("kind") != kind:
            fail(f"{net} layer {i} ('{name}'): kind is {got.get('kind')}, "
                 f"the reference says {kind} ({describe_ref(want)})")
        for ours, theirs in FIELDS:
            if got.get(ours) != want[theirs]:
                fail(f"{net} layer {i} ('{name}'): {ours} is {got.get(ours)}, "
                     f"the reference says {want[theirs]} ({describe_ref(want)})")
    if len(layers) != len(table):
        extra = (f"first extra layer: '{layers[len(table)].get('name', '?')}'"
                 if len(layers) > len(table) else
                 f"first missing reference row {len(layers)}: "
                 f"{describe_ref(table[len(layers)])}")
        fail(f"{net}: the report has {len(layers)} layers, the reference "
             f"has {len(table)}; {extra}")
    print(f"{net}: {len(layers)} layers match the reference table")


def check_policy(report, reference, net, name):
    policies = reference["policies"]
    if name not in policies:
        fail(f"no policy '{name}' in the reference", 2)
    if not name.startswith(net + "-"):
        fail(f"policy '{name}' is not a {net} policy", 2)
    rows = policies[name]
    for i, (got, (w, a)) in enumerate(zip(report["layers"], rows)):
        if (got.get("w_bits"), got.get("a_bits")) != (w, a):
            fail(f"{net} layer {i} ('{got.get('name', '?')}'): bits are "
                 f"W{got.get('w_bits')}A{got.get('a_bits')}, policy {name} "
                 f"row {i} says W{w}A{a}")
    print(f"{name}: {len(rows)} layers carry the policy's bits")
    if "speedup" in report:
        cell_bits = int(name.rsplit("rcell", 1)[1])
        table = reference["layer_dimensions"][net]
        model = (reference_latency_ns(table, [[8, 8]] * len(table), cell_bits) /
                 reference_latency_ns(table, rows, cell_bits))
        if f"{report['speedup']:.3f}" != f"{model:.3f}":
            fail(f"{name}: the report's speedup is {report['speedup']:.6f}, "
                 f"the reference model gives {model:.6f}")
        print(f"{name}: speedup {model:.3f} equals the reference model")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report")
    ap.add_argument("reference")
    ap.add_argument("net")
    ap.add_argument("--policy", metavar="NAME")
    ap.add_argument("--speedup", nargs=2, metavar=("NAME", "EXPECTED"))
    args = ap.parse_args()
    report = load(args.report, "report")
    reference = load(args.reference, "reference")
    tables = reference.get("layer_dimensions", {})
    if args.net not in tables:
        fail(f"no network '{args.net}' in the reference "
             f"(have: {', '.join(sorted(tables))})", 2)
    check_shapes(report, tables[args.net], args.net)
    if args.policy:
        check_policy(report, reference, args.net, args.policy)
    if args.speedup:
        name, expected = args.speedup
        check_policy(report, reference, args.net, name)
        if "speedup" not in report:
            fail(f"{name}: the report has no overall \"speedup\" "
                 f"(run cim-estimate with baseline=w8a8)")
        got = f"{report['speedup']:.3f}"
        if got != expected:
            fail(f"{name}: the report's speedup is {report['speedup']:.6f} "
                 f"({got}), expected {expected}")
        print(f"{name}: speedup {got} as expected")


if __name__ == "__main__":
    main()
