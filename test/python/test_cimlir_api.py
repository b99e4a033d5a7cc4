"""The cimlir Python package against independent references.

Golden values come from the product brief's cost formula (re-implemented
here), the published layer dimensions of ResNet-18 / VGG-16 / ViT-B/32
(shared/reference), the cim-opt --cim-estimate JSON report and cim-sim run
as separate processes -- never from the package's own output.
"""

import json
import math
import os
import subprocess

import numpy as np
import pytest

import cimlir
from cimlir_paths import REFERENCE, example, tool

NETS = {"resnet18": "resnet18.mlir", "vgg16": "vgg16.mlir",
        "vitb32": "vitb32.mlir"}


@pytest.fixture(scope="module")
def reference():
    with open(REFERENCE) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def resnet():
    return cimlir.Model.load(example("models", "resnet18.mlir"))


@pytest.fixture(scope="module")
def smallcnn():
    return cimlir.Model.load(example("models", "smallcnn.mlir"))


# --- Target ----------------------------------------------------------------

def test_default_target_is_the_reference_system():
    t = cimlir.Target.default()
    # The brief: 256x256, 4-bit cells, 1-bit DAC, differential column,
    # 56 us per write, 1.4 us per MVM, one crossbar.
    assert (t.rows, t.cols, t.cell_bits, t.dac_bits, t.crossbars) == \
        (256, 256, 4, 1, 1)
    assert t.weight_mapping == "differential-column"
    assert t.t_write_ns == 56000 and t.t_mvm_ns == pytest.approx(1400)
    assert set(cimlir.Target.fields()) >= {"rows", "cols", "cell_bits",
                                           "ou_rows", "write_ports"}


def test_target_replace_is_a_copy_and_validates():
    t = cimlir.Target.default()
    u = t.replace(cell_bits=2, crossbars=256, t_mvm_ns=2.5)
    assert (u.cell_bits, u.crossbars, u.t_mvm_ns) == (2, 256, 2.5)
    assert t.cell_bits == 4 and t != u and t == cimlir.Target.default()
    with pytest.raises(cimlir.Error, match="cell_bits"):
        t.replace(cell_bits=9)
    with pytest.raises(cimlir.Error, match="rows"):
        t.replace(rows=0)
    with pytest.raises(cimlir.Error, match="unknown field 'nope'"):
        t.replace(nope=1)
    with pytest.raises(AttributeError):
        t.cell_bits = 2
    with pytest.raises(AttributeError):
        t.no_such_field


def test_target_json_round_trip(tmp_path):
    u = cimlir.Target.default().replace(cell_bits=2, ou_rows=16,
                                        weight_mapping="offset")
    path = tmp_path / "t.json"
    path.write_text(u.to_json())
    v = cimlir.Target.load(path)
    assert v == u and v.fingerprint == u.fingerprint
    assert v.to_dict() == u.to_dict()


def test_target_load_errors(tmp_path):
    with pytest.raises(cimlir.Error, match="missing.json"):
        cimlir.Target.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"rows": 256,\n "cell_bits": }')
    with pytest.raises(cimlir.Error, match="bad.json"):
        cimlir.Target.load(bad)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"cell_bits": 12}')
    with pytest.raises(cimlir.Error, match="cell_bits"):
        cimlir.Target.load(wrong)


# --- Model and its layer table ---------------------------------------------

@pytest.mark.parametrize("net", sorted(NETS))
def test_layers_equal_published_dimensions(net, reference):
    m = cimlir.Model.load(example("models", NETS[net]))
    published = reference["layer_dimensions"][net]
    assert len(m.layers) == len(published)
    for layer, ref in zip(m.layers, published):
        assert (layer.in_dim, layer.out_dim, layer.invocations,
                layer.repeat) == (ref["input_dim"], ref["output_dim"],
                                  ref["mvm_invocations"],
                                  ref["repeat_factor"]), layer.name
        # The geometry explains the crossbar view.
        assert layer.macs == (layer.in_dim * layer.out_dim * layer.repeat *
                              layer.invocations)
        assert layer.weights == layer.in_dim * layer.out_dim * layer.repeat
        if layer.kind == "conv2d":
            assert layer.in_dim == (layer.in_channels // layer.groups *
                                    layer.kernel_h * layer.kernel_w)
            assert layer.out_dim == layer.out_channels // layer.groups
            assert layer.invocations == (layer.batch * layer.out_h *
                                         layer.out_w)
            # Some total padding below the kernel size gives the output.
            assert any(layer.out_h == (layer.in_h + pad - layer.kernel_h) //
                       layer.stride_h + 1 for pad in range(layer.kernel_h))
            assert any(layer.out_w == (layer.in_w + pad - layer.kernel_w) //
                       layer.stride_w + 1 for pad in range(layer.kernel_w))


