"""The class's own runs in the browser: released, each student's copy reports to the class under a
tag; the teacher's grid shows their steps and losses; a spotlight makes the other students watch
one run read-only (and its owner told so), then everyone goes back to their own run."""

from __future__ import annotations

STEPS = "document.querySelector('#step-count').textContent"


def take_steps(page, n: int) -> None:
    for _ in range(n):
        page.click("#step")
        page.wait_for_function("document.body.dataset.busy !== 'true'")


def test_the_runs_grid_and_a_spotlight(room, artifacts):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    t.wait_for_function(f"{STEPS} === '1'")
    assert t.locator("#class-runs").is_hidden()  # nothing to show before the release
    t.click("#class-release")
    room.wait_all("document.body.dataset.classState === 'released'")
    t.wait_for_function(
        "document.querySelectorAll('#class-runs-grid .class-run').length === 3", timeout=15_000
    )
    first, second, phone = room.students
    take_steps(first, 5)
    take_steps(second, 2)
    first.wait_for_function(f"{STEPS} === '6'")
    # the teacher's grid has each run's step, under tags, never a name
    said = "[...document.querySelectorAll('#class-runs-grid .class-run-said')]"
    second.wait_for_function(f"{STEPS} === '3'")
    for n in (6, 3):  # each run is read at most once a second
        t.wait_for_function(f"{said}.some(e => e.textContent.startsWith('step {n} '))", timeout=10_000)
    said = t.locator("#class-runs-grid .class-run-said").all_text_contents()
    assert sorted(s.split(" ·")[0] for s in said) == ["step 1", "step 3", "step 6"], said
    tags = t.eval_on_selector_all("#class-runs-grid .class-run", "els => els.map(e => e.dataset.student)")
    assert sorted(tags) == ["S1", "S2", "S3"]
    t.set_viewport_size({"width": 1280, "height": 720})
    t.screenshot(path=artifacts / "class-runs-grid.png")

    # spotlight the run at step 6
    six = t.locator("#class-runs-grid .class-run", has_text="step 6")
    tag = six.get_attribute("data-student")
    six.locator("button").click()
    first.wait_for_function(
        f"document.querySelector('#class-banner-text').textContent.includes('Your run ({tag})')"
    )
    for watcher in (second, phone):
        watcher.wait_for_function("document.body.dataset.classState === 'following'")
        watcher.wait_for_function(f"{STEPS} === '6'")
        assert f"watches {tag}’s run" in watcher.locator("#class-banner-text").text_content()
        assert watcher.locator("#step").is_disabled()  # read-only
    take_steps(first, 1)  # the spotlighted student goes on; the class sees it
    for watcher in (second, phone):
        watcher.wait_for_function(f"{STEPS} === '7'")
    phone.screenshot(path=artifacts / "class-runs-watching-phone.png")
    assert f"The class watches {tag}’s run" in t.locator("#class-spotlight-text").text_content()
    # the projector shows it too, read-only, the grid still there to go back
    t.wait_for_function(f"{STEPS} === '7'")
    t.wait_for_function("document.body.classList.contains('class-following')")
    assert t.locator("#step").is_hidden() or t.locator("#step").is_disabled()
    assert t.locator("#class-runs").is_visible()
    t.screenshot(path=artifacts / "class-runs-projector-spotlight.png")

    t.click("#class-spotlight-end")  # back: each to their own run where they left it, the projector too
    t.wait_for_function(f"{STEPS} === '1'")
    t.wait_for_function("!document.body.classList.contains('class-following')")
    second.wait_for_function("document.body.dataset.classState === 'released'")
    second.wait_for_function(f"{STEPS} === '3'")
    phone.wait_for_function(f"{STEPS} === '1'")
    assert not second.locator("#step").is_disabled()
    take_steps(second, 1)
    second.wait_for_function(f"{STEPS} === '4'")

    t.click("#class-release")  # gather: everyone follows the teacher's run again
    room.wait_all("document.body.dataset.classState === 'following'")
    room.wait_all(f"{STEPS} === '1'")
    assert t.locator("#class-runs").is_hidden()
