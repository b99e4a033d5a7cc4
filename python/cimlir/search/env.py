"""The search environment: HAQ's per-layer state and the episode's steps.

State of layer ``i`` (one row, min-max normalised per column over the
layers, as HAQ does), built from ``cimlir.Model.load(...).layers``:

==  =========================================================
0   convolution (1) or dense / matmul (0)
1   depthwise convolution (groups == in_channels)
2   input channels (dense: input features)
3   output channels (dense: output features)
4   stride (dense: 0)
5   kernel size (dense: 1)
6   weight count
7   input feature-map size ``in_h * in_w`` (dense: invocations)
8   layer index
9   previous action as bits / max_bit (filled while stepping)
10  1 for the weight action, 0 for the activation action
==  =========================================================

An episode is ``2 L`` steps: layer 0 weights, layer 0 activations, layer 1
weights, ... Action ``a`` in [0, 1] maps to
``round(a * (max_bit - min_bit + 1) + min_bit - 0.5)`` (every width gets an
equal share of [0, 1]).
"""

import numpy as np

N_STATES = 11


def layer_features(layer):
    """The static features (columns 0..8) of one layer record."""
    conv = layer.kind == "conv2d"
    dw = conv and layer.groups == layer.in_channels and layer.groups > 1
    if conv:
        return [1.0, float(dw), layer.in_channels, layer.out_channels,
                layer.stride_h, layer.kernel_h, layer.weights,
                layer.in_h * layer.in_w]
    return [0.0, 0.0, layer.in_dim, layer.out_dim, 0.0, 1.0, layer.weights,
            layer.invocations]


def build_embedding(layers):
    """``float64 [L, N_STATES]`` normalised state table."""
    rows = []
    for i, layer in enumerate(layers):
        rows.append(layer_features(layer) + [float(i), 1.0, 1.0])
    e = np.array(rows, dtype=np.float64)
    for c in range(e.shape[1]):
        lo, hi = e[:, c].min(), e[:, c].max()
        if hi > lo:
            e[:, c] = (e[:, c] - lo) / (hi - lo)
    return e


def action_to_bits(action, min_bit, max_bit):
    lo, hi = min_bit - 0.5, max_bit + 0.5
    b = int(np.round((hi - lo) * float(action) + lo))
    return int(min(max(b, min_bit), max_bit))


class Episode:
    """Steps through one episode; ``state()`` is the observation for the
    next action, ``step(action)`` records it and returns the next state."""

    def __init__(self, embedding, min_bit, max_bit):
        self.e = embedding.copy()
        self.min_bit, self.max_bit = min_bit, max_bit
        self.L = len(embedding)
        self.t = 0
        self.policy = np.zeros((self.L, 2), np.int64)
        self.e[:, 9] = 1.0
        self.e[:, 10] = 1.0

    @property
    def done(self):
        return self.t >= 2 * self.L

    def state(self):
        i = min(self.t // 2, self.L - 1)
        s = self.e[i].copy()
        s[10] = 1.0 if self.t % 2 == 0 else 0.0
        return s.astype(np.float32)

    def step(self, action):
        i, j = self.t // 2, self.t % 2
        bits = action_to_bits(action, self.min_bit, self.max_bit)
        self.policy[i, j] = bits
        self.t += 1
        if not self.done:
            self.e[self.t // 2, 9] = bits / float(self.max_bit)
        return self.state()


def reward(acc, acc_float):
    """HAQ's reward: ``0.1 * (acc - acc_float)`` (accuracies in percent).
    The budget is a hard constraint (enforced before pricing), so the
    latency does not enter the reward."""
    return 0.1 * (acc - acc_float)
