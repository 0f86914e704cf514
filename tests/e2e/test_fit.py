"""Nothing clipped on a projector: every line of every phase and of the derivation inside its panel
and the screen, without scrolling the panel, at 1280×720 and 1920×1080."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_derivation import open_by_key, wait_derivation
from tests.e2e.test_layout import SCREENS
from tests.e2e.test_td import choose, settle

# Each shown line of a panel against the panel's box and the screen; the panel's own scroll sizes.
LINES = """([panel, lines]) => {
  const box = document.querySelector(panel);
  const inner = box.getBoundingClientRect();
  const out = [];
  for (const e of box.querySelectorAll(lines)) {
    if (!e.offsetParent) continue;  // hidden: a row left to the diagram, a folded line's equations
    const r = e.getBoundingClientRect();
    if (!r.height) continue;
    const inside = r.top >= inner.top - 1 && r.bottom <= inner.bottom + 1 && r.left >= inner.left - 1
      && r.right <= inner.right + 1 && r.bottom <= innerHeight && r.right <= innerWidth;
    if (!inside) out.push({ text: e.textContent.slice(0, 60), top: r.top, bottom: r.bottom, right: r.right,
                            panel: [inner.top, inner.bottom, inner.right] });
  }
  return { out, scroll: [box.scrollHeight, box.clientHeight, box.scrollWidth, box.clientWidth],
           fit: Number(box.dataset.fit || 1), count: box.querySelectorAll(lines).length };
}"""

ROWS = """() => {
  const e = document.getElementById('equations');
  const rows = [...e.querySelectorAll('.eq-row')];
  const more = e.querySelector('.eq-more');
  return { shown: rows.filter((r) => !r.hidden).length, all: rows.length,
           count: more ? Number(more.dataset.count) : 0,
           more: more && !more.hidden ? more.textContent : '' };
}"""


def check_panel(page, panel: str, lines: str, where) -> dict:
    seen = page.evaluate(LINES, [panel, lines])
    assert seen["count"] > 0, where
    assert seen["out"] == [], (where, seen)
    sh, ch, sw, cw = seen["scroll"]
    assert sh <= ch + 1 and sw <= cw + 1, (where, seen["scroll"])
    return seen


@pytest.mark.parametrize("screen", SCREENS, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("setup", ["xor", "hand", "hidden-8", "control"])
def test_every_line_of_every_phase_is_on_the_screen(screen, setup, artifacts):
    page = screen
    if setup == "control":  # Mountain Car: 32 hidden units, Adam, the target's lines at the loss phase
        choose(page, "mode", "control")
    if setup == "hand":
        page.click("#hand-preset")
        settle(page)
    elif setup == "hidden-8":
        page.fill("input[name=hidden]", "8")
        page.dispatch_event("input[name=hidden]", "change")
        settle(page)
    page.click("#step")
    settle(page)
    size = page.viewport_size
    for _ in range(11):
        page.click("#next-phase")
        settle(page)
        phase = page.locator("#equations").get_attribute("data-phase")
        where = (setup, size, phase)
        seen = check_panel(page, "#equations", ":scope > *", where)
        rows = page.evaluate(ROWS)
        # a worked row left out is on the diagram, and a line says how many
        if rows["shown"] < rows["count"]:
            said = f"and {rows['count'] - rows['shown']} more, shown on the diagram"
            assert said in rows["more"], (where, rows)
        else:
            assert rows["more"] == "", (where, rows)
        # the hand-check network's two outputs are both worked, in type still read from the back
        if setup == "hand":
            assert rows["shown"] == rows["all"], (where, rows)
            assert seen["fit"] >= 0.85, (where, seen["fit"])
        if phase in ("delta_B", "delta_A"):
            page.screenshot(path=artifacts / f"fit-{setup}-{size['width']}-{phase}.png")
    # the chart is still on the screen beside them
    chart = page.locator("#loss-chart").bounding_box()
    assert chart["y"] + chart["height"] <= size["height"], chart


@pytest.mark.parametrize("screen", SCREENS, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("setup", ["xor", "hand"])
def test_every_line_of_the_derivation_and_its_buttons_are_on_the_screen(screen, setup, artifacts):
    page = screen
    if setup == "hand":
        page.click("#hand-preset")
        settle(page)
    size = page.viewport_size
    for weight, edge in [("A.0.1", "edge-A-0-1"), ("B.1.0", "edge-B-1-0")]:
        open_by_key(page, edge)
        wait_derivation(page, weight, 0)
        line = 0
        while True:
            where = (setup, size, weight, line)
            check_panel(page, "#derivation-lines", ".derive-line > *, .derive-body > *", where)
            # the current line is whole: its heading and every equation of it
            current = page.locator(".derive-line.current .derive-body")
            assert current.is_visible(), where
            for button in ("#derivation-prev", "#derivation-next", "#derivation-close"):
                b = page.locator(button).bounding_box()
                assert b and b["y"] + b["height"] <= size["height"], where
                assert b["x"] + b["width"] <= size["width"], where
            if not page.locator("#derivation-next").is_enabled():
                break
            page.click("#derivation-next")
            line += 1
            page.wait_for_selector(f"#derivation-panel[data-line='{line}']")
        # the last line is the server's finite difference, on the screen with its verdict
        assert page.locator(".derive-check .derive-result").last.is_visible(), where
        page.screenshot(path=artifacts / f"fit-derivation-{setup}-{size['width']}-{weight}.png")
        page.click("#derivation-close")
        page.locator("#derivation-panel").wait_for(state="hidden")


@pytest.mark.parametrize("screen", SCREENS, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_line_stays_on_the_screen_while_a_run_plays(screen, artifacts):
    """Mountain Car's network at its tallest phase (Adam's update of A), played at 60 frames/s:
    the lines typeset again while it plays (once a second, fitted from the last fit) and after
    the pause are all inside the panel."""
    page = screen
    choose(page, "mode", "control")
    page.click("#step")
    settle(page)
    for _ in range(11):
        page.click("#next-phase")
        settle(page)
    assert page.locator("#equations").get_attribute("data-phase") == "update_A"
    page.select_option("#rate", "60")
    page.click("#play")
    page.wait_for_selector("#play[aria-pressed=true]")
    size = page.viewport_size
    steps = []
    for k in range(3):
        page.wait_for_timeout(1_100)  # each wait holds a typesetting while playing
        heading = page.locator("#equations-heading").text_content()
        steps.append(page.locator("#step-count").text_content())
        check_panel(page, "#equations", ":scope > *", ("playing", size, k, steps[-1]))
        # the lines lag the diagram while playing, and the heading says of which step they are
        of = re.search(r", step ([\d,]+)$", heading)
        assert of and int(of.group(1).replace(",", "")) <= int(steps[-1].replace(",", "")), heading
    assert len(set(steps)) == 3, steps  # the run went on
    page.screenshot(path=artifacts / f"fit-playing-{size['width']}x{size['height']}.png")
    page.click("#play")
    page.wait_for_selector("#play[aria-pressed=false]")
    settle(page)
    check_panel(page, "#equations", ":scope > *", ("paused", size))
    assert ", step" not in page.locator("#equations-heading").text_content()
