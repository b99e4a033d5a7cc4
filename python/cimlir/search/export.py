"""ONNX export of a (fake-)quantized model, for the cimlir importer.

Two forms of one graph, written with ``onnx.helper`` (opset 13), so node
order = layer order = policy row order:

* **float** (``quantized=False``): the model as trained in float; what
  ``cimlir.Model.load`` reads for the search's layer table and estimates;
* **QDQ** (``quantized=True``): every layer input is
  ``QuantizeLinear -> [Clip] -> DequantizeLinear`` with the scale the
  fake quantizer uses (float32, zero point 0, ``uint8`` for unsigned and
  ``int8`` for signed activations); weights are ``int8`` initializers (the
  integers the fake quantizer computed, so nothing is re-rounded) through
  ``[Clip ->] DequantizeLinear`` (per tensor, or per output channel on axis
  0); biases are float initializers already on the accumulator grid
  ``k * s_a * s_w``.

A storage range narrower than the ONNX type's (``[-7, 7]`` for 4-bit
weights, ``[0, 15]`` for 4-bit unsigned activations) is written as a
``Clip`` with integer bounds between Q and DQ ("QCDQ", the form Brevitas
exports for fewer than 8 bits). The importer stores a clipped range in the
narrowest integer type that holds it (``u4``, ``i4<-7:7>``; docs/onnx.md,
"Narrow storage"), so the compiled program has the policy's bits and costs
what ``cimlir.estimate`` says for the policy. ``narrow="none"`` leaves the
Clips out: the values are the same for weights and for unsigned 8-bit
activations, but the importer then types every tensor as 8 bits (W8A8).

Supported modules: ``nn.Sequential`` of ``QConv2d`` / ``QLinear`` (or
their float parents), ``nn.ReLU``, ``nn.MaxPool2d``, ``nn.Flatten``. A
``Flatten`` in front of a quantized dense layer gets the dense layer's Q/DQ
pair *before* it too (docs/design.md, contract Q2a: a per-channel bias must
not follow a reshape that merges its channel axis).
Torchvision models are exported in float form with ``torch.onnx.export``
(:func:`export_torch_float`).
"""

import numpy as np
import torch
import torch.nn as nn

from . import quant

OPSET = 13


