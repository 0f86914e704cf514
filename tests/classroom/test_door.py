"""The door of a class in both registries: a locked class lets in only the ids on its roll, a
dropped address loses its seats, its roll and its answers and cannot join again, and the roll
is bounded and shared between addresses as the seats are: one address churning through ids
takes no place on it from another."""

from __future__ import annotations

import asyncio

import pytest

from app.classroom.errors import ClassLocked, DeviceRemoved
from app.classroom.registry import MemoryRegistry
from app.classroom.registry_redis import RedisRegistry
from tests.classroom.test_seats import _class


@pytest.fixture(params=["memory", "redis"])
def make_registry(request):
    def make(size: int):
        if request.param == "memory":
            return MemoryRegistry(size, 600, 50)
        return RedisRegistry(request.getfixturevalue("fresh_redis").url, size, 600, 50)

    return make


def _run(coroutine):
    return asyncio.run(coroutine)


def test_a_locked_class_lets_in_only_the_ids_on_its_roll(make_registry):
    async def main():
        registry = make_registry(10)
        code = await _class(registry)
        assert len((await registry.get(code)).state["tag_key"]) == 32  # made with the class: its tags' secret
        assert await registry.join(code, "student-aaaa", "192.0.2.1", "s1")
        await registry.leave(code, "student-aaaa", "s1")  # away (a phone asleep) when the lock comes
        await registry.change(code, locked=True)
        with pytest.raises(ClassLocked):
            await registry.join(code, "student-new", "192.0.2.1", "s2")
        assert await registry.join(code, "student-aaaa", "198.51.100.7", "s3")  # back, from another network
        await registry.change(code, locked=False)
        assert await registry.join(code, "student-new", "192.0.2.1", "s2")
        await registry.close()

    _run(main())


def test_a_dropped_address_loses_its_seats_roll_and_answers_and_stays_out(make_registry):
    async def main():
        registry = make_registry(10)
        code = await _class(registry)
        for i in range(3):
            assert await registry.join(code, f"hog-{i:04d}", "10.0.0.66", f"h{i}")
            assert await registry.answer(code, f"hog-{i:04d}", 9.0) == "ok"
        assert await registry.join(code, "student-aaaa", "10.0.0.7", "s1")
        assert await registry.answer(code, "student-aaaa", 1.0) == "ok"
        assert await registry.addresses(code) == ({"10.0.0.66": 3, "10.0.0.7": 1}, 0)
        await registry.drop_address(code, "10.0.0.66")
        assert await registry.addresses(code) == ({"10.0.0.7": 1}, 1)
        assert await registry.joined(code) == 1
        assert await registry.answers(code) == {"student-aaaa": 1.0}
        assert not await registry.beat(code, "hog-0000", "h0")
        assert await registry.blocked(code, "10.0.0.66") and not await registry.blocked(code, "10.0.0.7")
        with pytest.raises(DeviceRemoved):
            await registry.join(code, "hog-9999", "10.0.0.66", "h9")
        await registry.change(code, locked=True)
        await registry.unblock(code)  # let back in: but its ids are off the roll of the locked class
        with pytest.raises(ClassLocked):
            await registry.join(code, "hog-0000", "10.0.0.66", "h0")
        await registry.change(code, locked=False)
        assert await registry.join(code, "hog-0000", "10.0.0.66", "h0")
        await registry.close()

    _run(main())


def test_the_roll_is_bounded_and_an_address_churning_ids_takes_no_place_of_anothers(make_registry):
    async def main():
        registry = make_registry(4)
        code = await _class(registry)
        for i in range(2):
            assert await registry.join(code, f"student-{i:04d}", "10.0.0.7", f"s{i}")
            await registry.leave(code, f"student-{i:04d}", f"s{i}")
        for i in range(20):  # one address comes and goes under ever new ids
            assert await registry.join(code, f"churn-{i:04d}", "10.0.0.66", f"c{i}")
            await registry.leave(code, f"churn-{i:04d}", f"c{i}")
        await registry.change(code, locked=True)
        for i in range(2):  # the first address's students are still on the roll
            assert await registry.join(code, f"student-{i:04d}", "10.0.0.7", f"s{i}")
        assert await registry.join(code, "churn-0000", "10.0.0.66", "c0")  # its share of the roll: two
        for i in range(2, 20):  # held evenly, its later ids stayed off
            with pytest.raises(ClassLocked):
                await registry.join(code, f"churn-{i:04d}", "10.0.0.66", f"c{i}")
        await registry.close()

    _run(main())


def test_at_most_so_many_addresses_stay_blocked(make_registry, monkeypatch):
    monkeypatch.setattr("app.limits.CLASS_BLOCKED_ADDRESSES", 3)

    async def main():
        registry = make_registry(10)
        code = await _class(registry)
        for i in range(5):
            assert await registry.join(code, f"hog-{i:04d}", f"10.0.0.{i}", f"h{i}")
            await registry.drop_address(code, f"10.0.0.{i}")
        assert (await registry.addresses(code))[1] == 3
        assert await registry.join(code, "hog-0000", "10.0.0.0", "h0")  # the oldest block went first
        with pytest.raises(DeviceRemoved):
            await registry.join(code, "hog-0004", "10.0.0.4", "h4")
        await registry.close()

    _run(main())
