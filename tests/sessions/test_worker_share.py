"""The worker slots are shared between clients: one address holds at most half of them, so a
client looping long calls on many sessions leaves room for another learner."""

from __future__ import annotations

import contextlib

import pytest

from app.sessions import ConfigIn, new_session
from app.sessions.errors import TooManyRequests
from app.sessions.workers import Workers


def _sessions(n: int):
    return [new_session(f"s{i}", ConfigIn()) for i in range(n)]


@pytest.mark.parametrize("limit", [2, 4, 5])
def test_one_address_holds_at_most_half_the_slots_and_others_get_the_rest(limit):
    workers = Workers(limit)
    share = max(1, limit // 2)
    with contextlib.ExitStack() as held:
        mine = _sessions(limit)
        for session in mine[:share]:
            held.enter_context(workers.slot(session, "10.0.0.66"))
        with pytest.raises(TooManyRequests, match="from your address"):
            held.enter_context(workers.slot(mine[share], "10.0.0.66"))
        others = _sessions(limit - share)
        for i, session in enumerate(others):
            held.enter_context(workers.slot(session, f"10.0.0.{i + 1}"))
        assert workers.running == limit
        with pytest.raises(TooManyRequests, match="other learners"):
            held.enter_context(workers.slot(_sessions(1)[0], "10.0.0.99"))
    assert workers.running == 0 and not workers.held
