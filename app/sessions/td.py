"""TD mode's sessions: the network learns the values of a random walk, one transition a step.

A TDSession's samples come from the walk instead of a data set D.
Each step draws one move, builds s (the features of S) and the target y, and hands
them to the model's step, unchanged: psi, x, theta, y_hat, the deltas, the gradients
and the update are exactly those of the data sets.

Randomness: the session's one Generator draws the initial weights, then one uniform
value per move.  Under the Monte Carlo target an episode is first simulated to its
end from that Generator, to learn its length and last reward; a copy of the
Generator taken at the episode's start then replays its moves one step at a time.
So a seed fixes the whole run, and only the copy's state needs keeping between steps.
"""

from __future__ import annotations

import asyncio

import numpy as np

from .. import model
from ..model import walk as td
from . import budget
from .base import Session
from .config import ConfigIn
from .errors import InputError
from .rngstate import rng_in, rng_out

_TRUE_VALUES: dict[tuple[int, int, float], np.ndarray] = {}  # the latest walks' (64 at most)


def _true_values(walk: td.Walk) -> np.ndarray:
    key = (walk.states, walk.jump, walk.gamma)  # the features do not change them
    v = _TRUE_VALUES.get(key)
    if v is None:
        v = td.true_values(walk)
        v.flags.writeable = False  # shared between the sessions on the same walk
        while len(_TRUE_VALUES) >= 64:
            _TRUE_VALUES.pop(next(iter(_TRUE_VALUES)), None)
        _TRUE_VALUES[key] = v
    return v


def _walk(config: ConfigIn) -> td.Walk:
    env = config.environment
    return td.Walk(
        states=env.states, jump=env.jump, gamma=env.gamma, features=env.features, groups=env.groups
    )


async def prepare(config: ConfigIn) -> None:
    """Works out the true values of the config's walk in a thread, if no session here has yet:
    a long walk's with long moves take up to about a second (model.walk.banded_solve), which
    would hold every other request up if a session were made with them in the event loop."""
    if config.environment is not None and config.environment.name == "random_walk":
        walk = _walk(config)
        if (walk.states, walk.jump, walk.gamma) not in _TRUE_VALUES:
            await asyncio.to_thread(_true_values, walk)


