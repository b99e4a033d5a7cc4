"""cim-sweep (python/bin/cim-sweep, cimlir.sweep) as a command.

The CSV values are checked against `cim-opt --cim-estimate` reports, run as
separate processes on the same model, target and policy; the shard / merge
path against the unsharded run with GNU parallel as the scheduler; bad
inputs against the C library's messages.
"""

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pytest

from cimlir_paths import ROOT, example, tool

SWEEP = os.path.join(ROOT, "python", "bin", "cim-sweep")
RESNET = example("models", "resnet18.mlir")
VGG = example("models", "vgg16.mlir")
SMALL = example("models", "smallcnn.mlir")
MLP = example("models", "mlp.mlir")
PUBLISHED = os.path.join(ROOT, "test", "e2e", "Inputs",
                         "resnet18-both_constraints-acc05-rcell4.json")
COST_FIELDS = ("weight_slices", "input_planes", "columns", "rows",
               "row_tiles", "col_tiles", "tiles", "cells", "writes",
               "mvm_cycles", "adc_conversions", "row_activations",
               "latency_ps", "energy_fj")


def sweep_process(*args, check=True):
    """The installed-style command, as its own process."""
    r = subprocess.run([sys.executable, SWEEP, *args], capture_output=True,
                       text=True, timeout=120)
    if check:
        assert r.returncode == 0, r.stderr
    return r


class Result:
    def __init__(self, returncode, stderr):
        self.returncode = returncode
        self.stderr = stderr


def sweep(*args, check=True):
    """cimlir.sweep.main in this process (the command's code without the
    interpreter start-up); an exception escaping main fails the test."""
    import contextlib
    import io
    from cimlir import sweep as sw
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = sw.main([str(a) for a in args])
    r = Result(rc, err.getvalue())
    if check:
        assert rc == 0, r.stderr
    return r


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def estimate_report(model, target, policy, out):
    """cim-opt's own report for one point (an independent process)."""
    subprocess.run(
        [tool("cim-opt"), model, "-o", os.devnull,
         f"--cim-estimate=target={target} policy={policy} report={out} "
         "table= baseline=w8a8"], check=True, capture_output=True)
    with open(out) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """A small grid: ResNet-18 on a target file with two fields varied
    together and one alone, three policies (a uniform one, the published
    named JSON, an .npy written here)."""
    d = tmp_path_factory.mktemp("grid")
    rng = np.random.default_rng(7)
    npy = d / "random.npy"
    np.save(npy, rng.integers(1, 9, size=(21, 2)).astype(np.int64))
    out = d / "out"
    sweep("--target", example("targets", "reference-2bit-cells.json"),
          "--set", "rows,cols=128,256", "--set", "t_mvm_ns=1400,1000",
          "--model", RESNET, "--policy", "uniform:4,6",
          "--policy", PUBLISHED, "--policy", str(npy),
          "--output", str(out), "-q")
    return d, out, npy


def test_points_equal_cim_opt_reports(grid):
    d, out, npy = grid
    points = read_csv(out / "points.csv")
    assert len(points) == 2 * 2 * 3
    assert [int(p["point"]) for p in points] == list(range(12))
    # Independent policy files for cim-opt: uniform written out here.
    uniform = d / "uniform46.json"
    uniform.write_text(json.dumps([[4, 6]] * 21))
    files = {"uniform:4,6": uniform, PUBLISHED: PUBLISHED,
             str(npy): npy}
    # Points 0 (rows=128, t_mvm 1400, uniform), 4 (rows=128, t_mvm 1000,
    # published), 11 (rows=256, t_mvm 1000, npy).
    for k in (0, 4, 11):
        p = points[k]
        rows = p["target.rows"]
        assert p["target.cols"] == rows
        target = (example("targets", "reference-2bit-cells.json")
                  + f":rows={rows},cols={rows},t_mvm_ns={p['target.t_mvm_ns']}")
        rep = estimate_report(RESNET, target, files[p["policy"]],
                              d / f"r{k}.json")
        assert rep["target"]["cell_bits"] == 2  # the --target file's
        assert rep["target"]["rows"] == int(rows)
        assert p["target_fingerprint"] == rep["target_fingerprint"]
        for f in COST_FIELDS:
            assert int(p[f]) == rep["total"][f], (k, f)
        assert int(p["baseline_latency_ps"]) == \
            rep["baseline_total"]["latency_ps"]
        assert float(p["speedup"]) == pytest.approx(rep["speedup"],
                                                    rel=1e-15)
        bits = np.array([[l["w_bits"], l["a_bits"]] for l in rep["layers"]])
        assert float(p["mean_w_bits"]) == pytest.approx(bits[:, 0].mean())
        assert float(p["mean_a_bits"]) == pytest.approx(bits[:, 1].mean())
        assert float(p["mean_bits"]) == pytest.approx(bits.mean())


