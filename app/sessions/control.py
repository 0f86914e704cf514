"""Control mode's sessions: the network learns Mountain Car's action values, one transition a step.

A ControlSession's samples come from driving the car.  Each step takes the action chosen
before it (A), moves the car (R, S'), chooses A' epsilon-greedily from q_hat(S', .) with
the weights before the update, and hands s and y (the target for A, every other output its
own y_hat) to the model's step, unchanged: psi, x, theta, y_hat, the deltas, the gradients
and the update are exactly those of the data sets.  With replay, k more steps follow on
stored transitions (app/model/replay.py); the step's trace is the transition's own.

Randomness: the session's one Generator draws the initial weights, then each episode's
start, the exploring draws, the ties and replay's picks, in the order the steps make them.
So a seed fixes the whole run.
"""

from __future__ import annotations

import numpy as np

from .. import model
from ..model import mountain_car as mc
from ..model import replay
from ..model.fastcontrol import InPlace
from . import budget
from .base import Session
from .config import ConfigIn
from .errors import InputError

GRID = 32  # points across position and velocity where q_hat is drawn and its cost to go averaged
EPISODES_KEPT = 1_000  # finished episodes' lengths a state carries


def grid_states() -> tuple[np.ndarray, np.ndarray]:
    """The positions and velocities of the views' grid, each from its lowest to its highest."""
    return np.linspace(*mc.POSITION, GRID), np.linspace(*mc.VELOCITY, GRID)


