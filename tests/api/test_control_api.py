"""Control mode over HTTP and WebSocket, on both stores: the network and the tile coder made,
stepped to the end of an episode, their values, export and import, refusals naming the field, and
a class following a control run like any other."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.api.test_classes import command, hello, receive_type, student

KINDS = ["network", "tiles"]


def car(features: str = "network", **env) -> dict:
    return {"environment": {"name": "mountain_car", "features": features, **env}}


def quick(features: str) -> dict:
    """A control session whose steps are cheap: the network small and without replay."""
    return car(features) if features == "tiles" else {**car(features, replay=0), "hidden": 8}


@pytest.mark.parametrize("features", KINDS)
def test_a_control_session_steps_to_the_end_of_an_episode(client, make_session, features):
    body = make_session(**quick(features))
    config, sid = body["config"], body["id"]
    assert config["n_s"] == 2 and config["n_y"] == 3 and config["environment"]["features"] == features
    assert body["state"]["car"] is None and body["state"]["episode_steps"] == []
    first = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()
    t = first["trace"]
    assert set(t["transition"]) == {"state", "action", "reward", "next_state", "next_action", "terminal"}
    a = t["transition"]["action"]
    assert [t["delta_B"][b] == 0 for b in range(3)] == [b != a for b in range(3)]
    assert first["state"]["car"]["t"] == 1 and len(t["q_next"]) == 3
    steps = 1
    while not client.get(f"/api/sessions/{sid}").json()["state"]["episode_steps"]:
        answer = client.post(f"/api/sessions/{sid}/step", json={"n": 100_000, "to_episode_end": True})
        assert answer.status_code == 200, answer.text
        steps += len(answer.json()["losses"])
    state = client.get(f"/api/sessions/{sid}").json()["state"]
    assert state["episode_steps"] == [steps] and state["epoch"] == 1 and state["car"] is None
    values = client.get(f"/api/sessions/{sid}/values").json()
    assert len(values["q_hat"]) == len(values["position"]) * len(values["velocity"]) == 1024
    assert state["dataset_loss"] == pytest.approx(-np.max(values["q_hat"], axis=1).mean(), rel=1e-9)


@pytest.mark.parametrize("features", KINDS)
def test_an_imported_control_run_goes_on_as_the_exported_one(client, make_session, features):
    sid = make_session(**car(features, epsilon=0.1), seed=4)["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 400})
    doc = client.get(f"/api/sessions/{sid}/export").json()
    copy = client.post("/api/sessions/import", json=doc)
    assert copy.status_code == 201, copy.text
    a = client.post(f"/api/sessions/{sid}/step", json={"n": 300}).json()
    b = client.post(f"/api/sessions/{copy.json()['id']}/step", json={"n": 300}).json()
    assert a == b


def test_a_tile_coder_answer_carries_the_active_rows_of_b(client, make_session):
    sid = make_session(**car("tiles"))["id"]
    t = client.post(f"/api/sessions/{sid}/step", json={"n": 5}).json()["trace"]
    assert len(t["tiles"]) == 8 and len(t["B"]) == 8 and len(t["B_before"]) == 8 and t["A"] == [[], []]


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"environment": {"name": "cartpole"}}, "environment.name"),
        (car(agent="monte_carlo"), "environment.agent"),
        (car(buffer=10**6), "environment.buffer"),
        (car(replay=99), "environment.replay"),
        (car("tiles", replay=2), "environment.replay"),
        (car("tiles", tilings=0), "environment.tilings"),
        ({**car("tiles"), "optimizer": "adam"}, "optimizer"),
    ],
)
def test_bad_control_settings_are_refused_naming_the_field(client, config, field):
    answer = client.post("/api/sessions", json=config)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["field"] == field


@pytest.mark.parametrize("features", KINDS)
def test_a_class_follows_a_control_run(client, make_session, features):
    sid = make_session(**car(features))["id"]
    cls = client.post("/api/classes", json={"session": sid}).json()
    with student(client, cls["code"]) as one, student(client, cls["code"]) as two:
        snaps = one.receive_json(), two.receive_json()
        for snap in snaps:
            assert snap["config"]["environment"]["name"] == "mountain_car" and sid not in json.dumps(snap)
            assert set(snap["preview"]) >= {"index", "theta", "y_hat", "loss"}
        answer = client.post(f"/api/sessions/{sid}/step", json={"n": 3}).json()
        texts = [one.receive_text(), two.receive_text()]
    assert texts[0] == texts[1]
    got = json.loads(texts[0])
    assert got["type"] == "step" and got["state"] == answer["state"]
    assert got["trace"]["index"] == answer["trace"]["index"]


@pytest.mark.parametrize("features", KINDS)
def test_a_class_question_on_a_control_step(client, make_session, features):
    """δᴮ of the action taken is asked and revealed as on any step; the tile coder's A, which has
    no weights, cannot be asked about."""
    sid = make_session(**quick(features))["id"]
    cls = client.post("/api/classes", json={"session": sid}).json()
    trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
    a = trace["transition"]["action"]
    teacher = hello(client, cls)
    try:
        with student(client, cls["code"]) as ws:
            ws.receive_json()
            assert command(teacher, type="quiz", target="delta_B", index=[a])["type"] == "done"
            assert receive_type(ws, "quiz")["index"] == [a]
            ws.send_json({"type": "answer", "value": trace["delta_B"][a]})
            assert receive_type(ws, "answered")["value"] == trace["delta_B"][a]
            assert command(teacher, type="reveal")["type"] == "done"
            reveal = receive_type(ws, "reveal")
            assert reveal["value"] == trace["delta_B"][a]
            assert receive_type(ws, "result")["error"] == 0
        if features == "tiles":
            refused = command(teacher, type="quiz", target="A", index=[0, 0])
            assert refused["type"] == "error" and refused["message"].startswith("index:"), refused
    finally:
        teacher.__exit__(None, None, None)


@pytest.mark.parametrize("features", KINDS)
def test_the_untaken_outputs_y_which_is_their_y_hat_comes_with_y_hat(client, make_session, features):
    """Every output but the action taken has y = its own ŷ: a question on ŷ of such an output
    must not be answered by the step's y, so students get those entries with ŷ, not before."""
    sid = make_session(**quick(features))["id"]
    cls = client.post("/api/classes", json={"session": sid}).json()
    for _ in range(5):  # q_hat away from 0, so that y's entries differ from one another
        client.post(f"/api/sessions/{sid}/step", json={"n": 40})
    teacher = hello(client, cls)
    try:
        with student(client, cls["code"]) as ws:
            ws.receive_json()
            trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
            a = trace["transition"]["action"]
            untaken = [k for k in range(3) if k != a]
            got = receive_type(ws, "step")["trace"]
            assert got["y"][a] == trace["y"][a] and [got["y"][k] for k in untaken] == [None, None]
            assert "y_hat" not in got and "theta" not in got
            with student(client, cls["code"]) as late:  # a student who joins now: the same
                joined = late.receive_json()["trace"]
                assert joined["y"][a] == trace["y"][a] and [joined["y"][k] for k in untaken] == [None, None]
            assert command(teacher, type="quiz", target="y_hat", index=[untaken[0]])["type"] == "done"
            receive_type(ws, "quiz")
            refused = command(teacher, type="view", phase="y_hat")  # the question is on y_hat
            assert refused["type"] == "error"
            assert command(teacher, type="reveal")["type"] == "done"
            assert command(teacher, type="view", phase="y_hat")["type"] == "done"
            shown = receive_type(ws, "view")["trace"]
            assert shown["y"] == trace["y"] and shown["y_hat"] == trace["y_hat"]
            assert [trace["y"][k] for k in untaken] == [trace["y_hat"][k] for k in untaken]
    finally:
        teacher.__exit__(None, None, None)


