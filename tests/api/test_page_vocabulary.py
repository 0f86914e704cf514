"""The page carries the vocabulary table and the server's constants it needs, as the data sets
travel: JSON inside a <script type="application/json"> element, safe in HTML."""

from __future__ import annotations

import json
import re

import pytest

from app.api.routes import pages
from app.classroom.lessons import PANELS
from app.limits import MAX_NOTE, MAX_STEPS, MAX_UNIT_VALUES
from app.model import mountain_car, vocabulary
from app.model.optimizers import ADAM_BETA_1, ADAM_BETA_2
from app.settings import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(max_sessions=50, session_idle_seconds=600)  # the page is the same whichever the store


def carried(page: str) -> dict:
    inline = re.search(r'<script type="application/json" id="vocabulary-data">(.*?)</script>', page, re.S)
    assert inline, "the page has no vocabulary-data element"
    return json.loads(inline.group(1))


def test_the_page_carries_the_vocabulary_and_the_constants_from_where_the_server_defines_them(client):
    table = carried(client.get("/").text)
    assert {k: v for k, v in table.items() if k != "constants"} == vocabulary()
    assert table["constants"] == {
        "MAX_STEPS": MAX_STEPS,
        "MAX_UNIT_VALUES": MAX_UNIT_VALUES,
        "ADAM_BETA_1": ADAM_BETA_1,
        "ADAM_BETA_2": ADAM_BETA_2,
        "LESSON_PARTS": [{"name": name, "label": label} for name, label in PANELS],
        "MAX_NOTE": MAX_NOTE,
        "MOUNTAIN_CAR": {
            "POSITION": list(mountain_car.POSITION),
            "VELOCITY": list(mountain_car.VELOCITY),
            "GOAL": mountain_car.GOAL,
            "ACTIONS": mountain_car.ACTIONS,
            "AGENTS": list(mountain_car.AGENTS),
            "MAX_STEPS": mountain_car.MAX_STEPS,
        },
    }
    assert [p["name"] for p in table["constants"]["LESSON_PARTS"]][:2] == ["algorithm", "loss"]


def test_nothing_in_the_table_can_close_its_script_element(monkeypatch):
    monkeypatch.setattr(pages, "PAGE_CONSTANTS", {"NOTE": "</script><script>alert(1)</script>"})
    text = pages._vocabulary_json()
    assert "<" not in text and json.loads(text)["constants"]["NOTE"].startswith("</script>")
