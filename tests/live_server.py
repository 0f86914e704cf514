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
from typing import BinaryIO

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


@contextlib.contextmanager
def live_server(
    port: int | None = None, log: BinaryIO | None = None, **env: str
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Yields (base url, process); the process is stopped on exit.  The server's output
    goes to `log` when given (a file opened for writing and reading), else to a temporary file."""
    port = port or free_port()
    # The server's output goes to a file, not a pipe: a pipe nobody reads fills up
    # and then blocks the server the moment it logs a little more than usual.
    with contextlib.nullcontext(log) if log is not None else tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "--no-browser", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, "LOG_LEVEL": "warning", **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc, log)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, from /proc."""
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
