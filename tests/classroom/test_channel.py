"""The channels of live fan-out, the Redis one against a real redis-server (tests/redis_server.py):
order, topics, a slow subscriber's bound, two processes, and Redis going away and coming back."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable

import pytest
from redis import Redis

from app import limits
from app.classroom.channel import (
    PREFIX,
    Channel,
    ChannelUnavailable,
    LocalChannel,
    RedisChannel,
    Subscription,
    channel_for,
)
from tests.conftest import run_in_own_loop
from tests.redis_server import RedisServer


def run(coro, seconds: float = 60):
    """Runs a test's coroutine on a loop of its own; a test that hangs fails instead."""

    async def bounded():
        async with asyncio.timeout(seconds):
            return await coro

    return run_in_own_loop(bounded())


async def take(sub: Subscription, n: int, seconds: float = 5) -> list[bytes]:
    got = []
    async with asyncio.timeout(seconds):
        async for message in sub:
            got.append(message)
            if len(got) == n:
                return got
    return got


async def take_until(sub: Subscription, last: bytes, seconds: float = 5) -> list[bytes]:
    got = []
    async with asyncio.timeout(seconds):
        async for message in sub:
            got.append(message)
            if message == last:
                return got
    return got


@pytest.fixture(params=["local", "redis"])
def new_channel(request) -> Callable[[], Channel]:
    """Makes a channel of each kind (inside the test's loop)."""
    if request.param == "local":
        return LocalChannel
    server: RedisServer = request.getfixturevalue("redis")
    return lambda: RedisChannel(server.url)


def redis_channels(server: RedisServer) -> list[bytes]:
    """The channels the server has subscribers for, of ours only."""
    with Redis.from_url(server.url) as r:
        return sorted(r.pubsub_channels(PREFIX + "*"))


def test_channel_for_chooses_redis_with_a_url_only():
    assert isinstance(channel_for(None), LocalChannel)
    assert isinstance(channel_for(""), LocalChannel)
    assert isinstance(channel_for("redis://127.0.0.1:1/0"), RedisChannel)


def test_a_subscription_holds_at_least_one_message():
    with pytest.raises(ValueError, match="at least one"):
        LocalChannel().subscribe("a", size=0)


def test_every_subscriber_of_a_topic_gets_its_messages_in_order_and_no_other_topics(new_channel):
    async def main():
        channel = new_channel()
        sent = [f"a{i}".encode() for i in range(50)]
        async with (
            channel.subscribe("a", size=100) as first,
            channel.subscribe("a", size=100) as second,
            channel.subscribe("b", size=100) as other,
        ):
            for message in sent:
                await channel.publish("a", message)
            await channel.publish("b", b"b0")
            await channel.publish("c", b"c0")  # nobody listens: goes nowhere
            # One connection delivers in order, so every "a" message is here once "b0" is.
            assert await take(other, 1) == [b"b0"]
            assert len(other) == 0
            assert await take(first, 50) == sent
            assert await take(second, 50) == sent
            assert first.dropped == second.dropped == other.dropped == 0
        await channel.close()

    run(main())


@pytest.mark.parametrize("size", [1, 3])
def test_a_slow_subscriber_keeps_only_the_latest_and_counts_what_it_skipped(new_channel, size):
    async def main():
        channel = new_channel()
        async with channel.subscribe("a", size=size) as slow, channel.subscribe("marker") as marker:
            for i in range(10_000):
                await channel.publish("a", str(i).encode())
                assert len(slow) <= size
            await channel.publish("marker", b"done")
            assert await take(marker, 1) == [b"done"]  # so every "a" message has arrived
            assert len(slow) == size
            assert slow.dropped == 10_000 - size
            assert await take(slow, size) == [str(i).encode() for i in range(10_000 - size, 10_000)]
            await channel.publish("a", b"next")
            assert await take(slow, 1) == [b"next"]
            assert slow.dropped == 10_000 - size
        await channel.close()

    run(main())


def test_closing_the_channel_ends_every_subscription(new_channel):
    async def main():
        channel = new_channel()
        async with channel.subscribe("a", size=5) as sub:
            await channel.publish("a", b"last")
            assert await take(sub, 1) == [b"last"]
            await channel.close()
            assert [m async for m in sub] == []
        with pytest.raises(ChannelUnavailable):
            async with channel.subscribe("a"):
                pass

    run(main())


def test_a_message_published_in_one_process_reaches_the_subscribers_of_another(redis):
    async def main():
        one, two = RedisChannel(redis.url), RedisChannel(redis.url)
        async with (
            two.subscribe("class-1", size=10) as there,
            one.subscribe("class-1", size=10) as here,
            two.subscribe("class-2", size=10) as elsewhere,
        ):
            await one.publish("class-1", b"step 1")
            await two.publish("class-1", b"step 2")
            assert await take(there, 2) == [b"step 1", b"step 2"]
            assert await take(here, 2) == [b"step 1", b"step 2"]
            await one.publish("class-2", b"quiz")
            assert await take(elsewhere, 1) == [b"quiz"]
        await one.close()
        await two.close()

    run(main())


def test_a_topic_is_subscribed_in_redis_while_it_has_subscribers_here(redis):
    async def main():
        channel = RedisChannel(redis.url)
        async with channel.subscribe("a") as first:
            assert redis_channels(redis) == [PREFIX.encode() + b"a"]
            async with channel.subscribe("a"), channel.subscribe("b"):
                assert redis_channels(redis) == [PREFIX.encode() + b"a", PREFIX.encode() + b"b"]
            await channel.publish("a", b"still here")  # the other "a" left: first still hears
            assert await take(first, 1) == [b"still here"]
            assert redis_channels(redis) == [PREFIX.encode() + b"a"]
        await asyncio.sleep(0.2)  # UNSUBSCRIBE is sent, not awaited for its confirmation
        assert redis_channels(redis) == []
        await channel.close()

    run(main())


