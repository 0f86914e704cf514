"""Start a real redis-server on a free loopback port, in a temporary directory of its own.

No configuration file is read: every option is on the command line, so the machine's
/etc/redis does not change what the tests see.  The server can be stopped, killed and
started again on the same port and directory, so an append-only file survives a restart.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.live_server import free_port

REDIS_SERVER = "/usr/bin/redis-server"
INSTALL = "sudo apt-get install -y redis-server"


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    def __init__(self, directory: Path, appendonly: bool = False, port: int | None = None) -> None:
        self.dir = directory
        self.appendonly = appendonly
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None, "the server is not running"
        return self.proc.pid

    def start(self, seconds: float = 10) -> None:
        """Starts the server (again, on the same port and directory) and waits for its PONG."""
        assert self.proc is None or self.proc.poll() is not None, "the server is already running"
        # The log goes to a file, not a pipe: a pipe nobody reads fills up and blocks the server.
        log = open(self.dir / "redis.log", "ab")  # noqa: SIM115 (kept by the process)
        args = [
            REDIS_SERVER,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)),
            *("--save", "", "--appendonly", "yes" if self.appendonly else "no"),
            *("--daemonize", "no", "--protected-mode", "yes", "--loglevel", "warning"),
        ]
        self.proc = subprocess.Popen(args, cwd=self.dir, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + seconds
        while not _answers_ping(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"redis-server did not start:\n{(self.dir / 'redis.log').read_text()}")
            time.sleep(0.02)

    def stop(self, seconds: float = 10) -> None:
        """SIGTERM and wait (Redis finishes writing its append-only file); SIGKILL if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL: the server vanishes at once, as a crashed one does."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@contextlib.contextmanager
def redis_server(appendonly: bool = False) -> Iterator[RedisServer]:
    """Yields a running RedisServer; it is stopped and its directory removed on exit."""
    if not shutil.which(REDIS_SERVER):
        raise RuntimeError(f"the tests need {REDIS_SERVER}; install it with:  {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="redis-") as directory:
        server = RedisServer(Path(directory), appendonly=appendonly)
        try:
            server.start()
            yield server
        finally:
            server.stop()
