"""The event loop the server runs: uvloop, with new connections accepted many at a time.

uvloop's libuv (1.48) accepts one connection per turn of the loop.  A turn under load
answers every request that has come in on the open connections, so with 50 learners
stepping a turn takes about 10 ms, and 50 more connections opening at once (a class
loading the page, a new round of wrk) wait up to half a second for their turn, one
by one, although the server has the time to take them.  Here the listening socket is
watched by the loop and up to ACCEPT_BATCH pending connections are accepted each
turn; each becomes a uvloop transport as before (`connect_accepted_socket`), with
TCP_NODELAY set.  A batch, not all: with several worker processes on one socket, a
worker that wakes first does not take every pending connection from the others.

When the process is out of file descriptors, accepting pauses for
ACCEPT_RETRY_SECONDS, and the connections wait in the listen backlog meanwhile.

`python -m app` runs this loop (app/server/main.py), through uvicorn's `loop` setting.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket

import uvloop

ACCEPT_BATCH = 64  # connections accepted in one turn of the loop, at most
ACCEPT_RETRY_SECONDS = 1.0  # pause after running out of file descriptors
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}

logger = logging.getLogger("uvicorn.error")


class Loop(uvloop.Loop):
    """uvloop's loop, whose servers on a given socket accept ACCEPT_BATCH connections a turn.

    uvicorn's `loop` setting names it (app.server.accept:Loop): it makes the loop by calling it."""

    async def create_server(self, protocol_factory, host=None, port=None, *, sock=None, **kwargs):
        ssl = kwargs.get("ssl")
        if sock is None or ssl is not None or sock.type != socket.SOCK_STREAM:
            return await super().create_server(protocol_factory, host, port, sock=sock, **kwargs)
        server = BatchServer(self, protocol_factory, sock, kwargs.get("backlog", 100))
        if kwargs.get("start_serving", True):
            server._start()
        return server


class BatchServer(asyncio.AbstractServer):
    """A listening socket whose pending connections are accepted in batches."""

    def __init__(self, loop: Loop, protocol_factory, sock: socket.socket, backlog: int) -> None:
        self._loop = loop
        self._protocol_factory = protocol_factory
        sock.setblocking(False)
        self._sock: socket.socket | None = sock
        self._backlog = backlog
        self._serving = False
        self._connecting: set[asyncio.Task] = set()  # kept until each transport is made
        self._resume: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------ accepting

    def _start(self) -> None:
        if self._serving or self._sock is None:
            return
        self._sock.listen(self._backlog)
        self._loop.add_reader(self._sock.fileno(), self._accept)
        self._serving = True

    def _accept(self) -> None:
        for _ in range(ACCEPT_BATCH):
            if self._sock is None:
                return  # closed by a connection made in this batch
            try:
                conn, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return  # none left
            except ConnectionAbortedError:
                continue  # the client gave up before it was accepted
            except OSError as e:
                if e.errno not in _OUT_OF_RESOURCES:
                    raise
                logger.warning("accepting paused for %g s: %s", ACCEPT_RETRY_SECONDS, e.strerror)
                self._pause()
                return
            conn.setblocking(False)
            task = self._loop.create_task(self._connect(conn))
            self._connecting.add(task)
            task.add_done_callback(self._connecting.discard)

    async def _connect(self, conn: socket.socket) -> None:
        try:
            await self._loop.connect_accepted_socket(self._protocol_factory, conn)
        except OSError:  # the client went away in between: nothing to serve
            conn.close()

    def _pause(self) -> None:
        self._loop.remove_reader(self._sock.fileno())
        self._serving = False
        self._resume = self._loop.call_later(ACCEPT_RETRY_SECONDS, self._start)

    # ------------------------------------------------------------ asyncio.AbstractServer

    def close(self) -> None:
        if self._sock is None:
            return
        if self._resume is not None:
            self._resume.cancel()
        if self._serving:
            self._loop.remove_reader(self._sock.fileno())
        self._serving = False
        self._sock.close()
        self._sock = None

    async def wait_closed(self) -> None:
        """Connections already accepted are the protocols' to end (uvicorn waits for them)."""
        return None

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_serving(self) -> bool:
        return self._serving

    @property
    def sockets(self) -> tuple[socket.socket, ...]:
        return () if self._sock is None else (self._sock,)

    async def start_serving(self) -> None:
        self._start()

    async def serve_forever(self) -> None:
        self._start()
        await self._loop.create_future()  # until cancelled

    async def __aenter__(self) -> BatchServer:
        return self

    async def __aexit__(self, *exc) -> None:
        self.close()
        await self.wait_closed()
