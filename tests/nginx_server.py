"""Start a real nginx with the deployment's own configuration (deploy/nginx/nginx.conf).

The configuration file is used as it is, copied into a temporary prefix beside a
listen.conf (a free loopback port) and an upstream.conf (the given app servers) that
the test writes, as compose mounts its own two beside it. nginx runs in the foreground
as an unprivileged user (nobody, when the tests run as root), as in the container.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import ROOT, free_port

NGINX = Path("/usr/sbin/nginx")
CONF_DIR = ROOT / "deploy" / "nginx"
CONF = CONF_DIR / "nginx.conf"
# The parameters of compose's upstream line (deploy/nginx/compose-upstream.conf), on each
# test replica's line.
SERVER_PARAMETERS = "max_fails=1 fail_timeout=10s"
# One access log line: the fields that the log format `replicas` writes.
LOG_LINE = re.compile(
    r'^(?P<client>\S+) \[[^]]+\] "(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
    r"upstream=(?P<upstream>.*?) upstream_status=(?P<upstream_status>.*?) time="
)


@dataclass(frozen=True)
class Logged:
    """One request as nginx's access log tells it."""

    client: str
    method: str
    path: str
    status: int
    upstreams: list[str]  # the replicas tried, in order: more than one after a retry


@dataclass
class Nginx:
    url: str
    port: int
    prefix: Path
    access_log_path: Path
    error_log_path: Path
    proc: subprocess.Popen

    def requests(self, at_least: int = 0, seconds: float = 5) -> list[Logged]:
        """The requests logged so far, once there are `at_least` of them (nginx writes a
        request's line just after its answer has gone)."""
        deadline = time.monotonic() + seconds
        while True:
            lines = self.access_log_path.read_text().splitlines()
            logged = [_parse(line) for line in lines]
            if len(logged) >= at_least or time.monotonic() > deadline:
                return logged
            time.sleep(0.02)

    def errors(self) -> str:
        return self.error_log_path.read_text()


def _parse(line: str) -> Logged:
    match = LOG_LINE.match(line)
    assert match, f"an access log line not in the `replicas` format: {line!r}"
    upstream = match["upstream"]
    return Logged(
        client=match["client"],
        method=match["method"],
        path=match["path"],
        status=int(match["status"]),
        upstreams=[] if upstream == "-" else [a.strip() for a in re.split(r"[,:]\s", upstream)],
    )


def nginx_binary() -> Path:
    if not NGINX.is_file():
        pytest.fail(f"nginx is not installed at {NGINX}: run `sudo apt-get install -y nginx`")
    return NGINX


def upstream_lines(addresses: list[str]) -> str:
    return "".join(f"server {address} {SERVER_PARAMETERS};\n" for address in addresses)


@contextlib.contextmanager
def temporary_prefix() -> Iterator[Path]:
    """A directory of its own for nginx to run in (not under pytest's tmp_path, whose parent
    an unprivileged nginx may not enter); removed on exit."""
    with tempfile.TemporaryDirectory(prefix="nginx-") as tmp:
        yield Path(tmp)


def write_prefix(prefix: Path, listen: str, upstream: str) -> Path:
    """The deployment's nginx.conf, with this listen.conf and upstream.conf beside it."""
    conf = prefix / "nginx.conf"
    shutil.copyfile(CONF, conf)
    (prefix / "listen.conf").write_text(listen)
    (prefix / "upstream.conf").write_text(upstream)
    return conf


def _unprivileged() -> dict:
    """Popen arguments that run nginx as nobody when the tests run as root."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def _give_to(path: Path, popen_args: dict) -> None:
    if popen_args:
        for item in [path, *path.rglob("*")]:
            os.chown(item, popen_args["user"], popen_args["group"])


def nginx_test(conf: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a prefix made by `write_prefix`, as the same unprivileged user."""
    args = _unprivileged()
    out = conf.parent / "test.out"  # -t opens the access log too, which is stdout
    out.touch()
    _give_to(conf.parent, args)
    command = [str(nginx_binary()), "-t", "-p", f"{conf.parent}/", "-c", str(conf), "-e", "stderr"]
    with out.open("ab") as stdout:
        checked = subprocess.run(
            command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=30, **args
        )
    return checked


@contextlib.contextmanager
def nginx_server(upstreams: list[str]) -> Iterator[Nginx]:
    """nginx on a free loopback port in front of `upstreams` (host:port each); stopped on exit."""
    binary = nginx_binary()
    port = free_port()
    with temporary_prefix() as prefix:
        conf = write_prefix(prefix, f"listen 127.0.0.1:{port};\n", upstream_lines(upstreams))
        access_log, error_log = prefix / "access.log", prefix / "error.log"
        access_log.touch()
        error_log.touch()
        args = _unprivileged()
        _give_to(prefix, args)
        # The configuration logs to stdout and stderr, as in a container: here, to files.
        with access_log.open("ab") as out, error_log.open("ab") as err:
            proc = subprocess.Popen(
                [str(binary), "-p", f"{prefix}/", "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
                stdout=out,
                stderr=err,
                start_new_session=True,  # its own process group: the workers go with it
                **args,
            )
        server = Nginx(f"http://127.0.0.1:{port}", port, prefix, access_log, error_log, proc)
        try:
            _wait_listening(server)
            yield server
        finally:
            _stop(proc)


def _wait_listening(server: Nginx, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                return
        except OSError:
            if server.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start:\n{server.errors()}")
            time.sleep(0.05)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # nginx's fast shutdown: the master stops its workers
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
