"""Vote, discuss, vote again, in the browser: a teacher and three students (two laptops, a phone)
answer a question in two rounds; the projector's reveal draws both and says how the class moved."""

from __future__ import annotations

import re
from pathlib import Path

from app.classroom.mistakes import LABELS

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


SHOTS = Path("/tmp/classfix-shots")
READABLE_PX = 16  # the projector's smallest text at 1280×720: the class bar's (0.9rem of 18 px)
# Each round's histogram as drawn: its box on the screen (its drawing's size times its scale), and
# every label's font size times the scale (what a row at the back reads), with its box.
ROUNDS = """() => [...document.querySelectorAll('#class-histogram .class-round')].map((band) => {
  const m = band.getScreenCTM();
  const vb = band.viewBox.baseVal;
  const labels = [...band.querySelectorAll('text')].filter((t) => t.textContent.trim()).map((t) => ({
    text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
    box: t.getBoundingClientRect().toJSON() }));
  return { round: band.dataset.round, left: m.e, top: m.f, width: vb.width * m.a, height: vb.height * m.d,
           labels };
})"""


def delta_A_slips(trace: dict) -> tuple[int, dict[str, float]]:
    """A hidden unit whose ψ > 0 (ReLU′ = 1) with the largest δᴬ, and its δᴬ with two slips
    (app/classroom/mistakes.py), worked from the step's trace: the sign flipped, and ψ taken
    for ReLU's derivative (the slides' erratum 1)."""
    psi, delta_A = trace["psi"], trace["delta_A"]
    j = max((j for j in range(len(psi)) if psi[j] > 0), key=lambda j: abs(delta_A[j]))
    truth = delta_A[j]
    return j, {"true": truth, "sign": -truth, "relu_psi": truth * psi[j]}


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    def apart(a: dict, b: dict) -> bool:
        return (
            a["right"] <= b["left"]
            or b["right"] <= a["left"]
            or a["bottom"] <= b["top"]
            or b["bottom"] <= a["top"]
        )

    return [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if not apart(a["box"], b["box"])
    ]


def readable_rounds(t, least_height: float, width: int, height: int) -> list[dict]:
    """Both rounds side by side, each `least_height` px high or more, on the screen, with every
    label (the counts, the axis's edges, the true value, "round n") READABLE_PX or more, none on another."""
    rounds = t.evaluate(ROUNDS)
    assert [r["round"] for r in rounds] == ["1", "2"]
    one, two = rounds
    assert abs(one["top"] - two["top"]) < 1 and two["left"] >= one["left"] + one["width"], rounds
    for r in rounds:
        where = (width, height, r["round"])
        assert r["height"] >= least_height - 1 and r["width"] >= 200, (where, r["width"], r["height"])
        assert r["top"] >= 0 and r["top"] + r["height"] <= height and r["left"] + r["width"] <= width, where
        texts = [label["text"] for label in r["labels"]]
        assert f"round {r['round']}" in texts and any(x.startswith("true ") for x in texts), texts
        assert len([x for x in texts if re.fullmatch(r"-?[0-9.]+(e[-+]?[0-9]+)?", x)]) >= 3, (
            texts
        )  # edges, counts
        small = [(label["text"], round(label["px"], 1)) for label in r["labels"] if label["px"] < READABLE_PX]
        assert small == [], (where, small)
        assert overlapping(r["labels"]) == [], (where, overlapping(r["labels"]))
    for selector in ("#class-rounds", "#class-mistakes li"):
        for box in t.locator(selector).evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().toJSON())"
        ):
            assert box["bottom"] <= height, (selector, box)
        px = t.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert px >= READABLE_PX, (selector, px)
    return rounds


def test_a_two_round_reveal_with_mistakes_reads_from_the_back_at_1280x720(room):
    SHOTS.mkdir(exist_ok=True)
    t = room.teacher
    assert t.viewport_size == {"width": 1280, "height": 720}
    t.click("#class-join-hide")
    with t.expect_response(re.compile(r"/step$")) as stepped:
        t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    j, slips = delta_A_slips(stepped.value.json()["trace"])
    assert abs(slips["true"]) > 1e-3 and abs(slips["relu_psi"] - slips["true"]) > 0.05 * abs(slips["true"])
    t.select_option("#class-quiz-entry", value=f"δ^{{A}}_{{{j + 1}}}")
    t.click("#class-ask")
    room.wait_all("!document.querySelector('#class-answer').hidden")
    for page, value in zip(room.students, [slips["sign"], slips["sign"], slips["relu_psi"]], strict=True):
        answer(page, repr(value))
    t.wait_for_function("document.querySelector('#class-answered').textContent === '3'")
    alone = t.locator("#class-histogram").bounding_box()["height"]  # the round open, in the chart's place
    t.click("#class-revote")
    room.wait_all("/^Round 2: discuss/.test(document.querySelector('#class-answer-prompt').textContent)")
    for page, value in zip(room.students, [slips["true"], slips["sign"], slips["relu_psi"]], strict=True):
        answer(page, repr(value))
    t.wait_for_function("document.querySelector('#class-answered').textContent === '3'")
    t.click("#class-reveal")
    t.wait_for_function("document.querySelectorAll('#class-mistakes li').length === 2")
    t.wait_for_function("document.querySelector('#class-rounds').textContent !== ''")
    assert t.locator("#class-rounds").text_content() == "round 1: 0 of 3 right → round 2: 1 of 3 right."
    said = t.locator("#class-mistakes li").all_text_contents()
    assert said == ["1 took y − ŷ for ŷ − y: the sign flipped", "1 " + LABELS["relu_psi"]], said
    t.wait_for_function("document.body.dataset.busy !== 'true'")
    readable_rounds(t, alone, 1280, 720)
    assert t.locator("#equations").bounding_box()["height"] >= 80  # the equations keep a part of the screen
    t.screenshot(path=SHOTS / "reveal-1280x720.png")
    t.set_viewport_size({"width": 1920, "height": 1080})
    t.wait_for_function("document.body.dataset.busy !== 'true'")
    readable_rounds(t, alone, 1920, 1080)
    t.screenshot(path=SHOTS / "reveal-1920x1080.png")
    phone = room.students[2]
    phone.wait_for_function("document.querySelector('#class-result').textContent !== ''")
    assert "you took ψ for ReLU's derivative" in phone.locator("#class-result").text_content()
    assert phone.locator("#class-quiz-results").is_hidden()  # a student never sees the histograms
    phone.screenshot(path=SHOTS / "reveal-phone-390x844.png")
