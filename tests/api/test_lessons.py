"""The lessons over HTTP: the list, a built-in document, 404, and the check of a teacher's own
document, whose every refusal is a 422 naming the field (a 413 past the body's limit), and which
never changes a session."""

from __future__ import annotations

import json

import pytest

from app.api.middleware import SMALL_BODIES
from app.classroom.lessons import BUILT_IN
from app.limits import MAX_LESSON_BYTES
from tests.conftest import stored

CHECK = "/api/lessons/check"
HAND = {"dataset": "hand", "hidden": 2}


def lesson(*stops: dict, **top) -> dict:
    return {"title": "A lesson", "stops": list(stops) or [{"title": "One"}], **top}


def refused(client, doc, field: str, *words: str) -> dict:
    r = client.post(CHECK, json=doc)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"][0]["field"] == field, body
    assert body["message"].startswith(f"{field}: ")
    assert all(w in body["message"] for w in words), body["message"]
    return body


def test_the_list_names_each_built_in_lesson_with_its_title_and_count_of_stops(client):
    r = client.get("/api/lessons")
    assert r.status_code == 200
    assert r.json() == [{"name": "slides", "title": BUILT_IN["slides"]["title"], "stops": 8}]


def test_a_built_in_lesson_is_its_checked_document(client):
    r = client.get("/api/lessons/slides")
    assert r.status_code == 200
    slides = r.json()
    assert slides == BUILT_IN["slides"]
    assert [s["title"] for s in slides["stops"]][:2] == ["Notation", "Goal"]
    # the document as served is a valid lesson as it is: checking it changes nothing
    assert client.post(CHECK, json=slides).json() == slides


def test_an_unknown_lesson_is_404_naming_the_name(client):
    r = client.get("/api/lessons/slidez")
    assert r.status_code == 404
    assert r.json()["message"] == 'no lesson named "slidez"; the lessons are slides'


def test_the_check_answers_the_normal_form(client):
    doc = lesson(
        {"title": " Start\u202e ", "hide": ["play", "loss", "play"], "ask": {"target": "A", "index": [0, 1]}}
    )
    r = client.post(CHECK, json=doc)
    assert r.status_code == 200, r.text
    assert r.json()["stops"] == [
        {"title": "Start", "note": "", "phase": None, "step": 0, "derive": None, "line": None,
         "hide": ["loss", "play"], "ask": {"target": "A", "index": [0, 1]}},
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "field", "words"),
    [
        (lesson({"title": "a"}, {"title": "b", "colour": "red"}), "stops[1].colour", ("unknown field",)),
        (lesson(author="me"), "author", ("unknown field",)),
        (lesson({"title": "a", "note": "n" * 281}), "stops[0].note", ("at most 280 characters", "281")),
        (lesson(*[{"title": "s"}] * 61), "stops", ("60", "61")),
        (lesson({"title": "a", "phase": "grad_C"}), "stops[0].phase", ("grad_B", "update_A")),
        (lesson({"title": "a", "line": 1}), "stops[0].line", ("derive",)),
        (lesson({"title": "a", "derive": "B.3.0"}, config=HAND), "stops[0].derive", ("rows 0 to 2",)),
        (lesson({"title": "a", "derive": "A.0.0", "line": 6}), "stops[0].line", ("lines 0 to 5",)),
        (lesson({"title": "a", "ask": {"target": "grad_B", "index": [0]}}), "stops[0].ask.target",
         ("delta_B",)),
        (lesson({"title": "a", "ask": {"target": "y_hat", "index": [2]}}, config=HAND), "stops[0].ask.index",
         ("[0..1]",)),
        (lesson({"title": "a", "hide": ["loss", "diagram"]}), "stops[0].hide[1]", ('"diagram"', "presenter")),
        (lesson({"title": "a", "step": -1}), "stops[0].step", ("0 to 100000",)),
        (lesson(config={"hidden": 300}), "config.hidden", ("256",)),
        (lesson(config={"dataset": "hand", "B": [[1.0]]}), "config.B", ()),
        ([], "body", ("object",)),
    ],
)  # fmt: skip
def test_every_refusal_is_422_naming_the_field_and_the_limit(client, doc, field, words):
    refused(client, doc, field, *words)


def test_text_that_is_not_json_is_422_naming_the_body(client):
    for body in (b'{"title": ', b"not json", b'{"title": "a", "title": "b", "stops": []}', b"\xff\xfe"):
        r = client.post(CHECK, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 422, body
        assert r.json()["detail"][0]["field"] == "body" and "not valid JSON" in r.json()["message"]


def test_a_body_over_64_kb_is_refused_before_it_is_read(client):
    assert SMALL_BODIES[CHECK] == MAX_LESSON_BYTES == 65_536
    big = lesson({"title": "a", "note": "x" * MAX_LESSON_BYTES})
    r = client.post(CHECK, content=json.dumps(big), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["message"] == "body: request bodies are limited to 65536 bytes"
    # ... sent in chunks, with no length declared, too
    chunks = iter([json.dumps(big).encode()[:40_000], json.dumps(big).encode()[40_000:]])
    r = client.post(CHECK, content=chunks, headers={"content-type": "application/json"})
    assert r.status_code == 413
    # other routes keep the server's own limit
    r = client.post("/api/sessions", content=json.dumps({"dataset": "x" * 70_000}),
                    headers={"content-type": "application/json"})  # fmt: skip
    assert r.status_code == 422


def test_a_lesson_that_is_not_sent_as_json_is_refused(client):
    r = client.post(CHECK, content=json.dumps(lesson()), headers={"content-type": "text/plain"})
    assert r.status_code == 415


def test_checking_lessons_never_changes_a_session(client, make_session):
    session = make_session(dataset="hand", hidden=2)
    before = client.get(f"/api/sessions/{session['id']}").json()
    count = stored(client)
    slides = client.get("/api/lessons/slides").json()
    assert client.post(CHECK, json=slides).status_code == 200  # with a config: a network is made ...
    assert client.post(CHECK, json=lesson(config={"dataset": "nope"})).status_code == 422
    client.get("/api/lessons")
    assert stored(client) == count  # ... and let go: nothing stored
    assert client.get(f"/api/sessions/{session['id']}").json() == before


def test_the_built_in_lesson_is_a_lesson_the_server_can_run(client):
    """Its config makes a session, and every stop's steps, derivation and question fit it."""
    slides = client.get("/api/lessons/slides").json()
    session = client.post("/api/sessions", json=slides["config"]).json()
    sid = session["id"]
    for stop in slides["stops"]:
        if stop["step"]:
            r = client.post(f"/api/sessions/{sid}/step", json={"n": stop["step"]})
            assert r.status_code == 200, r.text
            assert not r.json()["state"]["diverged"]
        if stop["derive"]:
            assert (
                client.get(f"/api/sessions/{sid}/gradcheck", params={"weight": stop["derive"]}).status_code
                == 200
            )
        if stop["ask"]:
            trace = r.json()["trace"]
            index = tuple(stop["ask"]["index"])
            value = trace[stop["ask"]["target"]]
            for i in index:
                value = value[i]
            assert isinstance(value, float)
    state = client.get(f"/api/sessions/{sid}").json()["state"]
    assert state["step"] == sum(stop["step"] for stop in slides["stops"]) == 100
    assert state["dataset_loss"] < session["state"]["dataset_loss"] / 100  # the summary's loss has fallen
