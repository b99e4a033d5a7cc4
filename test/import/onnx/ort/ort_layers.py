#!/usr/bin/python3
"""Compares cimlir with ONNX Runtime layer by layer on a QDQ ONNX model.

A deep network's output can differ by more than one step between two exact
QDQ implementations: a one-step difference of a hidden activation (a
near-tie, docs/testing.md "ONNX Runtime oracle") moves the next layers'
sums. The rule that holds for every implementation is per layer: given the
same integer inputs, a layer's output integers differ by at most one step.

  ort_layers.py MODEL.onnx INPUTS.npy WORKDIR [--opt LEVEL] [--max-step K]

The model is cut at its activation QuantizeLinears (those whose input is not
a constant). Segment k computes the k-th one's DequantizeLinear output from
the earlier ones it reads (onnx.utils.extract_model), e.g. DQ -> Conv -> Relu
-> Q -> DQ, or a residual Add of two. In order, each segment runs in ONNX
Runtime on ONNX Runtime's integers of its inputs (the first on the float
input), and is compiled and run by cimlir (the `cimlir` package) on the same
integers. Checked:

  - every segment's integers are within K (default 1) steps of ORT's.

Prints one line per segment and

  layers L max-layer-step-difference D end-to-end-max-step-difference E
  end-to-end-argmax-equal A/N ort-segments-vs-ort-whole-max-step-difference S

where E and A compare cimlir's whole program with ORT's whole model, and S
ORT's chained segments with ORT's whole model: ORT itself arranges a node
group differently when the graph is cut (a near-tie then rounds the other
way), so even S is not 0 on every input. Exits 1 when D > K.
"""
import argparse
import os
import sys

import numpy as np
import onnx
import onnx.utils

import cimlir
from ort_oracle import boundary_quant, constants, quantize, run_ort

NPY_DTYPE = {np.dtype(np.uint8): np.int16, np.dtype(np.int8): np.int8}


def segments(model):
    """[(Q output, DQ output, [input names])] per activation QuantizeLinear."""
    env = constants(model)
    producer = {o: n for n in model.graph.node for o in n.output}
    acts = [n for n in model.graph.node
            if n.op_type == "QuantizeLinear" and n.input[0] not in env]
    act_out = {n.output[0] for n in acts}
    x = model.graph.input[0].name
    out = []
    for q in acts:
        dq = [n for n in model.graph.node if n.op_type == "DequantizeLinear"
              and n.input[0] == q.output[0]]
        if len(dq) != 1:
            sys.exit(f"ort_layers.py: {q.output[0]} has {len(dq)} "
                     "DequantizeLinears")
        reads, todo, seen = [], [q.input[0]], set()
        while todo:
            t = todo.pop()
            if t in seen or t in env or not t:
                continue
            seen.add(t)
            if t in act_out or t == x:
                reads.append(t)
            elif t in producer:
                todo.extend(producer[t].input)
        out.append((q.output[0], dq[0].output[0], sorted(reads)))
    return out


def scale_of(model, dq_output):
    env = constants(model)
    for n in model.graph.node:
        if n.op_type == "DequantizeLinear" and n.output[0] == dq_output:
            return env[n.input[1]], env[n.input[2]]
    raise KeyError(dq_output)


def to_ints(y, scale, zp):
    ratio = y.astype(np.float64) / float(scale.reshape(()))
    if np.abs(ratio - np.rint(ratio)).max() > 1e-3:
        sys.exit("ort_layers.py: ORT's output is not a multiple of its scale")
    return (np.rint(ratio) + int(zp.reshape(()))).astype(zp.dtype)


def run_segment(args, model, k, seg, values):
    """ORT's and cimlir's integers of segment k, from ORT's `values`."""
    q_out, dq_out, reads = seg
    path = os.path.join(args.workdir, f"seg{k}.onnx")
    onnx.save(args.extractor.extract_model(reads, [dq_out]), path)
    in_paths = []
    for j, name in enumerate(reads):
        in_paths.append(os.path.join(args.workdir, f"seg{k}-in{j}.npy"))
        np.save(in_paths[-1], values[name])
    scale, zp = scale_of(model, dq_out)
    ort = to_ints(run_ort(path, in_paths, os.path.join(
        args.workdir, f"seg{k}-ort.npy"), args.opt), scale, zp)
    program = cimlir.compile(cimlir.Model.load(path))
    feeds = [values[name] for name in reads]
    if reads == [model.graph.input[0].name]:
        (s_in, z_in), _ = boundary_quant(onnx.load(path))
        feeds = [quantize(feeds[0], s_in, z_in).astype(z_in.dtype)]
    ours = []
    for i in range(len(values[reads[0]])):
        inputs = {p: f[i:i + 1].astype(NPY_DTYPE[f.dtype])
                  for p, f in zip(program.inputs, feeds)}
        ours.append(next(iter(program.run(inputs)[0].values()))[0])
    return ort, np.stack(ours).astype(np.int64)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("model")
    ap.add_argument("inputs")
    ap.add_argument("workdir")
    ap.add_argument("--opt", default="all",
                    choices=["all", "extended", "basic", "disabled"])
    ap.add_argument("--max-step", type=int, default=1)
    args = ap.parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    model = onnx.load(args.model)
    args.extractor = onnx.utils.Extractor(model)
    xs = np.load(args.inputs).astype(np.float32)
    values = {model.graph.input[0].name: xs}
    worst = 0
    segs = segments(model)
    for k, seg in enumerate(segs):
        ort, ours = run_segment(args, model, k, seg, values)
        values[seg[0]] = ort
        d = int(np.abs(ours - ort.astype(np.int64)).max())
        worst = max(worst, d)
        print(f"layer {k} {seg[0]} reads {len(seg[2])} elements "
              f"{ort[0].size} differing {int((ours != ort).sum())} "
              f"max-step-difference {d}")

    # The whole model in ORT, and cimlir's whole program.
    xs_path = os.path.join(args.workdir, "inputs.npy")
    np.save(xs_path, xs)
    _, (s_out, z_out) = boundary_quant(model)
    whole = to_ints(run_ort(args.model, [xs_path], os.path.join(
        args.workdir, "whole-ort.npy"), args.opt), s_out, z_out)
    chained = values[segs[-1][0]].astype(np.int64)
    self_diff = int(np.abs(whole.astype(np.int64) - chained).max())
    (s_in, z_in), _ = boundary_quant(model)
    program = cimlir.compile(cimlir.Model.load(args.model))
    ours = np.stack([next(iter(program.run(
        quantize(x[None], s_in, z_in).astype(NPY_DTYPE[z_in.dtype]))[0]
        .values()))[0] for x in xs]).astype(np.int64)
    e2e = int(np.abs(ours - whole.astype(np.int64)).max())
    n = len(xs)
    agree = int((ours.reshape(n, -1).argmax(1)
                 == whole.reshape(n, -1).argmax(1)).sum())
    print(f"layers {len(segs)} max-layer-step-difference {worst} "
          f"end-to-end-max-step-difference {e2e} "
          f"end-to-end-argmax-equal {agree}/{n} "
          f"ort-segments-vs-ort-whole-max-step-difference {self_diff}")
    return 0 if worst <= args.max_step else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