class ControlSession(Session):
    KIND_RUN = ("car", "episodes", "episode_steps", "buffer", "target")

    def _load_inputs(self, config: ConfigIn) -> tuple[int, int]:
        env = config.environment
        adam = config.epsilon if config.optimizer == "adam" else None
        self.agent = replay.Agent(
            self.net, agent=env.agent, epsilon=env.epsilon, gamma=env.gamma, replay=env.replay,
            target_every=env.target_every, adam_epsilon=adam,
        )  # fmt: skip
        p, v = grid_states()
        P, V = np.meshgrid(p, v, indexing="ij")  # row i * GRID + j: position i, velocity j
        scaled = [mc.scaled(a, b) for a, b in zip(P.ravel(), V.ravel(), strict=True)]
        self.grid = model.with_bias(np.array(scaled), config.bias)
        return 2, mc.ACTIONS

    def _initial_weights(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """As every session's, drawn all the same so that the generator's next draws depend on
        the seed alone; then, unless given, A's units spread across the state square
        (replay.units_across, drawn next; with a bias input) and B at 0: q_hat = 0 everywhere,
        optimistic when every reward is -1."""
        A, B = super()._initial_weights(rng)
        if self.A0 is None and self.net.bias:
            A = replay.units_across(rng, A.shape[1])
        return A, B if self.B0 is not None else np.zeros_like(B)

    def _mean_loss(self, A: np.ndarray, B: np.ndarray) -> float:
        """The mean cost to go, -max_a q_hat, over the grid of (p, v): a number that follows the
        weights (control has no true values to lose against)."""
        q = model.forward(self.grid, A, B, self.net)["y_hat"]
        return 0.0 - float(q.max(axis=1).mean())  # 0.0 - : never -0.0

    def _fresh_run(self) -> None:
        self.car: dict | None = None  # {p, v, action, t}: the episode under way, None before its start
        self.episodes = 0
        self.episode_steps: list[int] = []
        env = self.config.environment
        self.buffer = replay.Buffer(env.buffer) if env.replay > 0 else None
        self.target: tuple | None = None  # replay's target weights (A, B), with target_every

    # ------------------------------------------------------------ state

    def epoch(self) -> int:
        return self.episodes

    def next_index(self) -> int:
        return 0 if self.car is None else self.car["t"]

    def _state_extras(self) -> dict:
        return {"episode_steps": self.episode_steps, "car": self.car}

    def _config_extras(self) -> dict:
        return {}

    def _kind_nbytes(self) -> int:
        buffer = 0 if self.buffer is None else self.buffer.rows.nbytes
        return self.grid.nbytes + buffer + 8 * len(self.episode_steps)

    def values(self) -> dict:
        """q_hat over the grid, for the cost-to-go and greedy-action pictures."""
        p, v = grid_states()
        q = model.forward(self.grid, self.A, self.B, self.net)["y_hat"]
        return {"step": self.step, "position": p, "velocity": v, "q_hat": q}

    def _cost(self) -> tuple[float, float]:
        c, w = budget.costs(), self.n_weights
        step = c.adam(w) if self.moments is not None else c.traced(w)
        per_step = (1 + self.agent.replay) * (step + c.control_extra(w))
        return c.loss_row(w) * len(self.grid), per_step

    # ------------------------------------------------------------ steps

    def _steps_for(self, n: int, to_episode_end: bool) -> int:
        """As in TD mode: with to_episode_end, n is an upper bound, cut to one call's budget."""
        return min(n, self.max_steps()) if to_episode_end else n

    def _run(self, n: int, to_episode_end: bool) -> model.Steps:
        ended = False
        fast = self._in_place()

        def one_step(t: int, A: np.ndarray, B: np.ndarray, moments: dict | None) -> dict:
            nonlocal ended
            trace, ended = self._one_step(A, B, moments, t, shown=(n - 1, to_episode_end), fast=fast)
            return trace

        last = (lambda trace: ended) if to_episode_end else None
        return model.run_checked(n, one_step, self.A, self.B, self.moments, last)

    def _in_place(self) -> InPlace | None:
        """The untraced steps' arrays for one call (model/fastcontrol.py), when the steps are in
        the order it takes."""
        if self.net.update_order != "backprop":
            return None
        return InPlace(self.net, self.A, self.B, self.agent.adam_epsilon)

    def _shown(self, t: int, shown: tuple[int, bool] | None, car: dict, terminal: bool | None = None) -> bool:
        """Whether the call's t-th step is one whose trace is kept: its last (the n-th, or with
        to_episode_end the one that ends an episode: at the goal, `terminal` if known, or at the
        cap), or any when `shown` is None."""
        if shown is None or t >= shown[0]:
            return True
        if not shown[1]:
            return False
        if terminal is None:
            terminal = mc.move(car["p"], car["v"], car["action"])[3]
        return terminal or car["t"] + 1 >= mc.MAX_STEPS

    def _one_step(
        self, A: np.ndarray, B: np.ndarray, moments: dict | None, t: int = 0, shown=None, fast=None
    ) -> tuple[dict, bool]:
        """One transition and its steps, the call's t-th; drives the car on.  Returns the trace
        and whether this step ended an episode (at the goal, or cut at the cap).  With `shown`
        (the call's last t, and to_episode_end), a step whose trace is not kept is taken in place
        on `fast`."""
        agent = self.agent
        if self.car is None:
            p, v = mc.start(self.rng)
            action = mc.epsilon_greedy(agent.q(agent.s(p, v), A, B), agent.epsilon, self.rng)
            self.car = {"p": p, "v": v, "action": action, "t": 0}
        car = self.car
        p, v, action = car["p"], car["v"], car["action"]
        number = self.step + t + 1  # in the run: replay's target copy is renewed by it
        trace = replay.transition(
            agent, p, v, action, A, B, moments, self.rng, self.buffer, self.target, number,
            fast=fast, traced=self._shown(t, shown, car),
        )  # fmt: skip
        self.target = trace.pop("target")
        trace["index"] = car["t"]
        return trace, self._drive_on(trace["transition"], car["t"] + 1)

    def _drive_on(self, move: dict, t: int) -> bool:
        """The car after the transition `move`, its episode's t-th step: on to S' and A', or a
        new episode next (True: this one ended, at the goal or cut at the cap)."""
        ends = move["terminal"] or t >= mc.MAX_STEPS
        if ends:
            self.car = None
            self.episodes += 1
            self.episode_steps = [*self.episode_steps[-(EPISODES_KEPT - 1) :], t]
        else:
            (p, v), action = move["next_state"], move["next_action"]
            self.car = {"p": p, "v": v, "action": action, "t": t}
        return ends

    # ------------------------------------------------------------ saving the car

    def _save(self, n: int = 1) -> tuple:
        buffer = None if self.buffer is None else self.buffer.copy()
        return self.rng.bit_generator.state, self.car, self.episodes, self.episode_steps, buffer, self.target

    def _load(self, saved: tuple) -> None:
        rng_state, self.car, self.episodes, self.episode_steps, self.buffer, self.target = saved
        self.rng.bit_generator.state = rng_state

    def _peek(self) -> dict:
        """The next step's trace, found by taking the step and putting everything back."""
        saved = self._save()
        try:
            trace, _ = self._one_step(self.A, self.B, None)
        finally:
            self._load(saved)
        return trace

    def _next_sample(self) -> tuple[int, np.ndarray, np.ndarray]:
        trace = self._peek()
        return trace["index"], trace["s"], trace["y"]

    # ------------------------------------------------------------ documents

    def document_config(self) -> dict:
        return self.config.model_dump()

    def document_run(self) -> dict:
        buffer = self.buffer
        stored = None if buffer is None else {"count": buffer.count, "rows": buffer.rows[: len(buffer)]}
        return {
            "car": {
                "car": self.car,
                "episodes": self.episodes,
                "episode_steps": self.episode_steps,
                "buffer": stored,
                "target": None if self.target is None else {"A": self.target[0], "B": self.target[1]},
            }
        }

    def load_document_run(self, run) -> None:
        """The car's part of an imported run; InputError names what does not fit."""
        if run.perm is not None:
            raise InputError("run.perm", "a control session takes no shuffle of D: it has no D")
        if run.walk is not None:
            raise InputError("run.walk", "a control session drives a car, not a random walk: give run.car")
        if run.car is None:
            raise InputError("run.car", "a control session's run needs its car: its episodes and buffer")
        doc = run.car
        car = None
        if doc.car is not None:
            car = {"p": doc.car.p, "v": doc.car.v, "action": doc.car.action, "t": doc.car.t}
        self.buffer = self._buffer_in(doc.buffer)
        self.car, self.episodes, self.episode_steps = car, doc.episodes, list(doc.episode_steps)
        self.target = self._target_in(doc.target)

    def _target_in(self, doc) -> tuple | None:
        if doc is not None and not self.config.environment.target_every:
            raise InputError(
                "run.car.target", "a target copy goes with target_every above 0, and only with it"
            )
        if doc is None:
            return None
        A, B = np.asarray(doc.A, dtype=np.float64), np.asarray(doc.B, dtype=np.float64)
        for name, have, want in (("A", A, self.A), ("B", B, self.B)):
            if have.shape != want.shape:
                raise InputError(f"run.car.target.{name}", f"must be {want.shape[0]} x {want.shape[1]}")
        return A, B

    def _buffer_in(self, doc) -> replay.Buffer | None:
        env = self.config.environment
        if (doc is None) != (env.replay == 0):
            raise InputError("run.car.buffer", "a buffer goes with replay above 0, and only with it")
        if doc is None:
            return None
        rows = np.asarray(doc.rows, dtype=np.float64).reshape(-1, replay.COLUMNS)
        held = min(doc.count, env.buffer)
        if len(rows) != held:
            raise InputError("run.car.buffer.rows", f"must hold min(count, buffer) = {held} rows")
        buffer = replay.Buffer(env.buffer)
        buffer.rows[: len(rows)] = rows
        buffer.count = doc.count
        return buffer

    # ------------------------------------------------------------ what a car has not

    def set_sample(self, index: int, s: list[float], y: list[float]) -> None:
        raise InputError("index", "a control session has no data set D to edit: its samples are the car's")
