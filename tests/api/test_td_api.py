"""TD mode over HTTP and WebSocket: settings, the trace's additions, values, export and import, frames."""

from __future__ import annotations

import copy

import numpy as np
import orjson
import pytest

from app.api import frames
from app.sessions import ConfigIn, new_session


def test_create_a_td_session_with_defaults(client, make_session):
    body = make_session(environment={})
    env = body["config"]["environment"]
    assert env == {"name": "random_walk", "states": 19, "jump": 1, "gamma": 1.0, "target": "td",
                   "features": "one_hot", "groups": 10}  # fmt: skip
    assert body["config"]["dataset"] is None and body["config"]["n_s"] == 19 and body["config"]["n_y"] == 1
    state = body["state"]
    assert state["step"] == 0 and state["epoch"] == 0 and state["next_index"] == 9
    assert len(state["A"]) == 20 and state["rmsve"] > 0


def test_step_trace_carries_the_transition_s_next_and_the_target(client, make_session):
    sid = make_session(environment={"states": 7, "gamma": 0.9})["id"]
    body = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()
    t = body["trace"]
    tr = t["transition"]
    assert set(tr) == {"state", "reward", "next_state", "terminal"}
    assert tr["state"] == 3 and t["index"] == 3 and tr["next_state"] in (2, 4) and not tr["terminal"]
    assert t["s"] == [0, 0, 0, 1, 0, 0, 0, 1]
    assert t["s_next"][tr["next_state"]] == 1 and sum(t["s_next"]) == 2
    assert t["y"] == [tr["reward"] + 0.9 * t["v_next"]]
    assert body["state"]["next_index"] == tr["next_state"]
    assert len(body["losses"]) == 1 and body["losses"][0] == t["loss"]


