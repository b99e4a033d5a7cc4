#!/usr/bin/python3
"""Exports real PyTorch models as ONNX for `cim-translate --import-onnx`.

Run with Debian's Python (/usr/bin/python3: python3-torch 1.13,
python3-torchvision 0.14, python3-sklearn, python3-onnx); nothing is
downloaded.

  export.py OUTDIR [--no-digits] [--no-resnet] [--vgg] [--vit] [--vit-tiny]
            [--forms float,ptq,qat]

writes
  digits-float.onnx  a small CNN for scikit-learn's 8x8 digits
                     (conv-relu-maxpool-conv-relu-flatten-linear-relu-linear),
                     trained for a few epochs on load_digits() (seeded)
  digits-qdq.onnx    the same network fake-quantized and exported by
                     torch.onnx.export (opset 13): QuantizeLinear /
                     DequantizeLinear pairs on the input (uint8, scale 1/255),
                     every weight (int8, symmetric per tensor: zero point 0,
                     scale max|w| / 127), every ReLU output (uint8, scale
                     calibrated on the training set) and the logits (int8)
  digits-qat.onnx    the same float weights through torch.ao.quantization's
                     eager QAT flow (QuantStub, prepare_qat with the qnnpack
                     default QAT qconfig, version 0) exported without
                     convert(): what a QAT framework hands over
  digits-ptq.onnx    the same float weights through torch.ao.quantization's
                     eager post-training flow (prepare, calibrate on the
                     training set, convert; qnnpack: per-tensor weights):
                     int8 weights in Constant nodes, no-op Casts, int32 bias
                     DequantizeLinears, a QuantizeLinear after every ReLU
  digits-mlp-qat.onnx, digits-mlp-ptq.onnx
                     an MLP (64 -> 32 -> 10, ReLU) trained the same way,
                     through the same QAT and post-training flows
  digits-test.npz    the held-out test images x [N, 1, 8, 8] (float32 in
                     [0, 1]) and labels y
  resnet18.onnx      torchvision's ResNet-18, random weights, 1x3x224x224
                     (skipped with --no-resnet)
  vgg16.onnx         torchvision's VGG-16, random weights, 1x3x224x224
                     (with --vgg; 528 MB: 138 M float weights)
  vitb32.onnx        torchvision's ViT-B/32, random weights, 1x3x224x224
                     (with --vit; opset 13: LayerNorm and GELU arrive
                     decomposed, the class token through ConstantOfShape /
                     Equal / Where / Expand, attention as MatMul / Softmax)
  vit-tiny.onnx      torchvision's VisionTransformer class at a small size
                     (with --vit-tiny): 32x32 input, 16x16 patches (4
                     patches + the class token), 1 encoder layer, 2 heads,
                     hidden 32, MLP 64, 10 classes; the same export as
                     ViT-B/32's in every operator
The digits files are skipped with --no-digits.

--forms (a comma list; default float) chooses which forms of the selected
torchvision ResNet-18 and VGG-16 (--vgg) are written:
  float              resnet18.onnx, vgg16.onnx above
  ptq                resnet18-ptq.onnx, vgg16-ptq.onnx (139 MB): FX graph
                     mode post-training quantization
                     (torch.ao.quantization.quantize_fx prepare_fx,
                     calibrate, convert_fx; qnnpack: int8
                     per-tensor weights, uint8 activations): the forms of
                     digits-ptq.onnx (Constant weights, no-op Casts, int32
                     bias DequantizeLinears, 1-element scales)
  qat                resnet18-qat.onnx, vgg16-qat.onnx (553 MB): FX graph
                     mode QAT (prepare_qat_fx, qnnpack, version 0)
                     exported without convert_fx, like
                     digits-qat.onnx; fake quantization on every
                     convolution's output (a QuantizeLinear before its ReLU),
                     the scales through Identity
Both start from the float network with every BatchNormalization folded
into its convolution (fold_bn: what an eval() export does anyway; without it
prepare_qat_fx makes ConvBn modules, which export Conv -> Div ->
BatchNormalization, a per-channel division cim-opt cannot lower), and
without qnnpack's Linear+ReLU fusion (fx_backend_config: torch 1.13 has no
ONNX export of quantized::linear_relu; VGG-16's classifier). Their
activation ranges are calibrated on two seeded normal inputs
(calibration_inputs: torch.randn with seed 1, [2, 3, 224, 224]); the
weights stay random. ViT-B/32 is float only so far (it does not FX-trace
in torch 1.13).

The QDQ model's numbers follow ONNX: QuantizeLinear divides by the scale,
rounds half to even and saturates; torch's fake quantization (which the
model was trained and calibrated with) also rounds half to even
(std::nearbyint), so the exported graph computes what was trained.
"""
import argparse
import copy
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class DigitsCNN(nn.Module):
    """conv(1->8, 3x3, pad 1)-relu-maxpool(2)-conv(8->16, 3x3, pad 1)-relu-
    flatten-linear(256->32)-relu-linear(32->10); input [N, 1, 8, 8]."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = nn.Linear(16 * 4 * 4, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.relu(self.conv2(x))
        x = x.reshape(x.shape[0], -1)  # exports as a Shape chain + Reshape
        return self.fc2(F.relu(self.fc1(x)))


def digits():
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None]
    y = d.target.astype(np.int64)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(y))
    cut = len(y) * 4 // 5
    return (x[order[:cut]], y[order[:cut]]), (x[order[cut:]], y[order[cut:]])


def train(model, x, y, epochs=8):
    torch.manual_seed(0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(epochs):
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            F.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
    return model


def fq_u8(x, scale):
    return torch.fake_quantize_per_tensor_affine(x, scale, 0, 0, 255)


def fq_i8(x, scale):
    return torch.fake_quantize_per_tensor_affine(x, scale, 0, -128, 127)


class DigitsQDQ(nn.Module):
    """DigitsCNN with fake quantization where the crossbar needs integers."""

    def __init__(self, f, scales):
        super().__init__()
        self.f = f
        self.s = scales
        self.w = {n: float(p.detach().abs().max()) / 127.0
                  for n, p in f.named_parameters() if n.endswith("weight")}

    def forward(self, x):
        f, s, w = self.f, self.s, self.w
        x = fq_u8(x, 1.0 / 255.0)
        x = F.conv2d(x, fq_i8(f.conv1.weight, w["conv1.weight"]), f.conv1.bias,
                     padding=1)
        x = F.max_pool2d(fq_u8(F.relu(x), s[0]), 2)
        x = F.conv2d(x, fq_i8(f.conv2.weight, w["conv2.weight"]), f.conv2.bias,
                     padding=1)
        x = fq_u8(F.relu(x), s[1])
        x = torch.flatten(x, 1)
        x = F.linear(x, fq_i8(f.fc1.weight, w["fc1.weight"]), f.fc1.bias)
        x = fq_u8(F.relu(x), s[2])
        x = F.linear(x, fq_i8(f.fc2.weight, w["fc2.weight"]), f.fc2.bias)
        return fq_i8(x, s[3])


def calibrate(f, x):
    """Activation scales: max of each ReLU output (uint8) and max |logit|
    (int8) over the training set."""
    with torch.no_grad():
        a = F.relu(f.conv1(torch.from_numpy(x)))
        m0 = float(a.max())
        a = F.relu(f.conv2(F.max_pool2d(a, 2)))
        m1 = float(a.max())
        a = F.relu(f.fc1(torch.flatten(a, 1)))
        m2 = float(a.max())
        m3 = float(f.fc2(a).abs().max())
    return [m0 / 255.0, m1 / 255.0, m2 / 255.0, m3 / 127.0]


class DigitsMLP(nn.Module):
    """The digits MLP: 64 pixels -> 32 -> 10 (with QuantStub/DeQuantStub for
    torch.ao.quantization's eager flows; identities in float)."""

    def __init__(self):
        super().__init__()
        from torch.ao.quantization import DeQuantStub, QuantStub
        self.quant, self.dequant = QuantStub(), DeQuantStub()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = torch.flatten(self.quant(x), 1)
        return self.dequant(self.fc2(self.relu(self.fc1(x))))


class DigitsQAT(nn.Module):
    def __init__(self, f):
        super().__init__()
        from torch.ao.quantization import DeQuantStub, QuantStub
        self.quant, self.dequant = QuantStub(), DeQuantStub()
        self.conv1, self.conv2 = f.conv1, f.conv2
        self.fc1, self.fc2 = f.fc1, f.fc2
        self.r1, self.r2, self.r3 = nn.ReLU(), nn.ReLU(), nn.ReLU()
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        x = self.pool(self.r1(self.conv1(self.quant(x))))
        x = torch.flatten(self.r2(self.conv2(x)), 1)
        return self.dequant(self.fc2(self.r3(self.fc1(x))))


def fold_bn(net):
    """Folds every BatchNorm2d into the Conv2d registered just before it in
    the same module (torchvision's conv1/bn1, conv2/bn2, downsample[0]/[1])
    with fuse_conv_bn_eval and puts an Identity in its place."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval
    for m in list(net.modules()):
        prev = None
        for name, c in list(m._modules.items()):
            if (isinstance(c, nn.BatchNorm2d)
                    and isinstance(m._modules.get(prev), nn.Conv2d)):
                m._modules[prev] = fuse_conv_bn_eval(m._modules[prev], c)
                m._modules[name] = nn.Identity()
            prev = name
    return net


def calibration_inputs(count=2, size=224):
    """The deterministic images torchvision nets are calibrated on: seeded
    (1) standard normal samples [count, 3, size, size]."""
    g = torch.Generator().manual_seed(1)
    return torch.randn(count, 3, size, size, generator=g)


def export(model, x, path, fold=True):
    model.eval()
    torch.onnx.export(model, x, path, opset_version=13, do_constant_folding=fold,
                      input_names=["x"], output_names=["logits"])


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--no-digits", action="store_true")
    ap.add_argument("--no-resnet", action="store_true")
    ap.add_argument("--vgg", action="store_true")
    ap.add_argument("--vit", action="store_true")
    ap.add_argument("--vit-tiny", action="store_true")
    ap.add_argument("--forms", default="float",
                    help="comma list of float, ptq, qat (ResNet-18)")
    args = ap.parse_args(argv)
    forms = set(args.forms.split(","))
    if not forms <= {"float", "ptq", "qat"}:
        ap.error(f"--forms: unknown {sorted(forms - {'float', 'ptq', 'qat'})}")
    os.makedirs(args.outdir, exist_ok=True)
    out = lambda name: os.path.join(args.outdir, name)
    if not args.no_digits:
        export_digits(out)
    if not args.no_resnet:
        import torchvision
        torch.manual_seed(0)
        r = torchvision.models.resnet18(weights=None).eval()
        export_forms(r, "resnet18", forms, out)
    if args.vgg:
        import torchvision
        torch.manual_seed(0)
        g = torchvision.models.vgg16(weights=None).eval()
        export_forms(g, "vgg16", forms, out)
    if args.vit or args.vit_tiny:
        from torchvision.models import vit_b_32
        from torchvision.models.vision_transformer import VisionTransformer
        torch.manual_seed(0)
    if args.vit:
        v = vit_b_32(weights=None).eval()
        export(v, torch.zeros(1, 3, 224, 224), out("vitb32.onnx"))
    if args.vit_tiny:
        v = VisionTransformer(image_size=32, patch_size=16, num_layers=1,
                              num_heads=2, hidden_dim=32, mlp_dim=64,
                              num_classes=10).eval()
        export(v, torch.zeros(1, 3, 32, 32), out("vit-tiny.onnx"))
    return 0


def export_forms(net, name, forms, out):
    """Writes NAME.onnx, NAME-ptq.onnx, NAME-qat.onnx of a torchvision CNN
    (1x3x224x224) for the forms asked for; the quantized ones through the
    FX graph mode flows from the BatchNorm-folded network."""
    one = torch.zeros(1, 3, 224, 224)
    if "float" in forms:
        export(net, one, out(name + ".onnx"))
    if forms & {"ptq", "qat"}:
        net, x = fold_bn(net), calibration_inputs()
    if "ptq" in forms:
        export(post_training(copy.deepcopy(net), x, graph=True), one,
               out(name + "-ptq.onnx"))
    if "qat" in forms:
        export(qat(copy.deepcopy(net), x, graph=True), one,
               out(name + "-qat.onnx"))


def export_digits(out):
    torch.manual_seed(0)
    (xtr, ytr), (xte, yte) = digits()
    f = train(DigitsCNN(), xtr, ytr).eval()
    with torch.no_grad():
        acc = (f(torch.from_numpy(xte)).argmax(1).numpy() == yte).mean()
    print(f"digits float test accuracy {acc:.3f}", file=sys.stderr)
    np.savez(out("digits-test.npz"), x=xte, y=yte)
    one = torch.from_numpy(xte[:1])
    # Without constant folding the reshape keeps its Shape -> Gather ->
    # Unsqueeze -> Concat -> Reshape chain (the importer folds it).
    export(f, one, out("digits-float.onnx"), fold=False)
    export(DigitsQDQ(f, calibrate(f, xtr)), one, out("digits-qdq.onnx"))

    xtr_t = torch.from_numpy(xtr)
    export(qat(DigitsQAT(f), xtr_t), one, out("digits-qat.onnx"))
    export(post_training(DigitsQAT(f), xtr_t), one, out("digits-ptq.onnx"))

    torch.manual_seed(0)
    mlp = train(DigitsMLP(), xtr, ytr).eval()
    with torch.no_grad():
        acc = (mlp(torch.from_numpy(xte)).argmax(1).numpy() == yte).mean()
    print(f"digits MLP float test accuracy {acc:.3f}", file=sys.stderr)
    export(qat(copy.deepcopy(mlp), xtr_t), one, out("digits-mlp-qat.onnx"))
    export(post_training(copy.deepcopy(mlp), xtr_t), one,
           out("digits-mlp-ptq.onnx"))


def fx_backend_config():
    """qnnpack's FX backend config without its Linear+ReLU fusions:
    quantized::linear_relu has no ONNX export in torch 1.13 (the Linear and
    the ReLU stay two modules, as the digits models keep them)."""
    from torch.ao.quantization.backend_config import (
        BackendConfig, get_qnnpack_backend_config)
    base = get_qnnpack_backend_config()
    cfg = BackendConfig(base.name)
    for pattern, c in base.configs.items():
        if not (isinstance(pattern, tuple) and pattern[0] in (nn.ReLU, F.relu)
                and pattern[1] in (nn.Linear, F.linear)):
            cfg.set_backend_pattern_config(c)
    return cfg


def qat(model, x, graph=False):
    """torch.ao.quantization's QAT flow (qnnpack default QAT qconfig,
    version 0: version 1's fused observer has no ONNX export) without
    training: prepare_qat (eager: QuantStub/DeQuantStub in the model) or
    prepare_qat_fx (graph=True: FX graph mode), the observers calibrated on
    the tensor x and then frozen; not converted (what a QAT framework hands
    over)."""
    from torch.ao.quantization import get_default_qat_qconfig, prepare_qat
    torch.backends.quantized.engine = "qnnpack"
    model.train()
    qconfig = get_default_qat_qconfig("qnnpack", version=0)
    if graph:
        from torch.ao.quantization import QConfigMapping
        from torch.ao.quantization.quantize_fx import prepare_qat_fx
        q = prepare_qat_fx(model, QConfigMapping().set_global(qconfig),
                           example_inputs=(x[:1],),
                           backend_config=fx_backend_config())
    else:
        model.qconfig = qconfig
        q = prepare_qat(model)
    with torch.no_grad():  # observers only: calibrate, do not train
        q(x)
    q.apply(torch.ao.quantization.disable_observer)
    return q


def post_training(model, x, graph=False):
    """torch.ao.quantization's post-training flow (qnnpack: per-tensor
    weights), eager (prepare, convert) or FX graph mode (graph=True:
    prepare_fx, convert_fx): observers calibrated on the tensor x, then
    converted; the export writes int8 weights in Constant nodes, no-op
    Casts, int32 bias DequantizeLinears and 1-element scales."""
    from torch.ao.quantization import convert, get_default_qconfig, prepare
    torch.backends.quantized.engine = "qnnpack"
    model.eval()
    qconfig = get_default_qconfig("qnnpack")
    if graph:
        from torch.ao.quantization import QConfigMapping
        from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
        p = prepare_fx(model, QConfigMapping().set_global(qconfig),
                       example_inputs=(x[:1],),
                       backend_config=fx_backend_config())
    else:
        model.qconfig = qconfig
        p = prepare(model)
    with torch.no_grad():
        p(x)
    if graph:
        return convert_fx(p, backend_config=fx_backend_config())
    return convert(p)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