def test_layers_equal_cim_opt_report(grid):
    d, out, _ = grid
    layers = [r for r in read_csv(out / "layers.csv") if r["point"] == "4"]
    target = (example("targets", "reference-2bit-cells.json")
              + ":rows=128,cols=128,t_mvm_ns=1000")
    rep = estimate_report(RESNET, target, PUBLISHED, d / "layers4.json")
    assert len(layers) == len(rep["layers"]) == 21
    for i, (row, want) in enumerate(zip(layers, rep["layers"])):
        assert int(row["layer"]) == i
        for key in ("name", "kind"):
            assert row[key] == want[key]
        for key in ("in_dim", "out_dim", "invocations", "repeat", "w_bits",
                    "a_bits"):
            assert int(row[key]) == want[key], (i, key)
        for f in COST_FIELDS:
            assert int(row[f]) == want["cost"][f], (i, f)
        assert int(row["baseline_latency_ps"]) == \
            want["baseline"]["latency_ps"]
        assert float(row["speedup"]) == pytest.approx(want["speedup"],
                                                      rel=1e-15)


def test_json_matches_csv(grid):
    _, out, _ = grid
    doc = json.loads((out / "points.json").read_text())
    points = read_csv(out / "points.csv")
    assert doc["num_points"] == len(doc["points"]) == len(points)
    assert doc["base_target"]["cell_bits"] == 2
    assert "shard" not in doc
    for p, row in zip(doc["points"], points):
        assert p["point"] == int(row["point"])
        assert p["total"]["latency_ps"] == int(row["latency_ps"])
        assert p["target"]["t_mvm_ns"] == float(row["target.t_mvm_ns"])


def test_baseline_policy_has_speedup_one(tmp_path):
    sweep("--model", MLP, "--policy", "uniform:8,8", "--policy",
          "uniform:1,1", "--output", str(tmp_path), "--no-layers", "-q")
    pts = read_csv(tmp_path / "points.csv")
    assert float(pts[0]["speedup"]) == 1.0
    assert float(pts[1]["speedup"]) > 1.0
    assert not (tmp_path / "layers.csv").exists()


def test_scoped_policies_and_point_order(tmp_path):
    """NAME=P applies P to one model; the order is target x model x
    policy, the last --set axis fastest."""
    sweep("--model", RESNET, "--model", MLP, "--set", "cell_bits=1,2",
          "--set", "ou_rows=64,128", "--policy", "uniform:4,4",
          "--policy", f"resnet18={PUBLISHED}", "--output", str(tmp_path),
          "--no-layers", "-q")
    pts = read_csv(tmp_path / "points.csv")
    got = [(p["target.cell_bits"], p["target.ou_rows"], p["model"],
            p["policy"]) for p in pts]
    want = []
    for c in ("1", "2"):
        for dac in ("64", "128"):
            want += [(c, dac, "resnet18", "uniform:4,4"),
                     (c, dac, "resnet18", PUBLISHED),
                     (c, dac, "mlp", "uniform:4,4")]
    assert got == want


