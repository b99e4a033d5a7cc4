"""HAQ's latency budget ("action wall"), priced by the oracle.

After an episode's actions, the policy must cost at most
``budget * latency(W8A8)``. As HAQ (``_final_action_wall``), bits are
lowered from the last layer backwards, activation then weight of each
layer, one step at a time, re-pricing after each step, sweep after sweep,
until the policy fits. With ``first_last_8bit`` (the reference system's
"both constraints") layers 0 and L-1 stay at 8/8 throughout.

``cell_aligned`` (an option HAQ does not have; cimlir's
``cim-assign-precision cell-aligned`` is the same rule) afterwards rounds
each weight width up to a multiple of the target's cell bits when the
result stays <= 8 and within the budget: a weight slice costs a whole cell
whether its bits are used or not, so this gains precision for free.
"""

import numpy as np


class BudgetError(ValueError):
    """The budget cannot be met even at the minimum bits."""


def constrain(policy, first_last_8bit):
    p = np.array(policy, dtype=np.int64).reshape(-1, 2)
    if first_last_8bit:
        p[0] = 8
        p[-1] = 8
    return p


def min_policy(num_layers, min_bit, first_last_8bit):
    return constrain(np.full((num_layers, 2), min_bit, np.int64),
                     first_last_8bit)


def check_feasible(oracle, budget, min_bit, first_last_8bit):
    """Raise :class:`BudgetError` when ``budget`` (fraction of W8A8) is
    below what the minimum bits reach; return ``(target_ps, w8a8_ps)``."""
    if not budget > 0:
        raise BudgetError(f"budget must be positive, got {budget}")
    w8a8 = oracle.uniform(8, 8)
    floor = oracle.latency(min_policy(oracle.num_layers, min_bit,
                                      first_last_8bit))
    target = budget * w8a8
    if floor > target:
        raise BudgetError(
            f"budget {budget:g} of W8A8 is unreachable: the minimum bits "
            f"({min_bit}{', first/last 8-bit' if first_last_8bit else ''}) "
            f"cost {floor / w8a8:.4f} of W8A8")
    return target, w8a8


def enforce(policy, oracle, target_ps, min_bit=1, first_last_8bit=False,
            cell_bits=None):
    """The policy lowered (HAQ's order) until its latency <= ``target_ps``.

    Returns ``(policy int64 [L, 2], latency_ps)``. Stops when a whole sweep
    changes nothing (the minimum bits are reached)."""
    p = constrain(policy, first_last_8bit)
    cost = oracle.latency(p)
    while cost > target_ps:
        changed = False
        for i in reversed(range(len(p))):
            if first_last_8bit and i in (0, len(p) - 1):
                continue  # fixed at 8/8
            for j in (1, 0):  # activation first, then weight (HAQ)
                if p[i, j] > min_bit:
                    p[i, j] -= 1
                    changed = True
                    cost = oracle.latency(p)
                    if cost <= target_ps:
                        break
            if cost <= target_ps:
                break
        if not changed:
            break
    if cell_bits:
        p, cost = _cell_align(p, oracle, target_ps, cell_bits, cost)
    return p, cost


def _cell_align(p, oracle, target_ps, cell_bits, cost):
    for i in range(len(p)):
        w = p[i, 0]
        up = -(-w // cell_bits) * cell_bits
        if up != w and up <= 8:
            q = p.copy()
            q[i, 0] = up
            c = oracle.latency(q)
            if c <= target_ps:
                p, cost = q, c
    return p, cost
