"""The server of a notebook's kernel: the app, served on a thread of the kernel, on a loopback port.

One per kernel, started by the first `explain()` and kept for the kernel's life.  It is the
server `backprop-explainer` runs (app/server/main.py's uvicorn settings) minus what belongs to a
process of its own: no signal handlers (uvicorn sets none off the main thread), no tuning of
the kernel's garbage collector, no raised limit of open files.  Its long calls still run in
worker processes (app/sessions/workers.py), which end when the kernel does.
"""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass

LOOPBACK = "127.0.0.1"
START_SECONDS = 60  # the first start measures the steps' costs and starts the worker processes
# The notebook pages that show the kernel's page in a frame: the notebook's own origin (through its
# server's proxy), one on this machine (the loopback iframe), Colab's and VS Code's.
NOTEBOOK_FRAMES = (
    "'self' http://localhost:* http://127.0.0.1:* https://localhost:* https://127.0.0.1:* "
    "https://colab.research.google.com https://*.googleusercontent.com vscode-webview:"
)


@dataclass(frozen=True)
class KernelServer:
    """The running server: its port, and what stops it."""

    port: int
    server: object  # uvicorn.Server
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


_lock = threading.Lock()
_running: KernelServer | None = None


def kernel_server() -> KernelServer:
    """The kernel's server, started on the first call."""
    global _running
    with _lock:
        if _running is None or not _running.thread.is_alive():
            _running = _start()
        return _running


def _start() -> KernelServer:
    import uvicorn

    from ..main import create_app
    from ..server.main import server_config
    from ..settings import Settings

    # One process (the kernel's), whatever WORKERS the environment names for a deployment.
    settings = Settings(
        host=LOOPBACK, workers=1, log_level="warning", frame_ancestors=NOTEBOOK_FRAMES, forwarded_prefix=True
    )
    config = server_config(create_app(settings), LOOPBACK, 0, settings)
    sock = config.bind_socket()  # port 0: a free one, known before the server starts
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="backprop-explainer", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the explainer's server did not start in this kernel: its log above says why")
        time.sleep(0.02)
    running = KernelServer(sock.getsockname()[1], server, thread)
    atexit.register(_stop, running)
    return running


def _stop(running: KernelServer) -> None:
    """The kernel exits: the server stops and its worker processes with it."""
    running.server.should_exit = True
    running.thread.join(timeout=5)
