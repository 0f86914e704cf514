"""No session id in any line the server logs, at any level: the real server, its log file."""

from __future__ import annotations

import io
import json
import logging
import tempfile

import httpx
import pytest
from uvicorn.logging import AccessFormatter, DefaultFormatter
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from app.server.logs import RedactIds, log_config
from tests.live_server import live_server

COOKIE = "other-app-session=Zq8cookie-secret-value"


def _everything_that_logs_a_path(url: str) -> str:
    """Creates a session and uses it in every way that puts its id in a path; its id."""
    ws_url = url.replace("http://", "ws://")
    with httpx.Client(base_url=url, timeout=30) as c:
        sid = c.post("/api/sessions", json={"hidden": 3}).json()["id"]
        assert c.post(f"/api/sessions/{sid}/step", json={"n": 2}).status_code == 200
        assert c.post(f"/api/sessions/{sid}/step", json={"n": "many"}).status_code == 422
        assert c.get(f"/api/sessions/{sid}/no-such-thing").status_code == 404
        assert c.get(f"/api/sessions/{sid}").status_code == 200
        with connect(f"{ws_url}/api/sessions/{sid}/play", additional_headers={"Cookie": COOKIE}) as ws:
            ws.send('{"rate": 60}')
            assert '"type":"frame"' in ws.recv(timeout=10)
        with pytest.raises(InvalidStatus):
            connect(f"{ws_url}/api/sessions/{sid}/play", origin="http://elsewhere.example")
        assert c.post("/api/sessions/import", json={"format": "no"}).status_code == 422
        assert c.delete(f"/api/sessions/{sid}").status_code == 204
        assert c.get(f"/api/sessions/{sid}").status_code == 404
    return sid


def test_the_log_holds_no_session_id_at_trace_level_with_the_access_log():
    with tempfile.TemporaryFile() as log:
        with live_server(log=log, LOG_LEVEL="trace", ACCESS_LOG="true") as (url, _):
            sid = _everything_that_logs_a_path(url)
        log.seek(0)
        text = log.read().decode()
    # The log did record it all: trace lines, the access log, the WebSocket's lines.
    assert "TRACE:" in text and "ASGI [" in text and "DEBUG:" in text
    assert '"POST /api/sessions/~' in text and '/step HTTP/1.1" 200' in text
    assert '"WebSocket /api/sessions/~' in text and "[accepted]" in text and '/play" 403' in text
    assert '"POST /api/sessions/import HTTP/1.1" 422' in text  # a route's name is kept
    # and never the id, nor a good part of it, nor a cookie's value
    for secret in (sid, sid[:12], sid[-12:], "cookie-secret-value"):
        assert secret not in text, secret


def _line(record_args, msg: str, formatter: logging.Formatter, exc: BaseException | None = None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactIds())
    handler.setFormatter(formatter)
    logger = logging.getLogger("tests.redact")
    logger.propagate = False
    logger.handlers = [handler]
    logger.setLevel(logging.DEBUG)
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    logger.error(msg, *record_args, exc_info=exc_info)
    return stream.getvalue()


def test_ids_in_arguments_split_messages_and_tracebacks_are_redacted():
    sid = "Q5vJ0n2Yx8F_kL3m-Wq7ZtR1cB9dE4aH"
    fmt = DefaultFormatter("%(levelprefix)s %(message)s", use_colors=False)
    assert sid not in _line((), f"GET /api/sessions/{sid}/step", fmt)
    assert sid not in _line((sid,), "/api/sessions/%s/step failed", fmt)  # the id in an argument of its own
    assert sid not in _line(({"path": f"/api/sessions/{sid}"},), "scope=%s", fmt)
    assert sid not in _line((f"/api/sessions/{sid}".encode(),), "raw_path=%r", fmt)
    try:
        raise RuntimeError(f"no route for /api/sessions/{sid}/play")
    except RuntimeError as e:
        line = _line((), "Exception in ASGI application", fmt, e)
    assert "RuntimeError: no route for /api/sessions/~" in line and sid not in line
    # uvicorn's access formatter reads the arguments themselves: they stay five.
    access = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False)
    args = ("127.0.0.1:5", "POST", f"/api/sessions/{sid}/step", "1.1", 200)
    line = _line(args, '%s - "%s %s HTTP/%s" %d', access)
    assert line.startswith('127.0.0.1:5 - "POST /api/sessions/~') and sid not in line


def test_every_handler_of_the_servers_logging_redacts():
    config = log_config("info")
    assert config["handlers"], config
    for name, handler in config["handlers"].items():
        assert handler["filters"] == ["redact_ids"], name
    assert config["root"]["handlers"] and "app" in config["loggers"]


def _a_class_in_every_way_that_logs(url: str) -> list[str]:
    """Starts a class and uses it as a teacher and a student do; its secrets."""
    ws_url = url.replace("http://", "ws://")
    student_id = "a-student-id-0123456789"
    with httpx.Client(base_url=url, timeout=30) as c:
        sid = c.post("/api/sessions", json={}).json()["id"]
        other = c.post("/api/sessions", json={"hidden": 2}).json()["id"]
        made = c.post("/api/classes", json={"session": sid}).json()
        code, key = made["code"], made["teacher_key"]
        assert c.get(f"/c/{code}").status_code == 200
        assert c.get(f"/join?code={code}", follow_redirects=False).status_code == 303
        with connect(f"{ws_url}/api/classes/{code}/student?student={student_id}") as student:
            assert '"snapshot"' in student.recv(timeout=10)
            with connect(f"{ws_url}/api/classes/{code}/teacher") as teacher:
                teacher.send(json.dumps({"type": "hello", "key": key}))
                teacher.send(json.dumps({"type": "follow", "session": other}))
                while '"done"' not in (got := teacher.recv(timeout=10)):
                    assert '"error"' not in got, got
        assert c.delete(f"/api/classes/{code}", headers={"X-Teacher-Key": key}).status_code == 204
    return [sid, other, code, key, student_id]


def test_the_log_holds_no_class_code_key_or_student_id_at_trace_level():
    with tempfile.TemporaryFile() as log:
        with live_server(log=log, LOG_LEVEL="trace", ACCESS_LOG="true") as (url, _):
            secrets = _a_class_in_every_way_that_logs(url)
        log.seek(0)
        text = log.read().decode()
    # the log did record the class: its pages, its sockets and their frames
    assert '"GET /c/~' in text and '"GET /join?code=~' in text and "/student?student=~" in text
    assert 'TEXT \'{"type": "hello", "key": "~' in text
    for secret in secrets:
        assert secret not in text, secret