class TDSession(Session):
    KIND_RUN = ("position", "episodes", "episode")

    def _load_inputs(self, config: ConfigIn) -> tuple[int, int]:
        self.walk = _walk(config)
        self.target = config.environment.target
        self.v_true = _true_values(self.walk)
        return self.walk.n_features, 1

    def _mean_loss(self, A: np.ndarray, B: np.ndarray) -> float:
        """The mean over the states of L(v_hat(s), v(s)): the loss against the true values."""
        d = td.values(self.walk, A, B, self.net) - self.v_true
        return model.LOSS_SCALE[self.net.loss] * model.sum_of_squares(d) / len(d)

    def _fresh_run(self) -> None:
        self.position = self.walk.start  # S of the next step
        self.episodes = 0  # episodes finished
        self.episode: dict | None = None  # MC: {replay, t, length, final_reward} of the one being learned

    # ------------------------------------------------------------ state

    def rmsve(self) -> float:
        # dataset_loss is LOSS_SCALE times the mean squared value error
        return float(np.sqrt(self.dataset_loss / model.LOSS_SCALE[self.net.loss]))

    def epoch(self) -> int:
        return self.episodes

    def next_index(self) -> int:
        return self.position

    def _state_extras(self) -> dict:
        out = {"rmsve": self.rmsve()}
        if self.target == "mc":
            out["episode"] = None if self.episode is None else _episode_out(self.episode)
        return out

    def _config_extras(self) -> dict:
        return {}

    def _kind_nbytes(self) -> int:
        return self.v_true.nbytes  # shared by the sessions on one walk: counted for each, to be safe

    def values(self) -> dict:
        v_hat = td.values(self.walk, self.A, self.B, self.net)
        rmsve = td.rmsve(v_hat, self.v_true)
        return {"step": self.step, "v_hat": v_hat, "v_true": self.v_true, "rmsve": rmsve}

    def _cost(self) -> tuple[float, float]:
        c, w = budget.costs(), self.n_weights
        step = c.adam(w) if self.moments is not None else c.traced(w)
        per_step, fixed = step + c.td_extra(w), c.loss_row(w) * self.walk.states
        if self.target == "mc":
            # Every episode starts once and simulates its moves, each move then learned as a
            # step: on a short walk the starts dominate, so they are spread over the
            # shortest episode, and the one episode a call may start is paid in full.
            per_step += c.move + c.episode_start / budget.shortest_episode(self.walk)
            fixed += c.episode_start + c.move * budget.expected_episode(self.walk)
        return fixed, per_step

    # ------------------------------------------------------------ steps

    def _steps_for(self, n: int, to_episode_end: bool) -> int:
        """With to_episode_end the steps stop after the one that ends an episode, and n
        is only an upper bound: more than one call allows is cut to that, so a page can
        ask for "the rest of the episode"."""
        return min(n, self.max_steps()) if to_episode_end else n

    def _run(self, n: int, to_episode_end: bool) -> model.Steps:
        ended = False

        def one_step(t: int, A: np.ndarray, B: np.ndarray, moments: dict | None) -> dict:
            nonlocal ended
            trace, ended = self._one_step(A, B, moments)
            return trace

        last = (lambda trace: ended) if to_episode_end else None
        return model.run_checked(n, one_step, self.A, self.B, self.moments, last)

    def _one_step(self, A: np.ndarray, B: np.ndarray, moments: dict | None) -> tuple[dict, bool]:
        """One transition and the model's step on it; moves the walk on.

        Returns the trace and whether this step ended an episode."""
        walk, bias = self.walk, self.net.bias
        if self.target == "mc" and self.episode is None:
            self._start_episode()
        S = self.position
        draw = self.episode["replay"] if self.target == "mc" else self.rng
        S_next, R, terminal = td.transition(walk, S, draw.random())
        s = td.features(walk, S, bias)
        s_next = np.zeros_like(s) if terminal else td.features(walk, S_next, bias)
        extra = {}
        if self.target == "td":
            # The target reads the weights before this step's update, and is a number
            # from here on: no gradient flows through it (semi-gradient TD).
            v_next = 0.0 if terminal else td.v_hat(s_next, A, B, self.net)
            y = td.td_target(R, terminal, v_next, walk.gamma)
            extra["v_next"] = v_next
            ends = terminal
        else:
            ep = self.episode
            y = td.mc_return(ep["t"], ep["length"], ep["final_reward"], walk.gamma)
            extra["episode"] = _episode_out(ep)
            ep["t"] += 1
            ends = terminal or ep["t"] >= ep["length"]  # a crafted document may not agree: the end wins
        y = np.array([y])
        if moments is None:
            trace = model.step(s, y, A, B, self.net)
        else:
            trace = model.adam_step(s, y, A, B, self.net, moments, self.config.epsilon)
        trace["index"] = S
        trace["transition"] = {"state": S, "reward": R, "next_state": S_next, "terminal": terminal}
        trace["s_next"] = s_next
        trace.update(extra)
        if ends:
            self.position, self.episode = walk.start, None
            self.episodes += 1
        else:
            self.position = S_next
        return trace, ends

    def _start_episode(self) -> None:
        """Simulate the next episode to its end; keep a copy of the Generator to replay it."""
        replay = np.random.Generator(np.random.PCG64(0))  # a fixed seed: its state is set next
        replay.bit_generator.state = self.rng.bit_generator.state
        length, final_reward = td.episode_outcome(self.walk, self.rng)
        self.position = self.walk.start
        self.episode = {"replay": replay, "t": 0, "length": length, "final_reward": final_reward}

    # ------------------------------------------------------------ saving the walk

    def _save(self, n: int = 1) -> tuple:
        """Everything a step changes besides the weights, to put back when it fails."""
        ep = self.episode
        ep_saved = None if ep is None else {**ep, "replay": ep["replay"].bit_generator.state}
        return self.rng.bit_generator.state, self.position, self.episodes, ep_saved

    def _load(self, saved: tuple) -> None:
        rng_state, self.position, self.episodes, ep = saved
        self.rng.bit_generator.state = rng_state
        if ep is not None:
            replay = np.random.Generator(np.random.PCG64(0))
            replay.bit_generator.state = ep["replay"]
            ep = {**ep, "replay": replay}
        self.episode = ep

    def _next_sample(self) -> tuple[int, np.ndarray, np.ndarray]:
        """The next step's s and y, found by taking the step's transition and putting
        everything back (the model's step is pure: the weights are not touched)."""
        saved = self._save()
        try:
            trace, _ = self._one_step(self.A, self.B, None)
        finally:
            self._load(saved)
        return trace["index"], trace["s"], trace["y"]

    # ------------------------------------------------------------ documents

    def document_config(self) -> dict:
        return self.config.model_dump()

    def document_run(self) -> dict:
        ep = self.episode
        return {
            "walk": {
                "position": self.position,
                "episodes": self.episodes,
                "episode": None
                if ep is None
                else {**_episode_out(ep), "rng": rng_out(ep["replay"].bit_generator.state)},
            }
        }

    def load_document_run(self, run) -> None:
        """The walk's part of an imported run; InputError names what does not fit."""
        if run.perm is not None:
            raise InputError("run.perm", "a TD session takes no shuffle of D: it has no D")
        if run.walk is None:
            raise InputError("run.walk", "a TD session's run needs its walk: position, episodes, episode")
        doc = run.walk
        n = self.walk.states
        if not 0 <= doc.position < n:
            raise InputError("run.walk.position", f"must be a state from 0 to {n - 1}")
        ep = doc.episode
        if ep is not None:
            if self.target != "mc":
                raise InputError("run.walk.episode", "only the Monte Carlo target keeps an episode")
            if not 0 <= ep.t < ep.length:
                raise InputError("run.walk.episode.t", f"must be below the episode's length ({ep.length})")
            replay = np.random.Generator(np.random.PCG64(0))
            replay.bit_generator.state = rng_in(ep.rng, "run.walk.episode.rng.state")
            ep = {"replay": replay, "t": ep.t, "length": ep.length, "final_reward": ep.final_reward}
        self.position, self.episodes, self.episode = doc.position, doc.episodes, ep

    # ------------------------------------------------------------ what a walk has not

    def set_sample(self, index: int, s: list[float], y: list[float]) -> None:
        raise InputError("index", "a TD session has no data set D to edit: its samples are the walk's moves")


def _episode_out(ep: dict) -> dict:
    return {"t": ep["t"], "length": ep["length"], "final_reward": ep["final_reward"]}
