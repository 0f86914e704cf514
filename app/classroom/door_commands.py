"""The teacher's tools against what does not belong in a class: lock joining, see the seats by
the address they are held from, drop an address (app/classroom/door.py keeps what they set).

    {"type": "lock"}   {"type": "unlock"}   {"type": "drop", "address": tag}   {"type": "unblock"}

They join the one table of commands (app/classroom/commands.py).  None of them sends students
anything but `drop`, whose message only the student sockets read: those of that address close
(4410), on every replica; no page is sent it.

An address is never shown: the roster names it by a tag, a keyed hash of the address with the
class's own secret (its state's `tag_key`, made with the class), the same all class long and
unrelated from one class to the next.  The roster lists the CLASS_ADDRESS_GROUPS addresses that
hold the most seats, and counts the rest as "others".
"""

from __future__ import annotations

import hashlib
import hmac
import re

from ..limits import CLASS_ADDRESS_GROUPS
from ..sessions import InputError
from .commands import Context, command
from .messages import message
from .registry import ALPHABET, ClassInfo, Registry

TAG_LENGTH = 8  # of ALPHABET: 34 bits, so two addresses of one class never share a tag
TAG = re.compile(f"^[{ALPHABET}]{{{TAG_LENGTH}}}$")


def tag(secret: str, client: str) -> str:
    digest = hmac.new(secret.encode(), client.encode(), hashlib.sha256).digest()
    n, out = int.from_bytes(digest[:8]), []
    for _ in range(TAG_LENGTH):
        n, i = divmod(n, len(ALPHABET))
        out.append(ALPHABET[i])
    return "".join(out)


def _secret(info: ClassInfo) -> str:
    return info.state.get("tag_key") or info.key_hash  # (a class made before tags had its own key)


def groups(per_client: dict[str, int], secret: str) -> dict:
    """The roster's seats by address: the largest groups by tag, most seats first, and the rest."""
    tagged = sorted(
        ((tag(secret, client), n) for client, n in per_client.items()), key=lambda g: (-g[1], g[0])
    )
    rest = tagged[CLASS_ADDRESS_GROUPS:]
    return {
        "addresses": [{"tag": t, "seats": n} for t, n in tagged[:CLASS_ADDRESS_GROUPS]],
        "others": {"addresses": len(rest), "seats": sum(n for _, n in rest)},
    }


async def roster(registry: Registry, info: ClassInfo) -> dict:
    """The teacher's roster's part of it: locked, the seats by address, how many are blocked."""
    per_client, blocked = await registry.addresses(info.code)
    return {
        "locked": info.state.get("locked") is True,
        **groups(per_client, _secret(info)),
        "blocked": blocked,
    }


@command("lock")
async def lock(c: Context, got: dict) -> None:
    await c.registry.change(c.code, locked=True)


@command("unlock")
async def unlock(c: Context, got: dict) -> None:
    await c.registry.change(c.code, locked=False)


@command("drop")
async def drop(c: Context, got: dict) -> bytes:
    wanted = got.get("address")
    if not isinstance(wanted, str) or not TAG.match(wanted):
        raise InputError("address", f"must be the tag of an address the roster shows ({TAG_LENGTH} letters)")
    per_client, _ = await c.registry.addresses(c.code)
    secret = _secret(c.info)
    client = next((client for client in per_client if tag(secret, client) == wanted), None)
    if client is None:
        raise InputError("address", "no address with this tag holds a seat just now: it may have left")
    await c.registry.drop_address(c.code, client)
    return message("drop", client=client)


@command("unblock")
async def unblock(c: Context, got: dict) -> None:
    await c.registry.unblock(c.code)
