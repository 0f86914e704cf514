"""The page's files: compressed for a browser that takes gzip, revalidated on a reload."""

from __future__ import annotations

import gzip

import pytest

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
