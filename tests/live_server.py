"""Start the real server (uvicorn, as `python -m app` runs it) on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NamedTuple

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.seek(0)
                raise RuntimeError(f"the server did not start:\n{log.read().decode()}") from None
            time.sleep(0.1)


class LiveServer(NamedTuple):
    """A running server: its base url and its process."""

    url: str
    proc: subprocess.Popen

    @property
    def address(self) -> str:
        """host:port, as a proxy names it."""
        return self.url.removeprefix("http://")


def _spawn(port: int, log: BinaryIO, env: dict[str, str]) -> subprocess.Popen:
    # The server's output goes to a file, not a pipe: a pipe nobody reads fills up
    # and then blocks the server the moment it logs a little more than usual.
    return subprocess.Popen(
        [sys.executable, "-m", "app", "--no-browser", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "warning", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def live_server(port: int | None = None, log: BinaryIO | None = None, **env: str) -> Iterator[LiveServer]:
    """Yields (base url, process); the process is stopped on exit.  The server's output
    goes to `log` when given (a file opened for writing and reading), else to a temporary file."""
    port = port or free_port()
    with contextlib.nullcontext(log) if log is not None else tempfile.TemporaryFile() as log:
        proc = _spawn(port, log, env)
        try:
            wait_healthy(f"http://127.0.0.1:{port}", proc, log)
            yield LiveServer(f"http://127.0.0.1:{port}", proc)
        finally:
            _stop([proc])


@contextlib.contextmanager
def app_servers(k: int, **env: str) -> Iterator[list[LiveServer]]:
    """k servers, as `live_server` starts one, started side by side and stopped on exit."""
    ports: set[int] = set()
    while len(ports) < k:  # a port just released may be handed out again
        ports.add(free_port())
    with contextlib.ExitStack() as stack:
        servers: list[LiveServer] = []
        logs: list[BinaryIO] = []
        stack.callback(lambda: _stop([server.proc for server in servers]))
        for port in ports:
            logs.append(stack.enter_context(tempfile.TemporaryFile()))
            servers.append(LiveServer(f"http://127.0.0.1:{port}", _spawn(port, logs[-1], env)))
        for server, log in zip(servers, logs, strict=True):
            wait_healthy(server.url, server.proc, log)
        yield servers


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
