#!/usr/bin/env python3
"""Writes the reference networks as MLIR and the reference policies as JSON.

Run from anywhere (standard library only, deterministic output):

    python3 examples/models/gen_models.py            # rewrite the checked-in files
    python3 examples/models/gen_models.py --root DIR # write the same tree under DIR

It writes, relative to the root (default: the repository root):

    examples/models/resnet18.mlir  torchvision resnet18, batch-norm folded
    examples/models/vgg16.mlir     torchvision vgg16
    examples/models/vitb32.mlir    torchvision vit_b_32
    examples/models/smallcnn.mlir  a small CNN with deterministic parameters
    examples/models/mlp.mlir       a three-layer perceptron, likewise
    test/e2e/Inputs/<policy>.json  the 14 published CIM-AQ policies, one
                                   [w_bits, a_bits] row per layer

This script is the source of truth: the .mlir and policy files are checked in,
and test/e2e/models-regenerate.test re-runs it and diffs, so edit the script,
never the outputs. Every network is 224x224 ImageNet at batch 1, f32 linalg on
tensors, `func.func @forward(%input: tensor<1x3x224x224xf32>) ->
tensor<1x1000xf32>`. Parameters are SPLAT constants (weights dense<0.01>,
biases and LayerNorm shifts 0, LayerNorm scales 1): the files stay small and
the layer shapes, which are what the crossbar cost depends on, are exact.

Every matrix-vector layer (linalg.conv_2d_nchw_fchw, linalg.matmul,
linalg.batch_matmul) carries a name location with its torchvision name, and
the layers are emitted in the order of the reference layer table
(test/data/cim-aq-policies.json, "layer_dimensions"): policy row i is layer i
in program order. Before writing anything the script checks its own layer
table (in_dim, out_dim, invocations, repeat, kind) against that reference and
stops with a message on the first difference. docs/models.md explains the
mapping.
"""

import argparse
import json
import math
import os
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REFERENCE = os.path.join(REPO, "test", "data", "cim-aq-policies.json")

WEIGHT = "0.01"  # splat value of every weight tensor

# Affine maps used by the elementwise and reduction linalg.generic ops.
MAPS = """\
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan4 = affine_map<(d0, d1, d2, d3) -> (d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col2 = affine_map<(d0, d1) -> (d1)>
#row2 = affine_map<(d0, d1) -> (d0)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
"""


