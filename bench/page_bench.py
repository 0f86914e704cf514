"""(h) the page's first load and a warm reload, (i) the main thread while playing, in headless Chromium.

(h): a fresh browser context opens the page; Chromium's own network events count the requests
and the bytes on the wire (compressed, headers included) until the page is ready and the network
idle; an init script notes when the diagram's first nodes are in the DOM (ms after navigation
starts).  A reload in the same context then shows what a warm cache still transfers.

(i): the page plays at `rate` frames a second for `seconds`; Performance.getMetrics before and
after gives the main thread's busy time (TaskDuration, of which script, layout and style
recalculation), divided by the frames the page showed (distinct values of its step counter);
the frames received are the WebSocket messages the page was handed.

    python -m bench.page_bench                      # this tree, to stdout
    python -m bench.page_bench --root /path/to/old  # also another checkout of the app, side by side
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import quote

from bench.server import running_server
from bench.stats import median

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# As the browser tests launch it (tests/e2e/conftest.py).
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
VIEWPORT = {"width": 1280, "height": 720}
CAR = '{"name":"mountain_car","features":"%s"}'
# What (i) plays: (2, n_x, 1) networks on xor, and control mode's Mountain Car (its own defaults).
PLAYED = {
    "(2,4,1)": "dataset=xor&hidden=4&alpha_A=0.01&alpha_B=0.01",
    "(2,16,1)": "dataset=xor&hidden=16&alpha_A=0.01&alpha_B=0.01",
    "Mountain Car, the network": "environment=" + quote(CAR % "network"),
    "Mountain Car, the tile coder": "environment=" + quote(CAR % "tiles"),
}
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")

# Times the diagram's first nodes and counts the step counter's distinct values, from the page's start.
WATCH_SCRIPT = """
window.__bench = { firstNodes: null, steps: new Set(), received: 0 };
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', () => { window.__bench.received += 1; });
  }
};
new MutationObserver(() => {
  const b = window.__bench;
  if (b.firstNodes === null && document.querySelector('#network .node')) b.firstNodes = performance.now();
  const counter = document.getElementById('step-count');
  if (counter) b.steps.add(counter.textContent);
}).observe(document, { childList: true, subtree: true, characterData: true });
"""


def available() -> str | None:
    """Why the page benchmark cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[bench]')"
    return None


class _Network:
    """Requests and bytes on the wire of one page, from Chromium's network events."""

    def __init__(self, cdp) -> None:
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, float] = {}
        self.status: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _sent(self, e) -> None:
        if not e["request"]["url"].startswith("data:"):
            self.urls[e["requestId"]] = e["request"]["url"]

    def _response(self, e) -> None:
        self.status[e["requestId"]] = e["response"]["status"]

    def _finished(self, e) -> None:
        self.bytes[e["requestId"]] = e["encodedDataLength"]

    def clear(self) -> None:
        self.urls.clear()
        self.bytes.clear()
        self.status.clear()

    def summary(self) -> dict:
        done = [r for r in self.urls if r in self.bytes]
        return {
            "requests": len(done),
            "kb": sum(self.bytes[r] for r in done) / 1024,
            "not_modified": sum(self.status.get(r) == 304 for r in done),
            "files": sorted((self.urls[r].split("/", 3)[-1], round(self.bytes[r])) for r in done),
            "status": {self.urls[r].split("/", 3)[-1]: self.status.get(r) for r in done},
        }


def _first_nodes(page) -> float:
    page.wait_for_function("window.__bench && window.__bench.firstNodes !== null", timeout=15_000)
    return page.evaluate("window.__bench.firstNodes")


