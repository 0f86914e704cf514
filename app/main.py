"""Assembles the app: routers, static files, error handlers, the session store."""

from __future__ import annotations

import asyncio
import contextlib
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .api.clients import Limiter, LocalBuckets, RedisBuckets, parse_proxies
from .api.errors import HANDLERS
from .api.files import KeptFiles
from .api.in_flight import InFlight
from .api.middleware import Guard
from .api.routes import class_sockets, class_teacher, classes, lessons, meta, pages, play, sessions, step
from .api.routes.pages import ROOT
from .classroom import Classroom
from .classroom.channel import channel_for
from .classroom.registry import MemoryRegistry, Registry
from .limits import CODE_MISSES_BURST, CODE_MISSES_PER_SECOND
from .server.collector import TUNE_IN_WORKERS, tune_collector
from .sessions import MemoryStore, budget, workers
from .sessions.store import Store
from .settings import Settings, get_settings

NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # No /docs or /redoc: FastAPI's pages for them load scripts from a CDN, and
    # everything here works offline.  The schema itself is at /openapi.json.
    app = FastAPI(
        title="Backprop Explainer",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan,
        # No OpenTelemetry: otherwise every request asks whether a tracer, a meter or a logger
        # provider has been configured since the last one (about 8 µs of a step call's 95).
        telemetry=NO_TELEMETRY,
    )
    app.state.settings = settings
    app.state.store = make_store(settings)
    # Live fan-out for classes: in this process, or through Redis to every replica.
    app.state.channel = channel_for(settings.redis_url)
    # The classroom follows the store: each change of a teaching session goes to its class.
    app.state.classroom = Classroom(make_registry(settings), app.state.channel, app.state.store)
    app.state.snapshots = InFlight(settings.snapshot_bytes_in_flight, settings.socket_send_seconds)
    app.state.workers = workers.Workers(settings.worker_calls)
    budget.costs()  # measured now, not in the first learner's step
    # Per-client limits, in Redis when it is there: they hold across workers and replicas.
    app.state.buckets = RedisBuckets(settings.redis_url) if settings.redis_url else LocalBuckets()
    buckets = app.state.buckets
    app.state.creations = Limiter(settings.create_per_second, settings.create_burst, "new sessions", buckets)
    # Codes asked for that are no class's: a student mistypes a few, a guesser millions.
    app.state.code_misses = Limiter(CODE_MISSES_PER_SECOND, CODE_MISSES_BURST, "unknown class codes", buckets)
    app.state.proxies = parse_proxies(settings.trusted_proxies)
    for exc, handler in HANDLERS.items():
        app.add_exception_handler(exc, handler)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    app.add_middleware(
        Guard,
        max_body=settings.max_body_bytes,
        origins=frozenset(origins),
        max_import=settings.max_import_bytes,
        frame_ancestors=settings.frame_ancestors,
    )
    # The step requests that need nothing else, answered just inside the door (app/api/routes/step.py).
    step.install(app, settings.max_body_bytes, HANDLERS)
    if origins:  # no CORS headers at all unless origins are configured
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"])
    app.include_router(meta.router)
    app.include_router(sessions.router)
    app.include_router(play.router)
    app.include_router(pages.router)
    app.include_router(classes.router)
    app.include_router(class_sockets.router)
    app.include_router(class_teacher.router)
    app.include_router(lessons.router)
    app.mount("/static", KeptFiles(directory=ROOT / "static"), name="static")
    # The page's modules as one script (scripts/bundle.mjs), when it has been built.
    app.mount("/bundle", KeptFiles(directory=ROOT / "build" / "static", check_dir=False), name="bundle")
    # Front-end libraries, installed from package-lock.json, served by the app itself.
    for package in ("katex", "uplot", "qrcode-generator"):
        directory = ROOT / "node_modules" / package / "dist"
        app.mount(f"/vendor/{package}", KeptFiles(directory=directory, check_dir=False), name=package)
    return app


def make_store(settings: Settings) -> Store:
    """MemoryStore by default; RedisStore when REDIS_URL names a Redis."""
    bounds = {
        "max_bytes": settings.max_store_bytes,
        "per_client": max(1, int(settings.max_sessions * settings.client_share)),
        "client_bytes": int(settings.max_store_bytes * settings.client_share),
        "in_use_seconds": settings.session_in_use_seconds,
    }
    if settings.redis_url:
        # redis is imported only where it is used
        from .classroom.registry_redis import TAG_PREFIX
        from .sessions.redis_store import RedisStore

        # Each load and save reads the session's tag, the code of the class it teaches.
        bounds["tag_prefix"] = TAG_PREFIX
        return RedisStore(settings.redis_url, settings.max_sessions, settings.session_idle_seconds, **bounds)
    return MemoryStore(settings.max_sessions, settings.session_idle_seconds, **bounds)


def make_registry(settings: Settings) -> Registry:
    """Classes in this process by default; in Redis with REDIS_URL."""
    bounds = (settings.max_class_size, settings.class_idle_seconds, settings.max_sessions)
    if settings.redis_url:
        from .classroom.registry_redis import RedisRegistry

        return RedisRegistry(settings.redis_url, *bounds)
    return MemoryRegistry(*bounds)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    # The worker processes start with the server, not in the first learner's long call.
    await asyncio.to_thread(app.state.workers.start)
    if os.environ.get(TUNE_IN_WORKERS):  # one of several uvicorn workers (app/server/main.py)
        tune_collector()
    yield
    await app.state.channel.close()
    await app.state.buckets.close()
    await app.state.classroom.registry.close()
    await app.state.store.close()
    await asyncio.to_thread(workers.close)


app = create_app()
