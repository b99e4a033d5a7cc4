"""Closing the loop: the fake-quant model exported as QDQ ONNX, imported and
compiled by cimlir, the test set classified on the simulator, and the
predictions compared with PyTorch's.

The PyTorch reference is the fake-quant model evaluated in float64: every
quantized value is an integer times a float32 scale, every product and sum
of the layer is then exact (far below 2^53), so the only place where the
two can differ is a re-quantization whose exact value lies within about
2^-31 (relative) of a rounding tie: the compiler replaces the scale ratio
``s_in / s_out`` by a 31-bit fixed-point ``multiplier / 2^shift``
(docs/design.md, "Multiplier and shift"), while PyTorch divides in float64.
"""

import os

import numpy as np
import torch

from . import export, oracle, qat, quant


def quantize_input(model, x):
    """The integers the compiled program takes for float inputs ``x``
    (its first layer's quantizer). The program's input is the first
    ``QuantizeLinear``'s type: ``int8`` for a signed input, else ``uint8``,
    which the program keeps as ``i9``, so ``int16``."""
    first = quant.quant_layers(model)[0]
    q = quant.quantize_int(x, first.act.scale(), *first.act.range())
    return q.numpy().astype(np.int8 if bool(first.act.signed) else np.int16)


def simulate(model, x, y, target, workdir, batch=None, narrow="clip"):
    """Classify ``x`` on the simulator. Returns a dict: ``sim_pred``,
    ``ref_pred`` (int arrays), ``agree`` (fraction), ``sim_acc``,
    ``ref_acc`` (percent), ``report`` (the simulator's report of the last
    batch), ``program_report`` (the compiled program's own cost,
    ``Program.report``: with the default ``narrow="clip"`` its latency is
    the policy's, ``cimlir.estimate`` of the policy for one batch of
    ``batch`` images) and ``onnx`` (the exported file)."""
    n = len(x)
    batch = batch or n
    path = os.path.join(workdir, f"qdq-b{batch}.onnx")
    export.save_onnx(model, path, (batch,) + tuple(x.shape[1:]),
                     quantized=True, narrow=narrow)
    program = oracle.compile_model(path, target)
    xi = quantize_input(model, x)
    # The program returns the last layer's integer sums; with per-channel
    # weights each output channel has its own scale s_x * s_w[c] (the
    # result's cim.scale array), so the logits' order needs s_w[c] (s_x is
    # common to all and positive).
    last = quant.quant_layers(model)[-1]
    channel_scales = (last.weight_scale().double().numpy()[None, :]
                      if last.per_channel else 1.0)
    preds, report = [], None
    for i in range(0, n, batch):
        chunk = xi[i:i + batch]
        m = len(chunk)
        if m < batch:  # the program has a fixed batch: pad, then drop
            chunk = np.concatenate([chunk, np.zeros((batch - m,) + chunk.shape[1:],
                                                    chunk.dtype)])
        outs, report = oracle.run_program(program, {_input_name(program): chunk})
        out = np.asarray(next(iter(outs.values())))
        preds.append((out[:m] * channel_scales).argmax(axis=1))
    sim = np.concatenate(preds)
    ref = qat.predict(model, x, double=True).numpy()
    yn = y.numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
    return {"sim_pred": sim, "ref_pred": ref,
            "agree": float((sim == ref).mean()),
            "sim_acc": 100.0 * float((sim == yn).mean()),
            "ref_acc": 100.0 * float((ref == yn).mean()),
            "report": report, "program_report": program.report,
            "onnx": path}


def _input_name(program):
    """The program's (only) input: the image."""
    return program.inputs[0]