def test_jobs_give_the_same_bytes(tmp_path):
    args = ["--model", SMALL, "--model", MLP, "--set", "cell_bits=1,2,3",
            "--policy", "uniform:4,4", "--policy", "uniform:2,8", "-q"]
    sweep(*args, "--output", str(tmp_path / "one"))
    sweep(*args, "--output", str(tmp_path / "two"), "--jobs", "2")
    for f in ("points.csv", "layers.csv", "points.json"):
        assert (tmp_path / "one" / f).read_bytes() == \
            (tmp_path / "two" / f).read_bytes()


SHARD_ARGS = ["--model", SMALL, "--model", MLP, "--set", "cell_bits=1,2,4",
              "--set", "rows,cols=64,256", "--policy", "uniform:4,4",
              "--policy", "uniform:3,5", "--policy", "uniform:8,2", "-q"]


FENCE = re.compile(r"^```sh[ \t]*\n(.*?)^```", re.S | re.M)

FAKE_SBATCH = """#!/bin/bash
# sbatch stand-in: runs the array's tasks here, two at a time, and waits.
script="${@: -1}"
range=$(sed -n 's/^#SBATCH .*--array=\\([0-9]*-[0-9]*\\).*/\\1/p' "$script")
seq "${range%-*}" "${range#*-}" |
  parallel -j 2 "SLURM_ARRAY_TASK_ID={} bash $script"
"""

FAKE_SSH = """#!/bin/bash
# ssh stand-in: runs the remote command on this machine.
while [ $# -gt 0 ]; do
  case "$1" in
    -o|-p|-l|-i|-F) shift 2 ;;
    --) shift; break ;;
    -*) shift ;;
    *) shift; [ "${1:-}" = -- ] && shift; break ;;
  esac
done
# sshd gives the remote command a login environment: HOME, SHELL (GNU
# parallel's remote worker execs $SHELL and silently does nothing without it),
# and the home directory as working directory.
entry=$(getent passwd "$(id -u)")
export HOME="${entry#*:*:*:*:*:}"; HOME="${HOME%%:*}"
export SHELL="${entry##*:}"
cd "$HOME"
exec "$SHELL" -c "$*"
"""


@pytest.mark.skipif(shutil.which("parallel") is None,
                    reason="GNU parallel (Debian package parallel) missing")
def test_doc_recipes_run(tmp_path):
    """Every ```sh block of docs/sweep.md, in order, in one directory: the
    quick start, the Slurm array (stand-in sbatch), GNU parallel locally and
    over ssh (stand-in ssh); merged shards equal the unsharded runs."""
    text = open(os.path.join(ROOT, "docs", "sweep.md")).read()
    blocks = FENCE.findall(text)
    assert len(blocks) >= 5
    for d in ("examples", "test"):
        os.symlink(os.path.join(ROOT, d), tmp_path / d)
    bindir = tmp_path / "fakebin"
    bindir.mkdir()
    for name, body in (("sbatch", FAKE_SBATCH), ("ssh", FAKE_SSH)):
        (bindir / name).write_text(body)
        (bindir / name).chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.join(ROOT, "python", "bin"),
                                   str(bindir), env["PATH"]])
    env["PARALLEL_SSH"] = str(bindir / "ssh")
    # CI machines may run without $HOME and $SHELL: the recipes must not
    # depend on them (the stand-in ssh gives the remote side its own).
    env.pop("HOME", None)
    env.pop("SHELL", None)
    env["MPLCONFIGDIR"] = str(tmp_path / "mplconfig")
    for i, block in enumerate(blocks):
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", block],
                           cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0, f"block {i}:\n{block}\n{r.stderr}"
        assert "Traceback" not in r.stderr
    assert len(read_csv(tmp_path / "quick" / "points.csv")) == 24
    for stem in ("speedup-cell-bits", "layers-latency",
                 "pareto-latency-bits"):
        assert (tmp_path / "quick" / f"{stem}.svg").stat().st_size > 0
    assert len(read_csv(tmp_path / "slurm-out" / "points.csv")) == \
        4 * 4 * 2 * 3
    assert len(list((tmp_path / "parts").glob("*/points.json"))) == 16
    # The local GNU parallel shards against the unsharded run.
    sweep("--model", RESNET, "--set", "cell_bits=1,2,3,4", "--policy",
          "uniform:4,4", "--policy", "uniform:2,8", "--quiet", "--output",
          str(tmp_path / "par-whole"))
    for f in ("points.csv", "layers.csv"):
        assert (tmp_path / "par-whole" / f).read_bytes() == \
            (tmp_path / "par-out" / f).read_bytes()