def pubsub_clients(server: RedisServer) -> list[int]:
    with Redis.from_url(server.url) as r:
        return sorted(c["id"] for c in r.client_list(_type="pubsub"))


def test_an_idle_subscription_keeps_its_connection_and_still_receives(redis):
    idle = max(limits.REDIS_TIMEOUT_SECONDS, limits.CHANNEL_SILENCE_SECONDS) + 1.5

    async def main():
        channel = RedisChannel(redis.url)
        async with channel.subscribe("a") as sub:
            before = pubsub_clients(redis)
            await asyncio.sleep(idle)
            assert pubsub_clients(redis) == before and len(before) == 1, "the idle connection was remade"
            await channel.publish("a", b"after a while")
            assert await take(sub, 1) == [b"after a while"]
        await channel.close()

    run(main())


async def publish_until_received(channel: Channel, sub: Subscription, seconds: float) -> float:
    """Publishes every 50 ms until `sub` receives one; the seconds that took."""
    start = time.monotonic()
    async with asyncio.timeout(seconds):
        while True:
            with contextlib.suppress(ChannelUnavailable):  # until Redis is back
                await channel.publish("a", b"back")
            if len(sub):
                assert await take(sub, 1) == [b"back"]
                return time.monotonic() - start
            await asyncio.sleep(0.05)


def test_a_subscription_outlives_redis_being_killed_and_started_again(redis):
    async def main():
        channel = RedisChannel(redis.url)
        async with channel.subscribe("a", size=10) as sub:
            await channel.publish("a", b"before")
            assert await take(sub, 1) == [b"before"]
            redis.kill()
            await asyncio.sleep(0.5)  # long enough for the reader to notice and start retrying
            with pytest.raises(ChannelUnavailable):
                await channel.publish("a", b"lost")
            redis.start()
            assert await publish_until_received(channel, sub, seconds=5) < 5
            await channel.publish("a", b"and after")
            *more, last = await take_until(sub, b"and after")
            assert last == b"and after" and set(more) <= {b"back"}  # a late "back" or two, no other
            async with channel.subscribe("b") as new:  # new topics work again too
                await channel.publish("b", b"new")
                assert await take(new, 1) == [b"new"]
        await channel.close()

    run(main())


def test_publish_and_subscribe_while_redis_is_down_fail_fast(redis):
    async def main():
        channel = RedisChannel(redis.url)
        async with channel.subscribe("held"):
            await channel.publish("held", b"up")  # a pooled connection, soon left behind by the server
            redis.kill()
            start = time.monotonic()
            with pytest.raises(ChannelUnavailable, match="unreachable"):
                await channel.publish("held", b"down")
            assert time.monotonic() - start < 2
            await asyncio.sleep(0.3)  # the reader sees the connection closed
            for topic in ("held", "new"):  # a topic subscribed here already, and one that is not
                start = time.monotonic()
                with pytest.raises(ChannelUnavailable, match="unreachable"):
                    async with channel.subscribe(topic):
                        pass
                assert time.monotonic() - start < limits.CHANNEL_WAIT_SECONDS + 1
        await channel.close()

    run(main())


def test_publish_to_a_redis_that_answers_nothing_fails_fast(redis):
    async def main():
        channel = RedisChannel(redis.url)
        await channel.publish("a", b"up")
        os.kill(redis.pid, signal.SIGSTOP)  # connections are accepted by the kernel, never answered
        try:
            start = time.monotonic()
            with pytest.raises(ChannelUnavailable, match="unreachable"):
                await channel.publish("a", b"paused")
            assert time.monotonic() - start < 2
        finally:
            os.kill(redis.pid, signal.SIGCONT)
        await channel.publish("a", b"resumed")
        await channel.close()

    run(main())


@contextlib.asynccontextmanager
async def silenceable_link(port: int):
    """A TCP relay to 127.0.0.1:port; silence() makes the connections open so far go quiet,
    as a network that drops packets does: nothing is closed, nothing arrives."""
    links: list[dict] = []

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: dict) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65_536):
                if not link["silent"]:
                    writer.write(data)
                    await writer.drain()

    async def handle(client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", port)
        link = {"silent": False, "writers": (client_writer, server_writer)}
        links.append(link)
        await asyncio.gather(
            relay(client_reader, server_writer, link), relay(server_reader, client_writer, link)
        )

    def silence() -> None:
        for link in links:
            link["silent"] = True

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], silence
    finally:
        server.close()
        for link in links:
            for writer in link["writers"]:
                writer.close()


def test_a_pubsub_connection_that_goes_silent_is_made_again(redis):
    async def main():
        async with silenceable_link(redis.port) as (port, silence):
            channel, direct = RedisChannel(f"redis://127.0.0.1:{port}/0"), RedisChannel(redis.url)
            async with channel.subscribe("a", size=10) as sub:
                before = pubsub_clients(redis)
                silence()  # no error, no close: only the heartbeat can tell
                took = await publish_until_received(direct, sub, seconds=limits.CHANNEL_SILENCE_SECONDS + 5)
                assert took >= limits.CHANNEL_SILENCE_SECONDS - limits.CHANNEL_HEARTBEAT_SECONDS
                assert set(pubsub_clients(redis)) - set(before), "no new pub/sub connection"
            await channel.close()
            await direct.close()

    run(main())
