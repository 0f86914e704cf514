"""A teacher's own lesson: the view on show saved as a stop (its phase, its derivation line, the
parts ticked hidden, the note), reordered and deleted, then as a link and as a file, each opening
the lesson solo on another page after the server has checked it."""

from __future__ import annotations

import json

from tests.e2e.conftest import PageWatch
from tests.e2e.test_derivation import open_by_key, wait_derivation
from tests.e2e.test_td import settle

STOP = "document.querySelector('#lesson-stop').textContent"


def save(page, title: str, note: str = "", hide: tuple[str, ...] = ()) -> None:
    page.fill("#lesson-note-input", note)
    for box in page.locator("#lesson-parts input").all():
        box.set_checked(box.get_attribute("value") in hide)
    page.fill("#stop-title", title)
    before = page.locator("#draft-stops li").count()
    page.click("#stop-save")
    page.wait_for_function(f"document.querySelectorAll('#draft-stops li').length === {before + 1}")


def titles(page) -> list[str]:
    return [t.split(" (")[0] for t in page.locator("#draft-stops li").all_text_contents()]


def opened(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    page.watch = PageWatch(page, url.split("/#")[0].rstrip("/"))
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    return context, page


def test_save_views_as_stops_reorder_them_and_open_the_lesson_from_its_link_and_its_file(
    watch, browser, server_url, tmp_path, artifacts
):
    page = watch.page
    page.keyboard.press("s")
    settle(page)
    save(page, "One", note="a whole step", hide=("code",))
    for _ in range(3):  # a new step, walked to θ
        page.keyboard.press("n")
        settle(page)
    assert page.locator("#equations").get_attribute("data-phase") == "theta"
    save(page, "Two", note="θ of the second step")
    open_by_key(page, "edge-B-1-0")
    wait_derivation(page, "B.1.0", 2)
    page.keyboard.press(".")
    page.wait_for_selector("#derivation-panel[data-line='1']")
    save(page, "Three", note="a derivation")
    assert titles(page) == ["One", "Two", "Three"]
    page.click("#draft-stops button[aria-label='move up stop 3']")
    second = "document.querySelector('#draft-stops li:nth-child(2)').textContent"
    page.wait_for_function(f"{second}.startsWith('Three')")
    page.click("#draft-stops button[aria-label='delete stop 3']")
    page.wait_for_function("document.querySelectorAll('#draft-stops li').length === 2")
    assert titles(page) == ["One", "Three"]
    page.locator("#lesson-panel").screenshot(path=artifacts / "lesson-edit-panel.png")
    # the link: the lesson opens on another page, checked by the server first
    page.click("#draft-link")
    link = page.locator("#draft-link-out").input_value()
    assert "#lesson=" in link
    context, other = opened(browser, link)
    try:
        other.wait_for_function(f"{STOP} === 'Stop 1 of 2: One'")
        settle(other)
        assert other.locator("#lesson-note").text_content() == "a whole step"
        assert other.locator(".code-panel").is_hidden()  # its part hidden
        assert other.locator("#step-count").text_content() == "1"
        assert other.locator("#equations").get_attribute("data-phase") == "update_A"
        other.keyboard.press("PageDown")
        other.wait_for_function(f"{STOP} === 'Stop 2 of 2: Three'")
        other.wait_for_selector("#derivation-panel[data-ready=true][data-weight='B.1.0'][data-line='1']")
        assert other.locator(".code-panel").is_visible()
        assert other.watch.errors == [], other.watch.errors
    finally:
        context.close()
    # the file: saved, then opened on another page
    with page.expect_download() as got:
        page.click("#draft-file")
    path = tmp_path / "lesson.json"
    got.value.save_as(path)
    doc = json.loads(path.read_text())
    assert [s["title"] for s in doc["stops"]] == ["One", "Three"] and doc["stops"][1]["derive"] == "B.1.0"
    context, other = opened(browser, server_url + "/")
    try:
        other.set_input_files("#lesson-file", str(path))
        other.wait_for_function(f"{STOP} === 'Stop 1 of 2: One'")
        # a document the server refuses is named by its field, and nothing opens
        doc["stops"][0]["colour"] = "red"
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(doc))
        other.click("#stop-close")
        other.set_input_files("#lesson-file", str(bad))
        other.wait_for_function("document.querySelector('#notice').textContent.includes('stops[0].colour')")
        assert other.locator("#lesson-banner").is_hidden()
    finally:
        context.close()
    assert watch.errors == [], watch.errors
