#!/usr/bin/env python3
"""Schedules of the reference networks over a grid of targets (issue 17,
item 4): latency against the report's lower bound, and monotonic in
crossbars and write ports. Python standard library only.

  bench_grid.py BUILD_DIR RESULTS_FILE [--nets resnet18,vgg16,vitb32]
      [--cells 1,2,4] [--sizes 128,256,512] [--ous none,16,64]
      [--ports 1,2,8] [--mults 0.25,0.5,1,2,4,8] [--base TARGET.json]
      [--jobs N]

The grid is the product of the axes; each axis is a parameter, so a small
grid is a few values per axis and the full one is the defaults above
(3 x 27 geometries x 6 crossbar counts x 3 port counts = 1458 points; a
ResNet-18 point takes 1-3 CPU s without OU, 3-18 CPU s with OU 16, most of
it parsing, printing and encoding the OU-limited program; bench/README.md).

Per network and geometry (cell bits, square crossbar size, OU rows or none):
  1. the sequential program (crossbars = 1, write_ports = 1,
     cim-duplicate mode=none): H = its writes, the tiles held once;
  2. per crossbar count max(1, floor(m * H)) for each multiplier m (below 1:
     the model must be re-programmed; 1: held once; above: room for
     copies) and each write-port count: the whole pipeline
       cim-opt MODEL --cim-assign-precision=policy=P --convert-linalg-to-cim
         --cim-tile=target=T --cim-bitslice --convert-cim-to-xbar
         --cim-duplicate --cim-schedule=report=R
     with the default duplication (greedy).
The policy is test/e2e/Inputs/NET-both_constraints-acc05-rcell4.json; the
target is BASE (default examples/targets/reference.json) with rows, cols,
cell_bits, ou_rows, crossbars and write_ports replaced.

Per point the table gives latency, the bound and its binding term (the
report's bounds.binding), latency / bound, utilisation, writes, and the
wall time, CPU time (user + system) and peak RSS of the cim-opt run
(compile time, the whole pipeline; the CPU time does not grow with the
machine's load, the wall time does). A point is
flagged `X+` when it is slower than the point with fewer crossbars (same
ports) and `P+` when slower than the point with fewer ports (same
crossbars). The summary gives the worst ratio and its point and the
number of monotonicity violations. Appends the date, machine, commit,
build, the command and the table to RESULTS_FILE.
"""
import argparse
import concurrent.futures
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time

POLICY = "test/e2e/Inputs/%s-both_constraints-acc05-rcell4.json"
LABEL = {"resnet18": "ResNet-18", "vgg16": "VGG-16", "vitb32": "ViT-B/32"}


