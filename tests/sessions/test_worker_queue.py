"""The worker slots' queue, without worker processes: one address holds at most half of the
slots, a call that finds every slot busy waits for one in a bounded queue, a freed slot goes
to the waiting client holding the fewest (the oldest first), and a call that stops waiting
leaves nothing behind.  (With real workers: tests/sessions/test_workers.py.)"""

from __future__ import annotations

import asyncio

import pytest

from app.sessions import ConfigIn, new_session
from app.sessions.errors import TooManyRequests
from app.sessions.workers import Workers
from tests.conftest import run_in_own_loop


def _session(name: str = "s"):
    return new_session(name, ConfigIn())


class Call:
    """A long call of `client`'s that holds its slot until told to end (or is refused)."""

    def __init__(self, workers: Workers, client: str, session=None) -> None:
        self.client = client
        self.session = session or _session(client)
        self.slot: int | None = None
        self.end = asyncio.Event()
        self.task = asyncio.create_task(self._hold(workers))

    async def _hold(self, workers: Workers) -> None:
        async with workers.slot(self.session, self.client) as slot:
            self.slot = slot
            await self.end.wait()

    async def ended(self) -> None:
        self.end.set()
        await self.task


async def _settle() -> None:
    """Lets every task that can go on do so (there is no I/O here: a few turns suffice)."""
    for _ in range(10):
        await asyncio.sleep(0)


def _waiting(workers: Workers) -> list[str]:
    return [w.client for w in workers.waiting]


