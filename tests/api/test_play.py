"""Play mode over the WebSocket: frames, settings, errors, limits and clean-up."""

from __future__ import annotations

import asyncio
import time

import numpy as np
import orjson
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.api.frames import ARRAYS
from app.api.frames import frame as make_frame
from app.api.routes.play import TICKER_NAME
from app.main import create_app
from app.settings import Settings

COMPACT = {
    "index", "s", "y", "psi", "x", "theta", "y_hat", "loss", "dL_dy_hat", "df_B", "delta_B",
    "df_A", "delta_A", "A", "B",
}  # fmt: skip


def _play(client: TestClient, sid: str):
    return client.websocket_connect(f"/api/sessions/{sid}/play")


def _next(ws, kind: str = "frame", limit: int = 500) -> dict:
    """The next message of this type, skipping frames already on their way."""
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message in {limit}")


def _steps_of(client: TestClient, sid: str) -> int:
    return client.get(f"/api/sessions/{sid}").json()["state"]["step"]


def _wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.01)


def test_frames_arrive_and_the_step_advances(client, make_session):
    sid = make_session(hidden=16)["id"]
    with _play(client, sid) as ws:
        first, second = _next(ws), _next(ws)
    assert set(first) == {"type", "state", "trace", "losses"}
    assert set(first["state"]) == {"step", "epoch", "dataset_loss", "diverged", "next_index"}
    assert set(first["trace"]) == COMPACT  # no grad_A, grad_B, A_before, B_before: the page derives them
    assert first["state"]["step"] == 1 and second["state"]["step"] == 2
    assert len(first["losses"]) == 1 and first["losses"][0] == first["trace"]["loss"]
    assert np.shape(first["trace"]["A"]) == (3, 16) and np.shape(first["trace"]["B"]) == (17, 1)
    assert second["trace"]["index"] == first["state"]["next_index"]


def _as_sent(values) -> np.ndarray:
    """Numbers as a frame carries them: float32, so about seven significant digits."""
    return np.asarray(values, dtype=np.float64).astype(np.float32)


def test_frame_equals_what_the_http_api_returns(client, make_session):
    config = {"dataset": "circle", "order": "shuffle", "f_A": "tanh", "hidden": 5, "seed": 4}
    played, stepped = make_session(**config)["id"], make_session(**config)["id"]
    with _play(client, played) as ws:
        ws.send_json({"steps_per_frame": 7})
        frame = next(f for f in iter(lambda: _next(ws), None) if len(f["losses"]) == 7)
    body = client.post(f"/api/sessions/{stepped}/step", json={"n": frame["state"]["step"]}).json()
    for name in COMPACT - {"index"}:
        np.testing.assert_array_equal(_as_sent(frame["trace"][name]), _as_sent(body["trace"][name]), name)
    assert frame["trace"]["index"] == body["trace"]["index"]
    np.testing.assert_array_equal(_as_sent(frame["losses"]), _as_sent(body["losses"][-7:]))
    state = body["state"]
    assert _as_sent(frame["state"]["dataset_loss"]) == _as_sent(state["dataset_loss"])
    assert {k: v for k, v in frame["state"].items() if k != "dataset_loss"} == {
        k: v for k, v in state.items() if k != "dataset_loss"
    }


def test_numbers_are_sent_short(client, make_session):
    sid = make_session(dataset="sine", f_A="sigmoid", hidden=16)["id"]
    with _play(client, sid) as ws:
        frame = _next(ws)
    values = np.concatenate([np.ravel(frame["trace"][k]) for k in ("psi", "x", "delta_A", "A", "B")])
    for v in values:
        digits = repr(abs(float(v))).split("e")[0].replace(".", "").strip("0")  # shortest form
        assert len(digits) <= 9, v  # float32 needs at most nine


def test_values_beyond_float32_are_rounded_in_float64():
    trace = {name: np.array([0.5]) for name in ARRAYS} | {"index": 0, "loss": 1.2345678e70}
    trace["delta_A"] = np.array([-1.2345678e45, 0.1234567])
    state = {"step": 1, "epoch": 0, "dataset_loss": 3.0, "diverged": False, "next_index": 0}
    frame = orjson.loads(make_frame(state, trace, np.array([1.2345678e70])))
    assert frame["trace"]["delta_A"] == [pytest.approx(-1.23457e45, rel=1e-12), 0.123457]
    assert frame["trace"]["loss"] == frame["losses"][0] == pytest.approx(1.23457e70, rel=1e-12)
    assert frame["trace"]["psi"] == [0.5] and frame["state"]["dataset_loss"] == 3.0


