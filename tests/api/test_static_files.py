"""The page's files: compressed for a browser that takes gzip, revalidated on a reload."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from app.api.files import KeptFiles
from app.api.routes.pages import STATIC

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


def test_the_page_names_every_module_main_imports_and_each_is_served(client):
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    named = re.findall(r'<link rel="modulepreload" href="([^"]+)">', page.text)
    # every module of the graph, walked here independently of the server's walk
    want, todo = set(), ["main.js"]
    while todo:
        path = todo.pop()
        source = (STATIC / path).read_text()
        for spec in re.findall(r"""from\s+['"](\.{1,2}/[^'"]+)['"]""", source):
            found = (STATIC / path).parent.joinpath(spec).resolve().relative_to(STATIC.resolve()).as_posix()
            if found not in want:
                want.add(found)
                todo.append(found)
    assert sorted(named) == sorted(f"/static/{p}" for p in want) and len(named) > 50
    for url in named:
        assert client.get(url).status_code == 200, url


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
