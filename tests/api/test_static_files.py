"""The page's files: compressed for a browser that takes gzip, revalidated on a reload."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from app.api.files import KeptFiles
from app.api.routes import pages
from app.api.routes.pages import BUNDLE, BUNDLE_SCRIPTS, MODULE_SCRIPTS, ROOT, STATIC, PageScripts

FILES = ["/static/main.js", "/static/style.css", "/vendor/katex/katex.min.js"]


@pytest.mark.parametrize("path", FILES)
def test_a_file_is_sent_compressed_and_a_reload_with_its_validator_is_a_304(client, path):
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as packed:
        wire = b"".join(packed.iter_raw())
    assert packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(wire) == plain.content and len(wire) < len(plain.content) / 2
    assert packed.headers["cache-control"] == "no-cache"
    again = client.get(path, headers={"If-None-Match": plain.headers["etag"], "Accept-Encoding": "gzip"})
    assert again.status_code == 304 and again.content == b""


def test_answers_of_the_api_are_not_compressed(client, make_session):
    sid = make_session(hidden=64)["id"]
    r = client.post(f"/api/sessions/{sid}/step", json={}, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and "content-encoding" not in r.headers  # CPU a step cannot spare


def test_the_qr_code_library_is_served_as_an_es_module(client):
    r = client.get("/vendor/qrcode-generator/qrcode.mjs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")  # a module script needs a JavaScript type
    assert "export default qrcode" in r.text


def _module_graph() -> set[str]:
    """Every module main.js imports, directly or not, walked here independently of the server's walk."""
    want, todo = set(), ["main.js"]
    while todo:
        path = todo.pop()
        source = (STATIC / path).read_text()
        for spec in re.findall(r"""from\s+['"](\.{1,2}/[^'"]+)['"]""", source):
            found = (STATIC / path).parent.joinpath(spec).resolve().relative_to(STATIC.resolve()).as_posix()
            if found not in want:
                want.add(found)
                todo.append(found)
    return want


def _links(page: str) -> list[str]:
    """The page's own style sheets (the libraries' come from /vendor)."""
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    return [href for href in sheets if not href.startswith("/vendor/")]


def _scripts_of(page: str) -> tuple[list[str], list[str]]:
    mains = re.findall(r'<script type="module" src="([^"]+)">', page)
    return mains, re.findall(r'<link rel="modulepreload" href="([^"]+)">', page)


def test_the_page_is_served_with_the_bundle_that_make_built_from_these_modules(client):
    # make run and make test build it (node scripts/bundle.mjs); a stale one would not be served.
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert _scripts_of(page.text) == (["/bundle/main.js"], ["/static/state/store.js"]), "run: make node"
    bundle = client.get("/bundle/main.js", headers={"Accept-Encoding": "gzip"})
    assert bundle.status_code == 200 and bundle.headers["content-type"].startswith("text/javascript")
    assert bundle.headers["content-encoding"] == "gzip" and bundle.headers["cache-control"] == "no-cache"
    assert bundle.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in bundle.headers
    # Every module is in it but the state object, which it imports from the module's own URL;
    # the style sheet is page.css with every sheet it imports.
    recorded = json.loads((BUNDLE / "sources.json").read_text())["sources"]
    sheets = {"page.css"} | set(re.findall(r'@import url\("([^"]+)"\)', (STATIC / "page.css").read_text()))
    assert set(recorded) == ({"main.js"} | _module_graph() | sheets) - {"state/store.js"}
    every = {p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.css")}
    assert sheets == every and _links(page.text) == ["/bundle/page.css"]  # every sheet there is, one link
    for sheet in sheets - {"page.css"}:  # each sheet's rules are in the bundle
        first_rule = (STATIC / sheet).read_text().split("{")[0].split("*/")[-1].strip()
        assert first_rule.split()[0].rstrip(",") in client.get("/bundle/page.css").text, sheet
    assert 'from"../static/state/store.js"' in bundle.text and '"./state/store.js"' not in bundle.text
    assert client.get("/static/state/store.js").status_code == 200


def test_without_a_current_bundle_the_page_names_every_module_and_each_is_served(client, monkeypatch):
    monkeypatch.setattr(pages, "page_scripts", PageScripts(bundle=ROOT / "no-such-build"))
    page = client.get("/").text
    mains, named = _scripts_of(page)
    assert mains == ["/static/main.js"] and _links(page) == ["/static/page.css"]
    for sheet in re.findall(r'@import url\("([^"]+)"\)', client.get("/static/page.css").text):
        assert client.get(f"/static/{sheet}").status_code == 200, sheet
    assert sorted(named) == sorted(f"/static/{p}" for p in _module_graph()) and len(named) > 50
    for url in named:
        assert client.get(url).status_code == 200, url


@pytest.fixture
def built(tmp_path):
    """A copy of static/ and the bundle built from it, in a tree of its own."""
    if shutil.which("node") is None or not (ROOT / "node_modules" / "esbuild").is_dir():
        pytest.fail("the bundle needs node and esbuild: run make node")
    shutil.copytree(STATIC, tmp_path / "static")
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "bundle.mjs", tmp_path / "scripts")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    subprocess.run(["node", "scripts/bundle.mjs"], cwd=tmp_path, check=True, capture_output=True)
    return tmp_path


