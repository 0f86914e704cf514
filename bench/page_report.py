"""(h) and (i) in BENCHMARKS.md: the page's targets and the measurements behind them."""

from __future__ import annotations

from bench.page_bench import METRICS, PLAYED, medians

# The page's targets: bytes on the wire for a first load, first nodes, main-thread ms a frame by size.
MAX_KB = 400
MAX_FIRST_NODES_MS = 300
MAX_MS_A_FRAME = {"(2,4,1)": 3.0, "(2,16,1)": 6.0}  # Mountain Car's: a frame at 60/s (16.7 ms)
FRAME_MS = 1000 / 60
MIN_SHOWN = 0.95  # of the frames received at 60/s: none dropped, bar the odd one


def page_targets(page) -> list[tuple[str, str, str, bool | None]]:
    if page is None:
        return [("(h), (i) the page in headless Chromium", "not measured", "", None)]
    m = medians(page)
    kb, nodes, again = m["cold_kb"], m["cold_first_nodes_ms"], m["warm_first_nodes_ms"]
    rows = [
        ("(h) first load: bytes on the wire", f"{kb:.0f} KB", f"≤ {MAX_KB} KB", kb <= MAX_KB),
        ("(h) first load: first nodes drawn", f"{nodes:.0f} ms", f"≤ {MAX_FIRST_NODES_MS} ms",
         nodes <= MAX_FIRST_NODES_MS),
        ("(h) reload, warm cache: first nodes drawn", f"{again:.0f} ms", f"≤ {MAX_FIRST_NODES_MS} ms",
         again <= MAX_FIRST_NODES_MS),
    ]  # fmt: skip
    for n in PLAYED:
        ms = m[f"play{n}_TaskDuration"]
        most = MAX_MS_A_FRAME.get(n, FRAME_MS)
        rows.append(
            (
                f"(i) main thread a frame shown, {n} at 60/s",
                f"{ms:.2f} ms",
                f"≤ {most:g} ms",
                ms <= most,
            )
        )
        shown = m[f"play{n}_shown"] / max(m[f"play{n}_received"], 1)
        rows.append((f"(i) frames shown of those received, {n} at 60/s", f"{shown:.0%}",
                     f"≥ {MIN_SHOWN:.0%}", shown >= MIN_SHOWN))  # fmt: skip
    return rows


def page_section(plan, page) -> str:
    lines = ["", "## (h) The page: first load and a warm reload", ""]
    if page is None:
        lines.append("Not measured: Chromium or Playwright is missing (`apt-get install -y chromium`).")
        return "\n".join(lines) + "\n"
    m = medians(page)
    lines += [
        "Headless Chromium (as the browser tests run it), 1280×720, a fresh profile in each of",
        f"{plan.page_rounds} rounds: the page opened, then reloaded in the same context. Bytes are what",
        "came over the wire (compressed, with headers) until the page was ready and the network",
        "idle, from Chromium's network events; first nodes is when the diagram's first node was",
        "in the DOM, in ms after navigation start (an init script's MutationObserver).",
        f"Load average at the end: {page['load_avg']}.",
        "",
        "| load | KB on the wire | requests | of which 304 | first nodes |",
        "|---|---|---|---|---|",
    ]
    for when, label in (("cold", "first load"), ("warm", "reload, warm cache")):
        lines.append(
            f"| {label} | {m[f'{when}_kb']:.1f} | {m[f'{when}_requests']:.0f} | "
            f"{m[f'{when}_not_modified']:.0f} | {m[f'{when}_first_nodes_ms']:.0f} ms |"
        )
    files = sorted(page["loads"][0]["cold"]["files"], key=lambda f: -f[1])[:8]
    lines += [
        "",
        "Largest on the first load: " + ", ".join(f"`{f}` {b / 1024:.1f} KB" for f, b in files) + ".",
    ]
    lines += [
        "",
        "## (i) The page while playing: main-thread time a frame",
        "",
        "The page plays a (2,n_x,1) network on xor, and control mode's Mountain Car (the network and",
        f"the tile coder, their defaults), at {page['rate']} frames/s for {page['seconds']:g} s,",
        "each round in a fresh context. Performance.getMetrics before and after: the main thread's busy time",
        "(TaskDuration) and its script, layout and style-recalculation parts, divided by the frames shown",
        "(distinct values of the step counter); frames received are the WebSocket messages the page got.",
        "Medians over the rounds, ms a frame shown.",
        "",
        "| network | main thread | script | layout | style | frames received | frames shown |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in PLAYED:
        parts = " | ".join(f"{m[f'play{n}_{k}']:.2f}" for k in METRICS)
        lines.append(f"| {n} | {parts} | {m[f'play{n}_received']:.0f} | {m[f'play{n}_shown']:.0f} |")
    return "\n".join(lines) + "\n"