def test_pause_stops_frames_and_play_resumes(client, make_session):
    sid = make_session()["id"]
    with _play(client, sid) as ws:
        _next(ws)
        ws.send_json({"paused": True})
        ws.send_json({"rate": 0})  # its error answer comes after the pause took effect
        _next(ws, "error")
        paused_at = _steps_of(client, sid)
        time.sleep(0.3)  # nine ticks at the default 30 frames a second
        assert _steps_of(client, sid) == paused_at
        ws.send_json({"paused": False})
        assert _next(ws)["state"]["step"] == paused_at + 1


def test_steps_per_frame_and_rate_change(client, make_session):
    sid = make_session()["id"]
    with _play(client, sid) as ws:
        ws.send_json({"rate": 60, "steps_per_frame": 25})
        frame = next(f for f in iter(lambda: _next(ws), None) if len(f["losses"]) == 25)
        after = _next(ws)
        assert after["state"]["step"] == frame["state"]["step"] + 25
        ws.send_json({"rate": 1.5, "steps_per_frame": 1})
        frame = next(f for f in iter(lambda: _next(ws), None) if len(f["losses"]) == 1)
        ws.send_json({"rate": 60})  # a faster rate takes effect without waiting out the slow tick
        assert _next(ws)["state"]["step"] == frame["state"]["step"] + 1


@pytest.mark.parametrize(
    "message,field,limit",
    [
        ({"rate": 0}, "rate", "from 1 to 60"),
        ({"rate": 61}, "rate", "from 1 to 60"),
        ({"rate": "fast"}, "rate", "from 1 to 60"),
        ({"rate": True}, "rate", "from 1 to 60"),
        ({"steps_per_frame": 0}, "steps_per_frame", "from 1 to 1000"),
        ({"steps_per_frame": 1001}, "steps_per_frame", "from 1 to 1000"),
        ({"steps_per_frame": 2.5}, "steps_per_frame", "whole number"),
        ({"paused": "yes"}, "paused", "true or false"),
        ({"speed": 2}, "speed", "rate, steps_per_frame, paused"),
        ([1, 2], "message", "JSON object"),
    ],
)
def test_bad_messages_are_answered_naming_the_field(client, make_session, message, field, limit):
    sid = make_session()["id"]
    with _play(client, sid) as ws:
        ws.send_json({"paused": True, "rate": 20})
        ws.send_json(message)
        error = _next(ws, "error")
        assert error["message"].startswith(f"{field}: ") and limit in error["message"]
        assert error["field"] == field
        assert error.get("largest") == (1000 if field == "steps_per_frame" else None)
        # nothing of a bad message is applied, and the stream goes on
        ws.send_json({"paused": False})
        _next(ws)


def test_text_that_is_not_json_and_binary_messages_are_errors(client, make_session):
    sid = make_session()["id"]
    with _play(client, sid) as ws:
        ws.send_text("play faster")
        assert _next(ws, "error")["message"].startswith("message: not valid JSON")
        ws.send_bytes(b'{"rate": 10}')
        assert _next(ws, "error")["message"].startswith("message: send settings as JSON text")
        _next(ws)


def test_steps_per_frame_is_bounded_by_the_network_size(client):
    cfg = {"hidden": 256, "data": {"s": [[0.1] * 300], "y": [[0.0]]}}
    sid = client.post("/api/sessions", json=cfg).json()["id"]
    with _play(client, sid) as ws:
        ws.send_json({"paused": True, "steps_per_frame": 1000})
        error = _next(ws, "error")
        message = error["message"]
        assert message.startswith("steps_per_frame: must be a whole number from 1 to ")
        assert message.endswith("for this session at 30 frames a second, not 1000")
        largest = int(message.split(" to ")[1].split()[0])
        assert 1 <= largest < 1000 and error["largest"] == largest and error["field"] == "steps_per_frame"
        ws.send_json({"steps_per_frame": largest})  # the largest it names is taken
        ws.send_json({"rate": 60})  # twice the rate: twice the work, past the share
        error = _next(ws, "error")
        assert "at 60 frames a second" in error["message"] and error["largest"] <= largest