def test_resnet_first_and_last_layer(resnet):
    conv1, fc = resnet.layers[0], resnet.layers[-1]
    # torchvision's ResNet-18: conv1 3->64, 7x7, stride 2, 224 -> 112.
    assert (conv1.name, conv1.kind, conv1.in_channels, conv1.out_channels,
            conv1.kernel_h, conv1.kernel_w, conv1.stride_h, conv1.stride_w,
            conv1.in_h, conv1.in_w, conv1.out_h, conv1.out_w, conv1.groups) \
        == ("conv1", "conv2d", 3, 64, 7, 7, 2, 2, 224, 224, 112, 112, 1)
    assert (fc.kind, fc.in_dim, fc.out_dim, fc.kernel_h, fc.stride_h) == \
        ("dense", 512, 1000, 1, 1)
    assert fc.op == "linalg.matmul" and conv1.op.startswith("linalg.conv_2d")
    table = resnet.layer_table()
    assert table["macs"].dtype == np.int64 and table["macs"].shape == (21,)
    # ResNet-18: 1.81 G MACs in its 21 matrix-vector layers.
    assert 1.80e9 < table["macs"].sum() < 1.83e9


def test_model_parse_and_load_errors(tmp_path):
    with pytest.raises(cimlir.Error, match="missing.mlir"):
        cimlir.Model.load(tmp_path / "missing.mlir")
    with pytest.raises(cimlir.Error) as e:
        cimlir.Model.parse("func.func @f() {\n  %x = foo.bar\n}", "bad.mlir")
    assert e.value.messages[0].startswith("bad.mlir:2:")
    unsupported = """
func.func @f(%x: tensor<1x4x16xf32>, %w: tensor<8x4x3xf32>) -> tensor<1x8x14xf32> {
  %z = arith.constant dense<0.0> : tensor<1x8x14xf32>
  %y = linalg.conv_1d_ncw_fcw ins(%x, %w : tensor<1x4x16xf32>, tensor<8x4x3xf32>)
       outs(%z : tensor<1x8x14xf32>) -> tensor<1x8x14xf32>
  return %y : tensor<1x8x14xf32>
}"""
    with pytest.raises(cimlir.Error, match="conv_1d_ncw_fcw") as e:
        cimlir.Model.parse(unsupported, "conv1d.mlir")
    assert e.value.messages[0].startswith("conv1d.mlir:4:8: error:")
    # An input that crashes MLIR 22's own parser is refused before parsing.
    with pytest.raises(cimlir.Error, match="must be a dictionary") as e:
        cimlir.Model.parse("func.func @f() {\n  %r = linalg.matmul<1>\n}",
                           "segv.mlir")
    assert e.value.messages[0].startswith("segv.mlir:2:")


def test_onnx_model(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    w = numpy_helper.from_array(
        np.linspace(-1, 1, 32 * 10, dtype=np.float32).reshape(32, 10), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"], name="fc1")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 32])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 10])],
        [w])
    path = tmp_path / "mm.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[
        helper.make_opsetid("", 13)]), str(path))
    m = cimlir.Model.load(path)
    assert [(l.name, l.kind, l.in_dim, l.out_dim, l.invocations)
            for l in m.layers] == [("fc1", "dense", 32, 10, 2)]
    (tmp_path / "bad.onnx").write_bytes(b"\x08\x07garbage")
    with pytest.raises(cimlir.Error, match="bad.onnx"):
        cimlir.Model.load(tmp_path / "bad.onnx")


