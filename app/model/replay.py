"""Control mode's network agent on Mountain Car: the slides' step learning q_hat(s, a), one step
per transition, and optionally experience replay.

s = the scaled (p, v) and its bias 1; the three outputs are q_hat(s, a).  A transition
(S, A, R, S', A') takes one step of model.step (or Adam's) whose y is the target for the action
taken, made from the weights before the update, and every other output's own y_hat.

Plain online semi-gradient Sarsa with a network is unstable on Mountain Car: consecutive
transitions are alike, each step drags the whole function towards the last few states, and
what was learnt of the rest of the valley is forgotten; the policy then stops reaching the
goal and the episode runs to its cap.  Experience replay (Lin 1992; the course's capstone)
keeps the last `buffer` transitions and, after each new one, takes `k` more steps on
transitions drawn from them at random, each the slides' step with its own target from the
current weights: the network keeps seeing the whole valley.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import mountain_car as mc
from .backprop import forward, step
from .fastcontrol import InPlace
from .net import Net
from .optimizers import adam_step

# The network's defaults in control mode (the config's own are the slides' small examples'):
# 32 ReLU units spread over the state square (units_across), q_hat linear, Adam with alpha_A
# 0.0003 and alpha_B 0.001 (the units move slower than the values they carry), B starting at 0
# (optimistic: every reward is -1, so untried actions look best and get tried), and replay of
# 4 steps a transition from the last 10,000.  Without replay the same network forgets.
CONTROL_NETWORK = {
    "hidden": 32, "f_A": "relu", "f_B": "linear", "loss": "half_squared", "optimizer": "adam",
    "alpha_A": 0.0003, "alpha_B": 0.001,
}  # fmt: skip
UNIT_SLOPE = 2.0  # units_across: each unit's weights' length, per unit of the scaled inputs
# ... and its environment's: Q-learning, whose target max_a q_hat(S', a) does not depend on the
# A' stored with an old transition (Sarsa's would be an older policy's), replay of 4 steps a
# transition from the last 10,000, their targets from a copy of the weights renewed every 100
# transitions (so that the k steps do not chase a target they move themselves).
CONTROL_NETWORK_ENVIRONMENT = {"agent": "q_learning", "replay": 4, "buffer": 10_000, "target_every": 100}
# The course's tile coder: x the active tiles (A is not learned), B from 0 with alpha_B =
# 0.5 / tilings (the config works it out from its tilings), q_hat linear, SGD.
CONTROL_TILES = {"f_B": "linear", "loss": "half_squared", "optimizer": "sgd", "alpha_A": 0.0, "bias": False}

# A stored transition's columns: S's (p, v), A, R, S'’s (p, v), terminal, A'.
P, V, ACTION, REWARD, P_NEXT, V_NEXT, TERMINAL, NEXT_ACTION = range(8)
COLUMNS = 8


def units_across(rng: np.random.Generator, n_x: int, slope: float = UNIT_SLOPE) -> np.ndarray:
    """A for s = (scaled p, scaled v, 1): each hidden unit's line psi_j = 0, where its f_A bends
    (ReLU's kink, tanh's or the sigmoid's middle), through a point drawn uniformly from the
    square [-1, 1]^2 of scaled states, its
    weights a direction drawn uniformly times `slope`.  The units then cut the whole (p, v)
    square into pieces for B to give values to, as tiles do, each steep enough (slope 2) to
    change much across a piece of the square.  (Glorot's draw gives slopes of about 0.3, and
    its hidden biases of 0.1 turn every unit on at the centre: the units are much alike and
    nearly linear over the square, and on Mountain Car the network kept forgetting what it had
    learnt, with or without replay: README, "Why replay".)  Drawn in this order: the n_x
    directions, then the n_x points' (p, v)."""
    angle = rng.uniform(0.0, 2.0 * np.pi, n_x)
    w = slope * np.stack([np.cos(angle), np.sin(angle)])
    points = rng.uniform(-1.0, 1.0, (2, n_x))
    bias = -(w[0] * points[0] + w[1] * points[1])
    return np.vstack([w, bias])


class Buffer:
    """The last `size` transitions, as rows of a float array (a ring: the oldest is replaced)."""

    def __init__(self, size: int, rows: np.ndarray | None = None, count: int = 0) -> None:
        if size < 1:
            raise ValueError("a replay buffer holds at least one transition")
        self.size = size
        self.rows = np.zeros((size, COLUMNS)) if rows is None else rows
        self.count = count  # transitions ever added: the next goes to row count % size

    def __len__(self) -> int:
        return min(self.count, self.size)

    def add(self, row: list[float]) -> None:
        self.rows[self.count % self.size] = row
        self.count += 1

    def draw(self, rng: np.random.Generator) -> int:
        """A stored transition's row, uniformly at random (one draw from rng)."""
        return int(rng.integers(len(self)))

    def copy(self) -> Buffer:
        return Buffer(self.size, self.rows.copy(), self.count)


def bad_rows(rows: np.ndarray) -> np.ndarray:
    """The indices of rows that no drive of the car could have stored (a document's buffer)."""

    def whole(c, n):
        return (c == np.floor(c)) & (c >= 0) & (c < n)

    ok = (
        (rows[:, P] >= mc.POSITION[0]) & (rows[:, P] < mc.GOAL)
        & (rows[:, P_NEXT] >= mc.POSITION[0]) & (rows[:, P_NEXT] <= mc.POSITION[1])
        & (np.abs(rows[:, V]) <= mc.VELOCITY[1]) & (np.abs(rows[:, V_NEXT]) <= mc.VELOCITY[1])
        & whole(rows[:, ACTION], mc.ACTIONS) & whole(rows[:, NEXT_ACTION], mc.ACTIONS)
        & (rows[:, REWARD] == -1.0) & whole(rows[:, TERMINAL], 2)
    )  # fmt: skip
    return np.flatnonzero(~ok)


@dataclass(frozen=True)
class Agent:
    """What the network agent is besides its weights: the network, the control target and
    exploration, replay's k (0: none), and Adam's epsilon when it uses Adam."""

    net: Net
    agent: str = "sarsa"
    epsilon: float = 0.0
    gamma: float = 1.0
    replay: int = 0
    target_every: int = 0  # replayed steps' targets from a copy of the weights, renewed this often
    adam_epsilon: float | None = None  # None: SGD

    def s(self, p: float, v: float) -> np.ndarray:
        """The network's input for (p, v): scaled to [-1, 1], the bias 1 last."""
        scaled = mc.scaled(p, v)
        return np.array(scaled + [1.0] if self.net.bias else scaled)

    def q(self, s: np.ndarray, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        return forward(s, A, B, self.net)["y_hat"]

    def learn(self, s: np.ndarray, action: int, value: float, A, B, moments: dict | None) -> dict:
        """The slides' step on s with y = the target `value` for the action taken and every other
        output's own y_hat (its delta_B exactly 0)."""
        if moments is None:
            return step(s, value, A, B, self.net, only=action)
        return adam_step(s, value, A, B, self.net, moments, self.adam_epsilon, only=action)

    def value(self, reward: float, terminal: bool, q_next: np.ndarray | None, next_action: int) -> float:
        return mc.target(self.agent, reward, terminal, q_next, next_action, self.gamma, self.epsilon)

    def replayed(self, row: np.ndarray, A, B, moments: dict | None, target: tuple | None = None) -> dict:
        """One step on a stored transition, its target from the weights `target` (A, B), or
        from the current ones."""
        p, v, action, reward, p2, v2, terminal, a2 = row.tolist()
        q_next = None if terminal else self.q(self.s(p2, v2), *(target or (A, B)))
        value = self.value(reward, bool(terminal), q_next, int(a2))
        return self.learn(self.s(p, v), int(action), value, A, B, moments)

    def replayed_in_place(self, row: np.ndarray, fast: InPlace, target: tuple | None = None) -> None:
        """replayed's step, taken in place on fast's weights (the same bits, no trace)."""
        p, v, action, reward, p2, v2, terminal, a2 = row.tolist()
        q_next = None if terminal else self.q(self.s(p2, v2), *(target or (fast.A, fast.B)))
        fast.learn(self.s(p, v), int(action), self.value(reward, bool(terminal), q_next, int(a2)))


def transition(
    agent: Agent,
    p: float,
    v: float,
    action: int,
    A: np.ndarray,
    B: np.ndarray,
    moments: dict | None,
    rng: np.random.Generator,
    buffer: Buffer | None,
    target: tuple | None = None,
    t: int = 1,
    fast: InPlace | None = None,
    traced: bool = True,
) -> dict:
    """One transition from (p, v) taking `action`, the run's t-th: the move, A' chosen
    epsilon-greedily from q_hat(S', .) with the weights before the update, the target, the
    step; then replay's k steps on stored transitions (this one stored first), their targets
    from `target`, a copy of (A, B) taken after the t-th step when t is a multiple of
    target_every (or when there is none yet), or from the current weights (target_every 0).
    Returns the transition's own step's trace, with `transition`, `s_next` and `q_next` added,
    and A, B and Adam's moments after the replayed steps too (in the trace's "A", "B",
    "adam"), and the target copy kept ("target").

    With `fast` (model/fastcontrol.py), the replayed steps are taken in place on its arrays,
    and so is the transition's own step when it is not `traced`: its trace then has only the
    loss, the transition and the weights after it (the same bits)."""
    p2, v2, reward, terminal = mc.move(p, v, action)
    s = agent.s(p, v)
    if terminal:
        s_next, q_next, a2 = np.zeros_like(s), np.zeros(mc.ACTIONS), 0
        value = reward
    else:
        s_next = agent.s(p2, v2)
        q_next = agent.q(s_next, A, B)
        a2 = mc.epsilon_greedy(q_next, agent.epsilon, rng)
        value = agent.value(reward, False, q_next, a2)
    if fast is not None and not traced:
        fast.take(A, B, moments)
        trace = {"loss": fast.learn(s, action, value), "A": fast.A, "B": fast.B, "adam": fast.moments()}
    else:
        if fast is not None and fast.holds(A):  # the trace keeps A and B before: not the arrays fast writes
            A, B = A.copy(), B.copy()
        trace = agent.learn(s, action, value, A, B, moments)
    trace["transition"] = mc.record(p, v, action, reward, p2, v2, a2, terminal)
    trace["s_next"], trace["q_next"] = s_next, q_next
    trace["target"] = None
    if buffer is not None and agent.replay > 0:
        buffer.add([p, v, action, reward, p2, v2, float(terminal), a2])
        A, B, moments = trace["A"], trace["B"], trace.get("adam")
        if agent.target_every and (target is None or t % agent.target_every == 0):
            target = (A.copy(), B.copy())  # fast writes its A and B in place
        if fast is not None:
            fast.take(A, B, moments)
        for _ in range(agent.replay):
            row = buffer.rows[buffer.draw(rng)]
            if fast is None:
                replayed = agent.replayed(row, A, B, moments, target if agent.target_every else None)
                A, B, moments = replayed["A"], replayed["B"], replayed.get("adam")
            else:
                agent.replayed_in_place(row, fast, target if agent.target_every else None)
        if fast is not None:
            A, B, moments = fast.A, fast.B, fast.moments()
        trace["A"], trace["B"], trace["target"] = A, B, target if agent.target_every else None
        if moments is not None:
            trace["adam"] = moments
    return trace


def episodes(
    agent: Agent,
    A: np.ndarray,
    B: np.ndarray,
    moments: dict | None,
    rng: np.random.Generator,
    buffer: Buffer | None,
    n: int,
    max_steps: int = mc.MAX_STEPS,
) -> tuple[np.ndarray, np.ndarray, dict | None, list[int]]:
    """n episodes, each from a start drawn from rng: (A, B, moments after them, their lengths).
    An episode cut at max_steps is not an end: its last target bootstraps."""
    lengths, target, t = [], None, 0
    for _ in range(n):
        p, v = mc.start(rng)
        action = mc.epsilon_greedy(agent.q(agent.s(p, v), A, B), agent.epsilon, rng)
        steps = 0
        while True:
            t += 1
            trace = transition(agent, p, v, action, A, B, moments, rng, buffer, target, t)
            A, B, moments, target = trace["A"], trace["B"], trace.get("adam"), trace["target"]
            steps += 1
            move = trace["transition"]
            if move["terminal"] or steps >= max_steps:
                break
            (p, v), action = move["next_state"], move["next_action"]
        lengths.append(steps)
    return A, B, moments, lengths