def csv(kind):
    return lambda s: [kind(v) for v in s.split(",") if v]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("results")
    ap.add_argument("--nets", type=csv(str),
                    default=["resnet18", "vgg16", "vitb32"])
    ap.add_argument("--cells", type=csv(int), default=[1, 2, 4])
    ap.add_argument("--sizes", type=csv(int), default=[128, 256, 512])
    ap.add_argument("--ous", type=csv(str), default=["none", "16", "64"])
    ap.add_argument("--ports", type=csv(int), default=[1, 2, 8])
    ap.add_argument("--mults", type=csv(float),
                    default=[0.25, 0.5, 1, 2, 4, 8])
    ap.add_argument("--base", default="examples/targets/reference.json")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args()
    command = "bench/bench_grid.py " + " ".join(
        shlex.quote(a) for a in sys.argv[1:])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    opt = os.path.join(os.path.abspath(args.build), "tools", "cim-opt",
                       "cim-opt")
    with open(args.base) as f:
        base = json.load(f)
    tmp = tempfile.mkdtemp(prefix="cimlir-grid.")
    counter = [0]

    def run_point(net, fields):
        """Compiles and schedules net on base + fields; (report, wall s) or
        (None, error text)."""
        counter[0] += 1
        tag = "%s-%d-%d" % (net, os.getpid(), counter[0])
        target = os.path.join(tmp, tag + ".json")
        report = os.path.join(tmp, tag + ".report.json")
        t = dict(base)
        t.update(fields)
        with open(target, "w") as f:
            json.dump(t, f)
        mode = "none" if fields["crossbars"] == 1 else "greedy"
        cmd = [opt, "examples/models/%s.mlir" % net,
               "--cim-assign-precision=policy=" + POLICY % net,
               "--convert-linalg-to-cim", "--cim-tile=target=" + target,
               "--cim-bitslice", "--convert-cim-to-xbar",
               "--cim-duplicate=mode=" + mode,
               "--cim-schedule=report=" + report, "-o", os.devnull]
        t0 = time.perf_counter()
        with tempfile.TemporaryFile(mode="w+") as err:
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                 text=True)
            # wait4: this child's own CPU time and peak RSS (the machine's
            # load inflates the wall time, not these).
            _, status, ru = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(status)
            wall = time.perf_counter() - t0
            err.seek(0)
            stderr = err.read()
        try:
            os.remove(target)
        except OSError:
            pass
        if p.returncode != 0:
            return None, stderr.strip().splitlines()[-1:] or ["exit %d" %
                                                               p.returncode]
        with open(report) as f:
            r = json.load(f)
        os.remove(report)
        r["_cpu_s"] = ru.ru_utime + ru.ru_stime
        r["_rss_mib"] = ru.ru_maxrss / 1024.0
        return r, wall

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    if subprocess.run(["git", "status", "--porcelain", "--untracked-files=no",
                       "--", "lib", "passes", "include"],
                      capture_output=True, text=True).stdout.strip():
        commit += " + uncommitted changes"
    lines = []

    def out(text=""):
        print(text, flush=True)
        lines.append(text)

    out("date: %s  host: %d cores, %s, load %.2f  commit: %s  build: %s" % (
        time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), os.cpu_count(),
        platform.machine(), os.getloadavg()[0], commit, args.build))
    out("command: " + command)
    out("base target: %s; policy %s; latency and bound in ms" % (
        args.base, POLICY % "NET"))
    geoms = [(c, s, o) for c in args.cells for s in args.sizes
             for o in args.ous]
    rows, failures, worst, worst_s = [], 0, None, None
    violations = []
    hdr = ("%-9s %4s %4s %4s %5s %6s %5s %12s %12s %-13s %7s %7s %6s %7s "
           "%7s %6s %s")
    out(hdr % ("network", "cell", "size", "ou", "ports", "xbars", "x H",
               "latency", "bound", "binding", "lat/bnd", "util", "writes",
               "s", "cpu s", "MiB", "flags"))
    total = len(args.nets) * len(geoms) * (
        1 + len(args.mults) * len(args.ports))  # at most
    done = 0
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs)
    for net in args.nets:
        for cell, size, ou in geoms:
            geo = {"rows": size, "cols": size, "cell_bits": cell,
                   "ou_rows": size if ou == "none" else int(ou)}
            seq, _ = run_point(net, dict(geo, crossbars=1, write_ports=1))
            done += 1
            if seq is None:
                out("%-9s %4d %4d %4s  sequential run failed: %s" % (
                    LABEL[net], cell, size, ou, " ".join(_)))
                failures += 1
                continue
            H = seq["writes"]
            counts = sorted({max(1, int(m * H)) for m in args.mults})
            # A target has at most one write port per crossbar.
            points = [(x, pt) for pt in args.ports for x in counts
                      if pt <= x]
            futs = {pool.submit(run_point, net,
                                dict(geo, crossbars=x, write_ports=pt)):
                    (x, pt) for x, pt in points}
            res = {}
            for fu in concurrent.futures.as_completed(futs):
                res[futs[fu]] = fu.result()
                done += 1
                print("  [%d/%d]" % (done, total), file=sys.stderr,
                      flush=True)
            for pt in args.ports:
                for x in counts:
                    if (x, pt) not in res:
                        continue
                    r, wall = res[(x, pt)]
                    if r is None:
                        failures += 1
                        out("%-9s %4d %4d %4s %5d %6d %5.2f  FAILED: %s" % (
                            LABEL[net], cell, size, ou, pt, x, x / H,
                            " ".join(wall)))
                        continue
                    lat = r["latency_ps"]
                    b = r["bounds"]
                    ratio = r["latency_over_bound"]
                    flags = []
                    lower_x = [c for c in counts if c < x]
                    if lower_x and (lower_x[-1], pt) in res and \
                            res[(lower_x[-1], pt)][0] and \
                            res[(lower_x[-1], pt)][0]["latency_ps"] < lat:
                        flags.append("X+")
                    lower_p = [q for q in args.ports if q < pt]
                    if lower_p and (x, lower_p[-1]) in res and \
                            res[(x, lower_p[-1])][0] and \
                            res[(x, lower_p[-1])][0]["latency_ps"] < lat:
                        flags.append("P+")
                    point = "%s cell %d size %d ou %s ports %d xbars %d" % (
                        LABEL[net], cell, size, ou, pt, x)
                    if flags:
                        violations.append(point + " " + "/".join(flags))
                    if worst is None or ratio > worst[0]:
                        worst = (ratio, point, b["binding"])
                    out(hdr % (LABEL[net], cell, size, ou, pt, x,
                               "%.2f" % (x / H), "%.3f" % (lat / 1e9),
                               "%.3f" % (b["bound_ps"] / 1e9), b["binding"],
                               "%.3f" % ratio, "%.4f" % r["utilization"],
                               r["writes"], "%.2f" % wall,
                               "%.2f" % r["_cpu_s"], "%.0f" % r["_rss_mib"],
                               " ".join(flags)))
                    if worst_s is None or r["_cpu_s"] > worst_s[0]:
                        worst_s = (r["_cpu_s"], wall, r["_rss_mib"], point)
    pool.shutdown()
    out()
    if worst:
        out("worst latency/bound: %.3f at %s (binding %s)" % worst)
    if worst_s:
        out("slowest point: %.2f CPU s (%.2f s wall, %.0f MiB peak) at %s" %
            worst_s)
    out("monotonicity violations (slower with more crossbars X+ or more "
        "ports P+): %d%s" % (len(violations), "".join(
            "\n  " + v for v in violations)))
    out("failed points: %d" % failures)
    out()
    with open(args.results, "a") as f:
        f.write("\n".join(lines) + "\n")
    try:
        os.rmdir(tmp)
    except OSError:
        pass
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
