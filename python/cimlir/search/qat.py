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


def distill_loss(student, teacher, temperature):
    """Knowledge distillation (Hinton et al.): ``T^2 KL(softmax(t/T) ||
    softmax(s/T))`` of the student's and the teacher's logits, mean over
    the batch."""
    t = float(temperature)
    return F.kl_div(F.log_softmax(student / t, dim=1),
                    F.softmax(teacher / t, dim=1),
                    reduction="batchmean") * (t * t)


def train(model, x, y, epochs, lr, batch_size=64, seed=0, weight_decay=0.0,
          optimizer="adam", progress=None, teacher=None, distill=0.0,
          temperature=4.0):
    """Supervised training (float or fake-quant model, in place), Adam (or
    SGD) with a cosine learning-rate schedule over ``epochs``. With a
    ``teacher`` (the float model) and ``distill`` in (0, 1] the loss is
    ``(1 - distill) CE + distill * distill_loss(T = temperature)``.
    Returns the last epoch's training accuracy (percent)."""
    if not 0.0 <= distill <= 1.0:
        raise ValueError(f"distill must be in [0, 1], got {distill}")
    if distill and teacher is None:
        raise ValueError("distill needs a teacher model")
    if teacher is not None:
        teacher.eval()
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
            if distill:
                with torch.no_grad():
                    t_out = teacher(xb)
                loss = ((1.0 - distill) * loss
                        + distill * distill_loss(out, t_out, temperature))
            loss.backward()
            opt.step()
            correct += int((out.argmax(1) == yb).sum())
            total += len(yb)
        sched.step()
        acc = 100.0 * correct / max(1, total)
        if progress:
            progress(ep + 1, epochs, acc)
    return acc


class Recipe:
    """How a fake-quant copy is calibrated and trained (QAT and the
    search's fine-tune): activation calibration (``quant.calibrate``:
    ``"max"``, ``"mse"`` or a percentile), the activation range's gradient
    (``"pact"`` or ``"lsq"``), and the distillation weight and temperature
    (0: plain cross-entropy). The defaults are the original recipe."""

    def __init__(self, calib="max", act_grad="pact", distill=0.0,
                 temperature=4.0):
        self.calib = quant.parse_calibration(calib)
        if act_grad not in quant.QuantAct.GRADS:
            raise ValueError(f"act_grad must be one of "
                             f"{quant.QuantAct.GRADS}, got {act_grad!r}")
        if not 0.0 <= float(distill) <= 1.0:
            raise ValueError(f"distill must be in [0, 1], got {distill}")
        if float(temperature) <= 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        self.act_grad, self.distill = act_grad, float(distill)
        self.temperature = float(temperature)

    def as_dict(self):
        return dict(self.__dict__)


def quantized_copy(float_model, policy, calib_x, per_channel=False,
                   recipe=None):
    """A fake-quant copy of ``float_model`` at ``policy`` (``[L, 2]``),
    activation ranges calibrated on ``calib_x`` (``recipe.calib``)."""
    recipe = recipe or Recipe()
    m = copy.deepcopy(float_model)
    quant.quantize_model(m, per_channel=per_channel)
    quant.set_policy(m, policy)
    quant.calibrate(m, [calib_x], recipe.calib)
    quant.set_act_grad(m, recipe.act_grad)
    return m


def train_quantized(m, float_model, x, y, epochs, lr, seed=0, recipe=None):
    """QAT of the fake-quant model ``m`` (in place) with ``recipe``: the
    float model is the teacher when ``recipe.distill > 0``."""
    recipe = recipe or Recipe()
    teacher = float_model if recipe.distill else None
    return train(m, x, y, epochs, lr, seed=seed, teacher=teacher,
                 distill=recipe.distill, temperature=recipe.temperature)


def finetune_eval(float_model, policy, split, epochs=1, lr=1e-3, seed=0,
                  per_channel=False, calib_size=512, recipe=None):
    """HAQ's per-episode evaluation: quantize at ``policy``, calibrate,
    fine-tune ``epochs`` on the training split, return validation accuracy
    (percent) and the model."""
    m = quantized_copy(float_model, policy, split.x_train[:calib_size],
                       per_channel, recipe)
    if epochs:
        train_quantized(m, float_model, split.x_train, split.y_train, epochs,
                        lr, seed=seed, recipe=recipe)
    return accuracy(m, split.x_val, split.y_val), m
