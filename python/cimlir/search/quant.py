"""Fake quantization with the compiler's conventions.

Every number here follows the quant-level contract of docs/design.md and
the scale table of docs/precision.md, so that a model trained with these
modules compiles without re-quantization error:

* quantize = ONNX ``QuantizeLinear``: divide by the scale, round half to
  even (``torch.round``), saturate to the storage range;
* weights: symmetric, zero point 0, narrow signed range
  ``[-(2^(b-1)-1), 2^(b-1)-1]`` (``i4<-7:7>``); at 1 bit the whole
  two's-complement ``i1`` range ``[-1, 0]``; scale ``max|w| / qmax``
  (HAQ / the reference system: ``q = round(w * (2^(b-1)-1) / max|w|)``),
  per tensor or per output channel;
* activations: zero point 0; unsigned ``[0, 2^b-1]`` with scale
  ``alpha / (2^b-1)`` when the value is non-negative (ReLU outputs), else
  signed narrow like weights with scale ``alpha / (2^(b-1)-1)``;
* bias: quantized to the accumulator's scale ``s_a * s_w`` (what
  ``convert-linalg-to-cim`` does: ``bias += rne(b / s)``).

Scales are float32 numbers, because that is what an ONNX file carries and
so what the compiler reads. Gradients are straight-through (identity inside
the clamp range); the activation range ``alpha`` is trainable as in PACT /
HAQ (gradient of the clamp).
"""

import torch
import torch.nn as nn
import torch.nn.functional as F


def qrange(bits, signed):
    """Storage range ``(qmin, qmax)`` of a ``bits``-wide value (1..8)."""
    bits = int(bits)
    if not 1 <= bits <= 8:
        raise ValueError(f"bits must be in 1..8, got {bits}")
    if not signed:
        return 0, (1 << bits) - 1
    if bits == 1:
        return -1, 0
    q = (1 << (bits - 1)) - 1
    return -q, q


def scale_for(bound, bits, signed):
    """Scale of a symmetric range ``[-bound, bound]`` (``[0, bound]`` unsigned).

    ``bound`` is a tensor (one element, or one per channel); the result is
    float32, 1.0 where the bound is 0 (everything then quantizes to 0).
    """
    qmin, qmax = qrange(bits, signed)
    levels = float(max(qmax, -qmin))
    bound = bound.detach().to(torch.float64)
    s = torch.where(bound > 0, bound / levels, torch.ones_like(bound))
    return s.to(torch.float32)


class _RoundSTE(torch.autograd.Function):
    """Round half to even forward, identity backward."""

    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, g):
        return g


def fake_quant(x, scale, qmin, qmax):
    """``clamp(rne(x / scale), qmin, qmax) * scale`` with straight-through
    gradients inside the range (zero outside it, like a clamp)."""
    q = _RoundSTE.apply(x / scale)
    return torch.clamp(q, qmin, qmax) * scale


def quantize_int(x, scale, qmin, qmax):
    """The integers of :func:`fake_quant` (no gradient), as float64 tensor."""
    x = x.detach().to(torch.float64)
    s = torch.as_tensor(scale).to(torch.float64)
    return torch.clamp(torch.round(x / s), qmin, qmax)


class QuantAct(nn.Module):
    """Quantizer of a layer's input (activation).

    ``alpha`` is the clamp bound: ``[0, alpha]`` unsigned, ``[-alpha, alpha]``
    signed; the scale is ``alpha / levels`` in float32 (:func:`scale_for`).
    ``calibrate()`` mode records the largest magnitude seen, whether a
    negative value was seen (then the input is signed) and, with
    ``keep_samples``, the observed values (for :func:`calibrate`'s ``mse``
    and percentile ranges); ``bits = 0`` disables quantization (float model).

    ``grad`` chooses how ``alpha`` learns; the forward values are the same
    either way: ``"pact"`` (default) passes only the clamp's gradient to
    ``alpha`` (PACT, HAQ); ``"lsq"`` also differentiates through the scale
    ``alpha / levels`` (LSQ's step-size gradient ``round(x/s) - x/s`` for
    values inside the range), which moves the range at low bit widths where
    few values are clipped.
    """

    GRADS = ("pact", "lsq")

    def __init__(self, bits=8, init_range=6.0, grad="pact"):
        super().__init__()
        if grad not in self.GRADS:
            raise ValueError(f"grad must be one of {self.GRADS}, got {grad!r}")
        self.bits = bits
        self.grad = grad
        self.alpha = nn.Parameter(torch.tensor(float(init_range)))
        self.register_buffer("signed", torch.tensor(False))
        self.register_buffer("seen_max", torch.tensor(0.0))
        self.calibrating = False
        self.keep_samples = False
        self.samples = []

    def scale(self):
        return scale_for(self.alpha, self.bits, bool(self.signed))

    def range(self):
        return qrange(self.bits, bool(self.signed))

    def _train_scale(self):
        """The scale of :meth:`scale` (same float32 value), differentiable
        in ``alpha`` when ``grad == "lsq"``."""
        if self.grad != "lsq":
            return self.scale()
        qmin, qmax = self.range()
        levels = float(max(qmax, -qmin))
        a = self.alpha.to(torch.float64)
        s = (a / levels).to(torch.float32)
        # alpha <= 0 never happens after calibrate (scale_for's 1.0 case)
        return torch.where(a > 0, s, torch.ones_like(s))

    def forward(self, x):
        if self.calibrating:
            with torch.no_grad():
                self.seen_max.copy_(torch.maximum(self.seen_max,
                                                  x.detach().abs().max()))
                if bool((x < 0).any()):
                    self.signed.fill_(True)
                if self.keep_samples:
                    self.samples.append(x.detach().reshape(-1).float())
            return x
        if not self.bits:
            return x
        a = self.alpha
        if bool(self.signed):
            clipped = 0.5 * ((x + a).abs() - (x - a).abs())   # clamp(x, -a, a)
        else:
            clipped = 0.5 * (x.abs() - (x - a).abs() + a)     # clamp(x, 0, a)
        qmin, qmax = self.range()
        return fake_quant(clipped, self._train_scale(), qmin, qmax)

    def extra_repr(self):
        return f"bits={self.bits}, signed={bool(self.signed)}"


