"""Who is asking: a client's address (behind a trusted proxy, the address it forwarded), and
how often each client may do what is counted: create a session, or ask for a class code
that is not there (guessing codes)."""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict

from starlette.requests import HTTPConnection

from ..sessions.errors import TooManyRequests

MAX_CLIENTS_TRACKED = 10_000  # buckets kept; the least recently seen go first (a full bucket is no loss)


def parse_proxies(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """TRUSTED_PROXIES: comma-separated addresses or networks (10.0.0.0/8)."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


def client_of(conn: HTTPConnection, proxies: list) -> str:
    """The client's address.  From a trusted proxy, the rightmost X-Forwarded-For entry
    that is not itself a trusted proxy: entries left of it are the client's own word."""
    peer = conn.client.host if conn.client else ""
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in conn.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def client_of_scope(scope, proxies: list) -> str:
    """client_of for an ASGI scope: without trusted proxies, its peer's address at once."""
    if not proxies:
        return scope["client"][0] if scope.get("client") else ""
    return client_of(HTTPConnection(scope), proxies)


def _trusted(address: str, proxies: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


class Limiter:
    """A token bucket per client: `rate` tokens a second on average, `burst` at once.  `what`
    names what is counted, in the 429's words ("new sessions").  The buckets are this
    process's (LocalBuckets), or Redis's (RedisBuckets, with REDIS_URL), so that a client's
    limit holds across workers and replicas."""

    def __init__(self, rate: float, burst: int, what: str, buckets: Buckets | None = None) -> None:
        self.rate = rate
        self.burst = burst
        self.what = what
        self.buckets = buckets or LocalBuckets()

    async def check(self, client: str) -> None:
        """TooManyRequests, with the seconds until the next token, when `client` has none left."""
        self._refuse_after(
            await self.buckets.draw(f"{self.what}:{client}", self.rate, self.burst, take=False)
        )

    async def take(self, client: str) -> None:
        """One token of `client`'s, or TooManyRequests (check) when there is none."""
        self._refuse_after(await self.buckets.draw(f"{self.what}:{client}", self.rate, self.burst, take=True))

    def _refuse_after(self, wait: int) -> None:
        if wait:
            raise TooManyRequests(
                f"too many {self.what} from one address: at most {self.burst} at once and "
                f"{self.rate:g} a second after that; try again in {wait} s",
                retry_after=wait,
            )


class Buckets:
    async def draw(self, key: str, rate: float, burst: int, take: bool) -> int:
        """0 when the bucket `key` has a token (one taken with `take`), else the seconds to wait."""
        raise NotImplementedError

    async def close(self) -> None:
        """Lets go of connections (the server's shutdown)."""


class LocalBuckets(Buckets):
    def __init__(self) -> None:
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)

    async def draw(self, key: str, rate: float, burst: int, take: bool) -> int:
        now = time.monotonic()
        tokens, at = self._buckets.pop(key, (float(burst), now))
        tokens = min(burst, tokens + (now - at) * rate)
        wait = 0 if tokens >= 1.0 else math.ceil((1.0 - tokens) / rate)
        self._buckets[key] = (tokens - 1.0 if take and not wait else tokens, now)  # the most recent last
        while len(self._buckets) > MAX_CLIENTS_TRACKED:
            self._buckets.popitem(last=False)
        return wait


# DRAW: ARGV key, rate, burst, now (ms), take ("1") -> 0, or the whole seconds to wait
DRAW = """
local k = 'bpe:limit:' .. ARGV[1]
local rate, burst, now = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local got = redis.call('HMGET', k, 't', 'at')
local tokens = math.min(burst, tonumber(got[1] or burst) + (now - tonumber(got[2] or now)) / 1000 * rate)
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) / rate) elseif ARGV[5] == '1' then tokens = tokens - 1 end
redis.call('HSET', k, 't', tostring(tokens), 'at', now)
redis.call('PEXPIRE', k, math.ceil(burst / rate * 1000) + 1000)
return wait
"""


class RedisBuckets(Buckets):
    """The buckets in Redis, shared by every worker and replica (each key expires once full)."""

    def __init__(self, url: str) -> None:
        from ..sessions.redis_link import RedisLink  # only where REDIS_URL is set

        self.link = RedisLink(
            url,
            away="the limits store (Redis) cannot be reached just now; try again shortly",
            full="the limits store (Redis) is full: nothing can be made until it has room again",
        )
        self._draw = self.link.redis.register_script(DRAW)

    async def draw(self, key: str, rate: float, burst: int, take: bool) -> int:
        args = [key, rate, burst, int(time.time() * 1000), int(take)]
        return int(await self.link.call(lambda: self._draw(keys=[], args=args)))

    async def close(self) -> None:
        await self.link.close()
