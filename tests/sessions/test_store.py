"""MemoryStore: bounded in count and bytes, shared fairly between clients."""

from __future__ import annotations

import pytest

from app.sessions import ConfigIn, MemoryStore, SessionNotFound
from app.sessions.errors import StoreFull


def _config(hidden: int = 4) -> ConfigIn:
    return ConfigIn(hidden=hidden)


def test_counted_bytes_follow_the_sessions_in_and_out():
    store = MemoryStore(10, 600)
    a = store.create(_config(), "a")
    b = store.create(_config(64), "b")
    assert store.bytes == a.nbytes() + b.nbytes() and b.nbytes() > a.nbytes()
    store.delete(a.id)
    assert store.bytes == b.nbytes() and len(store) == 1
    with pytest.raises(SessionNotFound):
        store.get(a.id)


def test_a_client_past_its_bytes_drops_its_own_oldest():
    size = MemoryStore(10, 600).create(_config(), "x").nbytes()
    store = MemoryStore(10, 600, max_bytes=10 * size, client_bytes=3 * size)
    other = store.create(_config(), "b")
    mine = [store.create(_config(), "a") for _ in range(5)]
    assert [s.id for s in mine[-3:]] == [sid for sid in store._sessions if sid != other.id]
    assert store.get(other.id) is other


def test_a_full_store_of_sessions_in_use_refuses_a_new_one():
    store = MemoryStore(4, 600, per_client=2, in_use_seconds=60)
    for client in "ab":
        store.create(_config(), client)
        store.create(_config(), client)
    with pytest.raises(StoreFull) as caught:
        store.create(_config(), "c")
    assert caught.value.retry_after >= 1 and len(store) == 4
