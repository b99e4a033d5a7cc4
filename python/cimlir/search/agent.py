"""DDPG agent (actor-critic) as HAQ / CIM-AQ use it.

One continuous action in [0, 1] per step (two steps per layer: weights,
then activations). Actor and critic are two-hidden-layer MLPs; target
networks follow by soft updates (``tau``); a replay buffer of
``rmsize * steps`` transitions; exploration is a truncated normal around
the actor's action whose width decays per episode after the warm-up
(``init_delta * delta_decay^(episode - warmup)``); rewards are centred by
a moving average of the batch mean (HAQ's baseline).
"""

import numpy as np
import torch
import torch.nn as nn


def _mlp(n_in, hidden1, hidden2, n_out):
    return nn.Sequential(nn.Linear(n_in, hidden1), nn.ReLU(),
                         nn.Linear(hidden1, hidden2), nn.ReLU(),
                         nn.Linear(hidden2, n_out))


class Actor(nn.Module):
    def __init__(self, n_states, hidden1, hidden2):
        super().__init__()
        self.net = _mlp(n_states, hidden1, hidden2, 1)

    def forward(self, s):
        return torch.sigmoid(self.net(s))


class Critic(nn.Module):
    def __init__(self, n_states, hidden1, hidden2):
        super().__init__()
        self.fs = nn.Linear(n_states, hidden1)
        self.fa = nn.Linear(1, hidden1)
        self.rest = nn.Sequential(nn.ReLU(), nn.Linear(hidden1, hidden2),
                                  nn.ReLU(), nn.Linear(hidden2, 1))

    def forward(self, s, a):
        return self.rest(self.fs(s) + self.fa(a))


class Replay:
    """Ring buffer of ``(s, a, r, s', done)``."""

    def __init__(self, limit, n_states):
        self.limit = limit
        self.s = np.zeros((limit, n_states), np.float32)
        self.s1 = np.zeros((limit, n_states), np.float32)
        self.a = np.zeros((limit, 1), np.float32)
        self.r = np.zeros((limit, 1), np.float32)
        self.done = np.zeros((limit, 1), np.float32)
        self.n = 0
        self.i = 0

    def __len__(self):
        return self.n

    def add(self, s, a, r, s1, done):
        k = self.i
        self.s[k], self.a[k], self.r[k], self.s1[k] = s, a, r, s1
        self.done[k] = float(done)
        self.i = (k + 1) % self.limit
        self.n = min(self.n + 1, self.limit)

    def sample(self, batch, rng):
        idx = rng.randint(0, self.n, size=batch)
        return (self.s[idx], self.a[idx], self.r[idx].copy(), self.s1[idx],
                self.done[idx])


class DDPG:
    """The agent. ``rng`` is a ``numpy.random.RandomState`` (seeded by the
    caller) for exploration and replay sampling; torch's generator must be
    seeded before construction for reproducible network initialisation."""

    def __init__(self, n_states, rng, hidden1=300, hidden2=300, lr_a=1e-4,
                 lr_c=1e-3, tau=0.01, discount=1.0, batch_size=64,
                 rm_size=128 * 20, warmup=20, init_delta=0.5,
                 delta_decay=0.99, n_update=1):
        self.rng = rng
        self.actor = Actor(n_states, hidden1, hidden2)
        self.actor_t = Actor(n_states, hidden1, hidden2)
        self.critic = Critic(n_states, hidden1, hidden2)
        self.critic_t = Critic(n_states, hidden1, hidden2)
        self.actor_t.load_state_dict(self.actor.state_dict())
        self.critic_t.load_state_dict(self.critic.state_dict())
        self.opt_a = torch.optim.Adam(self.actor.parameters(), lr=lr_a)
        self.opt_c = torch.optim.Adam(self.critic.parameters(), lr=lr_c)
        self.memory = Replay(rm_size, n_states)
        self.tau, self.discount = tau, discount
        self.batch_size, self.warmup, self.n_update = batch_size, warmup, n_update
        self.init_delta, self.delta_decay = init_delta, delta_decay
        self.delta = init_delta
        self.baseline = None
        self.value_loss = self.policy_loss = 0.0

    def random_action(self):
        return float(self.rng.uniform(0.0, 1.0))

    def select_action(self, state, episode):
        """The actor's action plus truncated-normal noise on [0, 1]."""
        with torch.no_grad():
            mu = float(self.actor(torch.as_tensor(state, dtype=torch.float32)
                                  .reshape(1, -1)))
        self.delta = self.init_delta * self.delta_decay ** max(0, episode - self.warmup)
        return _truncated_normal(self.rng, mu, self.delta, 0.0, 1.0)

    def act(self, state, episode):
        if episode < self.warmup:
            return self.random_action()
        return self.select_action(state, episode)

    def observe(self, s, a, r, s1, done):
        self.memory.add(s, a, r, s1, done)

    def update(self):
        """One gradient step of critic and actor, then soft target updates."""
        if len(self.memory) < self.batch_size:
            return
        s, a, r, s1, done = self.memory.sample(self.batch_size, self.rng)
        mean = float(r.mean())
        self.baseline = mean if self.baseline is None else \
            self.baseline + 0.5 * (mean - self.baseline)
        r = r - self.baseline
        s, a, r, s1, done = (torch.from_numpy(v) for v in (s, a, r, s1, done))
        with torch.no_grad():
            q1 = self.critic_t(s1, self.actor_t(s1))
            target = r + self.discount * (1.0 - done) * q1
        loss_c = nn.functional.mse_loss(self.critic(s, a), target)
        self.opt_c.zero_grad()
        loss_c.backward()
        self.opt_c.step()
        loss_a = -self.critic(s, self.actor(s)).mean()
        self.opt_a.zero_grad()
        loss_a.backward()
        self.opt_a.step()
        _soft_update(self.actor_t, self.actor, self.tau)
        _soft_update(self.critic_t, self.critic, self.tau)
        self.value_loss, self.policy_loss = float(loss_c), float(loss_a)


def _soft_update(target, source, tau):
    with torch.no_grad():
        for t, p in zip(target.parameters(), source.parameters()):
            t.mul_(1.0 - tau).add_(p, alpha=tau)


def _truncated_normal(rng, mu, sigma, lo, hi):
    """A sample of N(mu, sigma) restricted to [lo, hi] (rejection, then
    clipping after 100 tries)."""
    if sigma <= 0:
        return float(np.clip(mu, lo, hi))
    for _ in range(100):
        v = rng.normal(mu, sigma)
        if lo <= v <= hi:
            return float(v)
    return float(np.clip(mu, lo, hi))
