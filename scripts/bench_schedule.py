#!/usr/bin/env python3
"""Multi-crossbar schedule benchmark: cim-duplicate + cim-schedule on the
reference networks (run by scripts/bench.sh; python3 standard library only).

  bench_schedule.py BUILD_DIR RESULTS_FILE

For each of examples/models/{resnet18,vgg16,vitb32}.mlir:
  1. compiles the sequential crossbar program once per precision: the
     published mixed policy (test/e2e/Inputs/NET-both_constraints-acc05-
     rcell4.json) and W8A8 (--cim-assign-precision='w-bits=8 a-bits=8');
  2. schedules the W8A8 program on the default target (one crossbar,
     mode=none): its sequential_ps is the 8-bit baseline;
  3. schedules the mixed program on four targets, each with
     cim-duplicate mode=none, uniform (factor=0: as many copies as fit) and
     greedy:
       (a)  the default target (1 crossbar, 1 write port);
       (b)  crossbars = 2*H, write_ports = 1;
       (b8) crossbars = 2*H, write_ports = 8;
       (c)  crossbars = max(1, H // 4), write_ports = 1;
     where H = `writes` of the report of (a) mode=none (the tiles of the
     sequential program, each held once).

Every schedule run writes a report (docs/schedule.md); the table gives its
latency, the speedup over the 8-bit baseline (W8A8 sequential_ps / latency)
and over the same target without duplication (sequential_ps of that
target's mode=none run / latency), writes, copies, utilization, the lower
bound with its dominating term and latency / bound, and the wall time and
peak memory of the cim-opt run.

Appends the date, machine, commit, build, every exact command and the table
to RESULTS_FILE. A failing step is recorded with its exit status and stderr
and the script exits 1 after the remaining runs.
"""
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

NETS = [("resnet18", "ResNet-18"), ("vgg16", "VGG-16"),
        ("vitb32", "ViT-B/32")]
MODES = ["none", "uniform", "greedy"]
LOWER = ["--convert-linalg-to-cim", "--convert-cim-to-xbar"]
# Report bound fields and the names the table gives them.
BOUND_TERMS = [("work_ps", "work"), ("write_ports_ps", "ports"),
               ("critical_path_ps", "path")]


def run(cmd):
    """Runs cmd; returns (wall s, peak RSS MiB, status, stderr text)."""
    err = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    except OSError as e:
        return 0.0, 0.0, 127, str(e)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err.seek(0)
    return wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status), \
        err.read().decode(errors="replace")