def ttype(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


def conv_out(size, kernel, stride, pad):
    return (size + 2 * pad - kernel) // stride + 1


class Layer:
    """One matrix-vector layer as the compiler reads it."""

    def __init__(self, name, kind, out_dim, in_dim, invocations, repeat):
        self.name = name
        self.kind = kind  # Conv2D, Dense or MatMul (the reference's spelling)
        self.out_dim = out_dim
        self.in_dim = in_dim
        self.invocations = invocations
        self.repeat = repeat


class Builder:
    """Emits the body of @forward: SSA values are %0, %1, ... in order."""

    def __init__(self, seed=None):
        self.lines = []
        self.next = 0
        self.layers = []
        # None: splat parameters (reference networks). An integer: every
        # weight and bias gets deterministic non-trivial values (small models).
        self.state = seed

    def draw(self, lo, hi):
        """The next integer in [lo, hi] from a 32-bit LCG (Numerical Recipes
        constants): deterministic on every machine and Python version."""
        self.state = (1664525 * self.state + 1013904223) % (1 << 32)
        return lo + (self.state >> 8) % (hi - lo + 1)

    def param(self, shape, role):
        """A weight (role "weight") or bias ("bias") constant. Values are
        multiples of 1/32 (weights in [-1/2, 1/2]) or 1/16 (biases in
        [-1/2, 1/2]): exact in f32, so hand derivations stay exact."""
        if self.state is None:
            return self.const(shape, WEIGHT if role == "weight" else "0.0")
        den = 32 if role == "weight" else 16
        half = den // 2
        count = math.prod(shape)
        flat = [self.draw(-half, half) / den for _ in range(count)]

        def nest(values, dims):
            if len(dims) == 1:
                return "[" + ", ".join(repr(v) for v in values) + "]"
            step = len(values) // dims[0]
            return "[" + ", ".join(nest(values[i * step:(i + 1) * step], dims[1:])
                                   for i in range(dims[0])) + "]"
        v = self.fresh()
        self.emit(f"{v} = arith.constant dense<{nest(flat, shape)}> : "
                  f"{ttype(shape)}")
        return v

    def fresh(self):
        v = "%" + str(self.next)
        self.next += 1
        return v

    def emit(self, text):
        for line in text.split("\n"):
            self.lines.append("  " + line if line else "")

    def comment(self, text):
        self.emit("// " + text)

    # --- values -----------------------------------------------------------
    def const(self, shape, value=WEIGHT):
        v = self.fresh()
        self.emit(f"{v} = arith.constant dense<{value}> : {ttype(shape)}")
        return v

    def empty(self, shape):
        v = self.fresh()
        self.emit(f"{v} = tensor.empty() : {ttype(shape)}")
        return v

    def filled(self, shape, scalar):
        e = self.empty(shape)
        v = self.fresh()
        t = ttype(shape)
        self.emit(f"{v} = linalg.fill ins({scalar} : f32) outs({e} : {t}) -> {t}")
        return v

    def pad(self, x, shape, p, scalar):
        """Zero (or `scalar`) padding of H and W of an NCHW tensor."""
        n, c, h, w = shape
        out = [n, c, h + 2 * p, w + 2 * p]
        v = self.fresh()
        self.emit(f"{v} = tensor.pad {x} low[0, 0, {p}, {p}] high[0, 0, {p}, {p}] {{\n"
                  f"^bb0(%i: index, %j: index, %k: index, %l: index):\n"
                  f"  tensor.yield {scalar} : f32\n"
                  f"}} : {ttype(shape)} to {ttype(out)}")
        return v, out

    # --- elementwise (digital, not costed) --------------------------------
    def generic(self, ins, out_shape, maps, iters, body, out=None):
        """linalg.generic over `ins` (list of (value, shape)); body lines use
        %a0, %a1, ... for the inputs and %acc for the output element."""
        if out is None:
            out = self.empty(out_shape)
        v = self.fresh()
        t = ttype(out_shape)
        ins_v = ", ".join(x for x, _ in ins)
        ins_t = ", ".join(ttype(s) for _, s in ins)
        args = ", ".join(f"%a{i}: f32" for i in range(len(ins)))
        its = ", ".join(f'"{i}"' for i in iters)
        text = (f"{v} = linalg.generic {{indexing_maps = [{', '.join(maps)}], "
                f"iterator_types = [{its}]}} ins({ins_v} : {ins_t}) "
                f"outs({out} : {t}) {{\n"
                f"^bb0({args}, %acc: f32):\n")
        text += "".join("  " + b + "\n" for b in body)
        text += f"}} -> {t}"
        self.emit(text)
        return v

    def ident(self, rank):
        return {4: "#id4", 3: "#id3", 2: "#id2"}[rank]

    def relu(self, x, shape):
        r = len(shape)
        return self.generic([(x, shape)], shape, [self.ident(r)] * 2,
                            ["parallel"] * r,
                            ["%c0 = arith.constant 0.0 : f32",
                             "%y = arith.maximumf %a0, %c0 : f32",
                             "linalg.yield %y : f32"])

    def add(self, x, y, shape):
        r = len(shape)
        return self.generic([(x, shape), (y, shape)], shape,
                            [self.ident(r)] * 3, ["parallel"] * r,
                            ["%y = arith.addf %a0, %a1 : f32",
                             "linalg.yield %y : f32"])

    def bias(self, x, shape, channels):
        """Adds a per-channel bias (dim 1 of NCHW, the last dim of [M, N])."""
        b = self.param([channels], "bias")
        r = len(shape)
        bmap = "#chan4" if r == 4 else "#col2"
        return self.generic([(x, shape), (b, [channels])], shape,
                            [self.ident(r), bmap, self.ident(r)],
                            ["parallel"] * r,
                            ["%y = arith.addf %a0, %a1 : f32",
                             "linalg.yield %y : f32"])

    def scale(self, x, shape, factor):
        r = len(shape)
        return self.generic([(x, shape)], shape, [self.ident(r)] * 2,
                            ["parallel"] * r,
                            [f"%s = arith.constant {factor} : f32",
                             "%y = arith.mulf %a0, %s : f32",
                             "linalg.yield %y : f32"])

    def gelu(self, x, shape):
        """Exact GELU: 0.5 * x * (1 + erf(x / sqrt(2)))."""
        r = len(shape)
        return self.generic([(x, shape)], shape, [self.ident(r)] * 2,
                            ["parallel"] * r,
                            ["%half = arith.constant 0.5 : f32",
                             "%one = arith.constant 1.0 : f32",
                             "%rsqrt2 = arith.constant 0.707106769 : f32",
                             "%u = arith.mulf %a0, %rsqrt2 : f32",
                             "%e = math.erf %u : f32",
                             "%p = arith.addf %e, %one : f32",
                             "%h = arith.mulf %a0, %half : f32",
                             "%y = arith.mulf %h, %p : f32",
                             "linalg.yield %y : f32"])

    def layernorm(self, x, shape, eps="1.0e-06"):
        """LayerNorm over the last dim of [M, D]: two reductions (mean, then
        variance) and one elementwise normalize with scale 1 and shift 0."""
        m, d = shape
        gamma = self.const([d], "1.0")
        beta = self.const([d], "0.0")
        z = self.filled([m], "%zero")
        mean = self.generic([(x, shape)], [m], ["#id2", "#row2"],
                            ["parallel", "reduction"],
                            [f"%n = arith.constant {float(d)} : f32",
                             "%q = arith.divf %a0, %n : f32",
                             "%y = arith.addf %q, %acc : f32",
                             "linalg.yield %y : f32"], out=z)
        z2 = self.filled([m], "%zero")
        var = self.generic([(x, shape), (mean, [m])], [m],
                           ["#id2", "#row2", "#row2"], ["parallel", "reduction"],
                           [f"%n = arith.constant {float(d)} : f32",
                            "%c = arith.subf %a0, %a1 : f32",
                            "%sq = arith.mulf %c, %c : f32",
                            "%q = arith.divf %sq, %n : f32",
                            "%y = arith.addf %q, %acc : f32",
                            "linalg.yield %y : f32"], out=z2)
        return self.generic([(x, shape), (mean, [m]), (var, [m]),
                             (gamma, [d]), (beta, [d])], shape,
                            ["#id2", "#row2", "#row2", "#col2", "#col2", "#id2"],
                            ["parallel", "parallel"],
                            [f"%eps = arith.constant {eps} : f32",
                             "%c = arith.subf %a0, %a1 : f32",
                             "%ve = arith.addf %a2, %eps : f32",
                             "%r = math.rsqrt %ve : f32",
                             "%n = arith.mulf %c, %r : f32",
                             "%g = arith.mulf %n, %a3 : f32",
                             "%y = arith.addf %g, %a4 : f32",
                             "linalg.yield %y : f32"])

    # --- matrix-vector layers (costed on the crossbar) --------------------
    def conv(self, name, x, shape, filters, kernel, stride, pad):
        """Conv2d with bias, NCHW / FCHW, square kernel, zero padding."""
        n, c, h, w = shape
        self.comment(f"{name}: conv {filters}x{c}x{kernel}x{kernel} "
                     f"stride {stride} pad {pad}")
        if pad:
            x, shape = self.pad(x, shape, pad, "%zero")
        oh = conv_out(h, kernel, stride, pad)
        ow = conv_out(w, kernel, stride, pad)
        out = [n, filters, oh, ow]
        wt = self.param([filters, c, kernel, kernel], "weight")
        acc = self.filled(out, "%zero")
        v = self.fresh()
        self.emit(f"{v} = linalg.conv_2d_nchw_fchw {{dilations = dense<1> : "
                  f"tensor<2xi64>, strides = dense<{stride}> : tensor<2xi64>}} "
                  f"ins({x}, {wt} : {ttype(shape)}, "
                  f"{ttype([filters, c, kernel, kernel])}) "
                  f"outs({acc} : {ttype(out)}) -> {ttype(out)} loc(\"{name}\")")
        self.layers.append(Layer(name, "Conv2D", filters, c * kernel * kernel,
                                 n * oh * ow, 1))
        return self.bias(v, out, filters), out

    def dense(self, name, x, shape, features):
        """Linear layer: activations [M, K] x weights [K, N] + bias."""
        m, k = shape
        self.comment(f"{name}: dense [{m}, {k}] x [{k}, {features}]")
        wt = self.param([k, features], "weight")
        out = [m, features]
        acc = self.filled(out, "%zero")
        v = self.fresh()
        self.emit(f"{v} = linalg.matmul ins({x}, {wt} : {ttype(shape)}, "
                  f"{ttype([k, features])}) outs({acc} : {ttype(out)}) -> "
                  f"{ttype(out)} loc(\"{name}\")")
        self.layers.append(Layer(name, "Dense", features, k, m, 1))
        return self.bias(v, out, features), out

    def batch_matmul(self, name, a, ashape, b, bshape):
        """Both operands are activations: weights written at run time."""
        bt, m, k = ashape
        bt2, k2, n = bshape
        assert bt == bt2 and k == k2
        self.comment(f"{name}: batch matmul [{bt}, {m}, {k}] x [{bt}, {k}, {n}]"
                     f" (both operands activations)")
        out = [bt, m, n]
        acc = self.filled(out, "%zero")
        v = self.fresh()
        self.emit(f"{v} = linalg.batch_matmul ins({a}, {b} : {ttype(ashape)}, "
                  f"{ttype(bshape)}) outs({acc} : {ttype(out)}) -> "
                  f"{ttype(out)} loc(\"{name}\")")
        self.layers.append(Layer(name, "MatMul", n, k, m, bt))
        return v, out

    # --- pooling and shapes -----------------------------------------------
    def maxpool(self, x, shape, kernel, stride, pad):
        n, c, h, w = shape
        if pad:
            x, shape = self.pad(x, shape, pad, "%ninf")
        out = [n, c, conv_out(h, kernel, stride, pad),
               conv_out(w, kernel, stride, pad)]
        win = self.empty([kernel, kernel])
        acc = self.filled(out, "%ninf")
        v = self.fresh()
        self.emit(f"{v} = linalg.pooling_nchw_max {{dilations = dense<1> : "
                  f"tensor<2xi64>, strides = dense<{stride}> : tensor<2xi64>}} "
                  f"ins({x}, {win} : {ttype(shape)}, {ttype([kernel, kernel])}) "
                  f"outs({acc} : {ttype(out)}) -> {ttype(out)}")
        return v, out

    def global_avgpool(self, x, shape):
        n, c, h, w = shape
        out = [n, c, 1, 1]
        win = self.empty([h, w])
        acc = self.filled(out, "%zero")
        s = self.fresh()
        self.emit(f"{s} = linalg.pooling_nchw_sum {{dilations = dense<1> : "
                  f"tensor<2xi64>, strides = dense<1> : tensor<2xi64>}} "
                  f"ins({x}, {win} : {ttype(shape)}, {ttype([h, w])}) "
                  f"outs({acc} : {ttype(out)}) -> {ttype(out)}")
        v = self.generic([(s, out)], out, ["#id4"] * 2, ["parallel"] * 4,
                         [f"%n = arith.constant {float(h * w)} : f32",
                          "%y = arith.divf %a0, %n : f32",
                          "linalg.yield %y : f32"])
        return v, out

    def collapse(self, x, shape, groups):
        out = [math.prod(shape[i] for i in g) for g in groups]
        v = self.fresh()
        reassoc = ", ".join("[" + ", ".join(str(i) for i in g) + "]"
                            for g in groups)
        self.emit(f"{v} = tensor.collapse_shape {x} [{reassoc}] : "
                  f"{ttype(shape)} into {ttype(out)}")
        return v, out

    def expand(self, x, shape, groups, out):
        v = self.fresh()
        reassoc = ", ".join("[" + ", ".join(str(i) for i in g) + "]"
                            for g in groups)
        self.emit(f"{v} = tensor.expand_shape {x} [{reassoc}] output_shape "
                  f"[{', '.join(str(d) for d in out)}] : {ttype(shape)} into "
                  f"{ttype(out)}")
        return v, out

    def transpose(self, x, shape, perm):
        out = [shape[p] for p in perm]
        e = self.empty(out)
        v = self.fresh()
        self.emit(f"{v} = linalg.transpose ins({x} : {ttype(shape)}) "
                  f"outs({e} : {ttype(out)}) permutation = "
                  f"[{', '.join(str(p) for p in perm)}]")
        return v, out

    def slice(self, x, shape, offsets, sizes):
        v = self.fresh()
        j = lambda xs: ", ".join(str(d) for d in xs)
        self.emit(f"{v} = tensor.extract_slice {x}[{j(offsets)}] [{j(sizes)}] "
                  f"[{j([1] * len(sizes))}] : {ttype(shape)} to {ttype(sizes)}")
        return v, list(sizes)


# --- the networks -------------------------------------------------------------


def resnet18(b):
    x, s = "%input", [1, 3, 224, 224]
    x, s = b.conv("conv1", x, s, 64, 7, 2, 3)
    x = b.relu(x, s)
    b.comment("maxpool: 3x3 stride 2 pad 1")
    x, s = b.maxpool(x, s, 3, 2, 1)
    channels = 64
    for stage, width in enumerate([64, 128, 256, 512], start=1):
        for block in range(2):
            p = f"layer{stage}.{block}"
            stride = 2 if stage > 1 and block == 0 else 1
            inp, ins = x, s
            identity = inp
            if stride != 1 or channels != width:
                # The reference table lists the downsample before the block's
                # first 3x3 conv; it only reads the block input, so it runs
                # first here too.
                identity, _ = b.conv(f"{p}.downsample.0", inp, ins, width, 1,
                                     stride, 0)
            x, s = b.conv(f"{p}.conv1", inp, ins, width, 3, stride, 1)
            x = b.relu(x, s)
            x, s = b.conv(f"{p}.conv2", x, s, width, 3, 1, 1)
            b.comment(f"{p}: residual add and ReLU")
            x = b.add(x, identity, s)
            x = b.relu(x, s)
            channels = width
    b.comment("avgpool: global average over 7x7, then flatten")
    x, s = b.global_avgpool(x, s)
    x, s = b.collapse(x, s, [[0], [1, 2, 3]])
    x, s = b.dense("fc", x, s, 1000)
    return x


def vgg16(b):
    cfg = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
           512, 512, 512, "M"]
    x, s = "%input", [1, 3, 224, 224]
    index = 0  # torchvision's index into `features`
    for v in cfg:
        if v == "M":
            b.comment(f"features.{index}: maxpool 2x2 stride 2")
            x, s = b.maxpool(x, s, 2, 2, 0)
            index += 1
        else:
            x, s = b.conv(f"features.{index}", x, s, v, 3, 1, 1)
            x = b.relu(x, s)
            index += 2
    b.comment("avgpool: AdaptiveAvgPool2d((7, 7)) is the identity on 7x7; "
              "flatten")
    x, s = b.collapse(x, s, [[0], [1, 2, 3]])
    x, s = b.dense("classifier.0", x, s, 4096)
    x = b.relu(x, s)
    b.comment("classifier.2 and .5 are Dropout: the identity at inference")
    x, s = b.dense("classifier.3", x, s, 4096)
    x = b.relu(x, s)
    x, s = b.dense("classifier.6", x, s, 1000)
    return x


