"""The join panel of a server that phones cannot reach says so, and how to start it for a class."""

from __future__ import annotations


def test_a_loopback_only_server_says_on_the_projector_that_phones_cannot_reach_it(browser, server_url):
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(server_url + "/")
    page.locator("body[data-ready=true]").wait_for()
    page.click("#class-start")
    page.locator("#class-join:not([hidden])").wait_for()
    note = page.locator("#class-join-note")
    assert note.is_visible()
    text = note.text_content()
    assert "Phones cannot open this link" in text and "make run HOST=0.0.0.0" in text
    page.screenshot(path="/tmp/join-note.png")
    # a reload keeps the class, its link and its note
    page.reload()
    page.locator("body[data-ready=true]").wait_for()
    page.click("#class-join-toggle")
    page.locator("#class-join:not([hidden])").wait_for()
    assert page.locator("#class-join-note").text_content() == text
    page.context.close()