@pytest.mark.parametrize("limit", [2, 4, 5])
def test_one_address_holds_at_most_half_the_slots_and_another_waits_for_the_rest(limit):
    async def main():
        workers = Workers(limit)
        share = max(1, limit // 2)
        mine = [Call(workers, "10.0.0.66") for _ in range(share)]
        await _settle()
        with pytest.raises(TooManyRequests, match="from your address"):
            async with workers.slot(_session(), "10.0.0.66"):
                pass
        others = [Call(workers, f"10.0.0.{i + 1}") for i in range(limit - share)]
        await _settle()
        assert workers.running == limit and all(c.slot is not None for c in mine + others)
        late = Call(workers, "10.0.0.99")  # every slot is busy: it waits, it is not refused
        await _settle()
        assert late.slot is None and _waiting(workers) == ["10.0.0.99"] and late.session.busy
        await mine[0].ended()
        assert late.slot == mine[0].slot
        for call in mine[1:] + others + [late]:
            await call.ended()
        assert workers.running == 0 and not workers.held and not workers.waiting

    run_in_own_loop(main())


def test_a_freed_slot_goes_to_the_client_who_waited_not_to_one_asking_again_at_once():
    async def main():
        workers = Workers(2)
        x, z = Call(workers, "X"), Call(workers, "Z")
        await _settle()
        y = Call(workers, "Y")
        await _settle()
        assert y.slot is None and _waiting(workers) == ["Y"]
        await x.ended()
        x_again = Call(workers, "X", x.session)  # X loops: its next call comes at once
        await _settle()
        assert y.slot == x.slot and x_again.slot is None and _waiting(workers) == ["X"]
        await z.ended()
        assert x_again.slot == z.slot
        await y.ended()
        await x_again.ended()
        assert workers.running == 0 and not workers.held

    run_in_own_loop(main())


def test_a_freed_slot_goes_to_the_waiting_client_that_holds_the_fewest_then_the_oldest():
    async def main():
        workers = Workers(4)  # two slots a client
        x1, a1, b1, b2 = Call(workers, "X"), Call(workers, "A"), Call(workers, "B"), Call(workers, "B")
        await _settle()
        x2 = Call(workers, "X")  # X holds one and waits for another ...
        await _settle()
        y1, y2 = Call(workers, "Y"), Call(workers, "Y")  # ... before Y, who holds none, waits for two
        await _settle()
        assert _waiting(workers) == ["X", "Y", "Y"]
        await b1.ended()
        assert y1.slot == b1.slot and x2.slot is None  # Y held none, X one
        await b2.ended()
        assert x2.slot == b2.slot and y2.slot is None  # one each: X waited longer
        await a1.ended()
        assert y2.slot == a1.slot
        for call in (x1, x2, y1, y2):
            await call.ended()
        assert workers.running == 0 and not workers.held and not workers.waiting

    run_in_own_loop(main())


def test_a_wait_past_its_bound_is_429_saying_so_and_leaves_nothing():
    async def main():
        workers = Workers(1, wait_seconds=0.05)
        held = Call(workers, "A")
        await _settle()
        session = _session()
        with pytest.raises(TooManyRequests, match=r"waited 0\.05 s for one of the 1 workers") as e:
            async with workers.slot(session, "B"):
                pass
        assert e.value.retry_after == 2
        assert not session.busy and not workers.waiting and dict(workers.held) == {"A": 1}
        await held.ended()
        assert workers.running == 0 and not workers.held

    run_in_own_loop(main())


def test_a_full_queue_and_a_client_past_its_share_are_429_at_once_saying_why():
    async def main():
        workers = Workers(2, waiting=1)
        x, z = Call(workers, "X"), Call(workers, "Z")
        await _settle()
        y = Call(workers, "Y")
        await _settle()
        assert _waiting(workers) == ["Y"]
        # Y's one call waits: its next, on another session, is past its share
        with pytest.raises(TooManyRequests, match="from your address are running or waiting"):
            async with workers.slot(_session(), "Y"):
                pass
        # the session of a waiting call is busy: its second long call is refused, not queued
        with pytest.raises(TooManyRequests, match="on this session is still running"):
            async with workers.slot(y.session, "W"):
                pass
        with pytest.raises(TooManyRequests, match="1 long calls are already waiting") as e:
            async with workers.slot(_session(), "W"):
                pass
        assert e.value.retry_after == 2 and _waiting(workers) == ["Y"]
        for call in (x, z, y):
            await call.ended()
        assert workers.running == 0 and not workers.held and not workers.waiting

    run_in_own_loop(main())


def test_a_waiting_call_that_is_cancelled_leaves_the_queue_and_holds_no_slot():
    async def main():
        workers = Workers(1)
        held = Call(workers, "A")
        await _settle()
        gone, next_ = Call(workers, "B"), Call(workers, "C")
        await _settle()
        assert _waiting(workers) == ["B", "C"] and gone.session.busy
        gone.task.cancel()  # its client went away
        await _settle()
        assert gone.task.cancelled() and not gone.session.busy
        assert _waiting(workers) == ["C"] and dict(workers.held) == {"A": 1} and workers.running == 1
        await held.ended()
        assert next_.slot == held.slot  # the slot goes past the call that left
        await next_.ended()
        assert workers.running == 0 and not workers.held and not workers.waiting

    run_in_own_loop(main())


def test_a_call_cancelled_just_as_it_is_given_a_slot_gives_it_on():
    async def main():
        workers = Workers(1)
        gone_and_next: list[Call] = []

        async def hold_then_cancel_the_next():
            async with workers.slot(_session(), "A"):
                await asyncio.sleep(0)
                await asyncio.sleep(0)
            # the slot was given to B as this call left it, and B has not run since
            gone = gone_and_next[0]
            assert workers.held["B"] == 1 and gone.slot is None
            gone.task.cancel()

        first = asyncio.create_task(hold_then_cancel_the_next())
        await asyncio.sleep(0)
        gone_and_next.extend([Call(workers, "B"), Call(workers, "C")])
        await first
        await _settle()
        gone, next_ = gone_and_next
        assert gone.task.cancelled() and not gone.session.busy
        assert next_.slot == 0 and dict(workers.held) == {"C": 1} and not workers.waiting
        await next_.ended()
        assert workers.running == 0 and not workers.held

    run_in_own_loop(main())
