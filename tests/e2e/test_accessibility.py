"""axe-core over the page in its modes: no serious or critical violation, dimmed text still readable.

axe-core is a test dependency (package.json devDependencies): the test puts it into the page,
the app never serves it.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ROOT
from tests.e2e.test_layout import PHONE, go_to_phase
from tests.e2e.test_td import settle, td_mode

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHASES = [
    "psi",
    "x",
    "theta",
    "y_hat",
    "loss",
    "delta_B",
    "grad_B",
    "update_B",
    "delta_A",
    "grad_A",
    "update_A",
]

# How opaque each shown text of the diagram, the equations and the algorithm is, all its ancestors counted.
TEXT_OPACITY = """() => [...document.querySelectorAll('#network-svg text, #equations *, #pseudocode *')]
  .filter((e) => e.textContent.trim() && e.getClientRects().length)
  .map((e) => {
    let o = 1;
    for (let n = e; n && n.nodeType === 1; n = n.parentNode) o *= parseFloat(getComputedStyle(n).opacity);
    return [e.id || e.className.baseVal || e.className, o];
  })"""


def serious(page, rules: list[str] | None = None) -> list[dict]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], **({"runOnly": rules} if rules else {})}
    result = page.evaluate("options => axe.run(document, options)", options)
    return [
        {"rule": v["id"], "impact": v["impact"], "where": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(params=["page", "presenter", "td", "phone"])
def mode(request, browser, server_url):
    phone = request.param == "phone"
    options = PHONE if phone else {"viewport": {"width": 1280, "height": 720}}
    context = browser.new_context(**options, bypass_csp=True)
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    if request.param == "presenter":
        page.click("#presenter-toggle")
        page.wait_for_function("document.body.classList.contains('presenter')")
    if request.param == "td":
        td_mode(page)
    yield page
    context.close()


def test_no_serious_violation_before_and_after_a_step(mode):
    page = mode
    assert serious(page) == []
    page.click("#step")
    settle(page)
    assert serious(page) == []


def test_every_phase_keeps_its_dimmed_text_readable(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#step")
    settle(page)
    for phase in PHASES:
        go_to_phase(page, phase)
        # dimming by colour only, so that the contrast axe measures is the contrast shown
        assert [t for t in page.evaluate(TEXT_OPACITY) if t[1] < 1] == [], phase
        assert serious(page, ["color-contrast"]) == [], phase
    context.close()
