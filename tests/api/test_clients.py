"""One address cannot crowd out the others: creation is rate-limited per address, and an
address's creations evict only its own sessions (behind a trusted proxy, per forwarded address)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

PROXY = "10.9.8.7"


def _client(**settings) -> TestClient:
    config = {"max_sessions": 20, "session_idle_seconds": 600, "trusted_proxies": PROXY, **settings}
    return TestClient(create_app(Settings(**config)), client=(PROXY, 40000))


def _create(c: TestClient, address: str, **config):
    return c.post("/api/sessions", json=config, headers={"X-Forwarded-For": address})


def test_a_flood_from_one_address_evicts_only_its_own_sessions():
    with _client() as c:
        others = [_create(c, "192.0.2.1").json()["id"] for _ in range(3)]
        flood = [_create(c, "198.51.100.9").json()["id"] for _ in range(60)]
        assert all(c.get(f"/api/sessions/{sid}").status_code == 200 for sid in others)
        assert c.get(f"/api/sessions/{flood[0]}").status_code == 404
        assert c.get(f"/api/sessions/{flood[-1]}").status_code == 200
        assert len(c.app.state.store) == 3 + c.app.state.store.per_client <= 20


def test_creation_is_rate_limited_per_address_with_retry_after():
    with _client(create_burst=5, create_per_second=0.25) as c:
        for _ in range(5):
            assert _create(c, "192.0.2.1").status_code == 201
        r = _create(c, "192.0.2.1")
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1 and "5 at once" in r.json()["message"]
        assert _create(c, "192.0.2.2").status_code == 201  # another address is not held up
        # importing makes a session too, and counts the same way
        sid = _create(c, "192.0.2.2").json()["id"]
        doc = c.get(f"/api/sessions/{sid}/export").json()
        r = c.post("/api/sessions/import", json=doc, headers={"X-Forwarded-For": "192.0.2.1"})
        assert r.status_code == 429


def test_a_forwarded_address_counts_only_from_a_trusted_proxy():
    with TestClient(
        create_app(Settings(create_burst=2, create_per_second=0.1)), client=("192.0.2.50", 1)
    ) as c:
        for i in range(2):
            assert (
                c.post("/api/sessions", json={}, headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                == 201
            )
        # the peer is no trusted proxy: its X-Forwarded-For is its own word, and ignored
        r = c.post("/api/sessions", json={}, headers={"X-Forwarded-For": "203.0.113.77"})
        assert r.status_code == 429


def test_when_every_session_is_in_use_and_held_evenly_a_new_one_is_refused_not_evicted():
    with _client(max_sessions=10, client_share=0.5, session_in_use_seconds=300) as c:
        held = [_create(c, f"192.0.2.{i}").json()["id"] for i in range(1, 11)]
        r = _create(c, "192.0.2.11")
        assert r.status_code == 503 and int(r.headers["retry-after"]) >= 1
        assert all(c.get(f"/api/sessions/{sid}").status_code == 200 for sid in held)


def test_when_every_session_is_in_use_the_biggest_address_makes_room():
    with _client(max_sessions=10, client_share=0.5, session_in_use_seconds=300) as c:
        held = [_create(c, address).json()["id"] for address in ("192.0.2.1", "192.0.2.2") for _ in range(5)]
        assert _create(c, "192.0.2.3").status_code == 201
        assert c.get(f"/api/sessions/{held[0]}").status_code == 404  # the biggest's least recently used
        assert all(c.get(f"/api/sessions/{sid}").status_code == 200 for sid in held[1:])


@pytest.mark.parametrize("in_use", [0.0])
def test_sessions_not_in_use_make_room_for_a_new_address(in_use):
    with _client(max_sessions=10, client_share=0.5, session_in_use_seconds=in_use) as c:
        held = [_create(c, address).json()["id"] for address in ("192.0.2.1", "192.0.2.2") for _ in range(5)]
        assert _create(c, "192.0.2.3").status_code == 201
        assert c.get(f"/api/sessions/{held[0]}").status_code == 404  # the least recently used
