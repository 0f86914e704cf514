"""The loss chart and the top bar's mean loss in a real browser: no spoilers while a step is walked
through, whole steps on the step axis, a legend that says what each curve is, and a log scale
that survives losses of 1e-31, 0, subnormal numbers and 1e-300."""

from __future__ import annotations

import contextlib
import re
import time

from tests.e2e.conftest import PageWatch
from tests.e2e.test_page import PHASE_IDS, close_at_shown_precision
from tests.e2e.test_td import settle, step, td_mode

# Every uPlot the page makes is kept in window.__plots, so that a test reads what the chart drew
# (its data, and the tick labels of its axes) whatever the page's own code looks like.
SEE_PLOTS = """(() => {
  let real;
  Object.defineProperty(window, 'uPlot', {
    configurable: true,
    get() { return real; },
    set(ctor) {
      real = new Proxy(ctor, { construct(target, args) {
        const u = Reflect.construct(target, args);
        (window.__plots ||= []).push(u);
        return u;
      } });
    },
  });
})();"""
CHART = "window.__plots.filter((u) => u.root.isConnected && u.root.closest('#loss-chart')).at(-1)"
STATE = "import('/static/state/store.js').then(({state}) => state)"
UPDATE_B = PHASE_IDS.index("update_B")
LOSS = PHASE_IDS.index("loss")


@contextlib.contextmanager
def opened(browser, server_url, path="/", viewport=(1280, 720)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, bypass_csp=True)
    context.add_init_script(SEE_PLOTS)
    page = context.new_page()
    watch = PageWatch(page, server_url)
    page.goto(server_url + path)
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    try:
        yield watch
    finally:
        context.close()


def drawn(page) -> list[list]:
    """The chart's data as drawn: [steps, sample losses, mean losses]."""
    return page.evaluate(f"{CHART}.data.map((d) => [...d])")


def newest(series_steps: list, values: list) -> tuple:
    """The step and value of the newest point a curve draws."""
    i = max(i for i, v in enumerate(values) if v is not None)
    return series_steps[i], values[i]


def ticks(page, axis: int) -> list[str]:
    return page.evaluate(f"{CHART}.axes[{axis}]._values.filter((v) => v !== '' && v !== null)")


def test_log_scale_keeps_drawing_while_xor_reaches_1e_31_at_100_steps_a_frame(browser, server_url, artifacts):
    """The page froze for about 15 s ('Invalid array length' in uPlot's log ticks) and the chart
    stopped for good: now every look at the page is answered at once and the chart keeps up."""
    with opened(browser, server_url, "/?dataset=xor") as watch:
        page = watch.page
        page.select_option("#rate", "60")
        page.select_option("#steps-per-frame", "100")
        page.check("#log-scale")
        page.click("#play")
        last_steps, waits = [], []
        end = time.monotonic() + 5
        while time.monotonic() < end:
            asked = time.monotonic()
            last_steps.append(page.evaluate(f"{CHART}.data[0].at(-1)"))  # answered by the page's main thread
            waits.append(time.monotonic() - asked)
            page.wait_for_timeout(500)
        asked = time.monotonic()
        page.click("#play")
        page.locator("#play[aria-pressed=false]").wait_for(timeout=5_000)
        pause_wait = time.monotonic() - asked
        page.wait_for_timeout(500)
        page.screenshot(path=artifacts / "chart-log-tiny-losses.png")
        state = page.evaluate(
            f"{STATE}.then((s) => ({{step: s.counters.step, "
            "smallest: Math.min(...s.chart.sample.filter((v) => v !== null))}))"
        )
        final = drawn(page)
        loss_ticks = ticks(page, 1)
    assert watch.errors == [], watch.errors
    assert state["smallest"] < 1e-20, state  # the run did reach the losses that broke the log scale
    assert max(waits) < 2.0 and pause_wait < 2.0, (waits, pause_wait)
    # the chart's last step grows all along, and it ends on the step Pause left on show
    assert all(a < b for a, b in zip(last_steps[1::2], last_steps[3::2], strict=False)), last_steps
    assert final[0][-1] == state["step"]
    # past 8,000 points the history is thinned: its three series alike, each loss at its own step
    assert len(final[0]) == len(final[1]) == len(final[2]) <= 8000 and state["step"] > 8000, state
    assert min(v for v in final[1] if v is not None) == 1e-12  # drawn on the floor
    assert loss_ticks[0] == "≤1e-12", loss_ticks


