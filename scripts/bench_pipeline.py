#!/usr/bin/env python3
"""Pipeline benchmark: compile time of the reference networks and simulator
throughput (run by scripts/bench.sh; python3 standard library only).

  bench_pipeline.py BUILD_DIR RESULTS_FILE [SIM_RUNS]

(a) Compiles examples/models/{resnet18,vgg16,vitb32}.mlir with their published
    policies (test/e2e/Inputs/NET-both_constraints-acc05-rcell4.json) for the
    default target through the whole pipeline to a binary program: cim-opt
    (assign precision, linalg->cim, tile, bitslice, cim->xbar), then
    cim-translate --mlir-to-cim-bin. Wall time and peak memory of each step.
(b) Runs the ResNet-18 binary in cim-sim SIM_RUNS times (default 3) on the
    deterministic input of scripts/make_inputs.py and reports MVM cycles per
    second = total.mvm_cycles of the report / wall time of the run.

Appends the date, machine, commit, every exact command and the numbers to
RESULTS_FILE. A failing step is recorded with its exit status and stderr and
the script exits 1 after the remaining networks.
"""
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

NETS = ["resnet18", "vgg16", "vitb32"]
PASSES = ["--convert-linalg-to-cim", "--cim-tile", "--cim-bitslice",
          "--convert-cim-to-xbar"]


def run(cmd, stdout=subprocess.DEVNULL, stdin=None):
    """Runs cmd; returns (wall s, peak RSS MiB, status, stderr text, stdout)."""
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=err, stdin=stdin)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    return wall, usage.ru_maxrss / 1024.0, p.returncode, \
        err.read().decode(errors="replace")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    build, results = sys.argv[1], sys.argv[2]
    sim_runs = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    tools = {t: os.path.join(build, "tools", t, t)
             for t in ("cim-opt", "cim-translate", "cim-sim")}
    tmp = tempfile.mkdtemp(prefix="cimlir-bench.")
    lines, failed = [], False

    def shown(cmd):
        return " ".join(shlex.quote(a) for a in cmd).replace(tmp, "$TMP")

    def out(text=""):
        print(text, flush=True)
        lines.append(text)

    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short",
                                 "HEAD"], capture_output=True, text=True
                                ).stdout.strip() or "unknown"
        out("date: %s  host: %d cores, %s, load %.2f  commit: %s  build: %s"
            % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               os.cpu_count(), platform.machine(), os.getloadavg()[0], commit,
               build))
        out("(a) compile time through the whole pipeline to a binary "
            "(default target, one run each; $TMP is a temp dir)")
        rows = []
        for net in NETS:
            policy = "test/e2e/Inputs/%s-both_constraints-acc05-rcell4.json" % net
            xbar = os.path.join(tmp, net + ".xbar.mlir")
            binary = os.path.join(tmp, net + ".bin")
            steps = [
                ("cim-opt", [tools["cim-opt"], "examples/models/%s.mlir" % net,
                             "--cim-assign-precision=policy=" + policy]
                 + PASSES + ["-o", xbar]),
                ("cim-translate", [tools["cim-translate"], "--mlir-to-cim-bin",
                                   xbar, "-o", binary]),
            ]
            times = []
            for name, cmd in steps:
                out("  $ " + shown(cmd))
                wall, rss, rc, err = run(cmd)
                if rc != 0:
                    failed = True
                    out("  FAILED (exit %d) after %.2f s:" % (rc, wall))
                    for e in err.rstrip().splitlines():
                        out("    " + e)
                    break
                times.append((wall, rss))
            if len(times) == len(steps):
                rows.append((net, times, os.path.getsize(xbar),
                             os.path.getsize(binary)))
        out()
        out("  %-9s %10s %10s %14s %10s %10s %11s %10s" % (
            "network", "cim-opt s", "peak MiB", "cim-translate s", "peak MiB",
            "total s", "xbar MiB", "bin MiB"))
        for net, ((t1, m1), (t2, m2)), xs, bs in rows:
            out("  %-9s %10.2f %10.0f %14.2f %10.0f %10.2f %11.1f %10.1f" % (
                net, t1, m1, t2, m2, t1 + t2, xs / 2**20, bs / 2**20))
        out()

        binary = os.path.join(tmp, "resnet18.bin")
        if not os.path.exists(binary):
            out("(b) skipped: the ResNet-18 binary was not built")
        else:
            out("(b) simulator throughput on ResNet-18 "
                "(both_constraints-acc05-rcell4), %d runs" % sim_runs)
            asm = subprocess.run([tools["cim-translate"], "--cim-bin-to-asm",
                                  binary], capture_output=True, check=True
                                 ).stdout
            inputs = subprocess.run(
                [sys.executable, "scripts/make_inputs.py", tmp], input=asm,
                capture_output=True, check=True).stdout.decode().split()
            out("  $ cim-translate --cim-bin-to-asm $TMP/resnet18.bin | "
                "python3 scripts/make_inputs.py $TMP")
            os.makedirs(os.path.join(tmp, "out"), exist_ok=True)
            report = os.path.join(tmp, "report.json")
            cmd = [tools["cim-sim"], binary] + inputs + [
                "--output-dir", os.path.join(tmp, "out"), "--report", report,
                "--quiet"]
            out("  $ " + shown(cmd))
            walls = []
            for _ in range(sim_runs):
                wall, rss, rc, err = run(cmd)
                if rc != 0:
                    failed = True
                    out("  FAILED (exit %d):" % rc)
                    for e in err.rstrip().splitlines():
                        out("    " + e)
                    break
                walls.append(wall)
            if walls:
                rep = json.load(open(report))
                tot = rep["total"]
                cycles = tot["mvm_cycles"]
                med = statistics.median(walls)
                out("  MVM cycles %d, cell activations %d, simulated latency "
                    "%.3f ms, peak %.0f MiB" % (
                        cycles, tot["cell_activations"],
                        tot["latency_ps"] / 1e9, rss))
                if "mvm_instructions" in rep:
                    out("  MVM instructions: %s" % json.dumps(
                        rep["mvm_instructions"]))
                out("  wall s: %s  (median %.2f)" % (
                    " ".join("%.2f" % w for w in walls), med))
                out("  throughput: %.0f MVM cycles/s, %.3g cell activations/s"
                    " (median run)" % (cycles / med,
                                       tot["cell_activations"] / med))
        out()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with open(results, "a") as f:
            f.write("\n".join(lines) + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
