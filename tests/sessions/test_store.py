"""MemoryStore: bounded in count and bytes, shared fairly between clients."""

from __future__ import annotations

import pytest

from app.sessions import ConfigIn, MemoryStore, Session, SessionNotFound, new_session
from app.sessions.errors import StoreFull


def _config(hidden: int = 4) -> ConfigIn:
    return ConfigIn(hidden=hidden)


def _made(store: MemoryStore, config: ConfigIn, client: str) -> Session:
    return store.keep(new_session(store.new_id(), config), client)


def test_counted_bytes_follow_the_sessions_in_and_out():
    store = MemoryStore(10, 600)
    a = _made(store, _config(), "a")
    b = _made(store, _config(64), "b")
    assert store.bytes == a.nbytes() + b.nbytes() and b.nbytes() > a.nbytes()
    store._drop(a.id)
    assert store.bytes == b.nbytes() and len(store) == 1
    with pytest.raises(SessionNotFound):
        store.get(a.id)


def test_a_client_past_its_bytes_drops_its_own_oldest():
    size = _made(MemoryStore(10, 600), _config(), "x").nbytes()
    store = MemoryStore(10, 600, max_bytes=10 * size, client_bytes=3 * size)
    other = _made(store, _config(), "b")
    mine = [_made(store, _config(), "a") for _ in range(5)]
    assert [s.id for s in mine[-3:]] == [sid for sid in store._sessions if sid != other.id]
    assert store.get(other.id) is other


def test_a_full_store_of_sessions_in_use_held_evenly_refuses_a_new_one():
    store = MemoryStore(4, 600, per_client=2, in_use_seconds=60)
    for client in "abcd":
        _made(store, _config(), client)
    with pytest.raises(StoreFull) as caught:
        _made(store, _config(), "e")
    assert caught.value.retry_after >= 1 and len(store) == 4


def test_in_use_never_protects_one_addresss_excess():
    # One address made most of the store and keeps every session of it in use; then a class
    # behind another address makes its sessions: the excess makes room, down to an even share.
    store = MemoryStore(10, 600, in_use_seconds=300)
    hoard = [_made(store, _config(), "hoarder") for _ in range(8)]
    other = _made(store, _config(), "x")
    school = []
    with pytest.raises(StoreFull):
        for _ in range(10):
            school.append(_made(store, _config(), "school"))
    # the hoarder gave up its least recently used while it held two more than the school
    assert (len(school), store._held["school"], store._held["hoarder"]) == (4, 4, 5)
    assert [sid for sid in store._sessions if store._owner[sid] == "hoarder"] == [s.id for s in hoard[-5:]]
    assert store.get(other.id) is other and all(store.get(s.id) is s for s in school)
