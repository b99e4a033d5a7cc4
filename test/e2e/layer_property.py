#!/usr/bin/env python3
"""Randomized single-layer property test through the real compiler (issue 6.4).

Generates (fixed seed, standard library only) single-layer integer models --
one `linalg.matmul` of an activation tensor<MxKxiA> (a function argument) and
a constant weight tensor<KxNxiW>, signed or `cast_unsigned` -- for a family of
targets covering cell bits 1..4, DAC bits 1..2, every weight mapping and input
encoding, crossbars smaller than K and N (tiled layers, down to 2x2) and OU
limits. For every target the accepted cases are one module that goes through

  cim-opt --convert-linalg-to-cim --cim-estimate --cim-tile --cim-bitslice
          --convert-cim-to-xbar            (target= on every pass)
  cim-translate --mlir-to-cim-bin --entry=CASE --target=T
  cim-sim P.bin --input arg0=RANDOM.npy --report R.json

and each case's output must equal a plain nested-loop integer product computed
here (no compiler or simulator code), and cim-sim's measured writes, cells,
MVM cycles, row activations, ADC conversions and latency must equal
cim-estimate's model for the same layer and target. Cases the passes reject by
design (signed activations on an `unsigned` input encoding;
docs/passes.md, cim-bitslice) are
compiled too, one chunk each, and must fail with exactly that diagnostic.

Prints one summary line; exits non-zero naming the case on any mismatch.

  layer_property.py --build DIR --work DIR [--cases-per-target N] [--seed S]
                    [--self-test-corrupt] [--unsigned-range full|low]
"""
import argparse
import concurrent.futures
import json
import os
import random
import re
import struct
import subprocess
import sys

MAPPINGS = ["differential-column", "differential-row", "offset"]
ENCODINGS = ["twos-complement", "unsigned", "offset"]
# (rows, cols): tiny, smaller than typical K/N (forces row and column tiles),
# odd shapes, and the reference 256x256.
SIZES = [(2, 2), (3, 4), (4, 6), (5, 3), (8, 8), (6, 10), (16, 16), (256, 256)]


# --------------------------------------------------------------------------
# .npy without NumPy (the format of test/tools/cim-sim/Inputs/npy.py).

