"""The server's loop accepts the connections that wait many a turn, not one (app/server/accept.py)."""

from __future__ import annotations

import asyncio
import errno
import socket

import pytest
import uvicorn

from app.server import accept


class Counted(asyncio.Protocol):
    made: list[asyncio.Transport]

    def connection_made(self, transport) -> None:
        self.made.append(transport)

    def data_received(self, data: bytes) -> None:
        self.made[-1].write(data)  # an echo, to see a connection is served


def _listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def _turns(loop: asyncio.AbstractEventLoop, turns: int) -> None:
    async def run() -> None:
        for _ in range(turns):
            await asyncio.sleep(0)

    loop.run_until_complete(run())


@pytest.fixture
def loop():
    # Playwright's sync API, used by the browser tests that run before these in one pytest
    # process, leaves its own loop marked as running in this thread: set it aside meanwhile.
    outer = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    loop = accept.Loop()
    try:
        yield loop
    finally:
        loop.close()
        asyncio.events._set_running_loop(outer)


def _server(loop, sock: socket.socket, made: list) -> asyncio.AbstractServer:
    protocol = type("P", (Counted,), {"made": made})
    return loop.run_until_complete(loop.create_server(protocol, sock=sock, backlog=512))


def test_connections_that_wait_are_all_accepted_within_a_few_turns(loop):
    sock = _listening()
    made: list = []
    server = _server(loop, sock, made)
    waiting = 3 * accept.ACCEPT_BATCH
    # The kernel completes each handshake; the connections wait in the backlog meanwhile,
    # as a class's do while the loop answers other learners.
    clients = [socket.create_connection(sock.getsockname()) for _ in range(waiting)]
    try:
        # Three batches, and a turn each for a task to make its transport and for connection_made.
        _turns(loop, 6)
        assert len(made) == waiting
        clients[-1].sendall(b"ping")
        _turns(loop, 3)
        assert clients[-1].recv(4) == b"ping"
    finally:
        for c in clients:
            c.close()
        server.close()
        _turns(loop, 2)


def test_one_turn_accepts_a_batch_and_leaves_the_rest_for_the_next(loop):
    sock = _listening()
    made: list = []
    protocol = type("P", (Counted,), {"made": made})
    server = loop.run_until_complete(loop.create_server(protocol, sock=sock, start_serving=False))
    sock.listen(512)
    clients = [socket.create_connection(sock.getsockname()) for _ in range(accept.ACCEPT_BATCH + 5)]
    try:
        server._accept()  # what one turn does when the socket has connections waiting
        assert len(server._connecting) == accept.ACCEPT_BATCH
        server._accept()
        assert len(server._connecting) == accept.ACCEPT_BATCH + 5
        _turns(loop, 3)
        assert len(made) == accept.ACCEPT_BATCH + 5 and not server._connecting
    finally:
        for c in clients:
            c.close()
        server.close()
        _turns(loop, 2)


class OutOfFiles(socket.socket):
    """A listening socket whose first accept finds the process out of file descriptors."""

    failed = False

    def accept(self):
        if not OutOfFiles.failed:
            OutOfFiles.failed = True
            raise OSError(errno.EMFILE, "Too many open files")
        return super().accept()


def test_out_of_file_descriptors_pauses_accepting_and_then_resumes(loop, monkeypatch):
    monkeypatch.setattr(accept, "ACCEPT_RETRY_SECONDS", 0.05)
    sock = OutOfFiles()
    sock.bind(("127.0.0.1", 0))
    made: list = []
    server = _server(loop, sock, made)
    client = socket.create_connection(sock.getsockname())
    try:
        _turns(loop, 4)
        assert made == [] and not server.is_serving()  # paused, the connection waits
        loop.run_until_complete(asyncio.sleep(0.1))
        _turns(loop, 4)
        assert len(made) == 1 and server.is_serving()
    finally:
        client.close()
        server.close()
        _turns(loop, 2)


def test_a_closed_server_accepts_no_more_and_keeps_what_it_accepted(loop):
    sock = _listening()
    address = sock.getsockname()
    made: list = []
    server = _server(loop, sock, made)
    first = socket.create_connection(address)
    _turns(loop, 3)
    server.close()
    assert server.sockets == () and not server.is_serving()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(address)
    first.sendall(b"still")
    _turns(loop, 3)
    assert first.recv(5) == b"still"
    first.close()
    _turns(loop, 2)


def test_python_m_app_runs_this_loop_on_a_socket_bound_before_it_starts(monkeypatch):
    from app.server.main import _serve, server_config
    from app.settings import Settings

    config = server_config("app.main:app", "127.0.0.1", 0, Settings())
    assert config.get_loop_factory() is accept.Loop
    given = []

    def run(server: uvicorn.Server, sockets=None) -> None:
        given.append(sockets)
        server.started = True

    monkeypatch.setattr(uvicorn.Server, "run", run)
    _serve(config)
    # A socket given: the loop's own server takes it (create_server without one is libuv's)
    [[sock]] = given
    assert sock.getsockname()[0] == "127.0.0.1"
    sock.close()