def test_the_bundle_is_served_until_a_module_changes_and_again_once_it_is_rebuilt(built):
    scripts = PageScripts(static=built / "static", bundle=built / "build" / "static")
    assert scripts.current() == BUNDLE_SCRIPTS
    module = built / "static" / "views" / "meter.js"
    module.write_text(module.read_text() + "\n// changed\n")
    assert scripts.current() == MODULE_SCRIPTS  # the edit is served at once, as modules
    subprocess.run(["node", "scripts/bundle.mjs"], cwd=built, check=True, capture_output=True)
    assert scripts.current() == BUNDLE_SCRIPTS
    (built / "build" / "static" / "sources.json").write_text("{not json")
    assert scripts.current() == MODULE_SCRIPTS
    shutil.rmtree(built / "build")
    assert scripts.current() == MODULE_SCRIPTS


def test_a_module_changed_back_to_what_was_bundled_serves_the_bundle_again(built):
    scripts = PageScripts(static=built / "static", bundle=built / "build" / "static")
    module = built / "static" / "lib" / "format.js"
    original = module.read_text()
    module.write_text(original.replace("function", "function ", 1))
    assert scripts.current() == MODULE_SCRIPTS
    module.write_text(original)  # a new mtime, the same bytes
    assert scripts.current() == BUNDLE_SCRIPTS


def test_the_page_carries_the_data_sets_as_the_api_gives_them(client):
    page = client.get("/").text
    inline = re.search(r'<script type="application/json" id="datasets-data">(.*?)</script>', page, re.S)
    assert json.loads(inline.group(1)) == client.get("/api/datasets").json()


def test_a_changed_file_is_read_again_and_gets_a_new_validator(tmp_path):
    app = Starlette(routes=[Mount("/f", KeptFiles(directory=tmp_path))])
    (tmp_path / "a.js").write_text("let a = 1;\n" * 200)
    with TestClient(app) as c:
        first = c.get("/f/a.js", headers={"Accept-Encoding": "gzip"})
        assert first.text == "let a = 1;\n" * 200
        assert c.get("/f/a.js", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        (tmp_path / "a.js").write_text("let b = 2;\n" * 300)
        again = c.get("/f/a.js", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 200 and again.text == "let b = 2;\n" * 300
        assert again.headers["etag"] != first.headers["etag"]
        assert c.get("/f/../a.js").status_code == 404 and c.get("/f/nothing.js").status_code == 404


def test_the_page_is_rendered_once_and_again_when_its_template_changes(client):
    pages._rendered.cache_clear()
    first = client.get("/", headers={"Accept-Encoding": "gzip"})
    again = client.get("/", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    assert first.content == again.content and first.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "accept-encoding"
    assert plain.text.startswith("<!doctype html>") and 'id="datasets-data"' in plain.text
    assert pages._rendered.cache_info().misses == 1  # one render served all three
    stamp = pages.TEMPLATE.stat()
    os.utime(pages.TEMPLATE, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    try:
        client.get("/")
        assert pages._rendered.cache_info().misses == 2  # an edited template is rendered anew
    finally:
        os.utime(pages.TEMPLATE, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
