"""Sessions that learn from a data set D: a built-in one or the learner's own rows.

Each step takes the next sample of D, in order ("cycle") or by a fresh permutation
every epoch ("shuffle"), drawn from the session's one Generator.
"""

from __future__ import annotations

import numpy as np

from .. import model
from ..limits import MAX_HIDDEN, MAX_INPUTS, MAX_OUTPUTS
from . import budget
from .base import Session
from .config import ConfigIn
from .errors import InputError
from .numbers import flushed


class DatasetSession(Session):
    KIND_RUN = ("perm", "perm_epoch")

    def _load_inputs(self, config: ConfigIn) -> tuple[int, int]:
        self._set_data(*_data_of(config))
        # The learner's own rows are kept once, as arrays: as the config's lists of
        # Python floats they would take four times the memory.
        self.own_data = config.data is not None
        self.config = config.model_copy(update={"data": None})
        return self.s_raw.shape[1], self.Y.shape[1]

    def _set_data(self, s_raw: np.ndarray, Y: np.ndarray) -> None:
        self.S = model.with_bias(s_raw, self.net.bias)  # s as the network sees it
        self.s_raw = self.S[:, : s_raw.shape[1]]  # a view: D is kept once
        self.Y = Y

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        del state["s_raw"]  # a view of S: sent as such it would arrive as a second copy of D
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.s_raw = self.S[:, : self.n_s]

    def _mean_loss(self, A: np.ndarray, B: np.ndarray) -> float:
        """The mean loss over D."""
        return model.dataset_loss(self.S, self.Y, A, B, self.net)

    def _fresh_run(self) -> None:
        self.perm: np.ndarray | None = None  # the shuffle of epoch perm_epoch
        self.perm_epoch = -1

    # ------------------------------------------------------------ state

    def epoch(self) -> int:
        return self.step // len(self.S)

    def next_index(self) -> int:
        N = len(self.S)
        if self.config.order == "cycle":
            return self.step % N
        return int(self._perm(self.step // N)[self.step % N])

    def _state_extras(self) -> dict:
        return {}

    def _config_extras(self) -> dict:
        return {"data": self._data_out()} if self.own_data else {}

    def _data_out(self) -> dict:
        return {"s": np.ascontiguousarray(self.s_raw), "y": self.Y}

    def _kind_nbytes(self) -> int:
        return self.S.nbytes + self.Y.nbytes + (0 if self.perm is None else self.perm.nbytes)

    def _cost(self) -> tuple[float, float]:
        c, w = budget.costs(), self.n_weights
        loss = c.loss_row(w) * len(self.S)
        if self.moments is not None:
            return loss, c.adam(w)
        # After a failure a call is taken again, traced, up to the step that went wrong.
        per_step = c.untraced(w) + (c.traced(w) if self.diverged else 0.0)
        return c.traced(w) + loss, per_step

    def values(self) -> dict:
        raise InputError("environment", "values are for TD sessions; this one learns from a data set")

    # ------------------------------------------------------------ steps

    def _steps_for(self, n: int, to_episode_end: bool) -> int:
        if to_episode_end:
            raise InputError("to_episode_end", "only TD sessions (an environment) have episodes")
        return n

    def _run(self, n: int, to_episode_end: bool) -> model.Steps:
        order = self._order(n)
        if self.moments is None:
            return model.run(self.S, self.Y, order, self.A, self.B, self.net)
        one_step = model.traced_adam(self.S, self.Y, order, self.net, self.config.epsilon)
        return model.run_checked(n, one_step, self.A, self.B, self.moments)

    def _order(self, n: int) -> np.ndarray:
        """Indices into D of the next n samples.  Shuffle draws a permutation per epoch."""
        N = len(self.S)
        if n == 1:  # a single step, the most common call, without the vector arithmetic
            return np.array([self.next_index()])
        if self.config.order == "cycle":
            return np.arange(self.step, self.step + n) % N
        out = np.empty(n, dtype=np.intp)
        pos = 0
        while pos < n:
            start = (self.step + pos) % N
            take = min(N - start, n - pos)
            out[pos : pos + take] = self._perm((self.step + pos) // N)[start : start + take]
            pos += take
        return out

    def _perm(self, epoch: int) -> np.ndarray:
        """The shuffle of D for an epoch.  Epochs are asked for in order, the current
        one or the next, and each draws one permutation from rng: the one an epoch
        gets does not depend on when it is first asked for (a peek or a step)."""
        if epoch != self.perm_epoch:
            self.perm, self.perm_epoch = self.rng.permutation(len(self.S)), epoch
        return self.perm

    def _save(self, n: int) -> tuple:
        # Only a step into a new epoch draws from rng: its state is copied just then.
        draws = self.config.order == "shuffle" and (self.step + n - 1) // len(self.S) != self.perm_epoch
        return self.rng.bit_generator.state if draws else None, self.perm, self.perm_epoch

    def _load(self, saved: tuple) -> None:
        state, self.perm, self.perm_epoch = saved
        if state is not None:
            self.rng.bit_generator.state = state

    def _next_sample(self) -> tuple[int, np.ndarray, np.ndarray]:
        i = self.next_index()
        return i, self.S[i], self.Y[i]

    # ------------------------------------------------------------ editing D

    def set_sample(self, index: int, s: list[float], y: list[float]) -> None:
        """Replace one sample of D.  D becomes the session's own data (config.data)."""
        N, n_s, n_y = len(self.S), self.s_raw.shape[1], self.Y.shape[1]
        if index >= N:
            raise InputError("index", f"D has {N} samples: index must be at most {N - 1}")
        if len(s) != n_s:
            raise InputError("s", f"must have n_s = {n_s} values, not {len(s)}")
        if len(y) != n_y:
            raise InputError("y", f"must have n_y = {n_y} values, not {len(y)}")
        s_raw, Y = np.array(self.s_raw), self.Y.copy()
        s_raw[index], Y[index] = (
            flushed(np.array(s, dtype=np.float64)),
            flushed(np.array(y, dtype=np.float64)),
        )
        S = model.with_bias(s_raw, self.net.bias)
        self.dataset_loss = model.dataset_loss(S, Y, self.A, self.B, self.net)
        self._set_data(s_raw, Y)
        self.own_data = True
        self.config = self.config.model_copy(update={"dataset": None})
        self.config_changes += 1

    # ------------------------------------------------------------ documents

    def document_config(self) -> dict:
        config = self.config.model_dump()
        # The data is written out, so the document does not depend on this server's built-ins.
        config["dataset"] = None
        config["data"] = self._data_out()
        return config

    def document_run(self) -> dict:
        return {"perm": None if self.perm is None else self.perm.tolist(), "perm_epoch": self.perm_epoch}

    def load_document_run(self, run) -> None:
        if run.walk is not None:
            raise InputError("run.walk", "only a TD session (an environment) has a walk")
        if run.perm is not None:
            N = len(self.S)
            if sorted(run.perm) != list(range(N)):
                raise InputError("run.perm", f"must be a permutation of 0..{N - 1}")
            if run.perm_epoch != run.step // N and run.perm_epoch != run.step // N - 1:
                raise InputError("run.perm_epoch", f"must be the epoch under way ({run.step // N})")
            self.perm, self.perm_epoch = np.asarray(run.perm, dtype=np.intp), run.perm_epoch
        else:  # drawn again from the generator when the run needs it, as it was first drawn
            self.perm, self.perm_epoch = None, -1


def _data_of(config: ConfigIn) -> tuple[np.ndarray, np.ndarray]:
    if config.data is not None:
        s = flushed(np.array(config.data.s, dtype=np.float64))
        y = flushed(np.array(config.data.y, dtype=np.float64))
    else:
        name = config.dataset or "xor"
        if name not in model.DATASETS:
            raise InputError(
                "dataset", f"unknown data set {name!r}; choose one of {', '.join(model.DATASETS)}"
            )
        s, y = model.DATASETS[name].s, model.DATASETS[name].y
    if s.shape[1] > MAX_INPUTS:
        raise InputError("data.s", f"at most {MAX_INPUTS} inputs per row")
    if y.shape[1] > MAX_OUTPUTS:
        raise InputError("data.y", f"at most {MAX_OUTPUTS} outputs per row")
    assert config.hidden <= MAX_HIDDEN
    return s, y
