"""The class's join link is one students' phones can reach: PUBLIC_URL when set, the teacher's
own address when it is not a loopback one, this machine's network address when the server
listens on every interface, else a note saying why phones cannot reach it and what to do."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
import tempfile
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.main import create_app
from app.settings import Settings
from tests.live_server import ROOT, _stop, free_port, wait_healthy


def is_this_machines_network_address(host: str) -> bool:
    """Asked of the kernel, not of the app: an address this machine can bind is one of its own."""
    if ipaddress.ip_address(host).is_loopback:
        return False
    with socket.socket() as s:
        try:
            s.bind((host, 0))
        except OSError:
            return False
    return True


def start_class(settings: Settings, host_header: str | None = None) -> dict:
    with TestClient(create_app(settings), base_url=f"http://{host_header or 'testserver'}") as client:
        sid = client.post("/api/sessions", json={}).json()["id"]
        made = client.post("/api/classes", json={"session": sid})
        assert made.status_code == 201, made.text
        return made.json()


def test_public_url_is_the_join_link_when_set():
    made = start_class(Settings(public_url="https://course.example.org/explainer"), "127.0.0.1:8000")
    assert made["join_url"] == f"https://course.example.org/explainer/c/{made['code']}"
    assert made["join_note"] is None


def test_the_teachers_address_is_kept_when_it_is_not_loopback():
    made = start_class(Settings(), "192.0.2.77:8123")
    assert made["join_url"] == f"http://192.0.2.77:8123/c/{made['code']}" and made["join_note"] is None


@pytest.mark.parametrize("teacher_at", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000"])
def test_a_loopback_page_on_a_server_listening_everywhere_links_this_machines_network_address(teacher_at):
    made = start_class(Settings(host="0.0.0.0"), teacher_at)
    link = urlsplit(made["join_url"])
    if made["join_note"] is None:  # a phone on this machine's network opens this address
        assert is_this_machines_network_address(link.hostname) and link.port == 8000
    else:  # a machine on no network: said so, never a loopback link given as if it worked
        assert "no address on a network" in made["join_note"]


def test_a_loopback_only_server_says_phones_cannot_reach_it_and_how_to_start_it_for_a_class():
    made = start_class(Settings(host="127.0.0.1"), "127.0.0.1:8000")
    assert made["join_url"] == f"http://127.0.0.1:8000/c/{made['code']}"
    assert "listens on 127.0.0.1 only" in made["join_note"] and "make run HOST=0.0.0.0," in made["join_note"]


@pytest.mark.parametrize(
    "bad", ["ftp://example.org", "course.example.org", "https://a b.org", "https://x.org?q=1"]
)
def test_a_public_url_that_is_no_http_address_is_refused_at_start(bad):
    with pytest.raises(ValidationError, match="public_url"):
        Settings(public_url=bad)


def test_the_server_started_on_every_interface_gives_its_network_address():
    """The real server, `python -m app --host 0.0.0.0`: the host it listens on reaches the app."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "--no-browser", "--host", "0.0.0.0", "--port", str(port)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, proc, log)
            with httpx.Client(base_url=url, timeout=10, trust_env=False) as http:
                sid = http.post("/api/sessions", json={}).json()["id"]
                made = http.post("/api/classes", json={"session": sid}).json()
        finally:
            _stop([proc])
    host = urlsplit(made["join_url"]).hostname
    if made["join_note"] is None:
        assert is_this_machines_network_address(host)
    else:
        assert "no address on a network" in made["join_note"]
