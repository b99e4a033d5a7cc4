"""Policy files: the .npy [L, 2] int64 round trip, JSON, and the compiler's
own reader (`cim-opt --cim-estimate=policy=`) agreeing with the oracle."""

import json
import subprocess

import numpy as np
import pytest
import torch

import search_helpers
from cimlir.search import data, export, outputs


class _Layer:
    def __init__(self, name):
        self.name = name


def test_npy_and_json_round_trip(tmp_path):
    p = np.array([[8, 8], [3, 4], [2, 5], [8, 8]])
    layers = [_Layer(n) for n in ("conv0", "conv2", "fc9", "fc11")]
    outputs.save_policy(tmp_path / "p.npy", tmp_path / "p.json", p, layers,
                        {"reward": -0.1})
    raw = np.load(tmp_path / "p.npy")
    assert raw.dtype == np.int64 and raw.shape == (4, 2)
    assert raw.tolist() == p.tolist()
    doc = json.loads((tmp_path / "p.json").read_text())
    assert doc["layers"][1] == {"name": "conv2", "w_bits": 3, "a_bits": 4}
    assert outputs.load_policy(tmp_path / "p.json").tolist() == p.tolist()
    assert outputs.load_policy(tmp_path / "p.npy").tolist() == p.tolist()
    with pytest.raises(ValueError, match="rows"):
        outputs.save_policy(tmp_path / "q.npy", tmp_path / "q.json", p, layers[:3])
    np.save(tmp_path / "bad.npy", np.array([[9, 8]]))
    with pytest.raises(ValueError, match="1..8"):
        outputs.load_policy(tmp_path / "bad.npy")
    np.save(tmp_path / "bad.npy", np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"\[L, 2\]"):
        outputs.load_policy(tmp_path / "bad.npy")


def test_cim_opt_reads_the_saved_policy(tmp_path):
    cimlir = search_helpers.cimlir_or_skip()
    from cimlir.search import oracle
    translate = search_helpers.tool("cim-translate")
    opt = search_helpers.tool("cim-opt")
    torch.manual_seed(0)
    onnx_path = str(tmp_path / "mlp.onnx")
    export.save_onnx(data.digits_mlp(), onnx_path, (1, 1, 8, 8), quantized=False)
    orc = oracle.Oracle(onnx_path, cimlir.Target.default())
    policy = np.array([[8, 8], [2, 3], [5, 7]])
    outputs.save_policy(tmp_path / "p.npy", tmp_path / "p.json", policy, orc.layers)
    mlir = str(tmp_path / "mlp.mlir")
    subprocess.run([translate, "--import-onnx", onnx_path, "-o", mlir], check=True)
    for name in ("p.npy", "p.json"):
        report = tmp_path / f"{name}.report.json"
        subprocess.run([opt, mlir, "-o", "/dev/null",
                        f"--cim-estimate=policy={tmp_path / name} report={report} table="],
                       check=True)
        rep = json.loads(report.read_text())
        assert [[l["w_bits"], l["a_bits"]] for l in rep["layers"]] == policy.tolist()
        total = sum(l["cost"]["latency_ps"] for l in rep["layers"])
        assert total == orc.latency(policy)


def test_cli_policy_checked_before_training(tmp_path):
    """A --policy that cannot be read, or whose row count is not the model's
    layer count (digits-cnn has 5), stops cim-aq-search with the reason before
    the float model is trained: no float.pt appears."""
    from cimlir.search import cli
    cases = [(tmp_path / "missing.npy", "No such file"),
             (tmp_path / "three.npy", "has 3 rows; digits-cnn has 5")]
    np.save(tmp_path / "three.npy", np.full((3, 2), 4, np.int64))
    for path, message in cases:
        out = tmp_path / ("out-" + path.stem)
        with pytest.raises(SystemExit, match=message):
            cli.main(["--policy", str(path), "--float-epochs", "1000",
                      "--output", str(out), "--quiet"])
        assert not (out / "float.pt").exists()
