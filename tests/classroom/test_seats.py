"""Seats and answer slots of a class, in both registries: one id holds one socket's seat, seats
are shared fairly between addresses, and answers of students who left make room."""

from __future__ import annotations

import asyncio

import pytest

from app.classroom.registry import MemoryRegistry
from app.classroom.registry_redis import RedisRegistry


@pytest.fixture(params=["memory", "redis"])
def make_registry(request):
    def make(size: int):
        if request.param == "memory":
            registry = MemoryRegistry(size, 600, 50)
        else:
            registry = RedisRegistry(request.getfixturevalue("fresh_redis").url, size, 600, 50)
        return registry

    return make


def _run(coroutine):
    return asyncio.run(coroutine)


async def _class(registry) -> str:
    info, _key, _old = await registry.create("session-of-the-teacher")
    await registry.change(info.code, forget_answers=True, quiz={"target": "y_hat", "index": [0]}, truth=None)
    return info.code


def test_one_id_holds_one_sockets_seat(make_registry):
    async def main():
        registry = make_registry(10)
        code = await _class(registry)
        for socket in ("s1", "s2", "s3"):
            assert await registry.join(code, "student-aaaa", "10.0.0.1", socket)
        assert await registry.joined(code) == 1
        assert not await registry.beat(code, "student-aaaa", "s1")  # the first socket: its seat is gone
        assert await registry.beat(code, "student-aaaa", "s3")
        await registry.leave(code, "student-aaaa", "s1")  # an old socket leaving frees nothing
        assert await registry.joined(code) == 1
        await registry.leave(code, "student-aaaa", "s3")
        assert await registry.joined(code) == 0
        await registry.close()

    _run(main())


def test_one_address_cannot_take_every_seat(make_registry):
    async def main():
        registry = make_registry(6)
        code = await _class(registry)
        for i in range(6):
            assert await registry.join(code, f"hog-{i:04d}", "10.0.0.66", f"h{i}")
        assert not await registry.join(code, "hog-more", "10.0.0.66", "hx")  # itself: full
        joined = [await registry.join(code, f"student-{i:04d}", "10.0.0.7", f"s{i}") for i in range(4)]
        # room was made while the hog held two more than the class's address: 6-0, 5-1, 4-2, then 3-3
        assert joined == [True, True, True, False]
        assert await registry.joined(code) == 6
        dropped = [i for i in range(6) if not await registry.beat(code, f"hog-{i:04d}", f"h{i}")]
        assert dropped == [0, 1, 2]  # the stalest first
        await registry.close()

    _run(main())


def test_a_class_behind_one_address_fills_every_seat(make_registry):
    async def main():
        registry = make_registry(5)
        code = await _class(registry)
        assert all([await registry.join(code, f"student-{i:04d}", "192.0.2.1", f"s{i}") for i in range(5)])
        assert not await registry.join(code, "student-late", "192.0.2.1", "late")
        await registry.close()

    _run(main())


def test_answers_of_students_who_left_make_room(make_registry):
    async def main():
        registry = make_registry(5)
        code = await _class(registry)
        for i in range(5):  # a client answers with five fresh ids and leaves
            assert await registry.join(code, f"fake-{i:04d}", "10.0.0.66", f"f{i}")
            assert await registry.answer(code, f"fake-{i:04d}", 1.0) == "ok"
            await registry.leave(code, f"fake-{i:04d}", f"f{i}")
        for i in range(5):  # then a real class answers, every one of them
            assert await registry.join(code, f"student-{i:04d}", "10.0.0.7", f"s{i}")
            assert await registry.answer(code, f"student-{i:04d}", 2.0) == "ok"
        assert sorted(await registry.answers(code)) == [f"student-{i:04d}" for i in range(5)]
        await registry.close()

    _run(main())
