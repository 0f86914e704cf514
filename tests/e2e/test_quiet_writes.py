"""While playing, the page writes to the DOM only what changes; paused, it writes nothing.

Every view redraws on every animation frame; a write that leaves the DOM as it was (an
attribute set to the value it has, a text replaced by the same text) still costs the
browser a style or layout pass of the whole page.  A MutationObserver over the whole
document sees every write; those that changed nothing are listed, with the element.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_td import settle, td_mode

WARM_MS = 500  # play runs this long before the writes are watched
WATCH_MS = 2000
IDLE_MS = 1000
SETTLE_MS = 1000  # after Pause, the drawings put off while playing are done within this

# Records kept with what each write left behind, read when the records come in (the
# nodes a write removed or added may change later).
OBSERVE = """() => {
  window.__writes = [];
  const markup = (nodes) => Array.from(nodes, (n) => (n.nodeType === 1 ? n.outerHTML : n.data)).join('');
  window.__where = (node) => {  // the element, by its nearest id
    const el = node.nodeType === 1 ? node : node.parentElement;
    if (!el) return '(detached)';
    const path = [];
    for (let e = el; e && e.nodeType === 1 && path.length < 4; e = e.parentElement) {
      const cls = typeof e.className === 'string' ? e.className.trim().split(/\\s+/).filter(Boolean) : [];
      path.unshift(e.id ? `#${e.id}` : [e.localName, ...cls].join('.'));
      if (e.id) break;
    }
    return path.join('>');
  };
  window.__observer = new MutationObserver((records) => {
    const batch = window.__writes.length;
    for (const r of records) {
      const w = { type: r.type, target: r.target, name: r.attributeName, old: r.oldValue, batch };
      if (r.type === 'childList') {
        w.removed = markup(r.removedNodes);
        w.added = markup(r.addedNodes);
      }
      window.__writes.push(w);
    }
  });
  window.__observer.observe(document, {
    subtree: true, childList: true, attributes: true, characterData: true,
    attributeOldValue: true, characterDataOldValue: true,
  });
}"""

# The writes that changed nothing, each as "what: where".  An attribute's or a text's
# writes are taken in order: each record's old value is compared with the one written
# next (the next record's old value, the last one's the value it has now).  A childList
# write changed nothing when, over one batch of records, an element lost the same
# children (by markup) as it gained: text replaced by the same text, say.
NO_OPS = """() => {
  window.__observer.disconnect();
  const writes = window.__writes;
  const where = window.__where;
  const found = new Set();
  const series = new Map(); // (node, attribute) -> its writes in order
  for (const w of writes) {
    if (w.type === 'childList') continue;
    if (!series.has(w.target)) series.set(w.target, new Map());
    const byName = series.get(w.target);
    const key = w.type === 'attributes' ? w.name : '#text';
    if (!byName.has(key)) byName.set(key, []);
    byName.get(key).push(w);
  }
  for (const [node, byName] of series) {
    for (const [key, list] of byName) {
      const now = key === '#text' ? node.data : node.getAttribute(key);
      list.forEach((w, i) => {
        const written = i + 1 < list.length ? list[i + 1].old : now;
        if (w.old === written) found.add(`${key === '#text' ? 'text' : key}: ${where(node)}`);
      });
    }
  }
  const lists = new Map(); // (batch, element) -> [removed, added]
  for (const w of writes) {
    if (w.type !== 'childList') continue;
    if (!lists.has(w.batch)) lists.set(w.batch, new Map());
    const byTarget = lists.get(w.batch);
    const both = byTarget.get(w.target) || ['', ''];
    byTarget.set(w.target, [both[0] + w.removed, both[1] + w.added]);
  }
  for (const byTarget of lists.values()) {
    for (const [target, [removed, added]] of byTarget) {
      if (removed === added) found.add(`children: ${where(target)}`);
    }
  }
  return { count: writes.length, noOps: [...found].sort() };
}"""


def play_and_watch(page) -> dict:
    page.select_option("#rate", "60")
    page.click("#play")
    page.wait_for_selector("#play[aria-pressed=true]")
    page.wait_for_timeout(WARM_MS)
    page.evaluate(OBSERVE)
    page.wait_for_timeout(WATCH_MS)
    return page.evaluate(NO_OPS)


# Every write at all, as "what: where".
WRITES = """() => {
  window.__observer.disconnect();
  return window.__writes.map((w) => `${w.name || w.type}: ${window.__where(w.target)}`);
}"""


def pause_and_watch(page) -> list[str]:
    page.click("#play")
    page.wait_for_selector("#play[aria-pressed=false]")
    settle(page)
    page.wait_for_timeout(SETTLE_MS)
    page.evaluate(OBSERVE)
    page.wait_for_timeout(IDLE_MS)
    return page.evaluate(WRITES)


@pytest.mark.parametrize("mode", ["supervised", "td"])
def test_play_writes_only_what_changes_and_a_paused_page_writes_nothing(watch, mode):
    page = watch.page
    if mode == "td":
        td_mode(page)
    else:
        settle(page)
    seen = play_and_watch(page)
    assert seen["count"] > 0, "nothing was written while playing: the observer saw no frame"
    no_ops = seen["noOps"]
    assert no_ops == [], f"{len(no_ops)} kinds of write changed nothing while playing:\n" + "\n".join(no_ops)
    idle = pause_and_watch(page)
    assert idle == [], f"the paused page still wrote {len(idle)} times:\n" + "\n".join(sorted(set(idle)))
    assert watch.errors == []


# How often each watched element's text was rewritten, by the observer's clock.
COUNT_TEXT = """(ids) => {
  window.__counts = Object.fromEntries(ids.map((id) => [id, 0]));
  window.__countObserver = new MutationObserver((records) => {
    const seen = new Set();
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const owner = el && el.closest(ids.map((id) => `#${id}`).join(','));
      if (owner) seen.add(owner.id);
    }
    for (const id of seen) window.__counts[id] += 1;
  });
  window.__countObserver.observe(document, { subtree: true, childList: true, characterData: true });
}"""
PACED = ["val-psi-1", "val-delta_A-1", "val-y_hat-1", "val-loss", "mean-loss", "sample-s"]


def test_while_playing_numbers_are_rewritten_ten_times_a_second_and_pause_shows_the_step_exactly(watch):
    page = watch.page
    settle(page)
    page.select_option("#rate", "60")
    assert page.locator(".counters").get_attribute("aria-live") == "polite"
    page.click("#play")
    page.wait_for_selector("#play[aria-pressed=true]")
    page.wait_for_timeout(WARM_MS)
    # A live region is quiet while playing: a screen reader would speak without a pause.
    assert page.locator(".counters").get_attribute("aria-live") == "off"
    page.evaluate(COUNT_TEXT, [*PACED, "step-count"])
    start = page.evaluate("performance.now()")
    page.wait_for_timeout(WATCH_MS)
    counts, elapsed = page.evaluate("[window.__counts, performance.now()]")
    seconds = (elapsed - start) / 1000
    frames = counts.pop("step-count")
    assert frames >= 5 * seconds, f"only {frames} frames shown in {seconds:.1f} s"
    for name, n in counts.items():
        # At most one rewrite every 100 ms (and one at the start of the watch).
        assert 1 <= n <= 10 * seconds + 2, f"{name}: {n} rewrites in {seconds:.1f} s ({frames} frames)"
    page.click("#play")
    page.wait_for_selector("#play[aria-pressed=false]")
    settle(page)
    assert page.locator(".counters").get_attribute("aria-live") == "polite"
    # What Pause leaves on show is the paused step's own numbers, at once.
    shown = page.evaluate(
        "import('/static/state/store.js').then(({state}) => ({step: state.counters.step, "
        "psi: state.trace.psi[0], loss: state.trace.loss, mean: state.counters.datasetLoss}))"
    )
    fmt = "([a, b, c]) => import('/static/lib/format.js').then((m) => [m.fmt(a), m.fmt(b), m.fmt(c)])"
    psi, loss, mean = page.evaluate(fmt, [shown["psi"], shown["loss"], shown["mean"]])
    assert page.locator("#step-count").text_content() == str(shown["step"])
    assert page.locator("#val-psi-1 .num").text_content() == psi
    assert page.locator("#val-loss").text_content() == f"L = {loss}"
    assert page.locator("#mean-loss").text_content() == mean
    assert watch.errors == []
