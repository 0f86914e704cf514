"""Read from the back row: presenter mode keeps the chart with the diagram's numbers 22 px or more
at 1280×720, a text size the browser remembers, a phone's diagram text 12 px or more, and the
target's green at WCAG AA contrast."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_td import settle

# The rendered size of every shown text of the diagram (its font size times the drawing's scale),
# and every node text that runs outside its box.
DIAGRAM = """() => {
  const svg = document.getElementById('network-svg');
  const k = svg.getScreenCTM().a;
  const sizes = [];
  for (const t of svg.querySelectorAll('.node text, .node tspan, .col-head, .loss-text')) {
    if (!t.getBBox().width) continue;
    sizes.push({ what: (t.parentNode.id || t.id || t.textContent), kind: t.tagName,
                 px: parseFloat(getComputedStyle(t).fontSize) * k, cls: t.getAttribute('class') || '' });
  }
  const outside = [];
  for (const g of svg.querySelectorAll('.node')) {
    const r = g.querySelector('rect').getBoundingClientRect();
    for (const t of g.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      const out = b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 ||
        b.bottom > r.bottom + 1;
      if (b.width && out)
        outside.push(g.id + ': ' + t.textContent);
    }
  }
  return { sizes, outside };
}"""


def walked(page, hand: bool) -> None:
    if hand:
        page.click("#hand-preset")
        settle(page)
    page.click("#step")
    settle(page)


@pytest.mark.parametrize("hand", [False, True], ids=["xor", "hand"])
def test_presenter_mode_keeps_the_chart_and_draws_numbers_22_px_high(browser, server_url, hand, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    walked(page, hand)
    page.keyboard.press("f")
    page.wait_for_function("document.body.classList.contains('presenter')")
    settle(page)
    page.screenshot(path=artifacts / f"presenter-1280-{'hand' if hand else 'xor'}.png")
    for selector in ("#network", "#equations", "#loss-chart"):
        box = page.locator(selector).bounding_box()
        assert box and box["height"] > 100, (selector, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, (selector, box)
        assert box["x"] + box["width"] <= 1280, (selector, box)
    seen = page.evaluate(DIAGRAM)
    numbers = [s["px"] for s in seen["sizes"] if "val" in s["cls"] or s["cls"] == "num"]
    assert numbers and min(numbers) >= 22, min(numbers)
    assert seen["outside"] == [], seen["outside"]
    context.close()


def test_the_text_size_is_kept_for_the_next_visit(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    root = "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    before = page.evaluate(root)
    heading = page.eval_on_selector("#equations-heading", "e => parseFloat(getComputedStyle(e).fontSize)")
    page.select_option("#text-size", "1.3")
    page.wait_for_function(f"{root} > {before * 1.25}")
    grown = page.eval_on_selector("#equations-heading", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert grown == pytest.approx(heading * 1.3, rel=0.02)
    # another visit in this browser starts at the size chosen
    again = context.new_page()
    again.goto(server_url + "/")
    again.wait_for_selector("body[data-ready=true]")
    assert again.locator("#text-size").input_value() == "1.3"
    assert again.evaluate(root) == pytest.approx(before * 1.3, rel=0.01)
    context.close()


def test_a_phones_diagram_has_no_text_under_12_px(browser, server_url, artifacts):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
        bypass_csp=True,
    )
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    for hand in (False, True):
        walked(page, hand)
        seen = page.evaluate(DIAGRAM)
        small = [s for s in seen["sizes"] if s["px"] < 12]
        assert seen["sizes"] and small == [], small[:5]
        assert seen["outside"] == [], seen["outside"]
    page.screenshot(path=artifacts / "phone-diagram-text.png")
    context.close()


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_the_targets_green_meets_wcag_aa(watch):
    page = watch.page
    walked(page, False)
    fill = page.eval_on_selector(".node .val-y", "e => getComputedStyle(e).fill")
    rgb = tuple(int(v) for v in re.findall(r"\d+", fill)[:3])
    # against white and against the lightest and the darkest of the nodes' shading
    for background in [(255, 255, 255), (214, 234, 248), (246, 216, 200)]:
        assert contrast(rgb, background) >= 4.5, (fill, background, contrast(rgb, background))
