"""Training: the float baseline, HAQ's short fine-tune per episode, and the
full quantization-aware training at the chosen policy."""

import copy

import torch
import torch.nn.functional as F

from . import data, quant


@torch.no_grad()
def accuracy(model, x, y, batch_size=512, double=False):
    """Top-1 accuracy in percent. ``double=True`` evaluates a float64 copy
    (the fake-quant reference compared with the simulator: integers are
    exact in float64, see loop.py)."""
    m = copy.deepcopy(model).double() if double else model
    was = m.training
    m.eval()
    correct = 0
    for xb, yb in data.batches(x, y, batch_size):
        out = m(xb.double() if double else xb)
        correct += int((out.argmax(1) == yb).sum())
    m.train(was)
    return 100.0 * correct / max(1, len(x))


@torch.no_grad()
def predict(model, x, batch_size=512, double=True):
    m = copy.deepcopy(model).double() if double else model
    m.eval()
    outs = [m(xb.double() if double else xb)
            for xb, _ in data.batches(x, torch.zeros(len(x)), batch_size)]
    return torch.cat(outs).argmax(1)


def train(model, x, y, epochs, lr, batch_size=64, seed=0, weight_decay=0.0,
          optimizer="adam", progress=None):
    """Plain supervised training (float or fake-quant model, in place).
    Returns the last epoch's training accuracy (percent)."""
    g = torch.Generator().manual_seed(seed)
    params = [p for p in model.parameters() if p.requires_grad]
    if optimizer == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=0.9,
                              weight_decay=weight_decay)
    else:
        opt = torch.optim.Adam(params, lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(1, epochs))
    model.train()
    acc = 0.0
    for ep in range(epochs):
        correct = total = 0
        for xb, yb in data.batches(x, y, batch_size, shuffle=True, generator=g):
            opt.zero_grad()
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            correct += int((out.argmax(1) == yb).sum())
            total += len(yb)
        sched.step()
        acc = 100.0 * correct / max(1, total)
        if progress:
            progress(ep + 1, epochs, acc)
    return acc


def quantized_copy(float_model, policy, calib_x, per_channel=False):
    """A fake-quant copy of ``float_model`` at ``policy`` (``[L, 2]``),
    activation ranges calibrated on ``calib_x``."""
    m = copy.deepcopy(float_model)
    quant.quantize_model(m, per_channel=per_channel)
    quant.set_policy(m, policy)
    quant.calibrate(m, [calib_x])
    return m


def finetune_eval(float_model, policy, split, epochs=1, lr=1e-3, seed=0,
                  per_channel=False, calib_size=512):
    """HAQ's per-episode evaluation: quantize at ``policy``, calibrate,
    fine-tune ``epochs`` on the training split, return validation accuracy
    (percent) and the model."""
    m = quantized_copy(float_model, policy, split.x_train[:calib_size],
                       per_channel)
    if epochs:
        train(m, split.x_train, split.y_train, epochs, lr, seed=seed)
    return accuracy(m, split.x_val, split.y_val), m