class _QLayer:
    """What QConv2d and QLinear share: weight bits, input quantizer, the
    quantized weight and bias."""

    def _init_quant(self, w_bits, a_bits, per_channel):
        self.w_bits = w_bits
        self.per_channel = per_channel
        self.act = QuantAct(a_bits)

    @property
    def a_bits(self):
        return self.act.bits

    @a_bits.setter
    def a_bits(self, b):
        self.act.bits = b

    def weight_scale(self):
        w = self.weight.detach()
        if self.per_channel:
            bound = w.abs().reshape(w.shape[0], -1).max(dim=1).values
        else:
            bound = w.abs().max()
        return scale_for(bound, self.w_bits, True)

    def _w_view(self, s):
        return s.reshape(-1, *([1] * (self.weight.dim() - 1))) if s.dim() else s

    def quant_weight(self):
        if not self.w_bits:
            return self.weight
        qmin, qmax = qrange(self.w_bits, True)
        return fake_quant(self.weight, self._w_view(self.weight_scale()),
                          qmin, qmax)

    def quant_bias(self):
        """Bias rounded to the accumulator scale ``s_a * s_w`` (no grad
        through the rounding: straight through)."""
        if self.bias is None or not self.w_bits or not self.act.bits:
            return self.bias
        # The exact product of the two float32 scales (the compiler's
        # double), in the bias' dtype: float64 when evaluated as reference.
        s = (self.act.scale().to(torch.float64)
             * self.weight_scale().to(torch.float64)).to(self.bias.dtype)
        return _RoundSTE.apply(self.bias / s) * s

    def weight_int(self):
        """Integer weights (float64 tensor) and their scale (float32)."""
        qmin, qmax = qrange(self.w_bits, True)
        s = self.weight_scale()
        return quantize_int(self.weight, self._w_view(s), qmin, qmax), s


class QConv2d(nn.Conv2d, _QLayer):
    """``nn.Conv2d`` whose input and weight are fake-quantized."""

    def __init__(self, *args, w_bits=8, a_bits=8, per_channel=False, **kw):
        super().__init__(*args, **kw)
        self._init_quant(w_bits, a_bits, per_channel)

    def forward(self, x):
        x = self.act(x)
        if self.act.calibrating:
            return super().forward(x)
        return F.conv2d(x, self.quant_weight(), self.quant_bias(), self.stride,
                        self.padding, self.dilation, self.groups)


class QLinear(nn.Linear, _QLayer):
    """``nn.Linear`` whose input and weight are fake-quantized."""

    def __init__(self, *args, w_bits=8, a_bits=8, per_channel=False, **kw):
        super().__init__(*args, **kw)
        self._init_quant(w_bits, a_bits, per_channel)

    def forward(self, x):
        x = self.act(x)
        if self.act.calibrating:
            return super().forward(x)
        return F.linear(x, self.quant_weight(), self.quant_bias())


def quantize_model(model, per_channel=False):
    """Replace every ``nn.Conv2d`` / ``nn.Linear`` of ``model`` (in place)
    by its quantized twin with the same parameters, 8/8 bits. Returns the
    list of quantized layers in module order."""
    for name, child in list(model.named_children()):
        if type(child) is nn.Conv2d:
            q = QConv2d(child.in_channels, child.out_channels,
                        child.kernel_size, stride=child.stride,
                        padding=child.padding, dilation=child.dilation,
                        groups=child.groups, bias=child.bias is not None,
                        per_channel=per_channel)
        elif type(child) is nn.Linear:
            q = QLinear(child.in_features, child.out_features,
                        bias=child.bias is not None, per_channel=per_channel)
        else:
            quantize_model(child, per_channel)
            continue
        q.load_state_dict(child.state_dict(), strict=False)
        setattr(model, name, q)
    return quant_layers(model)


