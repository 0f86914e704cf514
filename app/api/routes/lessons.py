"""Lessons over HTTP: the built-in ones, and the check of a teacher's own document.

    GET  /api/lessons           [{name, title, stops}]  (stops: how many)
    GET  /api/lessons/{name}    the lesson's document, in its normal form; 404 naming the name
    POST /api/lessons/check     a lesson document (at most MAX_LESSON_BYTES): 200 with its normal
                                form, or 422 naming the field and the limit; nothing is stored

The rules are app/classroom/lessons/check.py's; a document with a config is checked by making
the network it describes, off the event loop and at the rate a client may make sessions.
"""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from ...classroom.lessons import BUILT_IN, check_lesson, summaries
from ...limits import MAX_LESSON_BYTES, MAX_LESSON_STOPS, MAX_NOTE
from ..json import FastJSON, loads
from ..schemas import ErrorOut
from .common import CREATE_ERRORS, ERRORS, get_creator

router = APIRouter(prefix="/api/lessons", tags=["lessons"], default_response_class=FastJSON)


class LessonSummaryOut(BaseModel):
    name: str
    title: str
    stops: int = Field(description="how many stops the lesson has")


class AskOut(BaseModel):
    target: str = Field(description="what the class is asked: y_hat, delta_B, B, delta_A or A")
    index: list[int]


class StopOut(BaseModel):
    title: str
    note: str = Field(description=f"shown as text, at most {MAX_NOTE} characters")
    phase: str | None = Field(description="the phase of the step shown, or null")
    step: int = Field(description="steps taken on arriving at the stop")
    derive: str | None = Field(description="the weight whose derivation is open, e.g. B.1.0")
    line: int | None = Field(description="the derivation's line on show")
    hide: list[str] = Field(description="the panels hidden")
    ask: AskOut | None


class LessonOut(BaseModel):
    title: str
    config: dict | None = Field(None, description="the session config the lesson runs, when it has one")
    stops: list[StopOut] = Field(max_length=MAX_LESSON_STOPS)


NOT_FOUND = {404: {"model": ErrorOut, "description": "no built-in lesson of that name"}}
LESSON_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": f'{{"title", "config"?, "stops": [...]}}: at most '
                    f"{MAX_LESSON_STOPS} stops, at most {MAX_LESSON_BYTES} bytes",
                }
            }
        },
    }
}


@router.get("", responses={200: {"model": list[LessonSummaryOut]}})
async def list_lessons() -> FastJSON:
    return FastJSON(summaries())


@router.get("/{name}", responses={200: {"model": LessonOut}, **NOT_FOUND})
async def read_lesson(name: str) -> FastJSON:
    lesson = BUILT_IN.get(name)
    if lesson is None:
        shown = json.dumps(name[:40], ensure_ascii=False)
        known = ", ".join(BUILT_IN)
        return FastJSON({"message": f"no lesson named {shown}; the lessons are {known}"}, status_code=404)
    return FastJSON(lesson)


@router.post(
    "/check",
    responses={200: {"model": LessonOut}, **ERRORS, 429: CREATE_ERRORS[429]},
    openapi_extra=LESSON_BODY,
)
async def check(request: Request) -> FastJSON:
    """A teacher's lesson (from a file or a link) checked as the server would run it; nothing is kept."""
    try:
        doc = loads(await request.body())
    except json.JSONDecodeError as e:
        error = {"type": "json_invalid", "loc": ("body",), "msg": "not valid JSON", "ctx": {"error": e.msg}}
        raise RequestValidationError([error]) from None
    if isinstance(doc, dict) and "config" in doc:
        await get_creator(request)  # the network is made as a session's would be: at that rate
        return FastJSON(await asyncio.to_thread(check_lesson, doc))
    return FastJSON(check_lesson(doc))
