#!/usr/bin/python3
"""cim-sweep throughput: points per second of a design-space sweep.

    bench/bench_sweep.py BUILD_DIR

Runs python/bin/cim-sweep (as a user would, one process) on ResNet-18 with
400 random policies (.npy files, seed 3) over 64 targets (cell_bits 1..8 x
square crossbars 64..512 x t_mvm_ns 700, 1400) = 25,600 points, with and without
layers.csv, with --jobs 1 and 2. Records wall time, CPU time (the command and
its workers) and the load average, and appends them to
bench/results/sweep.txt. Checks that --jobs 2 writes the same bytes.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRID = ["--set", "cell_bits=1,2,3,4,5,6,7,8",
        "--set", "rows,cols=64,128,256,512", "--set", "t_mvm_ns=700,1400"]


def run(args, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([sys.executable, os.path.join(ROOT, "python", "bin",
                                                 "cim-sweep"), *args],
                   check=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime
                                                 - before.ru_stime)
    return wall, cpu


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    env = dict(os.environ, CIMLIR_LIBRARY=os.path.join(
        build, "lib", "libcimlir.so"))
    work = tempfile.mkdtemp(prefix="bench-sweep-")
    rng = np.random.default_rng(3)
    policies = []
    for i in range(400):
        path = os.path.join(work, f"p{i:03d}.npy")
        np.save(path, rng.integers(1, 9, size=(21, 2)).astype(np.int64))
        policies += ["--policy", path]
    base = (["--model", os.path.join(ROOT, "examples", "models",
                                     "resnet18.mlir")]
            + GRID + policies + ["--quiet"])
    points = 64 * 400
    lines = []
    outs = {}
    for layers in (False, True):
        for jobs in (1, 2):
            out = os.path.join(work, f"out-{int(layers)}-{jobs}")
            args = base + ["--output", out, "--jobs", str(jobs)]
            if not layers:
                args.append("--no-layers")
            wall, cpu = run(args, env)
            outs[(layers, jobs)] = out
            lines.append(
                f"  {'with' if layers else 'no'} layers.csv, --jobs {jobs}: "
                f"{wall:.2f} s wall, {cpu:.2f} s CPU, "
                f"{points / wall:,.0f} points/s wall, "
                f"{points / cpu:,.0f} points/s CPU")
    for layers in (False, True):
        for name in ("points.csv", "points.json") + (
                ("layers.csv",) if layers else ()):
            a = open(os.path.join(outs[(layers, 1)], name), "rb").read()
            b = open(os.path.join(outs[(layers, 2)], name), "rb").read()
            if a != b:
                sys.exit(f"bench_sweep: --jobs 2 wrote another {name}")
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short",
                             "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    head = (f"date: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}  "
            f"host: {os.cpu_count()} cores, {os.uname().machine}, load "
            f"average {os.getloadavg()[0]:.1f}  commit: {commit}")
    text = "\n".join([
        head,
        "command: /usr/bin/python3 bench/bench_sweep.py "
        + " ".join(sys.argv[1:]),
        "ResNet-18, 400 random policies x 64 targets = 25,600 points "
        "(grid: " + " ".join(GRID) + ")"]
        + lines + [""]) + "\n"
    print(text, end="")
    with open(os.path.join(ROOT, "bench", "results", "sweep.txt"), "a") as f:
        f.write(text)


if __name__ == "__main__":
    main()
