"""Who is asking: a client's address (behind a trusted proxy, the address it forwarded), and
how often each client may do what is counted: create a session, or ask for a class code
that is not there (guessing codes)."""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict

from starlette.requests import HTTPConnection

from app.sessions.errors import TooManyRequests

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


def _trusted(address: str, proxies: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


class Limiter:
    """A token bucket per client: `rate` tokens a second on average, `burst` at once.  `what`
    names what is counted, in the 429's words ("new sessions")."""

    def __init__(self, rate: float, burst: int, what: str) -> None:
        self.rate = rate
        self.burst = burst
        self.what = what
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, when)

    def check(self, client: str) -> None:
        """TooManyRequests, with the seconds until the next token, when `client` has none left."""
        tokens = self._tokens(client, time.monotonic())
        if tokens < 1.0:
            wait = math.ceil((1.0 - tokens) / self.rate)
            raise TooManyRequests(
                f"too many {self.what} from one address: at most {self.burst} at once and "
                f"{self.rate:g} a second after that; try again in {wait} s",
                retry_after=wait,
            )

    def take(self, client: str) -> None:
        """One token of `client`'s, or TooManyRequests (check) when there is none."""
        self.check(client)
        now = time.monotonic()
        self._buckets[client] = (self._tokens(client, now) - 1.0, now)
        while len(self._buckets) > MAX_CLIENTS_TRACKED:
            self._buckets.popitem(last=False)

    def _tokens(self, client: str, now: float) -> float:
        tokens, at = self._buckets.pop(client, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        self._buckets[client] = (tokens, now)  # the most recently seen last
        return tokens
