#!/usr/bin/env python3
"""cim-sim on ResNet-18 next to a plain C int64 GEMM of the same layer shapes
(issue 19: cim-sim within 2x the GEMM's CPU time, within 2x the memory the
model's tensors need). Python standard library only.

  bench_sim.py BUILD_DIR RESULTS_FILE [RUNS]

1. Compiles examples/models/resnet18.mlir with its published policy
   (test/e2e/Inputs/resnet18-both_constraints-acc05-rcell4.json) for the
   default target to a binary (the commands of scripts/bench_pipeline.py)
   and writes the deterministic input of scripts/make_inputs.py.
2. Reads the layer shapes (M K N R per layer) from the model's layer table
   (bench/cim-bench-sim-gemm --shapes).
3. RUNS times (default 3), alternating: cim-sim on the binary, and
   cim-bench-sim-gemm --gemm on the shapes, each its own process; CPU time
   (user + sys, so that the machine's load does not distort the ratio) and
   peak RSS from wait4.
4. The model's tensors: every weight at one byte (the policy's weights have
   at most 8 bits) plus the largest layer's input patches at one byte and
   its output at four (int32 accumulators).

Appends the date, machine, commit, every command and the medians to
RESULTS_FILE.
"""
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

POLICY = "test/e2e/Inputs/resnet18-both_constraints-acc05-rcell4.json"
MODEL = "examples/models/resnet18.mlir"


def measure(cmd, stdout=subprocess.DEVNULL, stdin=None):
    """Runs cmd; returns (CPU s, peak RSS MiB). Exits on failure."""
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=err, stdin=stdin)
    _, status, usage = os.wait4(p.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        err.seek(0)
        sys.exit("failed: %s\n%s" % (shlex.join(cmd),
                                     err.read().decode(errors="replace")))
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    results = os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    tool = {t: os.path.join(build, "tools", t, t)
            for t in ("cim-opt", "cim-translate", "cim-sim")}
    gemm = os.path.join(build, "bench", "cim-bench-sim-gemm")
    tmp = tempfile.mkdtemp(prefix="cimlir-bench-sim.")
    xbar, binary = os.path.join(tmp, "resnet18.xbar.mlir"), \
        os.path.join(tmp, "resnet18.bin")
    shapes = os.path.join(tmp, "resnet18.shapes")
    out_dir = os.path.join(tmp, "out")
    os.mkdir(out_dir)
    commands = [
        [tool["cim-opt"], MODEL, "--cim-assign-precision=policy=" + POLICY,
         "--convert-linalg-to-cim", "--cim-tile", "--cim-bitslice",
         "--convert-cim-to-xbar", "-o", xbar],
        [tool["cim-translate"], "--mlir-to-cim-bin", xbar, "-o", binary],
    ]
    print("compiling ResNet-18 ...", file=sys.stderr)
    for c in commands:
        measure(c)
    asm = subprocess.run([tool["cim-translate"], "--cim-bin-to-asm", binary],
                         check=True, capture_output=True).stdout
    inputs = subprocess.run([sys.executable, "scripts/make_inputs.py", tmp],
                            input=asm, check=True,
                            capture_output=True).stdout.decode().split()
    with open(shapes, "w") as f:
        subprocess.run([gemm, "--shapes", MODEL], stdout=f, check=True)
    layers = [tuple(int(x) for x in line.split()) for line in open(shapes)]
    macs = sum(m * k * n * r for m, k, n, r in layers)
    weights = sum(k * n * r for m, k, n, r in layers)
    largest = max(m * k * r + 4 * m * n * r for m, k, n, r in layers)
    tensors_mib = (weights + largest) / 2**20

    sim_cmd = [tool["cim-sim"], binary] + inputs + [
        "--output-dir", out_dir, "--quiet"]
    gemm_cmd = [gemm, "--gemm", shapes]
    sim, ref = [], []
    for i in range(runs):
        print("run %d/%d: cim-sim ..." % (i + 1, runs), file=sys.stderr)
        sim.append(measure(sim_cmd))
        print("run %d/%d: int64 GEMM ..." % (i + 1, runs), file=sys.stderr)
        ref.append(measure(gemm_cmd))
    sim_s = statistics.median(s for s, _ in sim)
    sim_mib = max(m for _, m in sim)
    gemm_s = statistics.median(s for s, _ in ref)
    gemm_mib = max(m for _, m in ref)

    def rel(path):
        return path.replace(tmp, "$TMP").replace(build, "BUILD")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()[0]
    lines = [
        "date: %s  host: %d cores, %s  commit: %s  build: %s  load: %.1f" % (
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            os.cpu_count(), platform.machine(), commit or "unknown",
            build, load),
        "command: python3 bench/bench_sim.py BUILD %s %d" % (
            os.path.relpath(results, root), runs),
    ] + ["  $ " + rel(shlex.join(c)) for c in commands] + [
        "  $ " + rel(shlex.join([gemm, "--shapes", MODEL])) + " > $TMP/resnet18.shapes",
        "  $ " + rel(shlex.join(sim_cmd)),
        "  $ " + rel(shlex.join(gemm_cmd)),
        "  layers %d, MACs %d, weights %d" % (len(layers), macs, weights),
        "  cim-sim   CPU s: %s (median %.2f), peak %.0f MiB" % (
            " ".join("%.2f" % s for s, _ in sim), sim_s, sim_mib),
        "  int64 GEMM CPU s: %s (median %.2f), peak %.0f MiB" % (
            " ".join("%.2f" % s for s, _ in ref), gemm_s, gemm_mib),
        "  model tensors (weights at 1 B + largest layer's input 1 B and "
        "output 4 B): %.1f MiB" % tensors_mib,
        "  time  cim-sim / GEMM: %.2fx (goal <= 2x: %s)" % (
            sim_s / gemm_s, "met" if sim_s <= 2 * gemm_s else "missed"),
        "  memory cim-sim / model tensors: %.1fx (goal <= 2x: %s); "
        "cim-sim / GEMM process: %.2fx" % (
            sim_mib / tensors_mib,
            "met" if sim_mib <= 2 * tensors_mib else "missed",
            sim_mib / gemm_mib),
        "",
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(results, "a") as f:
        f.write(text)


if __name__ == "__main__":
    main()
