#!/usr/bin/python3
"""Runs one of ONNX's own node tests (Debian's libonnx-testdata) through cimlir.

Only ONNX's files are the source of truth: the model, its inputs and the
expected output come from /usr/share/libonnx-testdata/data/node/<test>/.
The compiler never sees the expected output; this script only moves data
between .pb and .npy and compares.

  prepare TESTDIR OUTDIR --const NAME[,NAME...]
      Writes OUTDIR/model.onnx: the test's model with the named graph inputs
      turned into initializers holding test_data_set_0's values (cimlir
      compiles weights, scales and zero points as constants), and
      OUTDIR/<input>.raw.npy for each remaining input, OUTDIR/expected.npy
      for output_0.pb.
  input RAW.npy COMPILED.mlir ARGINDEX OUT.npy [LO:HI]
      Converts a raw ONNX input for the compiled program's argument ARGINDEX:
      an integer input is written in the dtype cim-sim wants for the
      argument's type; a float input is quantized with the argument's
      cim.scale / cim.zero_point by ONNX's QuantizeLinear rule (round half
      to even, saturate to [LO, HI], the range of ONNX's quantized type),
      i.e. what the caller of the program does.
  compare ACTUAL.npy EXPECTED.npy [COMPILED.mlir RESULTINDEX]
      Prints EXACT when equal element for element (values, shape); with a
      compiled module, ACTUAL is first mapped back to ONNX's element type:
      dequantized with the result's cim.scale / cim.zero_point when the
      expected output is float, else cast to the expected dtype (range
      checked).
"""
import re
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def prepare(testdir, outdir, consts):
    m = onnx.load(f"{testdir}/model.onnx")
    g = m.graph
    names = [i.name for i in g.input]
    values = {n: load_pb(f"{testdir}/test_data_set_0/input_{k}.pb")
              for k, n in enumerate(names)}
    for c in consts:
        if c not in values:
            sys.exit(f"no graph input named {c!r} (inputs: {names})")
    keep = [i for i in g.input if i.name not in consts]
    del g.input[:]
    g.input.extend(keep)
    for c in consts:
        g.initializer.append(numpy_helper.from_array(values[c], c))
    # Only output_0 is compared: further outputs (LayerNormalization's Mean
    # and InvStdDev, training statistics) are dropped from the graph.
    del g.output[1:]
    onnx.checker.check_model(m)
    onnx.save(m, f"{outdir}/model.onnx")
    for i in keep:
        np.save(f"{outdir}/{i.name}.raw.npy", values[i.name])
    np.save(f"{outdir}/expected.npy", load_pb(f"{testdir}/test_data_set_0/output_0.pb"))


FUNC = re.compile(r"func\.func @\S+\((.*?)\)\s*->\s*\(?(.*?)\)?\s*(?:attributes|\{)\s*$", re.M)
TYPE = re.compile(r"tensor<([0-9x]*?)x?i(\d+)>")
SCALE = re.compile(r"cim\.scale = ([-+0-9.e]+) : f64, cim\.zero_point = (-?\d+) : i64")


def signature(mlir):
    with open(mlir) as f:
        text = f.read()
    m = FUNC.search(text)
    if not m:
        sys.exit(f"{mlir}: no func.func signature")
    def split(s):
        parts, depth, cur = [], 0, ""
        for ch in s:
            depth += ch in "<{(" 
            depth -= ch in ">})"
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur.strip():
            parts.append(cur)
        return parts
    return split(m.group(1)), split(m.group(2))


def np_dtype(bits):
    return {8: np.int8, 16: np.int16, 32: np.int32, 64: np.int64}[
        next(b for b in (8, 16, 32, 64) if bits <= b)]


def param(entry):
    t = TYPE.search(entry)
    s = SCALE.search(entry)
    bits = int(t.group(2))
    return bits, (float(s.group(1)), int(s.group(2))) if s else None


def to_input(raw, mlir, index, out, rng=None):
    args, _ = signature(mlir)
    bits, sz = param(args[index])
    x = np.load(raw)
    if x.dtype.kind == "f":
        scale, zp = sz
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        if rng:
            lo, hi = (int(v) for v in rng.split(":"))
        q = np.rint(x.astype(np.float64) / scale) + zp  # rint: half to even
        x = np.clip(q, lo, hi)
    np.save(out, x.astype(np_dtype(bits)))


def compare(actual, expected, mlir=None, index=0):
    a = np.load(actual)
    e = np.load(expected)
    if mlir:
        _, results = signature(mlir)
        bits, sz = param(results[index])
        if e.dtype.kind == "f":
            scale, zp = sz
            a = (scale * (a.astype(np.float64) - zp)).astype(e.dtype)
        else:
            info = np.iinfo(e.dtype)
            if a.min() < info.min or a.max() > info.max:
                print(f"OUT OF RANGE for {e.dtype}: {a.min()} .. {a.max()}")
                return 1
            a = a.astype(e.dtype)
    if a.dtype == e.dtype and a.shape == e.shape and np.array_equal(a, e):
        print("EXACT")
        return 0
    print(f"DIFFERENT: {a.dtype}{list(a.shape)} vs {e.dtype}{list(e.shape)}")
    print("actual  ", a.flatten()[:32])
    print("expected", e.flatten()[:32])
    return 1


def main(argv):
    if argv[1] == "prepare":
        consts = argv[argv.index("--const") + 1].split(",") if "--const" in argv else []
        prepare(argv[2], argv[3], [c for c in consts if c])
        return 0
    if argv[1] == "input":
        to_input(argv[2], argv[3], int(argv[4]), argv[5], *argv[6:7])
        return 0
    if argv[1] == "compare":
        return compare(argv[2], argv[3], *(argv[4:5]), *(int(x) for x in argv[5:6]))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
