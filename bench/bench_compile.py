#!/usr/bin/python3
"""Compile benchmark: cim-opt's front end against stock mlir-opt parse+print.

    /usr/bin/python3 bench/bench_compile.py BUILD_DIR RESULTS_FILE [RUNS]

For each input, in the same run: CPU seconds (user + sys of the child) and
peak RSS of
  cim-opt IN --cim-assign-precision=policy=P --convert-linalg-to-cim
             --cim-tile --cim-bitslice --convert-cim-to-xbar -o /dev/null
and of
  mlir-opt IN -o /dev/null          (stock /usr/lib/llvm-22/bin/mlir-opt)
and their ratios; the median of RUNS runs (default 3) of each. Then, per
input, one more run of the cim-opt command with --mlir-timing: the wall
time of each pass (MLIR's timing report), and the rest of the run (parse,
print, start-up) as the whole run's wall time minus the passes. Inputs: the
splat reference networks examples/models/{resnet18,vitb32,vgg16}.mlir and
ResNet-18 with random weights from bench/gen_random_weights.py, once as hex
dense attributes and once as dense_resource blobs (generated into a temp
dir). P is the network's published policy
test/e2e/Inputs/NET-both_constraints-acc05-rcell4.json. Appends the date,
machine, load, commit, the exact commands and the table to RESULTS_FILE.
"""
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import re
import time

MLIR_OPT = "/usr/lib/llvm-22/bin/mlir-opt"
PASSES = ["--convert-linalg-to-cim", "--cim-tile", "--cim-bitslice",
          "--convert-cim-to-xbar"]


def run(cmd):
    """(CPU s, peak RSS MiB, exit status, stderr) of one run of cmd."""
    err = tempfile.TemporaryFile()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    _, status, usage = os.wait4(p.pid, 0)
    err.seek(0)
    return (usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0,
            os.waitstatus_to_exitcode(status),
            err.read().decode(errors="replace"))


TIMING_LINE = re.compile(r"^\s*([0-9.]+) \(\s*[0-9.]+%\)\s+(\S.*?)\s*$")


def pass_times(cmd):
    """(wall s of the whole run, {pass: wall s}) of one run of cmd with
    --mlir-timing: the report's leaf lines (passes, not pipelines), and
    'Rest' (MLIR's own remainder of the pass manager's time)."""
    t0 = time.monotonic()
    p = subprocess.run(cmd + ["--mlir-timing"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr[-300:]))
    times = {}
    for line in p.stderr.splitlines():
        m = TIMING_LINE.match(line)
        if m and m.group(2) not in ("Total",) and "Pipeline" not in m.group(2):
            times[m.group(2)] = times.get(m.group(2), 0.0) + float(m.group(1))
    return wall, times


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    build, results = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) == 4 else 3
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    cim_opt = os.path.join(build, "tools", "cim-opt", "cim-opt")
    tmp = tempfile.mkdtemp(prefix="cimlir-compile.")
    lines, failed = [], False

    def out(text=""):
        print(text, flush=True)
        lines.append(text)

    def shown(cmd):
        return " ".join(shlex.quote(a) for a in cmd).replace(tmp, "$TMP")

    try:
        inputs = [(n + " (splat)", n, "examples/models/%s.mlir" % n)
                  for n in ("resnet18", "vitb32", "vgg16")]
        gen = []
        for fmt in ("hex", "resource"):
            path = os.path.join(tmp, "resnet18-random-%s.mlir" % fmt)
            cmd = ["/usr/bin/python3", "bench/gen_random_weights.py",
                   "resnet18", path, "--format", fmt]
            subprocess.run(cmd, check=True)
            gen.append(shown(cmd))
            inputs.append(("resnet18 (random, %s)" % fmt, "resnet18", path))
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True
                                ).stdout.strip() or "unknown"
        out("date: %s  host: %d cores, %s, load %.2f  commit: %s  build: %s"
            % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               os.cpu_count(), platform.machine(), os.getloadavg()[0], commit,
               build))
        out("CPU s = user + sys of the process, median of %d runs; "
            "$TMP is a temp dir" % runs)
        for g in gen:
            out("  $ " + g)
        rows = []
        for label, net, path in inputs:
            policy = "test/e2e/Inputs/%s-both_constraints-acc05-rcell4.json" \
                % net
            ours = [cim_opt, path, "--cim-assign-precision=policy=" + policy] \
                + PASSES + ["-o", "/dev/null"]
            stock = [MLIR_OPT, path, "-o", "/dev/null"]
            out("  $ " + shown(ours).replace(build, "BUILD"))
            out("  $ " + shown(stock))
            got = []
            for cmd in (ours, stock):
                samples = []
                for _ in range(runs):
                    cpu, rss, rc, err = run(cmd)
                    if rc != 0:
                        failed = True
                        out("  FAILED (exit %d): %s" % (rc, err.strip()[:300]))
                        break
                    samples.append((cpu, rss))
                if len(samples) != runs:
                    break
                got.append((statistics.median(s[0] for s in samples),
                            max(s[1] for s in samples)))
            if len(got) == 2:
                rows.append((label, os.path.getsize(path), got[0], got[1],
                             pass_times(ours)))
        out()
        out("  %-27s %8s %12s %10s %12s %10s %7s %7s" % (
            "input", "MiB", "cim-opt CPU", "peak MiB", "mlir-opt CPU",
            "peak MiB", "CPU x", "RSS x"))
        for label, size, (c1, m1), (c2, m2), _ in rows:
            out("  %-27s %8.1f %12.2f %10.0f %12.2f %10.0f %7.2f %7.2f" % (
                label, size / 2**20, c1, m1, c2, m2, c1 / c2, m1 / m2))
        out()
        names = []
        for row in rows:
            names += [n for n in row[4][1] if n not in names]
        out("  per pass, wall s of one --mlir-timing run ('other' = parse, "
            "print, start-up: the run's wall time minus the pass manager's)")
        out("  %-27s %8s" % ("input", "other")
            + "".join(" %12s" % n[:12] for n in names))
        for label, _, _, _, (wall, times) in rows:
            other = max(0.0, wall - sum(times.values()))
            out("  %-27s %8.2f" % (label, other)
                + "".join(" %12.3f" % times.get(n, 0.0) for n in names))
        out()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with open(results, "a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
