"""The session API: happy paths and error paths, as DESIGN.md lists them."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app import model
from app.main import create_app
from app.model import DATASETS
from tests.conftest import stored

TRACE_FIELDS = {
    "index", "s", "y", "psi", "x", "theta", "y_hat", "loss", "dL_dy_hat", "df_B", "delta_B",
    "grad_B", "df_A", "delta_A", "grad_A", "A_before", "B_before", "A", "B",
}  # fmt: skip


def _all_finite(obj) -> bool:
    if isinstance(obj, dict):  # config may hold a null (dataset, for custom data)
        return all(_all_finite(v) for k, v in obj.items() if k != "config")
    if isinstance(obj, list):
        return all(_all_finite(v) for v in obj)
    if obj is None:
        return False
    if isinstance(obj, float):
        return math.isfinite(obj)
    return True


def test_healthz_and_page(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/")
    assert r.status_code == 200 and "Backprop Explainer" in r.text


def test_datasets_lists_every_builtin(client):
    body = client.get("/api/datasets").json()
    names = {d["name"] for d in body}
    assert {"xor", "and", "sine", "linear", "circle", "hand"} <= names
    for d in body:
        ds = DATASETS[d["name"]]
        assert (d["n_s"], d["n_y"], d["size"]) == (ds.s.shape[1], ds.y.shape[1], len(ds.s))
        assert len(d["description"]) > 10
    hand = next(d for d in body if d["name"] == "hand")
    assert (hand["n_s"], hand["n_y"], hand["size"]) == (2, 2, 1)


def test_create_with_defaults(client):
    r = client.post("/api/sessions", json={})
    assert r.status_code == 201
    body = r.json()
    assert len(body["id"]) >= 22  # >= 128 bits in url-safe base64
    c = body["config"]
    assert (c["dataset"], c["hidden"], c["f_A"], c["f_B"], c["loss"]) == (
        "xor",
        4,
        "relu",
        "linear",
        "half_squared",
    )
    assert (c["alpha_A"], c["alpha_B"], c["bias"], c["seed"], c["order"], c["update_order"]) == (
        0.1,
        0.1,
        True,
        0,
        "cycle",
        "backprop",
    )
    st = body["state"]
    assert st["step"] == 0 and st["epoch"] == 0 and st["diverged"] is False
    assert np.shape(st["A"]) == (3, 4) and np.shape(st["B"]) == (5, 1)
    # the seed's weights, by the scheme the README documents
    A, B = model.init_weights(np.random.default_rng(0), 2, 4, 1, model.Net())
    np.testing.assert_array_equal(st["A"], A)
    np.testing.assert_array_equal(st["B"], B)
    assert st["dataset_loss"] == pytest.approx(
        model.dataset_loss(model.with_bias(DATASETS["xor"].s, True), DATASETS["xor"].y, A, B, model.Net())
    )


def test_step_returns_a_full_trace_that_matches_the_core(client, make_session):
    sess = make_session(dataset="and", f_A="tanh", f_B="sigmoid", hidden=3)
    r = client.post(f"/api/sessions/{sess['id']}/step", json={"n": 1})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"state", "trace", "losses"}
    assert set(body["trace"]) >= TRACE_FIELDS
    assert "A" not in body["state"] and "B" not in body["state"]
    assert body["state"]["step"] == 1
    t = body["trace"]
    net = model.Net(f_A="tanh", f_B="sigmoid")
    expect = model.step(np.array(t["s"]), np.array(t["y"]), np.array(sess["state"]["A"]),
                       np.array(sess["state"]["B"]), net)  # fmt: skip
    for name in ("psi", "x", "y_hat", "delta_B", "delta_A", "grad_A", "A", "B"):
        np.testing.assert_array_equal(t[name], expect[name], err_msg=name)
    assert body["losses"] == [t["loss"]]


def test_many_steps_equal_single_steps(client, make_session):
    a = make_session(dataset="circle", order="shuffle", seed=3, hidden=5)
    b = make_session(dataset="circle", order="shuffle", seed=3, hidden=5)
    r = client.post(f"/api/sessions/{a['id']}/step", json={"n": 120}).json()
    losses = []
    for _ in range(120):
        losses += client.post(f"/api/sessions/{b['id']}/step", json={"n": 1}).json()["losses"]
    assert r["losses"] == losses
    ga, gb = client.get(f"/api/sessions/{a['id']}").json(), client.get(f"/api/sessions/{b['id']}").json()
    assert ga["state"] == gb["state"]
    assert ga["state"]["step"] == 120 and ga["state"]["epoch"] == 120 // 49


def test_shuffle_visits_every_sample_once_per_epoch(client, make_session):
    sess = make_session(dataset="circle", order="shuffle", seed=1)
    seen = []
    for _ in range(2 * 49):
        seen.append(client.post(f"/api/sessions/{sess['id']}/step", json={}).json()["trace"]["index"])
    assert sorted(seen[:49]) == list(range(49)) and sorted(seen[49:]) == list(range(49))
    assert seen[:49] != seen[49:] and seen[:49] != list(range(49))


def test_cycle_order_and_same_seed_same_run(client, make_session):
    a, b = make_session(dataset="sine", seed=5), make_session(dataset="sine", seed=5)
    ra = client.post(f"/api/sessions/{a['id']}/step", json={"n": 30}).json()
    rb = client.post(f"/api/sessions/{b['id']}/step", json={"n": 30}).json()
    assert ra == rb
    assert ra["trace"]["index"] == 29 % 24


def test_reset_same_seed_and_new_seed(client, make_session):
    sess = make_session(seed=4)
    sid = sess["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 5})
    r = client.post(f"/api/sessions/{sid}/reset", json={})
    assert r.status_code == 200
    assert r.json()["state"] == sess["state"]
    r = client.post(f"/api/sessions/{sid}/reset", json={"seed": 9}).json()
    assert r["config"]["seed"] == 9 and r["state"]["A"] != sess["state"]["A"]


def test_update_order_slides_differs_from_backprop(client, make_session):
    a = make_session(update_order="backprop", f_A="tanh")
    b = make_session(update_order="slides", f_A="tanh")
    ta = client.post(f"/api/sessions/{a['id']}/step", json={"n": 2}).json()["trace"]
    tb = client.post(f"/api/sessions/{b['id']}/step", json={"n": 2}).json()["trace"]
    assert ta["B"] != tb["B"] or ta["delta_A"] != tb["delta_A"]
    # the slides' delta_A is computed from the already-updated B
    Bn = np.array(tb["B"])[:4]
    np.testing.assert_allclose(tb["delta_A"], (Bn @ np.array(tb["delta_B"])) * np.array(tb["df_A"]))


def test_put_weights_and_predict(client, make_session):
    sess = make_session(dataset="linear", f_A="linear", hidden=2)
    sid = sess["id"]
    A = [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]
    B = [[0.5], [-0.3], [0.2]]
    r = client.put(f"/api/sessions/{sid}/weights", json={"A": A, "B": B})
    assert r.status_code == 200 and r.json()["state"]["A"] == A
    assert r.json()["state"]["dataset_loss"] == pytest.approx(0.0, abs=1e-20)
    r = client.post(f"/api/sessions/{sid}/predict", json={"s": [[1.0, 1.0], [0.0, -1.0]]})
    assert r.status_code == 200
    np.testing.assert_allclose(r.json()["y_hat"], [[0.4], [0.5]])
    r = client.put(f"/api/sessions/{sid}/weights", json={"B": [[1.0], [1.0], [1.0]]})
    assert r.json()["state"]["A"] == A and r.json()["state"]["B"] == [[1.0], [1.0], [1.0]]


def test_custom_data_and_given_initial_weights(client):
    cfg = {"data": {"s": [[0.0], [1.0], [2.0]], "y": [[1.0], [3.0], [5.0]]}, "f_A": "linear",
           "hidden": 1, "A": [[1.0], [0.0]], "B": [[2.0], [1.0]]}  # fmt: skip
    r = client.post("/api/sessions", json=cfg)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["config"]["data"] == cfg["data"] and body["state"]["A"] == cfg["A"]
    assert body["state"]["dataset_loss"] == 0.0
    sid = body["id"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 3})
    assert client.post(f"/api/sessions/{sid}/reset", json={"seed": 1}).json()["state"]["A"] == cfg["A"]


def test_gradcheck(client, make_session):
    for f_A in model.F_A_NAMES:
        sess = make_session(dataset="hand", f_A=f_A, f_B="sigmoid", hidden=3)
        r = client.get(f"/api/sessions/{sess['id']}/gradcheck")
        assert r.status_code == 200
        g = r.json()
        assert np.shape(g["grad_A"]) == np.shape(g["numeric_grad_A"]) == (3, 3)
        assert np.shape(g["grad_B"]) == np.shape(g["numeric_grad_B"]) == (4, 2)
        assert g["max_rel_error"] < 1e-6
        assert g["index"] == 0


def test_delete(client, make_session):
    sid = make_session()["id"]
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    assert client.get(f"/api/sessions/{sid}").status_code == 404
    assert client.delete(f"/api/sessions/{sid}").status_code == 404


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("get", "", None), ("delete", "", None), ("post", "/step", {"n": 1}), ("post", "/reset", {}),
        ("put", "/weights", {"A": [[1.0]]}), ("post", "/predict", {"s": [[1.0, 2.0]]}),
        ("get", "/gradcheck", None),
    ],
)  # fmt: skip
def test_unknown_session_is_404(client, method, path, body):
    kwargs = {"json": body} if body is not None else {}
    r = client.request(method.upper(), f"/api/sessions/no-such-session{path}", **kwargs)
    assert r.status_code == 404
    assert "no session" in r.json()["message"]


@pytest.mark.parametrize(
    "config,field,limit",
    [
        ({"hidden": 0}, "hidden", "1"),
        ({"hidden": 257}, "hidden", "256"),
        ({"alpha_A": 11}, "alpha_A", "10"),
        ({"alpha_B": -0.1}, "alpha_B", "0"),
        ({"seed": -1}, "seed", "0"),
        ({"seed": 2**40}, "seed", "4294967295"),
        ({"f_A": "softmax"}, "f_A", "relu"),
        ({"f_B": "relu"}, "f_B", "linear"),
        ({"loss": "hinge"}, "loss", "half_squared"),
        ({"order": "random"}, "order", "cycle"),
        ({"update_order": "any"}, "update_order", "backprop"),
        ({"dataset": "mnist"}, "dataset", "xor"),
        ({"dataset": "xor", "data": {"s": [[1.0]], "y": [[1.0]]}}, "data", "either"),
        ({"data": {"s": [[1.0, 2.0], [1.0]], "y": [[1.0], [2.0]]}}, "data.s", "same length"),
        ({"data": {"s": [[1.0], [2.0]], "y": [[1.0]]}}, "data.y", "rows"),
        ({"data": {"s": [[1e7]], "y": [[1.0]]}}, "data.s.0.0", "1000000"),
        ({"data": {"s": [[1.0]] * 2001, "y": [[1.0]] * 2001}}, "data.s", "2000"),
        ({"data": {"s": [["a"]], "y": [[1.0]]}}, "data.s.0.0", "number"),
        ({"A": [[1.0, 2.0]]}, "A", "3 x 4"),
        ({"B": [[1.0]] * 4}, "B", "5 x 1"),
        ({"hidden": 256, "data": {"s": [[0.0] * 1000], "y": [[0.0]]}}, "hidden", "100000"),
        ({"colour": "red"}, "colour", "not permitted"),
    ],
)
def test_bad_config_is_422_naming_field_and_limit(client, config, field, limit):
    r = client.post("/api/sessions", json=config)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"][0]["field"] == field
    assert field.split(".")[0] in body["message"] and limit in body["message"], body["message"]
    assert "Traceback" not in r.text


def test_non_finite_numbers_are_rejected(client):
    raw = '{"data": {"s": [[NaN]], "y": [[1.0]]}}'
    r = client.post("/api/sessions", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422
    raw = '{"alpha_A": Infinity}'
    r = client.post("/api/sessions", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_bad_requests_on_a_session_are_422_and_change_nothing(client, make_session):
    sess = make_session()
    sid = sess["id"]
    bad = [
        ("post", "/step", {"n": 0}, "n"),
        ("post", "/step", {"n": 100_001}, "n"),
        ("post", "/step", {"n": "many"}, "n"),
        ("post", "/reset", {"seed": -5}, "seed"),
        ("put", "/weights", {}, "A"),
        ("put", "/weights", {"A": [[1.0]]}, "A"),
        ("put", "/weights", {"B": [[1.0], [2.0]]}, "B"),
        ("put", "/weights", {"A": [[2e6] * 4] * 3}, "A.0.0"),
        ("post", "/predict", {"s": [[1.0]]}, "s"),
        ("post", "/predict", {"s": []}, "s"),
        ("post", "/predict", {"s": [[1.0, 2.0], [1.0]]}, "s"),
    ]
    for method, path, body, field in bad:
        r = client.request(method.upper(), f"/api/sessions/{sid}{path}", json=body)
        assert r.status_code == 422, (path, body, r.text)
        assert r.json()["detail"][0]["field"] == field, (path, body, r.json())
    assert client.get(f"/api/sessions/{sid}").json() == sess


def test_steps_per_call_scale_with_network_size(client):
    cfg = {"hidden": 256, "data": {"s": [[0.1] * 300], "y": [[0.0]]}}
    sid = client.post("/api/sessions", json=cfg).json()["id"]
    r = client.post(f"/api/sessions/{sid}/step", json={"n": 100_000})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "n"
    largest = client.get(f"/api/sessions/{sid}").json()["limits"]["max_steps"]
    assert f"at most {largest} steps per call" in r.json()["message"] and largest < 100_000
    assert client.post(f"/api/sessions/{sid}/step", json={"n": largest}).status_code == 200


def test_divergence_is_409_and_leaves_the_weights(client, make_session):
    sess = make_session(dataset="sine", f_A="linear", alpha_A=10, alpha_B=10)
    sid = sess["id"]
    r = client.post(f"/api/sessions/{sid}/step", json={"n": 100})
    assert r.status_code == 409
    body = r.json()
    assert body["diverged"] is True and "alpha" in body["advice"]
    assert body["state"]["A"] == sess["state"]["A"] and body["state"]["step"] == 0
    assert _all_finite(body)
    after = client.get(f"/api/sessions/{sid}").json()
    assert after["state"]["diverged"] is True and after["state"]["A"] == sess["state"]["A"]
    # still usable: reset clears it, and a good step works again
    assert client.post(f"/api/sessions/{sid}/reset", json={}).json()["state"]["diverged"] is False
    assert client.post(f"/api/sessions/{sid}/step", json={"n": 1}).status_code == 200


def test_answers_never_carry_nan_or_infinity(client):
    cfg = {"data": {"s": [[1e6, -1e6]], "y": [[1e6]]}, "f_A": "sigmoid", "f_B": "sigmoid",
           "alpha_A": 10, "alpha_B": 10, "hidden": 8}  # fmt: skip
    sid = client.post("/api/sessions", json=cfg).json()["id"]
    for path in ("/step", "/predict", "/gradcheck", ""):
        if path == "/step":
            r = client.post(f"/api/sessions/{sid}/step", json={"n": 50})
        elif path == "/predict":
            r = client.post(f"/api/sessions/{sid}/predict", json={"s": [[1e6, 1e6]]})
        else:
            r = client.get(f"/api/sessions/{sid}{path}")
        assert r.status_code in (200, 409), r.text
        assert "NaN" not in r.text and "Infinity" not in r.text and _all_finite(r.json())


def test_eviction_keeps_the_number_of_sessions_bounded(client):
    store = client.app.state.store
    ids = [client.post("/api/sessions", json={}).json()["id"] for _ in range(store.max_sessions + 30)]
    # one client, so its share of the store is what it keeps
    assert stored(client) == store.per_client < store.max_sessions
    assert client.get(f"/api/sessions/{ids[0]}").status_code == 404
    assert client.get(f"/api/sessions/{ids[-1]}").status_code == 200


def test_least_recently_used_is_evicted_first(client):
    store = client.app.state.store
    first = client.post("/api/sessions", json={}).json()["id"]
    second = client.post("/api/sessions", json={}).json()["id"]
    for _ in range(store.max_sessions - 2):
        client.post("/api/sessions", json={})
        client.get(f"/api/sessions/{first}")  # keeps `first` in use
    client.post("/api/sessions", json={})
    assert client.get(f"/api/sessions/{first}").status_code == 200
    assert client.get(f"/api/sessions/{second}").status_code == 404


def test_idle_sessions_expire(settings):
    idle = 0.3
    with TestClient(create_app(settings.model_copy(update={"session_idle_seconds": idle}))) as client:
        sid = client.post("/api/sessions", json={}).json()["id"]
        assert client.get(f"/api/sessions/{sid}").status_code == 200
        time.sleep(idle / 2)
        assert client.get(f"/api/sessions/{sid}").status_code == 200  # a use keeps it
        time.sleep(idle * 1.5)
        assert client.get(f"/api/sessions/{sid}").status_code == 404