def test_divergence_pauses_and_says_why(client, make_session):
    sid = make_session(dataset="sine", f_A="linear", alpha_A=10, alpha_B=10)["id"]
    with _play(client, sid) as ws:
        ws.send_json({"steps_per_frame": 50, "rate": 60})
        message = _next(ws, "diverged")
        assert "overflow" in message["message"] and "alpha_A" in message["advice"]
        assert message["state"]["diverged"] is True
        at = _steps_of(client, sid)
        time.sleep(0.1)  # six ticks at 60 frames a second
        assert _steps_of(client, sid) == at


def test_unknown_session_closes_with_4404(client):
    with _play(client, "no-such-session") as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_json()
    assert closed.value.code == 4404


def test_closing_leaves_no_ticker_behind(client, make_session):
    sid = make_session()["id"]
    store = client.app.state.store
    for _ in range(3):
        with _play(client, sid) as ws:
            _next(ws)
            assert store.plays.playing == {sid: 1}
    _wait_until(lambda: store.plays.playing == {})

    async def tickers() -> list[str]:
        return [t.get_name() for t in asyncio.all_tasks() if t.get_name() == TICKER_NAME and not t.done()]

    _wait_until(lambda: client.portal.call(tickers) == [])


def test_a_deleted_session_ends_its_stream(client, make_session):
    sid = make_session()["id"]
    with _play(client, sid) as ws:
        _next(ws)
        client.delete(f"/api/sessions/{sid}")
        with pytest.raises(WebSocketDisconnect) as closed:
            _next(ws)
    assert closed.value.code == 4404


@pytest.fixture
def strict_client():
    settings = Settings(
        play_per_session=1,
        play_total=2,
        play_message_bytes=64,
        play_messages_per_second=1,
        play_client_share=1,
    )
    with TestClient(create_app(settings)) as c:
        yield c


def test_players_are_limited_per_session_and_in_all(strict_client):
    c = strict_client
    a, b, d = (c.post("/api/sessions", json={}).json()["id"] for _ in range(3))
    with _play(c, a) as first:
        _next(first)
        with _play(c, a) as second, pytest.raises(WebSocketDisconnect) as closed:
            second.receive_json()
        assert closed.value.code == 1013
        with _play(c, b) as other:
            _next(other)
            with _play(c, d) as third, pytest.raises(WebSocketDisconnect) as closed:
                third.receive_json()
            assert closed.value.code == 1013


def test_large_or_flooding_messages_close_the_connection(strict_client):
    c = strict_client
    sid = c.post("/api/sessions", json={}).json()["id"]
    with _play(c, sid) as ws:
        ws.send_text('{"rate": 30, "pad": "' + "x" * 100 + '"}')
        with pytest.raises(WebSocketDisconnect) as closed:
            _next(ws, "none: frames until the close")
        assert closed.value.code == 1008
    with _play(c, sid) as ws:
        for _ in range(3):  # a burst of two is allowed at one message a second
            ws.send_json({"rate": 30})
        with pytest.raises(WebSocketDisconnect) as closed:
            _next(ws, "none: frames until the close")
        assert closed.value.code == 1008


def test_steps_a_frame_past_a_budget_that_shrank_pause_the_stream_naming_the_most_it_may_take(
    client, make_session, monkeypatch
):
    """The estimate of a step's cost learns while a stream plays: when a frame's steps no longer fit
    one call, the stream pauses itself and says so as it refuses a settings message, with the most
    steps a frame it may take now; asked for those, it plays on."""
    from app.sessions import budget

    made = make_session()
    sid, per_call = made["id"], made["limits"]["max_steps"]
    with _play(client, sid) as ws:
        ws.send_json({"rate": 10, "steps_per_frame": 20})
        _next(ws)
        # a step now costs this many times more: one call takes about 17 steps, not 20
        k = 0.06 * per_call
        was = budget.correction
        monkeypatch.setattr(budget, "correction", lambda kind: k * was(kind))
        error = _next(ws, "error")
        assert error["field"] == "steps_per_frame" and error["message"].endswith(
            "for this session at 10 frames a second now, not 20"
        ), error
        largest = error["largest"]
        assert 1 <= largest < 20 and largest == int(error["message"].split(" to ")[1].split()[0])
        ws.send_json({"rate": 10, "steps_per_frame": largest, "paused": False})
        before = _next(ws)["state"]["step"]
        assert _next(ws)["state"]["step"] == before + largest