def vitb32(b):
    hidden, heads, mlp, layers = 768, 12, 3072, 12
    hd = hidden // heads
    x, s = "%input", [1, 3, 224, 224]
    x, s = b.conv("conv_proj", x, s, hidden, 32, 32, 0)
    b.comment("patches to tokens: [1, 768, 7, 7] -> [49, 768]; prepend the "
              "class token, add the position embedding")
    x, s = b.collapse(x, s, [[0, 1], [2, 3]])
    x, s = b.transpose(x, s, [1, 0])
    cls = b.const([1, hidden])
    tokens = s[0] + 1
    v = b.fresh()
    b.emit(f"{v} = tensor.concat dim(0) {cls}, {x} : ({ttype([1, hidden])}, "
           f"{ttype(s)}) -> {ttype([tokens, hidden])}")
    x, s = v, [tokens, hidden]
    pos = b.const(s)
    x = b.add(x, pos, s)
    for i in range(layers):
        p = f"encoder.layers.encoder_layer_{i}"
        b.comment(f"{p}.ln_1")
        y = b.layernorm(x, s)
        y, ys = b.dense(f"{p}.self_attention.in_proj", y, s, 3 * hidden)
        b.comment(f"{p}: split Q, K, V into {heads} heads of {hd}")
        q, qs = b.slice(y, ys, [0, 0], [tokens, hidden])
        k, ks = b.slice(y, ys, [0, hidden], [tokens, hidden])
        vv, vs = b.slice(y, ys, [0, 2 * hidden], [tokens, hidden])
        q, qs = b.expand(q, qs, [[0], [1, 2]], [tokens, heads, hd])
        q, qs = b.transpose(q, qs, [1, 0, 2])
        k, ks = b.expand(k, ks, [[0], [1, 2]], [tokens, heads, hd])
        k, ks = b.transpose(k, ks, [1, 2, 0])
        vv, vs = b.expand(vv, vs, [[0], [1, 2]], [tokens, heads, hd])
        vv, vs = b.transpose(vv, vs, [1, 0, 2])
        a, a_s = b.batch_matmul(f"{p}.self_attention.qk", q, qs, k, ks)
        b.comment(f"{p}: scores / sqrt({hd}), softmax over keys")
        a = b.scale(a, a_s, "0.125")
        e = b.empty(a_s)
        sm = b.fresh()
        b.emit(f"{sm} = linalg.softmax dimension(2) ins({a} : {ttype(a_s)}) "
               f"outs({e} : {ttype(a_s)}) -> {ttype(a_s)}")
        o, os_ = b.batch_matmul(f"{p}.self_attention.av", sm, a_s, vv, vs)
        b.comment(f"{p}: merge heads")
        o, os_ = b.transpose(o, os_, [1, 0, 2])
        o, os_ = b.collapse(o, os_, [[0], [1, 2]])
        o, os_ = b.dense(f"{p}.self_attention.out_proj", o, os_, hidden)
        b.comment(f"{p}: residual add")
        x = b.add(x, o, s)
        b.comment(f"{p}.ln_2")
        y = b.layernorm(x, s)
        y, ys = b.dense(f"{p}.mlp.0", y, s, mlp)
        b.comment(f"{p}.mlp.1: GELU")
        y = b.gelu(y, ys)
        y, ys = b.dense(f"{p}.mlp.3", y, ys, hidden)
        b.comment(f"{p}: residual add")
        x = b.add(x, y, s)
    b.comment("encoder.ln, then the class token only")
    x = b.layernorm(x, s)
    x, s = b.slice(x, s, [0, 0], [1, hidden])
    x, s = b.dense("heads.head", x, s, 1000)
    return x


