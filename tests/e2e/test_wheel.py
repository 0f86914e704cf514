"""The wheel works on its own: built as `make wheel` builds it, installed into a fresh venv, run
from a folder far from the repository with no Node on the PATH, it serves the whole page."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.live_server import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = ("/bundle/main.js", "/vendor/katex/katex.min.js", "/vendor/qrcode-generator/qrcode.mjs")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed (its dependencies from pip's index and cache)."""
    tmp = tmp_path_factory.mktemp("wheel")
    shutil.rmtree(ROOT / "build" / "wheel", ignore_errors=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp / "dist", ROOT], check=True)
    [wheel] = (tmp / "dist").glob("backprop_explainer-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", wheel], check=True)
    return venv


def alone(venv: Path, cwd: Path) -> dict:
    """What the installed program runs with: the venv's bin alone on the PATH (no node), no repository."""
    assert not (venv / "bin" / "node").exists()
    cwd.mkdir(exist_ok=True)
    return {"PATH": str(venv / "bin"), "HOME": str(cwd), "LOG_LEVEL": "warning", "LANG": "C.UTF-8"}


def serve(command: list, cwd: Path, env: dict, log_path: Path):
    port = free_port()
    log = open(log_path, "w+b")  # noqa: SIM115 (closed with the process by the caller)
    proc = subprocess.Popen(
        [*command, "--no-browser", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, log, seconds=60)
    return url, proc, log


def stop(proc: subprocess.Popen, log) -> None:
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def test_the_installed_package_is_backprop_explainer_and_no_app(installed, tmp_path):
    probe = (
        "import importlib.util, json, sys, sysconfig; import backprop_explainer; "
        "print(json.dumps([backprop_explainer.__file__, importlib.util.find_spec('app') is None, "
        "sysconfig.get_paths()['purelib'], sys.path]))"
    )
    env = alone(installed, tmp_path / "elsewhere")
    out = subprocess.run(
        [installed / "bin" / "python", "-c", probe], cwd=tmp_path / "elsewhere", env=env,
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    where, no_app, purelib, path = json.loads(out)
    assert where.startswith(purelib), where
    assert no_app and not (Path(purelib) / "app").exists()
    assert not any(p.startswith(str(ROOT)) for p in path if p)
    assert (Path(purelib) / "backprop_explainer" / "web" / "build" / "static" / "main.js").is_file()


def test_the_command_serves_the_whole_page_offline_and_steps(installed, tmp_path, browser):
    cwd = tmp_path / "anywhere"
    url, proc, log = serve(
        [installed / "bin" / "backprop-explainer"], cwd, alone(installed, cwd), tmp_path / "log"
    )
    try:
        for path in PAGE_FILES:
            with urllib.request.urlopen(url + path) as r:
                assert r.status == 200, path
        context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
        page = context.new_page()
        failed, outside = [], []
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} {r.status}"))
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith((url, "data:")) else (
                outside.append(r.request.url), r.abort())[1],
        )  # fmt: skip
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=20_000)
        assert page.locator("script[type=module]").get_attribute("src") == "/bundle/main.js"
        page.keyboard.press("s")
        page.wait_for_function("document.getElementById('step-count').textContent === '1'", timeout=10_000)
        page.wait_for_function("!!(window.katex && window.uPlot)")  # the libraries came from the wheel too
        context.close()
        assert failed == [] and outside == []
    finally:
        stop(proc, log)


def test_python_m_backprop_explainer_serves_too(installed, tmp_path):
    cwd = tmp_path / "another"
    url, proc, log = serve([installed / "bin" / "python", "-m", "backprop_explainer"], cwd,
                           alone(installed, cwd), tmp_path / "log")  # fmt: skip
    try:
        with urllib.request.urlopen(url + "/") as r:
            assert r.status == 200 and b"Backprop Explainer" in r.read()
    finally:
        stop(proc, log)
