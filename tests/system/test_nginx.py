"""The deployment's nginx (deploy/nginx/nginx.conf) in front of real app processes.

Each replica here keeps its own sessions (no REDIS_URL), so the tests that follow one
session through nginx give it a single replica; the others look at what nginx does with
several: the load spread over them, a replica that dies, a request it must not resend,
and the client's address that reaches the app's per-client limits.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from app.limits import MAX_BODY_BYTES
from tests.live_server import LiveServer, app_servers, free_port
from tests.nginx_server import Nginx, nginx_server


@pytest.fixture(scope="module")
def replicas() -> Iterator[list[LiveServer]]:
    with app_servers(2) as servers:
        yield servers


def client(source: str = "127.0.0.1") -> httpx.Client:
    """A client that connects from `source` (any 127.x address is this machine), with no proxy."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=source), trust_env=False, timeout=10)


def test_requests_take_turns_over_the_replicas(replicas: list[LiveServer]) -> None:
    with nginx_server([r.address for r in replicas]) as nginx, client() as http:
        for _ in range(10):
            answer = http.get(f"{nginx.url}/healthz")
            assert answer.status_code == 200, answer.text
            assert answer.json() == {"status": "ok"}
        logged = nginx.requests(at_least=10)
    used = [request.upstreams for request in logged]
    assert all(len(tried) == 1 for tried in used), used
    counts = {r.address: sum(tried == [r.address] for tried in used) for r in replicas}
    assert counts == {r.address: 5 for r in replicas}, counts  # round-robin: turn by turn


