"""Export and import continue the very same run; sample edits; the core's source for the page."""

from __future__ import annotations

import copy
import inspect

import pytest

from app import model
from app.api.source import PHASE_TARGETS, step_source
from tests.conftest import stored


@pytest.mark.parametrize(
    "config",
    [
        {"order": "shuffle", "dataset": "circle", "f_A": "tanh"},
        {"order": "cycle", "dataset": "sine", "update_order": "slides", "bias": False},
        {"data": {"s": [[0.0], [1.0], [2.0]], "y": [[1.0], [3.0], [5.0]]}, "A": [[0.5], [0.1]], "hidden": 1},
    ],
)
def test_import_continues_the_same_run_bit_for_bit(client, config):
    sid = client.post("/api/sessions", json=config).json()["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 37})
    doc = client.get(f"/api/sessions/{sid}/export").json()
    assert doc["run"]["step"] == 37 and len(doc["history"]) == 37
    r = client.post("/api/sessions/import", json=doc)
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["id"] != sid and new["state"]["step"] == 37
    assert new["state"] == client.get(f"/api/sessions/{sid}").json()["state"]
    for n in (1, 60, 5):
        a = client.post(f"/api/sessions/{sid}/step", json={"n": n}).json()
        b = client.post(f"/api/sessions/{new['id']}/step", json={"n": n}).json()
        assert a == b


def test_export_is_plain_json_with_everything_named(client, make_session):
    sid = make_session(order="shuffle")["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 5})
    doc = client.get(f"/api/sessions/{sid}/export").json()
    assert doc["format"] == "backprop-explainer/session" and doc["version"] == 1
    assert doc["config"]["data"]["s"] == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert set(doc["run"]) == {"step", "A", "B", "diverged", "perm", "perm_epoch"}
    assert isinstance(doc["rng"]["state"]["state"], str)  # 128-bit, kept exact as text


@pytest.mark.parametrize(
    "change,field",
    [
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d.update(version=2), "version"),
        (lambda d: d["run"].update(A=[[1.0]]), "run.A"),
        (lambda d: d["run"].update(step=-1), "run.step"),
        (lambda d: d["run"].update(perm=[0, 0, 1, 2]), "run.perm"),
        (lambda d: d["rng"]["state"].update(state="not a number"), "rng.state.state"),
        (lambda d: d["rng"]["state"].update(state=str(2**128 + 5)), "rng.state"),
        (lambda d: d["rng"].update(bit_generator="MT19937"), "rng.bit_generator"),
        (lambda d: d["config"].update(hidden=999), "config.hidden"),
        (lambda d: d.update(history=[1.0] * 10_001), "history"),
        (lambda d: d.pop("run"), "run"),
        (lambda d: d.update(extra=1), "extra"),
    ],
)
def test_malformed_documents_are_422_naming_the_field(client, make_session, change, field):
    sid = make_session(order="shuffle")["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 6})
    doc = copy.deepcopy(client.get(f"/api/sessions/{sid}/export").json())
    change(doc)
    before = stored(client)
    r = client.post("/api/sessions/import", json=doc)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == field
    assert stored(client) == before  # nothing was kept


def test_edit_a_sample(client, make_session):
    sess = make_session(dataset="xor")
    sid = sess["id"]
    r = client.put(f"/api/sessions/{sid}/sample", json={"index": 1, "s": [0.5, 0.25], "y": [2.0]})
    assert r.status_code == 200
    body = r.json()
    assert body["config"]["dataset"] is None
    assert body["config"]["data"]["s"][1] == [0.5, 0.25] and body["config"]["data"]["y"][1] == [2.0]
    assert body["state"]["A"] == sess["state"]["A"]  # the weights stay
    client.post(f"/api/sessions/{sid}/step", json={"n": 1})
    t = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
    assert t["index"] == 1 and t["s"] == [0.5, 0.25, 1.0] and t["y"] == [2.0]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"index": 4, "s": [0.0, 0.0], "y": [0.0]}, "index"),
        ({"index": 0, "s": [0.0], "y": [0.0]}, "s"),
        ({"index": 0, "s": [0.0, 0.0], "y": [0.0, 1.0]}, "y"),
        ({"index": 0, "s": [0.0, 2e6], "y": [0.0]}, "s.1"),
        ({"index": -1, "s": [0.0, 0.0], "y": [0.0]}, "index"),
    ],
)
def test_bad_sample_edits_are_422_and_change_nothing(client, make_session, body, field):
    sess = make_session()
    r = client.put(f"/api/sessions/{sess['id']}/sample", json=body)
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == field
    assert client.get(f"/api/sessions/{sess['id']}").json() == sess


def test_source_is_the_running_core_with_every_phase_found(client):
    body = client.get("/api/source").json()
    lines, first = inspect.getsourcelines(model.step)
    assert body["lines"] == [line.rstrip("\n") for line in lines] and body["first_line"] == first
    assert set(body["phases"]) == set(PHASE_TARGETS)
    for phase, indexes in body["phases"].items():
        assert indexes, phase
        for i in indexes:
            assert "=" in body["lines"][i]
    assert "delta_A" in body["lines"][body["phases"]["delta_A"][-1]]
    assert step_source()["file"] == "app/model/backprop.py"
