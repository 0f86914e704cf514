"""The address students open to join a class: one their phones can reach.

A teacher who opened the page at 127.0.0.1 would hand the class a link to each phone's own
loopback.  So: PUBLIC_URL when a deployment names its address; else the address the teacher's
request came to, unless that is a loopback one; then, when the server listens on every
interface, this machine's address on its network; when it listens on loopback only, the
loopback link with a note saying that phones cannot reach it and how to start it for a class.
"""

from __future__ import annotations

import ipaddress
import socket

from starlette.requests import Request

from ..settings import Settings

EVERY_INTERFACE = ("0.0.0.0", "::", "")
START_FOR_A_CLASS = "start it for a class with make run HOST=0.0.0.0, or set PUBLIC_URL to its public address"


def is_loopback(host: str | None) -> bool:
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's IPv4 address on the network its default route leaves by (a datagram
    socket is pointed there, which sends nothing), or None when it has none."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
        except OSError:
            return None
        address = s.getsockname()[0]
    return None if ipaddress.ip_address(address).is_loopback else address


def join_link(request: Request, settings: Settings, code: str) -> tuple[str, str | None]:
    """The class's join URL and, when phones may not reach it, why and what to do."""
    path = f"/c/{code}"
    if settings.public_url:
        return settings.public_url.rstrip("/") + path, None
    base = request.base_url
    here = str(base).rstrip("/") + path
    if not is_loopback(base.hostname):
        return here, None
    port = f":{base.port}" if base.port else ""
    if settings.host in EVERY_INTERFACE:
        lan = lan_address()
        if lan is not None:
            return f"{base.scheme}://{lan}{port}{path}", None
        why = "this machine has no address on a network just now"
    else:
        why = f"this server listens on {settings.host} only"
    return here, f"{why}: {START_FOR_A_CLASS}"
