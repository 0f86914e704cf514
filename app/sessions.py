"""Sessions: one model, its data and its run, kept in memory under a secret id.

The store is bounded in number (least recently used evicted first) and in idle
time.  Each session has its own asyncio lock; the routes hold it around every
change, so concurrent steps on one session are serialized and none is lost.
A change is computed first and committed only if it succeeded: a request that
fails leaves its session exactly as it was.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict, deque
from dataclasses import replace

import numpy as np

from app import core
from app.datasets import DATASETS
from app.schemas import (
    MAX_CALL_WORK,
    MAX_HIDDEN,
    MAX_INPUTS,
    MAX_OUTPUTS,
    MAX_WEIGHTS,
    ConfigIn,
    DataIn,
    InputError,
)

HISTORY = 10_000  # per-step losses kept per session, and at most returned by one step call
GRADCHECK_MAX_WEIGHTS = 5_000
ADAM_STEP_COST = 4  # an Adam step (traced) against an untraced SGD step, roughly
# Work above this many weight-steps (steps x weights) leaves the event loop, so
# other learners' small steps are not held up behind one long fast-forward.
THREAD_WORK = 200_000


class Diverged(Exception):
    def __init__(self, session: Session, at_step: int) -> None:
        super().__init__("diverged")
        self.session = session
        self.at_step = at_step


class SessionNotFound(KeyError):
    pass


class Session:
    def __init__(self, sid: str, config: ConfigIn) -> None:
        self.id = sid
        self.lock = asyncio.Lock()
        self.last_used = time.monotonic()
        if config.data is None and config.dataset is None and config.environment is None:
            config = config.model_copy(update={"dataset": "xor"})
        self.config = config
        self.net = core.Net(
            f_A=config.f_A, f_B=config.f_B, loss=config.loss, alpha_A=config.alpha_A,
            alpha_B=config.alpha_B, bias=config.bias, update_order=config.update_order,
        )  # fmt: skip
        n_s, n_y = self.n_s, self.n_y = self._inputs(config)
        n_weights = (n_s + config.bias) * config.hidden + (config.hidden + config.bias) * n_y
        if n_weights > MAX_WEIGHTS:
            raise InputError("hidden", f"A and B would hold {n_weights} weights; the limit is {MAX_WEIGHTS}")
        self.n_weights = n_weights
        self.A0 = _matrix(config.A, "A", (n_s + config.bias, config.hidden))
        self.B0 = _matrix(config.B, "B", (config.hidden + config.bias, n_y))
        self.reset(config.seed)

    def _inputs(self, config: ConfigIn) -> tuple[int, int]:
        """Loads D (TD sessions load their walk instead); returns n_s and n_y."""
        self.s_raw, self.Y = _data_of(config)
        self.S = core.with_bias(self.s_raw, config.bias)  # s as the network sees it
        return self.s_raw.shape[1], self.Y.shape[1]

    def _mean_loss(self, A: np.ndarray, B: np.ndarray) -> float:
        """The loss the state reports for weights A and B: here the mean over D."""
        return core.dataset_loss(self.S, self.Y, A, B, self.net)

    # ------------------------------------------------------------ state

    def reset(self, seed: int) -> None:
        """Fresh weights from the seed (or the given initial A and B), step 0."""
        rng = np.random.default_rng(seed)
        # Weights are always drawn, even when given, so that the shuffle order
        # that follows depends on the seed alone.
        A, B = core.init_weights(rng, self.n_s, self.config.hidden, self.n_y, self.net)
        self.A = self.A0.copy() if self.A0 is not None else A
        self.B = self.B0.copy() if self.B0 is not None else B
        self.rng = rng
        self.perm: np.ndarray | None = None
        self.perm_epoch = -1
        self.step = 0
        self.diverged = False
        self.history: deque[float] = deque(maxlen=HISTORY)
        self.last_trace: dict | None = None
        self.config = self.config.model_copy(update={"seed": seed})
        # Adam's moments (None under SGD) start at zero with every fresh run.
        self.moments = core.adam_moments(self.A, self.B) if self.config.optimizer == "adam" else None
        self.dataset_loss = self._mean_loss(self.A, self.B)

    def state(self, weights: bool = True) -> dict:
        out = {
            "step": self.step,
            "epoch": self.step // len(self.S),
            "dataset_loss": self.dataset_loss,
            "diverged": self.diverged,
            "next_index": self.next_index(),
        }
        if weights:
            out["A"] = self.A
            out["B"] = self.B
        return out

    def public(self) -> dict:
        return {"id": self.id, "config": self.config_out(), "state": self.state()}

    def config_out(self) -> dict:
        out = self.config.model_dump(exclude={"A", "B", "data"})
        if self.config.data is not None:
            out["data"] = {"s": self.s_raw, "y": self.Y}
        if self.A0 is not None:
            out["A"] = self.A0
        if self.B0 is not None:
            out["B"] = self.B0
        out["n_s"], out["n_y"] = self.n_s, self.n_y
        return out

    # ------------------------------------------------------------ changes

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

    def next_index(self) -> int:
        """Which sample of D the next step takes."""
        N = len(self.S)
        if self.config.order == "cycle":
            return self.step % N
        return int(self._perm(self.step // N)[self.step % N])

    def max_steps(self) -> int:
        # Adam has no untraced loop: each of its steps is a traced one, several times
        # the cost, so fewer fit in the time one call may take.
        cost = ADAM_STEP_COST if self.config.optimizer == "adam" else 1
        return max(1, MAX_CALL_WORK // (self.n_weights * cost))

    def take_steps(self, n: int, to_episode_end: bool = False) -> tuple[dict, np.ndarray]:
        """n SGD steps, all or nothing: on divergence nothing changes and Diverged is raised."""
        if to_episode_end:
            raise InputError("to_episode_end", "only TD sessions (an environment) have episodes")
        self._check_steps(n)
        # Only a step into a new epoch draws from rng; copy its state just then.
        draws = self.config.order == "shuffle" and (self.step + n - 1) // len(self.S) != self.perm_epoch
        saved = (self.rng.bit_generator.state if draws else None, self.perm, self.perm_epoch)
        order = self._order(n)
        if self.moments is None:
            A, B, losses, trace = core.run(self.S, self.Y, order, self.A, self.B, self.net)
            moments = None
        else:
            A, B, losses, trace, moments = core.run_adam(
                self.S, self.Y, order, self.A, self.B, self.net, self.moments, self.config.epsilon
            )
        if len(losses) < n:
            self._restore(saved)
            raise Diverged(self, self.step + len(losses) + 1)
        return self._commit(A, B, moments, trace, losses, saved)

    def _check_steps(self, n: int) -> None:
        if n > self.max_steps():
            raise InputError(
                "n", f"at most {self.max_steps()} steps per call for a network of {self.n_weights} weights"
            )

    def _commit(
        self, A, B, moments, trace: dict, losses: np.ndarray, saved: tuple
    ) -> tuple[dict, np.ndarray]:
        """Keep the outcome of len(losses) good steps; undo them (Diverged) if the mean loss is not finite."""
        # Weights within core.WEIGHT_LIMIT keep every forward pass finite, so this
        # check is a last guard that the HTTP answer can never carry NaN.
        with np.errstate(all="ignore"):
            dataset_loss = self._mean_loss(A, B)
        if not abs(dataset_loss) < np.inf:  # NaN < inf is False
            self._restore(saved)
            raise Diverged(self, self.step + len(losses))
        self.A, self.B, self.dataset_loss, self.moments = A, B, dataset_loss, moments
        self.step += len(losses)
        self.diverged = False
        losses = losses[-HISTORY:]
        self.history.extend(losses.tolist())
        self.last_trace = trace
        return trace, losses

    def _restore(self, saved: tuple) -> None:
        """A step went wrong: the generator and the shuffle back as saved, and the diverged flag."""
        state, self.perm, self.perm_epoch = saved
        if state is not None:
            self.rng.bit_generator.state = state
        self.diverged = True

    def set_weights(self, A: list | None, B: list | None) -> None:
        new_A = _matrix(A, "A", self.A.shape) if A is not None else self.A
        new_B = _matrix(B, "B", self.B.shape) if B is not None else self.B
        self.dataset_loss = self._mean_loss(new_A, new_B)
        self.A, self.B = new_A, new_B
        self.diverged = False

    def set_sample(self, index: int, s: list[float], y: list[float]) -> None:
        """Replace one sample of D.  D becomes the session's own data (config.data)."""
        N, n_s, n_y = len(self.S), self.s_raw.shape[1], self.Y.shape[1]
        if index >= N:
            raise InputError("index", f"D has {N} samples: index must be at most {N - 1}")
        if len(s) != n_s:
            raise InputError("s", f"must have n_s = {n_s} values, not {len(s)}")
        if len(y) != n_y:
            raise InputError("y", f"must have n_y = {n_y} values, not {len(y)}")
        s_raw, Y = self.s_raw.copy(), self.Y.copy()
        s_raw[index], Y[index] = s, y
        dataset_loss = core.dataset_loss(core.with_bias(s_raw, self.net.bias), Y, self.A, self.B, self.net)
        data = DataIn(s=s_raw.tolist(), y=Y.tolist())
        self.s_raw, self.Y = s_raw, Y
        self.S = core.with_bias(s_raw, self.net.bias)
        self.config = self.config.model_copy(update={"dataset": None, "data": data})
        self.dataset_loss = dataset_loss

    def predict(self, s: list[list[float]]) -> np.ndarray:
        s = np.asarray(s, dtype=np.float64)
        if s.shape[1] != self.n_s:
            raise InputError("s", f"each row must have n_s = {self.n_s} values, not {s.shape[1]}")
        return core.forward(core.with_bias(s, self.net.bias), self.A, self.B, self.net)["y_hat"]

    def gradcheck(self) -> dict:
        """Backprop against central differences, at the current weights, for the next sample."""
        if self.n_weights > GRADCHECK_MAX_WEIGHTS:
            raise InputError(
                "hidden",
                f"gradcheck works on networks of at most {GRADCHECK_MAX_WEIGHTS} weights; "
                f"this one has {self.n_weights}",
            )
        i, s, y = self._next_sample()
        # The true gradient: every delta from the weights before any update.
        net = replace(self.net, update_order="backprop")
        trace = core.step(s, y, self.A, self.B, net)
        num_A, num_B = core.numerical_gradients(s, y, self.A, self.B, net)
        return {
            "index": i, "s": s, "y": y, "h": 1e-3,
            "grad_A": trace["grad_A"], "grad_B": trace["grad_B"],
            "numeric_grad_A": num_A, "numeric_grad_B": num_B,
            "max_rel_error": max(
                core.relative_error(trace["grad_A"], num_A), core.relative_error(trace["grad_B"], num_B)
            ),
        }  # fmt: skip

    def _next_sample(self) -> tuple[int, np.ndarray, np.ndarray]:
        """The index, s and y that the next step will use."""
        i = self.next_index()
        return i, self.S[i], self.Y[i]


