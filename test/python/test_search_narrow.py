"""A searched (mixed-precision) model exported as QDQ ONNX compiles at its
policy's bits: the importer stores each Clip's range in the narrowest
integer type (docs/onnx.md, "Narrow storage"), so the layer table, the
compiled program's cost and its outputs are the policy's, not W8A8's."""

import math

import numpy as np
import pytest
import torch

import search_helpers
from cimlir.search import data, export, loop, qat, quant

# w3a5, w2a4 and w4a3 between 8-bit first and last layers (digits CNN: three
# convolutions, two dense layers).
POLICY = np.array([[8, 8], [3, 5], [2, 4], [4, 3], [8, 8]], np.int64)
BATCH = 16


@pytest.fixture(scope="module")
def trained():
    """The digits CNN after a short float training, quantized at POLICY."""
    torch.manual_seed(15)
    split = data.load_digits_split(seed=0)
    model = data.digits_cnn()
    qat.train(model, split.x_train, split.y_train, epochs=2, lr=1e-2, seed=0)
    qm = qat.quantized_copy(model, POLICY, split.x_train[:256])
    qm.eval()
    return model, qm, split


def _hand_cost(qm, n, rows, cols, cell_bits, dac_bits, t_write_ps, t_mvm_ps):
    """The brief's reference model, from the PyTorch modules' shapes (not
    from cimlir): slices = ceil(w / cell_bits), columns = out * slices * 2
    (differential), tiles = ceil(columns / cols) * ceil(in / rows), MVMs =
    invocations * tiles * ceil(a / dac_bits), one write per tile.
    Returns (writes, MVMs, latency in ps)."""
    h = w = 8
    writes = mvms = 0
    for m in qm:
        if isinstance(m, torch.nn.MaxPool2d):
            h, w = h // m.kernel_size, w // m.kernel_size
            continue
        if not isinstance(m, quant._QLayer):
            continue
        if isinstance(m, torch.nn.Conv2d):
            (kh, kw), (ph, pw) = m.kernel_size, m.padding
            fan_in, fan_out = m.in_channels * kh * kw, m.out_channels
            h, w = h + 2 * ph - kh + 1, w + 2 * pw - kw + 1  # stride 1
            invocations = n * h * w
        else:
            fan_in, fan_out, invocations = m.in_features, m.out_features, n
        slices = math.ceil(m.w_bits / cell_bits)
        tiles = math.ceil(fan_out * slices * 2 / cols) * math.ceil(fan_in / rows)
        writes += tiles
        mvms += invocations * tiles * math.ceil(m.a_bits / dac_bits)
    return writes, mvms, writes * t_write_ps + mvms * t_mvm_ps


def test_hand_cost_of_the_policy():
    # Worked by hand for the default target (256 x 256, 4-bit cells, 1-bit
    # DAC, 56 us / write, 1.4 us / MVM), batch 1:
    #   conv1 w8a8: 2 slices, 64 columns, 9 rows    -> 1 tile, 64 * 8 = 512 MVMs
    #   conv2 w3a5: 1 slice,  64 columns, 144 rows  -> 1 tile, 64 * 5 = 320
    #   conv3 w2a4: 1 slice, 128 columns, 288 rows  -> 2 tiles, 16 * 2 * 4 = 128
    #   fc1   w4a3: 1 slice, 128 columns, 256 rows  -> 1 tile, 3
    #   fc2   w8a8: 2 slices, 40 columns, 64 rows   -> 1 tile, 8
    qm = data.digits_cnn()
    quant.quantize_model(qm)
    quant.set_policy(qm, POLICY)
    assert _hand_cost(qm, 1, 256, 256, 4, 1, 56_000_000, 1_400_000) == (
        6, 971, 6 * 56_000_000 + 971 * 1_400_000)
    # 1-bit cells on 128 x 128 crossbars: slices = w bits
    #   conv1: 8 slices, 256 columns, 9 rows   -> 2 tiles, 64 * 2 * 8 = 1024
    #   conv2: 3 slices, 192 columns, 144 rows -> 2 * 2 = 4 tiles, 64 * 4 * 5 = 1280
    #   conv3: 2 slices, 256 columns, 288 rows -> 2 * 3 = 6 tiles, 16 * 6 * 4 = 384
    #   fc1:   4 slices, 512 columns, 256 rows -> 4 * 2 = 8 tiles, 8 * 3 = 24
    #   fc2:   8 slices, 160 columns, 64 rows  -> 2 tiles, 2 * 8 = 16
    assert _hand_cost(qm, 1, 128, 128, 1, 1, 56_000_000, 1_400_000) == (
        22, 2728, 22 * 56_000_000 + 2728 * 1_400_000)


