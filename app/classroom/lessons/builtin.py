"""The lessons the server comes with: each a JSON file beside this module, checked at import.

A file's name less `.json` is the lesson's name (`GET /api/lessons/slides`).  A built-in lesson
goes through the very check a teacher's does, so one that breaks a rule stops the server from
starting rather than reaching a class.
"""

from __future__ import annotations

import json
from pathlib import Path

from .check import check_lesson

HERE = Path(__file__).resolve().parent


def _load() -> dict[str, dict]:
    lessons = {}
    for path in sorted(HERE.glob("*.json")):
        try:
            lessons[path.stem] = check_lesson(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as e:  # an InputError or bad JSON: say which file
            raise RuntimeError(f"the built-in lesson {path.name} is not a valid lesson: {e}") from e
    return lessons


BUILT_IN = _load()


def summaries() -> list[dict]:
    """[{name, title, stops}] of every built-in lesson, `stops` their number."""
    return [
        {"name": name, "title": lesson["title"], "stops": len(lesson["stops"])}
        for name, lesson in BUILT_IN.items()
    ]
