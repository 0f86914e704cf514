"""What a screen reader and a keyboard get beyond axe-core's rules: the diagram's nodes named by
their values, the loss chart in words, Esc to close the derivation, a way past the diagram's edges."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_accessibility import serious
from tests.e2e.test_td import settle

NUMBER = r"-?\d[\d.e-]*"


@pytest.fixture
def page(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    context.close()


def browser_names(page) -> list[str]:
    """Every accessible name as Chromium itself computes it."""
    cdp = page.context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return [n["name"]["value"] for n in tree if n.get("name") and n["name"].get("value")]


def step(page) -> None:
    count = int(page.locator("#step-count").text_content())
    page.click("#step")
    page.wait_for_function(f"document.querySelector('#step-count').textContent === '{count + 1}'")
    settle(page)


def test_a_node_is_read_as_its_symbol_equals_its_value(page):
    page.wait_for_function("/= -?\\d/.test(document.querySelector('#node-in-0').ariaLabel || '')")
    names = browser_names(page)
    assert [n for n in names if re.fullmatch(rf"s₁ = {NUMBER}", n)], names
    step(page)
    hidden = page.locator("#node-hid-0").get_attribute("aria-label")
    assert re.fullmatch(rf"ψ₁ = {NUMBER}, x₁ = {NUMBER}, δᴬ₁ = {NUMBER}", hidden), hidden
    output = page.locator("#node-out-0").get_attribute("aria-label")
    assert re.fullmatch(rf"θ₁ = {NUMBER}, ŷ₁ = {NUMBER}, y₁ = {NUMBER}, δᴮ₁ = {NUMBER}", output), output
    # the value read is the value shown
    shown = page.locator("#val-s-1 .num").text_content()
    assert page.locator("#node-in-0").get_attribute("aria-label") == f"s₁ = {shown}"


def chart_description(page) -> str:
    return page.evaluate(
        """() => {
          const chart = document.querySelector('#loss-chart');
          const ids = (chart.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
          return ids.map((id) => document.getElementById(id).textContent).join(' ');
        }"""
    )


def test_the_loss_chart_has_a_text_alternative_that_follows_the_steps(page):
    summary = page.locator("#loss-chart-summary")
    assert summary.count() == 1
    # read by a screen reader: not display:none, not visibility:hidden
    look = page.evaluate(
        "(({display, visibility}) => [display, visibility])"
        "(getComputedStyle(document.getElementById('loss-chart-summary')))"
    )
    assert look[0] != "none" and look[1] == "visible", look
    before = chart_description(page)
    for _ in range(3):
        step(page)
    page.wait_for_function("/^Step 3:/.test(document.querySelector('#loss-chart-summary').textContent)")
    text = chart_description(page)
    assert text != before
    assert re.match(rf"Step 3: loss of its sample {NUMBER}, mean loss over D {NUMBER}\.", text), text
    assert re.search(r"Over the last \d+ points the mean loss over D is (falling|rising|flat)", text), text
    step(page)
    page.wait_for_function("/^Step 4:/.test(document.querySelector('#loss-chart-summary').textContent)")


def test_escape_closes_the_derivation_and_gives_the_focus_back(page):
    step(page)
    edge = page.locator("#edge-A-0-0")
    edge.focus()
    page.keyboard.press("d")
    page.wait_for_selector("#derivation-panel:not([hidden])")
    page.wait_for_function("document.activeElement.id === 'derivation-panel'")
    page.keyboard.press("Escape")
    page.wait_for_selector("#derivation-panel", state="hidden")
    assert page.evaluate("document.activeElement.id") == "edge-A-0-0"


def test_a_skip_link_moves_the_keyboard_past_the_diagrams_edges(page):
    page.click("#diagram-heading")  # the keyboard's starting point: just before the diagram
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip-edges"
    box = page.locator("#skip-edges").bounding_box()
    assert box and box["width"] > 40 and box["height"] > 10 and box["y"] >= 0  # shown once focused
    assert serious(page) == []
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'equations'")
    assert not page.evaluate("Boolean(document.activeElement.closest('#network'))")
    page.locator("#step").focus()  # away: it hides again
    assert page.locator("#skip-edges").bounding_box()["width"] <= 1
