"""Health and the built-in data sets."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ...model import DATASETS
from ..json import FastJSON
from ..schemas import DatasetOut, HealthOut, ReadyOut, SourceOut
from ..source import step_source

router = APIRouter(default_response_class=FastJSON)


@router.get("/healthz", tags=["meta"], responses={200: {"model": HealthOut}})
async def healthz() -> FastJSON:
    return FastJSON({"status": "ok"})


@router.get(
    "/readyz",
    tags=["meta"],
    responses={200: {"model": ReadyOut}, 503: {"model": ReadyOut, "description": "the store is away"}},
)
async def readyz(request: Request) -> FastJSON:
    """Whether this process can serve sessions now (its store is reachable); /healthz says it runs."""
    problem = await request.app.state.store.ready()
    if problem is not None:
        return FastJSON({"status": "unavailable", "message": problem}, status_code=503)
    return FastJSON({"status": "ok"})


@router.get("/api/datasets", tags=["meta"], responses={200: {"model": list[DatasetOut]}})
async def datasets() -> FastJSON:
    return FastJSON([d.summary() for d in DATASETS.values()])


@router.get("/api/source", tags=["meta"], responses={200: {"model": SourceOut}})
async def source() -> FastJSON:
    """The model's NumPy for one step, read from the running module, with each phase's lines."""
    return FastJSON(step_source())