def write_npy(path, shape, values):
    shape_repr = "(" + "".join("%d, " % d for d in shape).rstrip(" ") + ")"
    if len(shape) > 1:
        shape_repr = shape_repr.replace(",)", ")")
    header = "{'descr': '|i1', 'fortran_order': False, 'shape': %s, }" % shape_repr
    total = 10 + len(header) + 1
    header += " " * ((64 - total % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(struct.pack("<%db" % len(values), *values))


def read_npy(path):
    import ast
    data = open(path, "rb").read()
    assert data[:6] == b"\x93NUMPY", "bad magic"
    (hlen,) = struct.unpack("<H", data[8:10])
    header = ast.literal_eval(data[10:10 + hlen].decode("latin1"))
    fmt = {"|i1": "b", "<i2": "h", "<i4": "i", "<i8": "q"}[header["descr"]]
    count = 1
    for d in header["shape"]:
        count *= d
    return tuple(header["shape"]), list(
        struct.unpack_from("<%d%s" % (count, fmt), data, 10 + hlen))


# --------------------------------------------------------------------------
# Case generation.

def value_range(bits, signed):
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def make_targets(rng):
    targets = []
    i = 0
    for mapping in MAPPINGS:
        for enc in ENCODINGS:
            for dac in (1, 2):
                rows, cols = SIZES[i % len(SIZES)]
                t = {"rows": rows, "cols": cols, "cell_bits": 1 + i % 4,
                     "dac_bits": dac, "weight_mapping": mapping,
                     "input_encoding": enc}
                if i % 3 != 0 and rows > 1:  # an OU limit below the rows
                    t["ou_rows"] = rng.randint(1, rows - 1)
                targets.append(t)
                i += 1
    return targets


def expected_rejection(t, a_signed, a_bits):
    """The documented cim-bitslice diagnostic for this layer, or None."""
    if a_signed and t["input_encoding"] == "unsigned":
        return "has signed activations but the target's input encoding is 'unsigned'"
    return None


def make_cases(rng, targets, per_target, unsigned_range):
    cases = []
    n = 0
    for ti, t in enumerate(targets):
        for j in range(per_target):
            w_bits = 1 + n % 8
            a_bits = 1 + (n * 3 + n // 8) % 8
            signed = (n // 2) % 2 == 0
            m = rng.randint(1, 3)
            k = rng.randint(1, 12)
            nn = rng.randint(1, 7)
            wlo, whi = value_range(w_bits, signed)
            alo, ahi = value_range(a_bits, signed)
            if not signed and unsigned_range == "low":  # see --unsigned-range
                ahi = (1 << (a_bits - 1)) - 1
                whi = (1 << (w_bits - 1)) - 1
            w = [[rng.randint(wlo, whi) for _ in range(nn)] for _ in range(k)]
            a = [[rng.randint(alo, ahi) for _ in range(k)] for _ in range(m)]
            # Extremes matter most: put the corners in when the shape allows.
            if k >= 2 and nn >= 1:
                w[0][0], w[1 % k][0] = wlo, whi
            a[0][0] = alo if m * k == 1 or rng.random() < 0.5 else ahi
            name = "case_%d" % n
            cases.append({"name": name, "target": ti, "m": m, "k": k, "n": nn,
                          "w_bits": w_bits, "a_bits": a_bits, "signed": signed,
                          "w": w, "a": a,
                          "reject": expected_rejection(t, signed, a_bits)})
            n += 1
    return cases


def literal(v, bits):
    """An iN dense element: i1 as true/false, unsigned values above the
    signed range as their two's complement bit pattern."""
    if bits == 1:
        return "true" if v != 0 else "false"
    if v >= 1 << (bits - 1):
        v -= 1 << bits
    return str(v)


def case_mlir(c):
    m, k, n, wb, ab = c["m"], c["k"], c["n"], c["w_bits"], c["a_bits"]
    wlit = "[" + ", ".join("[" + ", ".join(literal(v, wb) for v in row) + "]"
                           for row in c["w"]) + "]"
    cast = "" if c["signed"] else " {cast = #linalg.type_fn<cast_unsigned>}"
    return (
        "func.func @%(nm)s(%%a: tensor<%(m)dx%(k)dxi%(ab)d>) -> tensor<%(m)dx%(n)dxi32> {\n"
        "  %%w = arith.constant dense<%(wlit)s> : tensor<%(k)dx%(n)dxi%(wb)d>\n"
        "  %%z = arith.constant dense<0> : tensor<%(m)dx%(n)dxi32>\n"
        "  %%r = linalg.matmul%(cast)s ins(%%a, %%w : tensor<%(m)dx%(k)dxi%(ab)d>, "
        "tensor<%(k)dx%(n)dxi%(wb)d>) outs(%%z : tensor<%(m)dx%(n)dxi32>) "
        "-> tensor<%(m)dx%(n)dxi32> loc(\"%(nm)s\")\n"
        "  return %%r : tensor<%(m)dx%(n)dxi32>\n}\n"
        % dict(nm=c["name"], m=m, k=k, n=n, ab=ab, wb=wb, wlit=wlit, cast=cast))


def reference(c):
    """Independent exact product: plain nested loops over Python integers."""
    out = []
    for i in range(c["m"]):
        row = []
        for j in range(c["n"]):
            s = 0
            for kk in range(c["k"]):
                s += c["a"][i][kk] * c["w"][kk][j]
            row.append(s)
        out.append(row)
    return out


# --------------------------------------------------------------------------
# Running one target.

def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


COST_FIELDS = [("writes", "writes"), ("cells", "cells_written"),
               ("mvm_cycles", "mvm_cycles"), ("row_activations", "row_activations"),
               ("adc_conversions", "adc_conversions"), ("latency_ps", "latency_ps")]


def run_target(ti, t, cases, args, tools):
    """Returns a list of failure strings (empty: all good)."""
    fails = []
    d = os.path.join(args.work, "t%d" % ti)
    os.makedirs(d, exist_ok=True)
    tpath = os.path.join(d, "target.json")
    with open(tpath, "w") as f:
        json.dump(t, f)
    tdesc = json.dumps(t, sort_keys=True)
    opt_passes = ["--convert-linalg-to-cim",
                  "--cim-tile=target=" + tpath, "--cim-bitslice=target=" + tpath,
                  "--convert-cim-to-xbar=target=" + tpath]

    # Rejected by design: one chunk each, every chunk must fail with its
    # diagnostic at its layer (named by loc).
    rejected = [c for c in cases if c["reject"]]
    if rejected:
        src = os.path.join(d, "rejected.mlir")
        with open(src, "w") as f:
            f.write("\n// -----\n".join(case_mlir(c) for c in rejected))
        rc, _, err = run([tools["opt"], src, "--split-input-file"] + opt_passes
                         + ["-o", os.devnull])
        if rc == 0:
            fails.append("target %s: rejected cases compiled without error" % tdesc)
        for c in rejected:
            pat = re.compile(r'error: loc\("%s"\): cim-bitslice: layer 0\b.*%s'
                             % (re.escape(c["name"]), re.escape(c["reject"])))
            if not any(pat.search(line) for line in err.splitlines()):
                fails.append("%s (target %s): expected rejection '%s', got:\n%s"
                              % (c["name"], tdesc, c["reject"], err))

    accepted = [c for c in cases if not c["reject"]]
    if not accepted:
        return fails
    src = os.path.join(d, "accepted.mlir")
    with open(src, "w") as f:
        f.write("\n".join(case_mlir(c) for c in accepted))
    xbar = os.path.join(d, "xbar.mlir")
    est = os.path.join(d, "estimate.json")
    rc, _, err = run([tools["opt"], src, opt_passes[0],
                      "--cim-estimate=target=%s report=%s table=" % (tpath, est)]
                     + opt_passes[1:] + ["-o", xbar])
    if rc != 0:
        return fails + ["target %s: cim-opt failed on %s:\n%s" % (tdesc, src, err)]
    model = {l["name"]: l["cost"] for l in json.load(open(est))["layers"]}

    for c in accepted:
        nm = c["name"]
        where = "%s (target %s, M=%d K=%d N=%d w%d a%d %s)" % (
            nm, tdesc, c["m"], c["k"], c["n"], c["w_bits"], c["a_bits"],
            "signed" if c["signed"] else "unsigned")
        binp = os.path.join(d, nm + ".bin")
        rc, _, err = run([tools["translate"], "--mlir-to-cim-bin", "--entry=" + nm,
                          "--target=" + tpath, xbar, "-o", binp])
        if rc != 0:
            fails.append("%s: cim-translate failed:\n%s" % (where, err))
            continue
        npy = os.path.join(d, nm + ".a.npy")
        # int8 holds the iA storage; an unsigned value is its bit pattern.
        ab = c["a_bits"]
        write_npy(npy, (c["m"], c["k"]),
                  [v - (1 << ab) if v >= 1 << (ab - 1) else v
                   for row in c["a"] for v in row])
        out = os.path.join(d, nm + ".out")
        os.makedirs(out, exist_ok=True)
        rep = os.path.join(d, nm + ".report.json")
        rc, _, err = run([tools["sim"], binp, "--input", "arg0=" + npy,
                          "--output-dir", out, "--report", rep, "--quiet"])
        if rc != 0:
            fails.append("%s: cim-sim failed (input %s):\n%s" % (where, c["a"], err))
            continue
        shape, got = read_npy(os.path.join(out, "result0.npy"))
        want = reference(c)
        if args.self_test_corrupt and c is accepted[0] and ti == 0:
            want[0][0] += 1
        flat = [v for row in want for v in row]
        if shape != (c["m"], c["n"]) or got != flat:
            fails.append("%s: output mismatch\n  a = %s\n  w = %s\n  cim-sim   %s %s\n"
                         "  reference %s" % (where, c["a"], c["w"], shape, got, flat))
        total = json.load(open(rep))["total"]
        cost = model.get(nm)
        if cost is None:
            fails.append("%s: cim-estimate has no layer named %s" % (where, nm))
            continue
        for ek, sk in COST_FIELDS:
            if cost[ek] != total[sk]:
                fails.append("%s: cost mismatch: cim-estimate %s = %d, cim-sim %s = %d"
                             % (where, ek, cost[ek], sk, total[sk]))
    return fails


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True, help="build directory")
    ap.add_argument("--work", required=True, help="scratch directory")
    ap.add_argument("--seed", type=int, default=20240606)
    ap.add_argument("--cases-per-target", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--self-test-corrupt", action="store_true",
                    help="add 1 to one reference element: the run must fail")
    ap.add_argument("--unsigned-range", choices=["full", "low"], default="full",
                    help="values of unsigned activations and weights: 'full' = "
                         "[0, 2^b - 1]; 'low' = [0, 2^(b-1) - 1], i.e. without the "
                         "top bit (diagnosis only: it avoids the storage values "
                         "that signless iB buffers show as negative)")
    args = ap.parse_args()
    tools = {"opt": os.path.join(args.build, "tools", "cim-opt", "cim-opt"),
             "translate": os.path.join(args.build, "tools", "cim-translate", "cim-translate"),
             "sim": os.path.join(args.build, "tools", "cim-sim", "cim-sim")}
    os.makedirs(args.work, exist_ok=True)

    rng = random.Random(args.seed)
    targets = make_targets(rng)
    cases = make_cases(rng, targets, args.cases_per_target, args.unsigned_range)

    # The generator must cover what it promises.
    cover = {"w_bits": set(c["w_bits"] for c in cases),
             "a_bits": set(c["a_bits"] for c in cases),
             "signed": set(c["signed"] for c in cases),
             "cell_bits": set(t["cell_bits"] for t in targets),
             "dac_bits": set(t["dac_bits"] for t in targets),
             "mapping": set(t["weight_mapping"] for t in targets),
             "encoding": set(t["input_encoding"] for t in targets)}
    want = {"w_bits": set(range(1, 9)), "a_bits": set(range(1, 9)),
            "signed": {True, False}, "cell_bits": set(range(1, 5)),
            "dac_bits": {1, 2}, "mapping": set(MAPPINGS), "encoding": set(ENCODINGS)}
    for key in want:
        if not want[key] <= cover[key]:
            print("layer-property: generator misses %s %s" % (key, want[key] - cover[key]))
            return 1
    tiled = sum(1 for c in cases if not c["reject"] and
                (c["k"] > targets[c["target"]]["rows"] // 2 or
                 c["n"] > targets[c["target"]]["cols"] // 2))

    fails = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(run_target, ti, t,
                          [c for c in cases if c["target"] == ti], args, tools)
                for ti, t in enumerate(targets)]
        for f in futs:
            fails.extend(f.result())
    for msg in fails:
        print("FAIL: " + msg)
    accepted = sum(1 for c in cases if not c["reject"])
    rejected = len(cases) - accepted
    print("layer-property: %d cases on %d targets: %d run (%d tiled), %d rejected by "
          "design, %s" % (len(cases), len(targets), accepted, tiled, rejected,
                         "all equal" if not fails else "%d FAILURES" % len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