def _open(browser, url: str):
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    context.add_init_script(WATCH_SCRIPT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    return context, page, cdp


def _ready(page) -> None:
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    page.wait_for_load_state("networkidle")


def first_load(browser, url: str) -> dict:
    """(h) one round: a cold load, then a reload with the cache it filled."""
    context, page, cdp = _open(browser, url)
    try:
        net = _Network(cdp)
        page.goto(url + "/")
        _ready(page)
        cold = {**net.summary(), "first_nodes_ms": _first_nodes(page)}
        net.clear()
        page.reload()
        _ready(page)
        warm = {**net.summary(), "first_nodes_ms": _first_nodes(page)}
        return {"cold": cold, "warm": warm}
    finally:
        context.close()


def _metrics(cdp) -> dict:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def play(browser, url: str, played: str, rate: int, seconds: float) -> dict:
    """(i) one round: play PLAYED[played] at `rate` frames a second for `seconds`."""
    context, page, cdp = _open(browser, url)
    try:
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        page.goto(f"{url}/?{PLAYED[played]}")
        _ready(page)
        if "environment" in PLAYED[played]:
            page.wait_for_function("document.body.classList.contains('control-mode')", timeout=15_000)
        page.select_option("#rate", str(rate))
        page.wait_for_timeout(300)
        before = _metrics(cdp)
        page.evaluate("window.__bench.steps.clear(); window.__bench.received = 0")
        page.click("#play")
        start = time.monotonic()
        page.wait_for_timeout(seconds * 1000)
        after = _metrics(cdp)
        elapsed = time.monotonic() - start
        received, shown = page.evaluate("[window.__bench.received, window.__bench.steps.size]")
        per_frame = {name: (after[name] - before[name]) * 1e3 / max(shown, 1) for name in METRICS}
        return {"played": played, "received": received, "shown": shown, "seconds": elapsed, **per_frame}
    finally:
        context.close()


def page_bench(server_url: str, rounds: int, rate: int, seconds: float) -> dict:
    """(h) and (i) against the server at `server_url`: every round of each, for medians."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            loads = [first_load(browser, server_url) for _ in range(rounds)]
            plays = {k: [play(browser, server_url, k, rate, seconds) for _ in range(rounds)] for k in PLAYED}
        finally:
            browser.close()
    return {"rounds": rounds, "rate": rate, "seconds": seconds, "loads": loads, "plays": plays,
            "load_avg": " ".join(f"{x:.2f}" for x in os.getloadavg())}  # fmt: skip


def medians(result: dict) -> dict:
    """The figures the report shows, each the median over the rounds."""
    out = {}
    for when in ("cold", "warm"):
        for key in ("kb", "requests", "not_modified", "first_nodes_ms"):
            out[f"{when}_{key}"] = median([r[when][key] for r in result["loads"]])
    for n, rounds in result["plays"].items():
        for key in ("received", "shown", *METRICS):
            out[f"play{n}_{key}"] = median([r[key] for r in rounds])
    return out


def _print(label: str, result: dict) -> None:
    m = medians(result)
    print(f"{label} (load average {result['load_avg']}):")
    for when in ("cold", "warm"):
        print(
            f"  {when}: {m[f'{when}_kb']:.1f} KB in {m[f'{when}_requests']:.0f} requests "
            f"({m[f'{when}_not_modified']:.0f} 304s), first nodes {m[f'{when}_first_nodes_ms']:.0f} ms"
        )
    for n in PLAYED:
        parts = ", ".join(f"{k[:-8]} {m[f'play{n}_{k}']:.2f}" for k in METRICS)
        print(f"  play {n}: ms a frame: {parts}; frames received {m[f'play{n}_received']:.0f}, "
              f"shown {m[f'play{n}_shown']:.0f}")  # fmt: skip
    files = result["loads"][0]["cold"]["files"]
    print("  cold load, first round: " + ", ".join(f"{f} {b / 1024:.1f}K" for f, b in files))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="another checkout of the app to measure first, side by side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    why = available()
    if why:
        print(f"cannot run: {why}")
        return 1
    roots = ([("other", Path(args.root))] if args.root else []) + [("this tree", None)]
    for label, root in roots:
        with running_server(root=root) as server:
            _print(f"{label} {root or ''}", page_bench(server.url, args.rounds, 60, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
