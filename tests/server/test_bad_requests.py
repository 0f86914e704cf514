"""Bytes that are no HTTP request: the server's own 400 answers as the app does, in JSON and
with the security headers (httptools' bare text had none)."""

from __future__ import annotations

import pytest

from tests.live_server import live_server
from tests.system.test_edge import _closes, _connect


@pytest.fixture(scope="module")
def server():
    with live_server() as (url, proc):
        yield url, proc


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\x01\x02 not http\r\n\r\n",
        b"GET / HTTP/1.1\r\nhost: x\r\ncontent-length: many\r\n\r\n",
        b"GET /\x7f HTTP/1.1\r\nhost: x\r\n\r\n",
    ],
)
def test_a_request_httptools_cannot_parse_is_a_json_400_with_security_headers(server, raw):
    url, _ = server
    with _connect(url) as s:
        s.sendall(raw)
        answer = _closes(s)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:80]
    lowered = head.lower()
    for name in (b"content-security-policy:", b"x-content-type-options: nosniff", b"x-frame-options: deny"):
        assert name in lowered, name
    assert b"content-type: application/json" in lowered
    assert body.startswith(b'{"message":"request: ')
