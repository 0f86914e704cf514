"""What showing the page costs on the wire, in a real browser: every request and its bytes as
Chromium's network events count them (compressed, headers included), cold and warm."""

from __future__ import annotations

from bench.page_bench import VIEWPORT, _Network

BUDGET_KB = 400  # the page's first load, compressed


def load(browser, url: str, reloads: int = 1) -> list[dict]:
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    try:
        page = context.new_page()
        net = _Network(context.new_cdp_session(page))
        page.goto(url + "/")
        loads = []
        for i in range(reloads + 1):
            if i:
                net.clear()
                page.reload()
            page.locator("body[data-ready=true]").wait_for()
            page.wait_for_load_state("networkidle")
            loads.append(net.summary())
        return loads
    finally:
        context.close()


def ours(names) -> set[str]:
    """The page's own files among request paths: not the API's answers, not the page itself, and
    not the browser's icon request (outside the page's cache)."""
    return {n for n in names if n and not n.startswith("api/") and n != "static/favicon.svg"}


def test_the_first_load_is_within_budget_and_a_warm_reload_sends_almost_nothing(browser, server_url):
    cold, warm = load(browser, server_url)
    files = dict(cold["files"])
    assert cold["kb"] <= BUDGET_KB, sorted(files.items(), key=lambda f: -f[1])[:12]
    # each library once, minified; the QR code's only when a class starts
    names = [name for name, _ in cold["files"]]
    assert sum(n.startswith("vendor/katex/") and n.endswith((".js", ".mjs")) for n in names) == 1, names
    assert "vendor/katex/katex.min.js" in names and not any("qrcode" in n for n in names)
    assert warm["requests"] >= cold["requests"] - 10
    # Every file of the page is revalidated, not sent again: only the API's answers are.
    files = {n: warm["status"][n] for n in ours(warm["status"])}
    sent = {n: s for n, s in files.items() if s != 304}
    assert not sent, sent
    # ... and each file of the first load is among them: the styles, the libraries, the bundle
    first = ours(name for name, _ in cold["files"])
    assert len(first) >= 6 and first <= files.keys(), (first, files)
    assert warm["kb"] <= 0.35 * cold["kb"], warm["files"]
