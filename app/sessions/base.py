"""What every kind of session has: a config, a network, its weights, its generator and its run.

A session learns from a data set D (app/sessions/dataset.py), TD mode's random walk
(td.py) or control mode's Mountain Car (control.py, tilecoding.py).  They are siblings: each
says where its samples come from and what its run keeps beside the weights; this base does
the rest the same way for all.  A change is computed first and committed only if it succeeded: a call that
fails leaves its session exactly as it was.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod

import numpy as np

from .. import model
from ..limits import CALL_SECONDS, HISTORY, LOOP_SECONDS, MAX_UNIT_VALUES, MAX_WEIGHTS
from . import budget, gradcheck
from .config import ConfigIn
from .errors import Diverged, InputError
from .history import LossHistory
from .numbers import flushed, matrix

# What a session's Python objects (config, lock, dicts) take besides its arrays, rounded up.
SESSION_OVERHEAD_BYTES = 16_384


class Session(ABC):
    """One learner's run, kept under a secret id; its lock serializes every change."""

    # What a call may change (a worker process sends it back); the config, D, the walk stay.
    RUN = ("A", "B", "rng", "step", "diverged", "history", "dataset_loss", "moments")
    KIND_RUN: tuple[str, ...] = ()  # the kind's own part of the run

    def __init__(self, sid: str, config: ConfigIn) -> None:
        self.id = sid
        self.lock = asyncio.Lock()
        self.busy = False  # a call of this session is running in a worker process
        self.last_used = time.monotonic()
        self.config = config
        self.net = model.Net(
            f_A=config.f_A, f_B=config.f_B, loss=config.loss, alpha_A=config.alpha_A,
            alpha_B=config.alpha_B, bias=config.bias, update_order=config.update_order,
        )  # fmt: skip
        self.n_s, self.n_y = self._load_inputs(config)
        a_shape, b_shape = self.weight_shapes()
        n_weights = a_shape[0] * a_shape[1] + b_shape[0] * b_shape[1]
        if n_weights > MAX_WEIGHTS:
            raise InputError("hidden", f"A and B would hold {n_weights} weights; the limit is {MAX_WEIGHTS}")
        self.n_weights = n_weights
        self.A0 = matrix(config.A, "A", a_shape)
        self.B0 = matrix(config.B, "B", b_shape)
        self.reset(config.seed)

    # ------------------------------------------------------------ what each kind says

    @abstractmethod
    def _load_inputs(self, config: ConfigIn) -> tuple[int, int]:
        """Loads where the samples come from; returns n_s and n_y."""

    @abstractmethod
    def _mean_loss(self, A: np.ndarray, B: np.ndarray) -> float:
        """The loss the state reports for weights A and B."""

    @abstractmethod
    def _fresh_run(self) -> None:
        """The kind's own part of a run at step 0 (a shuffle, a walk's position)."""

    @abstractmethod
    def epoch(self) -> int:
        """Passes over D, or episodes finished."""

    @abstractmethod
    def next_index(self) -> int:
        """Which sample of D, or which state, the next step takes."""

    @abstractmethod
    def _state_extras(self) -> dict:
        """The kind's own entries of the state."""

    @abstractmethod
    def _cost(self) -> tuple[float, float]:
        """A call's estimated seconds as (fixed, per step), from this machine's measured costs."""

    @abstractmethod
    def _steps_for(self, n: int, to_episode_end: bool) -> int:
        """The number of steps a call asking for n will take."""

    @abstractmethod
    def _run(self, n: int, to_episode_end: bool) -> model.Steps:
        """n steps from the current weights, through the model's checked loop."""

    @abstractmethod
    def _save(self, n: int) -> object:
        """What n steps may change besides the weights, to put back if they fail."""

    @abstractmethod
    def _load(self, saved: object) -> None:
        """Puts back what _save kept."""

    @abstractmethod
    def _next_sample(self) -> tuple[int, np.ndarray, np.ndarray]:
        """The index, s and y that the next step will use, changing nothing."""

    @abstractmethod
    def set_sample(self, index: int, s: list[float], y: list[float]) -> None:
        """Replaces one sample of D, or says why this session has none."""

    @abstractmethod
    def values(self) -> dict:
        """TD mode's v_hat and v for every state, or says why this session has none."""

    @abstractmethod
    def _kind_nbytes(self) -> int:
        """The bytes of the kind's own arrays (D, a shuffle)."""

    @abstractmethod
    def _config_extras(self) -> dict:
        """The kind's own entries of config_out()."""

    @abstractmethod
    def document_config(self) -> dict:
        """The config as a document carries it: nothing that depends on this server."""

    @abstractmethod
    def document_run(self) -> dict:
        """The kind's own part of a document's run."""

    @abstractmethod
    def load_document_run(self, run) -> None:
        """The kind's own part of an imported run; InputError names what does not fit."""

    def weight_shapes(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The shapes of A and B: (n_s + bias) x hidden and (hidden + bias) x n_y."""
        c = self.config
        return (self.n_s + c.bias, c.hidden), (c.hidden + c.bias, self.n_y)

    def shown_trace(self, trace: dict) -> dict:
        """The trace as an answer or a frame carries it (a tile coder's gives B's active rows)."""
        return trace

    # ------------------------------------------------------------ state

    def reset(self, seed: int) -> None:
        """Fresh weights from the seed (or the given initial A and B), step 0."""
        rng = np.random.default_rng(seed)
        self.A, self.B = self._initial_weights(rng)
        self.rng = rng
        self.step = 0
        self.diverged = False
        self.history = LossHistory()
        self.config = self.config.model_copy(update={"seed": seed})
        self.config_changes = getattr(self, "config_changes", -1) + 1  # a store saves the config anew
        # Adam's moments (None under SGD) start at zero with every fresh run.
        self.moments = model.adam_moments(self.A, self.B) if self.config.optimizer == "adam" else None
        self._fresh_run()
        self.dataset_loss = self._mean_loss(self.A, self.B)

    def _initial_weights(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """A and B at step 0: the given ones, or drawn from rng.  Weights are always drawn, even
        when given, so that what the generator draws next depends on the seed alone."""
        A, B = model.init_weights(rng, self.n_s, self.config.hidden, self.n_y, self.net)
        A = self.A0.copy() if self.A0 is not None else A
        B = self.B0.copy() if self.B0 is not None else B
        return A, B

    def state(self, weights: bool = True) -> dict:
        out = {
            "step": self.step,
            "epoch": self.epoch(),
            "dataset_loss": self.dataset_loss,
            "diverged": self.diverged,
            "next_index": self.next_index(),
            **self._state_extras(),
        }
        if weights:
            out["A"] = self.A
            out["B"] = self.B
        return out

    def public(self) -> dict:
        return {"id": self.id, "config": self.config_out(), "state": self.state(), "limits": self.limits()}

    def limits(self) -> dict:
        """What this session may ask for at once, on this server: a page splits longer work."""
        return {"max_steps": self.max_steps()}

    def config_out(self) -> dict:
        out = self.config.model_dump(exclude={"A", "B", "data"}) | self._config_extras()
        if self.A0 is not None:
            out["A"] = self.A0
        if self.B0 is not None:
            out["B"] = self.B0
        out["n_s"], out["n_y"] = self.n_s, self.n_y
        return out

    def stored_config(self) -> dict:
        """The config that makes this session again, in this deployment: built-in data by name."""
        return self.config.model_dump(exclude={"data"}) | self._config_extras()

    def nbytes(self) -> int:
        """The memory this session holds, counted: every array, and the objects around them."""
        arrays = [self.A, self.B, self.A0, self.B0, *(self.moments or {}).values()]
        counted = sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))
        return SESSION_OVERHEAD_BYTES + counted + self.history.nbytes + self._kind_nbytes()

    def _kind(self) -> tuple:
        """What makes this session's steps cost what they do, besides the network's size."""
        return (
            type(self).__name__,
            self.config.optimizer,
            self.config.environment and getattr(self.config.environment, "target", "control"),
        )

    def _corrected_cost(self) -> tuple[float, float]:
        fixed, per_step = self._cost()
        k = budget.correction(self._kind())
        return k * fixed, k * per_step

    def estimate(self, n: int) -> float:
        """The seconds a call of n steps is expected to take, on the slow side."""
        fixed, per_step = self._corrected_cost()
        return budget.SAFETY * (fixed + n * per_step)

    def max_steps(self, seconds: float | None = None) -> int:
        """The most steps one call may take: as many as fit CALL_SECONDS, or `seconds` per call
        without the call's fixed part (a play frame's steps, many times a second)."""
        fixed, per_step = self._corrected_cost()
        return (
            budget.largest_n(fixed, per_step) if seconds is None else budget.largest_n(0.0, per_step, seconds)
        )

    def leaves_loop(self, n: int) -> bool:
        """Whether n steps are enough work to take them in a worker process, off the event loop."""
        return self.estimate(n) > LOOP_SECONDS

    def steps_for(self, n: int, to_episode_end: bool = False) -> int:
        """The steps a call asking for n takes; past the budget, an InputError naming the largest n."""
        n = self._steps_for(n, to_episode_end)
        if n > 1 and n > self.max_steps():  # max_steps() is never below 1
            raise InputError(
                "n",
                f"at most {self.max_steps()} steps per call for this session (about {CALL_SECONDS:g} s "
                f"of work on this server; a network of {self.n_weights} weights), not {n}",
            )
        return n

    # ------------------------------------------------------------ changes

    def take_steps(self, n: int, to_episode_end: bool = False) -> tuple[dict, np.ndarray]:
        """n steps, all or nothing: on divergence nothing changes and Diverged is raised."""
        return self.run_steps(self.steps_for(n, to_episode_end), to_episode_end)

    def run_steps(self, n: int, to_episode_end: bool = False, observe=budget.observe) -> tuple:
        """take_steps for an n that steps_for has already let through; `observe` learns
        what the call cost (a worker process hands it back to the server's budget)."""
        saved = self._save(n)
        fixed, per_step = self._cost()
        # CPU time of this thread: time spent waiting for the GIL or a core is not the call's cost.
        started = time.thread_time()
        run = self._run(n, to_episode_end)
        if not run.failed:  # a run cut short by divergence did work its losses do not count
            observe(self._kind(), fixed + len(run.losses) * per_step, time.thread_time() - started)
        if run.failed:
            self._restore(saved)
            raise Diverged(self, self.step + len(run.losses) + 1)
        return self._commit(run, saved)

    def _commit(self, run: model.Steps, saved: object) -> tuple[dict, np.ndarray]:
        """Keeps the outcome of a run's good steps; undoes them (Diverged) if the mean loss is not finite."""
        # Weights within WEIGHT_LIMIT keep every forward pass finite, so this check
        # is a last guard that an answer can never carry NaN.
        with np.errstate(all="ignore"):
            dataset_loss = self._mean_loss(run.A, run.B)
        if not abs(dataset_loss) < np.inf:  # NaN < inf is False
            self._restore(saved)
            raise Diverged(self, self.step + len(run.losses))
        self.A, self.B, self.dataset_loss, self.moments = run.A, run.B, dataset_loss, run.moments
        self.step += len(run.losses)
        self.diverged = False
        losses = run.losses[-HISTORY:]
        self.history.extend(losses)
        return run.trace, losses

    def _restore(self, saved: object) -> None:
        """A step went wrong: everything back as saved, and the diverged flag set."""
        self._load(saved)
        self.diverged = True

    def set_weights(self, A: list | np.ndarray | None, B: list | np.ndarray | None) -> None:
        new_A = matrix(A, "A", self.A.shape) if A is not None else self.A
        new_B = matrix(B, "B", self.B.shape) if B is not None else self.B
        self.dataset_loss = self._mean_loss(new_A, new_B)
        self.A, self.B = new_A, new_B
        self.diverged = False

    def predict(self, s: list[list[float]], units: bool = False) -> dict:
        """y_hat at each row of s; with `units` also x there, what each hidden unit computes (no bias)."""
        s = flushed(np.array(s, dtype=np.float64))
        if s.shape[1] != self.n_s:
            raise InputError("s", f"each row must have n_s = {self.n_s} values, not {s.shape[1]}")
        n_x = self.A.shape[1]
        if units and len(s) * n_x > MAX_UNIT_VALUES:
            most = MAX_UNIT_VALUES // n_x
            raise InputError("units", f"x of {n_x} hidden units comes for at most {most} rows, not {len(s)}")
        out = model.forward(model.with_bias(s, self.net.bias), self.A, self.B, self.net)
        if not units:
            return {"y_hat": out["y_hat"]}
        return {"y_hat": out["y_hat"], "x": np.ascontiguousarray(out["x"][:, :n_x])}

    def gradcheck_leaves_loop(self, weight: str | None = None) -> bool:
        """Whether a gradient check is long enough for a worker: four forward passes a weight."""
        visited = 1 if weight is not None else self.n_weights
        return budget.SAFETY * 4 * visited * budget.costs().traced(self.n_weights) > LOOP_SECONDS

    def preview(self) -> dict:
        """The next step's sample and forward pass (index, psi, x, theta, y_hat, loss), changing
        nothing: what a diagram shows before the step."""
        return gradcheck.forward(self)

    def gradcheck(self, weight: str | None = None) -> dict:
        """Backprop against central differences for the next step: every weight, or the one named."""
        return gradcheck.whole(self) if weight is None else gradcheck.one(self, weight)

    # ------------------------------------------------------------ in another process

    def __getstate__(self) -> dict:
        """A session travels to a worker process without its lock (a lock is this process's)."""
        state = self.__dict__.copy()
        del state["lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.lock = asyncio.Lock()

    def run_state(self) -> dict:
        """The part of the session a call may have changed (RUN and KIND_RUN)."""
        return {name: getattr(self, name) for name in (*self.RUN, *self.KIND_RUN)}

    def set_run_state(self, run: dict) -> None:
        """Takes the run a worker process computed from a copy of this session."""
        for name in (*self.RUN, *self.KIND_RUN):
            setattr(self, name, run[name])
