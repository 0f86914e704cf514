"""Classes over HTTP: start one, end one, and the pages a student opens.

    POST   /api/classes {"session": id}   201 {code, join_url, join_note, teacher_key}
    DELETE /api/classes/{code}            header X-Teacher-Key; 204, students get "ended"
    GET    /api/classes/{code}/report[?format=csv]   header X-Teacher-Key; the questions revealed
                                          (app/classroom/report.py), kept CLASS_IDLE_SECONDS after the end
    GET    /api/classes/{code}/values     the values of the session on show, for the students' pictures
                                          (TD and control modes), of the weights on show
                                          (app/classroom/pictures.py)
    GET    /c/{code}                      the student's page of that class
    GET    /join                          a page to type a code on

The sockets are in app/api/routes/class_sockets.py.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import HTTPConnection

from ...classroom import Classroom, report
from ...classroom.errors import ClassNotFound, WrongKey
from ...classroom.registry import ALPHABET, CODE_LENGTH, hash_key, normal_code
from ...sessions.errors import TooManyRequests
from ..clients import client_of
from ..join import join_link
from ..json import FastJSON, JSONRoute
from ..schemas import ErrorOut
from .common import ERRORS, Creator
from .pages import explainer, templates

router = APIRouter(tags=["classes"], default_response_class=FastJSON, route_class=JSONRoute)


class ClassIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session: str = Field(min_length=1, max_length=64, description="the id of the teacher's session")


class ClassOut(BaseModel):
    code: str = Field(description=f"{CODE_LENGTH} characters of {ALPHABET}")
    join_url: str
    join_note: str | None = Field(None, description="when phones may not reach join_url: why, and what to do")
    teacher_key: str = Field(description="the secret that drives the class: keep it in the teacher's tab")


def classroom_of(request: Request) -> Classroom:
    return request.app.state.classroom


@contextlib.asynccontextmanager
async def looking_up(conn: HTTPConnection) -> AsyncIterator[None]:
    """Around what looks a class up by its code: a client that asked for too many codes that
    are no class's is refused (TooManyRequests, 429) before it looks, and each ClassNotFound
    inside counts one more (a student mistypes a few; a guesser needs millions)."""
    misses, client = conn.app.state.code_misses, client_of(conn, conn.app.state.proxies)
    await misses.check(client)
    try:
        yield
    except ClassNotFound:
        with contextlib.suppress(TooManyRequests):
            await misses.take(client)
        raise


@router.post(
    "/api/classes",
    status_code=201,
    responses={201: {"model": ClassOut}, **ERRORS, 429: {"model": ErrorOut}},
)
async def create_class(request: Request, client: Creator, body: Annotated[ClassIn, Body()]) -> FastJSON:
    info, key = await classroom_of(request).start(body.session)  # 404 for a session that is not there
    join_url, note = join_link(request, request.app.state.settings, info.code)
    out = {"code": info.code, "join_url": join_url, "join_note": note, "teacher_key": key}
    return FastJSON(out, status_code=201)


@router.delete(
    "/api/classes/{code}",
    status_code=204,
    responses={
        204: {"description": "ended"},
        403: {"model": ErrorOut},
        404: {"model": ErrorOut},
        429: {"model": ErrorOut, "description": "too many unknown class codes from this address"},
    },
)
async def end_class(
    request: Request, code: str, x_teacher_key: Annotated[str | None, Header()] = None
) -> Response:
    async with looking_up(request):
        await classroom_of(request).command(normal_code(code), x_teacher_key, {"type": "end"})
    return Response(status_code=204)


@router.get(
    "/api/classes/{code}/values",
    responses={
        200: {"description": "as GET /api/sessions/{id}/values of the session the class has on show"},
        404: {"model": ErrorOut},
        409: {"model": ErrorOut, "description": "before the step's updates are on show; a question open"},
        422: ERRORS[422],
        429: {"model": ErrorOut, "description": "too many unknown class codes from this address"},
    },
)
async def class_values(request: Request, code: str) -> Response:
    """The values a class's students draw (TD mode's v̂ of every state, control mode's q̂ over
    (p, v)), of the session on show, whose id they are not told; at most a second old."""
    async with looking_up(request):
        body = await classroom_of(request).values(normal_code(code))
    return Response(body, media_type="application/json")


@router.get(
    "/api/classes/{code}/report",
    responses={
        200: {
            "description": "JSON {code, questions}; with format=csv, text/csv: one row per question and round"
        },
        403: {"model": ErrorOut},
        404: {"model": ErrorOut},
        422: ERRORS[422],
        429: {"model": ErrorOut, "description": "too many unknown class codes from this address"},
    },
)
async def class_report(
    request: Request,
    code: str,
    format: Annotated[Literal["json", "csv"], Query(description="json, or csv for a spreadsheet")] = "json",
    x_teacher_key: Annotated[str | None, Header()] = None,
) -> Response:
    code = normal_code(code)
    async with looking_up(request):
        key_hash, questions = await classroom_of(request).registry.report(code)
    if not hmac.compare_digest(key_hash.encode(), hash_key(x_teacher_key or "").encode()):
        raise WrongKey()
    if format == "csv":
        headers = {"content-disposition": f'attachment; filename="class-{code}-report.csv"'}
        return Response(report.as_csv(questions), media_type="text/csv; charset=utf-8", headers=headers)
    return FastJSON({"code": code, "questions": questions})


@router.api_route("/c/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False)
async def class_page(request: Request, code: str) -> HTMLResponse:
    code = normal_code(code)
    async with looking_up(request):
        await classroom_of(request).registry.get(code)  # 404 for a class that is not there
    return explainer(request, code)


@router.api_route("/join", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False)
async def join_page(request: Request, code: str = "") -> Response:
    if not code:
        return templates.TemplateResponse(request, "join.html", {"code": "", "message": ""})
    code = normal_code(code)[:12]
    try:
        async with looking_up(request):
            await classroom_of(request).registry.get(code)
    except ClassNotFound:
        page = {"code": code, "message": ClassNotFound.MESSAGE}
        return templates.TemplateResponse(request, "join.html", page, status_code=404)
    except TooManyRequests as e:
        page = {"code": code, "message": e.message}
        headers = {"retry-after": str(e.retry_after)}
        return templates.TemplateResponse(request, "join.html", page, status_code=429, headers=headers)
    return RedirectResponse(f"/c/{code}", status_code=303)
