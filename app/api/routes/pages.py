"""The explainer page itself.

The page's script is the bundle `scripts/bundle.mjs` builds (`build/static/main.js`, one
request instead of some eighty) while it was built from the modules as they are; else the
modules themselves, each named as a `<link rel="modulepreload">` so that the browser asks for
all of them at once instead of discovering them one import depth at a time.  The page carries
the data sets, so the diagram's shape is drawn before any request of the script's own, and the
vocabulary (app/model/vocabulary.py) with the server's constants the page needs: the page
keeps no copy of either.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ...classroom.lessons import panels_for_page
from ...limits import MAX_NOTE, MAX_STEPS, MAX_UNIT_VALUES
from ...model import DATASETS, mountain_car, vocabulary
from ...model.optimizers import ADAM_BETA_1, ADAM_BETA_2

PACKAGE = Path(__file__).resolve().parents[2]
# The page's files: installed from a wheel, in the package's web/ folder (setup.py copies them
# there); run from the repository, beside the package.
ROOT = PACKAGE / "web" if (PACKAGE / "web").is_dir() else PACKAGE.parent
STATIC = ROOT / "static"
BUNDLE = ROOT / "build" / "static"
SHARED_MODULE = "/static/state/store.js"  # outside the bundle: the page's one state object
log = logging.getLogger(__name__)
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


def _script_json(value) -> str:
    """`value` as JSON that is safe inside a <script> element: no `<`, so no `</script>`."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode().replace("<", "\\u003c")


def _datasets_json() -> str:
    """The data sets as `/api/datasets` gives them."""
    return _script_json([d.summary() for d in DATASETS.values()])


# The server's constants the page works with, under the server's own names (static/state/vocabulary.js).
PAGE_CONSTANTS = {
    "MAX_STEPS": MAX_STEPS,  # steps one call may ask for (state/work.js)
    "MAX_UNIT_VALUES": MAX_UNIT_VALUES,  # rows x hidden units one predict may return (state/unitgrid.js)
    "ADAM_BETA_1": ADAM_BETA_1,  # Adam's decays, for the weights before a play frame (state/adam.js)
    "ADAM_BETA_2": ADAM_BETA_2,
    "LESSON_PARTS": panels_for_page(),  # the parts a lesson hides, [{name, label}] (state/lesson.js)
    "MAX_NOTE": MAX_NOTE,  # characters of a lesson's note (state/lesson.js)
    # Control mode's car: the ranges the network's inputs are scaled from, the goal, the agents,
    # the length at which an episode is cut (state/control.js)
    "MOUNTAIN_CAR": {
        "POSITION": mountain_car.POSITION,
        "VELOCITY": mountain_car.VELOCITY,
        "GOAL": mountain_car.GOAL,
        "ACTIONS": mountain_car.ACTIONS,
        "AGENTS": mountain_car.AGENTS,
        "MAX_STEPS": mountain_car.MAX_STEPS,
    },
}


def _vocabulary_json() -> str:
    """The activations' and losses' table, and the constants: what static/state/vocabulary.js reads."""
    return _script_json({**vocabulary(), "constants": PAGE_CONSTANTS})


@dataclass(frozen=True)
class Scripts:
    """The page's module script, the modules it preloads, and its own style sheet."""

    main: str
    preload: tuple[str, ...]
    styles: str


MODULE_SCRIPTS = Scripts("/static/main.js", tuple(module_urls()), "/static/page.css")
BUNDLE_SCRIPTS = Scripts("/bundle/main.js", (SHARED_MODULE,), "/bundle/page.css")


class PageScripts:
    """The bundle while every module it was built from is unchanged (build/static/sources.json's
    hashes), else the modules.  A module's stat is looked at on each page; it is hashed again only
    when its mtime or size moved, so an edit under `make run` is served at the next reload."""

    def __init__(self, static: Path = STATIC, bundle: Path = BUNDLE) -> None:
        self.static = static
        self.bundle = bundle
        self._seen: tuple | None = None
        self._current = False

    def _stats(self) -> tuple | None:
        try:
            recorded = json.loads((self.bundle / "sources.json").read_text(encoding="utf-8"))["sources"]
            stats = [(name, digest, (self.static / name).stat()) for name, digest in sorted(recorded.items())]
            built = (self.bundle / "main.js").stat()
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return (built.st_mtime_ns, *((n, d, s.st_mtime_ns, s.st_size) for n, d, s in stats))

    def current(self) -> Scripts:
        seen = self._stats()
        if seen != self._seen:
            self._seen = seen
            self._current = seen is not None and all(
                hashlib.sha256((self.static / name).read_bytes()).hexdigest() == digest
                for name, digest, *_ in seen[1:]
            )
            if not self._current:
                log.warning(
                    "the page's bundle is missing or older than static/ (make run builds it: "
                    "node scripts/bundle.mjs): serving its modules one by one"
                )
        return BUNDLE_SCRIPTS if self._current else MODULE_SCRIPTS


page_scripts = PageScripts()
DATASETS_JSON = _datasets_json()
VOCABULARY_JSON = _vocabulary_json()


PAGES_KEPT = 64  # pages rendered and gzipped once: the explainer's and the latest classes' student pages
TEMPLATE = ROOT / "templates" / "index.html"


# A path as a proxy names its prefix (/user/ann/proxy/8000): nothing that could leave an attribute.
_PREFIX = re.compile(r"(/[\w.~%@:+-]+)+")
MAX_PREFIX = 256


def prefix_of(request: Request) -> str:
    """The path the page is served under, before this server's root: '' unless this server takes
    X-Forwarded-Prefix (settings.forwarded_prefix: a notebook kernel's, behind jupyter-server-proxy)."""
    if not request.app.state.settings.forwarded_prefix:
        return ""
    prefix = request.headers.get("x-forwarded-prefix", "").rstrip("/")
    return prefix if len(prefix) <= MAX_PREFIX and _PREFIX.fullmatch(prefix) else ""


@functools.lru_cache(maxsize=PAGES_KEPT)
def _rendered(
    scripts: Scripts, class_code: str | None, template_stamp: int, prefix: str = ""
) -> tuple[bytes, bytes]:
    """The page's HTML and its gzip, for these scripts, class code, version of the template and prefix."""
    context = {
        "prefix": prefix,
        "scripts": scripts,
        "datasets_json": DATASETS_JSON,
        "vocabulary_json": VOCABULARY_JSON,
        "class_code": class_code,
    }
    html = templates.get_template("index.html").render(context).encode()
    return html, gzip.compress(html, compresslevel=9, mtime=0)


def explainer(request: Request, class_code: str | None = None) -> HTMLResponse:
    """The page (a class's student page with its code), gzipped for a browser that takes it.
    A class's students ask for the same page at once: it is rendered and compressed once."""
    html, packed = _rendered(
        page_scripts.current(), class_code, TEMPLATE.stat().st_mtime_ns, prefix_of(request)
    )
    if "gzip" not in request.headers.get("accept-encoding", ""):
        return HTMLResponse(html, headers={"vary": "accept-encoding"})
    return HTMLResponse(packed, headers={"content-encoding": "gzip", "vary": "accept-encoding"})


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request) -> HTMLResponse:
    return explainer(request)
