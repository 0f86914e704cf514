"""Assembles the app: routers, static files, error handlers, the session store."""

from __future__ import annotations

import asyncio
import contextlib
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.api import work
from app.api.classroom import Classroom
from app.api.clients import CreationLimiter, parse_proxies
from app.api.errors import HANDLERS
from app.api.files import KeptFiles
from app.api.middleware import Guard
from app.api.routes import class_sockets, classes, meta, pages, play, sessions, step
from app.api.routes.pages import ROOT
from app.collector import TUNE_IN_WORKERS, tune_collector
from app.sessions import MemoryStore, budget
from app.sessions.channel import channel_for
from app.sessions.classes import MemoryRegistry, Registry
from app.sessions.store import Store
from app.settings import Settings, get_settings

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
    app.state.classroom = Classroom(make_registry(settings, app.state.store), app.state.channel)
    app.state.workers = work.Workers(settings.worker_calls)
    budget.costs()  # measured now, not in the first learner's step
    app.state.creations = CreationLimiter(settings.create_per_second, settings.create_burst)
    app.state.proxies = parse_proxies(settings.trusted_proxies)
    for exc, handler in HANDLERS.items():
        app.add_exception_handler(exc, handler)
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    app.add_middleware(Guard, max_body=settings.max_body_bytes, origins=frozenset(origins))
    # The step requests that need nothing else, answered before the rest (app/api/routes/step.py).
    app.add_middleware(step.StepPath, max_body=settings.max_body_bytes, handlers=HANDLERS)
    if origins:  # no CORS headers at all unless origins are configured
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"])
    # The step's other requests, first and as a plain route (app/api/routes/step.py);
    # its FastAPI route follows, for the schema only.
    app.router.routes.append(step.route)
    app.router.routes.extend(step.router.routes)
    app.include_router(meta.router)
    app.include_router(sessions.router)
    app.include_router(play.router)
    app.include_router(pages.router)
    app.include_router(classes.router)
    app.include_router(class_sockets.router)
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
        from app.sessions.redis_store import RedisStore  # redis is imported only where it is used

        return RedisStore(settings.redis_url, settings.max_sessions, settings.session_idle_seconds, **bounds)
    return MemoryStore(settings.max_sessions, settings.session_idle_seconds, **bounds)


def make_registry(settings: Settings, store: Store) -> Registry:
    """Classes in this process by default; in Redis with REDIS_URL, where RedisStore's loads
    tell which class a session teaches (its `classes`, the registry's index)."""
    bounds = (settings.max_class_size, settings.class_idle_seconds, settings.max_sessions)
    if settings.redis_url:
        from app.sessions.classes_redis import RedisRegistry

        registry = RedisRegistry(settings.redis_url, *bounds)
        registry.index = store.classes
        return registry
    return MemoryRegistry(*bounds)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI):
    # The worker processes start with the server, not in the first learner's long call.
    await asyncio.to_thread(app.state.workers.start)
    if os.environ.get(TUNE_IN_WORKERS):  # one of several uvicorn workers (app/__main__.py)
        tune_collector()
    yield
    await app.state.channel.close()
    await app.state.classroom.registry.close()
    await app.state.store.close()
    await asyncio.to_thread(work.close)


app = create_app()