class _Graph:
    """Accumulates nodes and initializers with unique names."""

    def __init__(self):
        import onnx
        import onnx.numpy_helper
        self.onnx = onnx
        self.nodes, self.inits = [], []
        self.count = 0

    def name(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def const(self, base, array):
        n = self.name(base)
        self.inits.append(self.onnx.numpy_helper.from_array(np.asarray(array), n))
        return n

    def node(self, op, inputs, name, **attrs):
        out = self.name(name + "_out")
        self.nodes.append(self.onnx.helper.make_node(op, inputs, [out],
                                                     name=name, **attrs))
        return out


def _np_dtype(signed):
    return np.int8 if signed else np.uint8


def _clip(g, value, qmin, qmax, signed, name, narrow):
    full = (-128, 127) if signed else (0, 255)
    if narrow == "none" or (qmin, qmax) == full:
        return value
    dt = _np_dtype(signed)
    return g.node("Clip", [value, g.const(name + "_lo", np.array(qmin, dt)),
                           g.const(name + "_hi", np.array(qmax, dt))],
                  name + "_clip")


def _qdq_act(g, x, act, name, narrow):
    """Q -> [Clip] -> DQ of a run-time value with ``act``'s parameters."""
    signed = bool(act.signed)
    qmin, qmax = act.range()
    scale = g.const(name + "_scale", np.array(float(act.scale()), np.float32))
    zp = g.const(name + "_zp", np.array(0, _np_dtype(signed)))
    q = g.node("QuantizeLinear", [x, scale, zp], name + "_q")
    q = _clip(g, q, qmin, qmax, signed, name, narrow)
    return g.node("DequantizeLinear", [q, scale, zp], name + "_dq")


def _weight(g, layer, name, quantized, narrow, transpose):
    """The weight operand: a float initializer, or int8 -> [Clip] -> DQ."""
    if not quantized:
        w = layer.weight.detach().numpy().astype(np.float32)
        return g.const(name + "_w", w.T if transpose else w)
    wq, s = layer.weight_int()
    wq = wq.numpy().astype(np.int8)
    s = s.numpy().astype(np.float32).reshape(-1)
    axis = 0
    if transpose:  # Gemm's B is [K, N]: the output channel is axis 1
        wq, axis = wq.T.copy(), 1
    wn = g.const(name + "_w", wq)
    qmin, qmax = quant.qrange(layer.w_bits, True)
    wn = _clip(g, wn, qmin, qmax, True, name + "_w", narrow)
    scale = g.const(name + "_wscale", s if s.size > 1 else s.reshape(()))
    zp = g.const(name + "_wzp", np.zeros(s.shape, np.int8) if s.size > 1
                 else np.array(0, np.int8))
    attrs = {"axis": axis} if s.size > 1 else {}
    return g.node("DequantizeLinear", [wn, scale, zp], name + "_wdq", **attrs)


def _bias(g, layer, name, quantized):
    if layer.bias is None:
        return None
    b = layer.bias.detach().to(torch.float64)
    if quantized:
        s = (layer.act.scale().to(torch.float64)
             * layer.weight_scale().to(torch.float64))
        b = torch.round(b / s) * s
    return g.const(name + "_b", b.numpy().astype(np.float32))


def _modules(model):
    if isinstance(model, nn.Sequential):
        for name, m in model.named_children():
            if isinstance(m, nn.Sequential):
                for sub, mm in _modules(m):
                    yield f"{name}.{sub}", mm
            else:
                yield name, m
    else:
        raise ValueError("QDQ export supports nn.Sequential models (the "
                         "digits models); export torchvision models in "
                         "float form with export_torch_float")


def build_onnx(model, input_shape, quantized=True, narrow="clip",
               input_name="input", output_name="logits"):
    """The ONNX ``ModelProto`` of ``model`` for a fixed ``input_shape``
    (``(N, C, H, W)`` or ``(N, F)``)."""
    import onnx
    from onnx import helper, TensorProto
    if narrow not in ("clip", "none"):
        raise ValueError("narrow must be 'clip' or 'none'")
    g = _Graph()
    x = input_name
    mods = list(_modules(model))
    for i, (name, m) in enumerate(mods):
        nxt = mods[i + 1][1] if i + 1 < len(mods) else None
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            is_q = quantized and isinstance(m, quant._QLayer)
            if quantized and not is_q:
                raise ValueError(f"layer '{name}' is not quantized")
            kind = "conv" if isinstance(m, nn.Conv2d) else "fc"
            lname = f"{kind}{name}"
            if is_q:
                x = _qdq_act(g, x, m.act, lname + "_in", narrow)
            w = _weight(g, m, lname, is_q, narrow, kind == "fc")
            b = _bias(g, m, lname, is_q)
            ins = [x, w] + ([b] if b else [])
            if kind == "conv":
                if m.groups != 1 or tuple(m.dilation) != (1, 1):
                    raise ValueError(f"layer '{name}': groups/dilation not "
                                     "exported")
                p = list(m.padding) * 2
                x = g.node("Conv", ins, lname, kernel_shape=list(m.kernel_size),
                           strides=list(m.stride), pads=p)
            else:
                x = g.node("Gemm", ins, lname)
        elif isinstance(m, nn.ReLU):
            x = g.node("Relu", [x], f"relu{name}")
        elif isinstance(m, nn.MaxPool2d):
            k = m.kernel_size if isinstance(m.kernel_size, tuple) else (m.kernel_size,) * 2
            s = m.stride if isinstance(m.stride, tuple) else (m.stride,) * 2
            p = m.padding if isinstance(m.padding, tuple) else (m.padding,) * 2
            x = g.node("MaxPool", [x], f"pool{name}", kernel_shape=list(k),
                       strides=list(s), pads=list(p) * 2)
        elif isinstance(m, nn.Flatten):
            if quantized and isinstance(nxt, quant._QLayer):
                x = _qdq_act(g, x, nxt.act, f"flatten{name}_in", narrow)
            x = g.node("Flatten", [x], f"flatten{name}", axis=1)
        else:
            raise ValueError(f"module '{name}' ({type(m).__name__}) is not "
                             "supported by the ONNX export")
    # The last node's output is the graph output.
    g.nodes[-1].output[0] = output_name
    with torch.no_grad():
        out_shape = list(model(torch.zeros(input_shape)).shape)
    graph = helper.make_graph(
        g.nodes, "cimlir_search",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT,
                                       list(input_shape))],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT,
                                       out_shape)],
        g.inits)
    proto = helper.make_model(graph, producer_name="cimlir.search",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(proto)
    return proto


def save_onnx(model, path, input_shape, **kw):
    """Write :func:`build_onnx`'s model to ``path``."""
    import onnx
    onnx.save(build_onnx(model, input_shape, **kw), path)
    return path


def export_torch_float(model, path, input_shape):
    """Float ONNX of any model the torch 1.13 exporter handles (torchvision
    nets), for the layer table and the latency oracle."""
    model.eval()
    torch.onnx.export(model, torch.zeros(input_shape), path,
                      opset_version=OPSET, input_names=["input"],
                      output_names=["logits"], do_constant_folding=True)
    return path
