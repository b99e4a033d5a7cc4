#!/usr/bin/python3
"""Exports torchvision's ResNet-18 (random weights, seeded) as QDQ ONNX.

  make_resnet_qdq.py OUT.onnx INPUTS.npy [--size H] [--count N]

The post-training-quantized form a PTQ tool writes: every BatchNormalization
folded into its convolution (torch.nn.utils.fusion.fuse_conv_bn_eval), then
fake quantization exported by torch.onnx.export (opset 13) as
QuantizeLinear/DequantizeLinear pairs on

  - the input: int8, symmetric (zero point 0), scale max|x| / 127;
  - every weight: int8, symmetric, per output channel (axis 0),
    scale max|w_c| / 127;
  - every ReLU output and every block output (ReLU of the residual sum):
    uint8, zero point 0, scale max / 255;
  - every convolution output that feeds a residual sum (the block's second
    convolution, the downsample convolution): int8, scale max|y| / 127;
  - the pooled features and the logits: int8 / uint8 like the above.

Scales are calibrated (max) on the N inputs, which are seeded normal
samples of shape [N, 3, H, H] (H = 224 by default; ResNet-18's adaptive
average pool accepts any H >= 32) and are written to INPUTS.npy. Debian's
python3-torch 1.13 and python3-torchvision 0.14; nothing is downloaded.
"""
import argparse
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torch.nn.utils.fusion import fuse_conv_bn_eval


class Recorder:
    """Calibration (records the max per quantization point) or fake
    quantization with the recorded scales."""

    def __init__(self):
        self.maxima = []
        self.calibrating = True
        self.k = 0

    def act(self, x, signed):
        k, self.k = self.k, self.k + 1
        if self.calibrating:
            m = float(x.detach().abs().max())
            if k == len(self.maxima):
                self.maxima.append(m)
            else:
                self.maxima[k] = max(self.maxima[k], m)
            return x
        m = max(self.maxima[k], 1e-8)
        if signed:
            return torch.fake_quantize_per_tensor_affine(x, m / 127.0, 0, -128, 127)
        return torch.fake_quantize_per_tensor_affine(x, m / 255.0, 0, 0, 255)


def weight_scales(net):
    """Per-output-channel symmetric int8 scales, computed before the export
    so that they are constants in it (as a PTQ tool writes them)."""
    for m in net.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            axes = tuple(range(1, m.weight.dim()))
            m.qscale = (m.weight.detach().abs().amax(dim=axes) / 127.0).clamp(min=1e-8)
    return net


def fq_weight(m):
    return torch.fake_quantize_per_channel_affine(
        m.weight, m.qscale, torch.zeros(m.weight.shape[0], dtype=torch.int32),
        0, -128, 127)


def conv(c, x):
    return F.conv2d(x, fq_weight(c), c.bias, c.stride, c.padding)


class ResNetQDQ(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net
        self.q = Recorder()

    def block(self, b, x):
        q = self.q
        out = q.act(F.relu(conv(b.conv1, x)), False)
        out = q.act(conv(b.conv2, out), True)
        idn = x if b.downsample is None else q.act(conv(b.downsample[0], x), True)
        return q.act(F.relu(out + idn), False)

    def forward(self, x):
        n, q = self.net, self.q
        q.k = 0
        x = q.act(x, True)
        x = q.act(F.relu(conv(n.conv1, x)), False)
        x = F.max_pool2d(x, 3, 2, 1)
        for layer in (n.layer1, n.layer2, n.layer3, n.layer4):
            for b in layer:
                x = self.block(b, x)
        x = q.act(F.adaptive_avg_pool2d(x, 1), False)
        x = torch.flatten(x, 1)
        x = F.linear(x, fq_weight(n.fc), n.fc.bias)
        return q.act(x, True)


def fold(net):
    """Folds every BatchNormalization into the convolution before it."""
    net.conv1 = fuse_conv_bn_eval(net.conv1, net.bn1)
    for layer in (net.layer1, net.layer2, net.layer3, net.layer4):
        for b in layer:
            b.conv1 = fuse_conv_bn_eval(b.conv1, b.bn1)
            b.conv2 = fuse_conv_bn_eval(b.conv2, b.bn2)
            if b.downsample is not None:
                b.downsample[0] = fuse_conv_bn_eval(b.downsample[0], b.downsample[1])
    return net


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("inputs")
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--count", type=int, default=2)
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    net = weight_scales(fold(torchvision.models.resnet18(weights=None).eval()))
    xs = torch.randn(args.count, 3, args.size, args.size)
    model = ResNetQDQ(net).eval()
    with torch.no_grad():
        model(xs)
        model.q.calibrating = False
        torch.onnx.export(model, xs[:1], args.out, opset_version=13,
                          input_names=["x"], output_names=["logits"])
    np.save(args.inputs, xs.numpy())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
