#!/usr/bin/python3
"""Float models whose weights take the importer's f32 path and are printed
by cim-translate's streaming printer (more than 16384 elements each;
docs/onnx.md, "Memory"), and a check of the imported weights against
NumPy.

  large_weights.py make OUT.onnx EXPECT.npz [--marker-name]
  large_weights.py check MODEL.mlir EXPECT.npz

`make` writes the model and, in EXPECT.npz, every weight constant the
import must hold, computed here in NumPy from the weights it drew: an
independent reference. Layers (each weight used only as a layer weight
unless said otherwise):
  - g1: Gemm transB = 1, W1 [180, 200] in external data (big.bin), bias;
  - g2: Gemm, W2 [180, 120] as float_data (not raw_data);
  - g3, g4: two Gemms transB = 1 sharing W3 [150, 120], then Add;
  - mm: MatMul, W4 [150, 128], which is also a graph output (so it is held
    as doubles, the general path);
  - c1 + bn: Conv W5 [128, 16, 3, 3], pads 1, with a BatchNormalization
    folded in (w' = w * gamma / sqrt(var + eps), in double, rounded once);
  - dw: depthwise Conv W6 [2048, 1, 3, 3] (materialized as [2048, 3, 3]).
--marker-name names node g2 `dense_resource<__elided__> : tensor<2x120xf32>`,
the streaming printer's marker followed by a type: the printer must notice
and print through MLIR (same bytes).

`check` reads every `arith.constant dense<"0x...">` of MODEL.mlir and
requires, for each expected weight, that every constant of its type holds
exactly its bytes, and that there is at least one.
"""
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def make(out, expect, marker_name):
    rng = np.random.default_rng(13)
    f32 = np.float32
    W1 = rng.standard_normal((180, 200)).astype(f32)
    b1 = rng.standard_normal(180).astype(f32)
    W2 = rng.standard_normal((180, 120)).astype(f32)
    W3 = rng.standard_normal((150, 120)).astype(f32)
    W4 = rng.standard_normal((150, 128)).astype(f32)
    W5 = rng.standard_normal((128, 16, 3, 3)).astype(f32)
    gamma = rng.uniform(0.5, 2, 128).astype(f32)
    beta = rng.standard_normal(128).astype(f32)
    mean = rng.standard_normal(128).astype(f32)
    var = rng.uniform(0.5, 2, 128).astype(f32)
    eps = 1e-5
    W6 = rng.standard_normal((2048, 1, 3, 3)).astype(f32)

    inits = [numpy_helper.from_array(a, n) for a, n in (
        (W1, "W1"), (b1, "b1"), (W3, "W3"), (W4, "W4"), (W5, "W5"),
        (gamma, "gamma"), (beta, "beta"), (mean, "mean"), (var, "var"),
        (W6, "W6"))]
    inits.append(helper.make_tensor("W2", TensorProto.FLOAT, W2.shape,
                                    W2.flatten().tolist()))
    g2 = "dense_resource<__elided__> : tensor<2x120xf32>" if marker_name \
        else "g2"
    nodes = [
        helper.make_node("Gemm", ["x", "W1", "b1"], ["y1"], name="g1",
                         transB=1),
        helper.make_node("Gemm", ["y1", "W2"], ["y2"], name=g2),
        helper.make_node("Gemm", ["y2", "W3"], ["y3"], name="g3", transB=1),
        helper.make_node("Gemm", ["y2", "W3"], ["y4"], name="g4", transB=1),
        helper.make_node("Add", ["y3", "y4"], ["y5"], name="add"),
        helper.make_node("MatMul", ["y5", "W4"], ["y6"], name="mm"),
        helper.make_node("Conv", ["z", "W5"], ["c1"], name="c1",
                         pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["c1", "gamma", "beta", "mean", "var"], ["c2"],
                         name="bn", epsilon=eps),
        helper.make_node("Conv", ["u", "W6"], ["d1"], name="dw", group=2048,
                         pads=[1, 1, 1, 1]),
    ]
    graph = helper.make_graph(
        nodes, "large_weights",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 200]),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 16, 4, 4]),
         helper.make_tensor_value_info("u", TensorProto.FLOAT,
                                       [1, 2048, 2, 2])],
        [helper.make_tensor_value_info("y6", TensorProto.FLOAT, [2, 128]),
         helper.make_tensor_value_info("c2", TensorProto.FLOAT,
                                       [1, 128, 4, 4]),
         helper.make_tensor_value_info("d1", TensorProto.FLOAT,
                                       [1, 2048, 2, 2]),
         helper.make_tensor_value_info("W4", TensorProto.FLOAT, [150, 128])],
        inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    # W1 (144,000 bytes, the only raw tensor that large) goes to big.bin.
    onnx.save_model(m, out, save_as_external_data=True,
                    all_tensors_to_one_file=True, location="big.bin",
                    size_threshold=140000)
    s = gamma.astype(np.float64) / np.sqrt(var.astype(np.float64) +
                                           np.float64(np.float32(eps)))
    W5f = (W5.astype(np.float64) * s[:, None, None, None]).astype(f32)
    np.savez(expect, W1t=W1.T.copy(), W2=W2, W3t=W3.T.copy(), W4=W4,
             W5f=W5f, W6=W6.reshape(2048, 3, 3))


CONST = re.compile(r'arith\.constant dense<"0x([0-9A-F]*)"> : tensor<([^>]*)>')


def check(mlir, expect):
    text = open(mlir).read()
    found = {}
    for hexdata, ty in CONST.findall(text):
        found.setdefault(ty, []).append(hexdata)
    bad = 0
    exp = np.load(expect)
    for name in exp.files:
        a = exp[name]
        ty = "x".join(str(d) for d in a.shape) + "xf32"
        want = a.astype("<f4").tobytes().hex().upper()
        got = found.get(ty, [])
        ok = bool(got) and all(g == want for g in got)
        print("%s tensor<%s>: %d constant(s), %s" %
              (name, ty, len(got), "equal" if ok else "DIFFERENT"))
        bad += not ok
    return 1 if bad else 0


def main(argv):
    if argv[1] == "make":
        make(argv[2], argv[3], "--marker-name" in argv[4:])
        return 0
    return check(argv[2], argv[3])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
