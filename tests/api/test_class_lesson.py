"""A lesson paced by the teacher, on both stores: `lesson` opens one (built in, or a document
checked as any other input), `goto` moves every student to a stop, and a student who joins late
lands on the current one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.api.test_classes import command, hello, student

SLIDES = json.loads((Path(__file__).resolve().parents[2] / "app/classroom/lessons/slides.json").read_text())
STOP_FIELDS = ("title", "note", "phase", "derive", "line", "hide")


def own_lesson() -> dict:
    return {
        "title": "Two stops",
        "stops": [
            {"title": "Forward", "note": "ψ first.", "phase": "psi", "step": 1, "derive": None, "line": None,
             "hide": ["code"], "ask": None},
            {"title": "Back", "note": "then δᴮ", "phase": "delta_B", "step": 0, "derive": "B.0.0", "line": 2,
             "hide": [], "ask": None},
        ],
    }  # fmt: skip


def test_the_slides_lesson_paced_stop_by_stop_and_a_late_joiner_lands_on_the_stop(client, teaching):
    sid, cls = teaching
    teacher = hello(client, cls)
    try:
        with student(client, cls["code"], student="early") as ws:
            first = ws.receive_json()
            assert first["class"]["stop"] is None
            assert command(teacher, type="lesson", name="slides") == {"type": "done", "of": "lesson"}
            opened = {"type": "lesson", "title": SLIDES["title"], "count": len(SLIDES["stops"])}
            assert ws.receive_json() == opened
            for i, stop in enumerate(SLIDES["stops"]):
                assert command(teacher, type="goto", stop=i)["type"] == "done"
                got = ws.receive_json()
                check = got.pop("check", None)  # a derivation's numbers, checked on the class's run
                if stop.get("derive"):
                    assert check["weight"] == stop["derive"] and check["rel_error"] < 1e-6
                    assert (
                        check["backprop"]
                        == client.get(
                            f"/api/sessions/{sid}/gradcheck", params={"weight": stop["derive"]}
                        ).json()["backprop"]
                    )
                else:
                    assert check is None
                assert got == {"type": "stop", "index": i, "count": len(SLIDES["stops"])} | {
                    k: stop.get(k, [] if k == "hide" else None) for k in STOP_FIELDS
                }
                assert "ask" not in got  # the question comes as the class's quiz, not with the stop
            assert command(teacher, type="goto", stop=2)["type"] == "done"
            ws.receive_json()
        with student(client, cls["code"], student="late") as late:
            snap = late.receive_json()
            assert snap["class"]["stop"]["index"] == 2
            assert snap["class"]["stop"]["title"] == SLIDES["stops"][2]["title"]
        # nothing of the lesson changed the run: its steps are the teacher page's to take
        assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0
    finally:
        teacher.__exit__(None, None, None)


def test_a_teachers_own_lesson_is_checked_like_any_input(client, teaching):
    sid, cls = teaching
    teacher = hello(client, cls)
    try:
        assert command(teacher, type="lesson", lesson=own_lesson())["type"] == "done"
        assert command(teacher, type="goto", stop=1)["type"] == "done"
        bad = own_lesson()
        bad["stops"][1]["colour"] = "red"
        got = command(teacher, type="lesson", lesson=bad)
        assert got["type"] == "error" and got["of"] == "lesson" and "stops[1].colour" in got["message"]
        bad = own_lesson()
        bad["stops"][0]["note"] = "x" * 281
        got = command(teacher, type="lesson", lesson=bad)
        assert got["type"] == "error" and "stops[0].note" in got["message"] and "280" in got["message"]
        many = {"title": "too many", "stops": [own_lesson()["stops"][0]] * 61}
        got = command(teacher, type="lesson", lesson=many)
        assert got["type"] == "error" and "60" in got["message"]
        # a refused lesson leaves the one open as it was
        with student(client, cls["code"]) as ws:
            assert ws.receive_json()["class"]["stop"]["title"] == "Back"
    finally:
        teacher.__exit__(None, None, None)


def test_goto_and_lesson_mistakes_name_their_field(client, teaching):
    sid, cls = teaching
    teacher = hello(client, cls)
    try:
        got = command(teacher, type="goto", stop=0)
        assert got["type"] == "error" and "open a lesson first" in got["message"]
        got = command(teacher, type="lesson", name="nope")
        assert got["type"] == "error" and "name" in got["message"] and "slides" in got["message"]
        got = command(teacher, type="lesson")
        assert got["type"] == "error" and "lesson" in got["message"]
        command(teacher, type="lesson", name="slides")
        for wrong in (-1, len(SLIDES["stops"]), 1.5, "2", None, True):
            got = command(teacher, type="goto", stop=wrong)
            assert got["type"] == "error" and got["message"].startswith("stop"), (wrong, got)
    finally:
        teacher.__exit__(None, None, None)


def test_a_student_cannot_move_the_class(client, teaching):
    sid, cls = teaching
    teacher = hello(client, cls)
    try:
        command(teacher, type="lesson", name="slides")
        with student(client, cls["code"]) as ws:
            ws.receive_json()
            ws.send_json({"type": "goto", "stop": 3})
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1008
        with student(client, cls["code"]) as ws:
            assert ws.receive_json()["class"]["stop"] is None
    finally:
        teacher.__exit__(None, None, None)
