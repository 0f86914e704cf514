"""The students' own runs as both registries keep them (app/classroom/runs.py): only while
released, one per student under a tag given in order, no session twice, at most the class's
size (a student who left makes room), gone with the class; and a run on show starts no class."""

from __future__ import annotations

import asyncio

import pytest
import redis as redis_client

from app.classroom.errors import ClassNotFound
from app.classroom.registry import MemoryRegistry
from app.classroom.registry_redis import RedisRegistry
from app.sessions import InputError


@pytest.fixture(params=["memory", "redis"])
def make_registry(request):
    def make(size: int):
        if request.param == "memory":
            return MemoryRegistry(size, 600, 50)
        return RedisRegistry(request.getfixturevalue("fresh_redis").url, size, 600, 50)

    return make


async def _released(registry) -> str:
    info, _key, _old = await registry.create("session-of-the-teacher")
    assert await registry.keep_run(info.code, "student-a", "copy-a") == ("closed", "")
    await registry.change(info.code, released=True)
    return info.code


def test_one_run_per_student_under_a_tag_given_in_order(make_registry):
    async def main():
        registry = make_registry(10)
        code = await _released(registry)
        assert await registry.keep_run(code, "student-b", "copy-b") == ("ok", "S1")
        assert await registry.keep_run(code, "student-a", "copy-a") == ("ok", "S2")
        assert await registry.keep_run(code, "student-a", "copy-b") == ("taken", "")  # b's session
        assert await registry.keep_run(code, "student-b", "copy-b2") == ("ok", "S1")  # b's own, replaced
        assert await registry.keep_run(code, "student-a", "copy-b") == ("ok", "S2")  # free again
        assert await registry.runs(code) == {"student-b": ("S1", "copy-b2"), "student-a": ("S2", "copy-b")}
        await registry.drop_run(code, "student-b", "copy-b")  # not b's run any more: nothing
        await registry.drop_run(code, "student-a", "copy-b")
        assert await registry.runs(code) == {"student-b": ("S1", "copy-b2")}
        assert await registry.keep_run(code, "student-a", "copy-a") == ("ok", "S3")  # a new tag
        for n in range(4, 12):  # tags sort as numbers
            await registry.keep_run(code, f"student-{n}", f"copy-{n}")
        assert [tag for tag, _ in (await registry.runs(code)).values()][-3:] == ["S9", "S10", "S11"]
        await registry.close()

    asyncio.run(main())


def test_at_most_the_class_size_and_a_student_who_left_makes_room(make_registry):
    async def main():
        registry = make_registry(2)
        code = await _released(registry)
        for who in ("student-a", "student-b", "student-c"):
            assert await registry.join(code, who, "10.0.0.1", f"socket-{who}") or who == "student-c"
        assert await registry.keep_run(code, "student-a", "copy-a") == ("ok", "S1")
        assert await registry.keep_run(code, "student-b", "copy-b") == ("ok", "S2")
        assert await registry.keep_run(code, "student-c", "copy-c") == ("full", "")
        await registry.leave(code, "student-a", "socket-student-a")
        assert await registry.join(code, "student-c", "10.0.0.1", "socket-student-c")
        assert await registry.keep_run(code, "student-c", "copy-c") == ("ok", "S3")
        assert await registry.runs(code) == {"student-b": ("S2", "copy-b"), "student-c": ("S3", "copy-c")}
        assert await registry.keep_run(code, "student-d", "copy-a") == ("full", "")  # b and c are here
        await registry.close()

    asyncio.run(main())


def test_runs_go_with_the_class(make_registry, request):
    async def main():
        registry = make_registry(10)
        code = await _released(registry)
        await registry.keep_run(code, "student-a", "copy-a")
        if isinstance(registry, RedisRegistry):
            r = redis_client.Redis.from_url(request.getfixturevalue("fresh_redis").url)
            for key in (f"bpe:c:{code}:runs", f"bpe:c:{code}:runsby"):
                assert 0 < r.pttl(key) <= 600_000, key
        await registry.end(code)
        with pytest.raises(ClassNotFound):
            await registry.keep_run(code, "student-a", "copy-a")
        if isinstance(registry, RedisRegistry):
            assert not r.keys(f"bpe:c:{code}*")
        await registry.close()

    asyncio.run(main())


def test_a_run_on_show_starts_no_class_but_the_teachers_may(make_registry):
    async def main():
        registry = make_registry(10)
        code = await _released(registry)
        await registry.keep_run(code, "student-a", "copy-a")
        await registry.change(code, spotlight="S1", home="session-of-the-teacher")
        await registry.move(code, "copy-a")
        with pytest.raises(InputError) as refused:
            await registry.create("copy-a")
        assert refused.value.field == "session"
        assert await registry.teaching("copy-a") == code
        await registry.move(code, "session-of-the-teacher")
        await registry.change(code, spotlight=None, home=None)
        _, _, old = await registry.create("session-of-the-teacher")  # a new class ends the old one
        assert old == code
        await registry.close()

    asyncio.run(main())