def test_merge_refuses_incomplete_or_foreign_shards(tmp_path):
    for i in range(3):
        sweep(*SHARD_ARGS, "--output", str(tmp_path / f"s{i}"), "--shard",
              f"{i}/3", "--no-layers")
    sweep("--model", MLP, "--policy", "uniform:4,4", "--output",
          str(tmp_path / "other"), "--shard", "2/3", "-q")
    cases = [(["s0", "s1"], "missing shard(s) 2/3"),
             (["s0", "s1", "s1", "s2"], "given twice"),
             (["s0", "s1", "other"], "from another sweep")]
    for dirs, msg in cases:
        r = sweep("merge", str(tmp_path / "m"),
                  *[str(tmp_path / d) for d in dirs], check=False)
        assert r.returncode != 0 and msg in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        assert not (tmp_path / "m").exists()


def bad(tmp_path, *args):
    out = tmp_path / "bad"
    r = sweep(*args, "--output", str(out), "-q", check=False)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr, r.stderr
    assert not out.exists(), "an error must not leave output behind"
    return r.stderr


@pytest.mark.parametrize("args, message", [
    (["--set", "rowz=1,2"], "unknown field 'rowz'; the fields are rows"),
    (["--set", "cell_bits=2,x"], "field 'cell_bits': expected an integer"),
    (["--set", "cell_bits=4,9"], "field 'cell_bits': 9 is out of range"),
    (["--set", "write_ports=1,2"], "write_ports"),
    (["--policy", "uniform:0,8"], "layer 0: weight bits 0 outside 1..8"),
    (["--policy", "uniform:8,9"], "layer 0: activation bits 9 outside 1..8"),
    (["--policy", "uniform:8"], "expected uniform:W,A"),
    (["--policy", "own"], "has float operands"),
    (["--policy", os.path.join(ROOT, "test", "e2e", "Inputs",
                               "vgg16-both_constraints-acc05-rcell4.json")],
     "has 16 layers but the module has 21 matrix-vector layers"),
    (["--policy", "/nonexistent/p.npy"], "/nonexistent/p.npy"),
    (["--shard", "5/5", "--policy", "uniform:8,8"], "need 0 <= i < n"),
])
def test_bad_inputs_fail_with_the_c_message(tmp_path, args, message):
    if "--policy" not in args:
        args = args + ["--policy", "uniform:8,8"]
    err = bad(tmp_path, "--model", RESNET, *args)
    assert message in err, err


def test_bad_policy_files(tmp_path):
    p9 = tmp_path / "nine.npy"
    a = np.full((21, 2), 4, dtype=np.int64)
    a[3, 0] = 9
    np.save(p9, a)
    assert "layer 3: weight bits 9 outside 1..8" in bad(
        tmp_path, "--model", RESNET, "--policy", str(p9))
    named = tmp_path / "named.json"
    named.write_text(json.dumps({"layers": [
        {"name": "fc" if i == 0 else f"x{i}", "w_bits": 4, "a_bits": 4}
        for i in range(21)]}))
    assert "row 1 names layer 'x1', which the module does not have" in bad(
        tmp_path, "--model", RESNET, "--policy", str(named))


def test_named_policy_meets_layers_by_name():
    """A policy whose rows all carry names is matched by name in any order
    (the C library's cimPolicyMatchLayers, as in cim-opt): the published
    ResNet-18 policy with its rows reversed gives the same bits per layer."""
    cimlir = pytest.importorskip("cimlir")
    from cimlir import sweep
    model = cimlir.Model.load(RESNET)
    names = [l.name for l in model.layers]
    bits = [[8, 8]] + [[2 + i % 6, 3 + i % 5] for i in range(1, 20)] + [[8, 8]]
    with tempfile.TemporaryDirectory() as d:
        named = os.path.join(d, "named.json")
        with open(named, "w") as f:
            json.dump({"layers": [{"name": n, "w_bits": w, "a_bits": a}
                                  for n, (w, a) in reversed(
                                      list(zip(names, bits)))]}, f)
        got = sweep.load_policy(named, model)
    assert got.tolist() == bits


