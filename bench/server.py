"""The app's own server, started as a user starts it, on a free loopback port, for a bounded time."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only: the benchmark sends traffic nowhere else


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port: int, pid: int) -> None:
        self.port = port
        # the Python process serving, whose CPU time is the server's; with WORKERS > 1 the
        # supervisor, whose children serve (stats.tree_cpu_seconds counts them all)
        self.pid = pid
        self.url = f"http://{HOST}:{port}"

    def post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(
            self.url + path, data=orjson.dumps(body), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as r:
            return orjson.loads(r.read())

    def new_session(self, **config) -> str:
        return self.post("/api/sessions", config)["id"]


@contextlib.contextmanager
def running_server(
    max_seconds: float = 600.0, env: dict[str, str | None] | None = None, root: Path | None = None
) -> Iterator[Server]:
    """`python -m app --no-browser` on 127.0.0.1, stopped on leaving (or after max_seconds at most).

    `env` sets settings (REDIS_URL, WORKERS, ...) for the server; a None removes one.  `root`: the
    checkout of the app to serve (its own `app`, `static` and `templates`), this one by default.
    """
    port = _free_port()
    env = {**os.environ, "LOG_LEVEL": "warning", "ACCESS_LOG": "false", **(env or {})}
    env = {name: value for name, value in env.items() if value is not None}
    # `timeout` ends the server even if this process dies without cleaning up.
    command = ["timeout", f"{int(max_seconds)}", sys.executable, "-m", "app", "--no-browser"]
    command += ["--host", HOST, "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=root or ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_ready(process, f"http://{HOST}:{port}")
        yield Server(port, _child_of(process.pid))
    finally:
        process.terminate()  # timeout passes the signal on to the server
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"the server did not start:\n{err}") from None
            time.sleep(0.1)


def _child_of(pid: int) -> int:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        children = f.read().split()
    return int(children[0]) if children else pid