NETWORKS = [
    ("resnet18", resnet18, "torchvision.models.resnet18",
     "Batch-norm is folded into the convolutions: every conv has a bias and "
     "there are no batch-norm ops."),
    ("vgg16", vgg16, "torchvision.models.vgg16",
     "Dropout is the identity at inference and is left out."),
    ("vitb32", vitb32, "torchvision.models.vit_b_32",
     "50 tokens (49 patches + class token); LayerNorm eps 1e-6, exact GELU; "
     "attention's Q.K^T and A.V are linalg.batch_matmul over the 12 heads with "
     "both operands activations. Dropout is left out."),
]


def smallcnn(b):
    x, s = "%input", [1, 1, 8, 8]
    x, s = b.conv("conv1", x, s, 4, 3, 1, 1)
    x = b.relu(x, s)
    b.comment("pool1: maxpool 2x2 stride 2")
    x, s = b.maxpool(x, s, 2, 2, 0)
    x, s = b.conv("conv2", x, s, 8, 3, 1, 1)
    x = b.relu(x, s)
    identity = x
    x, s = b.conv("conv3", x, s, 8, 3, 1, 1)
    b.comment("residual add and ReLU")
    x = b.add(x, identity, s)
    x = b.relu(x, s)
    b.comment("global average over 4x4, then flatten")
    x, s = b.global_avgpool(x, s)
    x, s = b.collapse(x, s, [[0], [1, 2, 3]])
    x, s = b.dense("fc", x, s, 10)
    return x


