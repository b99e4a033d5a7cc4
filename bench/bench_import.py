#!/usr/bin/python3
"""ONNX import with real weights (issue 13, item 8: VGG-16's 138 M weights
imported in <= 10 s and <= 2x the file size in memory).

  bench_import.py BUILD_DIR RESULTS_FILE [--nets vgg16,resnet18] [--runs N]

1. Exports each torchvision net with random weights (torch.manual_seed(0),
   no download) as float ONNX, opset 13, input 1x3x224x224, into
   BUILD_DIR/bench-import/ (kept: the export takes a minute; delete the
   folder to redo it).
2. Runs `cim-translate --import-onnx NET.onnx -o OUT.mlir` N times (default
   1), each its own process: CPU time (user + sys, so that the machine's load
   does not distort it), wall time, peak RSS (wait4), and the output's size.
   The export runs in a process of its own: a child's ru_maxrss starts from
   its parent's memory (the peak survives exec), so a driver that had torch
   loaded measured its own gigabytes (the results of 2026-12-07T21:17 show
   ResNet-18 at 552.6 MiB; it peaks at 331.5 MiB on its own).
3. Prints one row per net with the medians and the two ratios the issue
   sets goals for, and appends them, with the date, machine, commit and
   every command, to RESULTS_FILE.

Needs Debian's python3-torch and python3-torchvision (run with
/usr/bin/python3).
"""
import argparse
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time


def export(net, path):
    """Exports in a child process (see the module docstring)."""
    subprocess.run([sys.executable, os.path.abspath(__file__), "--export",
                    net, path], check=True)


def export_here(net, path):
    import torch
    import torchvision
    torch.manual_seed(0)
    model = getattr(torchvision.models, net)(weights=None).eval()
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), path,
                      opset_version=13)


def measure(cmd):
    """(CPU s, wall s, peak RSS MiB) of one run of cmd; exits on failure."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (shlex.join(cmd), err))
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024.0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--export":
        export_here(sys.argv[2], sys.argv[3])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("results")
    ap.add_argument("--nets", default="vgg16,resnet18")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    tool = os.path.join(build, "tools", "cim-translate", "cim-translate")
    work = os.path.join(build, "bench-import")
    os.makedirs(work, exist_ok=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commit = subprocess.run(["git", "-C", root, "rev-parse", "--short",
                             "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    lines = ["date: %s  host: %d cores, %s  commit: %s"
             % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                os.cpu_count(), platform.machine(), commit),
             "command: bench/bench_import.py BUILD %s --nets %s --runs %d"
             % (os.path.relpath(args.results, root), args.nets, args.runs),
             "%-9s %10s %10s %8s %8s %11s %9s  %s" %
             ("net", "onnx MiB", "out MiB", "CPU s", "wall s", "peak MiB",
              "RSS/file", "goals (<= 10 CPU s, <= 2x the file)")]
    print(lines[-1])
    for net in args.nets.split(","):
        onnx = os.path.join(work, net + ".onnx")
        if not os.path.exists(onnx):
            print("exporting %s (random weights) ..." % net, file=sys.stderr)
            export(net, onnx + ".part")
            os.replace(onnx + ".part", onnx)
        out = os.path.join(work, net + ".mlir")
        cmd = [tool, "--import-onnx", onnx, "-o", out]
        runs = [measure(cmd) for _ in range(args.runs)]
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        rss = statistics.median(r[2] for r in runs)
        mib = os.path.getsize(onnx) / 2**20
        outmib = os.path.getsize(out) / 2**20
        os.remove(out)
        missed = [g for g, ok in (("CPU", cpu <= 10), ("memory", rss <= 2 * mib))
                  if not ok]
        lines.append("%-9s %10.1f %10.1f %8.2f %8.2f %11.1f %8.2fx  %s" %
                     (net, mib, outmib, cpu, wall, rss, rss / mib,
                      "missed: " + ", ".join(missed) if missed else "met"))
        lines.append("  " + shlex.join(cmd).replace(build, "BUILD"))
        print(lines[-2])
    with open(args.results, "a") as f:
        f.write("\n".join(lines) + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
