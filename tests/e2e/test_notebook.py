"""explain() in a real notebook: a kernel (nbclient, ipykernel) runs it, and the page its output
frames opens the run it made, from the kernel's own server."""

from __future__ import annotations

import contextlib
import http.server
import json
import re
import sys
import threading
import urllib.request

import nbformat
import pytest
from nbclient import NotebookClient

from app.notebook import display
from tests.e2e.helpers import api

CELLS = [
    """import numpy as np
from backprop_explainer import explain
s = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = np.array([0.0, 1.0, 1.0, 0.0])
A, B = np.full((3, 2), 0.25), [[0.5], [-0.5], [0.125]]
explain(config={"f_A": "sigmoid", "seed": 5}, data=(s, y), A=A, B=B)""",
    """layers = [{"W": np.array([[0.1, 0.2], [0.3, 0.4]]), "b": np.array([0.5, 0.6])},
          {"W": np.array([[0.7], [0.8]]), "b": np.array([0.9])}]
explain(config={"f_A": "tanh"}, data={"s": s, "y": y}, layers=layers)""",
    """try:
    explain(config={"hidden": 2}, A=np.zeros((3, 5)))
except ValueError as e:
    print("refused:", e)""",
]
SHOWN = re.compile(r"http://127\.0\.0\.1:(\d+)(/\?session=[\w-]+)")


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """The notebook run in a kernel of this Python, kept running while the module's tests look at it."""
    tmp = tmp_path_factory.mktemp("notebook")
    spec = tmp / "kernels" / "explainer-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "test", "language": "python"})
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(tmp))
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
        # The kernel runs in a folder of its own: backprop_explainer comes from the installed package.
        client = NotebookClient(
            nb, kernel_name="explainer-test", timeout=120, resources={"metadata": {"path": tmp}}
        )
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            yield nb


def shown(cell) -> tuple[str, str, dict]:
    """The server's address, the page's path and the display of a cell's output."""
    [output] = [o for o in cell.outputs if o.output_type == "display_data"]
    port, path = SHOWN.search(output.data["text/plain"]).groups()
    return f"http://127.0.0.1:{port}", path, output.data


@contextlib.contextmanager
def notebook_page(html: str):
    """A notebook's page with that output, served from this machine as `jupyter lab` serves it."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f"<!doctype html><title>explain.ipynb</title><body>{html}</body>".encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}/notebooks/explain.ipynb"
    finally:
        server.shutdown()
        server.server_close()


def session_of(path: str) -> str:
    return path.partition("session=")[2]


def test_one_server_a_session_per_call_made_from_the_arguments(kernel):
    (url, first, _), (url_2, second, _) = shown(kernel.cells[0]), shown(kernel.cells[1])
    assert url == url_2 and first != second  # one server per kernel
    made = api(f"{url}/api/sessions/{session_of(first)}")["config"]
    assert made["A"] == [[0.25, 0.25]] * 3 and made["B"] == [[0.5], [-0.5], [0.125]] and made["hidden"] == 2
    assert made["data"] == {"s": [[0, 0], [0, 1], [1, 0], [1, 1]], "y": [[0], [1], [1], [0]]}
    assert made["f_A"] == "sigmoid" and made["seed"] == 5
    from_layers = api(f"{url}/api/sessions/{session_of(second)}")["config"]
    assert from_layers["A"] == [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]  # b1 as A's last row
    assert from_layers["B"] == [[0.7], [0.8], [0.9]]


def test_a_refused_argument_is_a_value_error_naming_it(kernel):
    [printed] = [o.text for o in kernel.cells[2].outputs if o.output_type == "stream"]
    assert printed.startswith("refused: A: must be 3 x 2"), printed


def test_the_server_listens_on_loopback_only(kernel):
    url, _, _ = shown(kernel.cells[0])
    port = url.rsplit(":", 1)[1]
    with open("/proc/net/tcp") as f:
        listening = [line.split()[1] for line in f.readlines()[1:] if line.split()[3] == "0A"]
    assert f"0100007F:{int(port):04X}" in listening
    assert not any(a.endswith(f":{int(port):04X}") and a != f"0100007F:{int(port):04X}" for a in listening)


def test_the_notebook_frames_the_page_of_its_run(kernel, browser, artifacts):
    url, path, data = shown(kernel.cells[0])
    context = browser.new_context(viewport={"width": 1100, "height": 900})  # the page's CSP kept
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} {r.status}"))
    with notebook_page(data["text/html"]) as notebook:
        page.goto(notebook)
        # The notebook's page comes from this machine: a loopback frame.
        framed = url.replace("127.0.0.1", "localhost") + path  # the notebook's host name: the same site
        assert page.wait_for_selector("iframe").get_attribute("src") == framed
        frame = page.frame_locator("iframe")
        frame.locator("body[data-ready=true]").wait_for(timeout=20_000)
        labels = [frame.locator(".edge-A").nth(i).get_attribute("aria-label") for i in range(6)]
        assert all("0.25" in label for label in labels), labels  # the run explain() made, not a fresh one
        frame.locator("#step").click()
        frame.locator("#step-count", has_text="1").wait_for()
        assert api(f"{url}/api/sessions/{session_of(path)}")["state"]["step"] == 1
        frame.locator(".katex").first.wait_for()
        page.screenshot(path=artifacts / "notebook.png", full_page=True)
    context.close()
    assert failed == []


def test_the_page_says_where_it_is_when_no_frame_can_show_it(kernel):
    url, path, data = shown(kernel.cells[0])
    assert f"{url}{path}" in data["text/html"] and "ssh -L" in data["text/plain"]
    with urllib.request.urlopen(url + path) as r:
        assert "frame-ancestors 'self' http://localhost:*" in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] is None


def test_through_the_notebook_servers_proxy_the_page_works_under_its_prefix(kernel, browser):
    """A notebook page from another machine, whose server has jupyter-server-proxy: the frame goes
    through `{base_url}proxy/{port}/`, which strips that prefix and names it in X-Forwarded-Prefix."""
    url, path, _ = shown(kernel.cells[1])
    port = url.rsplit(":", 1)[1]
    host, prefix = "http://notebook.test", f"/user/ann/proxy/{port}"
    config = '<script id="jupyter-config-data" type="application/json">{"baseUrl": "/user/ann/"}</script>'
    output = display.bundle(int(port), path, 600, proxy=True)["text/html"]

    def proxy(route):
        where = route.request.url.removeprefix(host + prefix)
        headers = {**route.request.headers, "x-forwarded-prefix": prefix}
        route.fulfill(response=route.fetch(url=url + where, headers=headers))

    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} {r.status}"))
    page.route(f"{host}{prefix}/**", proxy)
    page.route(f"{host}/user/ann/lab", lambda r: r.fulfill(content_type="text/html", body=config + output))
    page.goto(f"{host}/user/ann/lab")
    assert page.wait_for_selector("iframe").get_attribute("src") == f"/user/ann/proxy/{port}{path}"
    frame = page.frame_locator("iframe")
    frame.locator("body[data-ready=true]").wait_for(timeout=20_000)
    assert frame.locator("body").get_attribute("data-root") == prefix + "/"
    frame.locator("#step").click()
    frame.locator("#step-count", has_text="1").wait_for()
    assert api(f"{url}/api/sessions/{session_of(path)}")["state"]["step"] == 1
    frame.locator(".katex").first.wait_for()  # the libraries too came through the proxy
    context.close()
    assert failed == []
