"""HEAD of the pages a browser or a monitor asks for answers as GET does, without the body."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/", "/join", "/c/{code}", "/c/AAAAAA"])
def test_head_answers_as_get_without_a_body(client, teaching, path):
    path = path.format(code=teaching[1]["code"])
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code != 405
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