def mlp(b):
    x, s = "%input", [4, 16]
    x, s = b.dense("fc1", x, s, 32)
    x = b.relu(x, s)
    x, s = b.dense("fc2", x, s, 24)
    x = b.relu(x, s)
    x, s = b.dense("fc3", x, s, 10)
    return x


# Small models with deterministic non-trivial parameters, for end-to-end
# correctness tests: (name, builder, LCG seed, input shape, output shape,
# description).
SMALL_MODELS = [
    ("smallcnn", smallcnn, 1, [1, 1, 8, 8], [1, 10],
     "A small CNN on one 8x8 channel: conv 4x1x3x3 + bias + ReLU, maxpool "
     "2x2, conv 8x4x3x3 + bias + ReLU, conv 8x8x3x3 + bias, residual add, "
     "ReLU, global average pool, flatten, dense 8 -> 10."),
    ("mlp", mlp, 2, [4, 16], [4, 10],
     "A three-layer perceptron on a batch of 4: dense 16 -> 32 + ReLU, "
     "dense 32 -> 24 + ReLU, dense 24 -> 10 (biases on every layer)."),
]


def small_header(net, note, layers):
    out = [
        f"// {net}: f32 linalg on tensors, for end-to-end correctness tests.",
        "//",
        "// GENERATED by examples/models/gen_models.py -- do not edit; run",
        "//   python3 examples/models/gen_models.py",
        "// and commit the result (test/e2e/models-regenerate.test diffs them).",
        "//",
        "// Parameters are deterministic (a 32-bit LCG): weights are multiples",
        "// of 1/32 in [-1/2, 1/2], biases multiples of 1/16 in [-1/2, 1/2],",
        "// so every value is exact in f32.",
    ]
    out += ["// " + l for l in textwrap.wrap(note, 76)]
    out += ["//", "// Matrix-vector layers in program order:", "//",
            "//   #   name     kind    out_dim in_dim invocations repeat"]
    for i, l in enumerate(layers):
        out.append(f"//   {i:<3} {l.name:<8} {l.kind:<7} {l.out_dim:>7} "
                   f"{l.in_dim:>6} {l.invocations:>11} {l.repeat:>6}")
    return "\n".join(out) + "\n"