# --- Costs -----------------------------------------------------------------

def brief_cost(ref_layer, w, a, t):
    """The product brief's reference model on a 1-crossbar target with
    differential columns and no OU limit: latency in ps, writes, MVMs."""
    slices = math.ceil(w / t.cell_bits)
    columns = ref_layer["output_dim"] * slices * 2
    tiles = (math.ceil(columns / t.cols) *
             math.ceil(ref_layer["input_dim"] / t.rows))
    writes = tiles * ref_layer["repeat_factor"]
    mvms = (ref_layer["mvm_invocations"] * tiles * ref_layer["repeat_factor"]
            * math.ceil(a / t.dac_bits))
    latency = writes * round(t.t_write_ns * 1000) + \
        mvms * round(t.t_mvm_ns * 1000)
    return latency, writes, mvms


@pytest.mark.parametrize("cell_bits", [4, 2])
def test_estimate_equals_the_brief_formula(resnet, reference, cell_bits):
    t = cimlir.Target.default().replace(cell_bits=cell_bits)
    dims = reference["layer_dimensions"]["resnet18"]
    names = [k for k in reference["policies"] if k.startswith("resnet18")]
    policies = [np.array(reference["policies"][k]) for k in names]
    policies += [resnet.uniform_policy(8, 8), resnet.uniform_policy(3, 5)]
    for p in policies:
        e = cimlir.estimate(resnet, t, p)
        want = [brief_cost(d, w, a, t) for d, (w, a) in zip(dims, p)]
        assert list(e.layers["latency_ps"]) == [x[0] for x in want]
        assert list(e.layers["writes"]) == [x[1] for x in want]
        assert list(e.layers["mvm_cycles"]) == [x[2] for x in want]
        assert e.total["latency_ps"] == sum(x[0] for x in want)


def test_estimate_equals_cim_estimate_report(resnet, reference, tmp_path):
    t = cimlir.Target.default().replace(cell_bits=2, ou_rows=64,
                                        write_ports=2, crossbars=4)
    tpath = tmp_path / "t.json"
    tpath.write_text(t.to_json())
    policy = reference["policies"]["resnet18-both_constraints-acc05-rcell2"]
    ppath = tmp_path / "p.json"
    ppath.write_text(json.dumps(policy))
    report = tmp_path / "r.json"
    subprocess.run([tool("cim-opt"), example("models", "resnet18.mlir"),
                    f"--cim-estimate=target={tpath} policy={ppath} "
                    f"report={report} table=", "-o", os.devnull], check=True)
    with open(report) as f:
        rep = json.load(f)
    e = cimlir.estimate(resnet, t, policy)
    assert [l["name"] for l in rep["layers"]] == e.names
    for i, layer in enumerate(rep["layers"]):
        for field in cimlir.COST_FIELDS:
            assert layer["cost"][field] == e.layers[field][i], (i, field)
    assert {f: rep["total"][f] for f in cimlir.COST_FIELDS} == e.total


def test_batch_equals_single_estimates(smallcnn):
    t = cimlir.Target.default().replace(cell_bits=2, ou_rows=16)
    rng = np.random.default_rng(1)
    p = rng.integers(1, 9, size=(300, len(smallcnn), 2))
    totals, layers = cimlir.estimate_batch(smallcnn, t, p, per_layer=True)
    assert set(totals) == set(cimlir.COST_FIELDS)
    for n in range(0, 300, 7):
        e = cimlir.estimate(smallcnn, t, p[n])
        for f in cimlir.COST_FIELDS:
            assert totals[f][n] == e.total[f]
            assert (layers[f][n] == e.layers[f]).all()
    only = cimlir.estimate_batch(smallcnn, t, p, fields=["latency_ps"])
    assert list(only) == ["latency_ps"]
    assert (only["latency_ps"] == totals["latency_ps"]).all()


