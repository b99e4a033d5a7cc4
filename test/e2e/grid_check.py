#!/usr/bin/env python3
"""A small target grid, counts only (issue 17, items 4 and 5; the full grid
is bench/bench_grid.py).

    grid_check.py CIM_OPT SRC_ROOT WORK_DIR

(a) Estimate = compiler: ResNet-18 with its published policy on six
    geometries that cover every value of cell bits 1/2/4, crossbar size
    128/256/512 and OU none/16/64 twice. One cim-opt per geometry runs the
    analytic estimate on the cim IR (target=T) and, after --cim-tile
    --cim-bitslice --convert-cim-to-xbar, the count of the xbar program;
    compare_xbar_counts.py then requires equal writes, MVM cycles, ADC
    conversions, row activations, latency and energy for every layer.
(b) The schedule of examples/models/smallcnn.mlir (uniform 4-bit) on two
    geometries, crossbar counts floor(m * H) for m in 0.25 .. 8 (H: the
    sequential program's writes) and write ports 1/2/8: every report has
    bound <= latency, and latency never grows with more crossbars (same
    ports) or more ports (same crossbars); ports <= crossbars (the target's
    own rule).
Prints one line per part; exits 1 naming the first failure.
"""
import json
import os
import subprocess
import sys

GEOMETRIES = [(1, 128, "none"), (2, 256, "16"), (4, 512, "64"),
              (2, 128, "64"), (4, 256, "none"), (1, 512, "16")]
SCHED_GEOMETRIES = [(1, 128, "16"), (4, 256, "none")]
MULTS = [0.25, 0.5, 1, 2, 8]
PORTS = [1, 2, 8]


def target(work, name, src, cell, size, ou, **extra):
    with open(os.path.join(src, "examples/targets/reference.json")) as f:
        t = json.load(f)
    t.update(rows=size, cols=size, cell_bits=cell,
             ou_rows=size if ou == "none" else int(ou), **extra)
    path = os.path.join(work, name + ".json")
    with open(path, "w") as f:
        json.dump(t, f)
    return path


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("grid_check: %s failed:\n%s" % (" ".join(cmd), p.stderr))


def main():
    opt, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    compare = os.path.join(src, "test/e2e/compare_xbar_counts.py")
    model = os.path.join(src, "examples/models/resnet18.mlir")
    policy = os.path.join(
        src, "test/e2e/Inputs/resnet18-both_constraints-acc05-rcell4.json")
    for cell, size, ou in GEOMETRIES:
        name = "c%d-s%d-ou%s" % (cell, size, ou)
        t = target(work, name, src, cell, size, ou)
        mrep = os.path.join(work, name + ".model.json")
        xrep = os.path.join(work, name + ".xbar.json")
        run([opt, model, "--cim-assign-precision=policy=" + policy,
             "--convert-linalg-to-cim",
             "--cim-estimate=target=%s report=%s table=" % (t, mrep),
             "--cim-tile", "--cim-bitslice", "--convert-cim-to-xbar",
             "--cim-estimate=report=%s table=" % xrep, "-o", os.devnull])
        p = subprocess.run([sys.executable, compare, mrep, xrep],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("grid_check: %s: %s" % (name, (p.stdout + p.stderr)
                                              .strip()))
    print("estimate = compiler on %d geometries (ResNet-18, every layer)"
          % len(GEOMETRIES))

    small = os.path.join(src, "examples/models/smallcnn.mlir")
    points = 0
    for cell, size, ou in SCHED_GEOMETRIES:
        def schedule(xbars, ports):
            name = "s-c%d-s%d-ou%s-x%d-p%d" % (cell, size, ou, xbars, ports)
            t = target(work, name, src, cell, size, ou, crossbars=xbars,
                       write_ports=ports)
            rep = os.path.join(work, name + ".report.json")
            run([opt, small, "--cim-assign-precision=w-bits=4 a-bits=4",
                 "--convert-linalg-to-cim", "--cim-tile=target=" + t,
                 "--cim-bitslice", "--convert-cim-to-xbar", "--cim-duplicate",
                 "--cim-schedule=report=" + rep, "-o", os.devnull])
            with open(rep) as f:
                r = json.load(f)
            if r["latency_ps"] < r["bounds"]["bound_ps"]:
                sys.exit("grid_check: %s: latency %d below the bound %d" % (
                    name, r["latency_ps"], r["bounds"]["bound_ps"]))
            return r
        H = schedule(1, 1)["writes"]
        counts = sorted({max(1, int(m * H)) for m in MULTS})
        lat = {}
        for pt in PORTS:
            for x in counts:
                if pt <= x:  # a target has at most one port per crossbar
                    lat[(x, pt)] = schedule(x, pt)["latency_ps"]
                    points += 1
        for pt in PORTS:
            for a, b in zip(counts, counts[1:]):
                if (a, pt) in lat and lat[(b, pt)] > lat[(a, pt)]:
                    sys.exit("grid_check: cell %d size %d ou %s ports %d: %d "
                             "crossbars %d ps, %d crossbars %d ps" % (
                                 cell, size, ou, pt, a, lat[(a, pt)], b,
                                 lat[(b, pt)]))
        for x in counts:
            for p, q in zip(PORTS, PORTS[1:]):
                if (x, q) in lat and lat[(x, q)] > lat[(x, p)]:
                    sys.exit("grid_check: cell %d size %d ou %s crossbars %d:"
                             " %d ports %d ps, %d ports %d ps" % (
                                 cell, size, ou, x, p, lat[(x, p)], q,
                                 lat[(x, q)]))
    print("schedules: %d points, bound <= latency, monotonic in crossbars and"
          " ports" % points)


if __name__ == "__main__":
    main()
