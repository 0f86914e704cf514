"""Live fan-out: what a class's teacher publishes reaches every student, on every replica.

A Channel carries messages (bytes, encoded once by the sender) on named topics: LocalChannel
within one process (no REDIS_URL), RedisChannel through Redis pub/sub to every replica.  A
subscription holds at most `size` unread messages; when one more comes the oldest is dropped
and counted, so a student who falls behind skips to the latest and nothing grows unbounded.

RedisChannel keeps one pub/sub connection per process for all topics; a reader task hands
each message to its topic's subscriptions.  A topic is subscribed in Redis when its first
subscriber here comes, unsubscribed when the last one leaves.  When the connection fails or
goes silent the reader connects again (after 0.1 s, doubling to 2 s) and subscribes every
topic that still has subscribers: they notice nothing but the messages published while Redis
was away, which are lost (pub/sub keeps none).  Publishing or subscribing while Redis is away
raises ChannelUnavailable within 2 seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections import deque

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from .. import limits

log = logging.getLogger(__name__)
PREFIX = "bpe:class:"  # Redis channel names are PREFIX + topic: apart from every other key and channel


class ChannelUnavailable(Exception):
    """Redis cannot be reached: the message was not sent, or the subscription not made."""


class Subscription:
    """One subscriber's messages of one topic: `async with channel.subscribe(topic) as s:`
    and then `async for message in s:`."""

    def __init__(self, channel: Channel, topic: str, size: int) -> None:
        if size < 1:
            raise ValueError(f"a subscription holds at least one message, not {size}")
        self._channel = channel
        self.topic = topic
        self.dropped = 0  # messages that arrived while `size` were unread, oldest first
        self._unread: deque[bytes] = deque(maxlen=size)
        self._arrived = asyncio.Event()
        self._ended = False

    def __len__(self) -> int:
        return len(self._unread)

    def put(self, message: bytes) -> None:
        if len(self._unread) == self._unread.maxlen:
            self.dropped += 1  # the deque drops the oldest itself
        self._unread.append(message)
        self._arrived.set()

    def end(self) -> None:
        self._ended = True  # iteration stops once the unread messages are read
        self._arrived.set()

    async def __aenter__(self) -> Subscription:
        await self._channel._join(self)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._channel._leave(self)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> bytes:
        while not self._unread:
            if self._ended:
                raise StopAsyncIteration
            self._arrived.clear()
            await self._arrived.wait()
        return self._unread.popleft()


class Channel(ABC):
    def subscribe(self, topic: str, size: int = 1) -> Subscription:
        """A subscription, made when entered (`async with`) and ended when left."""
        return Subscription(self, topic, size)

    @abstractmethod
    async def publish(self, topic: str, message: bytes) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...  # ends every subscription's iteration, lets connections go

    @abstractmethod
    async def _join(self, sub: Subscription) -> bool: ...  # a subscription entered: its topic's first?

    @abstractmethod
    async def _leave(self, sub: Subscription) -> bool: ...  # ... and left: its topic's last?


class LocalChannel(Channel):
    """This process's subscriptions by topic; RedisChannel delivers through one too."""

    def __init__(self) -> None:
        self.by_topic: dict[str, set[Subscription]] = {}
        self._closed = False

    async def publish(self, topic: str, message: bytes) -> None:
        self.deliver(topic, message)

    def deliver(self, topic: str, message: bytes) -> None:
        for sub in self.by_topic.get(topic, ()):
            sub.put(message)

    async def close(self) -> None:
        self._closed = True
        for sub in [sub for subs in self.by_topic.values() for sub in subs]:
            sub.end()

    async def _join(self, sub: Subscription) -> bool:
        if self._closed:
            raise ChannelUnavailable("the channel is closed")
        subs = self.by_topic.setdefault(sub.topic, set())
        subs.add(sub)
        return len(subs) == 1

    async def _leave(self, sub: Subscription) -> bool:
        subs = self.by_topic.get(sub.topic, set())
        if sub not in subs:
            return False
        subs.remove(sub)
        if not subs:
            del self.by_topic[sub.topic]
        return not subs


