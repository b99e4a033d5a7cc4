"""The latency budget, priced by cimlir, checked against an independent
evaluation of the reference cost model (docs/design.md / the product brief:
slices = ceil(w / cell_bits), columns = out x slices x 2, tiles =
ceil(columns / cols) x ceil(in / rows), MVMs = invocations x tiles x
ceil(a / dac_bits), latency = writes x t_write + MVMs x t_mvm)."""

import math

import numpy as np
import pytest
import torch

import search_helpers
from cimlir.search import budget, data, export

# digits-cnn on a 1x8x8 image, derived by hand from data.digits_cnn:
# (in_dim = C*KH*KW, out_dim, invocations = output pixels)
DIGITS_CNN = [(1 * 9, 16, 64), (16 * 9, 32, 64), (32 * 9, 64, 16),
              (64 * 2 * 2, 64, 1), (64, 10, 1)]


def reference_latency_ps(policy, cell_bits=4):
    total = 0
    for (k, n, inv), (w, a) in zip(DIGITS_CNN, policy):
        cols = n * math.ceil(w / cell_bits) * 2
        tiles = math.ceil(cols / 256) * math.ceil(k / 256)
        total += tiles * 56_000_000 + inv * tiles * a * 1_400_000
    return total


@pytest.fixture(scope="module")
def oracles(tmp_path_factory):
    cimlir = search_helpers.cimlir_or_skip()
    from cimlir.search import oracle
    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp("budget") / "cnn.onnx")
    export.save_onnx(data.digits_cnn(), path, (1, 1, 8, 8), quantized=False)
    t4 = cimlir.Target.default()
    return (oracle.Oracle(path, t4),
            oracle.Oracle(path, t4.replace(cell_bits=2)))


def test_layer_table_and_latency_are_the_reference_model(oracles):
    orc, orc2 = oracles
    assert [(l.in_dim, l.out_dim, l.invocations) for l in orc.layers] == DIGITS_CNN
    rng = np.random.RandomState(1)
    for _ in range(20):
        p = rng.randint(1, 9, size=(5, 2))
        assert orc.latency(p) == reference_latency_ps(p)
        assert orc2.latency(p) == reference_latency_ps(p, cell_bits=2)
    batch = rng.randint(1, 9, size=(16, 5, 2))
    assert orc.latency_batch(batch).tolist() == [reference_latency_ps(p) for p in batch]


def haq_sequence(policy, min_bit, first_last):
    """HAQ's lowering order, written out independently: sweeps from the
    last layer to the first, activation then weight, one bit per step."""
    p = np.array(policy)
    while True:
        moved = False
        for i in range(len(p) - 1, -1, -1):
            for j in (1, 0):
                if first_last and i in (0, len(p) - 1):
                    continue
                if p[i, j] > min_bit:
                    p[i, j] -= 1
                    moved = True
                    yield p.copy()
        if not moved:
            return


@pytest.mark.parametrize("ratio,first_last", [(0.5, False), (0.4, False), (0.7, True)])
def test_over_budget_policy_is_lowered_until_it_fits(oracles, ratio, first_last):
    orc, _ = oracles
    w8a8 = reference_latency_ps([[8, 8]] * 5)
    target = ratio * w8a8
    start = np.full((5, 2), 8)
    got, cost = budget.enforce(start, orc, target, min_bit=2, first_last_8bit=first_last)
    assert cost == reference_latency_ps(got) <= target
    expected = next(p for p in haq_sequence(start, 2, first_last)
                    if reference_latency_ps(p) <= target)
    assert got.tolist() == expected.tolist()
    if first_last:
        assert got[0].tolist() == [8, 8] and got[-1].tolist() == [8, 8]


def test_policy_within_budget_is_kept_and_cell_alignment_is_free(oracles):
    orc, _ = oracles
    p = np.array([[3, 4], [5, 3], [6, 2], [2, 2], [7, 8]])
    target = reference_latency_ps(p)
    got, _ = budget.enforce(p, orc, target)
    assert got.tolist() == p.tolist()
    aligned, cost = budget.enforce(p, orc, target, cell_bits=4)
    # weights rounded up to 4 or 8 bits: same slices, same latency
    assert aligned[:, 0].tolist() == [4, 8, 8, 4, 8]
    assert cost == target


def test_unreachable_budget_is_an_error(oracles):
    orc, _ = oracles
    with pytest.raises(budget.BudgetError, match="unreachable"):
        budget.check_feasible(orc, 0.05, 2, True)
    target, w8a8 = budget.check_feasible(orc, 0.5, 2, False)
    assert w8a8 == reference_latency_ps([[8, 8]] * 5) and target == 0.5 * w8a8
