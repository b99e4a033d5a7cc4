"""The search loop: DDPG episodes, budget, fine-tune, reward, log.

With ``workers > 1`` the episodes run in rounds of ``workers``: the actor
picks the round's policies one after another (each with its own exploration
noise), the fine-tunes, the expensive part, run at once in ``workers``
processes, and the transitions of the whole round then enter the replay
buffer in episode order before the round's updates. ``workers = 1`` is the
sequential search, update after every episode. A policy's accuracy depends
only on the policy and the episode's seed, never on which process ran it.
"""

import multiprocessing
import time

import numpy as np
import torch

from . import agent as agent_mod
from . import budget as budget_mod
from . import env, qat


class SearchConfig:
    """Every knob of a search, with HAQ's / CIM-AQ's defaults."""

    def __init__(self, episodes=100, budget=0.5, min_bit=2, max_bit=8,
                 first_last_8bit=False, cell_aligned=False, finetune_epochs=1,
                 finetune_lr=1e-3, seed=0, warmup=20, per_channel=False,
                 workers=1, recipe=None, **agent_kw):
        self.episodes, self.budget = episodes, budget
        self.min_bit, self.max_bit = min_bit, max_bit
        self.first_last_8bit, self.cell_aligned = first_last_8bit, cell_aligned
        self.finetune_epochs, self.finetune_lr = finetune_epochs, finetune_lr
        self.seed, self.warmup, self.per_channel = seed, warmup, per_channel
        self.workers = workers
        self.recipe = recipe or qat.Recipe()  # calibration, gradient, distillation
        self.agent_kw = agent_kw


class Record:
    """One episode of the log."""

    FIELDS = ("episode", "policy", "latency_ps", "latency_ratio", "accuracy",
              "reward", "best_reward", "seconds", "oracle_seconds")

    def __init__(self, **kw):
        self.__dict__.update(kw)

    def row(self):
        d = dict(self.__dict__)
        d["policy"] = " ".join(f"{w}/{a}" for w, a in self.policy)
        return [d[f] for f in self.FIELDS]


# The fine-tune of one episode, in this process or a worker's. A worker
# gets the float model, the data and the config once (its initializer).
_WORKER = {}


def _init_worker(float_model, split, cfg):
    torch.set_num_threads(1)
    _WORKER.update(model=float_model, split=split, cfg=cfg)


def evaluate(float_model, split, cfg, policy, ep):
    """Validation accuracy of ``policy`` after episode ``ep``'s fine-tune
    (its seeds come from ``cfg.seed`` and ``ep`` only)."""
    torch.manual_seed(cfg.seed * 100003 + ep)
    acc, _ = qat.finetune_eval(float_model, policy, split,
                               cfg.finetune_epochs, cfg.finetune_lr,
                               seed=cfg.seed + ep,
                               per_channel=cfg.per_channel,
                               recipe=cfg.recipe)
    return acc


def _evaluate_in_worker(job):
    policy, ep = job
    return evaluate(_WORKER["model"], _WORKER["split"], _WORKER["cfg"],
                    policy, ep)


def run(float_model, split, oracle, cfg, on_episode=None):
    """Search a policy. Returns ``(best Record, list of Records, info)``;
    ``on_episode(record)`` is called after every episode (progress)."""
    if cfg.min_bit < 1 or cfg.max_bit > 8 or cfg.min_bit > cfg.max_bit:
        raise ValueError(f"bits must satisfy 1 <= min_bit <= max_bit <= 8, "
                         f"got {cfg.min_bit}..{cfg.max_bit}")
    if cfg.workers < 1:
        raise ValueError(f"workers must be >= 1, got {cfg.workers}")
    target_ps, w8a8 = budget_mod.check_feasible(
        oracle, cfg.budget, cfg.min_bit, cfg.first_last_8bit)
    torch.manual_seed(cfg.seed)
    rng = np.random.RandomState(cfg.seed)
    acc_float = qat.accuracy(float_model, split.x_val, split.y_val)
    emb = env.build_embedding(oracle.layers)
    L = oracle.num_layers
    kw = dict(cfg.agent_kw)
    kw.setdefault("rm_size", 128 * 2 * L)
    agent = agent_mod.DDPG(env.N_STATES, rng, warmup=cfg.warmup, **kw)
    cell_bits = int(oracle.target.cell_bits) if cfg.cell_aligned else None
    pool = None
    if cfg.workers > 1:
        pool = multiprocessing.get_context("spawn").Pool(
            cfg.workers, _init_worker, (float_model, split, cfg))
    log, best = [], None
    t_start = time.perf_counter()
    try:
        for r0 in range(0, cfg.episodes, cfg.workers):
            eps = range(r0, min(r0 + cfg.workers, cfg.episodes))
            t0, o0 = time.perf_counter(), oracle.seconds
            picked = []
            for ep in eps:
                episode = env.Episode(emb, cfg.min_bit, cfg.max_bit)
                traj = []
                while not episode.done:
                    s = episode.state()
                    a = agent.act(s, ep)
                    s1 = episode.step(a)
                    traj.append((s, a, s1, episode.done))
                policy, lat = budget_mod.enforce(
                    episode.policy, oracle, target_ps, cfg.min_bit,
                    cfg.first_last_8bit, cell_bits)
                picked.append((ep, traj, policy, lat))
            o1 = oracle.seconds
            if pool is None:
                accs = [evaluate(float_model, split, cfg, p, ep)
                        for ep, _, p, _ in picked]
            else:
                accs = pool.map(_evaluate_in_worker,
                                [(p, ep) for ep, _, p, _ in picked])
            # A round's wall time is shared by its episodes.
            share = (time.perf_counter() - t0) / len(picked)
            for (ep, traj, policy, lat), acc in zip(picked, accs):
                r = env.reward(acc, acc_float)
                for s, a, s1, done in traj:
                    agent.observe(s, a, r, s1, done)
                if ep >= cfg.warmup:
                    for _ in range(len(traj) * agent.n_update):
                        agent.update()
                rec = Record(episode=ep, policy=policy.tolist(),
                             latency_ps=lat, latency_ratio=lat / w8a8,
                             accuracy=acc, reward=r, best_reward=None,
                             seconds=share,
                             oracle_seconds=(o1 - o0) / len(picked))
                if best is None or r > best.reward:
                    best = rec
                rec.best_reward = best.reward
                log.append(rec)
                if on_episode:
                    on_episode(rec)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    info = {"acc_float_val": acc_float, "w8a8_latency_ps": w8a8,
            "target_latency_ps": target_ps,
            "wall_seconds": time.perf_counter() - t_start,
            "oracle_seconds": oracle.seconds, "oracle_calls": oracle.calls,
            "workers": cfg.workers}
    return best, log, info
