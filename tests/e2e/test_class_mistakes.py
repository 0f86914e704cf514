"""The reveal names the class's likely mistakes, in the browser: two of three students flip the
sign of δᴮ₁; the projector says so beside the histogram, each of them is told privately, the one
who was right is not, and the class bar's Download gives the report with the same counts."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.e2e.test_class_rounds import DELTA_B_1, answer


def test_the_reveal_names_the_commonest_mistake_and_tells_each_student_theirs(room, artifacts):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    truth = float(t.evaluate(DELTA_B_1))
    assert abs(truth) > 1e-3  # the flipped sign is a value of its own
    t.select_option("#class-quiz-entry", label="δB_1")
    t.click("#class-ask")
    room.wait_all("!document.querySelector('#class-answer').hidden")
    answers = [-truth, truth, -truth]  # the sign flipped twice (a laptop and the phone)
    for page, value in zip(room.students, answers, strict=True):
        answer(page, repr(value))
    t.wait_for_function("document.querySelector('#class-answered').textContent === '3'")
    assert t.locator("#class-mistakes li").count() == 0  # nothing said before the reveal
    t.click("#class-reveal")
    t.wait_for_function("document.querySelectorAll('#class-mistakes li').length > 0")
    said = t.locator("#class-mistakes li").all_text_contents()
    assert said[0] == "2 took y − ŷ for ŷ − y: the sign flipped", said
    assert t.locator("#class-rounds").text_content() == "round 1: 1 of 3 right."
    t.set_viewport_size({"width": 1280, "height": 720})
    t.screenshot(path=artifacts / "class-mistakes-projector.png")
    for page, value in zip(room.students, answers, strict=True):
        page.wait_for_function("document.querySelector('#class-result').textContent !== ''")
        told = page.locator("#class-result").text_content()
        if value == truth:
            assert "slip" not in told and told.startswith("Spot on")
        else:
            assert "Yours looks like a common slip: you took y − ŷ for ŷ − y" in told, told
        # no student's page says what the others answered
        assert page.locator("#class-mistakes li").count() == 0
    room.students[2].screenshot(path=artifacts / "class-mistakes-phone.png")

    with t.expect_download() as got:
        t.click("#class-report")
    download = got.value
    assert download.suggested_filename == f"class-{room.code}-report.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [(r["target"], r["round"], r["answered"], r["correct"], r["sign"]) for r in rows] == [
        ("delta_B", "1", "3", "1", "2")
    ]
    assert t.locator("#notice").is_hidden()  # revealed: nothing is held any more