def test_latency_table_equals_single_estimates(resnet):
    t = cimlir.Target.default().replace(cell_bits=2)
    table = cimlir.latency_table(resnet, t)
    assert table.shape == (21, 8, 8) and table.dtype == np.int64
    base = resnet.uniform_policy(8, 8)
    for i in range(21):
        for w in range(1, 9):
            for a in range(1, 9):
                p = base.copy()
                p[i] = (w, a)
                e = cimlir.estimate(resnet, t, p)
                assert table[i, w - 1, a - 1] == e.layers["latency_ps"][i]
    full = cimlir.cost_table(resnet, t)
    assert full.shape == (21, 8, 8, len(cimlir.COST_FIELDS))
    assert (full[..., cimlir.COST_FIELDS.index("latency_ps")] == table).all()


@pytest.mark.parametrize("bad, message", [
    (np.full((20, 2), 8), r"20, 2\] is not \[(N, )?L, 2\] with L = 21"),
    (np.full((21, 3), 8), r"is not \[(N, )?L, 2\]"),
    ("zero", r"must both be in 1\.\.8"),
    ("nine", r"must both be in 1\.\.8"),
])
def test_policy_errors(resnet, bad, message):
    if isinstance(bad, str):
        bad_policy = resnet.uniform_policy(8, 8)
        bad_policy[5] = (0, 4) if bad == "zero" else (8, 9)
        bad = bad_policy
    with pytest.raises(cimlir.Error, match=message):
        cimlir.estimate(resnet, None, bad)
    with pytest.raises(cimlir.Error, match=message):
        cimlir.estimate_batch(resnet, None, np.asarray(bad)[None])


def test_float_model_needs_a_policy(resnet):
    with pytest.raises(cimlir.Error, match="float operands and no precision"):
        cimlir.estimate(resnet)
    with pytest.raises(cimlir.Error, match="unknown cost field"):
        cimlir.estimate_batch(resnet, None, resnet.uniform_policy(8, 8)[None],
                              fields=["latency"])


# --- Compile and run -------------------------------------------------------

def test_compile_and_run_equal_the_tools(smallcnn, tmp_path):
    policy = np.array([[8, 8], [4, 4], [3, 5], [8, 8]])
    prog = cimlir.compile(smallcnn, None, policy)
    assert prog.inputs == ["arg0"] and prog.outputs == ["result0"]
    x = np.random.default_rng(2).integers(-128, 128, size=(1, 1, 8, 8))
    x = x.astype(np.int8)
    outputs, report = prog.run({"arg0": x})
    # The same binary through the cim-sim and cim-translate processes.
    (tmp_path / "p.bin").write_bytes(prog.binary)
    np.save(tmp_path / "x.npy", x)
    subprocess.run([tool("cim-sim"), str(tmp_path / "p.bin"), "--input",
                    f"arg0={tmp_path / 'x.npy'}", "--output-dir",
                    str(tmp_path), "--report", str(tmp_path / "r.json")],
                   check=True, stdout=subprocess.DEVNULL)
    want = np.load(tmp_path / "result0.npy")
    assert outputs["result0"].dtype == want.dtype
    assert (outputs["result0"] == want).all()
    with open(tmp_path / "r.json") as f:
        assert json.load(f)["total"] == report["total"]
    # The compile-time report counts the same events as the simulator
    # (one crossbar: the sequential schedule) and as the analytic estimate.
    static = prog.report
    est = cimlir.estimate(smallcnn, None, policy)
    assert static["events"]["writes"] == report["total"]["writes"] == \
        est.total["writes"]
    assert static["events"]["mvm_cycles"] == est.total["mvm_cycles"]
    assert static["total_latency_ps"] == report["total"]["latency_ps"]
    asm = subprocess.run([tool("cim-translate"), "--cim-bin-to-asm",
                          str(tmp_path / "p.bin")], check=True,
                         capture_output=True, text=True).stdout
    assert prog.assembly == asm
    again = cimlir.Program.from_binary(prog.binary)
    assert again.binary == prog.binary


