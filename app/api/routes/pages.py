"""The explainer page itself.

The page names every module its script imports (`<link rel="modulepreload">`), so the
browser asks for all of them at once instead of discovering them one import depth at a
time, and carries the data sets in the page, so the diagram's shape is drawn before any
request of the script's own.
"""

from __future__ import annotations

import gzip
import re
from collections import deque
from pathlib import Path

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.model import DATASETS

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "static"
templates = Jinja2Templates(directory=ROOT / "templates")
router = APIRouter()

# `import … from './x.js'`, `export … from './x.js'` and `import './x.js'`: the page's own modules.
_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"`;]*?['"](\.{1,2}/[^'"]+\.js)['"]""", re.M)


def module_urls(entry: str = "main.js") -> list[str]:
    """Every module the entry imports, directly or not, breadth first, as URLs under /static."""
    start = (STATIC / entry).resolve()
    seen, queue = {start}, deque([start])
    urls = []
    while queue:
        path = queue.popleft()
        urls.append("/static/" + path.relative_to(STATIC).as_posix())
        for spec in _IMPORT.findall(path.read_text(encoding="utf-8")):
            found = (path.parent / spec).resolve()
            if found not in seen and found.is_file():
                seen.add(found)
                queue.append(found)
    return urls[1:]  # the entry itself is the page's <script type="module">


def _datasets_json() -> str:
    """The data sets as `/api/datasets` gives them, safe inside a <script> element."""
    text = orjson.dumps([d.summary() for d in DATASETS.values()], option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return text.replace("<", "\\u003c")


MODULES = module_urls()
DATASETS_JSON = _datasets_json()


def explainer(request: Request, class_code: str | None = None) -> HTMLResponse:
    """The page (a class's student page with its code), gzipped for a browser that takes it."""
    context = {"modules": MODULES, "datasets_json": DATASETS_JSON, "class_code": class_code}
    page = templates.TemplateResponse(request, "index.html", context)
    if "gzip" not in request.headers.get("accept-encoding", ""):
        return page
    body = gzip.compress(page.body, compresslevel=6)
    headers = {"content-encoding": "gzip", "vary": "accept-encoding"}
    return HTMLResponse(body, headers=headers)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request) -> HTMLResponse:
    return explainer(request)
