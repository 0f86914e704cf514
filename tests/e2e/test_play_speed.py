"""Play at 60 frames/s on a slow machine: the page shows the latest frame, never a backlog.

The page's main thread is slowed down (as on an old laptop or a phone), so that
drawing every frame as it arrives would fall behind.  Times are the page's own
(performance.now and the click event's time stamp); the bounds are generous: this checks
that the page keeps up with the server's clock and stops, not how fast it draws.  On a
machine so busy that the page handles the click itself later than STOP_MS after it, the
counter must not move after that.
"""

from __future__ import annotations

import statistics

RATE = 60
SLOWER = 4  # the main thread runs this many times slower than this machine's
CYCLES = 10
PLAY_MS = 1500
PAUSE_MS = 600
STOP_MS = 100  # Pause must stop the step counter within this much of the click
SLACK = 1.5  # steps shown a second may exceed the rate this much (a stalled page shows a late burst)
BEHIND = 6  # and, the median over the cycles, fall short of it this much (a busy machine draws little)

# The step counter's changes, with the page's time, and the page's time of each click on Play/Pause.
RECORD = """() => {
  window.__steps = [];
  window.__clicks = [];
  const counter = document.getElementById('step-count');
  let last = counter.textContent;
  new MutationObserver(() => {
    if (counter.textContent === last) return;
    last = counter.textContent;
    window.__steps.push([performance.now(), Number(last)]);
  }).observe(counter, { childList: true, characterData: true, subtree: true });
  const play = document.getElementById('play');
  play.addEventListener('click', (e) => window.__clicks.push(e.timeStamp), true);
  window.__handled = [];
  play.addEventListener('click', () => window.__handled.push(performance.now()));
}"""


def steps_per_second(changes: list[list[float]], played: float, until: float) -> float:
    """Steps a second the counter showed from its first change after Play to its last before `until`."""
    shown = [(t, v) for t, v in changes if played <= t < until]
    if len(shown) < 2 or shown[-1][0] - shown[0][0] < 500:
        return 0.0  # too few to judge (a slow machine shows few frames; that is not a backlog)
    (t0, v0), (t1, v1) = shown[0], shown[-1]
    return (v1 - v0) / (t1 - t0) * 1000


def test_play_pause_cycles_keep_to_the_rate_and_pause_stops_at_once(watch):
    page = watch.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOWER})
    page.select_option("#rate", str(RATE))
    page.evaluate(RECORD)
    box = page.locator("#play").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for _ in range(CYCLES):  # mouse clicks at the button: no waiting for the page to be idle first
        page.mouse.click(x, y)
        page.wait_for_timeout(PLAY_MS)
        page.mouse.click(x, y)
        page.wait_for_timeout(PAUSE_MS)
    page.wait_for_timeout(1000)
    changes, clicks, handled = page.evaluate("[window.__steps, window.__clicks, window.__handled]")
    assert len(clicks) == 2 * CYCLES, clicks
    assert page.get_attribute("#play", "aria-pressed") == "false"
    late, speeds = [], []
    for n in range(CYCLES):
        played, paused = clicks[2 * n], clicks[2 * n + 1]
        after = clicks[2 * n + 2] if n + 1 < CYCLES else float("inf")
        shown = [v for t, v in changes if played <= t <= paused]
        assert shown, f"cycle {n + 1}: the counter did not move while playing"
        # Faster than the rate: a backlog of frames being caught up.
        speed = steps_per_second(changes, played, after)
        assert speed <= RATE * SLACK, f"cycle {n + 1}: {speed:.0f} steps/s shown at {RATE} frames/s"
        if speed:
            speeds.append(speed)
        # Within STOP_MS of the click, or of the page's handling of it when a busy machine made
        # that later still (the frame on show at the click is drawn then): never after.
        limit = max(paused + STOP_MS, handled[2 * n + 1])
        moved = [t for t, _ in changes if paused < t < after]
        if moved and max(moved) > limit:
            late.append((n + 1, round(max(moved) - paused), round(handled[2 * n + 1] - paused)))
    assert not late, f"the counter moved after Pause (cycle, ms after the click, ms to handle it): {late}"
    # Far slower than the rate: each frame drawn in turn, ever further behind the server.
    assert speeds and statistics.median(speeds) >= RATE / BEHIND, f"steps/s shown in each cycle: {speeds}"
    assert watch.errors == []


# The play socket's frames come to the page in bursts of BURST, in one task (as when a busy
# network or machine bunches them): each is counted as it comes.
BURST = 3
BURSTS = """
window.__received = 0;
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  addEventListener(type, listener, ...rest) {
    if (type !== 'message') return super.addEventListener(type, listener, ...rest);
    let held = [];
    return super.addEventListener('message', (e) => {
      if (!e.data.includes('"frame"')) return listener(e);
      window.__received += 1;
      held.push(e);
      if (held.length < BURST) return;
      const burst = held;
      held = [];
      for (const each of burst) listener(each);
    }, ...rest);
  }
};
""".replace("BURST", str(BURST))


def test_frames_that_come_together_are_drawn_in_turn_and_none_loses_its_losses(browser, server_url):
    """Frames that arrive together are drawn one a display frame, not dropped: the counter shows
    every frame of each burst, and the loss history has every step."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    try:
        context.add_init_script(BURSTS)
        page = context.new_page()
        page.goto(server_url + "/?dataset=xor&hidden=4")
        page.wait_for_selector("body[data-ready=true]", timeout=15_000)
        page.select_option("#rate", "30")
        page.evaluate(RECORD)
        page.click("#play")
        page.wait_for_timeout(3000)
        page.click("#play")
        page.wait_for_timeout(300)
        changes, received = page.evaluate("[window.__steps, window.__received]")
        history = page.evaluate(
            "import('/static/state/store.js').then(({state}) => ({steps: state.chart.step, "
            "step: state.counters.step}))"
        )
    finally:
        context.close()
    shown = {v for _, v in changes}
    assert received >= 45, received  # 3 s at 30 frames/s, less a busy machine's start
    # drawing only the latest of each burst would show a third of them
    assert len(shown) >= 0.9 * received, f"{len(shown)} of {received} frames drawn"
    # a point a step, from the start (step 0) to the step Pause left on show
    assert history["steps"] == list(range(history["step"] + 1)), history["steps"][:20]
    assert history["step"] == max(shown)