@pytest.mark.parametrize("features", KINDS)
def test_a_classs_students_read_the_values_of_the_weights_on_show(client, make_session, features):
    """The values of the weights after a step are given once the projector shows its updates
    (B's, and A's unless A is the tile coder's) and no question is open; until then those last
    given (of weights the class has seen), or none."""
    sid = make_session(**quick(features))["id"]
    cls = client.post("/api/classes", json={"session": sid}).json()

    def values():
        return client.get(f"/api/classes/{cls['code'].lower()}/values")

    def theirs():
        return client.get(f"/api/sessions/{sid}/values").json()

    def step():
        return client.post(f"/api/sessions/{sid}/step", json={"n": 30}).json()["trace"]

    teacher = hello(client, cls)

    def show_updates():
        assert command(teacher, type="view", phase="update_B")["type"] == "done"
        if features == "network":  # A's update too
            assert command(teacher, type="view", phase="update_A")["type"] == "done"

    try:
        step()
        refused = values()  # no values given yet, and this step's updates are not shown
        assert refused.status_code == 409 and "not shown yet" in refused.json()["message"]
        assert command(teacher, type="view", phase="update_B")["type"] == "done"
        assert values().status_code == (200 if features == "tiles" else 409)
        show_updates()
        on_show = theirs()
        assert values().json() == on_show
        trace = step()  # a new step: until its updates are shown, the values of the weights before it
        assert values().json() == on_show != theirs()
        a = trace["transition"]["action"]
        assert command(teacher, type="quiz", target="delta_B", index=[a])["type"] == "done"
        show = command(teacher, type="view", phase="update_B")  # refused: the question is on δᴮ
        assert show["type"] == "error" and values().json() == on_show
        assert command(teacher, type="reveal")["type"] == "done"
        show_updates()
        assert values().json() == theirs() != on_show
    finally:
        teacher.__exit__(None, None, None)
    assert client.get("/api/classes/AAAAAA/values").status_code == 404
