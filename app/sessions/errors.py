"""What can go wrong with a session, and the words a learner reads when it does."""

from __future__ import annotations

from typing import Literal


class InputError(ValueError):
    """A value that passed its own bounds but does not fit the rest of the request."""

    def __init__(self, field: str, message: str, largest: int | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.largest = largest  # the largest value the field may take here, when it has one


class SessionNotFound(KeyError):
    """No session with this id: it never existed, was deleted, or expired."""

    MESSAGE = "no session with this id: it never existed, was deleted, or expired"


class Diverged(Exception):
    """A step would have overflowed; the session is as it was before the call."""

    def __init__(self, session, at_step: int) -> None:
        super().__init__("diverged")
        self.session = session
        self.at_step = at_step

    def explain(self, during: Literal["request", "play"]) -> dict:
        """{message, advice}: what happened and which step sizes to lower, for an
        answer to a request or for a play stream (which pauses)."""
        net = self.session.net
        suggest = f"{max(net.alpha_A, net.alpha_B) / 10:g}"
        not_taken, before, then = {
            "request": ("so it was not taken", "this request", "keep stepping"),
            "play": ("so it was not taken and play is paused", "this frame", "press play again"),
        }[during]
        return {
            "message": f"Step {self.at_step} would have made the numbers overflow (a non-finite or "
            f"exploding value), {not_taken}: the weights are as they were before {before}.",
            "advice": f"Lower the step sizes alpha_A (now {net.alpha_A:g}) and alpha_B "
            f"(now {net.alpha_B:g}), for example to {suggest}, then reset or {then}.",
        }


class StoreFull(Exception):
    """Every session the store could drop to make room is in use: try again later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("store full")
        self.retry_after = retry_after


class TooManyRequests(Exception):
    """A client asked for more than its share: of session creations, or of the workers."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class Unavailable(Exception):
    """A part the server needs is not there just now (a worker process, the session store):
    nothing was changed, and the same request may be sent again after Retry-After."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
