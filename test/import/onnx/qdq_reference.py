#!/usr/bin/python3
"""Checks a compiled QDQ ONNX model on cim-sim against a NumPy evaluation.

The reference is an independent evaluation of the ONNX graph by ONNX's
operator definitions, written here in NumPy (no cimlir code): float32
tensors, QuantizeLinear = saturate(rint(x / scale) + zero_point) (rint:
round half to even, as ONNX specifies), DequantizeLinear = (q - zp) * scale,
Conv / Gemm accumulated in float64 and rounded to float32 once.

  qdq_reference.py MODEL.onnx TEST.npz PROGRAM.bin CIM_SIM N WORKDIR

For the first N images of TEST.npz (x [N, 1, 8, 8] float32, y labels) it
quantizes the image with the model's input QuantizeLinear, runs CIM_SIM on
PROGRAM.bin, and compares the program's integers with the integers of the
model's last QuantizeLinear. Prints

  images N exact E max-step-difference D argmax-equal A

and exits 1 unless D <= 1 and A == N. A difference of one step is the one
documented place where the two may disagree: cimlir requantizes an int32
accumulator with an integer multiplier and shift (docs/design.md,
"Multiplier and shift"), the reference divides a float32 sum by the output
scale; when the exact quotient lies within float32 / fixed-point rounding of
a .5 tie, the two round to neighbouring integers.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def conv(x, w, b, pads, strides):
    x = np.pad(x.astype(np.float64),
               ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    oh, ow = (h - kh) // strides[0] + 1, (wd - kw) // strides[1] + 1
    y = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * strides[0]:i * strides[0] + kh,
                      j * strides[1]:j * strides[1] + kw]
            y[:, :, i, j] = np.tensordot(patch, w.astype(np.float64),
                                         axes=([1, 2, 3], [1, 2, 3]))
    if b is not None:
        y += b.astype(np.float64)[None, :, None, None]
    return y.astype(np.float32)


def maxpool(x, k, s):
    n, c, h, w = x.shape
    oh, ow = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1
    y = np.empty((n, c, oh, ow), np.float32)
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = x[:, :, i * s[0]:i * s[0] + k[0],
                              j * s[1]:j * s[1] + k[1]].max(axis=(2, 3))
    return y


def quantize(x, s, z):
    lo, hi = (0, 255) if z.dtype == np.uint8 else (-128, 127)
    q = np.rint(x.astype(np.float32) / np.float32(s)) + z.astype(np.float32)
    return np.clip(q, lo, hi).astype(z.dtype)


def evaluate(model, x):
    """Runs the graph; returns {value name: array} and the last Q output."""
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    env[model.graph.input[0].name] = x
    last_q = None
    first_q = None
    for n in model.graph.node:
        i = [env[v] if v else None for v in n.input]
        op = n.op_type
        if op == "Constant":
            y = numpy_helper.to_array(attr(n, "value", None))
        elif op == "Identity":
            y = i[0]
        elif op == "QuantizeLinear":
            y = quantize(i[0], i[1], i[2])
            first_q = first_q or (i[1], i[2])
            last_q = n.output[0]
        elif op == "DequantizeLinear":
            y = ((i[0].astype(np.float32) - i[2].astype(np.float32))
                 * np.float32(i[1])).astype(np.float32)
        elif op == "Conv":
            y = conv(i[0], i[1], i[2] if len(i) > 2 else None,
                     attr(n, "pads", [0, 0, 0, 0]), attr(n, "strides", [1, 1]))
        elif op == "Relu":
            y = np.maximum(i[0], np.float32(0))
        elif op == "MaxPool":
            y = maxpool(i[0], attr(n, "kernel_shape", None),
                        attr(n, "strides", [1, 1]))
        elif op == "Flatten":
            y = i[0].reshape(i[0].shape[0], -1)
        elif op == "Gemm":
            b = i[1].T if attr(n, "transB", 0) else i[1]
            y = (i[0].astype(np.float64) @ b.astype(np.float64)
                 + (i[2].astype(np.float64) if len(i) > 2 else 0))
            y = y.astype(np.float32)
        else:
            sys.exit(f"qdq_reference.py: operator {op} is not evaluated here")
        env[n.output[0]] = y
    return env, env[last_q], first_q


def main(argv):
    model_path, test, program, sim, count, work = argv[1:7]
    model = onnx.load(model_path)
    d = np.load(test)
    xs, ys = d["x"][:int(count)], d["y"][:int(count)]
    exact = argmax = 0
    worst = 0
    for k, x in enumerate(xs):
        _, ref, (s, z) = evaluate(model, x[None])
        q_in = quantize(x[None], s, z).astype(np.int16)  # u8 held as i9
        inp = os.path.join(work, f"in{k}.npy")
        out = os.path.join(work, f"out{k}")
        np.save(inp, q_in)
        os.makedirs(out, exist_ok=True)
        subprocess.run([sim, program, "--input", f"arg0={inp}", "--output-dir",
                        out, "--quiet"], check=True)
        got = np.load(os.path.join(out, "result0.npy")).astype(np.int64)
        ref = ref.astype(np.int64)
        diff = int(np.abs(got - ref).max())
        worst = max(worst, diff)
        exact += diff == 0
        argmax += int(got.argmax() == ref.argmax())
    n = len(xs)
    print(f"images {n} exact {exact} max-step-difference {worst} "
          f"argmax-equal {argmax}")
    return 0 if worst <= 1 and argmax == n else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