def test_missing_model(tmp_path):
    err = bad(tmp_path, "--model", str(tmp_path / "nope.mlir"),
              "--policy", "uniform:8,8")
    assert "cannot open model" in err and "nope.mlir" in err


def test_unmappable_point_names_the_point(tmp_path):
    """A point the library cannot cost stops the sweep with its message and
    which point it is (the unsigned input encoding cannot apply signed
    activations, docs/target.md); points run in order, so the first
    failing one is the third."""
    err = bad(tmp_path, "--model", MLP,
              "--set", "input_encoding=twos-complement,unsigned",
              "--policy", "uniform:3,3", "--policy", "uniform:4,4")
    assert "point 2 (policy 'uniform:3,3', model 'mlp', " \
        "input_encoding=unsigned), layer 0" in err and \
        "the target's input encoding is 'unsigned'" in err, err


def test_model_without_policy(tmp_path):
    err = bad(tmp_path, "--model", MLP, "--model", RESNET,
              "--policy", "mlp=uniform:4,4")
    assert "model 'resnet18' has no policy" in err


def test_command_exit_status_and_message(tmp_path):
    """The script itself: a C error is one line on stderr, exit 1, no
    traceback; --help works uninstalled."""
    r = sweep_process("--model", RESNET, "--set", "cell_bits=9",
                      "--policy", "uniform:8,8", "--output",
                      str(tmp_path / "o"), check=False)
    assert r.returncode == 1
    assert r.stderr == ("cim-sweep: field 'cell_bits': 9 is out of range "
                        "[1, 8]\n")
    assert not (tmp_path / "o").exists()
    assert "cim-sweep merge OUT" in sweep_process("--help").stdout


def test_plot_writes_png_and_svg(tmp_path):
    out = tmp_path / "plot"
    sweep("--model", SMALL, "--model", MLP, "--set", "cell_bits=1,2,4",
          "--set", "crossbars=1,2", "--policy", "uniform:4,4",
          "--policy", "uniform:2,6", "--output", str(out), "--plot",
          "--plot-point", "3", "-q")
    stems = ("speedup-cell-bits", "layers-latency", "pareto-latency-bits")
    for stem in stems:
        png = (out / f"{stem}.png").read_bytes()
        svg = (out / f"{stem}.svg").read_text()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
        assert "<svg" in svg and len(svg) > 5000
    # The per-layer figure shows the chosen point.
    # Point 3 = cell_bits 1, crossbars 1, the second model, second policy.
    assert "point 3: mlp, uniform:2,6" in \
        (out / "layers-latency.svg").read_text()
    r = sweep("plot", str(out), "--plot-point", "999", check=False)
    assert r.returncode != 0 and "no such point" in r.stderr


def test_pareto_front_and_names():
    sys.path.insert(0, os.path.join(ROOT, "python"))
    from cimlir import _sweep_plot, sweep as sw
    # Mean bits / latency: (8, 10) dominates (6, 12); (4, 3) and (5, 5)
    # trade off; (7, 10) is beaten by (8, 10).
    bits = [8, 6, 4, 5, 7]
    lat = [10, 12, 3, 5, 10]
    assert _sweep_plot.pareto_front(bits, lat) == [2, 3, 0]
    assert sw.model_names(["a/x.mlir", "b/y.onnx"]) == ["x", "y"]
    assert sw.model_names(["a/x.mlir", "b/x.onnx"]) == ["a/x.mlir",
                                                        "b/x.onnx"]
    assert sw.parse_axis("rows,cols=64,128") == (("rows", "cols"),
                                                 ["64", "128"])
    with pytest.raises(sw.UsageError):
        sw.parse_axis("cell_bits=1,1")
