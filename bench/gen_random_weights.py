#!/usr/bin/python3
"""Writes a reference network with random (dense, non-splat) f32 weights.

    /usr/bin/python3 bench/gen_random_weights.py NET OUT.mlir
        [--format hex|resource] [--seed N]

NET is resnet18, vgg16 or vitb32: the same network, layer order and name
locations as examples/models/NET.mlir (built by examples/models/gen_models.py,
imported from there), but every weight and bias tensor holds random values
instead of a splat: weights ~ N(0, sqrt(2 / fan_in)) (He initialisation, the
scale of a trained ImageNet network's layers), biases ~ N(0, 0.01). The
compile benchmark (bench/README.md, "Compile time") feeds them to cim-opt and
to stock mlir-opt.

--format hex (default) writes each tensor as a dense attribute with a hex
string (`dense<"0x...">`, MLIR's own form for large constants), --format
resource as a `dense_resource<...>` blob in the file's `dialect_resources`
section (what torch-mlir / IREE importers write). Either way the file holds
4 bytes of data per parameter as 8 hex digits: ResNet-18 (11.7 M parameters)
is about 94 MB.

Needs numpy: run it with /usr/bin/python3 (Debian's python3-numpy).
"""

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples", "models"))
import gen_models  # noqa: E402  (the network definitions)


class RandomBuilder(gen_models.Builder):
    """gen_models.Builder whose parameters are random f32 tensors."""

    def __init__(self, rng, fmt):
        super().__init__(None)
        self.rng = rng
        self.fmt = fmt
        self.blobs = []  # (name, hex) of --format resource

    def param(self, shape, role):
        count = int(np.prod(shape))
        if role == "weight":
            fan_in = count // shape[0] if len(shape) == 4 else shape[0]
            std = np.sqrt(2.0 / fan_in)
        else:
            std = 0.01
        data = (self.rng.standard_normal(count) * std).astype("<f4")
        v = self.fresh()
        if self.fmt == "hex":
            self.emit(f'{v} = arith.constant dense<"0x{data.tobytes().hex().upper()}"> '
                      f": {gen_models.ttype(shape)}")
        else:
            name = f"p{len(self.blobs)}"
            # A blob starts with its alignment (4 bytes, little-endian).
            self.blobs.append((name, "0x04000000" + data.tobytes().hex().upper()))
            self.emit(f"{v} = arith.constant dense_resource<{name}> : "
                      f"{gen_models.ttype(shape)}")
        return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("net", choices=[n for n, *_ in gen_models.NETWORKS])
    ap.add_argument("out")
    ap.add_argument("--format", choices=["hex", "resource"], default="hex")
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    net, fn, model, note = next(n for n in gen_models.NETWORKS
                                if n[0] == args.net)
    b = RandomBuilder(np.random.default_rng(args.seed), args.format)
    result = fn(b)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(f"// {net}: {model} with random f32 weights "
                f"(bench/gen_random_weights.py --format {args.format} "
                f"--seed {args.seed}).\n")
        f.write(gen_models.MAPS + "\n")
        f.write("func.func @forward(%input: tensor<1x3x224x224xf32>) -> "
                "tensor<1x1000xf32> {\n")
        f.write("  %zero = arith.constant 0.0 : f32\n")
        f.write("  %ninf = arith.constant 0xFF800000 : f32\n")
        for line in b.lines:
            f.write(line + "\n")
        f.write(f"  return {result} : tensor<1x1000xf32>\n}}\n")
        if b.blobs:
            f.write("{-#\n  dialect_resources: {\n    builtin: {\n")
            f.write(",\n".join(f'      {n}: "{h}"' for n, h in b.blobs))
            f.write("\n    }\n  }\n#-}\n")


if __name__ == "__main__":
    main()