def build_small(net, fn, seed, in_shape, out_shape, note):
    b = Builder(seed)
    result = fn(b)
    body = "\n".join(b.lines)
    text = small_header(net, note, b.layers) + "\n" + MAPS + "\n"
    text += (f"func.func @forward(%input: {ttype(in_shape)}) -> "
             f"{ttype(out_shape)} {{\n")
    text += "  %zero = arith.constant 0.0 : f32\n"
    text += "  %ninf = arith.constant 0xFF800000 : f32\n"
    text += body + "\n"
    text += f"  return {result} : {ttype(out_shape)}\n}}\n"
    return text


def header(net, model, note, layers):
    out = [
        f"// {net}: {model}, 224x224 ImageNet, batch 1, f32 linalg on tensors.",
        "//",
        "// GENERATED by examples/models/gen_models.py -- do not edit; run",
        "//   python3 examples/models/gen_models.py",
        "// and commit the result (test/e2e/models-regenerate.test diffs them).",
        "//",
        f"// Weights are SPLAT constants (dense<{WEIGHT}>; biases 0) to keep the",
        "// file small: the layer shapes are exact, the values are not trained.",
    ]
    out += ["// " + l for l in textwrap.wrap(note, 76)]
    out += [
        "// Layouts: activations NCHW, conv weights FCHW, dense weights [K, N]",
        "// (linalg.matmul: activations [M, K] x weights [K, N]).",
        "//",
        "// Matrix-vector layers in program order = rows of the reference table",
        "// (cim-aq-policies.json \"layer_dimensions\"; policy row i is layer i).",
        "// docs/models.md explains the mapping.",
        "//",
        "//   #   torchvision name                               kind    "
        "out_dim in_dim invocations repeat",
    ]
    for i, l in enumerate(layers):
        out.append(f"//   {i:<3} {l.name:<46} {l.kind:<7} {l.out_dim:>7} "
                   f"{l.in_dim:>6} {l.invocations:>11} {l.repeat:>6}")
    return "\n".join(out) + "\n"