def test_losses_of_0_subnormal_and_1e_300_are_drawn_on_the_log_scales_floor(browser, server_url):
    # α = 1 on XOR meets samples whose loss is exactly 0 within a few steps.
    with opened(browser, server_url, "/?dataset=xor&alpha_A=1&alpha_B=1") as watch:
        page = watch.page
        page.check("#log-scale")
        for _ in range(4):
            with page.expect_response(re.compile(r"/step$")):
                page.click("#epoch")
            settle(page)
        page.wait_for_timeout(200)
        real = drawn(page)
        losses = page.evaluate(f"{STATE}.then((s) => s.chart.sample)")
        # then a history no run here reaches: 1e-26, the smallest subnormal, 0 and 1e-300
        page.evaluate(
            f"{STATE}.then((s) => {{ s.chart.step = [0, 1, 2, 3, 4, 5];"
            " s.chart.sample = [null, 0.25, 1e-26, 5e-324, 0, 1e-300];"
            " s.chart.mean = [0.3, null, null, 0, null, 1e-300]; })"
        )
        page.uncheck("#log-scale")
        page.check("#log-scale")
        page.wait_for_timeout(200)
        made = drawn(page)
        loss_ticks = ticks(page, 1)
        # the legend gives the loss itself, not the floor it is drawn on
        over = page.locator("#loss-chart .u-over").bounding_box()
        page.mouse.move(over["x"] + over["width"] - 1, over["y"] + over["height"] / 2)
        values = page.locator("#loss-chart .u-legend .u-value")
        legend_last = [values.nth(1).text_content(), values.nth(2).text_content()]
        page.mouse.move(over["x"] + over["width"] * 0.8, over["y"] + over["height"] / 2)
        legend_zero = values.nth(1).text_content()
    assert watch.errors == [], watch.errors
    assert 0.0 in losses
    assert [v for v, loss in zip(real[1], losses, strict=True) if loss == 0.0] == [1e-12] * losses.count(0.0)
    assert made[1] == [None, 0.25, 1e-12, 1e-12, 1e-12, 1e-12]
    assert made[2] == [0.3, None, None, 1e-12, None, 1e-12]
    assert loss_ticks[0] == "≤1e-12" and loss_ticks[-1] == "1", loss_ticks
    assert legend_last == ["1.00e-300", "1.00e-300"] and legend_zero == "0", (legend_last, legend_zero)


def walk(page, on_phase) -> None:
    """Next phase through every phase of one step, calling on_phase(index) at each."""
    for i, phase in enumerate(PHASE_IDS):
        if i:
            page.keyboard.press("n")
            settle(page)
        page.locator(f"#equations[data-phase={phase}]").wait_for()
        on_phase(i)


def test_walking_a_step_shows_the_loss_before_its_update_until_an_update_phase(browser, server_url):
    with opened(browser, server_url, "/?dataset=xor&alpha_A=0.5&alpha_B=0.5") as watch:
        page = watch.page
        first = step(page, "s")  # a step taken whole shows its mean loss at once
        after_first = first["state"]["dataset_loss"]
        assert close_at_shown_precision(page.locator("#mean-loss").text_content(), after_first)
        assert newest(*drawn(page)[0::2]) == (1, after_first)
        second = step(page, "n")
        after_second = second["state"]["dataset_loss"]
        seen = []

        def check(i):
            steps, samples, means = drawn(page)
            top = page.locator("#mean-loss").text_content()
            seen.append((i, top, newest(steps, means), newest(steps, samples)))

        walk(page, check)
    assert watch.errors == [], watch.errors
    assert not close_at_shown_precision(seen[0][1], after_second)  # the two steps' mean losses differ on show
    for i, top, mean_point, sample_point in seen:
        before = i < UPDATE_B
        assert close_at_shown_precision(top, after_first if before else after_second), (PHASE_IDS[i], top)
        assert mean_point == ((1, after_first) if before else (2, after_second)), (PHASE_IDS[i], mean_point)
        # the step's sample loss joins the chart at the phase that computes it
        assert sample_point == ((1, first["trace"]["loss"]) if i < LOSS else (2, second["trace"]["loss"])), (
            PHASE_IDS[i],
            sample_point,
        )


def test_td_mode_holds_back_the_rmsve_after_the_update_too(browser, server_url):
    with opened(browser, server_url) as watch:
        page = watch.page
        td_mode(page)
        first = step(page, "s")["state"]["rmsve"]
        second = step(page, "n")["state"]["rmsve"]
        seen = []

        def check(i):
            seen.append((i, page.locator("#mean-loss").text_content(), newest(*drawn(page)[0::2])))

        walk(page, check)
        labels = page.locator("#loss-chart .u-legend .u-label").all_text_contents()
    assert watch.errors == [], watch.errors
    assert first != second
    for i, top, point in seen:
        expected = (1, first) if i < UPDATE_B else (2, second)
        assert close_at_shown_precision(top, expected[1]) and point == expected, (PHASE_IDS[i], top, point)
    assert "RMS value error" in labels[2] and "after the step’s update" in labels[2], labels


def test_the_step_axis_has_whole_steps_and_the_legend_says_what_each_curve_is(browser, server_url):
    with opened(browser, server_url) as watch:
        page = watch.page
        seen = []
        for button in ("#step", "#step", "#epoch"):  # steps 0–1 (where ticks of 0.5 were drawn), 0–2, 0–4
            with page.expect_response(re.compile(r"/step$")):
                page.click(button)
            settle(page)
            seen.append(ticks(page, 0))
        page.check("#log-scale")
        page.wait_for_timeout(200)
        seen.append(ticks(page, 0))
        labels = page.locator("#loss-chart .u-legend .u-label").all_text_contents()
    assert watch.errors == [], watch.errors
    for labels_of_axis in seen:
        assert labels_of_axis and all(re.fullmatch(r"\d[\d,]*", t) for t in labels_of_axis), seen
    assert seen[0] == ["0", "1"], seen
    sample, mean = labels[1], labels[2]
    assert "sample" in sample and "before its update" in sample, labels
    assert "over D" in mean and "after the step’s update" in mean, labels