def test_compile_equals_cim_opt_pipeline(smallcnn, tmp_path):
    """In-process compile = cim-opt + cim-translate on the same policy."""
    policy = [[8, 8], [4, 4], [3, 5], [8, 8]]
    (tmp_path / "p.json").write_text(json.dumps(policy))
    xbar = tmp_path / "m.xbar.mlir"
    subprocess.run([tool("cim-opt"), example("models", "smallcnn.mlir"),
                    f"--cim-assign-precision=policy={tmp_path / 'p.json'}",
                    "--convert-linalg-to-cim", "--cim-tile", "--cim-bitslice",
                    "--convert-cim-to-xbar", "-o", str(xbar)], check=True)
    subprocess.run([tool("cim-translate"), "--mlir-to-cim-bin", str(xbar),
                    "-o", str(tmp_path / "m.bin")], check=True)
    prog = cimlir.compile(smallcnn, None, policy)
    assert prog.binary == (tmp_path / "m.bin").read_bytes()


def test_compile_with_calibration_equals_cim_opt(smallcnn, tmp_path):
    """compile(policy=, calibration=) = cim-opt --cim-compile with the policy
    file and cim-assign-precision={calibration=...}; the calibration changes
    the program (the activation scales), and the stage's options reach the
    in-memory policy through options= too."""
    policy = [[8, 8], [4, 4], [3, 5], [8, 8]]
    (tmp_path / "p.json").write_text(json.dumps(policy))
    cal = tmp_path / "cal.json"
    cal.write_text(json.dumps({"default": [-2.0, 2.0],
                               "layers": [{"index": 1, "input": [0, 0.75]}]}))
    xbar = tmp_path / "m.xbar.mlir"
    subprocess.run([tool("cim-opt"), example("models", "smallcnn.mlir"),
                    f"--cim-compile=policy={tmp_path / 'p.json'} "
                    f"cim-assign-precision={{calibration={cal}}}",
                    "-o", str(xbar)], check=True)
    subprocess.run([tool("cim-translate"), "--mlir-to-cim-bin", str(xbar),
                    "-o", str(tmp_path / "m.bin")], check=True)
    expected = (tmp_path / "m.bin").read_bytes()
    assert cimlir.compile(smallcnn, None, policy,
                          calibration=cal).binary == expected
    assert cimlir.compile(
        smallcnn, None, policy,
        options=f"cim-assign-precision={{calibration={cal}}}").binary \
        == expected
    assert cimlir.compile(smallcnn, None, policy).binary != expected


def test_compile_calibration_errors(smallcnn, tmp_path):
    policy = smallcnn.uniform_policy(8, 8)
    with pytest.raises(cimlir.Error, match="missing.json"):
        cimlir.compile(smallcnn, None, policy,
                       calibration=tmp_path / "missing.json")
    with pytest.raises(cimlir.Error, match="a policy is given in memory"):
        cimlir.compile(smallcnn, None, policy,
                       options="cim-assign-precision={w-bits=4}")
    with pytest.raises(cimlir.Error, match="a policy is given in memory"):
        cimlir.compile(smallcnn, None, policy, options="a-bits=4")
    with pytest.raises(cimlir.Error, match="not both"):
        cimlir.compile(smallcnn, None, policy, calibration="c.json",
                       options="cim-assign-precision={first-last-8bit}")
    with pytest.raises(cimlir.Error, match="cim-compile options"):
        cimlir.compile(smallcnn, None, policy, options="no-such-option=1")


def test_compile_and_run_errors(smallcnn):
    with pytest.raises(cimlir.Error, match="policy"):
        cimlir.compile(smallcnn, None, np.full((3, 2), 8))
    with pytest.raises(cimlir.Error):
        cimlir.compile(smallcnn, None, None)  # float model, no bits
    prog = cimlir.compile(smallcnn, None, smallcnn.uniform_policy(8, 8))
    x = np.zeros((1, 1, 8, 8), dtype=np.int8)
    with pytest.raises(cimlir.Error, match="dtype"):
        prog.run({"arg0": x.astype(np.int32)})
    with pytest.raises(cimlir.Error, match="shape"):
        prog.run({"arg0": np.zeros((1, 1, 4, 4), dtype=np.int8)})
    with pytest.raises(cimlir.Error, match="no input named 'y'"):
        prog.run({"arg0": x, "y": x})
    with pytest.raises(cimlir.Error, match="decod|magic|truncated|short"):
        cimlir.Program.from_binary(prog.binary[:40])
    outputs, _ = prog.run(x)  # one input: the array alone
    assert outputs["result0"].shape == (1, 10)