def build_type(build):
    """CMAKE_BUILD_TYPE of the build directory, or 'unknown'."""
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_BUILD_TYPE:"):
                    return line.split("=", 1)[1].strip() or "none"
    except OSError:
        pass
    return "unknown"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    build, results = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    opt = os.path.join(build, "tools", "cim-opt", "cim-opt")
    tmp = tempfile.mkdtemp(prefix="cimlir-bench.")
    lines, failed = [], False

    def shown(cmd):
        return " ".join(shlex.quote(a) for a in cmd).replace(tmp, "$TMP")

    def out(text=""):
        print(text, flush=True)
        lines.append(text)

    def step(cmd):
        """Runs and records one command; (wall, peak MiB) or None."""
        nonlocal failed
        out("  $ " + shown(cmd))
        wall, rss, rc, err = run(cmd)
        if rc != 0:
            failed = True
            out("  FAILED (exit %d) after %.2f s:" % (rc, wall))
            for e in err.rstrip().splitlines()[:20]:
                out("    " + e)
            return None
        return wall, rss

    def schedule(xbar, target, mode, report):
        """Duplicates and schedules xbar on target; (report, wall, MiB)."""
        cmd = [opt, xbar,
               "--cim-duplicate=target=%s mode=%s" % (target, mode),
               "--cim-schedule=target=%s report=%s" % (target, report),
               "-o", "/dev/null"]
        res = step(cmd)
        if res is None:
            return None
        with open(report) as f:
            return json.load(f), res[0], res[1]

    def target_file(name, fields):
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            json.dump(fields, f)
        out("  %s = %s" % (shown([path]), json.dumps(fields)))
        return path

    try:
        commit = subprocess.run(["git", "-C", root, "rev-parse", "--short",
                                 "HEAD"], capture_output=True, text=True
                                ).stdout.strip() or "unknown"
        # Edits of the benchmark drivers themselves do not change what is
        # measured.
        if subprocess.run(["git", "-C", root, "status", "--porcelain",
                           "--untracked-files=no", "--", ".",
                           ":!scripts/bench*", ":!bench"],
                          capture_output=True, text=True).stdout.strip():
            commit += " + uncommitted changes"
        out("date: %s  host: %d cores, %s, load %.2f  commit: %s  build: %s "
            "(%s)" % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      os.cpu_count(), platform.machine(),
                      os.getloadavg()[0], commit, build, build_type(build)))
        out("multi-crossbar schedules (cim-duplicate + cim-schedule), mixed "
            "policy both_constraints-acc05-rcell4; $TMP is a temp dir")
        default = target_file("default", {})
        rows = []
        for net, label in NETS:
            out()
            out("%s:" % label)
            policy = ("test/e2e/Inputs/%s-both_constraints-acc05-rcell4.json"
                      % net)
            model = "examples/models/%s.mlir" % net
            mixed = os.path.join(tmp, net + ".xbar.mlir")
            w8 = os.path.join(tmp, net + "-w8a8.xbar.mlir")
            ok_mixed = step([opt, model, "--cim-assign-precision=policy="
                             + policy] + LOWER + ["-o", mixed]) is not None
            ok_w8 = step([opt, model,
                          "--cim-assign-precision=w-bits=8 a-bits=8"]
                         + LOWER + ["-o", w8]) is not None
            base8 = None
            if ok_w8:
                r = schedule(w8, default, "none",
                             os.path.join(tmp, net + "-w8a8.json"))
                if r is not None:
                    base8 = r[0]["sequential_ps"]
                os.remove(w8)
            if not ok_mixed:
                continue

            def measure(tname, target, xbars, ports):
                """Runs the three modes; the mode=none report or None."""
                none_rep = None
                for mode in MODES:
                    r = schedule(mixed, target, mode, os.path.join(
                        tmp, "%s-%s-%s.json" % (net, tname, mode)))
                    if r is None:
                        continue
                    rep, wall, rss = r
                    if mode == "none":
                        none_rep = rep
                    rows.append((label, tname, xbars, ports, mode, rep, base8,
                                 none_rep and none_rep["sequential_ps"],
                                 wall, rss))
                return none_rep

            seq = measure("a", default, 1, 1)
            if seq is None:
                out("  targets (b), (b8), (c) skipped: no H (the default "
                    "target's mode=none run failed)")
            else:
                h = seq["writes"]
                out("  H = %d (writes of the sequential program)" % h)
                for tname, xbars, ports in (("b", 2 * h, 1), ("b8", 2 * h, 8),
                                            ("c", max(1, h // 4), 1)):
                    target = target_file("%s-%s" % (net, tname), {
                        "crossbars": xbars, "write_ports": ports})
                    measure(tname, target, xbars, ports)
            os.remove(mixed)

        out()
        out("latency and bounds in ms; x8b = W8A8 sequential latency on the "
            "default target / latency; xnone = sequential_ps of the same "
            "target's mode=none run / latency; bound = max(work, ports, "
            "path) of the report and the term that attains it; s and MiB: "
            "wall time and peak memory of the cim-opt schedule run")
        hdr = ("  %-9s %-3s %6s %5s %-7s %11s %7s %7s %6s %6s %7s %11s %-5s "
               "%8s %7s %6s")
        out(hdr % ("network", "tgt", "xbars", "ports", "mode", "latency ms",
                   "x8b", "xnone", "writes", "copies", "util", "bound ms",
                   "term", "lat/bnd", "s", "MiB"))
        for (label, tname, xbars, ports, mode, rep, base8, none_seq, wall,
             rss) in rows:
            lat = rep["latency_ps"]
            b = rep["bounds"]
            term = next(n for k, n in BOUND_TERMS if b[k] == b["bound_ps"])
            out("  %-9s %-3s %6d %5d %-7s %11.3f %7s %7s %6d %6d %7.4f "
                "%11.3f %-5s %8.3f %7.2f %6.0f" % (
                    label, tname, xbars, ports, mode, lat / 1e9,
                    "%.2f" % (base8 / lat) if base8 else "-",
                    "%.2f" % (none_seq / lat) if none_seq else "-",
                    rep["writes"], rep["copies"], rep["utilization"],
                    b["bound_ps"] / 1e9, term, rep["latency_over_bound"],
                    wall, rss))
        out()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        with open(results, "a") as f:
            f.write("\n".join(lines) + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