def quant_layers(model):
    """The quantized layers of ``model`` in module (definition) order."""
    return [m for m in model.modules() if isinstance(m, _QLayer)]


def set_policy(model, policy):
    """Set per-layer ``(w_bits, a_bits)`` from an ``[L, 2]`` array."""
    layers = quant_layers(model)
    if len(layers) != len(policy):
        raise ValueError(f"policy has {len(policy)} rows, model has "
                         f"{len(layers)} quantized layers")
    for layer, (w, a) in zip(layers, policy):
        layer.w_bits, layer.a_bits = int(w), int(a)


def set_act_grad(model, grad):
    """``grad`` (``"pact"`` or ``"lsq"``, see :class:`QuantAct`) for every
    activation quantizer of ``model``."""
    if grad not in QuantAct.GRADS:
        raise ValueError(f"grad must be one of {QuantAct.GRADS}, got {grad!r}")
    for m in quant_layers(model):
        m.act.grad = grad


CALIBRATIONS = ("max", "mse")


def parse_calibration(spec):
    """``"max"``, ``"mse"`` or a percentile in (0, 100] (``"99.9"``) -> the
    value :func:`calibrate` takes (a string or a float)."""
    spec = str(spec)
    if spec in CALIBRATIONS:
        return spec
    try:
        p = float(spec)
    except ValueError:
        p = None
    if p is None or not 0 < p <= 100:
        raise ValueError(f"activation calibration must be 'max', 'mse' or a "
                         f"percentile in (0, 100], got {spec!r}")
    return p


# Candidate bounds of the "mse" calibration: this many fractions of the
# largest magnitude, evenly spaced in [MSE_LOW, 1].
MSE_STEPS, MSE_LOW = 81, 0.2
_MAX_SAMPLES = 1 << 20


def _mse_bound(x, bits, signed, top):
    """The bound in ``top * linspace(MSE_LOW, 1, MSE_STEPS)`` whose
    quantization ``fake_quant(clamp(x))`` is closest to ``x`` (mean
    squared error; the smallest such bound on ties)."""
    qmin, qmax = qrange(bits, signed)
    best, best_err = top, None
    for f in torch.linspace(MSE_LOW, 1.0, MSE_STEPS, dtype=torch.float64):
        b = torch.tensor(float(f * top))
        s = scale_for(b, bits, signed)
        lo = -float(b) if signed else 0.0
        q = fake_quant(torch.clamp(x, lo, float(b)), s, qmin, qmax)
        err = float(((q - x) ** 2).mean())
        if best_err is None or err < best_err:
            best, best_err = float(b), err
    return best


@torch.no_grad()
def calibrate(model, batches, method="max"):
    """Observe the inputs of every quantized layer on ``batches`` and set
    the signedness to whether a negative input was seen and each ``alpha``
    (the clamp bound; scale ``alpha / levels``, the compiler's convention
    whatever alpha is) to

    * ``"max"``: the largest magnitude seen;
    * a number ``p``: the ``p``-th percentile of the magnitudes seen;
    * ``"mse"``: the bound among ``MSE_STEPS`` fractions of the largest
      magnitude that minimises the mean squared quantization error of the
      observed values at the layer's activation bits (set the policy
      first).
    """
    method = parse_calibration(method)
    layers = quant_layers(model)
    for m in layers:
        m.act.calibrating = True
        m.act.keep_samples = method != "max"
        m.act.samples = []
        m.act.seen_max.zero_()
        m.act.signed.fill_(False)
    was_training = model.training
    model.eval()
    try:
        for x in batches:
            model(x)
    finally:
        for m in layers:
            m.act.calibrating = False
    for m in layers:
        top = float(m.act.seen_max)
        bound = top
        if method != "max" and top > 0 and m.act.samples:
            v = torch.cat(m.act.samples)
            if v.numel() > _MAX_SAMPLES:  # evenly spaced subset
                v = v[torch.linspace(0, v.numel() - 1, _MAX_SAMPLES).long()]
            if method == "mse":
                bits = m.act.bits or 8
                bound = _mse_bound(v.double(), bits, bool(m.act.signed), top)
            else:
                bound = float(torch.quantile(v.abs().double(), method / 100.0))
            if bound <= 0:  # mostly zeros (ReLU): keep the largest
                bound = top
        m.act.samples = []
        m.act.keep_samples = False
        m.act.alpha.data.fill_(bound if bound > 0 else 1.0)
    model.train(was_training)
