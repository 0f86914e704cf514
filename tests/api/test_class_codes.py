"""Class codes cannot be guessed at speed: an address that asks for too many codes that are
no class's is refused for a while (429, 4429), on every door a code opens, on both stores."""

from __future__ import annotations

import pytest
from starlette.websockets import WebSocketDisconnect

from app.limits import CODE_MISSES_BURST
from tests.api.test_classes import student

UNKNOWN = ["AAAAAA", "CCCCCC", "EEEEEE", "FFFFFF"]


def _miss_all(client) -> None:
    for i in range(CODE_MISSES_BURST):
        assert client.get(f"/c/{UNKNOWN[i % 4]}").status_code == 404


def test_pages_and_the_join_form_are_refused_once_the_misses_are_spent(client, teaching):
    _, cls = teaching
    _miss_all(client)
    r = client.get("/c/AAAAAA")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert "unknown class codes" in r.json()["message"]
    page = client.get("/join?code=AAAAAA")
    assert page.status_code == 429 and "unknown class codes" in page.text
    assert client.get(f"/c/{cls['code']}").status_code == 429  # refused before it looks
    gone = client.delete("/api/classes/AAAAAA", headers={"X-Teacher-Key": "x"})
    assert gone.status_code == 429


@pytest.mark.parametrize("door", ["student", "teacher"])
def test_sockets_are_closed_4429_once_the_misses_are_spent(client, door):
    _miss_all(client)
    with (
        pytest.raises(WebSocketDisconnect) as closed,
        client.websocket_connect(f"/api/classes/AAAAAA/{door}") as ws,
    ):
        if door == "teacher":
            ws.send_json({"type": "hello", "key": "x"})
        ws.receive_json()
    assert closed.value.code == 4429


def test_a_few_typos_are_no_trouble(client, teaching):
    _, cls = teaching
    for code in UNKNOWN[:3]:
        assert client.get(f"/join?code={code}").status_code == 404
    assert client.get(f"/c/{cls['code']}").status_code == 200
    with student(client, cls["code"]) as ws:
        assert ws.receive_json()["type"] == "snapshot"
