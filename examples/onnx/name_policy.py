#!/usr/bin/python3
"""Names a published CIM-AQ policy's rows after a model's layers.

The reference system's policies (test/data/cim-aq-policies.json, CIM-AQ's
policy-*.npy) have one row per layer in the order CIM-AQ *builds* its
quantized layers; for ResNet-18 that puts each stage's 1x1 shortcut
convolution before the block, while a model imported from ONNX runs it after
the block's second convolution (docs/onnx.md). Applied by position, such a
policy gives bits to the wrong layers. This script writes the policy with a
name on every row, which cim-opt then matches by name (docs/precision.md,
"Policy files"):

  name_policy.py REPORT PUBLISHED NET POLICY -o OUT.json
  name_policy.py --by-position PUBLISHED NET POLICY -o OUT.json

REPORT     the model's cim-estimate JSON report (its layers' names and
           shapes), e.g.
             cim-opt model.mlir --cim-assign-precision='w-bits=8 a-bits=8' \\
               --cim-estimate='report=REPORT table=' -o /dev/null
PUBLISHED  the published file (test/data/cim-aq-policies.json): policies
           and the layer table ("layer_dimensions") of NET
NET        resnet18, vgg16 or vitb32
POLICY     a policy of PUBLISHED ("resnet18-both_constraints-acc05-rcell4"),
           or a file with rows in the published order (.npy [L, 2] or JSON
           [[w_bits, a_bits], ...])

Row i of the published policy belongs to published layer i, whose shape
(input_dim, output_dim, mvm_invocations, repeat_factor) the layer table
gives. Each model layer, in program order, takes the first unused published
layer of its shape: layers of equal shape keep their relative order in both
orders (a network's blocks are built and run in the same order), and the
layers that move (a shortcut and its block) differ in shape. Any model layer
without a published layer of its shape, or any published layer left over, is
an error. Each output row carries the shape, so cim-opt checks it again.

With --by-position (no REPORT) the rows stay in the published order without
names but with the published shapes: applied to a model whose layers run in
another order, cim-opt then stops at the first layer whose shape differs
instead of giving it another layer's bits.
"""
import argparse
import json
import os
import sys

SHAPE = [("input_dim", "in_dim"), ("output_dim", "out_dim"),
         ("mvm_invocations", "invocations"), ("repeat_factor", "repeat")]


def load_rows(published, policy):
    if policy in published["policies"]:
        return published["policies"][policy]
    if not os.path.exists(policy):
        raise SystemExit(f"name_policy.py: '{policy}' is neither a policy "
                         f"of the published file nor a file")
    if policy.endswith(".npy"):
        import numpy as np
        return np.load(policy).tolist()
    with open(policy) as f:
        return json.load(f)


def name_rows(layers, dims, rows):
    """One named row per model layer (program order), or SystemExit."""
    if len(rows) != len(dims):
        raise SystemExit(f"name_policy.py: the policy has {len(rows)} rows "
                         f"but the published table {len(dims)} layers")
    free = list(range(len(dims)))
    out = []
    for layer in layers:
        shape = tuple(layer[ours] for _, ours in SHAPE)
        match = next((i for i in free
                      if tuple(dims[i][key] for key, _ in SHAPE) == shape),
                     None)
        if match is None:
            raise SystemExit(
                f"name_policy.py: layer '{layer['name']}' has shape "
                f"{dict(zip((k for k, _ in SHAPE), shape))}, which no "
                f"unused published layer has")
        free.remove(match)
        w, a = rows[match]
        row = {"name": layer["name"], "w_bits": w, "a_bits": a}
        row.update((key, dims[match][key]) for key, _ in SHAPE)
        out.append(row)
    if free:
        raise SystemExit(f"name_policy.py: published layers {free} meet no "
                         f"layer of the model")
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--by-position", action="store_true")
    ap.add_argument("files", nargs="+", metavar="REPORT PUBLISHED NET POLICY")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)
    if len(args.files) != (3 if args.by_position else 4):
        ap.error("expected REPORT PUBLISHED NET POLICY, or --by-position "
                 "PUBLISHED NET POLICY")
    published_path, net, policy = args.files[-3:]
    with open(published_path) as f:
        published = json.load(f)
    dims = published["layer_dimensions"][net]
    bits = load_rows(published, policy)
    if args.by_position:
        if len(bits) != len(dims):
            raise SystemExit(f"name_policy.py: the policy has {len(bits)} "
                             f"rows but the published table {len(dims)} "
                             f"layers")
        rows = [dict({"w_bits": w, "a_bits": a},
                     **{key: d[key] for key, _ in SHAPE})
                for (w, a), d in zip(bits, dims)]
    else:
        with open(args.files[0]) as f:
            rows = name_rows(json.load(f)["layers"], dims, bits)
    text = '{"layers": [\n' + ",\n".join(
        "  " + json.dumps(r) for r in rows) + "\n]}\n"
    with open(args.output, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