def test_values_endpoint(client, make_session):
    sid = make_session(environment={"states": 5, "features": "aggregate", "groups": 2})["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 50})
    v = client.get(f"/api/sessions/{sid}/values").json()
    assert v["v_true"] == pytest.approx([-2 / 3, -1 / 3, 0, 1 / 3, 2 / 3])
    assert len(v["v_hat"]) == 5 and v["step"] == 50
    assert v["v_hat"][0] == v["v_hat"][1] and v["v_hat"][3] == v["v_hat"][4]  # groups {0,1,2}, {3,4}
    assert v["v_hat"][0] == v["v_hat"][2]
    d = np.array(v["v_hat"]) - v["v_true"]
    assert v["rmsve"] == pytest.approx(np.sqrt(np.mean(d**2)))
    assert client.get(f"/api/sessions/{sid}").json()["state"]["rmsve"] == pytest.approx(v["rmsve"])


def test_values_of_a_data_set_session_is_422(client, make_session):
    sid = make_session()["id"]
    r = client.get(f"/api/sessions/{sid}/values")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "environment"


@pytest.mark.parametrize(
    "environment,field,limit",
    [
        ({"states": 0}, "environment.states", "greater than or equal to 1"),
        ({"states": 1001}, "environment.states", "less than or equal to 1000"),
        ({"states": 5, "jump": 6}, "environment.jump", "at most states (5)"),
        ({"jump": 0}, "environment.jump", "greater than or equal to 1"),
        ({"gamma": 1.01}, "environment.gamma", "less than or equal to 1"),
        ({"gamma": -0.1}, "environment.gamma", "greater than or equal to 0"),
        ({"target": "sarsa"}, "environment.target", "'td' or 'mc'"),
        ({"features": "tiles"}, "environment.features", "'one_hot' or 'aggregate'"),
        ({"features": "aggregate", "groups": 20}, "environment.groups", "at most states (19)"),
        ({"groups": 0}, "environment.groups", "greater than or equal to 1"),
        ({"name": "cliff_walk"}, "environment.name", "'random_walk'"),
        ({"colour": "red"}, "environment.colour", "Extra inputs"),
    ],
)
def test_bad_environment_settings_are_422_naming_field_and_limit(client, environment, field, limit):
    r = client.post("/api/sessions", json={"environment": environment})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"][0]["field"] == field
    assert limit in body["message"], body["message"]


def test_environment_and_a_data_set_together_are_422(client):
    for other in ({"dataset": "xor"}, {"data": {"s": [[0.0]], "y": [[1.0]]}}):
        r = client.post("/api/sessions", json={"environment": {}, **other})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "environment"


def test_too_many_weights_for_long_walks_is_422(client):
    r = client.post("/api/sessions", json={"environment": {"states": 1000}, "hidden": 200})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "hidden"


def test_a_walk_has_no_sample_to_edit_and_steps_are_bounded(client, make_session):
    sid = make_session(environment={"states": 5})["id"]
    r = client.put(f"/api/sessions/{sid}/sample", json={"index": 0, "s": [1, 0, 0, 0, 0], "y": [0.5]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "index"
    r = client.post(f"/api/sessions/{sid}/step", json={"n": 100_000})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "n"
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0


def test_to_episode_end(client, make_session):
    sid = make_session(environment={"states": 5})["id"]
    body = client.post(f"/api/sessions/{sid}/step", json={"n": 10_000, "to_episode_end": True}).json()
    assert body["trace"]["transition"]["terminal"] and body["state"]["epoch"] == 1
    assert len(body["losses"]) == body["state"]["step"] < 10_000
    xor = make_session()["id"]
    r = client.post(f"/api/sessions/{xor}/step", json={"to_episode_end": True})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "to_episode_end"


def test_divergence_in_td_mode_leaves_the_walk_where_it_was(client, make_session):
    sid = make_session(environment={"states": 5, "gamma": 1.0}, f_A="linear", alpha_A=10, alpha_B=10)["id"]
    before = client.get(f"/api/sessions/{sid}").json()["state"]
    r = client.post(f"/api/sessions/{sid}/step", json={"n": 2000})
    assert r.status_code == 409 and r.json()["diverged"]
    after = client.get(f"/api/sessions/{sid}").json()["state"]
    assert after["A"] == before["A"] and after["next_index"] == before["next_index"] and after["step"] == 0
    assert after["diverged"]


@pytest.mark.parametrize(
    "config",
    [
        {"environment": {"states": 9}, "optimizer": "adam", "alpha_A": 0.01, "alpha_B": 0.01},
        {"environment": {"states": 9, "target": "mc", "gamma": 0.9}, "optimizer": "adam", "epsilon": 1e-4},
        {"environment": {"states": 30, "jump": 4, "features": "aggregate", "groups": 6}, "f_A": "tanh"},
        {"dataset": "xor", "order": "shuffle", "optimizer": "adam"},
    ],
)
def test_export_and_import_continue_bit_for_bit(client, config):
    sid = client.post("/api/sessions", json=config).json()["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 23})  # mid-episode, mostly
    doc = client.get(f"/api/sessions/{sid}/export").json()
    if "environment" in config:
        assert doc["config"]["data"] is None and set(doc["run"]["walk"]) == {
            "position",
            "episodes",
            "episode",
        }
    if config.get("optimizer") == "adam":
        assert doc["run"]["moments"]["t"] == 23
    r = client.post("/api/sessions/import", json=doc)
    assert r.status_code == 201, r.text
    new = r.json()["id"]
    assert (
        client.get(f"/api/sessions/{new}").json()["state"]
        == client.get(f"/api/sessions/{sid}").json()["state"]
    )
    for n in (1, 40, 3, 100):
        a = client.post(f"/api/sessions/{sid}/step", json={"n": n}).json()
        b = client.post(f"/api/sessions/{new}/step", json={"n": n}).json()
        assert a == b
    assert (
        client.get(f"/api/sessions/{sid}/values").status_code
        == client.get(f"/api/sessions/{new}/values").status_code
    )


def test_an_mc_episode_under_way_travels_in_the_document(client):
    sid = client.post("/api/sessions", json={"environment": {"states": 15, "target": "mc"}}).json()["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 2})
    doc = client.get(f"/api/sessions/{sid}/export").json()
    ep = doc["run"]["walk"]["episode"]
    assert ep["t"] == 2 and ep["length"] > 2 and isinstance(ep["rng"]["state"]["state"], str)


@pytest.mark.parametrize(
    "change,field",
    [
        (lambda d: d["run"].pop("walk"), "run.walk"),
        (lambda d: d["run"]["walk"].update(position=19), "run.walk.position"),
        (lambda d: d["run"]["walk"]["episode"].update(t=10**8), "run.walk.episode.t"),
        (lambda d: d["run"]["walk"]["episode"].update(t=5, length=5), "run.walk.episode.t"),
        (
            lambda d: d["run"]["walk"]["episode"]["rng"]["state"].update(inc="x"),
            "run.walk.episode.rng.state.inc",
        ),
        (lambda d: d["run"].pop("moments"), "run.moments"),
        (lambda d: d["run"]["moments"].update(v_A=[[-1.0] * 4] * 20), "run.moments.v_A"),
        (lambda d: d["run"]["moments"].update(m_B=[[0.0]]), "run.moments.m_B"),
        (lambda d: d["run"]["moments"].update(m_A=[[0.0, 0.0], [0.0]]), "run.moments.m_A"),
        (lambda d: d["run"].update(perm=[0]), "run.perm"),
    ],
)
def test_malformed_td_documents_are_422_naming_the_field(client, change, field):
    config = {"environment": {"target": "mc"}, "optimizer": "adam"}
    sid = client.post("/api/sessions", json=config).json()["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 3})
    doc = copy.deepcopy(client.get(f"/api/sessions/{sid}/export").json())
    assert doc["run"]["walk"]["episode"] is not None
    change(doc)
    r = client.post("/api/sessions/import", json=doc)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == field


def test_a_walk_in_a_data_set_document_is_422(client):
    sid = client.post("/api/sessions", json={}).json()["id"]
    doc = client.get(f"/api/sessions/{sid}/export").json()
    doc["run"]["walk"] = {"position": 0, "episodes": 0}
    r = client.post("/api/sessions/import", json=doc)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "run.walk"


def test_play_frames_carry_the_walk_and_the_moments(client, make_session):
    sid = make_session(environment={"states": 5, "target": "mc"}, optimizer="adam")["id"]
    with client.websocket_connect(f"/api/sessions/{sid}/play") as ws:
        ws.send_text('{"rate": 60, "steps_per_frame": 3}')
        frame = orjson.loads(ws.receive_text())
    assert frame["type"] == "frame"
    t = frame["trace"]
    assert set(t["transition"]) == {"state", "reward", "next_state", "terminal"}
    assert len(t["s_next"]) == 6 and "episode" in t and "v_next" not in t
    assert t["adam"]["t"] == frame["state"]["step"] and len(t["adam"]["v_A"]) == 6
    assert frame["state"]["rmsve"] > 0


def test_a_frame_between_episodes_has_no_null():
    session = new_session("s", ConfigIn(environment={"states": 3, "target": "mc"}))
    trace, losses = session.take_steps(50, to_episode_end=True)
    assert session.state()["episode"] is None
    data = frames.frame(session.state(weights=False), trace, losses)
    assert b"null" not in data and "episode" not in orjson.loads(data)["state"]


def test_to_episode_end_asks_for_at_most_one_calls_worth(client, make_session):
    made = make_session(environment={"states": 1000}, hidden=20)  # 20,041 weights: few steps a call
    largest = made["limits"]["max_steps"]
    assert 1 <= largest < 100_000
    body = client.post(f"/api/sessions/{made['id']}/step", json={"n": 100_000, "to_episode_end": True}).json()
    assert body["state"]["step"] == largest and body["state"]["epoch"] == 0
