"""(k) control mode fast enough to watch: 50 episodes of Mountain Car, served, against a
straightforward NumPy loop of the same agent.

Served: a session of each kind (the course's tile coder; the network with its defaults) takes
50 episodes in a series of calls, each `{"n": max_steps, "to_episode_end": true}` as the page
asks (each call's last step traced, the others in place), the views' cost to go worked out
after every call.  The loop: the same agent as it is first written in NumPy, with nothing of
a session (no trace, no budget, no fixed order of sums): dense x and BLAS products for the
tile coder (x @ B, B[:, a] += alpha err x), np.dot, np.outer and Adam in place for the
network with replay.  They take turns within each round; a run's episodes differ between the
two (the loop's sums round otherwise), so the comparison is seconds per transition, the
median over rounds.
"""

from __future__ import annotations

import time

import numpy as np

from app.model import mountain_car as mc
from app.model.replay import CONTROL_NETWORK, CONTROL_NETWORK_ENVIRONMENT, units_across
from app.model.tiles import IndexHashTable, tiles
from app.sessions import ConfigIn, new_session
from bench.stats import median

EPISODES = 50


def served(features: str, episodes: int, seed: int) -> tuple[float, int]:
    """Seconds and transitions of `episodes` episodes through a session's calls."""
    config = ConfigIn(environment={"name": "mountain_car", "features": features}, seed=seed)
    sess = new_session("bench", config)
    sess.max_steps()  # the server measures its step costs once, at its first call: not counted here
    start = time.perf_counter()
    while sess.episodes < episodes:
        sess.take_steps(sess.max_steps(), to_episode_end=True)
    return time.perf_counter() - start, sess.step


def tile_loop(episodes: int, seed: int) -> tuple[float, int]:
    """The course's tile-coding Sarsa as it is first written: dense x, BLAS products."""
    rng, table = np.random.default_rng(seed), IndexHashTable(4096)
    B, alpha, scale = np.zeros((4096, 3)), 0.5 / 8, [8 / 1.7, 8 / 0.14]

    def x_of(p, v):
        x = np.zeros(4096)
        x[tiles(table, 8, [p * scale[0], v * scale[1]])] = 1.0
        return x

    def act(q):
        best = np.flatnonzero(q == q.max())
        return int(best[rng.integers(len(best))]) if len(best) > 1 else int(best[0])

    start, steps = time.perf_counter(), 0
    for _ in range(episodes):
        p, v = mc.start(rng)
        x = x_of(p, v)
        a = act(x @ B)
        for _ in range(mc.MAX_STEPS):
            p, v, r, end = mc.move(p, v, a)
            steps += 1
            if end:
                B[:, a] += alpha * (r - x @ B[:, a]) * x
                break
            x2 = x_of(p, v)
            q2 = x2 @ B
            a2 = act(q2)
            B[:, a] += alpha * (r + q2[a2] - x @ B[:, a]) * x
            x, a = x2, a2
    return time.perf_counter() - start, steps