def build(net, fn, model, note):
    b = Builder()
    result = fn(b)
    body = "\n".join(b.lines)
    text = header(net, model, note, b.layers) + "\n" + MAPS + "\n"
    text += ("func.func @forward(%input: tensor<1x3x224x224xf32>) -> "
             "tensor<1x1000xf32> {\n")
    text += "  %zero = arith.constant 0.0 : f32\n"
    text += "  %ninf = arith.constant 0xFF800000 : f32\n"
    text += body + "\n"
    text += f"  return {result} : tensor<1x1000xf32>\n}}\n"
    return text, b.layers


def check_against_reference(net, layers, reference):
    ref = reference["layer_dimensions"][net]
    for i, (ours, theirs) in enumerate(zip(layers, ref)):
        got = (ours.kind, ours.out_dim, ours.in_dim, ours.invocations,
               ours.repeat)
        want = (theirs["type"], theirs["output_dim"], theirs["input_dim"],
                theirs["mvm_invocations"], theirs["repeat_factor"])
        if got != want:
            sys.exit(f"gen_models.py: {net} layer {i} ({ours.name}): "
                     f"(kind, out, in, invocations, repeat) = {got}, "
                     f"the reference says {want}")
    if len(layers) != len(ref):
        sys.exit(f"gen_models.py: {net} has {len(layers)} layers, the "
                 f"reference has {len(ref)}")


def policy_json(rows):
    return "[\n" + ",\n".join(f"  [{w}, {a}]" for w, a in rows) + "\n]\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=REPO,
                    help="tree to write into (default: the repository)")
    ap.add_argument("--reference", default=REFERENCE,
                    help="the reference policies and layer table")
    args = ap.parse_args()
    with open(args.reference, encoding="utf-8") as f:
        reference = json.load(f)
    outputs = []
    for net, fn, model, note in NETWORKS:
        text, layers = build(net, fn, model, note)
        check_against_reference(net, layers, reference)
        outputs.append((os.path.join("examples", "models", net + ".mlir"), text))
    for net, fn, seed, in_shape, out_shape, note in SMALL_MODELS:
        outputs.append((os.path.join("examples", "models", net + ".mlir"),
                        build_small(net, fn, seed, in_shape, out_shape, note)))
    for name in sorted(reference["policies"]):
        outputs.append((os.path.join("test", "e2e", "Inputs", name + ".json"),
                        policy_json(reference["policies"][name])))
    for rel, text in outputs:
        write(os.path.join(args.root, rel), text)


if __name__ == "__main__":
    main()
