"""Server settings, read once from environment variables; every one has a default."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from . import limits


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    host: str = "127.0.0.1"
    # The address students open (https://course.example.org): the class's join link and QR code.
    # Unset, the address the teacher's page came to, or this machine's on its network.
    public_url: str = Field("", pattern=r"^(https?://[^\s/?#]+(/[^\s?#]*)?)?$")
    port: int = Field(8000, ge=1, le=65535)
    log_level: str = Field("info", pattern="^(critical|error|warning|info|debug|trace)$")
    access_log: bool = False
    # Where sessions live: unset, in this process's memory (one process); a redis:// URL,
    # in that Redis, shared by every worker and replica.  WORKERS > 1 needs REDIS_URL.
    redis_url: str | None = Field(None, pattern=r"^rediss?://")
    workers: int = Field(1, ge=1, le=64)
    # Sessions kept: how many, and for how long unused.
    max_sessions: int = Field(limits.MAX_SESSIONS, ge=1, le=100_000)
    session_idle_seconds: float = Field(limits.SESSION_IDLE_SECONDS, gt=0)
    # ... and by their counted bytes, shared fairly between client addresses.
    max_store_bytes: int = Field(limits.MAX_STORE_BYTES, ge=1 << 20)
    client_share: float = Field(limits.CLIENT_SHARE, gt=0, le=1)
    session_in_use_seconds: float = Field(limits.SESSION_IN_USE_SECONDS, ge=0)
    # New sessions per client address: a burst, then a rate.
    create_burst: int = Field(limits.CREATE_BURST, ge=1)
    create_per_second: float = Field(limits.CREATE_PER_SECOND, gt=0)
    # Calls that run in worker processes at once (each long enough to leave the event loop).
    worker_calls: int = Field(limits.WORKER_CALLS, ge=1, le=64)
    # The cyclic garbage collector: "tuned" (start-up frozen, young collections rarer),
    # "frozen" (start-up frozen only) or "default" (Python's own), for comparing them.
    gc_mode: str = Field("tuned", pattern="^(tuned|frozen|default)$")
    # Proxies whose X-Forwarded-For names the client (addresses or networks, comma-separated).
    trusted_proxies: str = ""
    # Request bodies larger than this are refused with 413 before they are read in full.
    max_body_bytes: int = Field(limits.MAX_BODY_BYTES, ge=1024)
    # ... and of POST /api/sessions/import, whose document carries a whole run (its data, its history).
    max_import_bytes: int = Field(limits.MAX_IMPORT_BYTES, ge=1024)
    # Bytes of request bodies one process holds at once (received, not yet answered): past it 503.
    body_bytes_in_flight: int = Field(limits.BODY_BYTES_IN_FLIGHT, ge=1024)
    # A request's line and headers: at most this many bytes (else 431), arriving within this
    # many seconds of the connection opening or of the previous response (else closed).
    max_header_bytes: int = Field(limits.MAX_HEADER_BYTES, ge=1024, le=1_048_576)
    header_timeout_seconds: float = Field(
        limits.HEADER_TIMEOUT_SECONDS, gt=0, le=limits.MAX_HEADER_TIMEOUT_SECONDS
    )
    # A WebSocket that leaves what it was sent unread this long is dropped; the bytes of class
    # snapshots written and not yet taken, in all (a join past it waits its turn).
    socket_send_seconds: float = Field(limits.SOCKET_SEND_SECONDS, gt=0, le=300)
    snapshot_bytes_in_flight: int = Field(limits.SNAPSHOT_BYTES_IN_FLIGHT, ge=1024)
    # Comma-separated origins allowed by CORS, and to open play WebSockets from their pages;
    # empty means no CORS headers at all, and WebSockets from this server's own pages only.
    cors_origins: str = ""
    # The pages that may show this one in a frame (CSP frame-ancestors sources): none, unless the
    # server is a notebook kernel's own (app/notebook/), which the notebook's page frames.
    frame_ancestors: str = Field("'none'", pattern=r"^[^;,\r\n]+$")
    # Whether the page's links take the path prefix a proxy names in X-Forwarded-Prefix (as
    # jupyter-server-proxy does): only a notebook kernel's server does, behind its notebook server.
    forwarded_prefix: bool = False
    # Play mode's WebSockets: how many may stream one session and how many in all
    # (each costs a share of the one core that steps), and what one may send.
    play_per_session: int = Field(limits.PLAY_PER_SESSION, ge=1, le=1000)
    play_total: int = Field(limits.PLAY_TOTAL, ge=1, le=100_000)
    play_message_bytes: int = Field(limits.PLAY_MESSAGE_BYTES, ge=64, le=65_536)
    play_messages_per_second: float = Field(limits.PLAY_MESSAGES_PER_SECOND, gt=0, le=10_000)
    # The work play may ask for: per stream and in all (estimated seconds a second), how long
    # a paused stream stays open, and the share of the streams one address may hold.
    play_share: float = Field(limits.PLAY_SHARE, gt=0, le=100)
    play_total_load: float = Field(limits.PLAY_TOTAL_LOAD, gt=0, le=1000)
    play_idle_seconds: float = Field(limits.PLAY_IDLE_SECONDS, gt=0)
    play_client_share: float = Field(limits.PLAY_CLIENT_SHARE, gt=0, le=1)
    # Classes: students following one class at once, and how long an unused class lives.
    max_class_size: int = Field(limits.MAX_CLASS_SIZE, ge=1, le=100_000)
    class_idle_seconds: float = Field(limits.CLASS_IDLE_SECONDS, gt=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
