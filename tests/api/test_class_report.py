"""The likely mistakes at a reveal and the class's report, on both stores: a two-round question
whose answers are planted mistakes, the projector's counts, each student told their own
mistake, the report in JSON and CSV (no student named), refused without the key, kept after
the class ends."""

from __future__ import annotations

import csv
import io

from app.classroom.mistakes import LABELS, ORDER
from tests.api.test_class_rounds import right, roster_when
from tests.api.test_classes import command, hello, receive_type, student

IDS = [f"pupil-{i:03d}-x" for i in range(4)]


def weights_by_hand(trace: dict, config: dict, j: int, k: int) -> dict[str, float]:
    """The new B[j][k] with each slip of the update, worked from the trace's own parts."""
    old, x, delta = trace["B_before"][j][k], trace["x"][j], trace["delta_B"][k]
    a = config["alpha_B"]
    return {
        "true": old - a * x * delta,
        "no_alpha": old - x * delta,
        "plus": old + a * x * delta,
        "gradient": x * delta,
    }


def ask_and_answer(client, teacher, students, sid, rounds: list[list[float]]) -> None:
    for number, values in enumerate(rounds, start=1):
        if number > 1:
            assert command(teacher, type="revote")["type"] == "done"
            for ws in students:
                assert ws.receive_json()["type"] == "revote"
        for ws, value in zip(students, values, strict=True):
            ws.send_json({"type": "answer", "value": value})
            assert ws.receive_json() == {"type": "answered", "value": value}
        n = len(values)
        roster_when(teacher, lambda r: r["answered"] == n)  # noqa: B023 (used at once)


def test_a_reveal_names_the_mistakes_and_the_report_keeps_them(client, make_session):
    sid = make_session(alpha_B=0.5)["id"]
    cls = client.post("/api/classes", json={"session": sid}).json()
    code, key = cls["code"], cls["teacher_key"]
    config = client.get(f"/api/sessions/{sid}").json()["config"]
    trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
    j = max(
        range(len(trace["x"])), key=lambda j: abs(trace["x"][j])
    )  # the hidden unit whose weight moves most
    by_hand = weights_by_hand(trace, config, j, 0)
    assert not any(right(by_hand[m], by_hand["true"]) for m in ("no_alpha", "plus", "gradient"))
    truth, plus, gradient, no_alpha = (by_hand[k] for k in ("true", "plus", "gradient", "no_alpha"))
    first = [plus, plus, gradient, no_alpha * 1.003]  # every one a planted mistake
    second = [truth, truth * 1.002, plus, 123.0]  # two right, one still adding the step, one neither
    teacher = hello(client, cls)
    students = [student(client, code, student=i) for i in IDS]
    for ws in students:
        ws.__enter__()
        ws.receive_json()
    try:
        assert command(teacher, type="quiz", target="B", index=[j, 0])["type"] == "done"
        for ws in students:
            assert ws.receive_json()["type"] == "quiz"
        ask_and_answer(client, teacher, students, sid, [first, second])
        assert "mistakes" not in receive_type(teacher, "roster")  # nothing counted before the reveal
        assert command(teacher, type="reveal")["type"] == "done"
        for ws, mine in zip(students, second, strict=True):
            reveal = ws.receive_json()
            assert reveal["type"] == "reveal" and abs(reveal["value"] - truth) < 1e-12
            listed = {m["id"]: m["value"] for m in reveal["mistakes"]}
            for name in ("no_alpha", "plus", "gradient"):
                assert abs(listed[name] - by_hand[name]) <= 1e-12 * max(1, abs(by_hand[name]))
            result = ws.receive_json()
            assert result["type"] == "result" and result["answer"] == mine
            if mine == plus:  # told privately which mistake theirs was
                assert result["mistake"] == {"id": "plus", "label": LABELS["plus"]}
            else:
                assert result["mistake"] is None
        roster = roster_when(teacher, lambda r: "mistakes" in r)
        counts = {m["id"]: m["count"] for m in roster["mistakes"]}
        assert counts["plus"] == 1 and counts["gradient"] == 0 and counts["no_alpha"] == 0
        planted = {"plus": 2, "gradient": 1, "no_alpha": 1}
        assert roster["rounds"][0]["mistakes"] == {m: planted.get(m, 0) for m in counts}
        assert [r["correct"] for r in roster["rounds"]] == [
            sum(right(v, truth) for v in vs) for vs in (first, second)
        ]
    finally:
        for ws in students:
            ws.__exit__(None, None, None)
        teacher.__exit__(None, None, None)

    got = client.get(f"/api/classes/{code}/report", headers={"x-teacher-key": key})
    assert got.status_code == 200, got.text
    report = got.json()
    assert report["code"] == code and len(report["questions"]) == 1
    q = report["questions"][0]
    assert (q["n"], q["stop"], q["target"], q["index"], q["step"]) == (1, None, "B", [j, 0], 1)
    assert abs(q["value"] - truth) < 1e-12
    assert [r["answered"] for r in q["rounds"]] == [4, 4] and [r["correct"] for r in q["rounds"]] == [0, 2]
    assert [sum(r["histogram"]["counts"]) for r in q["rounds"]] == [4, 4]
    assert {m["id"]: m["count"] for m in q["mistakes"]} == counts
    assert all(m["label"] == LABELS[m["id"]] for m in q["mistakes"])
    for text in (
        got.text,
        client.get(f"/api/classes/{code}/report?format=csv", headers={"x-teacher-key": key}).text,
    ):
        assert not any(i in text for i in IDS)  # no student is named in it, ever

    sheet = client.get(f"/api/classes/{code}/report?format=csv", headers={"x-teacher-key": key})
    assert sheet.headers["content-type"].startswith("text/csv")
    assert f"class-{code}-report.csv" in sheet.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    assert [(r["n"], r["round"], r["answered"], r["correct"]) for r in rows] == [
        ("1", "1", "4", "0"),
        ("1", "2", "4", "2"),
    ]
    assert (rows[0]["plus"], rows[0]["gradient"], rows[1]["plus"]) == ("2", "1", "1")
    assert all(rows[0][m] == "" for m in ORDER if m not in counts)  # not a mistake this question can show
    assert rows[0]["target"] == "B" and rows[0]["index"] == f"{j} 0" and float(rows[0]["value"]) == q["value"]


