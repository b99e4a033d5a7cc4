#!/usr/bin/python3
"""Compares cim-sim with ONNX Runtime on a QDQ ONNX model.

ONNX Runtime (the npm package onnxruntime-node, run by run_ort.js under
node) is the reference: an implementation of ONNX that shares no code and no
authors with cimlir. The model is compiled in-process by the `cimlir` Python
package (Model.load -> compile -> Program.run: the importer, the cim-compile
pipeline and the simulator of cim-sim).

  ort_oracle.py MODEL.onnx INPUTS.npy WORKDIR [--limit N] [--max-step K]
                [--expect-argmax-equal] [--opt LEVEL ...]

INPUTS.npy holds N float32 samples along the first axis. The model must
quantize its (float) input with a QuantizeLinear and produce its output with
a DequantizeLinear (what a QDQ export does); cimlir's program takes the
former's integers and returns the latter's. For every sample:

  - the program's input is the input QuantizeLinear applied to the sample
    (float32 division, round half to even, saturate: ONNX's definition);
  - ORT's float output y is turned back into its integers
    q = rint(y / s) + z (exact: y = (q - z) * s, and the check below fails
    unless y / s lies within 1e-3 of an integer);
  - the step difference |q_cimlir - q_ort| and the argmax of both are
    compared.

For each ORT optimization level given by --opt (default: all) it prints

  opt LEVEL samples N exact E max-step-difference D argmax-equal A

and exits 1 when D > K (default 1) for a level, or, with
--expect-argmax-equal, when A < N.
"""
import argparse
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

import cimlir


def constants(model):
    """Name -> value of initializers, Constant nodes and their Identities."""
    env = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for n in model.graph.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    env[n.output[0]] = numpy_helper.to_array(a.t)
        elif n.op_type == "Identity" and n.input[0] in env:
            env[n.output[0]] = env[n.input[0]]
    return env


def boundary_quant(model):
    """(scale, zero point) of the QuantizeLinear reading the graph input and
    of the DequantizeLinear producing the graph output."""
    env = constants(model)
    x = model.graph.input[0].name
    y = model.graph.output[0].name
    q_in = q_out = None
    for n in model.graph.node:
        if n.op_type == "QuantizeLinear" and n.input[0] == x:
            q_in = (env[n.input[1]], env[n.input[2]])
        if n.op_type == "DequantizeLinear" and n.output[0] == y:
            q_out = (env[n.input[1]], env[n.input[2]])
    if q_in is None or q_out is None:
        sys.exit("ort_oracle.py: the model's input is not read by a "
                 "QuantizeLinear or its output not written by a "
                 "DequantizeLinear")
    return q_in, q_out


def quantize(x, scale, zp):
    info = np.iinfo(zp.dtype)
    q = np.rint(x.astype(np.float32) / np.float32(scale.reshape(())))
    q = q + np.float32(zp.reshape(()))
    return np.clip(q, info.min, info.max).astype(np.int64)


def run_ort(model_path, in_paths, out_path, level):
    """ONNX Runtime's first output for the samples of the .npy files (one
    per model input)."""
    here = os.path.dirname(os.path.abspath(__file__))
    node = shutil.which("node")
    subprocess.run([node, os.path.join(here, "run_ort.js"), model_path,
                    out_path, *in_paths, f"--opt={level}"], check=True)
    return np.load(out_path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("inputs")
    ap.add_argument("workdir")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--max-step", type=int, default=1)
    ap.add_argument("--expect-argmax-equal", action="store_true")
    ap.add_argument("--opt", action="append",
                    choices=["all", "extended", "basic", "disabled"])
    args = ap.parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    xs = np.load(args.inputs).astype(np.float32)[:args.limit]
    xs_path = os.path.join(args.workdir, "inputs.npy")
    np.save(xs_path, xs)
    (s_in, z_in), (s_out, z_out) = boundary_quant(onnx.load(args.model))

    program = cimlir.compile(cimlir.Model.load(args.model))
    # uint8 is held as i9 by the program (docs/design.md): int16 in the .npy.
    in_dtype = np.int16 if z_in.dtype == np.uint8 else np.int8
    ours = np.stack([
        next(iter(program.run(quantize(x[None], s_in, z_in)
                              .astype(in_dtype))[0].values()))[0]
        for x in xs]).astype(np.int64)

    status = 0
    for level in args.opt or ["all"]:
        y = run_ort(args.model, [xs_path],
                    os.path.join(args.workdir, f"ort-{level}.npy"), level)
        ratio = y.astype(np.float64) / float(s_out.reshape(()))
        if np.abs(ratio - np.rint(ratio)).max() > 1e-3:
            sys.exit("ort_oracle.py: ORT's output is not a multiple of the "
                     "output scale")
        ref = np.rint(ratio).astype(np.int64) + int(z_out.reshape(()))
        if ref.shape != ours.shape:
            sys.exit(f"ort_oracle.py: ORT's output {ref.shape} and cimlir's "
                     f"{ours.shape} differ in shape")
        diff = np.abs(ours - ref).reshape(len(xs), -1).max(axis=1)
        worst = int(diff.max())
        exact = int((diff == 0).sum())
        argmax = int((ours.reshape(len(xs), -1).argmax(1)
                      == ref.reshape(len(xs), -1).argmax(1)).sum())
        print(f"opt {level} samples {len(xs)} exact {exact} "
              f"max-step-difference {worst} argmax-equal {argmax}")
        if worst > args.max_step or (args.expect_argmax_equal
                                     and argmax < len(xs)):
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
