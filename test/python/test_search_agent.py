"""The search's parts without the compiler: action mapping, state table,
and the DDPG agent learning a one-step problem."""

import numpy as np
import torch

import search_helpers  # noqa: F401  (puts python/ on sys.path)
from cimlir.search import agent, env


def test_action_maps_to_equal_shares_of_bits():
    # [0, 1] split into 7 equal parts for 2..8 bits
    assert env.action_to_bits(0.0, 2, 8) == 2
    assert env.action_to_bits(1.0, 2, 8) == 8
    assert env.action_to_bits(0.5, 2, 8) == 5          # 7 * 0.5 + 1.5 = 5.0
    assert env.action_to_bits(1 / 7 - 1e-9, 2, 8) == 2
    assert env.action_to_bits(1 / 7 + 1e-9, 2, 8) == 3


class _L:
    def __init__(self, kind, **kw):
        self.kind = kind
        self.__dict__.update(kw)


def test_state_embedding_and_episode():
    layers = [
        _L("conv2d", in_channels=1, out_channels=16, stride_h=1, kernel_h=3,
           weights=144, in_h=8, in_w=8, groups=1),
        _L("conv2d", in_channels=16, out_channels=16, stride_h=2, kernel_h=3,
           weights=144, in_h=8, in_w=8, groups=16),
        _L("dense", in_dim=256, out_dim=10, weights=2560, invocations=1, groups=1)]
    e = env.build_embedding(layers)
    assert e.shape == (3, env.N_STATES)
    assert e.min() >= 0.0 and e.max() <= 1.0
    assert e[:, 0].tolist() == [1, 1, 0]     # conv / dense
    assert e[:, 1].tolist() == [0, 1, 0]     # depthwise
    assert e[:, 8].tolist() == [0, 0.5, 1]   # index
    ep = env.Episode(e, 2, 8)
    actions = [1.0, 0.0, 0.5, 0.5, 0.0, 1.0]
    states = [ep.state()]
    for a in actions:
        states.append(ep.step(a))
    assert ep.done
    assert ep.policy.tolist() == [[8, 2], [5, 5], [2, 8]]
    assert [s[10] for s in states[:6]] == [1, 0, 1, 0, 1, 0]  # weight / activation
    assert states[1][9] == 1.0            # previous action 8 bits / 8
    assert states[2][9] == 2 / 8          # layer 1 sees layer 0's activation bits
    assert env.reward(97.0, 98.0) == -0.1 * 1.0


def test_ddpg_learns_a_bandit():
    """Reward -|a - 0.8|: after training the actor's action is near 0.8."""
    torch.manual_seed(0)
    rng = np.random.RandomState(0)
    ag = agent.DDPG(3, rng, hidden1=32, hidden2=32, lr_a=1e-3, lr_c=3e-3,
                    batch_size=32, rm_size=2000, warmup=20, init_delta=0.5,
                    delta_decay=0.95)
    s = np.array([0.2, 0.5, 1.0], np.float32)
    for ep in range(300):
        a = ag.act(s, ep)
        ag.observe(s, a, -abs(a - 0.8), s, True)
        if ep >= ag.warmup:
            for _ in range(5):
                ag.update()
    with torch.no_grad():
        mu = float(ag.actor(torch.from_numpy(s).reshape(1, -1)))
    assert abs(mu - 0.8) < 0.1, mu
    # the exploration width decayed as HAQ's: 0.5 * 0.95^(299 - 20)
    assert abs(ag.delta - 0.5 * 0.95 ** 279) < 1e-12
