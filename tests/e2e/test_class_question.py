"""A class question never shows its own answer: asked for δᴮ₁, the projector and every student's
page go back to the phase before δᴮ, and nothing that computes it is shown until Reveal."""

from __future__ import annotations

from tests.e2e.test_classroom import same_as_teacher

DELTA_B_1 = "document.querySelector('#val-delta_B-1 .num').textContent"
HEADING = "document.querySelector('#equations-heading').textContent"


def test_asking_for_delta_b_hides_it_on_the_projector_and_every_phone_until_reveal(room):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    # the whole step on show, δᴮ₁ among it; its sample's y is 1, so that ŷ - y (which the
    # loss shows as ŷ and y) is not printed as δᴮ₁ itself as it is when y = 0
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '2'")
    same_as_teacher(room)
    answer = t.evaluate(DELTA_B_1)
    assert answer not in ("", "·")
    t.select_option("#class-quiz-entry", label="δB_1")
    t.click("#class-ask")
    room.wait_all("!document.querySelector('#class-answer').hidden")
    # the projector is back at the loss, the phase before δᴮ; so is every student's page
    t.wait_for_function(f"/^Phase 5 /.test({HEADING})")
    same_as_teacher(room)
    for page in [t, *room.students]:
        assert page.evaluate(DELTA_B_1) != answer
        assert answer not in page.locator("#equations").text_content()
    # Next does not move past the question: the page says why
    t.click("#next-phase")
    t.wait_for_function("document.body.dataset.busy !== 'true'")
    assert t.evaluate(HEADING).startswith("Phase 5 ")
    assert "Reveal it first" in t.locator("#notice").text_content()
    t.screenshot(path="/tmp/class-question-open.png")
    room.students[2].screenshot(path="/tmp/class-question-phone.png")
    # a student who reloads (or joins late) sees no more than the others
    late = room.students[0]
    late.reload()
    late.locator("body[data-class-state=following]").wait_for(timeout=15_000)
    late.wait_for_function(f"/^Phase 5 /.test({HEADING})")
    assert late.evaluate(DELTA_B_1) != answer
    # the count of answers says answer or answers, and nothing follows it until the reveal
    line = "document.querySelector('#class-answered').parentElement.innerText"
    t.wait_for_function(f"{line} === '0 answers'")
    room.students[1].fill("#class-answer-value", "0.5")
    room.students[1].click("#class-answer-send")
    t.wait_for_function(f"{line} === '1 answer'")
    # after Reveal, the next phase shows δᴮ, on the projector and on every page
    t.click("#class-reveal")
    t.wait_for_function("/^The true value/.test(document.querySelector('#class-quiz-truth').textContent)")
    assert t.evaluate(line).startswith("1 answer · The true value: ")
    t.click("#next-phase")
    t.wait_for_function(f"/^Phase 6 /.test({HEADING})")
    everyone = room.students
    room.students = everyone[1:]  # (the reloaded page has no mean loss from before the step to show)
    try:
        same_as_teacher(room)
    finally:
        room.students = everyone
    late.wait_for_function(f"/^Phase 6 /.test({HEADING})")
    for page in [t, *room.students]:
        assert page.evaluate(DELTA_B_1) == answer
