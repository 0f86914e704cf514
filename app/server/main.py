"""Start the server (`python -m app` or `backprop-explainer`): the uvicorn config and how it serves."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import webbrowser

try:
    import resource
except ImportError:  # not on Windows
    resource = None

import uvicorn
from uvicorn.main import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from ..limits import WS_MAX_BYTES
from ..settings import Settings, get_settings
from .collector import TUNE_IN_WORKERS, tune_collector
from .logs import log_config

# The top package's name, whatever it is installed as: uvicorn's settings name modules by it.
PACKAGE = (__package__ or "app").partition(".")[0]


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or os.name == "nt"


def _raise_open_files() -> None:
    """Lets this process hold as many sockets as the system allows it.

    Many systems start a process with a soft limit of 1024 open files: a class's pages,
    and a few hundred idle sockets on top, would exhaust it and the server would stop
    accepting anyone.  The hard limit is the system's own bound.
    """
    if resource is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        # An unlimited hard limit, which the kernel caps lower, is left as it is.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main(argv: list[str] | None = None) -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="backprop-explainer", description=__doc__)
    parser.add_argument("--host", default=settings.host, help="address to listen on (default %(default)s)")
    parser.add_argument("--port", type=int, default=settings.port, help="port (default %(default)s)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    args = parser.parse_args(argv)
    # The app reads where it listens from its settings (the join link: app/api/join.py); its
    # worker processes, from the environment.
    os.environ["HOST"] = args.host
    get_settings.cache_clear()
    settings = get_settings()

    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"
    print(f"Backprop Explainer at {url}", flush=True)
    if not args.no_browser and _has_display():
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    if settings.workers > 1 and not settings.redis_url:
        sys.exit(
            f"WORKERS={settings.workers} needs REDIS_URL: without it every worker would keep sessions of "
            "its own, and a learner's next request could reach a worker that does not know theirs. "
            "Set REDIS_URL=redis://host:6379/0, or WORKERS=1."
        )
    _raise_open_files()
    if settings.workers > 1:
        # Each worker is a process of its own that imports the app and tunes its own collector.
        os.environ[TUNE_IN_WORKERS] = "1"
        target = f"{PACKAGE}.main:app"
    else:
        from ..main import app as target

        tune_collector()
    _serve(server_config(target, args.host, args.port, settings))


def server_config(target, host: str, port: int, settings: Settings) -> uvicorn.Config:
    """How uvicorn serves the app (`target`: the app, or its import string for workers)."""
    allowed = os.environ.get("FORWARDED_ALLOW_IPS") or settings.trusted_proxies
    return uvicorn.Config(
        target,
        workers=settings.workers,
        host=host,
        port=port,
        log_level=settings.log_level,
        # No session id in any line: RedactIds on every handler (app/server/logs.py).
        log_config=log_config(settings.log_level),
        access_log=settings.access_log,
        # uvloop, accepting many connections a turn (app/server/accept.py): on a socket
        # bound here, as uvicorn binds one for its workers.
        loop=f"{PACKAGE}.server.accept:Loop",
        # httptools, with a request's head bounded in bytes and in time (app/server/protocol.py).
        http=f"{PACKAGE}.server.protocol:BoundedHttpToolsProtocol",
        # websockets (sans-I/O), dropping a peer that leaves what it is sent unread (app/server/websocket.py).
        ws=f"{PACKAGE}.server.websocket:DeadlineWebSocketProtocol",
        # Play frames are a couple of kilobytes: deflating each one would cost more
        # server CPU than the bandwidth is worth.  Settings messages are tiny.
        ws_per_message_deflate=False,
        ws_max_size=WS_MAX_BYTES,
        # X-Forwarded-For and -Proto from the proxies named (FORWARDED_ALLOW_IPS, else
        # TRUSTED_PROXIES) and no one else: uvicorn's own default would take them from any
        # peer at 127.0.0.1, and behind a plain local proxy any client could claim any address.
        proxy_headers=bool(allowed),
        forwarded_allow_ips=allowed or None,
    )


def _serve(config: uvicorn.Config) -> None:
    """What uvicorn.run does, with the listening socket always bound before the server
    starts (app/server/accept.py serves sockets it is given), for one process or several."""
    sock = config.bind_socket()
    server = uvicorn.Server(config)
    try:
        if config.workers > 1:
            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if config.workers == 1 and not server.started:
        sys.exit(STARTUP_FAILURE)


if __name__ == "__main__":
    main()
