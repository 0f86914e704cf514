"""The page's geometry in a real browser: one screen on a projector, labels clear of each other."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_td import choose, settle, td_mode, type_setting

SCREENS = [(1280, 720), (1920, 1080)]
THE_THREE = ["#network", "#equations", "#loss-chart"]

# Every label of the diagram and every node: boxes on screen, with what they are.
BOXES = """() => {
  const shown = (e) => e.getAttribute('display') !== 'none' && e.textContent.trim() !== '';
  const svg = document.getElementById('network-svg');
  const labels = [...svg.querySelectorAll('.edge-label, .col-head, .loss-text')];
  const nodes = [...svg.querySelectorAll('.node rect')];
  const box = (e, kind) => {
    const r = e.getBoundingClientRect();
    return { kind, what: e.id || e.parentNode.id || e.textContent, x: r.x, y: r.y, w: r.width, h: r.height };
  };
  return [...labels.filter(shown).map((e) => box(e, 'label')), ...nodes.map((e) => box(e, 'node'))];
}"""


def overlapping(boxes: list[dict]) -> list[tuple[dict, dict]]:
    def meet(a, b):
        return (
            a["x"] < b["x"] + b["w"]
            and b["x"] < a["x"] + a["w"]
            and a["y"] < b["y"] + b["h"]
            and b["y"] < a["y"] + a["h"]
        )

    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if meet(a, b)]


def go_to_phase(page, phase: str) -> None:
    for _ in range(12):
        if page.locator("#equations").get_attribute("data-phase") == phase:
            return
        page.click("#next-phase")
        settle(page)
    raise AssertionError(f"never reached the phase {phase}")


def in_view(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector,
        """e => { const r = e.getBoundingClientRect();
                  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                           width: innerWidth, height: innerHeight, scrollY }; }""",
    )


def one_row(page) -> None:
    tops = page.eval_on_selector_all(
        ".controls > *", "els => els.filter(e => e.offsetWidth).map(e => e.getBoundingClientRect().top)"
    )
    assert max(tops) - min(tops) < 20, tops


@pytest.mark.parametrize("screen", SCREENS, indirect=True, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode", ["page", "presenter", "td", "control"])
def test_the_diagram_the_equation_and_the_chart_share_one_screen(screen, mode, artifacts):
    page = screen
    presenter = mode == "presenter"
    if mode == "td":
        td_mode(page)
    if mode == "control":
        choose(page, "mode", "control")
    page.click("#step")
    settle(page)
    if presenter:
        page.click("#presenter-toggle")
        page.wait_for_function("document.body.classList.contains('presenter')")
    size = page.viewport_size
    page.screenshot(path=artifacts / f"screen-{size['width']}x{size['height']}-{mode}.png")
    shown = THE_THREE  # presenter mode keeps the chart too
    for selector in shown:
        box = in_view(page, selector)
        assert box["scrollY"] == 0
        assert box["top"] >= 0 and box["left"] >= 0, (selector, box)
        assert box["bottom"] <= box["height"] and box["right"] <= box["width"], (selector, box)
        assert box["bottom"] - box["top"] > 150, (selector, box)
    # the control bar is one row, and stays one while the run plays (Pause is wider than Play)
    one_row(page)
    if not presenter:
        page.click("#play")
        page.wait_for_selector("#play[aria-pressed=true]")
        one_row(page)
        page.click("#play")
        page.wait_for_selector("#play[aria-pressed=false]")
    if mode == "control":  # the first episode runs to its cut: a job of several calls, with its bar
        page.click("#epoch")
        page.wait_for_selector("#work:not([hidden])")
        one_row(page)
        box = in_view(page, "#equations")
        assert box["bottom"] <= box["height"], box
        page.keyboard.press("Escape")
        page.wait_for_selector("#work[hidden]", state="attached")
    # nothing of the page is wider than the screen; presenter mode is the one screen and no more
    assert page.evaluate("document.scrollingElement.scrollWidth") <= size["width"]
    if presenter:
        assert page.evaluate("document.scrollingElement.scrollHeight") <= size["height"]


@pytest.mark.parametrize("screen", [(1280, 720)], indirect=True, ids=["1280x720"])
@pytest.mark.parametrize(
    "settings",
    [{}, {"hidden": "8"}, {"dataset": "hand"}],
    ids=["2-4-1", "2-8-1", "hand"],
)
def test_no_label_covers_another_label_or_a_node(screen, settings, artifacts):
    page = screen
    for name, value in settings.items():
        if name == "dataset":
            choose(page, name, value)
        else:
            type_setting(page, name, value)
    page.click("#step")
    settle(page)
    shown = 0
    for phase in ["grad_B", "update_B", "grad_A", "update_A"]:
        go_to_phase(page, phase)
        boxes = page.evaluate(BOXES)
        assert overlapping(boxes) == [], phase
        shown = max(shown, sum(b["kind"] == "label" and b["what"].startswith("label-") for b in boxes))
        page.screenshot(path=artifacts / f"labels-{'-'.join(settings.values()) or 'default'}-{phase}.png")
    edges = page.locator("#network-svg .edge-A").count()
    assert shown >= min(edges, 12)  # a label on every edge of A when there are a dozen or fewer


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}


@pytest.fixture
def phone(browser, server_url):
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    context.close()


def test_a_phone_gets_large_targets_a_readable_diagram_and_then_the_equation(phone, artifacts):
    page = phone
    page.tap("#step")
    settle(page)
    page.screenshot(path=artifacts / "phone-390x844.png")
    page.screenshot(path=artifacts / "phone-390x844-full.png", full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    # a compact bar near the top; every control on the page is a target of 44 px or more
    bar = page.eval_on_selector(".controls", "e => e.getBoundingClientRect().toJSON()")
    assert bar["bottom"] <= 260, bar
    small = page.eval_on_selector_all(
        "button, select, input",
        """els => els.filter(e => e.offsetWidth || e.offsetHeight).map(e => {
            const target = e.type === 'checkbox' || e.type === 'file' ? e.closest('label') || e : e;
            const r = target.getBoundingClientRect();
            return [e.id || e.name || e.outerHTML.slice(0, 60), Math.round(r.width), Math.round(r.height)];
        }).filter(([, w, h]) => w < 44 || h < 44)""",
    )
    assert small == []
    # no keyboard hints on a touch screen
    hints = page.eval_on_selector_all(
        ".key-hint, .keys, .hint-pointer", "els => els.filter(e => e.offsetWidth).map(e => e.textContent)"
    )
    assert hints == []
    assert not re.search(r"\([A-Z⇧]+\)", page.locator(".controls").inner_text())
    # every text of the diagram is 12 px or more on the screen
    sizes = page.eval_on_selector_all(
        "#network-svg text",
        """els => {
            const svg = document.getElementById('network-svg');
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return els.filter(e => e.textContent.trim() && e.getBoundingClientRect().width).map(e =>
                [e.id || e.className.baseVal, parseFloat(getComputedStyle(e).fontSize) * scale,
                 e.getBoundingClientRect().height]);
        }""",
    )
    assert len(sizes) >= 10
    assert [s for s in sizes if s[1] < 12 or s[2] < 12] == []
    # the current equation comes right after the diagram
    panels = page.eval_on_selector_all(
        ".panel",
        "els => els.filter(e => e.offsetHeight).map(e => [e.className, e.getBoundingClientRect().top])",
    )
    diagram = next(top for name, top in panels if "diagram-panel" in name)
    after = sorted((top, name) for name, top in panels if top > diagram)
    assert "math-panel" in after[0][1], after
    network = page.eval_on_selector("#network", "e => e.getBoundingClientRect().bottom")
    equations = page.eval_on_selector("#equations", "e => e.getBoundingClientRect().top")
    assert 0 < equations - network < 200, (network, equations)
    assert page.locator("#equations .katex").count() >= 1
