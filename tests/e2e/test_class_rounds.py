"""Vote, discuss, vote again, in the browser: a teacher and three students (two laptops, a phone)
answer a question in two rounds; the projector's reveal draws both and says how the class moved."""

from __future__ import annotations

DELTA_B_1 = "document.querySelector('#val-delta_B-1 .num').textContent"


def answer(page, value: str) -> None:
    page.fill("#class-answer-value", value)
    page.click("#class-answer-send")
    page.wait_for_function("/^Sent: /.test(document.querySelector('#class-answer-status').textContent)")


def test_two_rounds_and_a_reveal_of_both(room, artifacts):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    truth = float(t.evaluate(DELTA_B_1))
    t.select_option("#class-quiz-entry", label="δB_1")
    assert t.locator("#class-revote").is_disabled()  # nothing asked yet
    t.click("#class-ask")
    room.wait_all("!document.querySelector('#class-answer').hidden")
    for page in room.students:  # round 1: all wrong
        answer(page, str(truth + 3))
    t.wait_for_function("document.querySelector('#class-answered').textContent === '3'")
    # the students never see the histogram
    for page in room.students:
        assert page.locator("#class-quiz-results").is_hidden()
    t.click("#class-revote")
    room.wait_all("/^Round 2: discuss/.test(document.querySelector('#class-answer-prompt').textContent)")
    for page in room.students:
        assert page.locator("#class-answer-value").input_value() == ""
        assert "Not answered yet" in page.locator("#class-answer-status").text_content()
    assert t.locator("#class-revote").is_disabled()  # two rounds at most
    t.wait_for_function("document.querySelector('#class-answered').textContent === '0'")
    for page, value in zip(room.students, [truth, truth, truth + 3], strict=True):  # round 2: two right
        answer(page, repr(value))
    t.wait_for_function("document.querySelector('#class-answered').textContent === '3'")
    t.click("#class-reveal")
    t.wait_for_function("document.querySelectorAll('#class-histogram .class-round').length === 2")
    t.wait_for_function("document.querySelector('#class-rounds').textContent !== ''")
    assert t.locator("#class-rounds").text_content() == "round 1: 0 of 3 right → round 2: 2 of 3 right."
    # each round's bars hold its three answers
    for n in (1, 2):
        bars = f"#class-histogram .class-round[data-round='{n}'] .class-bar"
        counts = t.eval_on_selector_all(bars, "els => els.map(e => +e.dataset.count)")
        assert sum(counts) == 3, (n, counts)
    t.locator("#class-quiz-results").screenshot(path=artifacts / "class-rounds-reveal.png")
    room.wait_all("document.querySelector('#class-result').textContent !== ''")
