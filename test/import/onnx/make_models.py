#!/usr/bin/python3
"""Small ONNX models for the importer's lit tests, built with onnx.helper.

  make_models.py KIND OUT.onnx [REF_IN.npy REF_OUT.npy]

  make_models.py external OUT.onnx LOCATION [OFFSET [LENGTH]]
  make_models.py conv-bn OUT.onnx X.npy REF.npy
  make_models.py op-error OUT.onnx NAME   (see op_error_model)
  make_models.py gconv OUT.onnx GROUPS CIN COUT X_ZERO_POINT X.npy REF.npy [bias]

KIND: qcdq (QuantizeLinear -> Clip -> DequantizeLinear on activations and
weights, with REF_* as for qdq), qcdq-types (Clip ranges and their storage
types), qdq (QDQ Conv + Relu + MaxPool + Flatten + Gemm, per-axis int8
weights; with REF_* also writes a float input and the expected quantized
output computed here in NumPy by ONNX's definitions of QuantizeLinear /
DequantizeLinear / Conv / Gemm: an independent reference), unsupported,
dynamic, runtime-scale.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def q(x, s, z, lo, hi):
    return np.clip(np.rint(x / s) + z, lo, hi)


def qdq_model():
    rng = np.random.default_rng(13)
    w = rng.integers(-7, 8, size=(3, 2, 3, 3)).astype(np.int8)  # 4-bit values
    ws = np.array([0.05, 0.1, 0.025], np.float32)
    b = np.array([0.5, -0.25, 0.125], np.float32)
    g = rng.integers(-127, 128, size=(4, 12)).astype(np.int8)   # [N, K], transB
    gs = np.float32(0.01)
    gb = np.array([0.1, -0.2, 0.3, 0.0], np.float32)
    inits = [
        numpy_helper.from_array(w, "w_q"), numpy_helper.from_array(ws, "w_s"),
        numpy_helper.from_array(np.zeros(3, np.int8), "w_z"),
        numpy_helper.from_array(b, "conv_b"),
        numpy_helper.from_array(g, "g_q"), numpy_helper.from_array(np.array(gs), "g_s"),
        numpy_helper.from_array(np.array(0, np.int8), "g_z"),
        numpy_helper.from_array(gb, "gemm_b"),
        numpy_helper.from_array(np.array(np.float32(0.5)), "x_s"),
        numpy_helper.from_array(np.array(3, np.uint8), "x_z"),
        numpy_helper.from_array(np.array(np.float32(0.25)), "r_s"),
        numpy_helper.from_array(np.array(0, np.uint8), "r_z"),
        numpy_helper.from_array(np.array(np.float32(0.125)), "y_s"),
        numpy_helper.from_array(np.array(0, np.int8), "y_z"),
    ]
    N = helper.make_node
    nodes = [
        N("QuantizeLinear", ["x", "x_s", "x_z"], ["xq"], name="x_quant"),
        N("DequantizeLinear", ["xq", "x_s", "x_z"], ["xd"], name="x_dequant"),
        N("DequantizeLinear", ["w_q", "w_s", "w_z"], ["wd"], name="w_dequant", axis=0),
        N("Conv", ["xd", "wd", "conv_b"], ["c"], name="conv1", pads=[1, 1, 1, 1],
          kernel_shape=[3, 3]),
        N("Relu", ["c"], ["r"], name="relu1"),
        N("QuantizeLinear", ["r", "r_s", "r_z"], ["rq"], name="r_quant"),
        N("DequantizeLinear", ["rq", "r_s", "r_z"], ["rd"], name="r_dequant"),
        N("MaxPool", ["rd"], ["p"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        N("Flatten", ["p"], ["f"], name="flatten"),
        N("DequantizeLinear", ["g_q", "g_s", "g_z"], ["gd"], name="g_dequant"),
        N("Gemm", ["f", "gd", "gemm_b"], ["y"], name="fc", transB=1),
        N("QuantizeLinear", ["y", "y_s", "y_z"], ["yq"], name="y_quant"),
        N("DequantizeLinear", ["yq", "y_s", "y_z"], ["out"], name="y_dequant"),
    ]
    graph = helper.make_graph(
        nodes, "qdq_net",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 4])], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)

    def reference(x):
        xd = (q(x, 0.5, 3, 0, 255) - 3) * 0.5
        wd = w.astype(np.float64) * ws.astype(np.float64)[:, None, None, None]
        xp = np.pad(xd, ((0, 0), (0, 0), (1, 1), (1, 1)))
        c = np.zeros((1, 3, 4, 4))
        for f in range(3):
            for i in range(4):
                for j in range(4):
                    c[0, f, i, j] = np.sum(xp[0, :, i:i + 3, j:j + 3] * wd[f]) + b[f]
        r = np.maximum(c, 0)
        rd = q(r, 0.25, 0, 0, 255) * 0.25
        p = rd.reshape(1, 3, 2, 2, 2, 2).max(axis=(3, 5))
        f_ = p.reshape(1, 12)
        y = f_ @ (g.astype(np.float64) * float(gs)).T + gb
        return q(y, 0.125, 0, -128, 127).astype(np.int8)
    return m, reference


def simple(kind):
    N = helper.make_node
    if kind == "unsupported":
        nodes = [N("HardSwish", ["x"], ["y"], name="hs1")]
        shape = [1, 4]
        ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)]
        inits = []
    elif kind == "dynamic":
        nodes = [N("Relu", ["x"], ["y"], name="relu")]
        shape = ["N", 4]
        ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)]
        inits = []
    elif kind == "runtime-scale":
        nodes = [N("QuantizeLinear", ["x", "s"], ["y"], name="quant_x")]
        shape = [1, 4]
        ins = [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape),
               helper.make_tensor_value_info("s", TensorProto.FLOAT, [])]
        inits = []
    out_t = TensorProto.UINT8 if kind == "runtime-scale" else TensorProto.FLOAT
    graph = helper.make_graph(nodes, kind, ins,
                              [helper.make_tensor_value_info("y", out_t, shape)], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def qcdq_model():
    """QuantizeLinear -> Clip -> DequantizeLinear ("QCDQ", what a low-bit QAT
    export writes) on activations and on int8 weight constants: a 3-bit
    unsigned input, a Gemm with 3-bit weights (int8 in [-4, 4] clipped to
    [-3, 3]), a 4-bit signed activation, a MatMul with 2-bit per-column
    weights, a 4-bit unsigned output with zero point 3. Returns the model
    and its NumPy reference (ONNX's definitions, float64: every value is a
    dyadic rational, so exact)."""
    rng = np.random.default_rng(15)
    w1 = rng.integers(-4, 5, size=(4, 8)).astype(np.int8)   # [N, K], transB
    w1[0, :2] = [-4, 4]                                      # the Clip cuts
    b1 = (rng.integers(-8, 9, size=4) * 0.125).astype(np.float32)  # on s_a s_w
    w2 = rng.integers(-2, 3, size=(4, 2)).astype(np.int8)
    w2[:2, 0] = [-2, 2]
    w2s = np.array([0.5, 0.25], np.float32)
    init = numpy_helper.from_array
    u8, i8 = (lambda v: np.array(v, np.uint8)), (lambda v: np.array(v, np.int8))
    f32 = lambda v: np.array(v, np.float32)
    inits = [
        init(f32(0.25), "x_s"), init(u8(0), "x_z"), init(u8(0), "x_lo"),
        init(u8(7), "x_hi"),
        init(w1, "w1_q"), init(i8(-3), "w1_lo"), init(i8(3), "w1_hi"),
        init(f32(0.5), "w1_s"), init(i8(0), "w1_z"), init(b1, "b1"),
        init(f32(0.125), "h_s"), init(i8(0), "h_z"), init(i8(-7), "h_lo"),
        init(i8(7), "h_hi"),
        init(w2, "w2_q"), init(i8(-1), "w2_lo"), init(i8(1), "w2_hi"),
        init(w2s, "w2_s"), init(np.zeros(2, np.int8), "w2_z"),
        init(f32(0.0625), "y_s"), init(u8(3), "y_z"), init(u8(0), "y_lo"),
        init(u8(10), "y_hi"),
    ]
    N = helper.make_node
    nodes = [
        N("QuantizeLinear", ["x", "x_s", "x_z"], ["xq"], name="x_quant"),
        N("Clip", ["xq", "x_lo", "x_hi"], ["xc"], name="x_clip"),
        N("DequantizeLinear", ["xc", "x_s", "x_z"], ["xd"], name="x_dequant"),
        N("Clip", ["w1_q", "w1_lo", "w1_hi"], ["w1c"], name="w1_clip"),
        N("DequantizeLinear", ["w1c", "w1_s", "w1_z"], ["w1d"], name="w1_dequant"),
        N("Gemm", ["xd", "w1d", "b1"], ["h"], name="fc1", transB=1),
        N("QuantizeLinear", ["h", "h_s", "h_z"], ["hq"], name="h_quant"),
        N("Clip", ["hq", "h_lo", "h_hi"], ["hc"], name="h_clip"),
        N("DequantizeLinear", ["hc", "h_s", "h_z"], ["hd"], name="h_dequant"),
        N("Clip", ["w2_q", "w2_lo", "w2_hi"], ["w2c"], name="w2_clip"),
        N("DequantizeLinear", ["w2c", "w2_s", "w2_z"], ["w2d"], name="w2_dequant",
          axis=1),
        N("MatMul", ["hd", "w2d"], ["m"], name="mm2"),
        N("QuantizeLinear", ["m", "y_s", "y_z"], ["yq"], name="y_quant"),
        N("Clip", ["yq", "y_lo", "y_hi"], ["yc"], name="y_clip"),
        N("DequantizeLinear", ["yc", "y_s", "y_z"], ["y"], name="y_dequant"),
    ]
    g = helper.make_graph(nodes, "qcdq_net",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 2])],
                          inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)

    def ref(x):
        xd = 0.25 * np.clip(q(x, 0.25, 0, 0, 255), 0, 7)
        h = xd @ (0.5 * np.clip(w1, -3, 3).astype(np.float64)).T + b1
        hd = 0.125 * np.clip(q(h, 0.125, 0, -128, 127), -7, 7)
        mm = hd @ (np.clip(w2, -1, 1) * w2s.astype(np.float64))
        return (0.0625 * (np.clip(q(mm, 0.0625, 3, 0, 255), 0, 10) - 3)).astype(np.float32)
    return m, ref


def qcdq_types_model():
    """Clip ranges whose narrowest storage is not the obvious one: int8
    clipped to [0, 5] (unsigned), uint8 with only a max of 127 (torch's
    reduce-range activations), int8 clipped to its whole range (no
    narrowing), two Clips in a row (the intersection), a ReLU of a clipped
    value."""
    init = numpy_helper.from_array
    u8, i8 = (lambda v: np.array(v, np.uint8)), (lambda v: np.array(v, np.int8))
    inits = [init(np.array(0.5, np.float32), "s"), init(i8(0), "zi"),
             init(u8(0), "zu"), init(i8(0), "i0"), init(i8(5), "i5"),
             init(u8(127), "u127"), init(i8(-128), "i_min"), init(i8(127), "i_max"),
             init(u8(100), "u100"), init(u8(31), "u31")]
    N = helper.make_node
    nodes, outs = [], []
    for k, (zp, lo, hi) in enumerate([("zi", "i0", "i5"), ("zu", "", "u127"),
                                      ("zi", "i_min", "i_max"),
                                      ("zu", "zu", "u100")]):
        nodes += [N("QuantizeLinear", ["x", "s", zp], [f"q{k}"], name=f"quant{k}"),
                  N("Clip", [f"q{k}", lo, hi], [f"c{k}"], name=f"clip{k}")]
        last = f"c{k}"
        if k == 3:
            nodes.append(N("Clip", [last, "zu", "u31"], ["cc3"], name="clip3b"))
            last = "cc3"
        nodes.append(N("DequantizeLinear", [last, "s", zp], [f"y{k}"],
                       name=f"dequant{k}"))
        outs.append(helper.make_tensor_value_info(f"y{k}", TensorProto.FLOAT, [1, 4]))
    # torch's eager QAT order: Q -> Clip -> DQ -> Relu (the ReLU's result is
    # on the clipped grid, cut at the zero point).
    nodes += [N("QuantizeLinear", ["x", "s", "zi"], ["q4"], name="quant4"),
              N("Clip", ["q4", "i_m7", "i7"], ["c4"], name="clip4"),
              N("DequantizeLinear", ["c4", "s", "zi"], ["d4"], name="dequant4"),
              N("Relu", ["d4"], ["y4"], name="relu4")]
    inits += [init(i8(-7), "i_m7"), init(i8(7), "i7")]
    outs.append(helper.make_tensor_value_info("y4", TensorProto.FLOAT, [1, 4]))
    g = helper.make_graph(nodes, "qcdq_types",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                          outs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    return m


def external_model(out, location, offset=None, length=None):
    """y = x + w, w [1, 4] float stored in external data at LOCATION (raw
    entries, not checked: the importer must refuse the bad ones itself).
    Also writes OUT's directory/w..bin: 8 bytes of padding, then w =
    [1, 2, 3, 4] as float32 (offset 8, length 16)."""
    import os
    d = os.path.dirname(os.path.abspath(out))
    with open(os.path.join(d, "w..bin"), "wb") as f:
        f.write(b"\0" * 8 + np.array([1, 2, 3, 4], np.float32).tobytes())
    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[1, 4])
    w.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", offset), ("length", length)):
        if v is not None:
            e = w.external_data.add()
            e.key, e.value = k, v
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"], name="add")], "external",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], [w])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    with open(out, "wb") as f:
        f.write(m.SerializeToString())


def gconv_model(out, groups, cin, cout, xz, xpath, refpath, bias=None):
    """QDQ Conv with `group` = groups (pads 1, 3x3, 4-bit-valued int8 weights
    at scale 1/16, uint8 activations at scale 1/2 with zero point xz, output
    uint8 at scale 1/4, zero point 10; with `bias`, a float bias of
    (f - F/2) / 8 per filter f). Writes an input and the expected
    output computed here by ONNX's definitions (power-of-two scales: every
    tie of the output rounding is exact, and rounds half to even)."""
    G, C, F, XZ = (int(v) for v in (groups, cin, cout, xz))
    rng = np.random.default_rng(1)
    w = rng.integers(-7, 8, size=(F, C // G, 3, 3)).astype(np.int8)
    b = (np.arange(F) - F / 2).astype(np.float32) / 8 if bias else None
    init = numpy_helper.from_array
    inits = [init(w, "w_q"), init(np.array(np.float32(0.0625)), "w_s"),
             init(np.array(0, np.int8), "w_z"),
             init(np.array(np.float32(0.5)), "x_s"),
             init(np.array(XZ, np.uint8), "x_z"),
             init(np.array(np.float32(0.25)), "y_s"),
             init(np.array(10, np.uint8), "y_z")]
    if bias:
        inits.append(init(b, "b"))
    N = helper.make_node
    nodes = [N("QuantizeLinear", ["x", "x_s", "x_z"], ["xq"]),
             N("DequantizeLinear", ["xq", "x_s", "x_z"], ["xd"]),
             N("DequantizeLinear", ["w_q", "w_s", "w_z"], ["wd"]),
             N("Conv", ["xd", "wd"] + (["b"] if bias else []), ["c"],
               pads=[1, 1, 1, 1], group=G, name="gconv"),
             N("QuantizeLinear", ["c", "y_s", "y_z"], ["yq"]),
             N("DequantizeLinear", ["yq", "y_s", "y_z"], ["y"])]
    g = helper.make_graph(
        nodes, "gconv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, C, 5, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, F, 5, 5])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    onnx.save(m, out)
    x = rng.uniform(-1, 5, size=(1, C, 5, 5)).astype(np.float32)
    np.save(xpath, x)
    xd = (q(x, 0.5, XZ, 0, 255) - XZ) * 0.5
    xp = np.pad(xd, ((0, 0), (0, 0), (1, 1), (1, 1)))
    wd = w.astype(np.float64) * 0.0625
    y = np.zeros((1, F, 5, 5))
    cg, fg = C // G, F // G
    for f in range(F):
        gi = f // fg
        for i in range(5):
            for j in range(5):
                y[0, f, i, j] = np.sum(xp[0, gi * cg:(gi + 1) * cg, i:i + 3, j:j + 3] * wd[f])
        if bias:
            y[0, f] += b[f]
    np.save(refpath, ((q(y, 0.25, 10, 0, 255) - 10) * 0.25).astype(np.float32))


def op_error_model(name):
    """One-node (or two-node) models each of which the importer must refuse
    with one diagnostic (op-errors.test)."""
    N, V, F = helper.make_node, helper.make_tensor_value_info, TensorProto.FLOAT
    init = numpy_helper.from_array
    i64 = lambda v: np.array(v, np.int64)
    x4 = [V("x", F, [1, 4])]
    x44 = [V("x", F, [1, 4, 4, 4])]
    opset, extra_in = 13, []
    inits = []
    if name == "reshape-runtime":
        nodes = [N("Reshape", ["x", "s"], ["y"], name="n")]
        extra_in = [V("s", TensorProto.INT64, [1])]
        ins = x4
    elif name == "reshape-count":
        nodes, ins = [N("Reshape", ["x", "s"], ["y"], name="n")], x4
        inits = [init(i64([3]), "s")]
    elif name == "gather-scattered":
        nodes, ins = [N("Gather", ["x", "i"], ["y"], name="n", axis=1)], x4
        inits = [init(i64([0, 2]), "i")]
    elif name == "slice-empty":
        nodes, ins = [N("Slice", ["x", "b", "e", "a"], ["y"], name="n")], x4
        inits = [init(i64([2]), "b"), init(i64([1]), "e"), init(i64([1]), "a")]
    elif name == "slice-step":
        nodes, ins = [N("Slice", ["x", "b", "e", "a", "st"], ["y"], name="n")], x4
        inits = [init(i64([3]), "b"), init(i64([0]), "e"), init(i64([1]), "a"),
                 init(i64([-1]), "st")]
    elif name == "cast-tensor":
        nodes, ins = [N("Cast", ["x"], ["y"], name="n", to=TensorProto.INT32)], x4
    elif name == "dropout-mask":
        nodes, ins = [N("Dropout", ["x"], ["y", "mask"], name="n")], x4
    elif name == "softmax-old":
        opset = 11
        nodes = [N("Softmax", ["x"], ["y"], name="n", axis=1)]
        ins = [V("x", F, [1, 4, 4])]
    elif name == "avgpool-pads":
        nodes = [N("AveragePool", ["x"], ["y"], name="n", kernel_shape=[2, 2],
                   pads=[1, 1, 1, 1])]
        ins = x44
    elif name == "batchnorm-training":
        nodes = [N("BatchNormalization", ["x", "g", "b", "m", "v"], ["y"],
                   name="n", training_mode=1)]
        ins = x44
        inits = [init(np.ones(4, np.float32), k) for k in "gbmv"]
    elif name == "conv-groups":
        nodes = [N("Conv", ["x", "w"], ["y"], name="n", group=3)]
        ins = x44
        inits = [init(np.ones((3, 1, 1, 1), np.float32), "w")]
    elif name == "transpose-perm":
        nodes, ins = [N("Transpose", ["x"], ["y"], name="n", perm=[0, 0])], x4
    elif name == "concat-shapes":
        nodes = [N("Concat", ["x", "z"], ["y"], name="n", axis=0)]
        ins = x4
        extra_in = [V("z", F, [1, 3])]
    elif name.startswith("clip-"):
        # QuantizeLinear -> Clip(s) whose range is not representable.
        u8, i8 = (lambda v: np.array(v, np.uint8)), (lambda v: np.array(v, np.int8))
        inits = [init(np.array(0.5, np.float32), "s"), init(u8(0), "z"),
                 init(u8(3), "z3")]
        ins = x4
        q = N("QuantizeLinear", ["x", "s", "z"], ["q"], name="quant")
        if name == "clip-order":
            nodes = [q, N("Clip", ["q", "lo", "hi"], ["c"], name="n")]
            inits += [init(u8(5), "lo"), init(u8(2), "hi")]
        elif name == "clip-fraction":
            # A float bound on a uint8 tensor (onnx.checker would refuse the
            # type; the importer must too, not round it).
            nodes = [q, N("Clip", ["q", "lo", "hi"], ["c"], name="n")]
            inits += [init(u8(0), "lo"), init(np.array(7.5, np.float32), "hi")]
        elif name == "clip-empty":
            nodes = [q, N("Clip", ["q", "lo", "hi"], ["c0"], name="first"),
                     N("Clip", ["c0", "lo2", "hi2"], ["c"], name="n")]
            inits += [init(u8(0), "lo"), init(u8(7), "hi"), init(u8(10), "lo2"),
                      init(u8(20), "hi2")]
        elif name == "clip-zero-point":
            nodes = [N("QuantizeLinear", ["x", "s", "z3"], ["q"], name="quant"),
                     N("Clip", ["q", "lo", "hi"], ["c"], name="n")]
            inits += [init(u8(5), "lo"), init(u8(10), "hi")]
        elif name == "clip-weight-zero-point":
            nodes = [N("Clip", ["w", "lo", "hi"], ["wc"], name="w_clip"),
                     N("DequantizeLinear", ["wc", "s", "wz"], ["wd"], name="n"),
                     N("MatMul", ["x", "wd"], ["c"], name="mm")]
            inits += [init(np.ones((4, 2), np.int8), "w"), init(i8(-3), "lo"),
                      init(i8(3), "hi"), init(i8(5), "wz")]
        else:
            sys.exit(f"unknown error model {name}")
        nodes.append(N("DequantizeLinear", ["c", "s", "z"], ["y"], name="dq")
                     if name != "clip-weight-zero-point"
                     else N("Identity", ["c"], ["y"], name="out"))
    elif name == "mul-broadcast":
        nodes = [N("Mul", ["x", "z"], ["y"], name="n")]
        ins = x4
        extra_in = [V("z", F, [4])]
    else:
        sys.exit(f"unknown error model {name}")
    graph = helper.make_graph(nodes, name, ins + extra_in, [V("y", F, None)],
                              inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def conv_bn_model(out, xpath, refpath):
    """Conv (with bias) -> BatchNormalization, float; the expected output
    computed here by ONNX's definitions in float64."""
    rng = np.random.default_rng(5)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    gamma, beta = rng.uniform(0.5, 2, 3).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    mean, var = rng.standard_normal(3).astype(np.float32), rng.uniform(0.5, 2, 3).astype(np.float32)
    init = numpy_helper.from_array
    N = helper.make_node
    nodes = [N("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             N("BatchNormalization", ["c", "g", "be", "m", "v"], ["y"], name="bn",
               epsilon=1e-3)]
    g = helper.make_graph(
        nodes, "conv_bn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4, 4])],
        [init(w, "w"), init(b, "b"), init(gamma, "g"), init(beta, "be"),
         init(mean, "m"), init(var, "v")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    onnx.save(m, out)
    x = rng.standard_normal((1, 2, 4, 4)).astype(np.float32)
    np.save(xpath, x)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    c = np.zeros((1, 3, 4, 4))
    for f in range(3):
        for i in range(4):
            for j in range(4):
                c[0, f, i, j] = np.sum(xp[0, :, i:i + 3, j:j + 3] * w[f]) + b[f]
    sh = lambda a: a.astype(np.float64)[None, :, None, None]
    y = (c - sh(mean)) / np.sqrt(sh(var) + np.float64(np.float32(1e-3))) * sh(gamma) + sh(beta)
    np.save(refpath, y.astype(np.float32))


def main(argv):
    kind, out = argv[1], argv[2]
    if kind == "conv-bn":
        conv_bn_model(out, argv[3], argv[4])
        return 0
    if kind == "op-error":
        onnx.save(op_error_model(argv[3]), out)
        return 0
    if kind == "gconv":
        gconv_model(out, *argv[3:10])
        return 0
    if kind == "external":
        external_model(out, *argv[3:6])
        return 0
    if kind == "qcdq":
        m, ref = qcdq_model()
        onnx.save(m, out)
        if len(argv) > 4:
            x = np.random.default_rng(8).uniform(-0.5, 2.25, size=(3, 8)).astype(np.float32)
            x.flat[:3] = [0.125, 0.375, 1.625]  # ties of x / 0.25
            np.save(argv[3], x)
            np.save(argv[4], ref(x.astype(np.float64)))
        return 0
    if kind == "qcdq-types":
        onnx.save(qcdq_types_model(), out)
        return 0
    if kind == "qdq":
        m, ref = qdq_model()
        onnx.save(m, out)
        if len(argv) > 4:
            x = np.random.default_rng(7).uniform(-70, 70, size=(1, 2, 4, 4)).astype(np.float32)
            x.flat[:4] = [0.25, 0.75, -0.25, 1.25]  # ties of x / 0.5
            np.save(argv[3], x)
            np.save(argv[4], ref(x.astype(np.float64)))
        return 0
    onnx.save(simple(kind), out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
