#!/usr/bin/python3
"""The Python package as a quantization-search oracle (issue 14, item 2).

Measures, on one core (CPU seconds of this process, time.process_time, so
that other load on the machine does not distort the figures), for ResNet-18
(examples/models/resnet18.mlir) on the default target and on a 2-bit-cell,
OU-16 target:
  - cimlir.estimate_batch: policies per second, latency only and all cost
    fields, on N random policies (bits 1..8);
  - cimlir.estimate: microseconds per single call;
  - cimlir.latency_table: milliseconds for the [21, 8, 8] table (a new
    target each time, so the per-target table is rebuilt);
  - cimlir.compile: seconds for the whole model to a binary (W8A8);
  - the subprocess route it replaces: `cim-opt --cim-estimate=policy=P` per
    policy (wall seconds, median of 5).
Usage: python_oracle.py BUILD_DIR [N]   (PYTHONPATH=python)
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import cimlir

build = sys.argv[1]
N = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
root = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
model_path = os.path.join(root, "examples", "models", "resnet18.mlir")
model = cimlir.Model.load(model_path)
L = len(model)
rng = np.random.default_rng(0)
policies = rng.integers(1, 9, size=(N, L, 2))

targets = {"default": cimlir.Target.default(),
           "2-bit cells, OU 16": cimlir.Target.default().replace(
               cell_bits=2, ou_rows=16)}

print(f"ResNet-18 ({L} layers), {N} random policies, one core, CPU time")
for name, t in targets.items():
    cimlir.estimate_batch(model, t, policies[:10])  # builds the table
    t0 = time.process_time()
    cimlir.estimate_batch(model, t, policies, fields=["latency_ps"])
    lat = N / (time.process_time() - t0)
    t0 = time.process_time()
    cimlir.estimate_batch(model, t, policies)
    full = N / (time.process_time() - t0)
    k = 2000
    t0 = time.process_time()
    for i in range(k):
        cimlir.estimate(model, t, policies[i])
    single = (time.process_time() - t0) / k * 1e6
    t0 = time.process_time()
    reps = 20
    for i in range(reps):
        cimlir.latency_table(model, t.replace(t_mvm_ns=1.4 + i * 1e-3))
    table = (time.process_time() - t0) / reps * 1e3
    print(f"  target {name}: estimate_batch {lat:,.0f} policies/s "
          f"(latency only), {full:,.0f} policies/s (all "
          f"{len(cimlir.COST_FIELDS)} fields); estimate {single:.1f} us/call;"
          f" latency_table {table:.2f} ms")

t0 = time.process_time()
prog = cimlir.compile(model, None, model.uniform_policy(8, 8))
print(f"  compile W8A8 to a binary: {time.process_time() - t0:.2f} CPU s, "
      f"{len(prog.binary)} bytes")

opt = os.path.join(build, "tools", "cim-opt", "cim-opt")
with tempfile.TemporaryDirectory() as tmp:
    walls = []
    for i in range(5):
        p = os.path.join(tmp, "p.json")
        with open(p, "w") as f:
            json.dump(policies[i].tolist(), f)
        t0 = time.perf_counter()
        subprocess.run([opt, model_path, f"--cim-estimate=policy={p} table=",
                        "-o", os.devnull], check=True)
        walls.append(time.perf_counter() - t0)
print(f"  subprocess cim-opt --cim-estimate per policy: "
      f"{statistics.median(walls):.3f} s wall (median of 5)")