def test_the_report_needs_the_key_and_outlives_the_class(client, teaching):
    sid, cls = teaching
    code, key = cls["code"], cls["teacher_key"]
    url = f"/api/classes/{code}/report"
    assert client.get(url).status_code == 403
    assert client.get(url, headers={"x-teacher-key": "x" * 32}).status_code == 403
    assert client.get(url, headers={"x-teacher-key": key}).json() == {"code": code, "questions": []}
    bad = client.get(url + "?format=xml", headers={"x-teacher-key": key})
    assert bad.status_code == 422 and "format" in bad.text
    client.post(f"/api/sessions/{sid}/step", json={"n": 1})
    teacher = hello(client, cls)
    try:
        for _ in (1, 2):  # two questions, revealed with no answers; a second reveal adds nothing
            assert command(teacher, type="quiz", target="y_hat", index=[0])["type"] == "done"
            assert command(teacher, type="reveal")["type"] == "done"
            assert command(teacher, type="reveal")["type"] == "done"
    finally:
        teacher.__exit__(None, None, None)
    assert client.delete(f"/api/classes/{code}", headers={"x-teacher-key": key}).status_code == 204
    assert client.get(f"/c/{code}").status_code == 404  # the class is over ...
    kept = client.get(url, headers={"x-teacher-key": key})  # ... its report is not
    assert kept.status_code == 200 and [q["n"] for q in kept.json()["questions"]] == [1, 2]
    assert kept.json()["questions"][0]["rounds"] == [{"answered": 0, "histogram": {"edges": [], "counts": []},
                                                      "correct": 0, "mistakes": {}}]  # fmt: skip
    assert client.get(url, headers={"x-teacher-key": "y" * 32}).status_code == 403
    assert client.get("/api/classes/AAAAAA/report", headers={"x-teacher-key": key}).status_code == 404
