"""A class answer typed as people type it on a phone: a decimal comma, the minus sign and
autocorrect's dashes are read; the ± key gives the minus iOS's digit pad lacks; what is
refused says why, stays on the phone and is never sent."""

from __future__ import annotations

import json

import pytest

from tests.e2e.test_one_home import from_module

STATUS = "document.querySelector('#class-answer-status').textContent"
FIELD = "#class-answer-value"


def parsed(page, text: str, whole: bool = False):
    """parseNumber's reading of `text`: a number, or the message of its Error."""
    args = f"{json.dumps(text)}, 'your answer', {{ whole: {json.dumps(whole)} }}"
    return from_module(
        page, "/static/lib/parse.js", f"((v) => v instanceof Error ? v.message : v)(m.parseNumber({args}))"
    )


def answered(t, n: int) -> None:
    t.wait_for_function(f"document.querySelector('#class-answered').textContent === '{n}'")


def send(page, text: str) -> str:
    """Type `text`, press Send, and return the status line once it has changed."""
    before = page.evaluate(STATUS)
    page.fill(FIELD, text)
    page.click("#class-answer-send")
    page.wait_for_function(f"(before) => {STATUS} !== before", arg=before)
    return page.evaluate(STATUS)


def ask(room) -> None:
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    room.wait_all("document.querySelector('#step-count').textContent === '1'")
    t.select_option("#class-quiz-entry", label="δB_1")
    t.click("#class-ask")
    room.wait_all("!document.querySelector('#class-answer').hidden")


def test_a_phone_sends_a_decimal_comma_and_a_minus_sign_and_a_refusal_says_why(room, artifacts):
    t = room.teacher
    laptop, other, phone = room.students
    ask(room)
    # the digit pad, a send key, no autocorrect; and the ± key that iOS's pad lacks
    field = phone.locator(FIELD)
    assert field.get_attribute("inputmode") == "decimal"
    assert field.get_attribute("enterkeyhint") == "send"
    assert field.get_attribute("autocorrect") == "off"
    assert field.get_attribute("spellcheck") == "false"
    sign = phone.get_by_role("button", name="change sign")
    assert sign.is_visible() and sign.text_content() == "±"

    # Both a comma and a point: which one is the decimal is unclear, so nothing is sent.
    status = send(phone, "1,234.5")
    assert "comma and a point" in status and "1234.5" in status, status
    assert not status.startswith("Sent")
    assert phone.locator("#class-answer-status").get_attribute("data-refused") == "true"
    assert phone.input_value(FIELD) == "1,234.5"  # left as typed, to mend
    phone.screenshot(path=str(artifacts / "class-answer-phone-refused.png"))
    laptop.fill(FIELD, "0.5")
    laptop.click("#class-answer-send")
    answered(t, 1)  # the laptop's answer only: the refused one never left the phone
    phone.wait_for_timeout(300)
    assert t.locator("#class-answered").text_content() == "1"

    # A decimal comma from the phone arrives as the number it means.
    status = send(phone, "-0,0381")
    assert status.startswith("Sent: -0.0381"), status
    assert phone.locator("#class-answer-status").get_attribute("data-refused") == "false"
    answered(t, 2)
    # U+2212, the minus sign a copied or autocorrected number carries
    assert send(other, "\u22120.0381").startswith("Sent: -0.0381")
    answered(t, 3)
    bars = t.eval_on_selector_all(
        "#class-histogram rect.class-bar", "rs => rs.map(r => Number(r.dataset.count))"
    )
    assert sum(bars) == 3
    assert max(bars) == 2  # the two -0.0381 share a bar

    # The ± key puts a minus on and takes it off, and leaves the keyboard's field focused.
    phone.fill(FIELD, "0,25")
    phone.focus(FIELD)
    sign.tap()
    assert phone.input_value(FIELD) == "-0,25"
    assert phone.evaluate("document.activeElement.id") == "class-answer-value"
    sign.tap()
    assert phone.input_value(FIELD) == "0,25"
    phone.fill(FIELD, "\u2013 0,25")  # autocorrect's en dash reads as a minus: ± takes it off
    sign.tap()
    assert phone.input_value(FIELD) == "0,25"
    phone.fill(FIELD, "+3")
    sign.tap()
    assert phone.input_value(FIELD) == "-3"
    phone.fill(FIELD, "0,25")
    sign.tap()
    phone.click("#class-answer-send")
    phone.wait_for_function(f"{STATUS}.startsWith('Sent: -0.2500')")
    assert t.locator("#class-answered").text_content() == "3"  # a changed answer, not a new one

    status = send(phone, "0,1,2")
    assert "2 commas" in status, status
    phone.fill(FIELD, "0,1,2")  # the card as a student sees it: the ± key and a refusal
    phone.locator("#class-answer").screenshot(path=str(artifacts / "class-answer-phone-card.png"))


ACCEPTED = {
    "-0,0381": -0.0381,
    "\u22120.0381": -0.0381,
    "\u2013 0.0381": -0.0381,
    "\u20100.0381": -0.0381,
    "+0.5": 0.5,
    "  -0.5  ": -0.5,
    "1e-3": 0.001,
    "1e\u22123": 0.001,
    ".5": 0.5,
    "-,5": -0.5,
    "3": 3,
    "-1e300": -1e300,
}

REFUSED = {
    "1,234.5": "comma and a point",
    "1.234,5": "comma and a point",
    "0,1,2": "2 commas",
    "": "empty: type a number",
    "   ": "empty: type a number",
    "abc": "letters",
    "0.5x": "letters",
    "Infinity": "finite number",
    "-infinity": "finite number",
    "NaN": "finite number",
    "1e301": "too large",
    "-1e400": "too large",
    "0x10": "letters",
    "1..5": "is not a number",
    "--1": "is not a number",
}


def test_the_one_parser_reads_what_people_type_and_refuses_the_rest_saying_why(watch):
    page = watch.page
    for text, want in ACCEPTED.items():
        assert parsed(page, text) == pytest.approx(want), text
    for text, why in REFUSED.items():
        got = parsed(page, text)
        assert isinstance(got, str) and got.startswith("your answer: ") and why in got, (text, got)
    # what to type is said along with why
    assert "-0,25" in parsed(page, "abc") and "1234.5" in parsed(page, "1,234.5")
    # the settings' whole numbers: a comma is never taken for a decimal point in a count
    assert parsed(page, "12", whole=True) == 12
    assert "whole number" in parsed(page, "1,000", whole=True)
    assert parsed(page, "2.5", whole=True) == "your answer: must be a whole number"
    assert parsed(page, "1..5") == "your answer: “1..5” is not a number"  # as test_one_home has it