@pytest.mark.parametrize("cell_bits,size", [(4, 256), (1, 128)])
def test_exported_policy_compiles_at_its_bits(trained, cell_bits, size, tmp_path):
    cimlir = search_helpers.cimlir_or_skip()
    model, qm, split = trained
    target = cimlir.Target.default().replace(cell_bits=cell_bits, rows=size,
                                             cols=size, ou_rows=size)
    shape = (BATCH, 1, 8, 8)
    qpath = export.save_onnx(qm, str(tmp_path / "qdq.onnx"), shape)
    fpath = export.save_onnx(model, str(tmp_path / "float.onnx"), shape,
                             quantized=False)
    qmodel = cimlir.Model.load(qpath)

    # (1) the layer table carries the policy
    got = [[l.w_bits, l.a_bits] for l in qmodel.layers]
    assert got == POLICY.tolist()
    assert [l.w_signed for l in qmodel.layers] == [True] * 5
    assert [l.a_signed for l in qmodel.layers] == [False] * 5  # pixels, ReLUs

    # (2) the compiled program costs what the policy costs: the estimate of
    # the float model at the policy, and the reference formula by hand
    program = cimlir.compile(qmodel, target)
    events = program.report["events"]
    latency = program.report["total_latency_ps"]
    est = cimlir.estimate(cimlir.Model.load(fpath), target, POLICY).total
    assert (events["writes"], events["mvm_cycles"], latency) == (
        est["writes"], est["mvm_cycles"], est["latency_ps"])
    hand = _hand_cost(qm, BATCH, size, size, cell_bits, 1, 56_000_000, 1_400_000)
    assert (events["writes"], events["mvm_cycles"], latency) == hand
    w8a8 = cimlir.estimate(cimlir.Model.load(fpath), target,
                           np.full((5, 2), 8, np.int64)).total["latency_ps"]
    assert latency < w8a8

    # (3) the program's integers are the fake-quant model's: the logits are
    # s_a * s_w * (accumulator + bias) exactly, in float64
    x = split.x_test[:BATCH]
    outs, _ = program.run({loop._input_name(program): loop.quantize_input(qm, x)})
    acc = np.asarray(next(iter(outs.values()))).astype(np.float64)
    last = quant.quant_layers(qm)[-1]
    s = float(last.act.scale()) * float(last.weight_scale())
    with torch.no_grad():
        ref = qm.double()(x.double()).numpy()
    qm.float()
    assert np.array_equal(np.round(ref / s), acc)
    assert np.abs(ref / s - acc).max() < 1e-6
    assert np.array_equal(acc.argmax(axis=1), ref.argmax(axis=1))


def test_without_clips_the_program_is_w8a8(trained, tmp_path):
    """``narrow="none"`` (no Clip): every operand is 8-bit storage, so the
    compiled program is W8A8 (the weights' values are still the policy's)."""
    cimlir = search_helpers.cimlir_or_skip()
    _, qm, _ = trained
    path = export.save_onnx(qm, str(tmp_path / "noclip.onnx"), (BATCH, 1, 8, 8),
                            narrow="none")
    layers = cimlir.Model.load(path).layers
    assert [[l.w_bits, l.a_bits] for l in layers] == [[8, 8]] * 5


def test_simulate_reports_the_compiled_latency(trained, tmp_path):
    cimlir = search_helpers.cimlir_or_skip()
    model, qm, split = trained
    target = cimlir.Target.default()
    r = loop.simulate(qm, split.x_test[:2 * BATCH], split.y_test[:2 * BATCH],
                      target, str(tmp_path), batch=BATCH)
    assert r["agree"] == 1.0
    fpath = export.save_onnx(model, str(tmp_path / "float.onnx"),
                             (BATCH, 1, 8, 8), quantized=False)
    est = cimlir.estimate(cimlir.Model.load(fpath), target, POLICY).total
    assert r["program_report"]["total_latency_ps"] == est["latency_ps"]


def test_simulate_per_channel(trained, tmp_path):
    """Per-output-channel weights: the program returns the last layer's
    sums with one scale per channel (cim.scale array), and the simulator's
    predictions, ordered by s_w[c] * sums, equal PyTorch's."""
    cimlir = search_helpers.cimlir_or_skip()
    model, _, split = trained
    qm = qat.quantized_copy(model, POLICY, split.x_train[:256],
                            per_channel=True)
    qm.eval()
    last = quant.quant_layers(qm)[-1]
    scales = last.weight_scale()
    assert scales.numel() == 10 and len(set(scales.tolist())) > 1
    r = loop.simulate(qm, split.x_test[:2 * BATCH], split.y_test[:2 * BATCH],
                      cimlir.Target.default(), str(tmp_path), batch=BATCH)
    assert r["agree"] == 1.0, (r["sim_pred"], r["ref_pred"])


def test_cli_simulate_prints_the_compiled_latency(tmp_path, capsys):
    """``cim-aq-search --policy P --simulate``: summary.json's compiled
    latency (one batch on the simulator's program) is the estimate of P."""
    search_helpers.cimlir_or_skip()
    import json
    from cimlir.search import cli
    np.save(tmp_path / "p.npy", POLICY)
    out = tmp_path / "out"
    assert cli.main(["--policy", str(tmp_path / "p.npy"), "--float-epochs", "2",
                     "--qat-epochs", "1", "--simulate", "--sim-batch", "64",
                     "--seed", "1", "--quiet", "--output", str(out)]) == 0
    with open(out / "summary.json") as f:
        s = json.load(f)
    assert s["policy"] == POLICY.tolist() and s["sim_batch"] == 64
    assert s["sim_compiled_latency_ps"] == s["sim_estimate_latency_ps"]
    assert s["sim_compiled_latency_ps"] < s["sim_w8a8_latency_ps"]
    assert s["sim_agree"] >= 0.995
    assert "compiled latency / W8A8" in capsys.readouterr().out