def network_loop(episodes: int, seed: int) -> tuple[float, int]:
    """The network's Q-learning with replay and a target copy as it is first written: np.dot,
    Adam in place; its units spread as the session's are."""
    d, e = CONTROL_NETWORK, CONTROL_NETWORK_ENVIRONMENT
    rng, n_x, k = np.random.default_rng(seed), d["hidden"], e["replay"]
    lr = (d["alpha_A"], d["alpha_B"])
    A, B = units_across(rng, n_x), np.zeros((n_x + 1, 3))
    W, M, V = [A, B], [np.zeros_like(A), np.zeros_like(B)], [np.zeros_like(A), np.zeros_like(B)]
    buffer, t = [], [0]

    def s_of(p, v):
        return np.array([2 * (p + 1.2) / 1.7 - 1, 2 * (v + 0.07) / 0.14 - 1, 1.0])

    def q_of(s, weights=W):
        psi = s @ weights[0]
        x = np.append(np.maximum(psi, 0), 1.0)
        return psi, x, x @ weights[1]

    def learn(s, a, target):
        psi, x, q = q_of(s)
        delta_B = np.zeros(3)
        delta_B[a] = q[a] - target
        delta_A = (W[1][:-1] @ delta_B) * (psi > 0)
        t[0] += 1
        for i, g in enumerate((np.outer(s, delta_A), np.outer(x, delta_B))):
            M[i] = 0.9 * M[i] + 0.1 * g
            V[i] = 0.999 * V[i] + 0.001 * g * g
            W[i] -= lr[i] * (M[i] / (1 - 0.9 ** t[0])) / (np.sqrt(V[i] / (1 - 0.999 ** t[0])) + 1e-8)

    def act(q):
        best = np.flatnonzero(q == q.max())
        return int(best[rng.integers(len(best))]) if len(best) > 1 else int(best[0])

    start, steps, target = time.perf_counter(), 0, None
    for _ in range(episodes):
        p, v = mc.start(rng)
        a = act(q_of(s_of(p, v))[2])
        for _ in range(mc.MAX_STEPS):
            p2, v2, r, end = mc.move(p, v, a)
            steps += 1
            s, s2 = s_of(p, v), s_of(p2, v2)
            q2 = None if end else q_of(s2)[2]
            a2 = 0 if end else act(q2)
            learn(s, a, r if end else r + q2.max())
            transition = (s, a, r, s2, end)
            if len(buffer) < e["buffer"]:
                buffer.append(transition)
            else:
                buffer[steps % e["buffer"]] = transition
            if target is None or steps % e["target_every"] == 0:
                target = [W[0].copy(), W[1].copy()]
            for _ in range(k):
                s_, a_, r_, s2_, end_ = buffer[rng.integers(len(buffer))]
                learn(s_, a_, r_ if end_ else r_ + q_of(s2_, target)[2].max())
            if end:
                break
            p, v, a = p2, v2, a2
    return time.perf_counter() - start, steps


def fast_enough(rounds: int, episodes: int = EPISODES) -> dict:
    """Per kind: seconds per transition served and in the loop (medians), and their ratio."""
    out = {"episodes": episodes, "rounds": rounds}
    for kind, loop in (("tiles", tile_loop), ("network", network_loop)):
        per = {"served": [], "loop": []}
        for seed in range(rounds):
            for name, took_steps in (
                ("served", served(kind, episodes, seed)),
                ("loop", loop(episodes, seed)),
            ):
                per[name].append(took_steps[0] / took_steps[1])
        served_s, loop_s = median(per["served"]), median(per["loop"])
        out[kind] = {"served_us": served_s * 1e6, "loop_us": loop_s * 1e6, "ratio": served_s / loop_s}
    return out


def targets(r: dict | None) -> list[tuple[str, str, str, bool | None]]:
    if r is None:
        return []
    return [
        (f"(k) Mountain Car, {r['episodes']} episodes of the {kind}: served / NumPy loop, per transition",
         f"{r[kind]['ratio']:.2f}", "≤ 1", r[kind]["ratio"] <= 1.0)
        for kind in ("tiles", "network")
    ]  # fmt: skip


def section(r: dict | None) -> str:
    title = f"{r['episodes']} episodes" if r else "episodes"
    lines = ["", f"## (k) Control mode: {title} of Mountain Car, served and in a NumPy loop", ""]
    if r is None:
        return "\n".join(lines + ["Not measured."]) + "\n"
    lines += [
        f"{r['episodes']} episodes, {r['rounds']} rounds (seeds), the served session and the loop in turn.",
        "Served: calls of `to_episode_end` as the page makes them (each call's last step traced, the",
        "others in place), the views' cost to go after each call. The loop: the same agent written",
        "plainly in NumPy (dense x and BLAS for the tile coder; np.dot, np.outer and Adam for the",
        "network with its replay and target copy). Seconds per transition, medians:",
        "",
        "| agent | served | NumPy loop | served / loop |",
        "|---|---|---|---|",
    ]
    names = (("tiles", "the course's tile coder"), ("network", "the network, replay 4, Q-learning"))
    for kind, name in names:
        k = r[kind]
        lines.append(f"| {name} | {k['served_us']:.0f} µs | {k['loop_us']:.0f} µs | {k['ratio']:.2f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    result = fast_enough(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print(section(result))
    for row in targets(result):
        print(row)