def new_session(sid: str, config: ConfigIn) -> Session:
    """A session for a config: on a data set, or on an environment (TD mode)."""
    if config.environment is not None:
        from app.tdsession import TDSession  # a subclass of Session, so imported once this module exists

        return TDSession(sid, config)
    return Session(sid, config)


def _data_of(config: ConfigIn) -> tuple[np.ndarray, np.ndarray]:
    if config.data is not None:
        s = np.asarray(config.data.s, dtype=np.float64)
        y = np.asarray(config.data.y, dtype=np.float64)
    else:
        name = config.dataset or "xor"
        if name not in DATASETS:
            raise InputError("dataset", f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
        s, y = DATASETS[name].s, DATASETS[name].y
    if s.shape[1] > MAX_INPUTS:
        raise InputError("data.s", f"at most {MAX_INPUTS} inputs per row")
    if y.shape[1] > MAX_OUTPUTS:
        raise InputError("data.y", f"at most {MAX_OUTPUTS} outputs per row")
    assert config.hidden <= MAX_HIDDEN
    return s, y


def _matrix(m: list | None, field: str, shape: tuple[int, int]) -> np.ndarray | None:
    if m is None:
        return None
    a = np.asarray(m, dtype=np.float64)
    if a.shape != shape:
        raise InputError(
            field,
            f"must be {shape[0]} x {shape[1]} (bias row included when bias is on), "
            f"not {a.shape[0]} x {a.shape[1]}",
        )
    return a


class SessionStore:
    """Sessions by id: bounded in number (LRU eviction) and in idle time."""

    def __init__(self, max_sessions: int, idle_seconds: float) -> None:
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self.playing: dict[str, int] = {}  # live play streams per session id

    def __len__(self) -> int:
        return len(self._sessions)

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(24)  # 192 random bits

    def create(self, config: ConfigIn) -> Session:
        return self.add(new_session(self.new_id(), config))

    def add(self, session: Session) -> Session:
        """Keep a session made elsewhere (an imported one), evicting as create does."""
        self._expire()
        while len(self._sessions) >= self.max_sessions:
            self._sessions.popitem(last=False)
        self._sessions[session.id] = session
        return session

    def get(self, sid: str) -> Session:
        session = self._sessions.get(sid)
        now = time.monotonic()
        if session is None or now - session.last_used > self.idle_seconds:
            self._sessions.pop(sid, None)
            raise SessionNotFound(sid)
        session.last_used = now
        self._sessions.move_to_end(sid)
        return session

    def delete(self, sid: str) -> None:
        self.get(sid)
        del self._sessions[sid]

    def _expire(self) -> None:
        now = time.monotonic()
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.last_used <= self.idle_seconds:
                break
            self._sessions.popitem(last=False)

    def join_play(self, sid: str, per_session: int, total: int) -> bool:
        """Counts one more play stream on a session, unless that would pass a limit."""
        if self.playing.get(sid, 0) >= per_session or sum(self.playing.values()) >= total:
            return False
        self.playing[sid] = self.playing.get(sid, 0) + 1
        return True

    def leave_play(self, sid: str) -> None:
        left = self.playing.pop(sid) - 1
        if left:
            self.playing[sid] = left
