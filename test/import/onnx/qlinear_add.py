#!/usr/bin/python3
"""ONNX Runtime's com.microsoft QLinearAdd, and its exact result.

  model OUT.onnx A.npy B.npy REF.npy
      A graph of one QLinearAdd node (domain com.microsoft) of two uint8
      graph inputs [4, 64] with constant scales and zero points; A.npy and
      B.npy hold inputs covering 0 and 255; REF.npy the exact result of the
      operator's definition, C = saturate(rne((A_scale (A - A_zp) +
      B_scale (B - B_zp)) / C_scale) + C_zp), computed with Fractions on the
      float32 scales (no cimlir code, no floating-point rounding).
  check ACTUAL.npy REF.npy
      Prints "elements N exact E max-step S".
  bad OUT.onnx broadcast|qgemm
      A model the importer refuses: QLinearAdd of [4, 64] and [1, 64]
      (broadcasting), or a com.microsoft QGemm node (not supported).
"""
import sys
from fractions import Fraction

import numpy as np
import onnx
from onnx import TensorProto, helper

SA, ZA = 0.05, 128
SB, ZB = 0.02, 100
SC, ZC = 0.07, 120


def rne(x):
    """Round a Fraction half to even."""
    f = x.numerator // x.denominator
    r = x - f
    if r > Fraction(1, 2) or (r == Fraction(1, 2) and f % 2):
        f += 1
    return f


def exact(a, b):
    sa, sb, sc = (Fraction(float(np.float32(s))) for s in (SA, SB, SC))
    out = np.empty(a.shape, np.int64)
    for i, (x, y) in enumerate(zip(a.flat, b.flat)):
        v = rne((sa * (int(x) - ZA) + sb * (int(y) - ZB)) / sc) + ZC
        out.flat[i] = min(max(v, 0), 255)
    return out.astype(np.uint8)


def graph(b_shape, op="QLinearAdd"):
    shape = [4, 64]
    consts = [helper.make_tensor(n, TensorProto.FLOAT, [], [v])
              for n, v in (("a_scale", SA), ("b_scale", SB), ("c_scale", SC))]
    consts += [helper.make_tensor(n, TensorProto.UINT8, [], [v])
               for n, v in (("a_zp", ZA), ("b_zp", ZB), ("c_zp", ZC))]
    node = helper.make_node(
        op, ["A", "a_scale", "a_zp", "B", "b_scale", "b_zp",
             "c_scale", "c_zp"], ["C"], name="add1",
        domain="com.microsoft")
    g = helper.make_graph(
        [node], "qlinear_add",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, shape),
         helper.make_tensor_value_info("B", TensorProto.UINT8, b_shape)],
        [helper.make_tensor_value_info("C", TensorProto.UINT8, shape)],
        initializer=consts)
    return helper.make_model(g, opset_imports=[
        helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1)])


def model(out, a_path, b_path, ref_path):
    shape = [4, 64]
    onnx.save(graph(shape), out)
    rng = np.random.default_rng(11)
    a = rng.integers(0, 256, size=shape).astype(np.uint8)
    b = rng.integers(0, 256, size=shape).astype(np.uint8)
    a.flat[:4] = [0, 255, 0, 255]
    b.flat[:4] = [0, 255, 255, 0]
    np.save(a_path, a)
    np.save(b_path, b)
    np.save(ref_path, exact(a, b))


def check(actual, ref):
    a = np.load(actual).astype(np.int64)
    r = np.load(ref).astype(np.int64)
    if a.shape != r.shape:
        print(f"SHAPE {list(a.shape)} vs {list(r.shape)}")
        return 1
    d = np.abs(a - r)
    print(f"elements {d.size} exact {int((d == 0).sum())} "
          f"max-step {int(d.max())}")
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "model":
        model(*argv[2:6])
        return 0
    if len(argv) == 4 and argv[1] == "bad":
        if argv[3] == "broadcast":
            onnx.save(graph([1, 64]), argv[2])
        else:
            onnx.save(graph([4, 64], "QGemm"), argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "check":
        return check(argv[2], argv[3])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