def test_the_page_is_compressed_and_session_ids_stay_out_of_the_log(replicas: list[LiveServer]) -> None:
    with nginx_server([replicas[0].address]) as nginx, client() as http:
        page = http.get(f"{nginx.url}/", headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200
        assert page.headers["content-encoding"] == "gzip"
        assert "Backprop Explainer" in page.text
        session = http.post(f"{nginx.url}/api/sessions", json={}).json()["id"]
        assert http.post(f"{nginx.url}/api/sessions/{session}/step", json={"n": 1}).status_code == 200
        logged = nginx.requests(at_least=3)
        assert session not in nginx.access_log_path.read_text()
    assert [request.path for request in logged] == ["/", "/api/sessions", "/api/sessions/~/step"]


def test_play_streams_frames_through_nginx(replicas: list[LiveServer]) -> None:
    with nginx_server([replicas[0].address]) as nginx, client() as http:
        session = http.post(f"{nginx.url}/api/sessions", json={"dataset": "xor"}).json()["id"]
        ws_url = f"ws://127.0.0.1:{nginx.port}/api/sessions/{session}/play"
        # The Origin a browser sends from the page nginx serves: it matches only if nginx
        # passes the browser's Host on with its port.
        with connect(ws_url, origin=nginx.url, proxy=None, open_timeout=10) as ws:
            ws.send(json.dumps({"rate": 60, "steps_per_frame": 2}))
            steps = []
            while len(steps) < 5:
                message = json.loads(ws.recv(timeout=10))
                assert message["type"] == "frame", message
                steps.append(message["state"]["step"])
        assert steps == sorted(set(steps)) and steps[0] >= 1, steps
        with pytest.raises(InvalidStatus) as refused:
            connect(ws_url, origin="http://elsewhere.example", proxy=None, open_timeout=10)
        assert refused.value.response.status_code == 403
        logged = nginx.requests(at_least=3)
    assert [(r.path, r.status) for r in logged[1:]] == [
        ("/api/sessions/~/play", 101),
        ("/api/sessions/~/play", 403),
    ]


def test_a_killed_replica_is_passed_over() -> None:
    with app_servers(2) as (first, second), nginx_server([first.address, second.address]) as nginx:
        with client() as http:
            assert [http.get(f"{nginx.url}/healthz").status_code for _ in range(2)] == [200, 200]
            second.proc.kill()
            second.proc.wait()
            answers = [http.get(f"{nginx.url}/healthz").status_code for _ in range(10)]
            # Refused before anything was sent: a new session is safe to make elsewhere.
            created = http.post(f"{nginx.url}/api/sessions", json={})
        assert answers == [200] * 10
        assert created.status_code == 201, created.text
        logged = nginx.requests(at_least=13)
    after = [request.upstreams for request in logged[2:]]
    assert [second.address, first.address] in after, after  # the one retry
    assert all(tried[-1] == first.address for tried in after), after


class Hangup:
    """A replica that takes a request in and closes the connection without an answer."""

    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with conn:
                received = b""
                while b"\r\n\r\n" not in received:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    received += chunk
                self.requests.append(received.split(b"\r\n", 1)[0])

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def hangup() -> Iterator[Hangup]:
    fake = Hangup()
    yield fake
    fake.close()


def _first_on(nginx: Nginx, fake: Hangup, send) -> tuple[int, list[str]]:
    """Sends requests until one reaches the fake replica; its status and the replicas it tried."""
    for count in range(1, 5):
        status = send()
        last = nginx.requests(at_least=count)[-1]
        if fake.address in last.upstreams:
            return status, last.upstreams
    pytest.fail("no request reached the replica that hangs up")


def test_a_post_that_reached_a_replica_is_not_sent_again(replicas: list[LiveServer], hangup: Hangup) -> None:
    upstreams = [hangup.address, replicas[0].address]
    with client() as http:
        with nginx_server(upstreams) as nginx:
            status, tried = _first_on(
                nginx, hangup, lambda: http.post(f"{nginx.url}/api/sessions", json={}).status_code
            )
        # A step or a new session resent to another replica would happen twice.
        assert (status, tried) == (502, [hangup.address])
        with nginx_server(upstreams) as nginx:
            status, tried = _first_on(nginx, hangup, lambda: http.get(f"{nginx.url}/healthz").status_code)
        assert (status, tried) == (200, upstreams)  # a GET is asked again elsewhere


def test_a_body_over_the_limit_is_refused_by_nginx_as_the_app_refuses_it(
    replicas: list[LiveServer],
) -> None:
    headers = {"Content-Type": "application/json"}
    too_large = b" " * (MAX_BODY_BYTES + 1)
    with nginx_server([replicas[0].address]) as nginx, client() as http:
        by_app = http.post(f"{replicas[0].url}/api/sessions", content=too_large, headers=headers)
        by_nginx = http.post(f"{nginx.url}/api/sessions", content=too_large, headers=headers)
        at_limit = http.post(f"{nginx.url}/api/sessions", content=too_large[:-1], headers=headers)
        logged = nginx.requests(at_least=2)
    assert by_app.status_code == by_nginx.status_code == 413
    assert by_nginx.headers["content-type"] == "application/json"
    assert by_nginx.json() == by_app.json()
    assert logged[0].upstreams == []  # refused before it took a replica's time
    assert at_limit.status_code == 422 and logged[1].upstreams == [replicas[0].address]  # not JSON


# uvicorn by itself would take X-Forwarded-For from loopback peers (FORWARDED_ALLOW_IPS, default
# 127.0.0.1); the server lets it read them only from the proxies FORWARDED_ALLOW_IPS or
# TRUSTED_PROXIES name (app/server/main.py). Here uvicorn trusts no one unless a case says so.
UVICORN_TRUSTS_NO_ONE = {"FORWARDED_ALLOW_IPS": "192.0.2.1"}
ONE_CREATION_EACH = {"CREATE_BURST": "1", "CREATE_PER_SECOND": "0.001"}


@pytest.mark.parametrize(
    ("env", "second_client_may_create"),
    [
        # nginx is trusted: each browser has its own allowance, whatever it claims itself.
        ({"TRUSTED_PROXIES": "127.0.0.1", **UVICORN_TRUSTS_NO_ONE}, True),
        # No proxy named: every browser is nginx's address, and the first one uses it up.
        ({"TRUSTED_PROXIES": "", **UVICORN_TRUSTS_NO_ONE}, False),
        # uvicorn's own default, on loopback: no longer trusted (a plain local proxy would let
        # any client claim any address), so the same as naming no proxy.
        ({"TRUSTED_PROXIES": ""}, False),
    ],
    ids=["trusted-proxy", "no-trusted-proxy", "uvicorn-loopback-default"],
)
def test_the_app_counts_the_address_nginx_saw(env: dict[str, str], second_client_may_create: bool) -> None:
    def create(source: str, claimed: str) -> int:
        with client(source) as http:
            headers = {"X-Forwarded-For": claimed}
            return http.post(f"{nginx.url}/api/sessions", json={}, headers=headers).status_code

    with app_servers(1, **ONE_CREATION_EACH, **env) as [app], nginx_server([app.address]) as nginx:
        assert create("127.0.0.2", "198.51.100.7") == 201
        # The same browser claiming to be someone else: nginx appends the address it saw,
        # and that is the one the app counts.
        assert create("127.0.0.2", "198.51.100.8") == 429
        assert create("127.0.0.3", "198.51.100.7") == (201 if second_client_may_create else 429)
        logged = nginx.requests(at_least=3)
    assert [request.client for request in logged] == ["127.0.0.2", "127.0.0.2", "127.0.0.3"]
