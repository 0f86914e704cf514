"""RedisStore against a real redis-server: what it writes, its bounds, its idle time."""

from __future__ import annotations

import pytest
import redis as redis_client

from app.sessions import ConfigIn, new_session
from app.sessions.errors import StoreFull
from app.sessions.redis_lua import PREFIX
from app.sessions.redis_store import RedisStore
from tests.conftest import run_in_own_loop


def _run(coro):
    return run_in_own_loop(coro)


def _keys(r, sid: str) -> list[str]:
    return [f"{PREFIX}s:{sid}:{part}" for part in ("config", "run", "history")]


async def _step(store: RedisStore, sid: str, n: int = 1):
    async def change(session):
        return session.take_steps(n)

    return await store.update(sid, change)


def test_a_step_writes_the_run_and_its_losses_only_and_every_key_expires(fresh_redis):
    r = redis_client.Redis.from_url(fresh_redis.url)

    async def main():
        store = RedisStore(fresh_redis.url, 50, 600)
        sid = (await store.create(ConfigIn(dataset="circle", order="shuffle"))).id
        config_before = r.get(_keys(r, sid)[0])
        sent = []
        run = store._run

        async def spy(script, args):
            sent.append((script, args))
            return await run(script, args)

        store._run = spy
        await _step(store, sid, 5)
        (save,) = [args for script, args in sent if script == "SAVE"]
        assert save[5] == b""  # no config: the data set is written once, at creation
        assert len(save) == 10 + 5  # the run, the tag prefix and the deadline, then the five new losses
        assert r.get(_keys(r, sid)[0]) == config_before
        assert r.llen(_keys(r, sid)[2]) == 5 and int(r.hget(_keys(r, sid)[1], "v")) == 2
        for key in _keys(r, sid):
            assert 0 < r.pttl(key) <= 600_000, key

        # a reset changes the config (its seed) and starts the history again
        async def reset(session):
            session.reset(9)

        await store.update(sid, reset)
        assert r.get(_keys(r, sid)[0]) != config_before and r.llen(_keys(r, sid)[2]) == 0
        await store.close()

    _run(main())


def test_counted_bytes_bound_the_store_and_each_client_drops_its_own_oldest(fresh_redis):
    r = redis_client.Redis.from_url(fresh_redis.url)
    size = new_session("x", ConfigIn()).nbytes()

    async def main():
        store = RedisStore(fresh_redis.url, 100, 600, max_bytes=10 * size, client_bytes=3 * size)
        other = (await store.create(ConfigIn(), "b")).id
        mine = [(await store.create(ConfigIn(), "a")).id for _ in range(5)]
        assert int(r.get(PREFIX + "bytes")) == 4 * size
        kept = {m.decode() for m in r.zrange(PREFIX + "lru", 0, -1)}
        assert kept == {other, *mine[-3:]}
        assert not r.exists(*_keys(r, mine[0]))  # a dropped session's keys are gone too
        await store.close()

    _run(main())


def test_a_full_store_of_sessions_in_use_held_evenly_refuses_a_new_one(fresh_redis):
    async def main():
        store = RedisStore(fresh_redis.url, 4, 600, per_client=2, in_use_seconds=60)
        for client in "abcd":
            await store.create(ConfigIn(), client)
        with pytest.raises(StoreFull) as caught:
            await store.create(ConfigIn(), "e")
        assert caught.value.retry_after >= 1 and await store.count() == 4
        await store.close()

    _run(main())


def test_in_use_never_protects_one_addresss_excess(fresh_redis):
    async def main():
        store = RedisStore(fresh_redis.url, 10, 600, in_use_seconds=300)
        hoard = [(await store.create(ConfigIn(), "hoarder")).id for _ in range(8)]
        other = (await store.create(ConfigIn(), "x")).id
        school = []
        with pytest.raises(StoreFull):
            for _ in range(10):
                school.append((await store.create(ConfigIn(), "school")).id)
        r = store.redis
        assert len(school) == 4 and await r.zscore("bpe:holders", "hoarder") == 5
        kept = [m.decode() for m in await r.zrange("bpe:held:hoarder", 0, -1)]
        assert sorted(kept) == sorted(hoard[-5:])
        for sid in [other, *school, *hoard[-5:]]:
            async with store.session(sid):
                pass
        await store.close()

    _run(main())


def test_a_session_made_elsewhere_is_loaded_here_the_same(fresh_redis):
    async def main():
        made, elsewhere = RedisStore(fresh_redis.url, 50, 600), RedisStore(fresh_redis.url, 50, 600)
        config = ConfigIn(environment={"states": 5, "target": "mc"}, optimizer="adam")
        sid = (await made.create(config)).id
        twin = new_session("twin", config)
        for store in (made, elsewhere, made):  # each continues from the other's last step
            trace, _ = await _step(store, sid, 7)
            assert trace["A"].tolist() == twin.take_steps(7)[0]["A"].tolist()
        async with elsewhere.session(sid, history=True) as session:
            assert session.history.tolist() == twin.history.tolist() and session.step == 21
        await made.close()
        await elsewhere.close()

    _run(main())


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_recent_losses_are_the_historys_last_without_its_run(kind, request):
    from app.sessions import MemoryStore

    async def main():
        url = request.getfixturevalue("fresh_redis").url if kind == "redis" else None
        store = RedisStore(url, 50, 600) if url else MemoryStore(50, 600)
        sid = (await store.create(ConfigIn(dataset="circle", order="shuffle"))).id
        assert await store.recent_losses(sid, 5) == []
        await _step(store, sid, 12)
        async with store.session(sid, history=True) as session:
            every = session.history.tolist()
        assert len(every) == 12
        assert await store.recent_losses(sid, 5) == every[-5:]
        assert await store.recent_losses(sid, 100) == every
        assert await store.recent_losses("no-such-session", 5) == []
        await store.close()

    _run(main())