class RedisChannel(Channel):
    def __init__(self, url: str) -> None:
        # from_url's connections retry nothing: a command fails at once (Redis(host=...)
        # would retry ten times with backoff), and the reader below is the one place that reconnects.
        timeout = limits.REDIS_TIMEOUT_SECONDS
        self._redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, socket_keepalive=True
        )
        self._local = LocalChannel()
        self._confirmed: dict[str, asyncio.Event] = {}  # topic -> set while Redis has it subscribed
        self._pubsub: PubSub | None = None  # the connection in use; None while the reader reconnects
        self._reader: asyncio.Task | None = None

    async def publish(self, topic: str, message: bytes) -> None:
        try:
            await self._redis.publish(PREFIX + topic, message)
        except RedisError as error:
            raise ChannelUnavailable(f"Redis is unreachable: {error}") from error

    async def close(self) -> None:
        await self._local.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await self._redis.aclose()

    async def _join(self, sub: Subscription) -> bool:
        if first := await self._local._join(sub):
            self._confirmed[sub.topic] = asyncio.Event()
            if self._reader is None:
                self._reader = asyncio.create_task(self._read(), name="redis-channel-reader")
            await self._send("subscribe", sub.topic)
        confirmed = self._confirmed[sub.topic]
        try:
            async with asyncio.timeout(limits.CHANNEL_WAIT_SECONDS):
                await confirmed.wait()
        except TimeoutError:
            await self._leave(sub)
            raise ChannelUnavailable("Redis is unreachable: the subscription was not confirmed") from None
        return first

    async def _leave(self, sub: Subscription) -> bool:
        if last := await self._local._leave(sub):
            self._confirmed.pop(sub.topic, None)
            await self._send("unsubscribe", sub.topic)
        return last

    async def _send(self, command: str, topic: str) -> None:
        """SUBSCRIBE or UNSUBSCRIBE on the current connection.  Without one, or if it fails (redis-py
        then closes it), the reader's next connection subscribes what still has subscribers."""
        if self._pubsub is not None:
            with contextlib.suppress(RedisError):
                await getattr(self._pubsub, command)(PREFIX + topic)

    async def _read(self) -> None:
        """Owns the pub/sub connection: listens on it, and makes it again when it fails."""
        shortest, longest = limits.CHANNEL_RETRY_SECONDS
        delay, lost = shortest, False
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.connect()
                self._pubsub = pubsub
                if names := [PREFIX + topic for topic in self._local.by_topic]:
                    await pubsub.subscribe(*names)
                if lost:
                    log.warning("Redis pub/sub is back (topics subscribed again: %d)", len(names))
                delay, lost = shortest, False
                await self._listen(pubsub)
            except Exception as error:  # the reader outlives every failure of a connection
                if not lost:
                    unexpected = not isinstance(error, RedisError)
                    log.warning("Redis pub/sub lost (%s); reconnecting", error, exc_info=unexpected)
                lost = True
            finally:
                self._pubsub = None
                for event in self._confirmed.values():
                    event.clear()
                await pubsub.aclose()
            await asyncio.sleep(delay)
            delay = min(2 * delay, longest)

    async def _listen(self, pubsub: PubSub) -> None:
        """Hands each message to its topic's subscriptions until the connection fails.  A
        quiet connection is pinged; one that answers nothing for long is taken as failed."""
        clock = asyncio.get_running_loop().time
        heard = clock()
        while True:
            # A timeout of its own: a quiet subscription is no error (socket_timeout is for
            # replies to commands, not for waiting on messages).
            message = await pubsub.get_message(timeout=limits.CHANNEL_HEARTBEAT_SECONDS)
            if message is None:
                if clock() - heard >= limits.CHANNEL_SILENCE_SECONDS:
                    raise RedisConnectionError("Redis answers nothing")
                await pubsub.ping()
                continue
            heard = clock()
            if message["type"] not in ("message", "subscribe"):
                continue
            topic = message["channel"].decode()[len(PREFIX) :]
            if message["type"] == "message":
                self._local.deliver(topic, message["data"])
            elif event := self._confirmed.get(topic):
                event.set()


def channel_for(redis_url: str | None) -> Channel:
    """The one place that chooses: Redis pub/sub with a REDIS_URL, else this process alone."""
    return RedisChannel(redis_url) if redis_url else LocalChannel()
