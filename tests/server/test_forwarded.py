"""Who a client is: X-Forwarded-For counts only from TRUSTED_PROXIES, never from any peer at
127.0.0.1 (uvicorn's own default), so a client behind a plain local proxy claims no address."""

from __future__ import annotations

import httpx

from tests.live_server import live_server


def _creations(url: str, headers_of) -> list[int]:
    with httpx.Client(base_url=url, timeout=10) as c:
        return [c.post("/api/sessions", json={}, headers=headers_of(i)).status_code for i in range(4)]


def test_x_forwarded_for_from_loopback_is_not_trusted_by_default():
    with live_server(CREATE_BURST="2", CREATE_PER_SECOND="0.01") as (url, _):
        got = _creations(url, lambda i: {"X-Forwarded-For": f"203.0.113.{i}"})
    assert got == [201, 201, 429, 429]  # one client, 127.0.0.1, whatever it claims


def test_x_forwarded_for_from_a_trusted_proxy_names_the_client():
    with live_server(CREATE_BURST="2", CREATE_PER_SECOND="0.01", TRUSTED_PROXIES="127.0.0.1") as (url, _):
        got = _creations(url, lambda i: {"X-Forwarded-For": f"203.0.113.{i}"})
    assert got == [201, 201, 201, 201]


def test_a_trusted_proxys_scheme_makes_the_join_link_and_no_one_elses():
    for trusted, scheme in (("127.0.0.1", "https"), ("", "http")):
        with live_server(TRUSTED_PROXIES=trusted) as (url, _), httpx.Client(base_url=url, timeout=10) as c:
            sid = c.post("/api/sessions", json={}).json()["id"]
            made = c.post("/api/classes", json={"session": sid}, headers={"X-Forwarded-Proto": "https"})
            assert made.json()["join_url"].startswith(f"{scheme}://"), (trusted, made.json()["join_url"])
