#!/usr/bin/python3
"""Small hand-built ONNX graphs of a vision transformer's operators, with
NumPy references (float64, ONNX's definitions) for transformer-ops.test.

  transformer_models.py KIND OUT.onnx [X.npy REF.npy]

KIND:
  ln-decomposed  LayerNorm as torch 1.13 exports it at opset 13:
                 ReduceMean -> Sub -> Pow(2) -> ReduceMean -> Add(eps) ->
                 Sqrt -> Div -> Mul(gamma) -> Add(beta), x [2, 3, 8];
                 gamma/beta initializers, eps a Constant node after the first
                 ReduceMean (as torch writes it)
  ln-plain       the same without Mul/Add (gamma 1, beta 0), Mul(d, d) as
                 the square, x [5, 6]
  ln-op          LayerNormalization (opset 17), x [2, 4, 6], Scale [6],
                 B [1, 6], epsilon 1e-3
  gelu           torch's exact GELU: Div(x, sqrt 2) -> Erf -> Add(1) ->
                 Mul(x, .) -> Mul(0.5), x [4, 16]
  class-token    ViT's class token: ConstantOfShape / Mul / Equal / Where
                 compute the Expand shape [1, 1, 1] of a [1, 1, 8] constant,
                 Concat with x [1, 3, 8] along axis 1
  err-ln-axis, err-ln-scale, err-ln-mean, err-ln-gamma, err-where, err-equal, err-expand, err-pow
                 one unsupported use each (transformer-ops.test checks the
                 diagnostics)
"""
import math
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT


def const(name, value, dtype=np.float32):
    return helper.make_node("Constant", [], [name],
                            value=numpy_helper.from_array(
                                np.asarray(value, dtype=dtype), name))


def vi(name, shape, t=F):
    return helper.make_tensor_value_info(name, t, shape)


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(m)
    return m


def ln_ref(x, gamma, beta, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def ln_decomposed(rng, affine):
    shape = [2, 3, 8] if affine else [5, 6]
    n = shape[-1]
    gamma = rng.uniform(0.5, 1.5, n).astype(np.float32)
    beta = rng.uniform(-0.5, 0.5, n).astype(np.float32)
    eps = np.float32(1e-5)
    nodes = [helper.make_node("ReduceMean", ["x"], ["m"], name="ln/ReduceMean",
                              axes=[-1]),
             helper.make_node("Sub", ["x", "m"], ["d"], name="ln/Sub")]
    if affine:
        nodes += [const("two", 2.0),
                  helper.make_node("Pow", ["d", "two"], ["p"], name="ln/Pow")]
    else:
        nodes += [helper.make_node("Mul", ["d", "d"], ["p"], name="ln/Sq")]
    nodes += [helper.make_node("ReduceMean", ["p"], ["v"],
                               name="ln/ReduceMean_1", axes=[-1]),
              const("eps", eps),
              helper.make_node("Add", ["v", "eps"], ["ve"], name="ln/Add"),
              helper.make_node("Sqrt", ["ve"], ["s"], name="ln/Sqrt"),
              helper.make_node("Div", ["d", "s"], ["y" if not affine else "q"],
                               name="ln/Div")]
    inits = []
    if affine:
        nodes += [helper.make_node("Mul", ["q", "gamma"], ["g"], name="ln/Mul"),
                  helper.make_node("Add", ["g", "beta"], ["y"],
                                   name="ln/Add_1")]
        inits = [numpy_helper.from_array(gamma, "gamma"),
                 numpy_helper.from_array(beta, "beta")]
    else:
        gamma, beta = np.float32(1), np.float32(0)
    m = model(nodes, [vi("x", shape)], [vi("y", shape)], inits)
    x = rng.standard_normal(shape).astype(np.float32)
    return m, x, ln_ref(x.astype(np.float64), gamma, beta, float(eps))


def ln_gamma_input():
    """The decomposition with gamma a graph input (not a constant)."""
    m, _, _ = ln_decomposed(np.random.default_rng(0), True)
    g = m.graph
    keep = [i for i in g.initializer if i.name != "gamma"]
    del g.initializer[:]
    g.initializer.extend(keep)
    g.input.append(vi("gamma", [8]))
    onnx.checker.check_model(m)
    return m


def ln_op(rng):
    shape = [2, 4, 6]
    scale = rng.uniform(0.5, 1.5, 6).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, (1, 6)).astype(np.float32)
    node = helper.make_node("LayerNormalization", ["x", "scale", "b"], ["y"],
                            name="ln", axis=-1, epsilon=1e-3)
    m = model([node], [vi("x", shape)], [vi("y", shape)],
              [numpy_helper.from_array(scale, "scale"),
               numpy_helper.from_array(b, "b")], opset=17)
    x = rng.standard_normal(shape).astype(np.float32)
    return m, x, ln_ref(x.astype(np.float64), scale, b, float(np.float32(1e-3)))


