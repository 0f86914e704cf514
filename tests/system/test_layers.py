"""The layout holds: no import cycle, each layer imports only what it may, no file too long to read.

`python -m pytest tests/system/test_layers.py -q` is the check; on a failure it names the
cycle, the import or the file.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
MAX_LINES = 350


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function, named from app (the app's
    own imports are relative, so that it runs installed under another package name too)."""
    package = _module(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                assert not node.module.startswith("app"), f"{path}: imports {node.module} by the name app"
                module = node.module
            found.add(module)
            # `from .model import walk` imports the submodule app.model.walk
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


GRAPH = {_module(p): _imports(p) for p in APP.rglob("*.py")}


def _app_edges(module: str) -> set[str]:
    return {m for m in GRAPH[module] if m in GRAPH and m != module}  # names that are not modules drop out


def test_there_is_no_import_cycle():
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = path[path.index(module) :] + [module]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for child in sorted(_app_edges(module)):
            # a package's __init__ importing its own submodules is not a cycle
            if not child.startswith(module + "."):
                visit(child, [*path, module])
        done.add(module)

    for module in sorted(GRAPH):
        visit(module, [])
    assert len(done) == len(GRAPH) > 20


def _outside(module: str) -> set[str]:
    return {m.split(".")[0] for m in GRAPH[module] if not m.startswith("app")}


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("app.model")))
def test_the_model_imports_numpy_and_the_standard_library_only(module):
    others = _outside(module) - {"numpy", "__future__"} - set(sys.stdlib_module_names)
    assert not others, f"{module} imports {others}"
    ours = {m for m in GRAPH[module] if m in GRAPH}
    assert all(m.startswith("app.model") for m in ours), (
        f"{module} imports {ours}: the model imports only itself"
    )


WEB = {"fastapi", "starlette", "uvicorn", "httpx"}


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("app.sessions")))
def test_sessions_know_no_http_and_no_class(module):
    web = WEB & _outside(module)
    assert not web, f"{module} imports {web}"
    above = {
        m
        for m in GRAPH[module]
        if m.startswith(("app.api", "app.classroom", "app.server")) or m == "app.main"
    }
    assert not above, f"{module} imports {above}: sessions know neither the API nor the classroom"


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("app.classroom")))
def test_the_classroom_knows_no_http(module):
    web = WEB & _outside(module)
    assert not web, f"{module} imports {web}"
    above = {m for m in GRAPH[module] if m.startswith(("app.api", "app.server")) or m == "app.main"}
    assert not above, f"{module} imports {above}: the API calls the classroom, never the other way"


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("app.api")))
def test_the_api_is_not_the_process(module):
    above = {m for m in GRAPH[module] if m.startswith("app.server") or m == "app.main"}
    assert not above, f"{module} imports {above}: app/server runs the app, the API does not run it"


def test_no_route_calls_the_classroom_on_a_sessions_change():
    """The store tells the classroom (Store.follow); a route that changes a session says
    only what the change was (`tell`)."""
    for path in (APP / "api").rglob("*.py"):
        text = path.read_text()
        for hook in ("record(", "publish(", "_session_changed", ".follow("):
            assert hook not in text, f"{path.relative_to(ROOT)} calls {hook}: the store tells the classroom"


def test_limits_import_nothing():
    assert GRAPH["app.limits"] == set()


def test_kinds_of_session_are_named_only_inside_the_sessions_package():
    for path in [*APP.rglob("*.py"), *(ROOT / "bench").rglob("*.py")]:
        if path.is_relative_to(APP / "sessions"):
            continue
        text = path.read_text()
        for name in ("TDSession", "DatasetSession"):
            assert name not in text, f"{path.relative_to(ROOT)} names {name}: ask the session, not its kind"


@pytest.mark.parametrize("folder,pattern", [("app", "*.py"), ("static", "*.js"), ("static", "*.css")])
def test_no_file_is_too_long_to_read_in_one_sitting(folder, pattern):
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / folder).rglob(pattern)
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"over {MAX_LINES} lines: {long}"
