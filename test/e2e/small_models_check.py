#!/usr/bin/env python3
"""Helpers for small-models-bitexact.test (standard library only).

  small_models_check.py gen IR.mlir SEED OUT.npy
      a deterministic input for the function's only argument: its shape and
      storage type are read from the cim IR; values span the whole storage
      range (both extremes and zero included, negatives when signed)
  small_models_check.py compare GOT.npy WANT.npy
      exit 0 and print "bit-exact: N values" when dtype, shape and every
      integer agree; otherwise print every difference and exit 1
  small_models_check.py perturb IN.npy INDEX DELTA OUT.npy
      a copy of IN.npy with element INDEX (row-major) changed by DELTA
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cim_reference as ref  # noqa: E402  (npy I/O and type parsing only)


def gen(ir_path, seed, out):
    text = open(ir_path).read()
    args, _ = ref.parse_function(text)
    if len(args) != 1:
        sys.exit("expected one argument, got %d" % len(args))
    _, (shape, bits) = args[0]
    lo, hi = ref.srange(bits)
    n = ref.prod(shape)
    state = seed & 0xFFFFFFFF
    vals = []
    for _ in range(n):
        state = (1664525 * state + 1013904223) & 0xFFFFFFFF
        vals.append(lo + (state >> 8) % (hi - lo + 1))
    # The extremes and zero appear at fixed, seed-dependent places.
    for k, v in enumerate((lo, hi, 0, lo + 1, hi - 1, -1)):
        vals[(seed * 7 + 11 * k) % n] = v
    ref.npy_write(out, ref.npy_descr(bits), shape, vals)


def header_descr(path):
    data = open(path, "rb").read(256)
    m = re.search(rb"'descr':\s*'([^']*)'", data)
    return m.group(1).decode() if m else None


def compare(got_path, want_path):
    gs, gv = ref.npy_read(got_path)
    ws, wv = ref.npy_read(want_path)
    gd, wd = header_descr(got_path), header_descr(want_path)
    bad = 0
    if gd != wd:
        print("dtype differs: %s vs %s" % (gd, wd))
        bad += 1
    if gs != ws:
        print("shape differs: %s vs %s" % (gs, ws))
        return 1
    for i, (g, w) in enumerate(zip(gv, wv)):
        if g != w:
            bad += 1
            print("MISMATCH at %s: got %d, reference %d"
                  % (ref.unravel(i, gs), g, w))
    if bad:
        print("%d of %d values differ" % (bad, len(gv)))
        return 1
    print("bit-exact: %d values (min %d, max %d)" % (len(gv), min(gv),
                                                      max(gv)))
    return 0


def perturb(src, index, delta, out):
    shape, vals = ref.npy_read(src)
    vals[index] += delta
    ref.npy_write(out, header_descr(src), shape, vals)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 6 and sys.argv[1] == "perturb":
        perturb(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)