def gelu(rng):
    shape = [4, 16]
    nodes = [const("c", 1.4142135381698608),
             helper.make_node("Div", ["x", "c"], ["u"], name="act/Div"),
             helper.make_node("Erf", ["u"], ["e"], name="act/Erf"),
             const("one", 1.0),
             helper.make_node("Add", ["e", "one"], ["p"], name="act/Add"),
             helper.make_node("Mul", ["x", "p"], ["h"], name="act/Mul"),
             const("half", 0.5),
             helper.make_node("Mul", ["h", "half"], ["y"], name="act/Mul_1")]
    m = model(nodes, [vi("x", shape)], [vi("y", shape)])
    x = (3 * rng.standard_normal(shape)).astype(np.float32)
    erf = np.vectorize(math.erf)
    xd = x.astype(np.float64)
    return m, x, xd * 0.5 * (1 + erf(xd / math.sqrt(2)))


def class_token(rng):
    tok = rng.standard_normal((1, 1, 8)).astype(np.float32)
    i64 = np.int64
    nodes = [const("shape", [1, -1, -1], i64), const("three", [3], i64),
             helper.make_node("ConstantOfShape", ["three"], ["ones"],
                              value=numpy_helper.from_array(
                                  np.array([1], dtype=i64))),
             const("minus1", -1, i64),
             helper.make_node("Mul", ["ones", "minus1"], ["neg"]),
             helper.make_node("Equal", ["shape", "neg"], ["eq"], name="Equal"),
             helper.make_node("Where", ["eq", "ones", "shape"], ["ws"],
                              name="Where"),
             helper.make_node("Expand", ["tok", "ws"], ["cls"], name="Expand"),
             helper.make_node("Concat", ["cls", "x"], ["y"], axis=1)]
    m = model(nodes, [vi("x", [1, 3, 8])], [vi("y", [1, 4, 8])],
              [numpy_helper.from_array(tok, "tok")])
    x = rng.standard_normal((1, 3, 8)).astype(np.float32)
    return m, x, np.concatenate([tok, x], axis=1).astype(np.float64)


def error_model(kind):
    x = vi("x", [2, 3, 4])
    y = vi("y", [2, 3, 4])
    if kind == "err-ln-axis":
        s = numpy_helper.from_array(np.ones((3, 4), np.float32), "s")
        return model([helper.make_node("LayerNormalization", ["x", "s"], ["y"],
                                       name="ln", axis=1)], [x], [y], [s], 17)
    if kind == "err-ln-scale":
        return model([helper.make_node("LayerNormalization", ["x", "s"], ["y"],
                                       name="ln")],
                     [x, vi("s", [4])], [y], opset=17)
    if kind == "err-ln-gamma":
        return ln_gamma_input()
    if kind == "err-ln-mean":
        s = numpy_helper.from_array(np.ones(4, np.float32), "s")
        return model([helper.make_node("LayerNormalization", ["x", "s"],
                                       ["y", "mean"], name="ln")], [x],
                     [y, vi("mean", [2, 3, 1])], [s], 17)
    if kind == "err-where":
        c = numpy_helper.from_array(np.ones((2, 3, 4), bool), "c")
        z = numpy_helper.from_array(np.zeros((2, 3, 4), np.float32), "z")
        return model([helper.make_node("Where", ["c", "x", "z"], ["y"],
                                       name="where")], [x], [y], [c, z])
    if kind == "err-equal":
        z = numpy_helper.from_array(np.zeros((2, 3, 4), np.float32), "z")
        return model([helper.make_node("Equal", ["x", "z"], ["y"],
                                       name="eq")], [x],
                     [vi("y", [2, 3, 4], TensorProto.BOOL)], [z])
    if kind == "err-expand":
        s = numpy_helper.from_array(np.array([2, 2, 3, 4], np.int64), "s")
        return model([helper.make_node("Expand", ["x", "s"], ["y"],
                                       name="expand")], [x],
                     [vi("y", [2, 2, 3, 4])], [s])
    if kind == "err-pow":
        return model([helper.make_node("Pow", ["x", "e"], ["y"], name="pow")],
                     [x, vi("e", [2, 3, 4])], [y])
    sys.exit(f"unknown kind {kind}")


def main(argv):
    kind, out = argv[1], argv[2]
    rng = np.random.default_rng(13)
    build = {"ln-decomposed": lambda: ln_decomposed(rng, True),
             "ln-plain": lambda: ln_decomposed(rng, False),
             "ln-op": lambda: ln_op(rng), "gelu": lambda: gelu(rng),
             "class-token": lambda: class_token(rng)}
    if kind.startswith("err-"):
        onnx.save(error_model(kind), out)
        return 0
    m, x, ref = build[kind]()
    onnx.save(m, out)
    np.save(argv[3], x)
    np.save(argv[4], ref)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
