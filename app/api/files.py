"""The files the app serves as they are: the page's modules and styles, the front-end libraries.

Each file is read and gzipped once, when it is first asked for (again only when its size
or modification time changes), and kept with its validator.  Every answer carries
`Cache-Control: no-cache`: a reload asks again with the ETag and gets a 304 of no bytes
unless the file changed.  A browser that takes gzip gets the gzipped bytes of a text file.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

MIN_GZIP_BYTES = 1024  # below this gzip's header costs more than it saves
_TEXT = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class _Kept:
    stamp: tuple[int, int]  # (mtime_ns, size): a changed file is read again
    etag: str
    media_type: str
    plain: bytes
    gzipped: bytes | None  # None: not worth it (small, or a format already compressed)

    @classmethod
    def read(cls, path: str, stamp: tuple[int, int]) -> _Kept:
        with open(path, "rb") as f:
            plain = f.read()
        media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        packed = None
        if len(plain) >= MIN_GZIP_BYTES and media_type.startswith(_TEXT):
            packed = gzip.compress(plain, compresslevel=9, mtime=0)
        etag = '"' + hashlib.blake2b(plain, digest_size=8).hexdigest() + '"'
        return cls(stamp, etag, media_type, plain, packed)


def _matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


class KeptFiles(StaticFiles):
    """StaticFiles (its path checks and lookup) answering from the kept, pre-gzipped bytes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[str, _Kept] = {}

    def file_response(self, full_path, stat_result: os.stat_result, scope, status_code=200) -> Response:
        path = os.fspath(full_path)
        stamp = (stat_result.st_mtime_ns, stat_result.st_size)
        kept = self._kept.get(path)
        if kept is None or kept.stamp != stamp:
            kept = self._kept[path] = _Kept.read(path, stamp)
        asked = Headers(scope=scope)
        headers = {"etag": kept.etag, "cache-control": "no-cache", "vary": "accept-encoding"}
        if _matches(asked.get("if-none-match", ""), kept.etag):
            return Response(status_code=304, headers=headers)
        body = kept.plain
        if kept.gzipped is not None and "gzip" in asked.get("accept-encoding", ""):
            body = kept.gzipped
            headers["content-encoding"] = "gzip"
        return Response(body, status_code=status_code, headers=headers, media_type=kept.media_type)
