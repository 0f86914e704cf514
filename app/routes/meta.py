"""Health and the built-in data sets."""

from __future__ import annotations

from fastapi import APIRouter

from app.datasets import DATASETS
from app.responses import FastJSON
from app.schemas import DatasetOut, HealthOut, SourceOut
from app.source import step_source

router = APIRouter(default_response_class=FastJSON)


@router.get("/healthz", tags=["meta"], responses={200: {"model": HealthOut}})
async def healthz() -> FastJSON:
    return FastJSON({"status": "ok"})


@router.get("/api/datasets", tags=["meta"], responses={200: {"model": list[DatasetOut]}})
async def datasets() -> FastJSON:
    return FastJSON([d.summary() for d in DATASETS.values()])


@router.get("/api/source", tags=["meta"], responses={200: {"model": SourceOut}})
async def source() -> FastJSON:
    """The core's NumPy for one step, read from the running module, with each phase's lines."""
    return FastJSON(step_source())
