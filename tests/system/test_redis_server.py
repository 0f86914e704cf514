"""The test helper's redis-server: options from the command line only, a restart on the same
port and directory, an append-only file that survives it."""

from __future__ import annotations

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.redis_server import redis_server


@pytest.mark.parametrize("appendonly", [True, False])
def test_a_restarted_server_keeps_its_port_and_only_an_append_only_files_data(appendonly):
    with redis_server(appendonly=appendonly) as server:
        port, url = server.port, server.url
        assert url == f"redis://127.0.0.1:{port}/0"
        with Redis.from_url(url) as r:
            r.set("k", "v")
            assert r.config_get("save") == {"save": ""}
            assert r.config_get("dir")["dir"] == str(server.dir)
        server.stop()
        server.start()
        assert (server.port, server.url) == (port, url)
        with Redis.from_url(url) as r:
            assert r.get("k") == (b"v" if appendonly else None)


def test_a_killed_server_is_gone_until_started_again(redis):
    redis.kill()
    with pytest.raises(RedisConnectionError), Redis.from_url(redis.url, socket_connect_timeout=1) as r:
        r.ping()
    redis.start()
    with Redis.from_url(redis.url) as r:
        assert r.ping() is True
